"""eFiling, issue 17 "Filers and clerks": the kept PDF tools, out of process
(plugins/efiling/redact.c, clerkdocs.c, lib/mc_pdftool.c, lib/mc_redact.c).

- The redaction check: each uploaded PDF's text (pdftotext) scanned for
  Social Security numbers, dates of birth, account and card numbers; the
  hits kept masked with their page (never the text), listed on the review
  step; the submit refused until the filer confirms, the confirmation
  recorded (envelope column, audit row) and shown to the clerk. The JSON
  API's submit the same (422 naming redaction_confirmed).
- The text-searchable check from pdftotext's text.
- qpdf --check's verdict on the clerk's envelope page.
- The preview of the first pages (pdftoppm), to the clerks of the court only.
- pdftotext killed at its time limit without harming the request: a
  stand-in that sleeps (its limits checked), and Debian's pdftotext on a
  real hostile PDF (text_bomb).

The PDFs are made here (several pages, text on chosen pages)."""
import os
import re
import secrets
import stat
import threading
import time
import zlib

from api_client import ApiClient, assert_problem, make_token
from helpers_casenet import seed_case, unique_tag
from helpers_core import logon_full, new_browser, poll
from helpers_efiling import ECF, clerk_of, ef_court, filer, pdf_file
from test_ef_filing import Filer, loc, plain

SSN = "123-45-6789"
DOB = "03/14/1980"
CONFIRM_START = "I have redacted the documents as Missouri Supreme Court Operating Rule 2"
REFUSAL_START = "Possible personal information was found in the documents"


def pdf_pages(pages, broken_xref=False):
    """A PDF with one page per item of pages (its text line; "" for a page
    without text). broken_xref: the cross-reference table's offsets wrong
    (qpdf repairs it, with warnings; our own check reads only the trailer)."""
    n = len(pages)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n)) +
            b"] /Count %d >>" % n,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i, text in enumerate(pages):
        content = (f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode() if text
                   else b"q 100 0 0 100 72 600 cm 0.5 g 0 0 1 1 re f Q")
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << "
                    b"/Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i))
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    return pdf_file(objs, xref_shift=7 if broken_xref else 0)


def upload(f, env, pdf, code="MOT", lead=True, name="petition.pdf"):
    r = f.post(f"/envelopes/{env}/documents", {"filing_code": code, "lead": "1" if lead else "0"},
               files={"file": (name, pdf, "application/pdf")})
    return r


def draft_with(f, court, number, docs):
    """A draft into existing case number with docs ((name, pdf), ...), the
    first the lead, taken to the review step."""
    env = f.new("existing")
    r = f.post(f"/envelopes/{env}/case", {"court": court["code"], "case_number": number})
    assert r.status_code == 303, (r.status_code, plain(r.text)[:500])
    for i, (name, pdf) in enumerate(docs):
        r = upload(f, env, pdf, code="MOT" if i == 0 else "ANS", lead=i == 0, name=name)
        assert r.status_code == 303, (r.status_code, plain(r.text)[:800])
    r = f.post(f"/envelopes/{env}/documents/next")
    assert r.status_code == 303 and loc(r).endswith("/payment"), plain(r.text)[:500]
    r = f.post(f"/envelopes/{env}/payment", {})
    assert r.status_code == 303 and loc(r).endswith("/review"), plain(r.text)[:500]
    return env


def doc_rows(mariadb, env):
    return [list(r) for r in mariadb.sql(
        "SELECT id, client_name, redaction, COALESCE(text_pages, -1) FROM mc_ef_document "
        f"WHERE envelope_id = {env} ORDER BY id")]


def hits(mariadb, doc_id):
    return [tuple(r) for r in mariadb.sql(
        f"SELECT page, kind, masked FROM mc_ef_redaction_hit WHERE document_id = {doc_id} "
        "ORDER BY page, id")]


def filer_setup(apache, mariadb, new_account, smtp, **court_kw):
    court = ef_court(mariadb, **court_kw)
    _, number = seed_case(mariadb, court, caption=f"{unique_tag()} V ACME")
    acct = filer(mariadb, new_account)
    return Filer(apache, acct, smtp), court, number


def clerk_browser(apache, new_account, smtp, court):
    s = new_browser()
    logon_full(s, apache, clerk_of(new_account, court), smtp)
    return s


# ---- the redaction check --------------------------------------------------------------

def test_ssn_and_birth_date_flagged_on_their_pages_confirmed_and_shown_to_the_clerk(
        apache, mariadb, new_account, smtp):
    f, court, number = filer_setup(apache, mariadb, new_account, smtp)
    flagged = pdf_pages(["Petition for damages", f"Plaintiff SSN {SSN} of record",
                         f"Plaintiff DOB: {DOB} in Missouri"])
    clean = pdf_pages(["Answer of the defendant", "Filed on 03/14/2024 in good order"])
    env = draft_with(f, court, number, [("petition.pdf", flagged), ("answer.pdf", clean)])

    (d1, _, red1, pages1), (d2, _, red2, pages2) = doc_rows(mariadb, env)
    assert (red1, pages1) == ("hits", "3") and (red2, pages2) == ("clean", "2")
    assert hits(mariadb, d1) == [("2", "ssn", "***-**-6789"), ("3", "dob", "**-**-1980")]
    assert hits(mariadb, d2) == []
    # Nothing of the text is kept: no column of the envelope's rows holds it.
    dump = str(mariadb.sql(f"SELECT * FROM mc_ef_document WHERE envelope_id = {env}")) + \
        str(mariadb.sql(f"SELECT h.* FROM mc_ef_redaction_hit h JOIN mc_ef_document d ON "
                        f"d.id = h.document_id WHERE d.envelope_id = {env}"))
    assert SSN not in dump and DOB not in dump and "Plaintiff" not in dump

    # The review step: each hit with its page, masked; the confirmation asked.
    r = f.get(f"/envelopes/{env}/review")
    t = plain(r.text)
    assert r.status_code == 200 and "Redaction check" in t
    assert "petition.pdf 2 Social Security number ***-**-6789" in t, t
    assert "petition.pdf 3 date of birth **-**-1980" in t, t
    assert SSN not in r.text and DOB not in r.text and "answer.pdf 1" not in t
    assert CONFIRM_START in t and 'name="redaction_confirmed"' in r.text

    # Submit without the confirmation: refused, nothing submitted.
    r = f.post(f"/envelopes/{env}/submit")
    assert r.status_code == 400 and REFUSAL_START in plain(r.text), plain(r.text)[:800]
    assert mariadb.value(f"SELECT status FROM mc_ef_envelope WHERE id = {env}") == "draft"
    assert mariadb.value(f"SELECT redaction_confirmed_at FROM mc_ef_envelope WHERE id = {env}") \
        is None
    # With it: submitted, recorded on the envelope and in the audit log.
    r = f.post(f"/envelopes/{env}/submit", {"redaction_confirmed": "1"})
    assert r.status_code == 303 and loc(r).endswith(f"/envelopes/{env}/receipt"), r.status_code
    num, at = mariadb.sql(f"SELECT number, redaction_confirmed_at FROM mc_ef_envelope "
                          f"WHERE id = {env}")[0]
    assert at
    audit = mariadb.sql("SELECT detail FROM mc_audit WHERE event = 'ef-redaction-confirmed' "
                        f"AND account_id = {f.acct.id}")
    assert [a[0] for a in audit] == [f"envelope {num}: redaction warning confirmed for 1 "
                                     "document(s)"]

    # The clerk sees that it was confirmed, qpdf's verdicts and the previews.
    s = clerk_browser(apache, new_account, smtp, court)
    r = s.get(apache.url(f"{ECF}/clerk/envelopes/{env}"), timeout=30)
    t = plain(r.text)
    assert r.status_code == 200 and "Redaction warning confirmed by filer" in t
    assert "Document Checks and Preview" in t
    assert t.count("Structure (qpdf --check): OK") == 2, t
    imgs = re.findall(r'<img[^>]*src="([^"]+/pages/\d)"[^>]*alt="([^"]+)"', r.text)
    assert [a for _, a in imgs] == ["Page 1 of petition.pdf (Motion)",
                                    "Page 2 of petition.pdf (Motion)",
                                    "Page 3 of petition.pdf (Motion)",
                                    "Page 1 of answer.pdf (Answer)",
                                    "Page 2 of answer.pdf (Answer)"], imgs
    png = s.get(apache.url(imgs[1][0]), timeout=30)
    assert png.status_code == 200 and png.headers["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    # 72 dpi: a US Letter page is 612 x 792 pixels (the PNG's IHDR).
    assert int.from_bytes(png.content[16:20], "big") == 612
    assert int.from_bytes(png.content[20:24], "big") == 792
    assert s.get(apache.url(imgs[0][0].replace("/pages/1", "/pages/4")), timeout=30) \
        .status_code == 404

    # The preview only to the clerks of that court: not the filer (no clerk
    # role), not another court's clerk.
    other = clerk_browser(apache, new_account, smtp, ef_court(mariadb))
    r = other.get(apache.url(imgs[0][0]), timeout=30)
    assert r.status_code == 404 and not r.content.startswith(b"\x89PNG")
    r = f.s.get(apache.url(imgs[0][0]), timeout=30)
    assert r.status_code in (403, 404) and not r.content.startswith(b"\x89PNG")


def test_clean_pdf_not_flagged_and_submitted_without_confirmation(apache, mariadb, new_account,
                                                                 smtp):
    f, court, number = filer_setup(apache, mariadb, new_account, smtp)
    # Numbers that are not what the rules ask to redact: an invalid area
    # (000, 666, 9xx), a date not of birth, a number without "account", a
    # card number failing the Luhn check.
    clean = pdf_pages(["Case 000-12-3456 and 666-12-3456 and 912-34-5678",
                       "Filed 01/02/2003, order 12345678901",
                       "Card 4111 1111 1111 1112"])
    env = draft_with(f, court, number, [("clean.pdf", clean)])
    [(doc, _, red, pages)] = doc_rows(mariadb, env)
    assert (red, pages) == ("clean", "3") and hits(mariadb, doc) == []
    r = f.get(f"/envelopes/{env}/review")
    assert "Redaction check" not in plain(r.text) and "redaction_confirmed" not in r.text
    r = f.post(f"/envelopes/{env}/submit")
    assert r.status_code == 303 and loc(r).endswith("/receipt")
    assert mariadb.value(f"SELECT redaction_confirmed_at FROM mc_ef_envelope WHERE id = {env}") \
        is None


def test_account_and_card_numbers_flagged(apache, mariadb, new_account, smtp):
    f, court, number = filer_setup(apache, mariadb, new_account, smtp)
    pdf = pdf_pages([f"Paid from account no. 0012345678 {unique_tag(4)}",
                     "Card 4111 1111 1111 1111 on file"])
    env = draft_with(f, court, number, [("bank.pdf", pdf)])
    [(doc, _, red, _)] = doc_rows(mariadb, env)
    assert red == "hits"
    assert hits(mariadb, doc) == [("1", "account", "****5678"), ("2", "card", "****1111")]


def test_text_only_court_takes_text_refuses_pages_without_text(apache, mariadb, new_account,
                                                               smtp):
    f, court, number = filer_setup(apache, mariadb, new_account, smtp, text_only=True)
    env = f.new("existing")
    r = f.post(f"/envelopes/{env}/case", {"court": court["code"], "case_number": number})
    assert r.status_code == 303
    # Fonts present but no text on any page: the old heuristic took it.
    r = upload(f, env, pdf_pages(["", ""]), name="scan.pdf")
    assert r.status_code == 400, r.status_code
    assert "accepts only text-searchable PDF documents; this one has no text on any page" \
        in plain(r.text)
    assert doc_rows(mariadb, env) == []
    r = upload(f, env, pdf_pages(["", "Motion to dismiss"]), name="motion.pdf")
    assert r.status_code == 303, plain(r.text)[:500]
    assert [row[2:] for row in doc_rows(mariadb, env)] == [["clean", "2"]]


# ---- the JSON API -----------------------------------------------------------------------

def test_api_submit_needs_redaction_confirmed(apache, mariadb, new_account):
    court = ef_court(mariadb)
    _, number = seed_case(mariadb, court, caption=f"{unique_tag()} V ACME")
    acct = filer(mariadb, new_account)
    api = ApiClient(apache, make_token(mariadb, acct, ["filings:read", "filings:write"]))
    env = api.post("/envelopes", json={"kind": "existing", "court": court["code"],
                                       "case_number": number}, expect=201).json()["id"]
    api.post(f"/envelopes/{env}/documents", data=pdf_pages(["Motion", f"SSN {SSN}"]),
             expect=201, params={"filing_code": "MOT", "lead": "true", "filename": "m.pdf"},
             headers={"Content-Type": "application/pdf"})
    [doc] = api.get(f"/envelopes/{env}/documents", expect=200).json()["items"]
    assert doc["redaction"] == "hits"
    assert doc["redaction_hits"] == [{"page": 2, "kind": "ssn", "masked": "***-**-6789"}]
    key = secrets.token_hex(16)
    r = api.post(f"/envelopes/{env}/submit", json={}, headers={"Idempotency-Key": key},
                 expect=422)
    body = assert_problem(r, 422, "invalid-field")
    assert [e["field"] for e in body["errors"]] == ["redaction_confirmed"]
    assert body["errors"][0]["detail"].startswith(REFUSAL_START)
    assert mariadb.value(f"SELECT status FROM mc_ef_envelope WHERE id = {env}") == "draft"
    r = api.post(f"/envelopes/{env}/submit", json={"redaction_confirmed": "yes"},
                 headers={"Idempotency-Key": key}, expect=422)
    assert [e["field"] for e in assert_problem(r, 422, "invalid-field")["errors"]] == \
        ["redaction_confirmed"]
    r = api.post(f"/envelopes/{env}/submit", json={"redaction_confirmed": True},
                 headers={"Idempotency-Key": key}, expect=200)
    assert r.json()["status"] == "submitted" and r.json()["redaction_confirmed_at"]
    assert api.get(f"/envelopes/{env}", expect=200).json()["redaction_confirmed_at"] == \
        r.json()["redaction_confirmed_at"]
    assert mariadb.value(f"SELECT redaction_confirmed_at IS NOT NULL FROM mc_ef_envelope "
                         f"WHERE id = {env}") == "1"
    assert mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'ef-redaction-confirmed' "
                         f"AND account_id = {acct.id}") == "1"


# ---- qpdf --check for the clerk ----------------------------------------------------------

def test_malformed_pdf_qpdf_verdict_shown_to_the_clerk(apache, mariadb, new_account, smtp):
    f, court, number = filer_setup(apache, mariadb, new_account, smtp)
    broken = pdf_pages(["Motion with a damaged table", "Second page"], broken_xref=True)
    env = draft_with(f, court, number, [("damaged.pdf", broken)])
    r = f.post(f"/envelopes/{env}/submit")
    assert r.status_code == 303, plain(r.text)[:500]
    s = clerk_browser(apache, new_account, smtp, court)
    r = s.get(apache.url(f"{ECF}/clerk/envelopes/{env}"), timeout=30)
    t = plain(r.text)
    assert r.status_code == 200
    m = re.search(r"Structure \(qpdf --check\): (\w+)", t)
    assert m and m.group(1) in ("Warnings", "Errors"), t
    # The first lines of qpdf's output, escaped, without the store's path.
    assert "WARNING: the document" in t or "the document:" in t, t
    assert str(apache.document_store) not in r.text
    stored = mariadb.value(f"SELECT qpdf_verdict FROM mc_ef_document WHERE envelope_id = {env}")
    assert stored == m.group(1).lower()


# ---- pdftotext at its time limit ------------------------------------------------------------

def test_pdftotext_killed_at_its_time_limit(make_apache, tmp_root, mariadb, new_account, smtp):
    """A stand-in for pdftotext that never finishes (as a hostile PDF could
    make it): stopped at MoCourtsEFilingToolLimits' 2 seconds, the upload
    answered, the document kept as not checked (the filer must confirm),
    the process gone; its address space was limited (ulimit -v)."""
    tools = tmp_root / f"tools-{secrets.token_hex(3)}"
    tools.mkdir()
    os.chmod(tools, 0o777)
    script = tools / "pdftotext"
    script.write_text("#!/bin/sh\n"
                      f"echo $$ > {tools}/pid\n"
                      f"ulimit -v > {tools}/limit\n"
                      "exec sleep 60\n")
    script.chmod(stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    ap = make_apache(overrides={"MoCourtsEFilingTool": f'pdftotext "{script}"',
                                "MoCourtsEFilingToolLimits": "2 256"})
    f, court, number = filer_setup(ap, mariadb, new_account, smtp)
    env = f.new("existing")
    r = f.post(f"/envelopes/{env}/case", {"court": court["code"], "case_number": number})
    assert r.status_code == 303
    started = time.monotonic()
    r = upload(f, env, pdf_pages(["Motion", f"SSN {SSN}"]), name="hostile.pdf")
    took = time.monotonic() - started
    assert r.status_code == 303, plain(r.text)[:500]
    assert 2 <= took < 10, took
    [(_, _, red, pages)] = doc_rows(mariadb, env)
    assert (red, pages) == ("unchecked", "-1")
    pid = int((tools / "pid").read_text())
    assert (tools / "limit").read_text().strip() == str(256 * 1024)

    def gone():
        try:
            with open(f"/proc/{pid}/stat") as fh:
                return fh.read().split(") ")[1][0] == "Z"   # a zombie is gone too
        except FileNotFoundError:
            return True
    poll(gone, 5, what="the stopped pdftotext gone")
    ap.wait_for_log(r"document [0-9a-f-]+: pdftotext did not finish within 2 seconds and was "
                    r"stopped; its text was not checked")
    # The same Apache still answers, and the review asks the filer to check.
    r = f.post(f"/envelopes/{env}/documents/next")
    r = f.post(f"/envelopes/{env}/payment", {})
    r = f.get(f"/envelopes/{env}/review")
    t = plain(r.text)
    assert r.status_code == 200 and "The text of hostile.pdf could not be checked" in t, t
    r = f.post(f"/envelopes/{env}/submit")
    assert r.status_code == 400 and REFUSAL_START in plain(r.text)
    r = f.post(f"/envelopes/{env}/submit", {"redaction_confirmed": "1"})
    assert r.status_code == 303 and loc(r).endswith("/receipt")


def text_bomb(repeats=4_000_000):
    """A real hostile PDF: one page whose Flate-compressed content stream of
    about 700 KB holds `repeats` text operators (about 230 MB once
    inflated), which pdftotext works through for well over a minute."""
    ops = zlib.compress(b"BT /F1 12 Tf 72 720 Td (Lorem ipsum dolor sit amet) Tj ET\n" * repeats, 9)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << "
            b"/F1 5 0 R >> >> /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(ops) + ops + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    return pdf_file(objs)


def test_real_pdftotext_stopped_on_a_hostile_pdf(make_apache, mariadb, new_account, smtp):
    """Debian's own pdftotext on a real hostile PDF (text_bomb): stopped at
    MoCourtsEFilingToolLimits' 2 seconds, the upload answered, the document
    kept as not checked, no pdftotext left running on it, and the site
    still answering."""
    ap = make_apache(overrides={"MoCourtsEFilingToolLimits": "2 256"})
    f, court, number = filer_setup(ap, mariadb, new_account, smtp)
    env = f.new("existing")
    r = f.post(f"/envelopes/{env}/case", {"court": court["code"], "case_number": number})
    assert r.status_code == 303
    store = str(ap.document_store).encode()

    def running():
        """pdftotext processes working on a file of this site's store."""
        found = 0
        for d in os.listdir("/proc"):
            try:
                with open(f"/proc/{d}/cmdline", "rb") as fh:
                    argv = fh.read().split(b"\0")
            except OSError:
                continue
            found += argv[0].endswith(b"pdftotext") and any(store in a for a in argv)
        return found

    seen, done = [], threading.Event()

    def watch():
        while not done.is_set():
            seen.append(running())
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    started = time.monotonic()
    try:
        r = upload(f, env, text_bomb(), name="bomb.pdf")
    finally:
        took = time.monotonic() - started
        done.set()
        watcher.join()
    assert r.status_code == 303, plain(r.text)[:500]
    assert 2 <= took < 15, took
    assert max(seen) == 1, "pdftotext was never seen working on the upload"
    [(_, _, red, pages)] = doc_rows(mariadb, env)
    assert (red, pages) == ("unchecked", "-1")
    ap.wait_for_log(r"document [0-9a-f-]+: pdftotext did not finish within 2 seconds and was "
                    r"stopped; its text was not checked")
    poll(lambda: running() == 0, 5, what="no pdftotext left on the store's files")
    r = f.get(f"/envelopes/{env}/review")
    assert r.status_code == 200 and "The text of bomb.pdf could not be checked" in plain(r.text)


def test_tool_directives_checked(make_apache):
    """A tool's path must be absolute and one of the three; the limits in range."""
    for overrides, needle in (
            ({"MoCourtsEFilingTool": "pdftotext bin/pdftotext"},
             "MoCourtsEFilingTool: the tool's path must be absolute"),
            ({"MoCourtsEFilingTool": "gs /usr/bin/gs"},
             "MoCourtsEFilingTool: the first argument is pdftotext, pdftoppm or qpdf"),
            ({"MoCourtsEFilingToolLimits": "0 512"},
             "MoCourtsEFilingToolLimits: SECONDS from 1 to 300 and MEGABYTES from 16 to 8192"),
            ({"MoCourtsEFilingToolLimits": "10 8"},
             "MoCourtsEFilingToolLimits: SECONDS from 1 to 300 and MEGABYTES from 16 to 8192")):
        rc, out = make_apache(overrides=overrides, start=False).configtest()
        assert rc != 0 and needle in out, (overrides, out)
    rc, out = make_apache(overrides={"MoCourtsEFilingTool": ["qpdf /usr/bin/qpdf",
                                                             "pdftoppm /usr/bin/pdftoppm"],
                                     "MoCourtsEFilingToolLimits": "30 1024"},
                          start=False).configtest()
    assert rc == 0, out
