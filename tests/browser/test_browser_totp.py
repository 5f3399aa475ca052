"""Two-step verification (issue 17) in a real browser, by its labels: My
Account -> "Two-step verification" -> Set Up (the QR code drawn, the key
in a read-only field labelled Key) -> a wrong Authentication code refused
-> the right one with the Password: ten recovery codes shown once -> Logoff -> Logon with the
password -> the Authentication code page -> Welcome -> Get New Recovery
Codes and Turn Off, each with the Password. Each page goes through page_checks (axe-core, the Nu HTML
checker, 390 px and 320 px)."""
import base64
import sys

from selenium.webdriver.common.by import By

import mc_pages as ui
from harness import util

sys.path.insert(0, str(util.REPO / "tests" / "integration"))
from helpers_core import account_browser  # noqa: E402
from helpers_totp import App, now_step, totp  # noqa: E402
from test_totp import enrolled  # noqa: E402


def test_two_step_setup_and_logon(make_browser, apache, new_account, smtp, mariadb):
    ap = apache
    session, acct = account_browser(ap, new_account, smtp, prefix="totpb")
    driver = make_browser()
    ui.open_page(driver, ap.url("/account/help"))
    for c in session.cookies:
        driver.add_cookie({"name": c.name, "value": c.value, "path": c.path or "/"})

    ui.open_page(driver, ap.url("/registration/myaccount"))
    ui.leaves_page(driver, driver.find_element(By.LINK_TEXT, "Two-step verification").click)
    ui.assert_on(driver, "/account/two-step", "Two-step verification")
    ui.click(driver, "Set Up Two-Step Verification")
    ui.assert_on(driver, "/account/two-step", "Two-step verification")
    qr = driver.find_element(By.CSS_SELECTOR, "img.qr")
    assert "QR code" in qr.get_attribute("alt")
    assert driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0",
                                 qr), "the QR code image was not drawn"
    box = ui.field(driver, "Key")
    assert box.get_attribute("readonly") is not None
    app = App(base64.b32decode(box.get_attribute("value").replace(" ", "")))

    wrong = f"{(int(totp(app.key, now_step())) + 500000) % 1000000:06d}"
    ui.type_into(driver, "Authentication code", wrong)
    ui.type_into(driver, "Password", acct.password)
    ui.click(driver, "Turn On")
    assert any("not correct" in e for e in ui.errors(driver)), ui.errors(driver)
    ui.type_into(driver, "Authentication code", app.code())
    ui.type_into(driver, "Password", acct.password)
    ui.click(driver, "Turn On")
    codes = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "ul.recovery-codes code")]
    assert len(codes) == 10 and all(len(c) == 11 for c in codes), codes
    assert "Status: on" in ui.page_text(driver)

    ui.click(driver, "Logoff")
    ui.open_page(driver, ap.url("/account/logon"))
    ui.type_into(driver, "Username or e-mail address", acct.username)
    ui.type_into(driver, "Password", acct.password)
    ui.click(driver, "Logon")
    ui.assert_on(driver, "/account/two-step-code", "Two-Step Verification")
    ui.type_into(driver, "Authentication code", app.code())
    ui.click(driver, "Continue")
    ui.assert_on(driver, "/account/", "Welcome")

    ui.open_page(driver, ap.url("/account/two-step"))
    ui.type_into(driver, "Password", acct.password)
    ui.click(driver, "Get New Recovery Codes")
    assert "Your new recovery codes" in ui.page_text(driver)
    fresh = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "ul.recovery-codes code")]
    assert len(fresh) == 10 and not set(fresh) & set(codes), fresh
    ui.type_into(driver, "Password", acct.password)
    ui.click(driver, "Turn Off")
    assert "Two-step verification is off." in " ".join(ui.notices(driver))
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_totp WHERE account_id = {acct.id}") == "0"


def test_security_unit_turns_it_off(make_browser, apache, new_account, smtp, mariadb):
    """Security Unit -> find the account -> its page: "Two-step verification
    On" -> "I confirm" beside "Turn off two-step verification" -> the
    notice, and Off."""
    ap = apache
    target, _, _, _ = enrolled(ap, new_account, smtp)
    session, _ = account_browser(ap, new_account, smtp, roles=["security"], prefix="totpsec")
    driver = make_browser()
    ui.open_page(driver, ap.url("/account/help"))
    for c in session.cookies:
        driver.add_cookie({"name": c.name, "value": c.value, "path": c.path or "/"})
    ui.open_page(driver, ap.url("/registration/security"))
    ui.type_into(driver, "Username", target.username)
    ui.click(driver, "Search")
    ui.leaves_page(driver, driver.find_element(By.LINK_TEXT, target.username).click)
    assert "Two-step verification On" in ui.page_text(driver)
    driver.find_element(By.CSS_SELECTOR, 'label[for="confirm_two-step-off"]').click()
    ui.click(driver, "Turn off two-step verification")
    assert any("Two-step verification was turned off" in n for n in ui.notices(driver)), \
        ui.notices(driver)
    assert "Two-step verification Off" in ui.page_text(driver)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_totp WHERE account_id = {target.id}") == "0"
