"""eFiling documents (plugins/efiling/upload.c): upload into a draft
envelope, streamed into the document store and checked as PDF by content,
with the court's size limit; removal; download only to the filer, the
filer's group administrator and the court's clerks; the SHA-256 re-checked
when served; the store's sweep of unfinished uploads.

Envelopes are written straight into the database (the wizard's pages are
envelope.c's); every test uses courts and accounts of its own, so the
session's database and document store are shared safely: "nothing stored"
is checked as no row for the envelope and no new file (committed or
temporary) in the store."""
import hashlib
import os
import re
import secrets
import socket
import time
import zlib
from urllib.parse import quote, urljoin, urlsplit

import pytest

from harness import web
from harness.mariadb import sql_quote
from helpers_casenet import seed_case
from helpers_core import MSG_FORM_EXPIRED, logged_on_csrf, logon_full, once_of, poll
from helpers_efiling import (ECF, add_member, clerk_of, ef_court, filer, group_filer,
                             make_group, make_pdf)

MB = 1024 * 1024
STORED_RE = re.compile(r"^[0-9a-f]{64}-[0-9a-f]{16}$")
TMP_RE = re.compile(r"^\.tmp-[0-9a-f]{32}$")
MSG_NOT_PDF = "The file is not a PDF document."
MSG_ENCRYPTED = "The PDF is encrypted or password-protected; upload it without a password."
MSG_DAMAGED = "The PDF is damaged: its end (trailer) cannot be read."
MSG_ACTIVE_TAIL = ("Courts do not accept active content: save the document again without it "
                   "(for example with Print to PDF) and upload it again.")
MSG_JAVASCRIPT = ("This PDF contains JavaScript (a script that can run when the document is "
                  "opened or used). " + MSG_ACTIVE_TAIL)
MSG_LAUNCH = ("This PDF contains a Launch action (it can start a program or open a file on the "
              "reader's computer). " + MSG_ACTIVE_TAIL)
MSG_EMBEDDED = ("This PDF contains embedded files (other files attached inside the PDF). "
                + MSG_ACTIVE_TAIL + " Upload an attached file as a document of its own.")
MSG_UNCHECKED = ("Part of this PDF is compressed in a way that cannot be checked for active "
                 "content (scripts or embedded files). Save the document again (for example "
                 "with Print to PDF) and upload it again.")
MSG_DOC_NOT_FOUND = "Document not found"
MSG_MISMATCH = "The stored document does not match its record; the court has been told."


# ---- set-up ------------------------------------------------------------------------------

def new_draft(mariadb, acct, court, gid=None, kind="existing", status="draft"):
    """A draft envelope of acct in court (an existing case, or a new case)."""
    if kind == "existing":
        case_id, _ = seed_case(mariadb, court)
        case_type, caption = None, ""
    else:
        case_id, case_type, caption = None, "CC", "SMITH V JONES"
    rows = mariadb.sql(
        "INSERT INTO mc_ef_envelope (account_id, group_id, court_code, kind, case_id, case_type, "
        "caption, status, step, created_at, updated_at) VALUES "
        f"({acct.id}, {sql_quote(gid)}, {sql_quote(court['code'])}, {sql_quote(kind)}, "
        f"{sql_quote(case_id)}, {sql_quote(case_type)}, {sql_quote(caption)}, "
        f"{sql_quote(status)}, 'documents', UTC_TIMESTAMP(), UTC_TIMESTAMP()); "
        "SELECT LAST_INSERT_ID()")
    return int(rows[-1][0])


def set_status(mariadb, env_id, status):
    mariadb.sql(f"UPDATE mc_ef_envelope SET status = {sql_quote(status)} WHERE id = {env_id}")


def documents(mariadb, env_id):
    """The envelope's rows: dicts, oldest first."""
    cols = ["id", "is_lead", "filing_code_id", "client_name", "bytes", "sha256", "stored_name"]
    rows = mariadb.sql(f"SELECT {', '.join(cols)} FROM mc_ef_document WHERE envelope_id = "
                       f"{env_id} ORDER BY id")
    return [dict(zip(cols, r)) for r in rows]


def store_files(apache):
    return set(os.listdir(apache.document_store))


def assert_nothing_stored(mariadb, apache, env_id, before):
    assert documents(mariadb, env_id) == []
    after = store_files(apache)
    assert after == before, f"the store changed: {sorted(after ^ before)}"
    assert not [f for f in after if f.startswith(".tmp-")], after


def session_of(http, apache, smtp, acct):
    logon_full(http, apache, acct, smtp)
    return http


def multipart(fields, boundary=None):
    """A multipart/form-data body from (name, value) and (name, filename,
    bytes) tuples, in the order given (header bytes passed through as
    given: the tests choose their own file names, odd ones included)."""
    boundary = boundary or "----mcTest" + secrets.token_hex(12)
    out = bytearray()
    for f in fields:
        out += b"--" + boundary.encode() + b"\r\n"
        if len(f) == 2:
            name, value = f
            out += b'Content-Disposition: form-data; name="%s"\r\n\r\n' % name.encode()
            out += value.encode() if isinstance(value, str) else value
        else:
            name, filename, data = f
            fn = filename if isinstance(filename, bytes) else filename.encode()
            out += (b'Content-Disposition: form-data; name="%s"; filename="%s"\r\n'
                    % (name.encode(), fn))
            out += b"Content-Type: application/pdf\r\n\r\n" + data
        out += b"\r\n"
    out += b"--" + boundary.encode() + b"--\r\n"
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def upload_once(s, apache, env_id):
    """The one-time form token of the envelope's upload form (ABI 1.8), or
    None when its documents page shows no upload form to this browser (not
    its envelope, not a draft): the upload is then refused before the
    token matters."""
    page = s.get(apache.url(f"{ECF}/envelopes/{env_id}/documents"), timeout=30)
    try:
        return once_of(page.text, action_contains=f"/envelopes/{env_id}/documents")
    except AssertionError:
        return None


def upload(s, apache, env_id, data, filename="Petition.pdf", code="MOT", lead=False,
           csrf=True, headers=None, extra=(), once=True):
    """POST a document as the upload form does (once: its one-time token,
    fetched from the documents page when True)."""
    fields = []
    if csrf is True:
        fields.append(("mc_csrf", logged_on_csrf(s, apache)))
    elif csrf:
        fields.append(("mc_csrf", csrf))
    if once is True:
        once = upload_once(s, apache, env_id)
    if once:
        fields.append(("mc_once", once))
    fields.append(("filing_code", code))
    if lead:
        fields.append(("lead", "1"))
    fields += list(extra)
    if data is not None:
        fields.append(("file", filename, data))
    body, ctype = multipart(fields)
    h = {"Content-Type": ctype}
    h.update(headers or {})
    return s.post(apache.url(f"{ECF}/envelopes/{env_id}/documents"), data=body, headers=h,
                  allow_redirects=False, timeout=60)


def alert(r):
    """The page's error sentence (role="alert"), or its main text."""
    m = re.search(r'role="alert"[^>]*>(.*?)</p>', r.text, re.S)
    if m:
        return re.sub(r"\s+", " ", m.group(1)).strip()
    m = re.search(r"<main[^>]*>(.*?)</main>", r.text, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(1) if m else r.text)).strip()


def assert_added(r, env_id):
    """Added: a 303 to the envelope's documents page (its query, if any, is
    what that page is to say; see test_a_new_lead_replaces_the_old_lead)."""
    assert r.status_code == 303, (r.status_code, alert(r))
    assert urlsplit(r.headers["Location"]).path.endswith(f"{ECF}/envelopes/{env_id}/documents"), \
        r.headers


@pytest.fixture
def filing(mariadb, apache, smtp, http, new_account):
    """A logged-on attorney with a draft envelope (existing case) in a new
    court with a 1 MB limit: (session, account, court, envelope id)."""
    court = ef_court(mariadb, max_bytes=MB)
    acct = filer(mariadb, new_account)
    env_id = new_draft(mariadb, acct, court)
    session_of(http, apache, smtp, acct)
    return http, acct, court, env_id


# ---- upload ------------------------------------------------------------------------------

def test_upload_valid_pdf_is_stored_with_its_sha256(filing, mariadb, apache):
    s, acct, court, env_id = filing
    pdf = make_pdf("Motion to continue")
    before = store_files(apache)
    r = upload(s, apache, env_id, pdf, filename="My Motion (final).pdf", code="MOT", lead=True)
    assert_added(r, env_id)
    [doc] = documents(mariadb, env_id)
    sha = hashlib.sha256(pdf).hexdigest()
    assert doc["sha256"] == sha
    assert int(doc["bytes"]) == len(pdf)
    assert doc["client_name"] == "My Motion (final).pdf"
    assert doc["is_lead"] == "1"
    assert int(doc["filing_code_id"]) == court["codes"]["MOT"]
    # Stored under the store's own name, never the client's.
    assert STORED_RE.match(doc["stored_name"]) and doc["stored_name"].startswith(sha)
    assert store_files(apache) - before == {doc["stored_name"]}
    assert (apache.document_store / doc["stored_name"]).read_bytes() == pdf
    assert not [f for f in store_files(apache) if f.startswith(".tmp-")]


def test_upload_chunked_body_without_content_length(filing, mariadb, apache):
    """A client that streams (Transfer-Encoding: chunked) is read the same way."""
    s, acct, court, env_id = filing
    pdf = make_pdf("Chunked exhibit", pad=300 * 1024)
    body, ctype = multipart([("mc_csrf", logged_on_csrf(s, apache)),
                             ("mc_once", upload_once(s, apache, env_id)), ("filing_code", "EXH"),
                             ("file", "exhibit.pdf", pdf)])

    def chunks():
        for i in range(0, len(body), 16384):
            yield body[i:i + 16384]

    r = s.post(apache.url(f"{ECF}/envelopes/{env_id}/documents"), data=chunks(),
               headers={"Content-Type": ctype}, allow_redirects=False, timeout=60)
    assert_added(r, env_id)
    [doc] = documents(mariadb, env_id)
    assert doc["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert (apache.document_store / doc["stored_name"]).read_bytes() == pdf


def lead_notice(r):
    """The documents page's "is now an attachment" notice, as text, or None."""
    m = re.search(r'<div[^>]*id="lead-moved"[^>]*>(.*?)</div>', r.text, re.S)
    if not m:
        return None
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(1))).replace("&quot;", '"').strip()


def test_a_new_lead_replaces_the_old_lead(filing, mariadb, apache):
    """A second lead document makes the first an attachment (nothing lost),
    and the filer is told, on the page the upload leads to, which document
    that was (issue 10 §5); one button makes it the lead again."""
    s, acct, court, env_id = filing
    r = upload(s, apache, env_id, make_pdf("one"), "one.pdf", lead=True)
    assert_added(r, env_id)
    assert lead_notice(s.get(urljoin(r.url, r.headers["Location"]), timeout=30)) is None
    r = upload(s, apache, env_id, make_pdf("two"), "two.pdf", code="EXH")
    assert_added(r, env_id)
    assert lead_notice(s.get(urljoin(r.url, r.headers["Location"]), timeout=30)) is None
    r = upload(s, apache, env_id, make_pdf("three"), "three.pdf", lead=True)
    assert_added(r, env_id)
    docs = documents(mariadb, env_id)
    assert [(d["client_name"], d["is_lead"]) for d in docs] == [
        ("one.pdf", "0"), ("two.pdf", "0"), ("three.pdf", "1")]
    page = s.get(urljoin(r.url, r.headers["Location"]), timeout=30)
    assert page.status_code == 200
    notice = lead_notice(page)
    assert notice and notice.startswith('"one.pdf" (Motion) is now an attachment: '
                                        '"three.pdf" (Motion) is the lead document'), notice
    assert "Make \"one.pdf\" (Motion) the lead document again" in notice, notice
    # The filer meant the first one after all: one click swaps them back.
    one_id = docs[0]["id"]
    r = web.submit(s, page, {}, action_contains=f"/documents/{one_id}/lead", timeout=30)
    assert r.status_code == 200, (r.status_code, alert(r))
    assert [(d["client_name"], d["is_lead"]) for d in documents(mariadb, env_id)] == [
        ("one.pdf", "1"), ("two.pdf", "0"), ("three.pdf", "0")]
    notice = lead_notice(r)
    assert notice and notice.startswith('"three.pdf" (Motion) is now an attachment: '
                                        '"one.pdf" (Motion) is the lead document'), notice
    # The page without the query, or naming no attachment of the envelope, says nothing.
    base = apache.url(f"{ECF}/envelopes/{env_id}/documents")
    assert lead_notice(s.get(base, timeout=30)) is None
    for q in (one_id, "0", "x", docs[1]["id"] + "9"):
        assert lead_notice(s.get(base, params={"lead_was": q}, timeout=30)) is None, q


def test_make_lead_only_for_the_filers_draft(filing, mariadb, apache, smtp, new_account):
    s, acct, court, env_id = filing
    assert_added(upload(s, apache, env_id, make_pdf("one"), "one.pdf", lead=True), env_id)
    assert_added(upload(s, apache, env_id, make_pdf("two"), "two.pdf", code="EXH"), env_id)
    one, two = documents(mariadb, env_id)
    csrf = logged_on_csrf(s, apache)
    other_env = new_draft(mariadb, acct, court)
    # Another envelope's document, a missing one: not found, nothing changed.
    for env, doc in ((other_env, two["id"]), (env_id, "999999999")):
        r = s.post(apache.url(f"{ECF}/envelopes/{env}/documents/{doc}/lead"),
                   data={"mc_csrf": csrf}, allow_redirects=False, timeout=30)
        assert r.status_code == 404, r.status_code
    # Another account: not its envelope.
    stranger = filer(mariadb, new_account)
    s2 = new_session()
    session_of(s2, apache, smtp, stranger)
    r = s2.post(apache.url(f"{ECF}/envelopes/{env_id}/documents/{two['id']}/lead"),
                data={"mc_csrf": logged_on_csrf(s2, apache)}, allow_redirects=False, timeout=30)
    assert r.status_code == 404, r.status_code
    # Submitted: a draft's documents no longer change.
    set_status(mariadb, env_id, "submitted")
    r = s.post(apache.url(f"{ECF}/envelopes/{env_id}/documents/{two['id']}/lead"),
               data={"mc_csrf": csrf}, allow_redirects=False, timeout=30)
    assert r.status_code == 403, r.status_code
    assert [d["is_lead"] for d in documents(mariadb, env_id)] == ["1", "0"]


# ---- refusals: nothing stored ------------------------------------------------------------

@pytest.mark.parametrize("kind, data, sentence", [
    ("not a PDF", b"GIF89a this is an image, not a PDF\n" * 40, MSG_NOT_PDF),
    ("text named .pdf", b"Dear Clerk,\nplease file this letter.\n", MSG_NOT_PDF),
    ("encrypted", make_pdf("secret", encrypt=True), MSG_ENCRYPTED),
    ("truncated", make_pdf("cut short", pad=4000)[:-40], MSG_DAMAGED),
    ("truncated early", make_pdf("cut short")[:200], MSG_DAMAGED),
    # Active content (issue 11 §11): refused at a court that refuses it (the
    # default; test_active_content_refused_or_flagged_as_the_court_chooses).
    ("JavaScript on opening",
     make_pdf(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> "),
     MSG_JAVASCRIPT),
    ("JavaScript, names hex-escaped",
     make_pdf(catalog=b"/OpenAction << /S /J#61vaScript /#4A#53 (app.alert\\(1\\)) >> "),
     MSG_JAVASCRIPT),
    ("JavaScript in a compressed object stream",
     make_pdf(catalog=b"/OpenAction 7 0 R ", objstm=b"<< /S /JavaScript /JS (this.print()) >>"),
     MSG_JAVASCRIPT),
    ("Launch action", make_pdf(catalog=b"/OpenAction << /S /Launch /F (calc.exe) >> "),
     MSG_LAUNCH),
    ("embedded file",
     make_pdf(catalog=b"/Names << /EmbeddedFiles << /Names [(a.txt) << /Type /Filespec "
                      b"/F (a.txt) /EF << /F 4 0 R >> >>] >> >> "),
     MSG_EMBEDDED),
])
def test_bad_documents_are_refused_and_nothing_is_stored(filing, mariadb, apache, kind, data,
                                                         sentence):
    s, acct, court, env_id = filing
    before = store_files(apache)
    r = upload(s, apache, env_id, data, filename="brief.pdf", code="MOT", lead=True)
    assert r.status_code == 400, (kind, r.status_code, alert(r))
    assert alert(r) == sentence
    # The form comes back with what was chosen (the file must be chosen again).
    assert re.search(r'<option[^>]*value="MOT"[^>]*selected|<option[^>]*selected[^>]*value="MOT"',
                     r.text), r.text
    assert re.search(r'<input[^>]*name="lead"[^>]*checked', r.text)
    assert 'data-upload' in r.text and 'id="upload-progress"' in r.text
    assert_nothing_stored(mariadb, apache, env_id, before)


def test_open_action_script_refused_but_going_to_a_page_taken(filing, mariadb, apache):
    """An /OpenAction that runs a script is refused; one that only shows a
    page is not active content, also inside a compressed object stream."""
    s, acct, court, env_id = filing
    before = store_files(apache)
    pdf = make_pdf(catalog=b"/OpenAction 7 0 R ", objstm=b"<< /S /JavaScript /JS (x) >>")
    assert b"JavaScript" not in pdf
    r = upload(s, apache, env_id, pdf, filename="script.pdf")
    assert r.status_code == 400 and alert(r) == MSG_JAVASCRIPT, (r.status_code, alert(r))
    assert_nothing_stored(mariadb, apache, env_id, before)
    assert_added(upload(s, apache, env_id, make_pdf(catalog=b"/OpenAction [3 0 R /Fit] "),
                        filename="goto.pdf"), env_id)
    pdf = make_pdf(catalog=b"/OpenAction 7 0 R ", objstm=b"<< /S /GoTo /D [3 0 R /Fit] >>")
    assert b"GoTo" not in pdf
    assert_added(upload(s, apache, env_id, pdf, filename="goto-objstm.pdf"), env_id)
    assert [d["client_name"] for d in documents(mariadb, env_id)] == ["goto.pdf",
                                                                       "goto-objstm.pdf"]


def _unreadable_object_stream_pdf():
    """A PDF whose compressed object stream cannot be inflated."""
    body = b"<< /S /GoTo /D [3 0 R /Fit] >>"
    pdf = make_pdf(catalog=b"/OpenAction 7 0 R ", objstm=body)
    packed = zlib.compress(b"7 0 " + body)
    assert pdf.count(packed) == 1
    return pdf.replace(packed, b"\xff" * len(packed))


def test_active_content_refused_or_flagged_as_the_court_chooses(mariadb, apache, smtp, http,
                                                                 new_account):
    """Issue 11 §11: the court's set-up says what becomes of a PDF with
    active content. Flag: it is accepted and marked with what was found
    (JavaScript, a Launch action, embedded files, or an object stream that
    cannot be checked), and the clerk reviewing the envelope is warned for
    each such document, never for a clean one. Refuse (the default): the
    same documents are refused with their sentence and nothing is stored."""
    court = ef_court(mariadb, active_content="flag")
    acct = filer(mariadb, new_account)
    env_id = new_draft(mariadb, acct, court)
    session_of(http, apache, smtp, acct)
    script = make_pdf(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> ")
    everything = make_pdf(
        catalog=b"/OpenAction << /S /Launch /F (calc.exe) >> /AA << /WC << /S /JavaScript /JS "
                b"(this.print\\(\\)) >> >> /Names << /EmbeddedFiles << /Names [(a.txt) << "
                b"/Type /Filespec /F (a.txt) /EF << /F 4 0 R >> >>] >> >> ")
    unreadable = _unreadable_object_stream_pdf()
    files = [("script.pdf", script, "1"), ("everything.pdf", everything, "7"),
             ("unreadable.pdf", unreadable, "8"), ("clean.pdf", make_pdf(), "0")]
    for name, data, _ in files:
        assert_added(upload(http, apache, env_id, data, filename=name), env_id)
    assert mariadb.sql("SELECT client_name, active_found FROM mc_ef_document WHERE "
                       f"envelope_id = {env_id} ORDER BY id") == [(n, f) for n, _, f in files]

    # The clerk's review.
    mariadb.sql(f"UPDATE mc_ef_envelope SET status = 'submitted', number = "
                f"'EF2026-8{secrets.randbelow(10 ** 6):06d}', submitted_at = UTC_TIMESTAMP() "
                f"WHERE id = {env_id}")
    clerk = new_browser_for(apache, smtp, clerk_of(new_account, court))
    r = clerk.get(apache.url(f"{ECF}/clerk/envelopes/{env_id}"), timeout=30)
    assert r.status_code == 200, r.text[:1500]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", r.text))
    assert ("script.pdf): This document contains active content (JavaScript)." in text), text
    assert ("everything.pdf): This document contains active content "
            "(JavaScript/Launch/embedded file).") in text
    assert ("unreadable.pdf): This document may contain active content (parts that could not "
            "be checked).") in text
    assert text.count("active content (") == 3 and "clean.pdf)" not in text

    # The court refuses again: each is refused, and nothing is stored.
    mariadb.sql(f"UPDATE mc_ef_court SET active_content = 'refuse' WHERE court_code = "
                f"{sql_quote(court['code'])}")
    env2 = new_draft(mariadb, acct, court)
    before = store_files(apache)
    for name, data, why in (("script.pdf", script, MSG_JAVASCRIPT),
                            ("unreadable.pdf", unreadable, MSG_UNCHECKED)):
        r = upload(http, apache, env2, data, filename=name)
        assert r.status_code == 400 and alert(r) == why, (name, r.status_code, alert(r))
    r = upload(http, apache, env2, everything, filename="everything.pdf")
    assert r.status_code == 400 and alert(r).startswith("This PDF contains JavaScript"), alert(r)
    assert_nothing_stored(mariadb, apache, env2, before)


def new_browser_for(apache, smtp, account):
    s = web.new_session()
    logon_full(s, apache, account, smtp)
    return s


def test_empty_file_input_is_refused(filing, mariadb, apache):
    s, acct, court, env_id = filing
    before = store_files(apache)
    r = upload(s, apache, env_id, b"", filename="")
    assert r.status_code == 400 and alert(r) == "Choose the PDF document to file."
    r = upload(s, apache, env_id, b"", filename="empty.pdf")
    assert r.status_code == 400
    assert alert(r) == "The file is empty. Choose the PDF document to file."
    r = upload(s, apache, env_id, None)
    assert r.status_code == 400 and alert(r) == "Choose the PDF document to file."
    assert_nothing_stored(mariadb, apache, env_id, before)


def test_image_only_pdf_refused_at_a_text_only_court(mariadb, apache, smtp, http, new_account):
    court = ef_court(mariadb, text_only=True)
    acct = filer(mariadb, new_account)
    env_id = new_draft(mariadb, acct, court)
    session_of(http, apache, smtp, acct)
    before = store_files(apache)
    r = upload(http, apache, env_id, make_pdf(font=False), filename="scan.pdf")
    assert r.status_code == 400
    assert alert(r).startswith(f"{court['name']} accepts only text-searchable PDF documents")
    assert_nothing_stored(mariadb, apache, env_id, before)
    # A PDF with text is taken.
    assert_added(upload(http, apache, env_id, make_pdf("typed"), filename="typed.pdf"), env_id)
    assert len(documents(mariadb, env_id)) == 1


def test_image_only_pdf_taken_where_text_is_not_required(filing, mariadb, apache):
    s, acct, court, env_id = filing
    assert_added(upload(s, apache, env_id, make_pdf(font=False), filename="scan.pdf"), env_id)


def test_filing_code_must_be_the_courts_and_active(filing, mariadb, apache, new_account):
    s, acct, court, env_id = filing
    other = ef_court(mariadb)
    before = store_files(apache)
    for code in ("", "XYZ"):
        r = upload(s, apache, env_id, make_pdf(), code=code)
        assert r.status_code == 400, alert(r)
        assert alert(r) in ("Choose the filing code.",
                            f"Choose one of {court['name']}'s filing codes.")
    mariadb.sql(f"UPDATE mc_ef_filing_code SET active = 0 WHERE id = {court['codes']['ANS']}")
    r = upload(s, apache, env_id, make_pdf(), code="ANS")
    assert r.status_code == 400 and alert(r) == f"Choose one of {court['name']}'s filing codes."
    assert other["codes"]  # another court's codes are not this court's
    assert_nothing_stored(mariadb, apache, env_id, before)


def test_new_case_lead_must_be_initiating(mariadb, apache, smtp, http, new_account):
    court = ef_court(mariadb)
    acct = filer(mariadb, new_account)
    env_id = new_draft(mariadb, acct, court, kind="new")
    mariadb.sql("INSERT INTO mc_ef_party (envelope_id, kind, role, last_name) VALUES "
                f"({env_id}, 'business', 'plaintiff', 'ACME'), "
                f"({env_id}, 'business', 'defendant', 'BETA')")
    session_of(http, apache, smtp, acct)
    before = store_files(apache)
    r = upload(http, apache, env_id, make_pdf(), code="MOT", lead=True)
    assert r.status_code == 400
    assert alert(r).startswith("The lead document of a new case must be one that starts a case")
    assert_nothing_stored(mariadb, apache, env_id, before)
    assert_added(upload(http, apache, env_id, make_pdf(), code="PET", lead=True), env_id)
    assert_added(upload(http, apache, env_id, make_pdf(), code="EXH"), env_id)
    assert [d["is_lead"] for d in documents(mariadb, env_id)] == ["1", "0"]


def test_only_the_filer_of_a_draft_may_upload(filing, mariadb, apache, smtp, new_account):
    s, acct, court, env_id = filing
    before = store_files(apache)
    other = filer(mariadb, new_account)
    s2 = session_of(new_session(), apache, smtp, other)
    r = upload(s2, apache, env_id, make_pdf())
    assert r.status_code == 404 and "Envelope not found" in r.text
    assert_nothing_stored(mariadb, apache, env_id, before)
    set_status(mariadb, env_id, "submitted")
    r = upload(s, apache, env_id, make_pdf())
    assert r.status_code == 403
    assert "only a draft's documents can be changed" in r.text
    assert_nothing_stored(mariadb, apache, env_id, before)
    r = upload(s, apache, 999999999, make_pdf())
    assert r.status_code == 404


def test_a_disabled_group_user_may_not_upload(mariadb, apache, smtp, http, new_account):
    court = ef_court(mariadb)
    acct, gid = group_filer(mariadb, new_account)
    env_id = new_draft(mariadb, acct, court, gid=gid)
    session_of(http, apache, smtp, acct)
    assert_added(upload(http, apache, env_id, make_pdf("before")), env_id)
    mariadb.sql(f"UPDATE mc_group_member SET status = 'disabled' WHERE account_id = {acct.id}")
    before = store_files(apache)
    r = upload(http, apache, env_id, make_pdf("after"))
    assert r.status_code == 403
    assert "You have been disabled from the group" in r.text
    assert len(documents(mariadb, env_id)) == 1 and store_files(apache) == before


def new_session():
    from helpers_core import new_browser
    return new_browser()


# ---- size limit ----------------------------------------------------------------------------

def raw_request(apache, head, body_chunks=(), timeout=20):
    """Send a request by hand: head (bytes, the blank line included), then
    each chunk of body_chunks until the server answers (it may refuse
    before reading everything). Returns (status code, response bytes, body
    bytes sent)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # A small send buffer, so "sent" is close to what the server has taken.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
    sock.settimeout(timeout)
    sock.connect(("127.0.0.1", apache.port))
    sent = 0
    try:
        sock.sendall(head)
        for chunk in body_chunks:
            sock.settimeout(0.0)
            try:
                early = sock.recv(1, socket.MSG_PEEK)
            except (BlockingIOError, InterruptedError):
                early = None
            sock.settimeout(timeout)
            if early is not None:
                break          # answered (or closed): stop sending
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        out = bytearray()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                got = sock.recv(65536)
            except ConnectionResetError:
                break
            except socket.timeout:
                break
            if not got:
                break
            out += got
            if b"\r\n\r\n" in out:
                hdr, _, rest = bytes(out).partition(b"\r\n\r\n")
                m = re.search(rb"(?im)^content-length:\s*(\d+)", hdr)
                if m and len(rest) >= int(m.group(1)) and not hdr.startswith(b"HTTP/1.1 100"):
                    break
    finally:
        sock.close()
    m = re.match(rb"HTTP/1\.1 (\d{3})", bytes(out))
    assert m, f"no response: {bytes(out)[:300]!r}"
    return int(m.group(1)), bytes(out), sent


def request_head(s, apache, path, headers):
    cookies = "; ".join(f"{c.name}={c.value}" for c in s.cookies)
    host = apache.base_url.split("://", 1)[1].rstrip("/")
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", f"Cookie: {cookies}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_content_length_over_the_limit_is_refused_before_reading(filing, mariadb, apache):
    s, acct, court, env_id = filing
    before = store_files(apache)
    boundary = "----mcBig" + secrets.token_hex(8)
    head = request_head(s, apache, f"{ECF}/envelopes/{env_id}/documents", {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(3 * MB),
        "Expect": "100-continue",
    })
    status, resp, _ = raw_request(apache, head)
    # No "100 Continue": the answer comes without a byte of the body read.
    assert status == 413, resp[:500]
    text = resp.decode("utf-8", "replace")
    assert f"The document is larger than {court['name']}&#39;s limit of 1 MB." in text or \
        f"The document is larger than {court['name']}'s limit of 1 MB." in text, text[-3000:]
    assert re.search(r"(?im)^connection: close", text)
    assert_nothing_stored(mariadb, apache, env_id, before)


def test_document_over_the_limit_within_an_allowed_content_length(filing, mariadb, apache):
    """A body just under limit + the fields' allowance, whose document is
    over the limit: read, then refused the moment it passes."""
    s, acct, court, env_id = filing
    before = store_files(apache)
    pdf = make_pdf("big", pad=MB + 1000)
    r = upload(s, apache, env_id, pdf, filename="big.pdf")
    assert r.status_code == 413
    assert alert(r) == f"The document is larger than {court['name']}'s limit of 1 MB."
    assert_nothing_stored(mariadb, apache, env_id, before)
    # Exactly at the limit is fine.
    pad = MB - len(make_pdf("limit"))
    while len(make_pdf("limit", pad=pad)) != MB:   # the xref offsets' digits grow too
        pad -= len(make_pdf("limit", pad=pad)) - MB
    pdf = make_pdf("limit", pad=pad)
    assert_added(upload(s, apache, env_id, pdf, filename="limit.pdf"), env_id)


def test_chunked_upload_over_the_limit_is_cut_off(filing, mariadb, apache):
    s, acct, court, env_id = filing
    before = store_files(apache)
    boundary = "----mcChunk" + secrets.token_hex(8)
    start = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"mc_csrf\"\r\n\r\n"
             f"{logged_on_csrf(s, apache)}\r\n"
             f"--{boundary}\r\nContent-Disposition: form-data; name=\"filing_code\"\r\n\r\nMOT\r\n"
             f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
             f"filename=\"huge.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n%").encode()
    head = request_head(s, apache, f"{ECF}/envelopes/{env_id}/documents", {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Transfer-Encoding": "chunked",
    })

    def chunk(data):
        return b"%x\r\n" % len(data) + data + b"\r\n"

    block = b"x" * 65536
    chunks = [chunk(start)] + [chunk(block)] * 640     # 40 MB in all: far over 1 MB
    status, resp, sent = raw_request(apache, head, chunks)
    assert status == 413, resp[:500]
    assert b"limit of 1 MB" in resp
    # Answered once the document passed the limit, not at the end of the body
    # (what was sent includes the kernel's socket buffers).
    assert sent < 8 * MB, f"{sent} bytes were sent before the answer"
    assert_nothing_stored(mariadb, apache, env_id, before)


# ---- the client's file name ----------------------------------------------------------------

def _name_refused(filing, mariadb, apache, sent, why):
    """A PDF sent with the file name `sent` is refused (400, the message
    beginning with why) and nothing is stored."""
    s, acct, court, env_id = filing
    before = store_files(apache)
    r = upload(s, apache, env_id, make_pdf(), filename=sent)
    assert r.status_code == 400, alert(r)
    assert alert(r).startswith(why)
    assert_nothing_stored(mariadb, apache, env_id, before)


@pytest.mark.parametrize("sent", [b"../../etc/passwd.pdf", b"..\\..\\x.pdf", b"..",
                                  b"/tmp/../../root/.ssh/id.pdf", b"docs/../brief.pdf"])
def test_traversal_style_file_name_is_refused(filing, mariadb, apache, sent):
    """The issue: a traversal-style file name is refused with nothing stored."""
    _name_refused(filing, mariadb, apache, sent, 'The file name contains ".." as a folder')
    assert not os.path.exists("/etc/passwd.pdf") and not os.path.exists("/x.pdf")


@pytest.mark.parametrize("sent, kept", [
    (b"C:\\Users\\filer\\Desktop\\brief.pdf", "brief.pdf"),
    (b"..brief..pdf", "..brief..pdf"),
    (b"tab\there.pdf", "tabhere.pdf"),
    (b"evil%0D%0AX-Header: 1.pdf", "evil%0D%0AX-Header: 1.pdf"),   # as browsers send CR LF
    ("P\u00e9tition \u00fcber.pdf".encode(), "P\u00e9tition \u00fcber.pdf"),
    (b"bad\xff\xfeutf8.pdf", "badutf8.pdf"),
    (b"long" + b"n" * 400 + b".pdf", "long" + "n" * 251),
])
def test_client_file_name_is_metadata_only(filing, mariadb, apache, sent, kept):
    s, acct, court, env_id = filing
    before = store_files(apache)
    pdf = make_pdf("named " + secrets.token_hex(4))
    assert_added(upload(s, apache, env_id, pdf, filename=sent), env_id)
    [doc] = documents(mariadb, env_id)
    assert doc["client_name"] == kept
    new = store_files(apache) - before
    assert new == {doc["stored_name"]} and STORED_RE.match(doc["stored_name"])
    assert (apache.document_store / doc["stored_name"]).read_bytes() == pdf
    assert not os.path.exists("/etc/passwd.pdf") and not os.path.exists("/x.pdf")


@pytest.mark.parametrize("sent", [b"nul\x00byte.pdf", b"cr\rlf\n.pdf", b"bell\x07.pdf"])
def test_file_name_with_raw_control_characters_is_refused(filing, mariadb, apache, sent):
    """Control characters other than tab cannot appear in a part's header:
    the form is refused as malformed, nothing stored."""
    _name_refused(filing, mariadb, apache, sent, "The form could not be read")


# ---- the anti-CSRF token -------------------------------------------------------------------

@pytest.mark.parametrize("how", ["none", "wrong", "after the file", "origin", "fetch-site"])
def test_upload_requires_the_anti_csrf_token(filing, mariadb, apache, how):
    s, acct, court, env_id = filing
    before = store_files(apache)
    token = logged_on_csrf(s, apache)
    if how == "none":
        r = upload(s, apache, env_id, make_pdf(), csrf=None)
    elif how == "wrong":
        r = upload(s, apache, env_id, make_pdf(), csrf=token[:-2] + ("AA" if token[-2:] != "AA"
                                                                      else "BB"))
    elif how == "after the file":
        body, ctype = multipart([("filing_code", "MOT"), ("file", "a.pdf", make_pdf()),
                                 ("mc_csrf", token)])
        r = s.post(apache.url(f"{ECF}/envelopes/{env_id}/documents"), data=body,
                   headers={"Content-Type": ctype}, allow_redirects=False, timeout=30)
    elif how == "origin":
        r = upload(s, apache, env_id, make_pdf(), headers={"Origin": "https://evil.example"})
    else:
        r = upload(s, apache, env_id, make_pdf(), headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403, (how, r.status_code, alert(r))
    assert MSG_FORM_EXPIRED in r.text
    assert_nothing_stored(mariadb, apache, env_id, before)
    # With the token (and our own origin) it goes through.
    r = upload(s, apache, env_id, make_pdf(), headers={
        "Origin": apache.base_url.rstrip("/"), "Sec-Fetch-Site": "same-origin"})
    assert_added(r, env_id)


# ---- remove --------------------------------------------------------------------------------

def test_remove_deletes_row_and_file(filing, mariadb, apache, smtp, new_account):
    s, acct, court, env_id = filing
    assert_added(upload(s, apache, env_id, make_pdf("keep"), filename="keep.pdf"), env_id)
    assert_added(upload(s, apache, env_id, make_pdf("drop"), filename="drop.pdf"), env_id)
    keep, drop = documents(mariadb, env_id)
    path = f"{ECF}/envelopes/{env_id}/documents/{drop['id']}/remove"
    # Someone else cannot.
    other = session_of(new_session(), apache, smtp, filer(mariadb, new_account))
    r = other.post(apache.url(path), data={"mc_csrf": logged_on_csrf(other, apache)},
                   allow_redirects=False, timeout=30)
    assert r.status_code == 404
    # Nor without the token.
    r = s.post(apache.url(path), data={"remove": "1"}, allow_redirects=False, timeout=30)
    assert r.status_code == 403
    assert len(documents(mariadb, env_id)) == 2
    r = s.post(apache.url(path), data={"mc_csrf": logged_on_csrf(s, apache)},
               allow_redirects=False, timeout=30)
    assert r.status_code == 303 and r.headers["Location"].endswith(
        f"{ECF}/envelopes/{env_id}/documents")
    assert [d["id"] for d in documents(mariadb, env_id)] == [keep["id"]]
    assert not (apache.document_store / drop["stored_name"]).exists()
    assert (apache.document_store / keep["stored_name"]).exists()
    # Twice: it is gone.
    r = s.post(apache.url(path), data={"mc_csrf": logged_on_csrf(s, apache)},
               allow_redirects=False, timeout=30)
    assert r.status_code == 404
    # Not once submitted.
    set_status(mariadb, env_id, "submitted")
    r = s.post(apache.url(f"{ECF}/envelopes/{env_id}/documents/{keep['id']}/remove"),
               data={"mc_csrf": logged_on_csrf(s, apache)}, allow_redirects=False, timeout=30)
    assert r.status_code == 403
    assert (apache.document_store / keep["stored_name"]).exists()


# ---- download ------------------------------------------------------------------------------

def download(s, apache, doc_id):
    return s.get(apache.url(f"{ECF}/documents/{doc_id}"), allow_redirects=False, timeout=60)


def assert_served(r, pdf, ascii_name, utf8_name):
    assert r.status_code == 200, (r.status_code, alert(r))
    assert r.content == pdf
    h = r.headers
    assert h["Content-Type"] == "application/pdf"
    assert h["Content-Length"] == str(len(pdf))
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Cache-Control"] == "no-store"
    assert h["Content-Disposition"] == (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(utf8_name, safe='')}"
        .replace("%21", "!").replace("%23", "#").replace("%24", "$").replace("%26", "&")
        .replace("%2B", "+").replace("%5E", "^").replace("%60", "`").replace("%7C", "|"))


def test_download_only_to_filer_group_admin_and_clerks(mariadb, apache, smtp, new_account):
    court = ef_court(mariadb)
    other_court = ef_court(mariadb)
    acct, gid = group_filer(mariadb, new_account)
    env_id = new_draft(mariadb, acct, court, gid=gid)
    s = session_of(new_session(), apache, smtp, acct)
    pdf = make_pdf("Answer of the defendant")
    name = "Réponse finale; v2 (100%).pdf"
    assert_added(upload(s, apache, env_id, pdf, filename=name.encode(), code="ANS"), env_id)
    [doc] = documents(mariadb, env_id)
    ascii_name = "R__ponse finale_ v2 (100_).pdf"

    assert_served(download(s, apache, doc["id"]), pdf, ascii_name, name)
    # HEAD: the headers alone.
    h = s.head(apache.url(f"{ECF}/documents/{doc['id']}"), allow_redirects=False, timeout=30)
    assert h.status_code == 200 and h.headers["Content-Length"] == str(len(pdf))

    admin = new_account(prefix="efgad")
    add_member(mariadb, gid, admin, admin=True)
    assert_served(download(session_of(new_session(), apache, smtp, admin), apache, doc["id"]),
                  pdf, ascii_name, name)

    # The court's clerk: once the envelope is filed, not while it is a draft.
    clerk = session_of(new_session(), apache, smtp, clerk_of(new_account, court))
    r = download(clerk, apache, doc["id"])
    assert r.status_code == 404 and MSG_DOC_NOT_FOUND in r.text
    set_status(mariadb, env_id, "submitted")
    assert_served(download(clerk, apache, doc["id"]), pdf, ascii_name, name)

    refused = {
        "another account": new_account(prefix="efoth"),
        "another court's clerk": clerk_of(new_account, other_court),
        "a group user who is not the filer": group_filer(mariadb, new_account, gid=gid)[0],
        "another group's administrator": None,
    }
    other_gid = make_group(mariadb)
    refused["another group's administrator"] = new_account(prefix="efgao")
    add_member(mariadb, other_gid, refused["another group's administrator"], admin=True)
    for who, account in refused.items():
        r = download(session_of(new_session(), apache, smtp, account), apache, doc["id"])
        assert r.status_code == 404, who
        assert MSG_DOC_NOT_FOUND in r.text and r.content != pdf, who
        assert "application/pdf" not in r.headers.get("Content-Type", "")

    # Anonymous: logon first.
    r = download(new_session(), apache, doc["id"])
    assert r.status_code in (302, 303) and "/account/logon" in r.headers["Location"]
    # No such document.
    assert download(s, apache, 999999999).status_code == 404


def test_download_of_a_big_document_streams_it_whole(mariadb, apache, smtp, http, new_account):
    court = ef_court(mariadb, max_bytes=8 * MB)
    acct = filer(mariadb, new_account)
    env_id = new_draft(mariadb, acct, court)
    session_of(http, apache, smtp, acct)
    pdf = make_pdf("big exhibit", pad=6 * MB + 12345)
    assert_added(upload(http, apache, env_id, pdf, filename="exhibit.pdf", code="EXH"), env_id)
    [doc] = documents(mariadb, env_id)
    r = download(http, apache, doc["id"])
    assert r.status_code == 200 and len(r.content) == len(pdf)
    assert hashlib.sha256(r.content).hexdigest() == doc["sha256"]


@pytest.mark.allow_errors(r"MC2613")
def test_tampered_or_missing_stored_document_is_refused(filing, mariadb, apache):
    s, acct, court, env_id = filing
    pdf = make_pdf("original text")
    assert_added(upload(s, apache, env_id, pdf, filename="orig.pdf"), env_id)
    [doc] = documents(mariadb, env_id)
    path = apache.document_store / doc["stored_name"]
    path.write_bytes(pdf.replace(b"original text", b"altered  text"))
    since = apache.error_log_offset()
    r = download(s, apache, doc["id"])
    assert r.status_code == 500
    assert MSG_MISMATCH in r.text and b"altered" not in r.content
    assert "application/pdf" not in r.headers.get("Content-Type", "")
    lines = [x for x in apache.error_log_lines(since) if "MC2613" in x]
    assert lines and "does not match its SHA-256" in lines[0], lines
    path.unlink()
    r = download(s, apache, doc["id"])
    assert r.status_code == 500
    assert "The stored document is missing; the court has been told." in r.text


# ---- the sweep of unfinished uploads -------------------------------------------------------

def test_periodic_sweep_removes_old_temporary_files(apache, make_apache):
    """The store's .tmp-* files older than an hour go in the delivery worker's
    rounds (apache: the session's schema is migrated first)."""
    ap = make_apache(start=False)
    ap.write_config()
    store = ap.document_store
    old = store / (".tmp-" + secrets.token_hex(16))
    fresh = store / (".tmp-" + secrets.token_hex(16))
    kept = store / ("a" * 64 + "-" + "b" * 16)
    other = store / ".tmp-notours"
    for f in (old, fresh, kept, other):
        f.write_bytes(b"%PDF-1.7 partial")
    two_hours_ago = time.time() - 7200
    for f in (old, kept, other):
        os.utime(f, (two_hours_ago, two_hours_ago))
    since = ap.error_log_offset()
    ap.start()
    poll(lambda: not old.exists(), timeout=30, what="the sweep of the old .tmp file")
    assert fresh.exists() and kept.exists() and other.exists()
    poll(lambda: any("MC2620: removed 1 unfinished upload(s)" in x
                     for x in ap.error_log_lines(since)), timeout=10, what="the sweep's log line")
