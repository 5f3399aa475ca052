"""My Account's API tokens page (issue 16) in a real browser, by its labels:
My Account -> "API tokens" -> name, scopes, lifetime -> Create Token (the
token shown once in a read-only field) -> the token works on the API (the probe test plugin's /probe/whoami) ->
Revoke -> refused at once. Each page goes through page_checks (axe-core, the
Nu HTML checker, 390 px and 320 px)."""
import sys

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import mc_pages as ui
from harness import util

sys.path.insert(0, str(util.REPO / "tests" / "integration"))
from helpers_core import account_browser  # noqa: E402


def test_api_tokens_page(make_browser, apache, new_account, smtp):
    ap = apache
    session, acct = account_browser(ap, new_account, smtp, prefix="tokb")
    driver = make_browser()
    ui.open_page(driver, ap.url("/account/help"))
    for c in session.cookies:
        driver.add_cookie({"name": c.name, "value": c.value, "path": c.path or "/"})

    ui.open_page(driver, ap.url("/registration/myaccount"))
    ui.leaves_page(driver, driver.find_element(By.LINK_TEXT, "API tokens").click)
    ui.assert_on(driver, "/account/api-tokens", "API tokens")
    assert "You have no API tokens." in ui.page_text(driver)
    ui.type_into(driver, "Name", "Firm calendar")
    ui.field(driver, "Case.net: the public searches and cases (casenet:read)").click()
    Select(ui.field(driver, "Expires after")).select_by_visible_text("30 days")
    ui.click(driver, "Create Token")
    ui.assert_on(driver, "/account/api-tokens", "API tokens")
    box = ui.field(driver, "Token")
    assert box.get_attribute("readonly") is not None
    token = box.get_attribute("value")
    assert token.startswith("mct_") and len(token) == 47
    who = requests.get(ap.url("/api/v1/probe/whoami"), timeout=30,
                       headers={"Authorization": "Bearer " + token})
    assert who.status_code == 200 and who.json()["username"] == acct.username

    # The list shows it without its secret; Revoke ends it at once.
    row = driver.find_element(By.XPATH, "//tr[th[normalize-space(.)='Firm calendar']]")
    assert token[:12] in row.text
    ui.open_page(driver, ap.url("/account/api-tokens"))
    assert token not in driver.page_source
    row = driver.find_element(By.XPATH, "//tr[th[normalize-space(.)='Firm calendar']]")
    ui.leaves_page(driver, row.find_element(By.TAG_NAME, "button").click)
    assert "The token was revoked. It no longer works." in " ".join(ui.notices(driver))
    r = requests.get(ap.url("/api/v1/probe/whoami"), timeout=30,
                     headers={"Authorization": "Bearer " + token})
    assert r.status_code == 401
