"""Case.net clerk pages (issue 5, "Clerk pages (role clerk, per court)"):
find a case of the clerk's court, add a docket entry, schedule a hearing,
enter a judgment, mark a case confidential. Access by role and by court;
every bad input with its message, status 400 and the typed values kept;
a double submission makes one entry (the form's one-time token, ABI 1.8).

The notices these actions cause are checked in test_ct_notify.py."""
import re
import secrets

from harness import web
from helpers_casenet import (CASENET, seed_case, seed_court, seed_judge, seed_party, set_confidential,
                             unique_tag)
from helpers_core import (MSG_FORM_EXPIRED, account_browser, csrf_of, logon_full, new_browser,
                          send_copies)

PAST = "2026-01-15"


def plain(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&quot;", '"')


def q(s):
    return "'" + str(s).replace("\\", "\\\\").replace("'", "\\'") + "'"


def clerk_session(ap, new_account, smtp, court):
    """A logged-on browser of a new clerk of court."""
    return account_browser(ap, new_account, smtp, ["clerk"], court["code"], prefix="clerk")


def add_tracker(mariadb, account, case_id, channel="email", recipient=None, frequency="each",
                active=True):
    """A Track This Case row written directly (sql/casetrack); returns its
    id. (Each notice e-mail gets a Stop Tracking token of its own.)"""
    recipient = recipient or account.email
    mariadb.sql(
        "INSERT IGNORE INTO mc_mycase (account_id, case_id, added_at) VALUES "
        f"({account.id}, {int(case_id)}, UTC_TIMESTAMP());"
        "INSERT INTO mc_track (account_id, case_id, channel, recipient, frequency, "
        f"active, created_at, stopped_at, stopped_why) VALUES ({account.id}, {int(case_id)}, "
        f"{q(channel)}, {q(recipient)}, {q(frequency)}, {1 if active else 0}, "
        f"UTC_TIMESTAMP(), {'NULL' if active else 'UTC_TIMESTAMP()'}, "
        f"{'NULL' if active else q('account')})")
    return int(mariadb.value(f"SELECT id FROM mc_track WHERE account_id = {account.id} AND "
                             f"case_id = {int(case_id)}"))


def one(mariadb, query):
    """The first row of query as a list of str."""
    rows = mariadb.sql(query)
    assert rows, query
    return list(rows[0])


def case_page(s, ap, number):
    r = s.get(ap.url(f"{CASENET}/clerk/case/{number}"), timeout=30)
    assert r.status_code == 200, (r.status_code, r.text[:1500])
    return r


def refusals(s, page, good, cases, action):
    """Submit page's form (the one whose action holds `action`) once for
    each case, (a change to the good fields, the message it must get): each
    refused, 400 with its message. Yields (change, the fields sent, the
    answer, the fields of the answer's form)."""
    for change, message in cases:
        fields = dict(good, **change)
        r = web.submit(s, page, fields, action_contains=action, timeout=30)
        assert r.status_code == 400, (change, r.status_code)
        t = plain(r.text)
        assert message in t, (change, t[:800])
        yield change, fields, r, web.find_form(r.text, action_contains=action)["fields"]


def docket_count(mariadb, case_id):
    return int(mariadb.value(f"SELECT COUNT(*) FROM mc_docket WHERE case_id = {int(case_id)}"))


# ---- access ----------------------------------------------------------------------------

def test_access(apache, new_account, smtp, mariadb, http):
    ap = apache
    court, other = seed_court(mariadb), seed_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption=f"{unique_tag()} V ACME")
    other_id, other_number = seed_case(mariadb, other, caption=f"{unique_tag()} V ACME")
    s, clerk = clerk_session(ap, new_account, smtp, court)

    # The clerk's home lists the court; the case of the court opens.
    r = s.get(ap.url(f"{CASENET}/clerk"), timeout=30)
    assert r.status_code == 200
    assert court["name"] in r.text and other["name"] not in r.text
    r = case_page(s, ap, number)
    t = plain(r.text)
    for h in ("Add a Docket Entry", "Schedule a Hearing", "Enter a Judgment", "Confidential"):
        assert h in t
    assert number in t and court["name"] in t
    assert "Test Circuit Court" in t   # the site's name in the layout stays
    # Find by number, in any letter case.
    r = web.submit(s, s.get(ap.url(f"{CASENET}/clerk"), timeout=30),
                   {"number": number.lower()}, action_contains="/clerk", timeout=30)
    assert r.status_code == 200 and r.url.endswith(f"/clerk/case/{number}")

    # A case of another court: 403 on every route, nothing written.
    base = f"{CASENET}/clerk/case/{other_number}"
    assert s.get(ap.url(base), timeout=30).status_code == 403
    csrf = csrf_of(r.text)
    for tail, fields in (("/docket", {"d_date": PAST, "d_type": "Order", "d_text": "x"}),
                         ("/hearing", {"h_date": "2099-01-01", "h_time": "09:00",
                                       "h_type": "Trial", "h_location": "Div 1"}),
                         ("/judgment", {"j_debtor": "A", "j_creditor": "B", "j_amount": "5",
                                        "j_date": PAST}),
                         ("/confidential", {"c_on": "1", "c_confirm": "1"})):
        fields = dict(fields, mc_csrf=csrf)
        rr = s.post(ap.url(base + tail), data=fields, allow_redirects=False, timeout=30)
        assert rr.status_code == 403, (tail, rr.status_code)
    assert docket_count(mariadb, other_id) == 0
    assert mariadb.value(f"SELECT confidential FROM mc_case WHERE id = {other_id}") == "0"
    # ... and the find form does not tell whether it exists.
    r = web.submit(s, s.get(ap.url(f"{CASENET}/clerk"), timeout=30), {"number": other_number},
                   action_contains="/clerk", timeout=30)
    assert r.status_code == 404 and "No case of your court has the number" in plain(r.text)

    # Not a clerk: 403; anonymous: sent to the logon page (or refused).
    user = new_account(prefix="ctuser")
    s2 = new_browser()
    logon_full(s2, ap, user, smtp)
    assert s2.get(ap.url(f"{CASENET}/clerk"), timeout=30).status_code == 403
    assert s2.get(ap.url(f"{CASENET}/clerk/case/{number}"), timeout=30).status_code == 403
    r = http.get(ap.url(f"{CASENET}/clerk/case/{number}"), allow_redirects=False, timeout=30)
    assert r.status_code in (302, 303, 401, 403)
    if r.status_code in (302, 303):
        assert "/account/logon" in r.headers["Location"]
    # A clerk of another court only (scope) cannot act either.
    s3, _ = clerk_session(ap, new_account, smtp, other)
    assert s3.get(ap.url(f"{CASENET}/clerk/case/{number}"), timeout=30).status_code == 403
    # A malformed or unknown number: 404.
    assert s.get(ap.url(f"{CASENET}/clerk/case/NOPE"), timeout=30).status_code == 404
    unknown = f"{court['prefix']}-CC99999"
    if mariadb.value(f"SELECT COUNT(*) FROM mc_case WHERE number = {q(unknown)}") == "0":
        assert s.get(ap.url(f"{CASENET}/clerk/case/{unknown}"), timeout=30).status_code == 404


def test_find_messages(apache, new_account, smtp, mariadb):
    ap = apache
    court = seed_court(mariadb)
    s, _ = clerk_session(ap, new_account, smtp, court)
    home = s.get(ap.url(f"{CASENET}/clerk"), timeout=30)
    r = web.submit(s, home, {"number": "  "}, action_contains="/clerk", timeout=30)
    assert r.status_code == 400 and "Case Number: enter a case number" in plain(r.text)
    r = web.submit(s, home, {"number": "22SL-C01234"}, action_contains="/clerk", timeout=30)
    assert r.status_code == 400 and "has the form 22SL-CC01234" in plain(r.text)
    assert 'value="22SL-C01234"' in r.text
    r = web.submit(s, home, {"number": f"{court['prefix']}-ZZ00001"}, action_contains="/clerk",
                   timeout=30)
    assert r.status_code == 404


# ---- docket entry ------------------------------------------------------------------------

def test_docket_entry(apache, new_account, smtp, mariadb):
    ap = apache
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption=f"{unique_tag()} V ACME")
    mariadb.sql(f"UPDATE mc_case SET last_activity = '2026-01-05 00:00:00' WHERE id = {case_id}")
    s, clerk = clerk_session(ap, new_account, smtp, court)
    page = case_page(s, ap, number)
    text = f"Motion to compel {unique_tag()} <b>bold</b>"
    r = web.submit(s, page, {"d_date": PAST, "d_type": "Motion Filed", "d_text": text,
                             "d_filed_by": "Attorney Jane Roe"}, action_contains="/docket",
                   timeout=30)
    assert r.status_code == 200, r.text[:1500]
    assert "Docket entry added. 0 notice(s) queued." in plain(r.text)
    row = one(mariadb, f"SELECT entry_date, entry_type, text, filed_by, ref LIKE 'clerk-d-%', "
                      f"created_at > UTC_TIMESTAMP() - INTERVAL 5 MINUTE FROM mc_docket "
                      f"WHERE case_id = {case_id}")
    assert row == [PAST, "Motion Filed", text, "Attorney Jane Roe", "1", "1"]
    assert "&lt;b&gt;bold&lt;/b&gt;" in r.text and "<b>bold</b>" not in r.text
    assert mariadb.value(f"SELECT last_activity > '2026-01-05 00:00:00' FROM mc_case "
                         f"WHERE id = {case_id}") == "1"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_audit WHERE event = 'casenet-docket-added' "
                         f"AND actor_id = {clerk.id} AND detail LIKE {q('case ' + number + '%')}"
                         ) == "1"


def test_docket_bad_input(apache, new_account, smtp, mariadb):
    ap = apache
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court)
    s, _ = clerk_session(ap, new_account, smtp, court)
    page = case_page(s, ap, number)
    good = {"d_date": PAST, "d_type": "Order", "d_text": "Order entered", "d_filed_by": "Clerk"}
    cases = [
        ({"d_date": ""}, "Date: enter the entry's date"),
        ({"d_date": "2026-02-30"}, "Date: enter a real date as YYYY-MM-DD"),
        ({"d_date": "15/01/2026"}, "Date: enter a real date as YYYY-MM-DD"),
        ({"d_date": "2199-01-01"}, "Date: a docket entry cannot be dated in the future."),
        ({"d_type": ""}, "Entry Type: choose one of the listed types."),
        ({"d_type": "Made Up"}, "Entry Type: choose one of the listed types."),
        ({"d_text": "   "}, "Text: enter the text of the docket entry."),
        ({"d_text": "x" * 4001}, "Text: at most 4000 characters"),
        ({"d_filed_by": "y" * 201}, "Filed By: at most 200 characters"),
        ({"d_filed_by": "a\nb"}, "Filed By: remove the line breaks"),
        ({"d_text": "bad \x01 byte"}, "Text: remove the control characters"),
        ({"d_text": b"bad \xff utf-8"}, "Text: remove the control characters or characters "
                                         "that are not valid text."),
    ]
    for change, fields, r, form in refusals(s, page, good, cases, "/docket"):
        # What was typed is still there.
        for k in ("d_date", "d_filed_by"):
            if len(fields[k]) <= 200 and "\n" not in fields[k]:
                assert form.get(k) == fields[k], (k, form.get(k))
        if fields["d_type"] == "Order":
            assert re.search(r'<option[^>]*value="Order"[^>]*selected|<option[^>]*selected'
                             r'[^>]*value="Order"', r.text)
        if fields["d_text"] == good["d_text"]:
            assert ">Order entered</textarea>" in r.text
        elif fields["d_text"] == "bad \x01 byte":
            assert "bad " in r.text.split('id="d_text"')[1].split("</textarea>")[0]
    # A one-time token that this site did not make, or none: refused.
    for token in ("short", secrets.token_urlsafe(40)[:60], ""):
        r = web.submit(s, page, dict(good, mc_once=token), action_contains="/docket",
                       timeout=30)
        assert r.status_code == 403 and MSG_FORM_EXPIRED in r.text, r.status_code
    assert docket_count(mariadb, case_id) == 0


def test_double_submit(apache, new_account, smtp, mariadb):
    """The same form sent twice (double click) and ten times at once: one
    entry, and every copy is sent to the page that shows it. Each page
    draws a new one-time token, so two separate entries made from two page
    loads are two entries."""
    ap = apache
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court)
    s, _ = clerk_session(ap, new_account, smtp, court)
    page = case_page(s, ap, number)
    fields = {"d_date": PAST, "d_type": "Notice", "d_text": "Notice of hearing"}
    r1 = web.submit(s, page, fields, action_contains="/docket", timeout=30)
    r2 = web.submit(s, page, fields, action_contains="/docket", timeout=30)
    assert r1.status_code == 200 and r2.status_code == 200
    assert r2.history[0].status_code == 303 and r2.url == r1.url
    assert "Docket entry added." in plain(r2.text)
    assert docket_count(mariadb, case_id) == 1

    page = case_page(s, ap, number)
    form = web.find_form(page.text, action_contains="/docket")
    data = dict(form["fields"], **fields)
    url = ap.url(form["action"])
    answers = send_copies(s, url, data)
    assert [r.status_code for r in answers] == [303] * 10, [r.status_code for r in answers]
    assert len({r.headers["Location"] for r in answers}) == 1
    assert docket_count(mariadb, case_id) == 2
    # A new page load is a new form: a second, deliberate identical entry is allowed.
    r = web.submit(s, case_page(s, ap, number), fields, action_contains="/docket", timeout=30)
    assert "Docket entry added." in plain(r.text)
    assert docket_count(mariadb, case_id) == 3


# ---- hearing, judgment -----------------------------------------------------------------

def test_hearing(apache, new_account, smtp, mariadb):
    ap = apache
    court, other = seed_court(mariadb), seed_court(mariadb)
    judge = seed_judge(mariadb, court, f"Judge {unique_tag()}")
    foreign = seed_judge(mariadb, other, f"Judge {unique_tag()}")
    case_id, number = seed_case(mariadb, court)
    s, clerk = clerk_session(ap, new_account, smtp, court)
    page = case_page(s, ap, number)
    good = {"h_date": "2099-03-04", "h_time": "09:30", "h_type": "Case Review",
            "h_location": "Division 3", "h_judge": str(judge)}
    cases = [
        ({"h_date": ""}, "Date: enter the hearing's date"),
        ({"h_date": "2099-13-01"}, "Date: enter a real date"),
        ({"h_date": "2001-01-01"}, "Date: the hearing date is in the past."),
        ({"h_time": "9.30"}, "Time: enter the time as HH:MM"),
        ({"h_time": "24:00"}, "Time: enter the time as HH:MM"),
        ({"h_type": ""}, "Hearing Type: enter the kind of hearing"),
        ({"h_type": "t" * 101}, "Hearing Type: at most 100 characters."),
        ({"h_type": "Trial\r\nBcc: x"}, "Hearing Type: remove the line breaks"),
        ({"h_location": ""}, "Location: enter where the hearing is held"),
        ({"h_location": "l" * 201}, "Location: at most 200 characters"),
        ({"h_judge": str(foreign)}, "Judge: choose one of this court's judges, or none."),
        ({"h_judge": "abc"}, "Judge: choose one of this court's judges, or none."),
    ]
    for change, fields, r, form in refusals(s, page, good, cases, "/hearing"):
        for k in ("h_date", "h_time", "h_location"):
            if len(fields[k]) <= 200:
                assert form.get(k) == fields[k], (change, k, form.get(k))
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_hearing WHERE case_id = {case_id}") == "0"
    r = web.submit(s, page, good, action_contains="/hearing", timeout=30)
    assert r.status_code == 200
    assert "Hearing scheduled" in plain(r.text)
    row = one(mariadb, f"SELECT hearing_at, hearing_type, location, judge_id FROM mc_hearing "
                      f"WHERE case_id = {case_id}")
    assert row == ["2099-03-04 09:30:00", "Case Review", "Division 3", str(judge)]
    entry = one(mariadb, f"SELECT entry_type, text FROM mc_docket WHERE case_id = {case_id}"
                        )
    assert entry[0] == "Hearing Scheduled"
    assert "Case Review scheduled for 2099-03-04 at 09:30, Division 3" in entry[1]
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_audit WHERE event = "
                         f"'casenet-hearing-scheduled' AND actor_id = {clerk.id}") == "1"
    # Sent twice from the same page: still one hearing and one entry.
    r = web.submit(s, page, good, action_contains="/hearing", timeout=30)
    assert r.history[0].status_code == 303 and "Hearing scheduled" in plain(r.text)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_hearing WHERE case_id = {case_id}") == "1"
    assert docket_count(mariadb, case_id) == 1
    # Without a judge.
    r = web.submit(s, case_page(s, ap, number), dict(good, h_judge="", h_time="14:00"),
                   action_contains="/hearing", timeout=30)
    assert r.status_code == 200
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_hearing WHERE case_id = {case_id} AND "
                         f"judge_id IS NULL") == "1"
    # A docket entry sent from the same page as the hearing is not refused as a
    # repeat of it (each form has its own reference).
    page = case_page(s, ap, number)
    web.submit(s, page, dict(good, h_time="15:00"), action_contains="/hearing", timeout=30)
    r = web.submit(s, page, {"d_date": PAST, "d_type": "Order", "d_text": "Order"},
                   action_contains="/docket", timeout=30)
    assert "Docket entry added." in plain(r.text)
    assert docket_count(mariadb, case_id) == 4


def test_judgment(apache, new_account, smtp, mariadb):
    ap = apache
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court)
    s, clerk = clerk_session(ap, new_account, smtp, court)
    page = case_page(s, ap, number)
    tag = unique_tag()
    good = {"j_debtor": f"{tag} DEBTOR", "j_creditor": f"{tag} BANK", "j_amount": "1,250.5",
            "j_date": PAST}
    cases = [
        ({"j_debtor": ""}, "Debtor: enter the debtor's name."),
        ({"j_creditor": ""}, "Creditor: enter the creditor's name."),
        ({"j_debtor": "d" * 201}, "Debtor: at most 200 characters"),
        ({"j_amount": ""}, "Amount: enter the amount of the judgment"),
        ({"j_amount": "0"}, "Amount: enter dollars and cents greater than zero"),
        ({"j_amount": "0.00"}, "Amount: enter dollars and cents greater than zero"),
        ({"j_amount": "-5"}, "Amount: enter dollars and cents greater than zero"),
        ({"j_amount": "12.345"}, "Amount: enter dollars and cents greater than zero"),
        ({"j_amount": "ten"}, "Amount: enter dollars and cents greater than zero"),
        ({"j_amount": "1e5"}, "Amount: enter dollars and cents greater than zero"),
        ({"j_date": "2026-02-29"}, "Date Entered: enter a real date"),
        ({"j_date": "2199-01-01"}, "Date Entered: a judgment cannot be entered in the future."),
        ({"j_satisfied": "yes"}, "Satisfied: tick the box or leave it empty."),
    ]
    for change, fields, r, form in refusals(s, page, good, cases, "/judgment"):
        assert form.get("j_amount") == fields["j_amount"]
        assert form.get("j_date") == fields["j_date"]
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_judgment WHERE case_id = {case_id}") == "0"
    r = web.submit(s, page, dict(good, j_satisfied="1"), action_contains="/judgment", timeout=30)
    assert r.status_code == 200 and "Judgment entered" in plain(r.text)
    r = web.submit(s, page, dict(good, j_satisfied="1"), action_contains="/judgment", timeout=30)
    assert r.history[0].status_code == 303 and "Judgment entered" in plain(r.text)
    row = one(mariadb, f"SELECT debtor, creditor, amount, entered_on, satisfied FROM mc_judgment "
                      f"WHERE case_id = {case_id}")
    assert row == [f"{tag} DEBTOR", f"{tag} BANK", "1250.50", PAST, "1"]
    entry = one(mariadb, f"SELECT entry_type, entry_date, text FROM mc_docket "
                        f"WHERE case_id = {case_id}")
    assert entry[:2] == ["Judgment Entered", PAST]
    assert f"Judgment for {tag} BANK against {tag} DEBTOR in the amount of $1250.50" in entry[2]
    for amount, stored in (("$75", "75.00"), ("0.01", "0.01"), ("1000000.10", "1000000.10")):
        web.submit(s, case_page(s, ap, number), dict(good, j_amount=amount),
                   action_contains="/judgment", timeout=30)
        assert mariadb.value(f"SELECT COUNT(*) FROM mc_judgment WHERE case_id = {case_id} AND "
                             f"amount = {q(stored)}") == "1", amount


# ---- confidential ----------------------------------------------------------------------

def test_confidential(apache, new_account, smtp, mariadb, http):
    ap = apache
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption=f"{unique_tag()} V SECRET")
    party = unique_tag(8)
    seed_party(mariadb, case_id, last=party, first="ANN")

    def name_search_count():
        r = http.get(ap.url(f"{CASENET}/search/name"), params={"last": party}, timeout=30)
        m = re.search(r"(\d+) case\(s\) found\.", r.text)
        assert r.status_code == 200 and m, r.text[:500]
        return int(m.group(1))

    assert name_search_count() == 1
    s, clerk = clerk_session(ap, new_account, smtp, court)
    tracker = new_account(prefix="cttrk")
    tid = add_tracker(mariadb, tracker, case_id)
    page = case_page(s, ap, number)
    # No confirmation, no choice: refused, nothing changed.
    r = web.submit(s, page, {"c_on": "1"}, action_contains="/confidential", timeout=30)
    assert r.status_code == 400 and "Confirm: tick the box to confirm the change." in plain(r.text)
    r = web.submit(s, page, {"c_on": "maybe", "c_confirm": "1"},
                   action_contains="/confidential", timeout=30)
    assert r.status_code == 400 and "Confidential: choose Confidential or Public." in plain(r.text)
    assert mariadb.value(f"SELECT confidential FROM mc_case WHERE id = {case_id}") == "0"
    # Confirmed: confidential; the tracking stops; the clerk still sees it.
    r = web.submit(s, page, {"c_on": "1", "c_confirm": "1"}, action_contains="/confidential",
                   timeout=30)
    assert r.status_code == 200 and "The case is now confidential" in plain(r.text)
    assert mariadb.value(f"SELECT confidential FROM mc_case WHERE id = {case_id}") == "1"
    assert one(mariadb, f"SELECT active, stopped_why FROM mc_track WHERE id = {tid}"
                       ) == ["0", "confidential"]
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_audit WHERE event = 'casenet-confidential-on'"
                         f" AND actor_id = {clerk.id}") == "1"
    r = case_page(s, ap, number)
    assert "this case does not appear in any public search" in plain(r.text)
    # Clerks keep working on it; the entry notifies nobody.
    r = web.submit(s, r, {"d_date": PAST, "d_type": "Order", "d_text": "Sealed order"},
                   action_contains="/docket", timeout=30)
    assert "Docket entry added. 0 notice(s) queued." in plain(r.text)
    # The public does not see it.
    pub = http.get(ap.url(f"{CASENET}/case/{number}"), timeout=30)
    assert pub.status_code == 404 and "SECRET" not in pub.text
    assert name_search_count() == 0          # nor its parties, counted from the index
    # Saving the same state again changes nothing; back to public.
    r = web.submit(s, r, {"c_on": "1", "c_confirm": "1"}, action_contains="/confidential",
                   timeout=30)
    assert "already is confidential" in plain(r.text)
    r = web.submit(s, r, {"c_on": "0", "c_confirm": "1"}, action_contains="/confidential",
                   timeout=30)
    assert "The case is no longer confidential" in plain(r.text)
    assert mariadb.value(f"SELECT confidential FROM mc_case WHERE id = {case_id}") == "0"
    assert name_search_count() == 1
    assert mariadb.value(f"SELECT active FROM mc_track WHERE id = {tid}") == "0"


def test_confidential_form_shows_current_state(apache, new_account, smtp, mariadb):
    """The "This case is" form is set to the case's state (issue 10 §5): a
    public case shows Public checked, a confidential one Confidential; the
    form sent as it comes, even with the box ticked, changes nothing."""
    ap = apache
    court = seed_court(mariadb)
    public_id, public_no = seed_case(mariadb, court, caption=f"{unique_tag()} V OPEN")
    secret_id, secret_no = seed_case(mariadb, court, caption=f"{unique_tag()} V SEALED")
    set_confidential(mariadb, secret_id)
    s, clerk = clerk_session(ap, new_account, smtp, court)

    for case_id, number, state, word in ((public_id, public_no, "0", "public"),
                                         (secret_id, secret_no, "1", "confidential")):
        page = case_page(s, ap, number)
        form = web.find_form(page.text, action_contains="/confidential")
        assert form["fields"].get("c_on") == state, (number, form["fields"])
        assert len(re.findall(r'<input[^>]*name="c_on"[^>]*checked', page.text)) == 1
        # Sent unchanged, without and with the confirmation: nothing changes.
        for extra in ({}, {"c_confirm": "1"}):
            r = web.submit(s, page, extra, action_contains="/confidential", timeout=30)
            assert r.status_code == 200, (r.status_code, plain(r.text)[:800])
            assert f"The case already is {word}; nothing was changed." in plain(r.text)
            assert mariadb.value(f"SELECT confidential FROM mc_case WHERE id = {case_id}") == state
            again = web.find_form(r.text, action_contains="/confidential")
            assert again["fields"].get("c_on") == state
    assert mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event LIKE 'casenet-confidential-%'"
                         f" AND actor_id = {clerk.id}") == "0"
