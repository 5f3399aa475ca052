"""Case.net's Calendar Feed page (issue 16) in a real browser, reached from
Manage My Case's "Calendar feed" link: no feed, Create (the address shown
once in a read-only field, selectable and whole at 390 px), Reset (a new
address) and Remove. Each page goes through page_checks (axe-core, the Nu
HTML checker, 390 px and 320 px)."""
import re
import sys

from selenium.webdriver.common.by import By

import mc_pages as ui
import page_checks
from harness import util

sys.path.insert(0, str(util.REPO / "tests" / "integration"))
from helpers_casenet import CASENET, seed_case, seed_court, seed_hearing  # noqa: E402
from helpers_core import account_browser  # noqa: E402
from test_ct_clerk import add_tracker  # noqa: E402

FEED_RE = re.compile(r"^https?://[^/]+/casenet/calendar/[A-Za-z0-9_-]{43}\.ics$")


def fits(driver):
    fit = page_checks.fits(driver, page_checks.PHONE)
    assert fit["scroll"] <= fit["inner"], (driver.current_url, fit)


def feed_field(driver):
    el = ui.field(driver, "Calendar feed address")
    assert el.get_attribute("readonly") is not None
    url = el.get_attribute("value")
    assert FEED_RE.match(url), url
    return url


def test_calendar_feed_page(make_browser, apache, new_account, smtp, mariadb):
    ap = apache
    court = seed_court(mariadb)
    case_id, _ = seed_case(mariadb, court, caption="CALENDAR V BROWSER")
    seed_hearing(mariadb, case_id, "2027-01-11 09:00:00")
    session, acct = account_browser(ap, new_account, smtp, prefix="calb")
    add_tracker(mariadb, acct, case_id)
    driver = make_browser()
    ui.open_page(driver, ap.url("/account/help"))
    for c in session.cookies:
        driver.add_cookie({"name": c.name, "value": c.value, "path": c.path or "/"})

    ui.open_page(driver, ap.url(f"{CASENET}/mycases"))
    links = [a for a in driver.find_elements(By.CSS_SELECTOR, "main a")
             if a.text.strip() == "Calendar feed"]
    assert len(links) == 1
    ui.leaves_page(driver, links[0].click)
    ui.assert_on(driver, f"{CASENET}/calendar", "Calendar Feed")
    assert "You have no calendar feed." in ui.page_text(driver)
    fits(driver)

    ui.click(driver, "Create Calendar Feed")
    assert ui.heading(driver) == "Calendar Feed"
    first = feed_field(driver)
    assert "Copy its address now" in " ".join(ui.notices(driver))
    fits(driver)

    ui.click(driver, "Reset Calendar Feed Address")
    second = feed_field(driver)
    assert second != first
    fits(driver)

    ui.click(driver, "Remove Calendar Feed")
    ui.assert_on(driver, f"{CASENET}/calendar", "Calendar Feed")
    assert "Your calendar feed was removed." in " ".join(ui.notices(driver))
    assert not driver.find_elements(By.ID, "feed_url")
    ui.button(driver, "Create Calendar Feed")
