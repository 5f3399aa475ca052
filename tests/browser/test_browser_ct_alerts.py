"""Track This Case's alert filter (issue 16) in a real browser: the
"Which docket entries?" checkboxes, all checked at first; none checked is
refused (the boxes marked invalid); orders only is saved and shown on the
done page and in Manage My Case. Each page through page_checks (axe-core,
the Nu HTML checker, 390 and 320 px), the form also measured at 390 px
here."""
import sys

from selenium.webdriver.common.by import By

import mc_pages as ui
import page_checks
from harness import util

sys.path.insert(0, str(util.REPO / "tests" / "integration"))
from helpers_casenet import CASENET, seed_case, seed_court  # noqa: E402

KINDS = ("Orders and judgments", "Hearings set or moved, and hearing reminders",
         "Filings: petitions, motions, answers", "Other entries")


def boxes(driver):
    return {k: ui.field(driver, k).is_selected() for k in KINDS}


def test_alert_filter_on_the_track_form(make_browser, make_apache, new_account, mariadb):
    ap = make_apache(overrides={"MoCourtsNewDeviceCode": "Off"})
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption="FILTER V BROWSER")
    acct = new_account(prefix="cnal")
    d = make_browser()
    ui.open_page(d, ap.url(ui.LOGON))
    ui.type_into(d, "Username or e-mail address", acct.username)
    ui.type_into(d, "Password", acct.password)
    ui.click(d, "Logon")

    ui.open_page(d, ap.url(f"{CASENET}/track/{number}"))
    assert "Which docket entries?" in ui.page_text(d)
    assert boxes(d) == {k: True for k in KINDS}
    fit = page_checks.fits(d, page_checks.PHONE)
    assert fit["scroll"] <= fit["inner"], fit
    ui.field(d, "E-mail").click()
    for k in KINDS:
        ui.field(d, k).click()
    ui.click(d, "Track This Case")
    assert ui.errors(d) == ["Choose at least one kind of docket entry to be notified of."]
    assert boxes(d) == {k: False for k in KINDS}
    invalid = d.find_elements(By.CSS_SELECTOR, "input[type=checkbox][aria-invalid=true]")
    assert len(invalid) == 4
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_track WHERE account_id = {acct.id}") == "0"

    ui.field(d, "Orders and judgments").click()
    ui.click(d, "Track This Case")
    assert f"You are now tracking case {number}." in ui.notices(d)
    assert "Orders and judgments" in ui.page_text(d)
    assert mariadb.value(f"SELECT alert_types FROM mc_track WHERE account_id = {acct.id} AND "
                         f"case_id = {case_id}") == "orders"
    ui.open_page(d, ap.url(f"{CASENET}/mycases/{number}"))
    assert "only Orders and judgments" in ui.page_text(d)
    ui.open_page(d, ap.url(f"{CASENET}/track/{number}"))
    assert boxes(d) == {KINDS[0]: True, KINDS[1]: False, KINDS[2]: False, KINDS[3]: False}
