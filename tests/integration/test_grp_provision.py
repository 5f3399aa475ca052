"""Groups: the Security unit creates a group with its group administrator
(one transaction, the administrator e-mailed the username, the temporary
password, the Group PIN, the association URL and the procedure link), and
lists and searches groups."""
import re
import secrets

from harness import web
from helpers_core import (account_browser, audited, count_rows, location, logon, logon_full,
                          new_browser, path_of, plain)

G = "/groups"


def security_browser(ap, new_account, smtp):
    return account_browser(ap, new_account, smtp, ["security"], prefix="grpsec")


def group_fields(**over):
    tag = secrets.token_hex(3)
    f = {"name": f"Firm {tag} LLC", "kind": "firm", "address_line1": "1 Main St",
         "address_line2": "", "city": "Jefferson City", "state": "MO", "zip": "65101",
         "phone": "(573) 555-0100", "username": f"gadm.{tag}", "email": f"gadm{tag}@example.test",
         "first_name": "Ada", "last_name": f"Admin{tag}", "password": f"Temp-Pass-{tag}-9x",
         "pin": f"pin{tag}7"}
    f.update(over)
    return f


def create_group(s, ap, fields):
    page = s.get(ap.url(G + "/security/new"), timeout=30)
    assert page.status_code == 200, page.status_code
    assert "Create a group" in page.text
    return web.submit(s, page, fields, with_field="pin", timeout=30)


def test_create_group_mail_and_first_logon(apache, new_account, smtp, mariadb):
    ap = apache
    s, sec = security_browser(ap, new_account, smtp)
    f = group_fields()
    r = create_group(s, ap, f)
    assert r.status_code == 200, r.status_code
    assert "Group created" in r.text and f["name"] in plain(r.text)
    gid = mariadb.value(f"SELECT id FROM mc_group WHERE name = '{f['name']}'")
    assert gid
    key = mariadb.value(f"SELECT assoc_key FROM mc_group WHERE id = {gid}")
    assert len(key) == 22
    # The PIN and the password are stored hashed.
    assert f["pin"] not in mariadb.value(f"SELECT pin_hash FROM mc_group WHERE id = {gid}")
    aid = mariadb.value(f"SELECT id FROM mc_account WHERE username = '{f['username']}'")
    row = mariadb.value(f"SELECT CONCAT(status, email_verified, must_change_password) "
                        f"FROM mc_account WHERE id = {aid}")
    assert row == "active11"
    assert mariadb.value(f"SELECT is_admin FROM mc_group_member WHERE account_id = {aid} "
                         f"AND group_id = {gid}") == "1"
    assert count_rows(mariadb, "mc_account_role",
                      f"account_id = {aid} AND role = 'group_admin' AND scope = '{gid}'") == 1
    assert audited(mariadb, "group-created", account_id=aid, actor_id=sec.id) == 1
    mail = smtp.wait_for(to=f["email"], subject="group administrator", timeout=20)
    body = mail.body
    for part in (f["username"], f["password"], f["pin"], f"/groups/join/{key}",
                 "/groups/procedure", "/account/logon", "change your password",
                 "Missing Information", "User Agreement"):
        assert part in body, (part, body)
    # The administrator logs on with the temporary password: forced change.
    a = new_browser()
    r = logon(a, ap, f["username"], f["password"])
    if path_of(r.url) == "/account/device":
        from helpers_core import wait_code, submit_code
        r = submit_code(a, r, wait_code(smtp, f["email"], 0))
    assert path_of(r.url) == "/account/password", r.url
    new = "Brand-New-Admin-42x"
    r = web.submit(a, r, {"new_password": new, "verify_password": new},
                   with_field="new_password", allow_redirects=False, timeout=30)
    assert r.status_code == 303, r.status_code
    assert mariadb.value(f"SELECT must_change_password FROM mc_account WHERE id = {aid}") == "0"
    # The procedure page is public.
    r = new_browser().get(ap.url(G + "/procedure"), timeout=30)
    assert r.status_code == 200 and "Procedure for Group Users" in r.text
    assert 'href="/registration/create"' in r.text and "Group User Authentication" in r.text


def test_create_refusals_keep_values(apache, new_account, smtp, mariadb):
    ap = apache
    s, _ = security_browser(ap, new_account, smtp)
    f = group_fields()
    assert "Group created" in create_group(s, ap, f).text
    taken = new_account(prefix="grptaken")
    cases = [
        (group_fields(name=f["name"]), "a group with this name already exists"),
        (group_fields(username=taken.username), "this username is taken"),
        (group_fields(pin="abcdefg"), "include at least one digit"),
        (group_fields(pin="12"), "6 to 12 characters"),
        (group_fields(password="weak"), "Temporary Password:"),
        (group_fields(username="a b"), "Username: use 6 to 30"),
    ]
    for fields, message in cases:
        before = mariadb.value("SELECT COUNT(*) FROM mc_group")
        r = create_group(s, ap, fields)
        assert r.status_code == 200
        assert message in r.text, (message, plain(r.text)[:800])
        # Values are kept (not the secrets).
        assert f'value="{fields["email"]}"' in r.text
        assert f'value="{fields["last_name"]}"' in r.text
        assert fields["password"] not in r.text
        assert mariadb.value("SELECT COUNT(*) FROM mc_group") == before


def test_list_search_and_access(apache, new_account, smtp, mariadb):
    ap = apache
    s, _ = security_browser(ap, new_account, smtp)
    tag = "Srch" + secrets.token_hex(3)
    a = group_fields(name=f"{tag} Alpha", kind="agency")
    b = group_fields(name=f"{tag} Beta", kind="firm")
    assert "Group created" in create_group(s, ap, a).text
    assert "Group created" in create_group(s, ap, b).text
    r = s.get(ap.url(G + "/security"), params={"name": tag.lower()}, timeout=30)
    assert r.status_code == 200
    assert a["name"] in r.text and b["name"] in r.text and "2 group(s) found" in plain(r.text)
    r = s.get(ap.url(G + "/security"), params={"name": tag, "kind": "agency"}, timeout=30)
    assert a["name"] in r.text and b["name"] not in r.text
    mariadb.sql(f"UPDATE mc_group SET status = 'inactive' WHERE name = '{b['name']}'",
                database="mocourts")
    r = s.get(ap.url(G + "/security"), params={"name": tag, "status": "inactive"}, timeout=30)
    assert b["name"] in r.text and a["name"] not in r.text
    # A LIKE wildcard is a plain character.
    r = s.get(ap.url(G + "/security"), params={"name": "%"}, timeout=30)
    assert a["name"] not in r.text
    # Paging: 27 groups, 25 on page 1.
    pg = "Pg" + secrets.token_hex(3)
    mariadb.sql(";".join(
        f"INSERT INTO mc_group (name, kind, pin_hash, pin_changed_at, assoc_key, created_at) "
        f"VALUES ('{pg} {i:02d}', 'other', 'x', UTC_TIMESTAMP(), '{pg}{i:02d}{'k' * 12}', "
        f"UTC_TIMESTAMP())" for i in range(27)), database="mocourts")
    r = s.get(ap.url(G + "/security"), params={"name": pg}, timeout=30)
    assert f"{pg} 24" in r.text and f"{pg} 25" not in r.text and 'rel="next"' in r.text
    r = s.get(ap.url(G + "/security"), params={"name": pg, "page": "2"}, timeout=30)
    assert f"{pg} 26" in r.text and f"{pg} 00" not in r.text and 'rel="prev"' in r.text
    # Non-security accounts get 403.
    other = new_account(prefix="grpnosec")
    o = new_browser()
    logon_full(o, ap, other, smtp)
    for path in ("/security", "/security/new"):
        r = o.get(ap.url(G + path), allow_redirects=False, timeout=30)
        assert r.status_code == 403, (path, r.status_code)
    r = o.post(ap.url(G + "/security/new"), data=group_fields(), allow_redirects=False,
               timeout=30)
    assert r.status_code == 403
    # Anonymous: sent to logon.
    r = new_browser().get(ap.url(G + "/security"), allow_redirects=False, timeout=30)
    assert r.status_code in (302, 303) and "/account/logon" in location(r)


def group_action(s, ap, gid, action, fields=None, confirm=True):
    page = s.get(ap.url(f"{G}/security/{gid}"), timeout=30)
    assert page.status_code == 200, page.status_code
    data = dict(fields or {})
    if confirm:
        data["confirm"] = "1"
    return web.submit(s, page, data, action_contains=f"/{gid}/{action}", timeout=30)


def test_group_page_deactivate_and_admins(apache, new_account, smtp, mariadb):
    ap = apache
    s, sec = security_browser(ap, new_account, smtp)
    f = group_fields()
    assert "Group created" in create_group(s, ap, f).text
    gid = int(mariadb.value(f"SELECT id FROM mc_group WHERE name = '{f['name']}'"))
    first = int(mariadb.value(f"SELECT id FROM mc_account WHERE username = '{f['username']}'"))
    # The list links to the group's page.
    r = s.get(ap.url(G + "/security"), params={"name": f["name"]}, timeout=30)
    assert f'href="{G}/security/{gid}"' in r.text
    r = s.get(ap.url(f"{G}/security/{gid}"), timeout=30)
    assert f["username"] in r.text and "Active" in r.text
    assert s.get(ap.url(f"{G}/security/999999999"), timeout=30).status_code == 404
    # Deactivate: confirmation required; nothing deleted; audited; reactivate.
    r = group_action(s, ap, gid, "deactivate", confirm=False)
    assert 'Check "I confirm"' in r.text
    assert mariadb.value(f"SELECT status FROM mc_group WHERE id = {gid}") == "active"
    r = group_action(s, ap, gid, "deactivate")
    assert "The group was deactivated." in r.text and "Deactivated" in r.text
    assert mariadb.value(f"SELECT status FROM mc_group WHERE id = {gid}") == "inactive"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_group_member WHERE group_id = {gid}") == "1"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_audit WHERE event = 'group-deactivated' AND "
                         f"actor_id = {sec.id}") == "1"
    r = group_action(s, ap, gid, "reactivate")
    assert "The group was reactivated." in r.text
    assert mariadb.value(f"SELECT status FROM mc_group WHERE id = {gid}") == "active"
    # Add an administrator.
    second = new_account(prefix="gadd")
    r = group_action(s, ap, gid, "admin", {"username": second.username, "mode": "add"})
    assert "was made a group administrator" in r.text, plain(r.text)[:800]
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_account_role WHERE account_id = {second.id} "
                         f"AND role = 'group_admin' AND scope = '{gid}'") == "1"
    assert mariadb.value(f"SELECT is_admin FROM mc_group_member WHERE account_id = {second.id}") \
        == "1"
    # Refusals: unknown username, already admin, member of another group.
    r = group_action(s, ap, gid, "admin", {"username": "nosuchuser99", "mode": "add"})
    assert "no account has this username" in r.text
    r = group_action(s, ap, gid, "admin", {"username": second.username, "mode": "add"})
    assert "already a group administrator" in r.text
    g2 = group_fields()
    assert "Group created" in create_group(s, ap, g2).text
    r = group_action(s, ap, gid, "admin", {"username": g2["username"], "mode": "add"})
    assert "member of another group" in r.text
    # Replace: the previous administrators become plain group users.
    third = new_account(prefix="grepl")
    r = group_action(s, ap, gid, "admin", {"username": third.username, "mode": "replace"})
    assert "The group administrator was replaced" in r.text
    for old in (first, second.id):
        assert mariadb.value(f"SELECT is_admin FROM mc_group_member WHERE account_id = {old}") \
            == "0"
        assert mariadb.value(f"SELECT GROUP_CONCAT(role) FROM mc_account_role WHERE "
                             f"account_id = {old} AND scope = '{gid}'") == "group_user"
    assert mariadb.value(f"SELECT GROUP_CONCAT(role) FROM mc_account_role WHERE account_id = "
                         f"{third.id} AND scope = '{gid}'") == "group_admin"
    assert audited(mariadb, "group-admin-added", actor_id=sec.id) == 2
    # Non-security accounts cannot.
    o = new_browser()
    logon_full(o, ap, new_account(prefix="gnosec2"), smtp)
    assert o.get(ap.url(f"{G}/security/{gid}"), timeout=30).status_code == 403


def test_temporary_password_delivered_separately(make_apache, new_account, smtp, mariadb):
    """MoCourtsGroupPasswordDelivery separate: the administrator's e-mail
    carries everything but the temporary password."""
    ap = make_apache(extra_conf="MoCourtsGroupPasswordDelivery separate\n")
    s, _ = security_browser(ap, new_account, smtp)
    f = group_fields()
    r = create_group(s, ap, f)
    assert "Give the administrator the temporary password separately" in plain(r.text)
    mail = smtp.wait_for(to=f["email"], subject="group administrator", timeout=20)
    assert f["password"] not in mail.body
    assert "given to you separately by the Security unit" in mail.body
    assert f["pin"] in mail.body and f["username"] in mail.body


def test_password_delivery_directive_checked(make_apache):
    ap = make_apache(start=False, extra_conf="MoCourtsGroupPasswordDelivery fax\n")
    rc, out = ap.configtest()
    assert rc != 0
    assert "Invalid value for directive 'MoCourtsGroupPasswordDelivery'" in out


def test_procedure_names_the_logon_button(apache):
    """Issue 10 §5: the Procedure for Group Users tells people to select the
    Logon page's button by the label it shows ("Logon", not "Log On")."""
    b = new_browser()
    logon_page = b.get(apache.url("/account/logon"), timeout=30).text
    buttons = re.findall(r"<button[^>]*>([^<]+)</button>", logon_page)
    assert "Logon" in buttons, buttons
    text = plain(b.get(apache.url(G + "/procedure"), timeout=30).text)
    step = re.search(r"the Logon page opens first: (.*?); you come back", text)
    assert step, text
    selected = re.findall(r'select "([^"]+)"', step.group(1))
    assert selected == ["Logon"], selected
    assert "Log On" not in text
