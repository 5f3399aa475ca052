"""eFiling's redaction check and the clerk's document checks (issue 17) in a
real browser: the review step lists each hit with its page, masked; the
filer ticks "I have redacted ..." by its label and submits; the clerk's
envelope page says the warning was confirmed, shows qpdf's verdict and the
first pages as images (loaded, with alt text). Each page goes through
page_checks (axe-core, the Nu HTML checker, 390 px and 320 px)."""
import sys

from selenium.webdriver.common.by import By

import mc_pages as ui
from harness import util

sys.path.insert(0, str(util.REPO / "tests" / "integration"))
from helpers_core import account_browser  # noqa: E402
from helpers_efiling import ECF  # noqa: E402
from test_ef_redaction import DOB, SSN, draft_with, filer_setup, pdf_pages  # noqa: E402

CONFIRM = ("I have redacted the documents as Missouri Supreme Court Operating Rule 2 and FRCP "
           "5.2 require: Social Security numbers and financial account numbers to their last "
           "four digits, dates of birth to the year, or the filing is exempt from redaction.")


def with_session(driver, ap, session):
    ui.open_page(driver, ap.url("/account/help"))
    driver.delete_all_cookies()
    for c in session.cookies:
        driver.add_cookie({"name": c.name, "value": c.value, "path": c.path or "/"})


def test_review_step_with_a_hit_confirmed_and_the_clerks_page(make_browser, apache, mariadb,
                                                              new_account, smtp):
    ap = apache
    f, court, number = filer_setup(ap, mariadb, new_account, smtp)
    env = draft_with(f, court, number, [
        ("petition.pdf", pdf_pages(["Petition for damages", f"Plaintiff SSN {SSN}",
                                    f"DOB: {DOB}"]))])
    driver = make_browser()
    with_session(driver, ap, f.s)

    ui.open_page(driver, ap.url(f"{ECF}/envelopes/{env}/review"))
    ui.assert_on(driver, f"{ECF}/envelopes/{env}/review", "Review and submit")
    rows = driver.find_elements(By.CSS_SELECTOR, "#redaction-hits tbody tr")
    assert [r.text.split() for r in rows] == [
        ["petition.pdf", "2", "Social", "Security", "number", "***-**-6789"],
        ["petition.pdf", "3", "date", "of", "birth", "**-**-1980"]], [r.text for r in rows]
    assert SSN not in ui.page_text(driver) and DOB not in ui.page_text(driver)
    box = ui.field(driver, CONFIRM)
    assert box.get_attribute("type") == "checkbox" and not box.is_selected()
    box.click()
    assert box.is_selected()
    ui.click(driver, "Submit")
    assert ui.path(driver) == f"{ECF}/envelopes/{env}/receipt", ui.page_text(driver)[:500]
    assert mariadb.value(f"SELECT redaction_confirmed_at IS NOT NULL FROM mc_ef_envelope "
                         f"WHERE id = {env}") == "1"

    session, _ = account_browser(ap, new_account, smtp, ["clerk"], scope=court["code"],
                                 prefix="efclkb")
    with_session(driver, ap, session)
    ui.open_page(driver, ap.url(f"{ECF}/clerk/envelopes/{env}"))
    text = ui.page_text(driver)
    assert "Redaction warning confirmed by filer" in text
    assert "Structure (qpdf --check): OK" in text
    imgs = driver.find_elements(By.CSS_SELECTOR, ".doc-preview img")
    assert [i.get_attribute("alt") for i in imgs] == [
        f"Page {n} of petition.pdf (Motion)" for n in (1, 2, 3)]
    loaded = driver.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('.doc-preview img'),"
        " function (i) { return i.complete ? i.naturalWidth : -1; });")
    # loading="lazy": scrolled into view, each is loaded (612 px at 72 dpi).
    for i in imgs:
        driver.execute_script("arguments[0].scrollIntoView();", i)
    ui.wait(driver).until(lambda d: d.execute_script(
        "return Array.prototype.every.call(document.querySelectorAll('.doc-preview img'),"
        " function (i) { return i.complete && i.naturalWidth === 612; });"), f"the previews did not load: {loaded}")
