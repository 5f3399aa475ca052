"""Seed 002 in a real browser (headless Chromium), by labels and button texts:

    a case page (anonymous) -> Track This Case -> Logon -> back on Track This
      Case -> E-mail, Each entry as it is docketed -> Track This Case
      -> "You are now tracking case ..."
    My Account -> Manage My Case -> select the case -> Stop Tracking
      -> the tracking is stopped in the database.
"""
import sys

from selenium.webdriver.common.by import By

import mc_pages as ui
from harness import util

# The court data helpers the integration tests use (written straight into the
# database).
sys.path.insert(0, str(util.REPO / "tests" / "integration"))
from helpers_casenet import CASENET, seed_case, seed_court  # noqa: E402


def follow_link(driver, text, within="main"):
    """Click the one link whose text is text inside `within`."""
    links = [a for a in driver.find_elements(By.CSS_SELECTOR, f"{within} a")
             if a.text.strip() == text and a.is_displayed()]
    assert len(links) == 1, f"expected one link {text!r} on {driver.current_url}, " \
                            f"found {len(links)}:\n{ui.page_text(driver)}"
    ui.leaves_page(driver, links[0].click)


def test_track_then_stop_from_manage_my_case(make_browser, make_apache, new_account, mariadb):
    ap = make_apache(overrides={"MoCourtsNewDeviceCode": "Off"})
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption="MILLER V PARKS")
    acct = new_account(prefix="cnbr")
    driver = make_browser()

    # The case page, anonymous: Track This Case goes through the Logon page.
    ui.open_page(driver, ap.url(f"{CASENET}/case/{number}"))
    assert number in ui.page_text(driver) and "MILLER V PARKS" in ui.page_text(driver)
    follow_link(driver, "Track This Case")
    ui.assert_on(driver, ui.LOGON, "Logon")
    ui.type_into(driver, "Username or e-mail address", acct.username)
    ui.type_into(driver, "Password", acct.password)
    ui.click(driver, "Logon")

    # Back on the case's Track This Case page.
    ui.assert_on(driver, f"{CASENET}/track/{number}", "Track This Case")
    ui.assert_layout(driver, username=acct.username)
    assert "MILLER V PARKS" in ui.page_text(driver) and acct.email in ui.page_text(driver)
    ui.screenshot(driver, "casenet-track-form.png")
    ui.field(driver, "E-mail").click()
    ui.field(driver, "Each entry as it is docketed").click()
    ui.click(driver, "Track This Case")
    ui.assert_on(driver, f"{CASENET}/track/{number}", "Track This Case")
    assert f"You are now tracking case {number}." in ui.notices(driver)
    assert mariadb.value(f"SELECT CONCAT(channel, ' ', frequency, ' ', active) FROM mc_track "
                         f"WHERE account_id = {acct.id} AND case_id = {case_id}") == "email each 1"
    ui.screenshot(driver, "casenet-tracking.png")

    # My Account -> Manage My Case -> select case -> Stop Tracking.
    follow_link(driver, "My Account", within="header.site nav")
    ui.assert_on(driver, "/registration/myaccount", "My Account")
    follow_link(driver, "Manage My Case")
    ui.assert_on(driver, f"{CASENET}/mycases", "Manage My Case")
    row = driver.find_element(By.XPATH, f"//tr[td/a[normalize-space(.)='{number}']]")
    assert "E-mail, Each entry as it is docketed" in row.text
    ui.screenshot(driver, "casenet-mycases.png")
    follow_link(driver, number)
    ui.assert_on(driver, f"{CASENET}/mycases/{number}", "Manage My Case")
    assert "MILLER V PARKS" in ui.page_text(driver)
    ui.click(driver, "Stop Tracking")
    ui.assert_on(driver, f"{CASENET}/mycases/{number}", "Manage My Case")
    assert any(n.startswith("Tracking stopped.") for n in ui.notices(driver)), ui.notices(driver)
    assert "Not tracked" in ui.page_text(driver)
    assert mariadb.value(f"SELECT CONCAT(active, ' ', stopped_why) FROM mc_track WHERE "
                         f"account_id = {acct.id} AND case_id = {case_id}") == "0 account"
    # The case stays in the folder, trackable again from there.
    follow_link(driver, "Track This Case")
    ui.assert_on(driver, f"{CASENET}/track/{number}", "Track This Case")
