"""Manage My Case's tags (issue 17, "Case folders") in a real browser, by
labels: Manage Tags (create, a duplicate refused, rename, delete), the
case page's tag checkboxes (Save Tags), the folder shown for one tag and
sorted. Each page through page_checks (axe-core, the Nu HTML checker, 390
and 320 px); the tags page and the folder also measured at 390 px here."""
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import mc_pages as ui
import page_checks
from harness import util

sys.path.insert(0, str(util.REPO / "tests" / "integration"))
from helpers_casenet import CASENET, seed_case, seed_court  # noqa: E402


def shown_cases(d):
    return [a.text for a in d.find_elements(By.CSS_SELECTOR, "table.mycases td a")]


def fits(d):
    fit = page_checks.fits(d, page_checks.PHONE)
    assert fit["scroll"] <= fit["inner"], fit


def test_tags_in_the_browser(make_browser, make_apache, new_account, mariadb):
    ap = make_apache(overrides={"MoCourtsNewDeviceCode": "Off"})
    court = seed_court(mariadb)
    acct = new_account(prefix="cntg")
    cases = []
    for i, caption in enumerate(("ZULU V TAGS", "ALPHA V TAGS")):
        cid, number = seed_case(mariadb, court, caption=caption)
        mariadb.sql(f"UPDATE mc_case SET last_activity = '2026-03-01 00:00:00' + INTERVAL {i} "
                    f"HOUR WHERE id = {cid}")
        mariadb.sql(f"INSERT INTO mc_mycase (account_id, case_id, added_at) VALUES "
                    f"({acct.id}, {cid}, UTC_TIMESTAMP())")
        cases.append(number)
    zulu, alpha = cases
    d = make_browser()
    ui.open_page(d, ap.url(ui.LOGON))
    ui.type_into(d, "Username or e-mail address", acct.username)
    ui.type_into(d, "Password", acct.password)
    ui.click(d, "Logon")

    # Manage Tags: create, a duplicate refused (the name kept), rename.
    ui.open_page(d, ap.url(f"{CASENET}/mycases"))
    ui.open_page(d, ap.url(f"{CASENET}/tags"))
    assert "You have no tags yet." in ui.page_text(d)
    ui.type_into(d, "Tag name", "Appeal")
    ui.click(d, "Create Tag")
    assert "The tag was created." in ui.notices(d)
    ui.type_into(d, "Tag name", "APPEAL")
    ui.click(d, "Create Tag")
    assert ui.errors(d) == ["You have a tag with that name already. Choose another name."]
    assert ui.field(d, "Tag name").get_attribute("value") == "APPEAL"
    assert ui.field(d, "Tag name").get_attribute("aria-invalid") == "true"
    ui.type_into(d, "New name for Appeal", "Appeals")
    ui.click(d, "Rename")
    assert "The tag was renamed." in ui.notices(d)
    fits(d)
    ui.type_into(d, "Tag name", "Billing")
    ui.click(d, "Create Tag")
    assert mariadb.sql(f"SELECT name FROM mc_mycase_tag WHERE account_id = {acct.id} ORDER BY "
                       "name") == [("Appeals",), ("Billing",)]

    # The case page: check Appeals, Save Tags.
    ui.open_page(d, ap.url(f"{CASENET}/mycases/{alpha}"))
    assert ui.check_labels_beside_boxes(d) == 2
    ui.field(d, "Appeals").click()
    ui.click(d, "Save Tags")
    assert "The case's tags were saved." in ui.notices(d)
    assert ui.field(d, "Appeals").is_selected() and not ui.field(d, "Billing").is_selected()

    # The folder: most recent first; then Appeals only; then by caption.
    ui.open_page(d, ap.url(f"{CASENET}/mycases"))
    assert shown_cases(d) == [alpha, zulu]
    fits(d)
    Select(ui.field(d, "Show")).select_by_visible_text("Appeals")
    ui.click(d, "Show Cases")
    assert shown_cases(d) == [alpha]
    assert "Tagged Appeals: 1 case(s)." in " ".join(ui.page_text(d).replace("\n", " ").split())
    Select(ui.field(d, "Show")).select_by_visible_text("All cases")
    Select(ui.field(d, "Sort by")).select_by_visible_text("Caption")
    ui.click(d, "Show Cases")
    assert shown_cases(d) == [alpha, zulu]
    Select(ui.field(d, "Sort by")).select_by_visible_text("Case number")
    ui.click(d, "Show Cases")
    assert shown_cases(d) == sorted([alpha, zulu])

    # Delete a tag: off its cases.
    ui.open_page(d, ap.url(f"{CASENET}/tags"))
    ui.leaves_page(d, d.find_element(By.CSS_SELECTOR,
                                     "button[aria-label='Delete tag Appeals']").click)
    assert "The tag was deleted and taken off its cases." in ui.notices(d)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_mycase_tagged WHERE account_id = {acct.id}") \
        == "0"
