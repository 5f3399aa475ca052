"""eFiling (issue 6) in a real browser (headless Chromium), the whole path
as a person holding the procedure does it: fields found by their labels,
buttons clicked by their texts, links followed by their texts. Court data,
accounts, groups and trackers are written by the SQL helpers; everything
else goes through the pages.

    1. a group user files into an existing case (a lead document and an
       attachment, Court account) -> receipt with the envelope number; a
       clerk of the court opens the envelope, downloads a document, accepts
       -> the public case page shows the docket entries; the case's tracker,
       the group's verified Notification E-mail address and the filer (the
       group administrator in CC) get their e-mails at the SMTP test server.
    2. an attorney files a new case (court, case type, caption, a plaintiff
       and a defendant, the petition, a fee waiver with its reason) -> the
       clerk accepts -> the envelope page shows the new case's number and
       the case is on Case.net.
    3. the clerk rejects with a reason from the list and an explanation ->
       the filer sees Rejected and the reason, gets the notice, and copies
       the envelope into a new draft.
    4. a group user disabled from the group sees why on the eFiling Menu,
       and no way to start a filing.

Screenshots (tests/artifacts/efiling-*.png) of the key pages.
"""
import re
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import mc_pages as ui
from harness import util, web

sys.path.insert(0, str(util.REPO / "tests" / "integration"))
from helpers_casenet import CASENET, seed_case, seed_party, unique_tag  # noqa: E402
from helpers_efiling import (ECF, add_member, clerk_of, ef_court, filer, group_filer,  # noqa: E402
                             make_pdf, notify_address)
from test_ct_clerk import add_tracker  # noqa: E402

MAIL_WAIT = 30
ENVELOPE_NUMBER = re.compile(r"^EF\d{4}-\d{7}$")


def site_court_tag(make_apache, mariadb):
    """A site without the new-device step, an eFiling court and a tag for
    the test's names."""
    return make_apache(overrides={"MoCourtsNewDeviceCode": "Off"}), ef_court(mariadb), unique_tag()


# ---- what a person does ----------------------------------------------------------------

def logon(make_browser, ap, acct, driver=None):
    """A new browser, or driver with its cookies deleted (logged off: one
    browser for several roles in turn spares starting another Chromium),
    logged on as acct (the device code check is off on this Apache);
    returns it."""
    if driver is None:
        driver = make_browser()
    else:
        driver.delete_all_cookies()
    ui.open_page(driver, ap.url(ui.LOGON))
    ui.type_into(driver, "Username or e-mail address", acct.username)
    ui.type_into(driver, "Password", acct.password)
    ui.click(driver, "Logon")
    assert ui.path(driver) != ui.LOGON, ui.page_text(driver)
    return driver


def follow_link(driver, text, within="main"):
    """Click the one visible link whose text is `text` inside `within`."""
    links = [a for a in driver.find_elements(By.CSS_SELECTOR, f"{within} a")
             if a.text.strip() == text and a.is_displayed()]
    assert len(links) == 1, (f"expected one link {text!r} on {driver.current_url}, found "
                             f"{len(links)}:\n{ui.page_text(driver)}")
    ui.leaves_page(driver, links[0].click)


def choose(driver, label, visible_text):
    """Pick the option a person reads in the <select> labelled label."""
    Select(ui.field(driver, label)).select_by_visible_text(visible_text)


def text_of(driver, css):
    return driver.find_element(By.CSS_SELECTOR, css).text.strip()


def shot(driver, name):
    """A screenshot of the whole page (the window made as tall as the page
    for it), under tests/artifacts/."""
    size = driver.get_window_size()
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(size["width"], max(size["height"], min(int(height) + 140, 6000)))
    try:
        return ui.screenshot(driver, name)
    finally:
        driver.set_window_size(size["width"], size["height"])


def env_id_of(driver):
    m = re.match(rf"^{ECF}/envelopes/(\d+)/", ui.path(driver))
    assert m, driver.current_url
    return int(m.group(1))


def open_menu(driver, ap):
    ui.open_page(driver, ap.url(f"{ECF}/"))
    ui.assert_on(driver, f"{ECF}/", "eFiling Menu")


def upload(driver, tmp_path, code_label, lead, name, text):
    """On the documents step: choose the filing code, lead or attachment,
    the PDF file; Upload; back on the documents step with it listed."""
    page = ui.path(driver)
    pdf = tmp_path / name
    pdf.write_bytes(make_pdf(text))
    choose(driver, "Filing code", code_label)
    ui.field(driver, "Lead document" if lead else "Attachment").click()
    ui.field(driver, "PDF file").send_keys(str(pdf))
    ui.click(driver, "Upload")
    assert ui.path(driver) == page, ui.page_text(driver)
    assert ui.errors(driver) == [], ui.errors(driver)
    row = driver.find_element(By.XPATH, f"//table[@id='documents']//tr[td[normalize-space(.)="
                                        f"'{name}']]")
    assert ("Lead document" if lead else "Attachment") in row.text, row.text
    return row


def file_into_existing_case(driver, ap, tmp_path, court, case_number, caption, shots=False):
    """eFiling Menu -> File into an existing case -> court and case number
    -> a lead motion and an exhibit -> Court account -> Review -> Submit.
    Returns (envelope id, envelope number) from the receipt."""
    open_menu(driver, ap)
    if shots:
        shot(driver, "efiling-menu.png")
    ui.click(driver, "File into an existing case")
    env_id = env_id_of(driver)
    ui.assert_on(driver, f"{ECF}/envelopes/{env_id}/case", "File into an existing case")

    choose(driver, "Court", court["name"])
    ui.type_into(driver, "Case number", case_number)
    ui.click(driver, "Continue")
    docs = f"{ECF}/envelopes/{env_id}/documents"
    ui.assert_on(driver, docs, "File into an existing case: documents")
    assert case_number in ui.page_text(driver) and caption in ui.page_text(driver)
    assert text_of(driver, "#fee-total") == "Fees so far: $0.00"

    upload(driver, tmp_path, "Motion (MOT), $0.00", True, "Motion to compel.pdf",
           "Motion to compel discovery")
    upload(driver, tmp_path, "Exhibit (EXH), $5.00", False, "Exhibit A.pdf", "Exhibit A")
    assert text_of(driver, "#fee-total") == "Fees so far: $5.00"
    if shots:
        shot(driver, "efiling-documents.png")
    ui.click(driver, "Continue")

    # Fees and payment: the schedule's fees before anything is submitted.
    ui.assert_on(driver, f"{ECF}/envelopes/{env_id}/payment", "Fees and payment")
    fees = driver.find_element(By.ID, "fees").text
    assert "Motion to compel.pdf" in fees and "Exhibit A.pdf" in fees and "$5.00" in fees
    assert text_of(driver, "#fee-total") == "$5.00"
    ui.field(driver, "Court account").click()
    ui.click(driver, "Continue")

    ui.assert_on(driver, f"{ECF}/envelopes/{env_id}/review", "Review and submit")
    t = ui.page_text(driver)
    assert case_number in t and "Motion to compel.pdf" in t and "Exhibit A.pdf" in t
    assert text_of(driver, "#fee-total") == "Total fees: $5.00"
    assert text_of(driver, "#payment") == "Payment: Court account"
    ui.click(driver, "Submit")

    ui.assert_on(driver, f"{ECF}/envelopes/{env_id}/receipt", "eFiling receipt")
    assert "Your envelope was submitted to the court. Keep this receipt." in ui.notices(driver)
    number = text_of(driver, "#number")
    assert ENVELOPE_NUMBER.match(number), number
    assert text_of(driver, "#status") == "Submitted"
    assert text_of(driver, "#case") == case_number
    assert text_of(driver, "#payment").startswith("Payment: Court account, reference CA-")
    if shots:
        shot(driver, "efiling-receipt.png")
    return env_id, number


def clerk_opens(driver, ap, number, env_id, shots=False):
    """eFiling Review (the queue) -> the envelope -> Open for review."""
    ui.open_page(driver, ap.url(f"{ECF}/clerk"))
    ui.assert_on(driver, f"{ECF}/clerk", "eFiling Review")
    follow_link(driver, number)
    page = f"{ECF}/clerk/envelopes/{env_id}"
    ui.assert_on(driver, page, f"Envelope {number}")
    assert "Submitted" in text_of(driver, "dl.case-header")
    ui.click(driver, "Open for review")
    ui.assert_on(driver, page, f"Envelope {number}")
    assert ui.notices(driver) == [
        "The envelope is now Under Review. The filer can no longer cancel it."]
    assert "Under Review" in text_of(driver, "dl.case-header")
    if shots:
        shot(driver, "efiling-clerk-envelope.png")
    return page


def cookies_of(driver):
    s = web.new_session()
    for c in driver.get_cookies():
        s.cookies.set(c["name"], c["value"], path=c.get("path", "/"))
    return s


# ---- 1. into an existing case: filed, accepted, docketed, e-mailed ----------------------

def test_group_user_files_into_existing_case_clerk_accepts(make_browser, make_apache, mariadb,
                                                           new_account, smtp, tmp_path):
    ap, court, tag = site_court_tag(make_apache, mariadb)
    caption = f"{tag} V ACME"
    case_id, case_number = seed_case(mariadb, court, caption=caption)
    seed_party(mariadb, case_id, last=f"{tag}", first="JOHN")
    acct, gid = group_filer(mariadb, new_account)
    gadmin = new_account(prefix="efgad")
    add_member(mariadb, gid, gadmin, admin=True)
    notify = f"notify-{tag.lower()}@example.test"
    notify_address(mariadb, gid, notify)
    tracker = new_account(prefix="eftrk")
    add_tracker(mariadb, tracker, case_id)
    clerk = clerk_of(new_account, court)

    # The group user files.
    fb = logon(make_browser, ap, acct)
    env_id, number = file_into_existing_case(fb, ap, tmp_path, court, case_number, caption,
                                             shots=True)
    submitted = f"eFiling envelope {number}: Submitted"
    m = smtp.wait_for(to=acct.email, subject=submitted, timeout=MAIL_WAIT)
    assert gadmin.email in (m.message.get("Cc") or ""), m.message.get("Cc")

    # A clerk of the court, in another browser: queue, envelope, Open.
    cb = logon(make_browser, ap, clerk)
    page = clerk_opens(cb, ap, number, env_id, shots=True)
    t = ui.page_text(cb)
    assert "Motion to compel.pdf" in t and "Exhibit A.pdf" in t and "Court account" in t

    # View a document: the Download link is the PDF, sent as an attachment.
    links = [a.get_attribute("href") for a in cb.find_elements(By.LINK_TEXT, "Download")]
    assert len(links) == 2, t
    r = cookies_of(cb).get(links[0], timeout=30)
    assert r.status_code == 200, r.status_code
    assert r.headers["Content-Type"].startswith("application/pdf")
    assert r.headers["Content-Disposition"].startswith("attachment")
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    assert r.content == make_pdf("Motion to compel discovery")

    ui.click(cb, "Accept")
    ui.assert_on(cb, page, f"Envelope {number}")
    assert ui.notices(cb) == ["The envelope was accepted: its documents are on the case's "
                              "docket and the filer was notified."]
    assert "Accepted" in text_of(cb, "dl.case-header")

    # The public case page shows the new docket entries (followed from the
    # envelope's case link, anonymous in a third browser too).
    follow_link(cb, case_number)
    assert ui.path(cb) == f"{CASENET}/case/{case_number}", cb.current_url
    pub = make_browser()
    ui.open_page(pub, ap.url(f"{CASENET}/case/{case_number}"))
    for d in (cb, pub):
        t = ui.page_text(d)
        assert f"Motion filed electronically (envelope {number})." in t, t
        assert f"Exhibit filed electronically (envelope {number})." in t, t
    shot(pub, "efiling-case-page.png")

    # The e-mails, at the SMTP test server: the tracker (one per entry), the
    # group's notification address, the filer with the group admin in CC.
    smtp.wait_for(to=tracker.email, subject=f"Case {case_number}: new docket entry", count=2,
                  timeout=MAIL_WAIT)
    accepted = f"eFiling envelope {number}: Accepted"
    m = smtp.wait_for(to=acct.email, subject=accepted, timeout=MAIL_WAIT)
    assert gadmin.email in (m.message.get("Cc") or ""), m.message.get("Cc")
    assert number in m.body and case_number in m.body
    n = smtp.wait_for(to=notify, subject=accepted, timeout=MAIL_WAIT)
    assert number in n.body

    # The filer's envelope page: Accepted, with the history.
    ui.open_page(fb, ap.url(f"{ECF}/envelopes/{env_id}"))
    ui.assert_on(fb, f"{ECF}/envelopes/{env_id}", f"Envelope {number}")
    assert text_of(fb, "#status") == "Accepted"
    hist = text_of(fb, "#history")
    assert "Submitted" in hist and "Under Review" in hist and "Accepted" in hist


# ---- 2. a new case gets its number -------------------------------------------------------

def test_new_case_accepted_gets_its_number(make_browser, make_apache, mariadb, new_account, smtp,
                                           tmp_path):
    ap, court, tag = site_court_tag(make_apache, mariadb)
    caption = f"{tag}SMITH V {tag}JONES"
    acct = filer(mariadb, new_account)
    clerk = clerk_of(new_account, court)

    fb = logon(make_browser, ap, acct)
    open_menu(fb, ap)
    ui.click(fb, "New case")
    env_id = env_id_of(fb)
    step = f"{ECF}/envelopes/{env_id}/case"
    ui.assert_on(fb, step, "New case: court and case")
    # The court first; its case types are offered next.
    choose(fb, "Court", court["name"])
    ui.click(fb, "Continue")
    ui.assert_on(fb, step, "New case: court and case")
    choose(fb, "Case type", "Circuit Civil")
    ui.type_into(fb, "Caption", caption)
    ui.click(fb, "Continue")

    # Parties: one plaintiff, one defendant.
    ui.assert_on(fb, f"{ECF}/envelopes/{env_id}/parties", "New case: parties")
    for role, last, first in (("Plaintiff", f"{tag}SMITH", "JANE"),
                              ("Defendant", f"{tag}JONES", "ROBERT")):
        ui.field(fb, "Person").click()
        choose(fb, "Role", role)
        ui.type_into(fb, "Last name (a person)", last)
        ui.type_into(fb, "First name (a person)", first)
        ui.click(fb, "Add party")
        assert ui.errors(fb) == [], ui.errors(fb)
    parties = text_of(fb, "#parties")
    assert f"{tag}SMITH" in parties and f"{tag}JONES" in parties
    assert "Plaintiff" in parties and "Defendant" in parties
    shot(fb, "efiling-parties.png")
    ui.click(fb, "Continue")

    # The petition (an initiating code) as the lead document.
    ui.assert_on(fb, f"{ECF}/envelopes/{env_id}/documents", "New case: documents")
    upload(fb, tmp_path, "Petition (PET), $95.00, starts a case", True, "Petition.pdf",
           "Petition for damages")
    assert text_of(fb, "#fee-total") == "Fees so far: $95.00"
    ui.click(fb, "Continue")

    # A fee waiver, with its reason.
    ui.assert_on(fb, f"{ECF}/envelopes/{env_id}/payment", "Fees and payment")
    assert text_of(fb, "#fee-total") == "$95.00"
    reason = "The petitioner is indigent; affidavit attached to the petition."
    ui.field(fb, "Fee waiver").click()
    ui.type_into(fb, "Reason for the fee waiver (with a fee waiver)", reason)
    shot(fb, "efiling-payment.png")
    ui.click(fb, "Continue")
    ui.assert_on(fb, f"{ECF}/envelopes/{env_id}/review", "Review and submit")
    assert text_of(fb, "#waiver") == f"Reason for the fee waiver: {reason}"
    assert text_of(fb, "#case") == "(a new case)"
    ui.click(fb, "Submit")
    ui.assert_on(fb, f"{ECF}/envelopes/{env_id}/receipt", "eFiling receipt")
    number = text_of(fb, "#number")
    assert ENVELOPE_NUMBER.match(number), number
    assert text_of(fb, "#payment").startswith("Payment: Fee waiver")

    # The clerk opens and accepts: the case is created with its number.
    cb = logon(make_browser, ap, clerk)
    page = clerk_opens(cb, ap, number, env_id)
    t = ui.page_text(cb)
    assert "New case" in t and "Circuit Civil (CC)" in t and reason in t
    assert f"{tag}SMITH, JANE" in t and f"{tag}JONES, ROBERT" in t
    ui.click(cb, "Accept")
    ui.assert_on(cb, page, f"Envelope {number}")
    new_number = mariadb.value("SELECT c.number FROM mc_ef_envelope e JOIN mc_case c ON c.id = "
                               f"e.case_id WHERE e.id = {env_id}")
    assert re.match(rf"^{court['prefix']}-CC\d{{5}}$", new_number), new_number
    assert new_number in text_of(cb, "dl.case-header")
    shot(cb, "efiling-clerk-new-case-accepted.png")

    # The filer's envelope page shows the new case number.
    ui.open_page(fb, ap.url(f"{ECF}/envelopes/{env_id}"))
    ui.assert_on(fb, f"{ECF}/envelopes/{env_id}", f"Envelope {number}")
    assert text_of(fb, "#status") == "Accepted"
    assert text_of(fb, "#case") == new_number
    assert f"Case {new_number} created." in text_of(fb, "#history")
    m = smtp.wait_for(to=acct.email, subject=f"eFiling envelope {number}: Accepted",
                      timeout=MAIL_WAIT)
    assert new_number in m.body

    # The case is on Case.net.
    ui.open_page(fb, ap.url(f"{CASENET}/case/{new_number}"))
    t = ui.page_text(fb)
    assert new_number in t and caption in t, t
    assert f"Petition filed electronically (envelope {number})." in t, t
    shot(fb, "efiling-new-case-page.png")


# ---- 3. rejection with a reason; Copy ----------------------------------------------------

def test_rejection_with_reason_then_copy(make_browser, make_apache, mariadb, new_account, smtp,
                                         tmp_path):
    ap, court, tag = site_court_tag(make_apache, mariadb)
    caption = f"{tag} V STATE"
    case_id, case_number = seed_case(mariadb, court, caption=caption)
    acct, gid = group_filer(mariadb, new_account)
    gadmin = new_account(prefix="efgad")
    add_member(mariadb, gid, gadmin, admin=True)
    notify = f"notify-{tag.lower()}@example.test"
    notify_address(mariadb, gid, notify)
    clerk = clerk_of(new_account, court)

    fb = logon(make_browser, ap, acct)
    env_id, number = file_into_existing_case(fb, ap, tmp_path, court, case_number, caption)

    cb = logon(make_browser, ap, clerk)
    page = clerk_opens(cb, ap, number, env_id)
    explanation = "The motion is not signed on page 2."
    choose(cb, "Reason", "Missing signature")
    ui.type_into(cb, "Explanation", explanation)
    ui.click(cb, "Reject")
    ui.assert_on(cb, page, f"Envelope {number}")
    assert ui.notices(cb) == ["The envelope was rejected and the filer was notified."]
    header = text_of(cb, "dl.case-header")
    assert "Rejected" in header and "Missing signature" in header and explanation in header
    shot(cb, "efiling-clerk-rejected.png")
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_docket WHERE case_id = {case_id}") == "0"

    # The filer: the notice (the group admin in CC, the notification address).
    rejected = f"eFiling envelope {number}: Rejected"
    m = smtp.wait_for(to=acct.email, subject=rejected, timeout=MAIL_WAIT)
    assert gadmin.email in (m.message.get("Cc") or ""), m.message.get("Cc")
    assert "Missing signature" in m.body and explanation in m.body
    smtp.wait_for(to=notify, subject=rejected, timeout=MAIL_WAIT)

    # My Filings -> the envelope: Rejected, with the reason.
    open_menu(fb, ap)
    follow_link(fb, "My Filings")
    ui.assert_on(fb, f"{ECF}/filings", "My Filings")
    choose(fb, "Status", "Rejected")
    ui.click(fb, "Show")
    assert ui.path(fb) == f"{ECF}/filings"
    row = fb.find_element(By.XPATH, f"//table[@id='filings']//tr[td/a[normalize-space(.)="
                                    f"'{number}']]")
    assert "Rejected" in row.text, row.text
    follow_link(fb, number)
    ui.assert_on(fb, f"{ECF}/envelopes/{env_id}", f"Envelope {number}")
    assert text_of(fb, "#status") == "Rejected"
    rejection = text_of(fb, "#rejection")
    assert "Reason: Missing signature" in rejection and explanation in rejection
    shot(fb, "efiling-rejected-envelope.png")

    # Copy into a new draft: court and case kept, documents to upload again.
    ui.click(fb, "Copy into a new draft")
    new_id = env_id_of(fb)
    assert new_id != env_id
    ui.assert_on(fb, f"{ECF}/envelopes/{new_id}/documents",
                 "File into an existing case: documents")
    t = ui.page_text(fb)
    assert case_number in t and caption in t and "No documents yet." in t
    assert mariadb.sql(f"SELECT status, case_id, copied_from FROM mc_ef_envelope WHERE id = "
                       f"{new_id}") == [("draft", str(case_id), str(env_id))]
    # The rejected envelope stays as it was.
    assert mariadb.value(f"SELECT status FROM mc_ef_envelope WHERE id = {env_id}") == "rejected"


# ---- 4. a disabled group user is refused -------------------------------------------------

def test_disabled_group_user_is_refused(make_browser, make_apache, mariadb, new_account):
    ap, _, _ = site_court_tag(make_apache, mariadb)
    acct, gid = group_filer(mariadb, new_account, status="disabled")
    name = mariadb.value(f"SELECT name FROM mc_group WHERE id = {gid}")

    driver = logon(make_browser, ap, acct)
    open_menu(driver, ap)
    missing = [li.text.strip() for li in driver.find_elements(By.CSS_SELECTOR, "#missing li")]
    assert missing == [f"You have been disabled from the group {name}; ask your group "
                       "administrator to activate you."], ui.page_text(driver)
    # No way to start a filing.
    for text in ("New case", "File into an existing case"):
        assert not [b for b in driver.find_elements(By.TAG_NAME, "button")
                    if b.text.strip() == text], ui.page_text(driver)
    shot(driver, "efiling-disabled-member.png")
