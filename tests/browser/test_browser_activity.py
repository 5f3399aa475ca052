"""My Account's Recent activity (issue 17) in a real browser, by its labels:
Logon (a new device: the e-mailed code) -> My Account -> "Recent activity"
(this logon: Chrome, a new device) -> "This wasn't me" -> Forgot Password
with its notice, logged off. Each page goes through page_checks (axe-core,
the Nu HTML checker, 390 px and 320 px)."""
from selenium.webdriver.common.by import By

import mc_pages as ui

ACTIVITY = "/registration/myaccount/activity"


def sessions(mariadb, acct):
    return int(mariadb.value(f"SELECT COUNT(*) FROM mc_session WHERE account_id = {acct.id}"))


def test_recent_activity_by_its_link(make_browser, apache, new_account, smtp, mariadb):
    ap = apache
    acct = new_account(prefix="actb")
    driver = make_browser()
    ui.open_page(driver, ap.url(ui.LOGON))
    ui.type_into(driver, "Username or e-mail address", acct.username)
    ui.type_into(driver, "Password", "not-" + acct.password)
    ui.click(driver, "Logon")                       # a failed logon first
    ui.type_into(driver, "Password", acct.password)
    ui.click(driver, "Logon")
    ui.assert_on(driver, "/account/device", "Verify This Device")
    ui.type_into(driver, "Verification code", ui.device_code(smtp, acct.email))
    ui.click(driver, "Continue")

    ui.open_page(driver, ap.url("/registration/myaccount"))
    ui.leaves_page(driver, driver.find_element(By.LINK_TEXT, "Recent activity").click)
    ui.assert_on(driver, ACTIVITY, "Recent activity")
    rows = [[td.text.strip() for td in tr.find_elements(By.TAG_NAME, "td")]
            for tr in driver.find_elements(By.CSS_SELECTOR, "main table.activity tbody tr")]
    assert [r[1:] for r in rows] == [["Logon", "127.0.0.1", "Chrome", "Yes"],
                                     ["Failed logon (wrong password)", "127.0.0.1", "Chrome",
                                      ""]], rows
    assert rows[0][0].endswith(" UTC"), rows

    assert sessions(mariadb, acct) == 1
    ui.click(driver, "This wasn't me")
    ui.assert_on(driver, "/registration/forgot-password", "Forgot Password")
    assert any("logged off everywhere" in n for n in ui.notices(driver)), ui.notices(driver)
    assert sessions(mariadb, acct) == 0
    assert not driver.find_elements(By.XPATH, "//button[normalize-space(.)='Logoff']")
    ui.type_into(driver, "E-mail Address or Username *", acct.username)   # the way on
