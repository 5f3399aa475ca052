"""Seed 001 steps 16-26 in a real browser (headless Chromium), by labels:

    association URL from the group administrator -> Logon -> back to
    "Group User Authentication" (Group Name filled in, read-only) -> PIN,
    User Information -> "Submit" -> User Agreement -> "I acknowledge" ->
    "Continue" -> "eFiling Menu".
The group is created by the Security unit through the site's form (HTTP)."""
import re
import secrets
from urllib.parse import urljoin

import mc_pages as ui
from harness import web

G = "/groups"


def _form(html, with_field):
    for m in re.finditer(r"<form\b[^>]*>.*?</form>", html, re.S):
        form = m.group(0)
        if f'name="{with_field}"' in form:
            action = re.search(r'action="([^"]*)"', form).group(1)
            hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
            return action, hidden
    raise AssertionError(f"no form with {with_field} in:\n{html[:1500]}")


def _submit(s, resp, with_field, fields):
    action, data = _form(resp.text, with_field)
    data.update(fields)
    return s.post(urljoin(resp.url, action), data=data, timeout=30)


def create_group(ap, sec):
    s = web.new_session()
    r = s.get(ap.url(ui.LOGON), timeout=30)
    r = _submit(s, r, "password", {"username": sec.username, "password": sec.password})
    assert "/account/logon" not in r.url, r.url
    tag = secrets.token_hex(3)
    f = {"name": f"Browser Firm {tag}", "kind": "firm", "username": f"badm.{tag}",
         "email": f"badm{tag}@example.test", "first_name": "Bea", "last_name": "Admin",
         "password": f"Temp-Pass-{tag}-9x", "pin": f"Pin{tag}42"}
    r = _submit(s, s.get(ap.url(G + "/security/new"), timeout=30), "pin", f)
    assert "Group created" in r.text, r.text[:1500]
    return f


def test_group_user_association(make_browser, make_apache, new_account, mariadb, smtp):
    ap = make_apache(overrides={"MoCourtsNewDeviceCode": "Off"})
    sec = new_account(roles=["security"], prefix="bsec")
    f = create_group(ap, sec)
    mail = smtp.wait_for(to=f["email"], subject="group administrator", timeout=20)
    m = re.search(r"(https?://\S+/groups/join/[A-Za-z0-9_-]{22})", mail.body)
    assert m, mail.body
    assoc_url = m.group(1)
    key = assoc_url.rsplit("/", 1)[1]
    user = new_account(prefix="buser")
    driver = make_browser()

    # Step 16: the association URL; not logged on, so the Logon page first.
    ui.open_page(driver, ap.url(f"{G}/join/{key}"))
    assert ui.path(driver) == ui.LOGON, driver.current_url
    ui.type_into(driver, "Username or e-mail address", user.username)
    ui.type_into(driver, "Password", user.password)
    ui.click(driver, "Logon")

    # Steps 17-21: Group User Authentication, Group Name filled in.
    ui.assert_on(driver, f"{G}/join/{key}", "Group User Authentication")
    ui.assert_layout(driver, username=user.username)
    group_name = ui.field(driver, "Group Name")
    assert group_name.get_attribute("value") == f["name"]
    assert group_name.get_attribute("readonly") is not None
    ui.type_into(driver, "PIN", "Wrong0000")
    ui.type_into(driver, "User Information", "Paralegal, Litigation; supervisor A. Partner")
    ui.click(driver, "Submit")
    assert ui.errors(driver) == ["The Group Name or the PIN is not correct."]
    assert ui.field(driver, "User Information").get_attribute("value") == \
        "Paralegal, Litigation; supervisor A. Partner"
    ui.type_into(driver, "PIN", f["pin"])
    ui.click(driver, "Submit")

    # Steps 22-24: the User Agreement, "I acknowledge", "Continue".
    ui.assert_on(driver, "/registration/agreement", "User Agreement")
    ui.field(driver, "I acknowledge").click()
    ui.click(driver, "Continue")

    # Steps 25-26: the eFiling Menu.
    ui.assert_on(driver, f"{G}/efiling", "eFiling Menu")
    text = ui.page_text(driver)
    assert "You have completed registration and group authentication." in text
    assert f["name"] in text and "For easy access to eFiling save the following link" in text
    assert driver.find_element("link text", "Open the eFiling Menu")
    assert driver.find_element("link text", "My Preferences")
    ui.screenshot(driver, "browser-group-user.png")
    assert mariadb.value(f"SELECT is_admin FROM mc_group_member WHERE account_id = {user.id}") \
        == "0"
