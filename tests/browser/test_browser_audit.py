"""The Security unit's audit log viewer (issue 17) in a real browser, by
its visible link and labels: Security Unit -> "Audit log" -> Account, Event
type, From, To, IP address -> Search -> an event's page -> back to the list
as it was; a day that is no day is said beside its field. Each page goes
through page_checks (axe-core, the Nu HTML checker, 390 px and 320 px)."""
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import mc_pages as ui
from harness import util

sys.path.insert(0, str(util.REPO / "tests" / "integration"))
from helpers_core import account_browser  # noqa: E402
from test_reg_audit import put_events  # noqa: E402


def test_audit_log_viewer(make_browser, apache, new_account, smtp, mariadb):
    ap = apache
    session, sec = account_browser(ap, new_account, smtp, ["security"], prefix="secbrw")
    t = new_account(prefix="audb")
    put_events(mariadb, [
        ("2025-06-01 08:00:00", "logon", t.id, 0, "192.0.2.20", "full"),
        ("2025-06-02 09:30:00", "logon-failed", t.id, 0, "198.51.100.20", "wrong password"),
        ("2025-06-03 10:45:00", "security-disable", t.id, sec.id, "192.0.2.21",
         "disabled by the Security unit (was active)"),
    ])
    driver = make_browser()
    ui.open_page(driver, ap.url("/account/help"))
    for c in session.cookies:
        driver.add_cookie({"name": c.name, "value": c.value, "path": c.path or "/"})

    ui.open_page(driver, ap.url("/registration/security"))
    ui.leaves_page(driver, driver.find_element(By.LINK_TEXT, "Audit log").click)
    ui.assert_on(driver, "/registration/security/audit", "Audit Log")
    ui.type_into(driver, "Account", t.username)
    Select(ui.field(driver, "Event type")).select_by_visible_text("logon-failed")
    ui.type_into(driver, "IP address", "198.51.100.")
    ui.click(driver, "Search")
    ui.assert_on(driver, "/registration/security/audit", "Audit Log")
    rows = driver.find_elements(By.CSS_SELECTOR, "#events tbody tr")
    assert len(rows) == 1 and "wrong password" in rows[0].text, [r.text for r in rows]
    # The filters stay in the form and in the address.
    assert ui.field(driver, "Account").get_attribute("value") == t.username
    assert Select(ui.field(driver, "Event type")).first_selected_option.text == "logon-failed"
    assert "event=logon-failed" in driver.current_url
    # The event's page, and back to the list as it was.
    ui.leaves_page(driver, rows[0].find_element(By.LINK_TEXT, "2025-06-02 09:30:00").click)
    assert ui.path(driver).startswith("/registration/security/audit/")
    assert ui.heading(driver).startswith("Audit Event ") and driver.title == ui.heading(driver)
    text = ui.page_text(driver)
    for part in ("logon-failed", t.username, "198.51.100.20", "wrong password"):
        assert part in text, part
    ui.leaves_page(driver, driver.find_element(By.LINK_TEXT, "Back to the audit log").click)
    ui.assert_on(driver, "/registration/security/audit", "Audit Log")
    assert len(driver.find_elements(By.CSS_SELECTOR, "#events tbody tr")) == 1
    # All three of the account, newest first, with their export link.
    ui.type_into(driver, "IP address", "")
    Select(ui.field(driver, "Event type")).select_by_visible_text("Any")
    ui.type_into(driver, "To", "06302025")
    ui.click(driver, "Search")
    rows = driver.find_elements(By.CSS_SELECTOR, "#events tbody tr")
    assert [r.find_element(By.CSS_SELECTOR, "td:nth-child(2)").text for r in rows] == \
        ["security-disable", "logon-failed", "logon"]
    assert "/security/audit/export?" in \
        driver.find_element(By.LINK_TEXT, "Export these events as CSV").get_attribute("href")
    # A mistake is said and linked to its field.
    ui.open_page(driver, ap.url("/registration/security/audit?from=2025-02-30"))
    assert any("Enter the From date as a day of the calendar" in e for e in ui.errors(driver))
    assert ui.field(driver, "From").get_attribute("aria-invalid") == "true"
