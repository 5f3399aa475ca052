"""Case.net's pages of issue 14 in a real browser, with their longest
content: a case page's docket timeline, Manage My Case with the longest
tracking badge ("Phone call, Each entry as it is docketed"), Notification
History with a badge of every delivery status, its filters chosen on the
page and kept in the URL, and its error summary. Each page goes through
page_checks (axe-core, the Nu HTML checker, 390 px); these pages are
measured at 390 px here too, whatever page_checks saw before in this
process. (Every other Case.net page: test_browser_pages.py's walk.)"""
import sys
from urllib.parse import parse_qs, urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import mc_pages as ui
import page_checks
from harness import util

sys.path.insert(0, str(util.REPO / "tests" / "integration"))
from helpers_casenet import CASENET, seed_case, seed_court, seed_docket  # noqa: E402
from helpers_core import account_browser  # noqa: E402
from test_ct_clerk import add_tracker  # noqa: E402
from test_ct_mycases import outbox, q  # noqa: E402


def fits(driver):
    fit = page_checks.fits(driver, page_checks.PHONE)
    assert fit["scroll"] <= fit["inner"], (driver.current_url, fit)


def test_casenet_pages_look(make_browser, apache, new_account, smtp, mariadb):
    ap = apache
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption="MILLER V PARKS AND SONS CONSTRUCTION "
                                "COMPANY OF GREATER SAINT LOUIS")
    other_id, _ = seed_case(mariadb, court, status="disposed")
    seed_docket(mariadb, case_id, "2026-01-05", "Petition Filed",
                "Petition for dissolution of marriage filed; exhibits A through F attached.",
                "Attorney Jane Roe-Whitfield")
    seed_docket(mariadb, case_id, "2026-02-01", "Order", "Order entered.")
    # Logged on over HTTP (the Logon pages are other tests'), the cookies handed
    # to the browser.
    session, acct = account_browser(ap, new_account, smtp, prefix="ctlk")
    add_tracker(mariadb, acct, case_id, channel="voice", recipient="+15735550100")
    add_tracker(mariadb, acct, other_id, active=False)
    for channel, status, reason, day in (
            ("email", "sent", None, "01"), ("sms", "retrying", "gateway exited with status 3",
                                            "02"),
            ("voice", "failed", "the recipient did not answer after 3 attempts", "03"),
            ("sms", "sending", None, "04"), ("email", "queued", None, "05")):
        outbox(mariadb, acct.id, channel=channel, case_ref=number, status=status,
               last_error=reason, queued=f"2026-03-{day} 10:00:00",
               sent=f"2026-03-{day} 10:00:05" if status == "sent" else None)
    # Not due before 2099: the site's delivery worker leaves them as they are.
    mariadb.sql("UPDATE mc_outbox SET next_attempt_at = '2099-01-01' WHERE account_id = "
                f"{acct.id} AND case_ref = {q(number)}")
    driver = make_browser()

    # The public case page: the docket as a timeline, the status a badge.
    ui.open_page(driver, ap.url(f"{CASENET}/case/{number}"))
    items = driver.find_elements(By.CSS_SELECTOR, "#docket ol.timeline > li")
    assert [i.find_element(By.CSS_SELECTOR, "span.when time").get_attribute("datetime")
            for i in items] == ["2026-02-01", "2026-01-05"]
    assert "Filed By: Attorney Jane Roe-Whitfield" in items[1].text
    assert driver.find_element(By.CSS_SELECTOR, "#case_status .mc-status--active").text == "Open"
    fits(driver)

    for c in session.cookies:
        driver.add_cookie({"name": c.name, "value": c.value, "path": c.path or "/"})

    # Manage My Case: the longest tracking badge, and "Not tracked".
    ui.open_page(driver, ap.url(f"{CASENET}/mycases"))
    assert [b.text for b in driver.find_elements(By.CSS_SELECTOR, "table.mycases .mc-status")] \
        == ["Phone call, Each entry as it is docketed", "Not tracked"]
    fits(driver)

    # Notification History: a badge per status; the filters chosen on the page.
    ui.open_page(driver, ap.url(f"{CASENET}/history"))
    ui.type_into(driver, "Case number", number)
    Select(ui.field(driver, "Channel")).select_by_visible_text("Text/SMS")
    ui.click(driver, "Show")
    query = parse_qs(urlparse(driver.current_url).query)
    assert query["case"] == [number] and query["channel"] == ["sms"], driver.current_url
    assert [b.text for b in driver.find_elements(By.CSS_SELECTOR, "table.history .mc-status")] \
        == ["Sending", "Retrying"]
    assert Select(ui.field(driver, "Channel")).first_selected_option.text == "Text/SMS"
    assert "Filters: Channel: Text/SMS." in ui.page_text(driver)
    ui.open_page(driver, ap.url(f"{CASENET}/history?from=2026-03-01&to=2026-03-31"))
    assert [b.get_attribute("class").split("--")[1] for b in
            driver.find_elements(By.CSS_SELECTOR, "table.history .mc-status")] == \
        ["queued", "pending", "failed", "retry", "sent"]
    assert ui.field(driver, "Queued from").get_attribute("value") == "2026-03-01"
    fits(driver)
    ui.screenshot(driver, "casenet-history-filtered.png")
    ui.open_page(driver, ap.url(f"{CASENET}/history?from=2026-03-31&to=2026-03-01"))
    assert ui.errors(driver) and "Enter the earlier date first." in ui.errors(driver)[0]
    link = driver.find_element(By.CSS_SELECTOR, "main .error a")
    assert link.get_attribute("hash") == "#to"

    # A search's error summary: each error a link to its field.
    ui.open_page(driver, ap.url(f"{CASENET}/search/name?last=X&birth_from=19x0"))
    links = driver.find_elements(By.CSS_SELECTOR, "main .error li a")
    assert [a.get_attribute("hash") for a in links] == ["#birth_from", "#last"]
    links[1].click()
    assert driver.switch_to.active_element.get_attribute("id") == "last"
