"""Seed 000 steps 3-9 in a real browser (headless Chromium), done the way a
person does them: fields found by their labels, buttons by their text.

    provisioned account (must change password)
      -> Logon -> Change Password (a mismatch first, then a good password)
      -> Logon page "Password has been successfully reset"
      -> Logon with the new password -> Verify This Device (e-mailed code)
      -> Welcome -> Logoff -> "You have logged off."

Plus: the Logon form used with the keyboard only, and with JavaScript off.
Screenshots go to tests/artifacts/ (gitignored).
"""
import secrets

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import mc_pages as ui

HOME = "/account/"
PASSWORD = "/account/password"
DEVICE = "/account/device"


def new_password():
    """8+ characters with upper, lower and a digit; never the old one."""
    return f"Fresh-Start-{secrets.token_hex(3)}-7Qz"


def log_on(driver, account, password):
    """On the Logon page: type username and password by their labels and
    click Logon; returns once the next page is there."""
    ui.assert_on(driver, ui.LOGON, "Logon")
    ui.type_into(driver, "Username or e-mail address", account.username)
    ui.type_into(driver, "Password", password)
    ui.click(driver, "Logon")


def confirm_device(driver, smtp, account):
    """On Verify This Device: enter the e-mailed code and Continue."""
    ui.assert_on(driver, DEVICE, "Verify This Device")
    code = ui.device_code(smtp, account.email)
    ui.type_into(driver, "Verification code", code)
    ui.click(driver, "Continue")


def assert_welcome(driver, account):
    ui.assert_on(driver, HOME, "Welcome")
    assert "Welcome" in ui.page_text(driver)
    ui.assert_layout(driver, username=account.username)


def forced_change(driver, account, smtp, screenshot=None):
    """On Change Password: a mismatch first (refused, same page), then a
    good new password; ends on the Logon page saying it was reset.
    Returns the new password."""
    ui.assert_on(driver, PASSWORD, "Change Password")
    assert "You are required to change your password" in ui.page_text(driver)
    ui.assert_layout(driver)
    if screenshot:
        ui.screenshot(driver, screenshot)

    good = new_password()
    ui.type_into(driver, "New Password *", good)
    ui.type_into(driver, "Verify New Password *", good + "x")
    ui.click(driver, "Continue")
    ui.assert_on(driver, PASSWORD, "Change Password")
    assert ui.errors(driver) == [ui.MSG_MISMATCH], ui.page_text(driver)
    assert "You are required to change your password" in ui.page_text(driver)

    ui.type_into(driver, "New Password *", good)
    ui.type_into(driver, "Verify New Password *", good)
    ui.click(driver, "Continue")
    ui.assert_on(driver, ui.LOGON, "Logon")
    assert ui.MSG_RESET in ui.notices(driver), ui.page_text(driver)
    assert not ui.errors(driver), ui.errors(driver)
    ui.assert_layout(driver)
    smtp.wait_for(to=account.email, subject="Your password was changed", timeout=ui.MAIL_WAIT)
    return good


def log_off(driver):
    ui.click(driver, "Logoff")
    ui.assert_on(driver, ui.LOGON, "Logon")
    assert ui.MSG_LOGGED_OFF in ui.notices(driver), ui.page_text(driver)
    ui.assert_layout(driver)


def assert_home_needs_logon(driver, apache):
    ui.open_page(driver, apache.url(HOME))
    ui.assert_on(driver, ui.LOGON, "Logon")


def test_seed_000_provisioned_account_first_logon(browser, apache, smtp, mariadb, new_account):
    account = new_account(must_change=True)
    driver = browser

    # Step 3: the Logon page, with the site's look.
    ui.open_page(driver, apache.url(ui.LOGON))
    ui.assert_on(driver, ui.LOGON, "Logon")
    ui.assert_layout(driver)
    assert ui.stylesheet_applied(driver), "site.css did not apply (header not court blue)"

    # Step 4: the temporary password -> forced change (steps 5-7).
    log_on(driver, account, account.password)
    new = forced_change(driver, account, smtp, screenshot="browser-password.png")
    assert mariadb.value("SELECT must_change_password FROM mc_account WHERE id = "
                         f"{account.id}") in (0, "0")

    # Step 8: log on with the new password from this new browser: device code.
    log_on(driver, account, new)
    confirm_device(driver, smtp, account)
    assert_welcome(driver, account)
    assert ui.stylesheet_applied(driver)
    ui.screenshot(driver, "browser-logon.png")

    # Step 9: Logoff; the home page is then behind the Logon page again.
    log_off(driver)
    assert_home_needs_logon(driver, apache)

    # The temporary password is gone.
    log_on(driver, account, account.password)
    ui.assert_on(driver, ui.LOGON, "Logon")
    assert ui.errors(driver) == [ui.MSG_BAD], ui.page_text(driver)
    assert ui.field(driver, "Username or e-mail address").get_attribute("value") \
        == account.username

    # This browser is now a known device: the new password goes straight in.
    ui.type_into(driver, "Password", new)
    ui.click(driver, "Logon")
    assert_welcome(driver, account)
    log_off(driver)


def test_logon_with_keyboard_only(browser, apache, smtp, new_account):
    """No mouse: autofocus, type, TAB, type, ENTER; the code the same way;
    TAB to Logoff and ENTER."""
    account = new_account()
    driver = browser
    keys = lambda *k: ActionChains(driver).send_keys(*k).perform()  # noqa: E731

    ui.open_page(driver, apache.url(ui.LOGON))
    ui.assert_on(driver, ui.LOGON, "Logon")
    user = ui.field(driver, "Username or e-mail address")
    ui.wait(driver).until(lambda d: d.switch_to.active_element == user,
                          "the username field does not have the focus (autofocus)")
    keys(account.username)
    keys(Keys.TAB)
    assert driver.switch_to.active_element == ui.field(driver, "Password"), \
        "TAB from the username field does not reach the password field"
    keys(account.password)
    ui.leaves_page(driver, lambda: keys(Keys.ENTER))

    ui.assert_on(driver, DEVICE, "Verify This Device")
    code_field = ui.field(driver, "Verification code")
    ui.wait(driver).until(lambda d: d.switch_to.active_element == code_field,
                          "the code field does not have the focus (autofocus)")
    keys(ui.device_code(smtp, account.email))
    ui.leaves_page(driver, lambda: keys(Keys.ENTER))
    assert_welcome(driver, account)

    logoff = ui.button(driver, "Logoff")
    for _ in range(30):
        if driver.switch_to.active_element == logoff:
            break
        keys(Keys.TAB)
    else:
        raise AssertionError("the Logoff button can not be reached with TAB")
    ui.leaves_page(driver, lambda: keys(Keys.ENTER))
    ui.assert_on(driver, ui.LOGON, "Logon")
    assert ui.MSG_LOGGED_OFF in ui.notices(driver), ui.page_text(driver)


def test_logon_without_javascript(make_browser, apache, smtp, new_account):
    """The whole first logon of a provisioned account works with scripts
    off (plain HTML forms)."""
    driver = make_browser(javascript=False)
    # Scripts really are off in this browser.
    driver.get("data:text/html,<title>off</title><script>document.title='on'</script>")
    ui.wait(driver).until(lambda d: d.title in ("off", "on"))
    assert driver.title == "off", "JavaScript is still enabled"

    account = new_account(must_change=True)
    ui.open_page(driver, apache.url(ui.LOGON))
    ui.assert_layout(driver)
    log_on(driver, account, account.password)
    new = forced_change(driver, account, smtp)
    log_on(driver, account, new)
    confirm_device(driver, smtp, account)
    assert_welcome(driver, account)
    log_off(driver)
    assert_home_needs_logon(driver, apache)
    # The only script is the external comfort script (no inline code, which
    # the CSP would refuse anyway); the flow above ran without it.
    scripts = driver.find_elements(By.TAG_NAME, "script")
    assert [s.get_attribute("src").rsplit("/", 1)[-1] for s in scripts] == ["site.js"]
    assert all(not s.get_attribute("innerHTML").strip() for s in scripts)


def test_back_after_logoff_shows_no_account_page(make_browser, apache, smtp, new_account):
    """Back after Logoff must not show the account's page from the
    back/forward cache (a shared courthouse computer): site.js asks the
    server again, which sends the browser to Logon. A browser with the
    cache on, as people's are (the suite's others have it off)."""
    driver = make_browser(bfcache=True)
    account = new_account()
    ui.open_page(driver, apache.url(ui.LOGON))
    log_on(driver, account, account.password)
    confirm_device(driver, smtp, account)
    assert_welcome(driver, account)
    log_off(driver)
    driver.back()
    ui.wait(driver).until(lambda d: ui.path(d) == ui.LOGON and ui.heading(d) == "Logon")
    assert "Logged on as" not in ui.page_text(driver)


def test_cancel_a_half_finished_logon(browser, apache, smtp, new_account, mariadb):
    """On Verify This Device, "Cancel and log off" ends the half-made session."""
    driver = browser
    account = new_account()
    ui.open_page(driver, apache.url(ui.LOGON))
    log_on(driver, account, account.password)
    ui.assert_on(driver, DEVICE, "Verify This Device")
    ui.click(driver, "Cancel and log off")
    ui.assert_on(driver, ui.LOGON, "Logon")
    assert "You have logged off." in ui.page_text(driver)
    left = mariadb.value(f"SELECT COUNT(*) FROM mc_session WHERE account_id = {account.id}")
    assert int(left) == 0
