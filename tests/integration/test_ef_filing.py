"""eFiling: the filing wizard with drafts (court and case, parties,
documents, fees and payment, review), submit (one envelope however often it
is sent), receipt, cancel, copy, delete, and the notices of a submit.

Documents are put on an envelope by posting to the upload route
(upload.c) when it answers, else by writing mc_ef_document rows (the
wizard only reads them)."""
import concurrent.futures
import hashlib
import re
import secrets

from helpers_casenet import seed_case, set_confidential, unique_tag
from helpers_core import (CSRF_FIELD, ONCE_FIELD, csrf_of, delivery_settled, logon_full,
                          new_browser, once_of)
from helpers_efiling import (ECF, add_member, ef_court, filer, group_filer, make_group, make_pdf,
                             notify_address)

UPLOAD = True   # post documents to upload.c's route (else write the rows)
NUMBER_RE = re.compile(r"^EF\d{4}-\d{7}$")


def plain(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&amp;", "&")


def q(s):
    return "'" + str(s).replace("\\", "\\\\").replace("'", "\\'") + "'"


# ---- a filer's browser -------------------------------------------------------------

class Filer:
    """A logged-on browser of account acct, posting with the session's
    anti-CSRF token."""

    def __init__(self, ap, acct, smtp):
        self.ap, self.acct = ap, acct
        self.s = new_browser()
        logon_full(self.s, ap, acct, smtp)
        self.csrf = csrf_of(self.s.get(ap.url("/probe/mine"), timeout=30).text)

    def get(self, path, **kw):
        return self.s.get(self.ap.url(ECF + path), timeout=30, allow_redirects=False, **kw)

    # The forms that create something carry a one-time token (ABI 1.8):
    # (the path posted to, the page whose form holds it).
    ONCE_PAGES = ((re.compile(r"/new"), "/"),
                  (re.compile(r"/envelopes/\d+/parties"), None),
                  (re.compile(r"/envelopes/\d+/documents"), None))

    def once(self, path):
        """The one-time token of the form posting to path, read from its
        page as a browser has it; None when that page holds no such form
        (the post is then refused as a browser's would be)."""
        for pattern, page in self.ONCE_PAGES:
            if pattern.fullmatch(path):
                r = self.get(page or path)
                try:
                    return once_of(r.text, action_contains=ECF + path)
                except AssertionError:
                    return None
        return None

    def post(self, path, fields=None, **kw):
        data = dict(fields or {})
        data[CSRF_FIELD] = self.csrf
        if ONCE_FIELD not in data and data.get("action", "add") == "add":
            token = self.once(path)
            if token:
                data[ONCE_FIELD] = token
        return self.s.post(self.ap.url(ECF + path), data=data, timeout=30,
                           allow_redirects=False, **kw)

    def new(self, kind):
        r = self.post("/new", {"kind": kind})
        assert r.status_code == 303, (r.status_code, r.text[:500])
        m = re.search(r"/envelopes/(\d+)/case$", r.headers["Location"])
        assert m, r.headers["Location"]
        return int(m.group(1))


def rows(mariadb, query):
    return [list(r) for r in mariadb.sql(query)]


def loc(r):
    return r.headers.get("Location", "")


def add_doc(f, mariadb, env_id, code, lead, name="doc.pdf", court=None, direct=not UPLOAD):
    """A document on envelope env_id: uploaded through upload.c's route when
    it exists (and not direct), else written straight into mc_ef_document."""
    pdf = make_pdf(text=f"{name} {unique_tag(4)}")
    code_id = court["codes"][code]
    status = 404
    if not direct:
        r = f.s.post(f.ap.url(f"{ECF}/envelopes/{env_id}/documents"),
                     data={CSRF_FIELD: f.csrf, "filing_code": code,
                           "lead": "1" if lead else "0",
                           ONCE_FIELD: f.once(f"/envelopes/{env_id}/documents")},
                     files={"file": (name, pdf, "application/pdf")}, timeout=30,
                     allow_redirects=False)
        status = r.status_code
    if status in (404, 405):
        sha = hashlib.sha256(pdf).hexdigest()
        mariadb.sql("INSERT INTO mc_ef_document (envelope_id, is_lead, filing_code_id, "
                    "client_name, bytes, sha256, stored_name, created_at) VALUES "
                    f"({env_id}, {1 if lead else 0}, {code_id}, {q(name)}, {len(pdf)}, "
                    f"{q(sha)}, {q(sha)}, UTC_TIMESTAMP())")
    else:
        assert r.status_code in (200, 303), (r.status_code, re.findall(r'class="error"[^>]*>([^<]*)', r.text))
    return int(mariadb.value(f"SELECT MAX(id) FROM mc_ef_document WHERE envelope_id = {env_id}"))


def existing_draft(f, mariadb, court, number, docs=(("MOT", True),), payment=None):
    """A draft into existing case number, taken through the wizard to the
    review (payment: a provider name or None for a $0.00 envelope)."""
    env = f.new("existing")
    r = f.post(f"/envelopes/{env}/case", {"court": court["code"], "case_number": number})
    assert r.status_code == 303 and loc(r).endswith(f"/envelopes/{env}/documents"), \
        (r.status_code, plain(r.text)[:500])
    for i, (code, lead) in enumerate(docs):
        add_doc(f, mariadb, env, code, lead, name=f"{code.lower()}{i}.pdf", court=court)
    r = f.post(f"/envelopes/{env}/documents/next")
    assert r.status_code == 303 and loc(r).endswith("/payment"), (r.status_code, plain(r.text)[:500])
    fields = {"payment": payment} if payment else {}
    if payment == "waiver":
        fields["waiver_reason"] = "Indigent party: affidavit attached"
    r = f.post(f"/envelopes/{env}/payment", fields)
    assert r.status_code == 303 and loc(r).endswith("/review"), (r.status_code, plain(r.text)[:500])
    return env


def setup_filer(apache, mariadb, new_account, smtp, **kw):
    court = ef_court(mariadb)
    _, number = seed_case(mariadb, court, caption=f"{unique_tag()} V ACME")
    acct = filer(mariadb, new_account)
    return Filer(apache, acct, smtp), court, number


# ---- a new case, step by step ---------------------------------------------------------

def test_new_case_wizard_bad_input_and_resume(apache, mariadb, new_account, smtp):
    court = ef_court(mariadb)
    other = ef_court(mariadb, case_types=("DR",))
    f = Filer(apache, filer(mariadb, new_account), smtp)
    env = f.new("new")
    assert mariadb.value(f"SELECT CONCAT(status, '/', step, '/', kind) FROM mc_ef_envelope "
                         f"WHERE id = {env}") == "draft/case/new"

    # Court and case: only participating courts are offered.
    r = f.get(f"/envelopes/{env}/case")
    assert r.status_code == 200
    assert f'value="{court["code"]}"' in r.text and f'value="{other["code"]}"' in r.text
    r = f.post(f"/envelopes/{env}/case", {"court": ""})
    assert r.status_code == 400 and "Choose the court." in plain(r.text)
    # The court first: its case types are offered next (not another court's).
    r = f.post(f"/envelopes/{env}/case", {"court": court["code"], "caption": "A V B"})
    assert r.status_code == 303 and loc(r).endswith("/case")
    r = f.get(f"/envelopes/{env}/case")
    assert 'value="CC"' in r.text and 'value="AC"' in r.text and 'value="DR"' not in r.text
    assert 'value="A V B"' in r.text                           # nothing lost
    r = f.post(f"/envelopes/{env}/case", {"court": court["code"], "case_type": "",
                                          "caption": "A V B"})
    assert r.status_code == 400 and "Choose the case type." in plain(r.text)
    assert 'value="A V B"' in r.text
    r = f.post(f"/envelopes/{env}/case", {"court": court["code"], "case_type": "DR",
                                          "caption": "A V B"})
    assert r.status_code == 400
    assert f'{court["name"]} does not accept new cases of that type electronically' in plain(r.text)
    r = f.post(f"/envelopes/{env}/case", {"court": court["code"], "case_type": "CC",
                                          "caption": "  "})
    assert r.status_code == 400 and "Enter the case caption" in plain(r.text)
    # Skipping ahead is not possible: the parties step sends back to the case.
    r = f.get(f"/envelopes/{env}/documents")
    assert r.status_code == 303 and loc(r).endswith("/case")
    cap = f"{unique_tag()} V JONES"
    r = f.post(f"/envelopes/{env}/case", {"court": court["code"], "case_type": "CC",
                                          "caption": cap})
    assert r.status_code == 303 and loc(r).endswith(f"/envelopes/{env}/parties")

    # Parties.
    r = f.post(f"/envelopes/{env}/parties", {"action": "continue"})
    assert r.status_code == 400 and "Add at least one plaintiff or petitioner." in plain(r.text)
    r = f.post(f"/envelopes/{env}/parties", {"action": "add", "kind": "person",
                                             "role": "plaintiff", "last_name": "",
                                             "first_name": "Jane"})
    assert r.status_code == 400 and "Enter the party's last name." in plain(r.text)
    assert 'value="Jane"' in r.text
    r = f.post(f"/envelopes/{env}/parties", {"action": "add", "kind": "person",
                                             "role": "judge", "last_name": "Doe",
                                             "first_name": "Jane"})
    assert r.status_code == 400 and "Choose the party's role" in plain(r.text)
    r = f.post(f"/envelopes/{env}/parties", {"action": "add", "kind": "business",
                                             "role": "defendant", "business_name": ""})
    assert r.status_code == 400 and "Enter the business name." in plain(r.text)
    r = f.post(f"/envelopes/{env}/parties", {"action": "add", "kind": "person",
                                             "role": "plaintiff", "last_name": "Doe",
                                             "first_name": "Jane", "middle_name": "Q"})
    assert r.status_code == 303
    r = f.post(f"/envelopes/{env}/parties", {"action": "continue"})
    assert r.status_code == 400 and "Add at least one defendant or respondent." in plain(r.text)
    for name in ("Acme Corp", "Wrong Corp"):
        r = f.post(f"/envelopes/{env}/parties", {"action": "add", "kind": "business",
                                                 "role": "defendant", "business_name": name})
        assert r.status_code == 303
    wrong = mariadb.value(f"SELECT id FROM mc_ef_party WHERE envelope_id = {env} "
                          "AND last_name = 'Wrong Corp'")
    r = f.post(f"/envelopes/{env}/parties", {"action": "remove", "party": wrong})
    assert r.status_code == 303
    page = plain(f.get(f"/envelopes/{env}/parties").text)
    assert "Doe, Jane Q" in page and "Acme Corp" in page and "Wrong Corp" not in page
    r = f.post(f"/envelopes/{env}/parties", {"action": "continue"})
    assert r.status_code == 303 and loc(r).endswith("/documents")
    # Saved: the eFiling Menu resumes the draft at the documents; Back links.
    assert f'href="{ECF}/envelopes/{env}/documents">Resume</a>' in f.get("/").text
    assert re.search(rf'href="{ECF}/envelopes/{env}/parties">Back</a>',
                     f.get(f"/envelopes/{env}/documents").text)

    # Documents: the upload form, then a lead document is required.
    r = f.get(f"/envelopes/{env}/documents")
    assert r.status_code == 200
    assert 'enctype="multipart/form-data"' in r.text and 'name="filing_code"' in r.text
    assert 'name="lead"' in r.text and 'type="file"' in r.text and 'id="upload-progress"' in r.text
    assert f'action="{ECF}/envelopes/{env}/documents"' in r.text
    assert 'data-max-bytes="5242880"' in r.text and "at most 5 MB each" in plain(r.text)
    # The filing codes offered are the court's active ones, by code.
    mariadb.sql(f"UPDATE mc_ef_filing_code SET active = 0 WHERE id = {court['codes']['ANS']}")
    r = f.get(f"/envelopes/{env}/documents")
    assert '<option value="PET">' in r.text and '<option value="EXH">' in r.text
    assert 'value="ANS"' not in r.text and 'value="PET">' not in f.get(
        f"/envelopes/{env}/parties").text
    r = f.post(f"/envelopes/{env}/documents/next")
    assert r.status_code == 400 and "Upload the lead document before you continue." in plain(r.text)
    # A new case's lead must be a filing that starts a case.
    # (upload.c refuses such a lead; a filing code's set-up may change after
    # the upload, so the step checks again.)
    mot = add_doc(f, mariadb, env, "MOT", True, name="motion.pdf", court=court, direct=True)
    r = f.post(f"/envelopes/{env}/documents/next")
    assert r.status_code == 400 and "must be a filing that starts a case" in plain(r.text)
    mariadb.sql(f"DELETE FROM mc_ef_document WHERE id = {mot}")
    add_doc(f, mariadb, env, "PET", True, name="petition.pdf", court=court)
    add_doc(f, mariadb, env, "EXH", False, name="exhibit-a.pdf", court=court)
    r = f.post(f"/envelopes/{env}/documents/next")
    assert r.status_code == 303 and loc(r).endswith("/payment")

    # Fees and payment: the schedule's fees, shown before submit.
    r = f.get(f"/envelopes/{env}/payment")
    t = plain(r.text)
    assert r.status_code == 200 and "$95.00" in t and "$5.00" in t and "Total $100.00" in t
    r = f.post(f"/envelopes/{env}/payment", {})
    assert r.status_code == 400 and "Choose how the fees will be paid." in plain(r.text)
    r = f.post(f"/envelopes/{env}/payment", {"payment": "waiver", "waiver_reason": "   "})
    assert r.status_code == 400 and "State the reason for the fee waiver." in plain(r.text)
    assert mariadb.value(f"SELECT payment FROM mc_ef_envelope WHERE id = {env}") == "none"
    r = f.post(f"/envelopes/{env}/payment", {"payment": "card", "waiver_reason": "x"})
    assert r.status_code == 400 and "Choose how the fees will be paid." in plain(r.text)
    r = f.post(f"/envelopes/{env}/payment", {"payment": "waiver",
                                             "waiver_reason": "Poor person affidavit"})
    assert r.status_code == 303 and loc(r).endswith("/review")
    assert rows(mariadb, f"SELECT payment, waiver_reason FROM mc_ef_envelope WHERE id = {env}") == \
        [["waiver", "Poor person affidavit"]]

    # The draft resumes at the saved step, from the eFiling Menu.
    r = f.get("/")
    assert r.status_code == 200 and f'href="{ECF}/envelopes/{env}/review"' in r.text
    r = f.get(f"/envelopes/{env}/review")
    t = plain(r.text)
    assert r.status_code == 200 and cap in t and "Doe, Jane Q" in t and "Acme Corp" in t
    assert "petition.pdf" in t and "$100.00" in t and "Fee waiver" in t
    assert "Poor person affidavit" in t and 'id="submit"' in r.text
    # Going back keeps what was saved.
    r = f.get(f"/envelopes/{env}/case")
    assert f'value="{cap}"' in r.text

    # Submit with a fee waiver: no charge row, the reason kept.
    r = f.post(f"/envelopes/{env}/submit")
    assert r.status_code == 303 and loc(r).endswith(f"/envelopes/{env}/receipt")
    row = rows(mariadb, f"SELECT status, number, fee_cents, payment, payment_ref, waiver_reason "
                      f"FROM mc_ef_envelope WHERE id = {env}")[0]
    assert row[0] == "submitted" and NUMBER_RE.match(row[1]) and int(row[2]) == 10000
    assert row[3] == "waiver" and row[5] == "Poor person affidavit"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_charge WHERE envelope_id = {env}") == "0"
    # The wizard is closed now.
    r = f.get(f"/envelopes/{env}/case")
    assert r.status_code == 303 and loc(r).endswith(f"/envelopes/{env}")


def test_non_participating_court_refused(apache, mariadb, new_account, smtp):
    out = ef_court(mariadb, efiling=False)
    ok = ef_court(mariadb)
    f = Filer(apache, filer(mariadb, new_account), smtp)
    env = f.new("new")
    r = f.get(f"/envelopes/{env}/case")
    assert f'value="{out["code"]}"' not in r.text and f'value="{ok["code"]}"' in r.text
    r = f.post(f"/envelopes/{env}/case", {"court": out["code"], "case_type": "CC",
                                          "caption": "X V Y"})
    assert r.status_code == 400
    assert f'{out["name"]} does not accept electronic filings.' in plain(r.text)
    assert mariadb.value(f"SELECT court_code FROM mc_ef_envelope WHERE id = {env}") is None
    # Into an existing case of that court: the same.
    _, number = seed_case(mariadb, out)
    env2 = f.new("existing")
    r = f.post(f"/envelopes/{env2}/case", {"court": out["code"], "case_number": number})
    assert r.status_code == 400
    assert f'{out["name"]} does not accept electronic filings.' in plain(r.text)


def test_existing_case_lookup(apache, mariadb, new_account, smtp):
    court = ef_court(mariadb)
    other = ef_court(mariadb)
    _, number = seed_case(mariadb, court, caption="ROE V WADE")
    secret_id, secret = seed_case(mariadb, court)
    set_confidential(mariadb, secret_id)
    _, elsewhere = seed_case(mariadb, other)
    f = Filer(apache, filer(mariadb, new_account), smtp)
    env = f.new("existing")
    r = f.post(f"/envelopes/{env}/case", {"court": court["code"], "case_number": "22-SL-1"})
    assert r.status_code == 400 and "in the form 99AA-AA99999" in plain(r.text)
    assert 'value="22-SL-1"' in r.text
    for n in (secret, elsewhere, number[:-1] + ("0" if number[-1] != "0" else "1")):
        r = f.post(f"/envelopes/{env}/case", {"court": court["code"], "case_number": n})
        assert r.status_code == 400
        assert f"No case {n} was found in {court['name']}." in plain(r.text), n
    r = f.post(f"/envelopes/{env}/case", {"court": court["code"], "case_number": number.lower()})
    assert r.status_code == 303 and loc(r).endswith("/documents")
    assert rows(mariadb, f"SELECT c.number, e.caption, e.step FROM mc_ef_envelope e JOIN mc_case c "
                       f"ON c.id = e.case_id WHERE e.id = {env}") == \
        [[number, "ROE V WADE", "documents"]]
    # No parties step for an existing case.
    r = f.get(f"/envelopes/{env}/parties")
    assert r.status_code == 303 and loc(r).endswith("/documents")


def test_zero_fee_needs_no_payment_choice(apache, mariadb, new_account, smtp):
    f, court, number = setup_filer(apache, mariadb, new_account, smtp)
    env = existing_draft(f, mariadb, court, number, docs=(("MOT", True), ("ANS", False)))
    r = f.get(f"/envelopes/{env}/payment")
    assert "No fees are due for this envelope." in plain(r.text)
    assert 'name="payment"' not in r.text
    r = f.post(f"/envelopes/{env}/submit")
    assert r.status_code == 303
    assert rows(mariadb, f"SELECT fee_cents, payment, payment_ref FROM mc_ef_envelope "
                       f"WHERE id = {env}") == [["0", "none", ""]]


def test_submit_court_account_receipt_history_and_mail(apache, mariadb, new_account, smtp):
    f, court, number = setup_filer(apache, mariadb, new_account, smtp)
    env = existing_draft(f, mariadb, court, number, docs=(("MOT", True), ("EXH", False)),
                         payment="court_account")
    r = f.get(f"/envelopes/{env}/review")
    assert "$5.00" in plain(r.text) and "Court account" in plain(r.text)
    r = f.post(f"/envelopes/{env}/submit")
    assert r.status_code == 303 and loc(r).endswith(f"/envelopes/{env}/receipt")
    num = mariadb.value(f"SELECT number FROM mc_ef_envelope WHERE id = {env}")
    assert NUMBER_RE.match(num)
    charges = mariadb.sql(f"SELECT provider, amount_cents, reference FROM mc_ef_charge "
                          f"WHERE envelope_id = {env}")
    assert len(charges) == 1 and charges[0][0] == "court_account" and charges[0][1] == "500"
    assert re.match(rf"^CA-{env}-\d+$", charges[0][2])
    assert mariadb.value(f"SELECT payment_ref FROM mc_ef_envelope WHERE id = {env}") == charges[0][2]
    # The receipt: number, court, case, documents with their SHA-256, fees, payment, time.
    r = f.get(f"/envelopes/{env}/receipt")
    t = plain(r.text)
    assert r.status_code == 200 and num in t and court["name"] in t and number in t
    for sha in mariadb.sql(f"SELECT sha256 FROM mc_ef_document WHERE envelope_id = {env}"):
        assert sha[0] in t
    assert "$5.00" in t and charges[0][2] in t and "Court account" in t and "UTC" in t
    # The history and the envelope page.
    hist = mariadb.sql(f"SELECT status FROM mc_ef_history WHERE envelope_id = {env} ORDER BY id")
    assert [h[0] for h in hist] == ["draft", "submitted"]
    page = plain(f.get(f"/envelopes/{env}").text)
    assert "Submitted" in page and "Draft started" in page and 'Cancel the envelope' in page
    # The notice to the filer.
    m = smtp.wait_for(to=f.acct.email, subject=num, timeout=20)
    assert "Submitted" in m.subject and number in m.body and f"{ECF}/envelopes/{env}" in m.body
    # Sent again (a retry): the same receipt, nothing more.
    r = f.post(f"/envelopes/{env}/submit")
    assert r.status_code == 303 and loc(r).endswith(f"/envelopes/{env}/receipt")
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_charge WHERE envelope_id = {env}") == "1"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_history WHERE envelope_id = {env} "
                         "AND status = 'submitted'") == "1"


def test_group_member_submit_notifies_group(apache, mariadb, new_account, smtp):
    court = ef_court(mariadb)
    _, number = seed_case(mariadb, court)
    gid = make_group(mariadb)
    adm = new_account(prefix="efgad")
    add_member(mariadb, gid, adm, admin=True)
    acct, _ = group_filer(mariadb, new_account, gid=gid)
    addr = f"notify-{secrets.token_hex(4)}@example.test"
    notify_address(mariadb, gid, addr)
    unverified = f"unverified-{secrets.token_hex(4)}@example.test"
    notify_address(mariadb, gid, unverified, verified=False)
    f = Filer(apache, acct, smtp)
    env = existing_draft(f, mariadb, court, number, docs=(("MOT", True),))
    assert mariadb.value(f"SELECT group_id FROM mc_ef_envelope WHERE id = {env}") == str(gid)
    assert f.post(f"/envelopes/{env}/submit").status_code == 303
    num = mariadb.value(f"SELECT number FROM mc_ef_envelope WHERE id = {env}")
    m = smtp.wait_for(to=acct.email, subject=num, timeout=20)
    assert adm.email.lower() in [r.lower() for r in m.rcpt_tos] or \
        adm.email.lower() in str(m.message.get("Cc", "")).lower()
    smtp.wait_for(to=addr, subject=num, timeout=20)
    delivery_settled(mariadb, smtp, acct.email, addr, unverified)
    smtp.assert_none(to=unverified, subject=num)
    # The group administrator sees it (My Filings, the envelope page, the receipt).
    a = Filer(apache, adm, smtp)
    assert num in plain(a.get("/filings").text)
    assert a.get(f"/envelopes/{env}").status_code == 200
    assert a.get(f"/envelopes/{env}/receipt").status_code == 200
    # ... but not as the filer: no cancel, no submit.
    assert "Cancel the envelope" not in a.get(f"/envelopes/{env}").text
    assert a.post(f"/envelopes/{env}/cancel").status_code in (403, 404)


def test_ten_concurrent_submits_make_one_envelope(apache, mariadb, new_account, smtp):
    f, court, number = setup_filer(apache, mariadb, new_account, smtp)
    env = existing_draft(f, mariadb, court, number, docs=(("MOT", True), ("EXH", False)),
                         payment="court_account")
    cookies = f.s.cookies.get_dict()

    def one(_):
        s = new_browser()
        for k, v in cookies.items():
            s.cookies.set(k, v)
        r = s.post(apache.url(f"{ECF}/envelopes/{env}/submit"), data={CSRF_FIELD: f.csrf},
                   timeout=90, allow_redirects=False)
        return r.status_code, r.headers.get("Location", "")

    with concurrent.futures.ThreadPoolExecutor(10) as ex:
        results = list(ex.map(one, range(10)))
    assert all(st == 303 and lo.endswith(f"/envelopes/{env}/receipt") for st, lo in results), results
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_envelope WHERE account_id = {f.acct.id} "
                         "AND number IS NOT NULL") == "1"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_charge WHERE envelope_id = {env}") == "1"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_history WHERE envelope_id = {env} "
                         "AND status = 'submitted'") == "1"
    num = mariadb.value(f"SELECT number FROM mc_ef_envelope WHERE id = {env}")
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_outbox WHERE kind = 'efiling-status' AND "
                         f"subject LIKE {q('%' + num + '%')}") == "1"


def test_cancel_before_open_refused_after(apache, mariadb, new_account, smtp):
    f, court, number = setup_filer(apache, mariadb, new_account, smtp)
    env = existing_draft(f, mariadb, court, number)
    # A draft is not cancelled (it is deleted).
    r = f.post(f"/envelopes/{env}/cancel")
    assert r.status_code == 409
    assert f.post(f"/envelopes/{env}/submit").status_code == 303
    r = f.post(f"/envelopes/{env}/cancel")
    assert r.status_code == 303 and loc(r).endswith(f"/envelopes/{env}?cancelled=1")
    assert mariadb.value(f"SELECT status FROM mc_ef_envelope WHERE id = {env}") == "cancelled"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_history WHERE envelope_id = {env} "
                         "AND status = 'cancelled'") == "1"
    page = plain(f.get(f"/envelopes/{env}?cancelled=1").text)
    assert "The envelope was cancelled." in page and "Cancelled" in page
    # Once a clerk has opened it: refused.
    env2 = existing_draft(f, mariadb, court, number)
    assert f.post(f"/envelopes/{env2}/submit").status_code == 303
    mariadb.sql(f"UPDATE mc_ef_envelope SET status = 'review' WHERE id = {env2}")
    r = f.post(f"/envelopes/{env2}/cancel")
    assert r.status_code == 409
    assert "can no longer be cancelled: the clerk has opened it" in plain(r.text)
    assert mariadb.value(f"SELECT status FROM mc_ef_envelope WHERE id = {env2}") == "review"
    assert "Cancel the envelope" not in f.get(f"/envelopes/{env2}").text


def test_copy_rejected_envelope(apache, mariadb, new_account, smtp):
    court = ef_court(mariadb)
    f = Filer(apache, filer(mariadb, new_account), smtp)
    env = f.new("new")
    assert f.post(f"/envelopes/{env}/case", {"court": court["code"], "case_type": "AC",
                                             "caption": "COPY V ME"}).status_code == 303
    for kind, role, last in (("person", "petitioner", "Smith"), ("business", "respondent", "Co")):
        fields = {"action": "add", "kind": kind, "role": role}
        fields.update({"last_name": last, "first_name": "Ann"} if kind == "person"
                      else {"business_name": last})
        assert f.post(f"/envelopes/{env}/parties", fields).status_code == 303
    assert f.post(f"/envelopes/{env}/parties", {"action": "continue"}).status_code == 303
    add_doc(f, mariadb, env, "PET", True, court=court)
    assert f.post(f"/envelopes/{env}/documents/next").status_code == 303
    assert f.post(f"/envelopes/{env}/payment", {"payment": "court_account"}).status_code == 303
    # Only a rejected envelope can be copied.
    assert f.post(f"/envelopes/{env}/copy").status_code == 409
    assert f.post(f"/envelopes/{env}/submit").status_code == 303
    assert f.post(f"/envelopes/{env}/copy").status_code == 409
    mariadb.sql(f"UPDATE mc_ef_envelope SET status = 'rejected', reject_code = 'Illegible', "
                f"reject_text = 'Page 2 is blank' WHERE id = {env}")
    page = plain(f.get(f"/envelopes/{env}").text)
    assert "Illegible" in page and "Page 2 is blank" in page and "Copy into a new draft" in page
    r = f.post(f"/envelopes/{env}/copy")
    assert r.status_code == 303
    m = re.search(r"/envelopes/(\d+)/documents$", loc(r))
    assert m, loc(r)
    new = int(m.group(1))
    assert new != env
    row = rows(mariadb, f"SELECT status, court_code, kind, case_type, caption, copied_from, number, "
                      f"step FROM mc_ef_envelope WHERE id = {new}")[0]
    assert row == ["draft", court["code"], "new", "AC", "COPY V ME", str(env), None, "documents"]
    assert rows(mariadb, f"SELECT kind, role, last_name FROM mc_ef_party WHERE envelope_id = {new} "
                       "ORDER BY id") == [["person", "petitioner", "Smith"],
                                          ["business", "respondent", "Co"]]
    # Documents are not copied: the filer uploads corrected ones.
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_document WHERE envelope_id = {new}") == "0"
    r = f.get(f"/envelopes/{new}/documents")
    assert r.status_code == 200
    assert f'href="{ECF}/envelopes/{new}/documents">Resume</a>' in f.get("/").text
    assert "Copied from" in plain(f.get(f"/envelopes/{new}").text)
    # Copied again (a double click): the same draft.
    r = f.post(f"/envelopes/{env}/copy")
    assert r.status_code == 303 and loc(r).endswith(f"/envelopes/{new}/documents")
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_envelope WHERE copied_from = {env}") == "1"
    # The original is unchanged.
    assert mariadb.value(f"SELECT status FROM mc_ef_envelope WHERE id = {env}") == "rejected"


def test_delete_draft(apache, mariadb, new_account, smtp):
    f, court, number = setup_filer(apache, mariadb, new_account, smtp)
    env = f.new("existing")
    assert f.post(f"/envelopes/{env}/case", {"court": court["code"],
                                             "case_number": number}).status_code == 303
    r = f.post(f"/envelopes/{env}/delete")
    assert r.status_code == 303 and "done=deleted" in loc(r)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_envelope WHERE id = {env}") == "0"
    assert "The draft was deleted." in plain(f.get("/?done=deleted").text)
    # A submitted envelope is not deleted.
    env2 = existing_draft(f, mariadb, court, number)
    assert f.post(f"/envelopes/{env2}/submit").status_code == 303
    assert f.post(f"/envelopes/{env2}/delete").status_code == 409
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_envelope WHERE id = {env2}") == "1"


def test_disabled_member_cannot_continue_or_submit(apache, mariadb, new_account, smtp):
    court = ef_court(mariadb)
    _, number = seed_case(mariadb, court)
    acct, gid = group_filer(mariadb, new_account)
    f = Filer(apache, acct, smtp)
    env = existing_draft(f, mariadb, court, number)
    mariadb.sql(f"UPDATE mc_group_member SET status = 'disabled' WHERE account_id = {acct.id}")
    r = f.get(f"/envelopes/{env}/review")
    assert r.status_code == 403 and "You have been disabled from the group" in plain(r.text)
    r = f.post(f"/envelopes/{env}/submit")
    assert r.status_code == 403 and "You have been disabled from the group" in plain(r.text)
    for step in ("case", "documents", "payment"):
        assert f.get(f"/envelopes/{env}/{step}").status_code == 403, step
        assert f.post(f"/envelopes/{env}/{step}" + ("/next" if step == "documents" else ""),
                      {"court": court["code"], "case_number": number}).status_code == 403, step
    assert f.post(f"/envelopes/{env}/delete").status_code == 403
    assert mariadb.value(f"SELECT status FROM mc_ef_envelope WHERE id = {env}") == "draft"
    r = f.post("/new", {"kind": "new"})
    assert r.status_code == 403


def test_another_account_gets_404(apache, mariadb, new_account, smtp):
    f, court, number = setup_filer(apache, mariadb, new_account, smtp)
    env = existing_draft(f, mariadb, court, number)
    g = Filer(apache, filer(mariadb, new_account), smtp)
    for path in (f"/envelopes/{env}", f"/envelopes/{env}/case", f"/envelopes/{env}/review",
                 f"/envelopes/{env}/receipt"):
        r = g.get(path)
        assert r.status_code == 404 and "Envelope not found" in r.text, path
    for path in ("submit", "delete", "cancel", "copy", "payment", "documents/next"):
        r = g.post(f"/envelopes/{env}/{path}")
        assert r.status_code == 404, path
    assert mariadb.value(f"SELECT status FROM mc_ef_envelope WHERE id = {env}") == "draft"
    assert f.post(f"/envelopes/{env}/submit").status_code == 303
    r = g.get(f"/envelopes/{env}")
    assert r.status_code == 404 and "Envelope not found" in r.text
    assert g.get("/envelopes/99999999").status_code == 404


def test_submit_rechecks_court_and_case(apache, mariadb, new_account, smtp):
    f, court, number = setup_filer(apache, mariadb, new_account, smtp)
    env = existing_draft(f, mariadb, court, number)
    # The court stops taking filings after the draft was saved.
    mariadb.sql(f"UPDATE mc_court SET efiling = 0 WHERE code = {q(court['code'])}")
    r = f.post(f"/envelopes/{env}/submit")
    assert r.status_code == 400
    assert f"{court['name']} does not accept electronic filings." in plain(r.text)
    r = f.get(f"/envelopes/{env}/review")
    assert r.status_code == 303 and loc(r).endswith("/case")
    mariadb.sql(f"UPDATE mc_court SET efiling = 1 WHERE code = {q(court['code'])}")
    # The case becomes confidential: the same sentence as an unknown case.
    case_id = mariadb.value(f"SELECT case_id FROM mc_ef_envelope WHERE id = {env}")
    set_confidential(mariadb, case_id)
    r = f.post(f"/envelopes/{env}/submit")
    assert r.status_code == 400 and f"No case {number} was found in {court['name']}." in \
        plain(r.text)
    assert rows(mariadb, f"SELECT status, number FROM mc_ef_envelope WHERE id = {env}") == \
        [["draft", None]]
    set_confidential(mariadb, case_id, on=False)
    r = f.post(f"/envelopes/{env}/submit")
    assert r.status_code == 303 and loc(r).endswith("/receipt")
