"""eFiling document upload in a real browser (headless Chromium): the
documents step's form with JavaScript on (sent with XMLHttpRequest, the
progress bar shown, the refusal page shown in place) and with JavaScript off
(the plain form post)."""
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import mc_pages as ui
from harness import util

sys.path.insert(0, str(util.REPO / "tests" / "integration"))
from helpers_casenet import seed_case  # noqa: E402
from helpers_efiling import ECF, ef_court, filer, make_pdf  # noqa: E402

MB = 1024 * 1024

# Records in sessionStorage (which lives through the navigation that follows
# the upload) that the progress element was shown and how far it got.
WATCH_PROGRESS = """
const p = document.getElementById('upload-progress');
sessionStorage.setItem('mc-shown', '0');
sessionStorage.setItem('mc-max', '0');
new MutationObserver(function () {
    if (!p.hidden) { sessionStorage.setItem('mc-shown', '1'); }
    const v = Number(p.value) || 0;
    if (v > Number(sessionStorage.getItem('mc-max'))) {
        sessionStorage.setItem('mc-max', String(v));
    }
}).observe(p, {attributes: true, childList: true, characterData: true, subtree: true});
"""


def draft(mariadb, acct, court):
    case_id, _ = seed_case(mariadb, court)
    rows = mariadb.sql(
        "INSERT INTO mc_ef_envelope (account_id, court_code, kind, case_id, status, step, "
        f"created_at, updated_at) VALUES ({acct.id}, '{court['code']}', 'existing', {case_id}, "
        "'draft', 'documents', UTC_TIMESTAMP(), UTC_TIMESTAMP()); SELECT LAST_INSERT_ID()")
    return int(rows[-1][0])


def logon(driver, ap, acct):
    ui.open_page(driver, ap.url(ui.LOGON))
    ui.type_into(driver, "Username or e-mail address", acct.username)
    ui.type_into(driver, "Password", acct.password)
    ui.click(driver, "Logon")


def doc_rows(mariadb, env_id):
    return mariadb.sql(f"SELECT client_name, bytes FROM mc_ef_document WHERE envelope_id = "
                       f"{env_id} ORDER BY id")


def choose(driver, code, path):
    Select(driver.find_element(By.ID, "filing_code")).select_by_value(code)
    driver.find_element(By.ID, "file").send_keys(str(path))


def test_upload_with_progress_bar_and_without_javascript(make_browser, make_apache, mariadb,
                                                         new_account, tmp_path):
    ap = make_apache(overrides={"MoCourtsNewDeviceCode": "Off"})
    court = ef_court(mariadb, max_bytes=8 * MB)
    acct = filer(mariadb, new_account)
    env_id = draft(mariadb, acct, court)
    page = f"{ECF}/envelopes/{env_id}/documents"
    big = tmp_path / "Exhibit A.pdf"
    big.write_bytes(make_pdf("Exhibit A", pad=6 * MB))
    bad = tmp_path / "letter.pdf"
    bad.write_bytes(b"Dear Clerk, this is not a PDF.\n" * 100)

    # JavaScript on: the progress bar shows, then the documents page lists it.
    driver = make_browser()
    logon(driver, ap, acct)
    ui.open_page(driver, ap.url(page))
    progress = driver.find_element(By.ID, "upload-progress")
    assert not progress.is_displayed()
    driver.execute_script(WATCH_PROGRESS)
    choose(driver, "EXH", big)
    ui.click(driver, "Upload")
    assert ui.path(driver) == page, ui.page_text(driver)
    assert "Exhibit A.pdf" in ui.page_text(driver)
    assert driver.execute_script("return sessionStorage.getItem('mc-shown')") == "1"
    assert int(driver.execute_script("return sessionStorage.getItem('mc-max')")) >= 50
    assert doc_rows(mariadb, env_id) == [("Exhibit A.pdf", str(big.stat().st_size))]

    # A refusal: the server's page is shown in place, with the sentence.
    choose(driver, "MOT", bad)
    ui.click(driver, "Upload")
    assert ui.errors(driver) == ["The file is not a PDF document."], ui.page_text(driver)
    assert len(doc_rows(mariadb, env_id)) == 1
    # Its form works the same way (still progressive).
    assert driver.find_element(By.ID, "upload-progress")
    choose(driver, "MOT", big)
    ui.click(driver, "Upload")
    assert ui.path(driver) == page
    assert len(doc_rows(mariadb, env_id)) == 2

    # Larger than the court's limit: said at once, nothing sent.
    huge = tmp_path / "huge.pdf"
    huge.write_bytes(make_pdf("huge", pad=9 * MB))
    assert driver.find_element(By.ID, "upload-form").get_attribute("data-max-bytes") == \
        str(8 * MB)
    choose(driver, "EXH", huge)
    ui.button(driver, "Upload").click()
    status = driver.find_element(By.ID, "upload-status")
    ui.wait(driver).until(lambda d: "larger than" in status.text)
    assert status.text == ("The document is larger than the court's limit of 8 MB. "
                           "Choose a smaller document.")
    assert ui.path(driver) == page and len(doc_rows(mariadb, env_id)) == 2

    # JavaScript off: the plain form post.
    plain = make_browser(javascript=False)
    logon(plain, ap, acct)
    ui.open_page(plain, ap.url(page))
    small = tmp_path / "Motion.pdf"
    small.write_bytes(make_pdf("Motion to continue"))
    choose(plain, "MOT", small)
    ui.click(plain, "Upload")
    assert ui.path(plain) == page
    assert "Motion.pdf" in ui.page_text(plain)
    choose(plain, "MOT", bad)
    ui.click(plain, "Upload")
    assert ui.errors(plain) == ["The file is not a PDF document."]
    assert [r[0] for r in doc_rows(mariadb, env_id)] == ["Exhibit A.pdf", "Exhibit A.pdf",
                                                          "Motion.pdf"]
