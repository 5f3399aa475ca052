"""Every form that creates something, sent ten times at once (a double
click, a retrying client): exactly one record, and every copy is answered
with a success or a redirect to it, never an error page. Forms guarded by a
one-time token (ABI 1.8, test_form_once.py) also make a second record from
a freshly loaded page, and refuse a made-up or missing token. Forms whose
record has a natural key (one tracking per account and case, one account
per pending registration...) are covered by that key and checked the same
way."""
import collections
import secrets
from urllib.parse import urljoin

import pytest

from harness import web
from helpers_casenet import CASENET, seed_case, seed_court, unique_tag
from helpers_core import (LOGON, MSG_FORM_EXPIRED, ONCE_FIELD, logon_full, new_browser,
                          send_copies)
from helpers_efiling import ECF, add_member, ef_court, filer, make_group, make_pdf
from test_ef_review import clerk_session, make_envelope
from test_grp_assoc import make_group as assoc_group
from test_reg_signup import _person, _question_fields, _to_questions

G = "/groups"

COPIES = 10


class Form:
    """One creating form of a plugin, as a logged-on browser s sees it:
    page, the path of the page that holds it; action, a part of its
    action; fields, what the person fills in; files, its upload; count(),
    how many records it has made so far."""

    def __init__(self, s, ap, page, action, fields, count, files=None):
        self.s, self.ap, self.page, self.action = s, ap, page, action
        self.fields, self.count, self.files = fields, count, files

    def fill(self, **changes):
        """(url, data): the form as loaded now, hidden fields included."""
        r = self.s.get(self.ap.url(self.page), timeout=30)
        assert r.status_code == 200, (self.page, r.status_code, r.text[:1000])
        try:   # the form with a one-time token, when the page has one
            form = web.find_form(r.text, action_contains=self.action, with_field=ONCE_FIELD)
        except AssertionError:
            form = web.find_form(r.text, action_contains=self.action)
        data = dict(form["fields"])
        data.update(self.fields)
        data.update(changes)
        return urljoin(r.url, form["action"] or r.url), data

    def send(self, url, data):
        return self.s.post(url, data=data, files=self.files, allow_redirects=False, timeout=30)


def _logged_on(ap, acct, smtp):
    s = new_browser()
    logon_full(s, ap, acct, smtp)
    return s


def _value(mariadb, query):
    return int(mariadb.value(query))


# ---- the forms --------------------------------------------------------------------------

def ef_new_draft(ap, mariadb, new_account, smtp):
    acct = filer(mariadb, new_account)
    return Form(_logged_on(ap, acct, smtp), ap, f"{ECF}/", f"{ECF}/new", {"kind": "new"},
                lambda: _value(mariadb, "SELECT COUNT(*) FROM mc_ef_envelope WHERE account_id = "
                                        f"{acct.id}"))


def _ef_draft(ap, mariadb, new_account, smtp, step):
    """A filer's draft in a court of its own, at step: a new case for the
    parties step, else into an existing case."""
    court = ef_court(mariadb)
    acct = filer(mariadb, new_account)
    if step == "parties":
        kind, case_id, case_type = "new", "NULL", "'CC'"
    else:
        kind, case_type = "existing", "NULL"
        case_id = seed_case(mariadb, court)[0]
    mariadb.sql("INSERT INTO mc_ef_envelope (account_id, court_code, kind, case_id, case_type, "
                f"caption, status, step, created_at, updated_at) VALUES ({acct.id}, "
                f"'{court['code']}', '{kind}', {case_id}, {case_type}, 'SMITH V JONES', 'draft', "
                f"'{step}', UTC_TIMESTAMP(), UTC_TIMESTAMP())")
    env = _value(mariadb, f"SELECT MAX(id) FROM mc_ef_envelope WHERE account_id = {acct.id}")
    return _logged_on(ap, acct, smtp), env, court


def ef_party(ap, mariadb, new_account, smtp):
    s, env, _ = _ef_draft(ap, mariadb, new_account, smtp, "parties")
    path = f"{ECF}/envelopes/{env}/parties"
    return Form(s, ap, path, path, {"action": "add", "kind": "business", "role": "plaintiff",
                                    "business_name": "ACME " + unique_tag()},
                lambda: _value(mariadb,
                               f"SELECT COUNT(*) FROM mc_ef_party WHERE envelope_id = {env}"))


def ef_upload(ap, mariadb, new_account, smtp):
    s, env, _ = _ef_draft(ap, mariadb, new_account, smtp, "documents")
    path = f"{ECF}/envelopes/{env}/documents"
    return Form(s, ap, path, path, {"filing_code": "MOT", "lead": "1"},
                lambda: _value(mariadb,
                               f"SELECT COUNT(*) FROM mc_ef_document WHERE envelope_id = {env}"),
                files={"file": ("motion.pdf", make_pdf(f"Motion {unique_tag()}"),
                                "application/pdf")})


def ef_filing_code(ap, mariadb, new_account, smtp):
    court = ef_court(mariadb)
    sec = new_account(roles=["security"], prefix="efsec")
    path = f"{ECF}/security/courts/{court['code']}"
    return Form(_logged_on(ap, sec, smtp), ap, path, path,
                {"new_code": "NEW-" + unique_tag(4), "new_name": "New code", "new_fee": "1.00"},
                lambda: _value(mariadb, "SELECT COUNT(*) FROM mc_ef_filing_code WHERE "
                                        f"court_code = '{court['code']}'"))


# ---- Case.net -------------------------------------------------------------------------

def _case(mariadb):
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption=f"{unique_tag()} V ACME")
    return court, case_id, number


def _clerk_form(kind, table, fields):
    def build(ap, mariadb, new_account, smtp):
        court, case_id, number = _case(mariadb)
        clerk = new_account(roles=["clerk"], scope=court["code"], prefix="ctclk")
        return Form(_logged_on(ap, clerk, smtp), ap, f"{CASENET}/clerk/case/{number}",
                    f"/{kind}", fields,
                    lambda: _value(mariadb, f"SELECT COUNT(*) FROM {table} WHERE case_id = "
                                            f"{case_id}"))
    return build


ct_docket = _clerk_form("docket", "mc_docket", {"d_date": "2026-01-15", "d_type": "Notice",
                                                 "d_text": "Notice of hearing"})
ct_hearing = _clerk_form("hearing", "mc_hearing", {"h_date": "2099-03-04", "h_time": "09:30",
                                                    "h_type": "Case Review",
                                                    "h_location": "Division 3"})
ct_judgment = _clerk_form("judgment", "mc_judgment", {"j_debtor": "DEBTOR", "j_creditor": "BANK",
                                                       "j_amount": "1250.00",
                                                       "j_date": "2026-01-15"})


def ct_track(ap, mariadb, new_account, smtp):
    _, case_id, number = _case(mariadb)
    acct = new_account(prefix="cttrk")
    return Form(_logged_on(ap, acct, smtp), ap, f"{CASENET}/track/{number}", f"/track/{number}",
                {"method": "email", "frequency": "each"},
                lambda: _value(mariadb, f"SELECT COUNT(*) FROM mc_track WHERE account_id = "
                                        f"{acct.id} AND case_id = {case_id}"))


def ct_mycase_add(ap, mariadb, new_account, smtp):
    _, case_id, number = _case(mariadb)
    acct = new_account(prefix="ctmy")
    return Form(_logged_on(ap, acct, smtp), ap, f"{CASENET}/case/{number}", "mycases/add", {},
                lambda: _value(mariadb, f"SELECT COUNT(*) FROM mc_mycase WHERE account_id = "
                                        f"{acct.id}"))


def ct_mycase_note(ap, mariadb, new_account, smtp):
    _, case_id, number = _case(mariadb)
    acct = new_account(prefix="ctnote")
    mariadb.sql("INSERT INTO mc_mycase (account_id, case_id, note, added_at) VALUES "
                f"({acct.id}, {case_id}, '', UTC_TIMESTAMP())")
    return Form(_logged_on(ap, acct, smtp), ap, f"{CASENET}/mycases/{number}", "/note",
                {"note": "Call the client first."},
                lambda: _value(mariadb, f"SELECT COUNT(*) FROM mc_mycase WHERE account_id = "
                                        f"{acct.id} AND note <> ''"))


def ct_phone(ap, mariadb, new_account, smtp):
    acct = new_account(prefix="ctph")
    number = f"573555{secrets.randbelow(10000):04d}"
    # The record and what it sends: one number, one text with its code.
    return Form(_logged_on(ap, acct, smtp), ap, f"{CASENET}/phones", f"{CASENET}/phones",
                {"number": number},
                lambda: _value(mariadb, "SELECT (SELECT COUNT(*) FROM mc_track_phone WHERE "
                                        f"account_id = {acct.id}) + (SELECT COUNT(*) FROM "
                                        f"mc_outbox WHERE account_id = {acct.id} AND kind = "
                                        "'phone-code')") // 2)


# ---- groups -----------------------------------------------------------------------------

def _group_admin(ap, mariadb, new_account, smtp):
    gid = make_group(mariadb)
    adm = new_account(prefix="gadm")
    add_member(mariadb, gid, adm, admin=True)
    return _logged_on(ap, adm, smtp), gid


def grp_notify(ap, mariadb, new_account, smtp):
    s, gid = _group_admin(ap, mariadb, new_account, smtp)
    email = f"notify{secrets.token_hex(4)}@example.test"
    return Form(s, ap, f"{G}/admin/preferences", "/notify", {"email": email},
                lambda: _value(mariadb, "SELECT (SELECT COUNT(*) FROM mc_group_notify WHERE "
                                        f"group_id = {gid}) + (SELECT COUNT(*) FROM mc_outbox "
                                        "WHERE kind = 'group-notify-verify' AND recipient "
                                        "COLLATE utf8mb4_unicode_ci IN (SELECT email FROM "
                                        f"mc_group_notify WHERE group_id = {gid}))") // 2)


def grp_new_group(ap, mariadb, new_account, smtp):
    sec = new_account(roles=["security"], prefix="grpsec")
    tag = secrets.token_hex(3)
    name = f"Firm {tag} LLC"
    return Form(_logged_on(ap, sec, smtp), ap, f"{G}/security/new", "/security/new",
                {"name": name, "kind": "firm", "username": f"gadm.{tag}",
                 "email": f"gadm{tag}@example.test", "first_name": "Ada", "last_name": "Admin",
                 "password": f"Temp-Pass-{tag}-9x", "pin": f"pin{tag}7"},
                lambda: _value(mariadb, "SELECT COUNT(*) FROM mc_audit WHERE event = "
                                        f"'group-created' AND actor_id = {sec.id}"))


def grp_add_admin(ap, mariadb, new_account, smtp):
    sec = new_account(roles=["security"], prefix="grpsec")
    gid = make_group(mariadb)
    acct = new_account(prefix="gnew")
    return Form(_logged_on(ap, sec, smtp), ap, f"{G}/security/{gid}", "/admin",
                {"username": acct.username, "confirm": "1"},
                lambda: _value(mariadb, f"SELECT COUNT(*) FROM mc_group_member WHERE group_id = "
                                        f"{gid} AND is_admin = 1"))


def grp_join(ap, mariadb, new_account, smtp):
    """A user associating with a group by its URL and PIN: one membership
    (the account's row is the key)."""
    _, _, key, pin, _ = assoc_group(ap, new_account, smtp, mariadb)
    acct = new_account(prefix="gjoin")
    return Form(_logged_on(ap, acct, smtp), ap, f"{G}/join/{key}", "join",
                {"pin": pin, "user_info": "Paralegal, Litigation"},
                lambda: _value(mariadb, "SELECT COUNT(*) FROM mc_group_member WHERE account_id = "
                                        f"{acct.id}"))


# ---- registration -----------------------------------------------------------------------

def reg_account(ap, mariadb, new_account, smtp):
    """The last sign-up step, which consumes its pending registration: one
    account (test_reg_signup_double.py looks at the copies' timing)."""
    p = _person()
    s = new_browser()
    _to_questions(s, ap, p)
    return Form(s, ap, "/registration/create/questions", "questions", _question_fields(p),
                lambda: _value(mariadb, "SELECT COUNT(*) FROM mc_account WHERE username = "
                                        f"'{p.username}'"))


# name -> (builder, a one-time token guards it, a second record from a fresh page)
FORMS = {
    "efiling new draft": (ef_new_draft, True, {}),
    "efiling party": (ef_party, True, {"business_name": "OTHER " + unique_tag()}),
    "efiling document upload": (ef_upload, True, {}),
    "efiling set-up new filing code": (ef_filing_code, True, {"new_code": "TWO-" + unique_tag(4)}),
    "casenet clerk docket entry": (ct_docket, True, {}),
    "casenet clerk hearing": (ct_hearing, True, {}),
    "casenet clerk judgment": (ct_judgment, True, {}),
    "casenet track this case": (ct_track, False, None),
    "casenet add to my cases": (ct_mycase_add, False, None),
    "casenet my case note": (ct_mycase_note, False, None),
    "casenet phone number": (ct_phone, True, {"number": f"573555{secrets.randbelow(10000):04d}"}),
    "groups notification e-mail": (grp_notify, True,
                                   {"email": f"other{secrets.token_hex(4)}@example.test"}),
    "groups create a group": (grp_new_group, True, dict(zip(
        ("name", "username", "email"),
        (lambda t: (f"Firm {t} LLC", f"gadm.{t}", f"gadm{t}@example.test"))(
            secrets.token_hex(3))))),
    "groups add an administrator": (grp_add_admin, False, None),
    "groups join by PIN": (grp_join, False, None),
    "registration new account": (reg_account, False, None),
}
TOKEN_FORMS = [name for name, (_, token, _) in FORMS.items() if token]
# Forms whose first copy gives the session a new token (a new role: ASVS
# 3.2.1): a copy arriving after it carries a token that is no more, so it is
# sent to the Logon page, where the browser, holding the new cookie of the
# first answer, is sent on.
ROTATES = {"groups join by PIN"}


@pytest.fixture
def make_form(apache, mariadb, new_account, smtp):
    def make(name):
        return FORMS[name][0](apache, mariadb, new_account, smtp)
    return make


@pytest.mark.timing   # no copy waits 2 s: tests/conftest.py keeps CPU-heavy tests away
@pytest.mark.parametrize("name", list(FORMS))
def test_ten_copies_at_once_make_one_record(make_form, name):
    form = make_form(name)
    url, data = form.fill()
    before = form.count()
    answers = send_copies(form.s, url, data, n=COPIES, files=form.files)
    statuses = collections.Counter(r.status_code for r in answers)
    assert set(statuses) <= {200, 303}, (statuses, [r.text[:300] for r in answers
                                                    if r.status_code not in (200, 303)])
    places = {r.headers["Location"] for r in answers if r.status_code == 303}
    if name in ROTATES:
        places.discard(LOGON)
    assert len(places) <= 1, places
    if FORMS[name][1]:
        # The copies are sent to what the first made, not shown the form
        # again with "already exists" (only the first may answer with a page).
        assert statuses[200] <= 1, statuses
    assert form.count() - before == 1, statuses
    # Each copy waits for the first one's transaction only (SECURITY.md: no
    # request waits past 2 s for a duplicate).
    slowest = max(r.elapsed.total_seconds() for r in answers)
    assert slowest < 2, slowest


@pytest.mark.parametrize("name", TOKEN_FORMS)
def test_a_freshly_loaded_form_makes_another_record(make_form, name):
    form = make_form(name)
    before = form.count()
    for changes in ({}, FORMS[name][2]):
        url, data = form.fill(**changes)
        r = form.send(url, data)
        assert r.status_code in (200, 303), (r.status_code, r.text[:500])
    assert form.count() - before == 2


@pytest.mark.parametrize("name", TOKEN_FORMS)
def test_a_missing_or_made_up_token_is_refused(make_form, name):
    form = make_form(name)
    before = form.count()
    url, data = form.fill()
    issued, nonce, _ = data[ONCE_FIELD].split(".")
    for token in (None, f"{issued}.{nonce}.{secrets.token_hex(16)}"):
        sent = dict(data)
        if token is None:
            del sent[ONCE_FIELD]
        else:
            sent[ONCE_FIELD] = token
        r = form.send(url, sent)
        assert r.status_code == 403 and MSG_FORM_EXPIRED in r.text, (r.status_code, r.text[:500])
    assert form.count() == before
    # The page's own token still works.
    assert form.send(url, data).status_code in (200, 303)
    assert form.count() - before == 1


@pytest.mark.allow_errors(r"MariaDB error 1644: refused by the test")
def test_a_new_draft_and_its_history_row_are_one_transaction(apache, mariadb, new_account, smtp):
    """When the history row cannot be written, no envelope is left behind
    (a trigger refuses every history row while the draft is started)."""
    form = ef_new_draft(apache, mariadb, new_account, smtp)
    url, data = form.fill()
    trigger = f"mc_test_refuse_{secrets.token_hex(4)}"
    mariadb.sql(f"CREATE TRIGGER {trigger} BEFORE INSERT ON mc_ef_history FOR EACH ROW "
                "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'")
    try:
        r = form.send(url, data)
        assert r.status_code == 500, (r.status_code, r.text[:300])
        assert form.count() == 0
    finally:
        mariadb.sql(f"DROP TRIGGER {trigger}")
    # The same page's token was not used up by the failed try.
    r = form.send(url, data)
    assert r.status_code == 303, (r.status_code, r.text[:300])
    assert form.count() == 1
    env = r.headers["Location"].split("/envelopes/")[1].split("/")[0]
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_history WHERE envelope_id = {env}") == "1"


def test_ten_accepts_at_once_make_one_case(apache, mariadb, new_account, smtp):
    """A clerk's decision is no new form: the envelope's locked row and its
    status let one Accept make the new case; the other copies find it
    accepted and say so (409, "nothing was changed"), never an error."""
    court = ef_court(mariadb)
    acct = filer(mariadb, new_account)
    env, _ = make_envelope(mariadb, court, acct, kind="new", case_type="CC",
                           caption=f"{unique_tag()} V STATE", docs=(("PET", True),),
                           parties=(("petitioner", "person", unique_tag(), "AL"),),
                           status="review")
    s, _ = clerk_session(apache, new_account, smtp, court)
    form = Form(s, apache, f"{ECF}/clerk/envelopes/{env}", "/accept", {},
                lambda: _value(mariadb, "SELECT COUNT(*) FROM mc_case WHERE court_code = "
                                        f"'{court['code']}'"))
    url, data = form.fill()
    answers = send_copies(s, url, data, n=COPIES)
    statuses = collections.Counter(r.status_code for r in answers)
    assert statuses[303] >= 1 and set(statuses) <= {303, 409}, statuses
    for r in answers:
        if r.status_code == 409:
            assert "already Accepted by the court; nothing was changed" in r.text
    assert form.count() == 1
    assert mariadb.value(f"SELECT status FROM mc_ef_envelope WHERE id = {env}") == "accepted"
