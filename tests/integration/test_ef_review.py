"""eFiling: the clerk's review (issue 6, "Submit and review"): the queue of
the clerk's courts, the envelope page, Open for review, Accept (documents
become docket entries on the case, a new case gets its number, its parties
and is searchable; Track This Case notices go out) and Reject with a reason
from a list; the status notices to the filer, the group's verified
notification addresses and, in copy, the group administrator.

Envelopes are written straight into mc_ef_envelope / mc_ef_party /
mc_ef_document (the filing wizard is tested in its own files): accepting
and rejecting need no stored file."""
import datetime
import re
import secrets

from harness import web
from helpers_casenet import CASENET, seed_case, unique_tag
from helpers_core import csrf_of, delivery_settled, logged_on_csrf, logon_full, new_browser
from helpers_efiling import (ECF, add_member, clerk_of, ef_court, filer, group_filer,
                             notify_address, _q)
from test_ct_clerk import add_tracker


def plain(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&quot;", '"').replace(
        "&#39;", "'")


def make_envelope(mariadb, court, account, kind="existing", case_id=None, case_type=None,
                  caption="", group_id=None, docs=(("MOT", True), ("EXH", False)), parties=(),
                  status="submitted", fee_cents=500, number=True):
    """An envelope as the wizard leaves it at submit; returns (id, number)."""
    year = datetime.datetime.now(datetime.timezone.utc).year
    num = f"EF{year}-9{secrets.randbelow(10 ** 6):06d}" if number else None
    mariadb.sql(
        "INSERT INTO mc_ef_envelope (number, account_id, group_id, court_code, kind, case_id, "
        "case_type, caption, status, step, fee_cents, payment, payment_ref, created_at, "
        "updated_at, submitted_at) VALUES "
        f"({_q(num)}, {account.id}, {_q(group_id)}, {_q(court['code'])}, {_q(kind)}, "
        f"{_q(case_id)}, {_q(case_type)}, {_q(caption)}, {_q(status)}, 'review', {fee_cents}, "
        "'court_account', 'CA-1', UTC_TIMESTAMP(), UTC_TIMESTAMP(), "
        f"{'UTC_TIMESTAMP()' if number else 'NULL'})")
    env_id = int(mariadb.value("SELECT id FROM mc_ef_envelope WHERE account_id = "
                               f"{account.id} ORDER BY id DESC LIMIT 1"))
    mariadb.sql("INSERT INTO mc_ef_history (envelope_id, at, status, actor_id, note) VALUES "
                f"({env_id}, UTC_TIMESTAMP(), 'submitted', {account.id}, '')")
    for code, lead in docs:
        sha = secrets.token_hex(32)
        mariadb.sql(
            "INSERT INTO mc_ef_document (envelope_id, is_lead, filing_code_id, client_name, "
            f"bytes, sha256, stored_name, created_at) VALUES ({env_id}, {1 if lead else 0}, "
            f"{court['codes'][code]}, {_q(code.lower() + '.pdf')}, 2048, {_q(sha)}, "
            f"{_q(sha + '.pdf')}, UTC_TIMESTAMP())")
    for role, kind_, last, first in parties:
        mariadb.sql("INSERT INTO mc_ef_party (envelope_id, kind, role, last_name, first_name) "
                    f"VALUES ({env_id}, {_q(kind_)}, {_q(role)}, {_q(last)}, {_q(first)})")
    return env_id, num


def env_row(mariadb, env_id):
    return mariadb.sql("SELECT status, COALESCE(case_id, 0), COALESCE(reject_code, ''), "
                       "COALESCE(reject_text, ''), COALESCE(clerk_id, 0) FROM mc_ef_envelope "
                       f"WHERE id = {env_id}")[0]


def clerk_session(ap, new_account, smtp, court):
    clerk = clerk_of(new_account, court)
    s = new_browser()
    logon_full(s, ap, clerk, smtp)
    return s, clerk


def env_url(ap, env_id, tail=""):
    return ap.url(f"{ECF}/clerk/envelopes/{env_id}{tail}")


def page(s, ap, env_id):
    r = s.get(env_url(ap, env_id), timeout=30)
    assert r.status_code == 200, (r.status_code, r.text[:1500])
    return r


def act(s, ap, env_id, action, fields=None, expect=200, offered=True):
    """Send the action's form from the envelope page, which must offer it;
    offered=False: the page must not offer it, and it is posted directly
    (expect the refusal)."""
    r = page(s, ap, env_id)
    forms = [f for f in web.forms(r.text) if f["action"].endswith(f"/{action}")]
    if offered:
        assert forms, (f"the envelope page offers no {action} form", plain(r.text)[:1500])
        rr = web.submit(s, r, fields or {}, action_contains=forms[0]["action"], timeout=60)
    else:
        assert not forms, f"the envelope page offers {action}"
        data = dict(fields or {}, mc_csrf=csrf_of(r.text))
        rr = s.post(env_url(ap, env_id, f"/{action}"), data=data, timeout=60)
    assert rr.status_code == expect, (action, rr.status_code, plain(rr.text)[:1500])
    return rr


def docket(mariadb, case_id):
    return mariadb.sql("SELECT entry_type, text, filed_by, ref FROM mc_docket WHERE case_id = "
                       f"{case_id} ORDER BY id")


# ---- access -------------------------------------------------------------------------

def test_other_court_is_not_found(apache, new_account, smtp, mariadb):
    ap = apache
    court, other = ef_court(mariadb), ef_court(mariadb)
    acct = filer(mariadb, new_account)
    case_id, _ = seed_case(mariadb, other, caption=f"{unique_tag()} V ACME")
    env_id, number = make_envelope(mariadb, other, acct, case_id=case_id)
    draft_id, _ = make_envelope(mariadb, court, acct, case_id=None, status="draft", number=False)
    s, clerk = clerk_session(ap, new_account, smtp, court)

    # The queue lists the clerk's court only.
    r = s.get(ap.url(f"{ECF}/clerk"), timeout=30)
    assert r.status_code == 200
    assert court["name"] in r.text and other["name"] not in r.text and number not in r.text
    csrf = csrf_of(r.text)
    # Another court's envelope, a draft of the clerk's court, one that does not exist: 404.
    for eid in (env_id, draft_id, 999999999, "x1"):
        rr = s.get(env_url(ap, eid), timeout=30)
        assert rr.status_code == 404 and "Envelope not found" in rr.text
        assert number not in rr.text
        for action, fields in (("open", {}), ("accept", {}),
                               ("reject", {"reason": "Other", "text": "no"})):
            rr = s.post(env_url(ap, eid, f"/{action}"), data=dict(fields, mc_csrf=csrf),
                        timeout=30)
            assert rr.status_code == 404 and "Envelope not found" in rr.text, action
    assert env_row(mariadb, env_id)[0] == "submitted"
    assert env_row(mariadb, draft_id)[0] == "draft"
    assert docket(mariadb, case_id) == []

    # Not a clerk: 403.
    s2 = new_browser()
    logon_full(s2, ap, acct, smtp)
    assert s2.get(ap.url(f"{ECF}/clerk"), timeout=30).status_code == 403
    assert s2.get(env_url(ap, env_id), timeout=30).status_code == 403
    # Bad filters: a message and 400.
    r = s.get(ap.url(f"{ECF}/clerk?status=bogus"), timeout=30)
    assert r.status_code == 400 and "Status: choose Submitted, Under Review" in plain(r.text)
    r = s.get(ap.url(f"{ECF}/clerk?court={other['code']}"), timeout=30)
    assert r.status_code == 400 and "Court: choose one of your courts." in plain(r.text)
    assert number not in r.text


# ---- open, accept into an existing case ---------------------------------------------------

def test_open_then_accept_existing_case(apache, new_account, smtp, mariadb, http):
    ap = apache
    court = ef_court(mariadb)
    tag = unique_tag()
    case_id, case_number = seed_case(mariadb, court, caption=f"{tag} V ACME")
    acct, gid = group_filer(mariadb, new_account)
    gadmin = new_account(prefix="efgad")
    add_member(mariadb, gid, gadmin, admin=True)
    notify = f"notify-{tag.lower()}@example.test"
    unverified = f"unverified-{tag.lower()}@example.test"
    notify_address(mariadb, gid, notify)
    notify_address(mariadb, gid, unverified, verified=False)
    tracker = new_account(prefix="eftrk")
    add_tracker(mariadb, tracker, case_id)
    env_id, number = make_envelope(mariadb, court, acct, case_id=case_id, group_id=gid)
    doc_ids = [int(x) for x, in mariadb.sql(
        f"SELECT id FROM mc_ef_document WHERE envelope_id = {env_id} ORDER BY is_lead DESC, id")]
    s, clerk = clerk_session(ap, new_account, smtp, court)

    # The queue: number, filer, case, documents, fees, status.
    r = s.get(ap.url(f"{ECF}/clerk"), timeout=30)
    row = re.search(r"<tr>(?:(?!</tr>).)*%s(?:(?!</tr>).)*</tr>" % number, r.text, re.S)
    assert row, r.text[:3000]
    t = plain(row.group(0))
    assert case_number in t and acct.username in t and "$5.00" in t and "Submitted" in t
    assert f'href="{ECF}/clerk/envelopes/{env_id}"' in row.group(0)
    # Filtered by status: not among the accepted.
    r = s.get(ap.url(f"{ECF}/clerk?status=accepted"), timeout=30)
    assert r.status_code == 200 and number not in r.text

    # The page: header, documents with their download links, history; Open, Reject.
    r = page(s, ap, env_id)
    t = plain(r.text)
    assert number in t and case_number in t and f"{tag} V ACME" in t and "Submitted" in t
    for d in doc_ids:
        assert f'href="{ECF}/documents/{d}"' in r.text
    assert "Motion" in t and "Exhibit" in t and "Court account" in t
    assert "/open" in r.text and "/reject" in r.text and "/accept" not in r.text

    # Accept before opening: refused, nothing changed.
    rr = act(s, ap, env_id, "accept", expect=409, offered=False)
    assert "Open the envelope for review before accepting it" in plain(rr.text)
    assert env_row(mariadb, env_id)[0] == "submitted" and docket(mariadb, case_id) == []

    # Open for review.
    rr = act(s, ap, env_id, "open")
    assert "The envelope is now Under Review" in plain(rr.text)
    assert env_row(mariadb, env_id)[0] == "review"
    assert int(env_row(mariadb, env_id)[4]) == clerk.id
    review_subject = f"eFiling envelope {number}: Under Review"
    m = smtp.wait_for(to=acct.email, subject=review_subject, timeout=20)
    assert gadmin.email in (m.message.get("Cc") or "")
    smtp.wait_for(to=notify, subject=review_subject, timeout=20)
    # The filer can no longer cancel it.
    fs = new_browser()
    logon_full(fs, ap, acct, smtp)
    fs.post(ap.url(f"{ECF}/envelopes/{env_id}/cancel"), data={"mc_csrf": logged_on_csrf(fs, ap)},
            timeout=30)
    assert env_row(mariadb, env_id)[0] == "review"
    # Opening twice: a message, nothing changed.
    rr = s.post(env_url(ap, env_id, "/open"), data={"mc_csrf": csrf_of(rr.text)}, timeout=30)
    assert rr.status_code == 409 and "already Under Review" in plain(rr.text)

    # Accept: every document a docket entry, on the public case page too.
    rr = act(s, ap, env_id, "accept")
    assert "The envelope was accepted" in plain(rr.text)
    assert env_row(mariadb, env_id)[0] == "accepted"
    entries = docket(mariadb, case_id)
    full = mariadb.value(f"SELECT CONCAT(first_name, ' ', last_name) FROM mc_account "
                         f"WHERE id = {acct.id}")
    assert [(e[0], e[1], e[2], e[3]) for e in entries] == [
        ("Motion", f"Motion filed electronically (envelope {number}).", full,
         f"ef-doc-{doc_ids[0]}"),
        ("Exhibit", f"Exhibit filed electronically (envelope {number}).", full,
         f"ef-doc-{doc_ids[1]}")]
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_document WHERE envelope_id = {env_id} "
                         "AND docket_id IS NOT NULL") == "2"
    pub = http.get(ap.url(f"{CASENET}/case/{case_number}"), timeout=30)
    assert pub.status_code == 200
    assert f"Motion filed electronically (envelope {number})." in plain(pub.text)
    assert f"Exhibit filed electronically (envelope {number})." in plain(pub.text)

    # The tracker: exactly one e-mail per accepted document.
    subject = f"Case {case_number}: new docket entry"
    smtp.wait_for(to=tracker.email, subject=subject, count=2, timeout=30)
    # The status notice: the filer (the group administrator in copy) and the
    # verified notification address; never the unverified one.
    accepted_subject = f"eFiling envelope {number}: Accepted"
    m = smtp.wait_for(to=acct.email, subject=accepted_subject, timeout=20)
    assert gadmin.email in (m.message.get("Cc") or "")
    assert number in m.body and case_number in m.body and "Accepted" in m.body
    smtp.wait_for(to=notify, subject=accepted_subject, timeout=20)
    delivery_settled(mariadb, smtp, acct.email, notify, unverified)
    smtp.assert_none(to=unverified)

    # Accepting again: a message, nothing changed, no further notice.
    rr = s.post(env_url(ap, env_id, "/accept"), data={"mc_csrf": csrf_of(rr.text)}, timeout=30)
    assert rr.status_code == 409
    assert "This envelope was already Accepted by the court; nothing was changed." in plain(
        rr.text)
    rr = s.post(env_url(ap, env_id, "/reject"),
                data={"mc_csrf": csrf_of(rr.text), "reason": "Wrong court"}, timeout=30)
    assert rr.status_code == 409 and "already Accepted" in plain(rr.text)
    assert len(docket(mariadb, case_id)) == 2
    assert env_row(mariadb, env_id)[0] == "accepted"
    assert len(smtp.find(to=tracker.email, subject=subject)) == 2
    assert len(smtp.find(to=acct.email, subject=accepted_subject)) == 1
    # History and audit.
    hist = [h for h, in mariadb.sql("SELECT status FROM mc_ef_history WHERE envelope_id = "
                                    f"{env_id} ORDER BY id")]
    assert hist == ["submitted", "review", "accepted"]
    events = [e for e, in mariadb.sql("SELECT event FROM mc_audit WHERE detail LIKE "
                                      f"'envelope {number} %' ORDER BY id")]
    assert events == ["efiling-open", "efiling-accept"]
    # The queue now lists it among the accepted.
    r = s.get(ap.url(f"{ECF}/clerk?status=accepted"), timeout=30)
    assert number in r.text


def test_repeated_docketing_is_harmless(apache, new_account, smtp, mariadb):
    """A document already docketed (its ref exists) is not docketed again."""
    ap = apache
    court = ef_court(mariadb)
    case_id, _ = seed_case(mariadb, court, caption=f"{unique_tag()} V ACME")
    acct = filer(mariadb, new_account)
    env_id, number = make_envelope(mariadb, court, acct, case_id=case_id, status="review")
    first = int(mariadb.value(f"SELECT MIN(id) FROM mc_ef_document WHERE envelope_id = {env_id}"))
    mariadb.sql("INSERT INTO mc_docket (case_id, ref, entry_date, entry_type, text, created_at) "
                f"VALUES ({case_id}, 'ef-doc-{first}', UTC_DATE(), 'Motion', 'earlier', "
                "UTC_TIMESTAMP())")
    s, _ = clerk_session(ap, new_account, smtp, court)
    act(s, ap, env_id, "accept")
    assert [e[3] for e in docket(mariadb, case_id)] == [f"ef-doc-{first}", f"ef-doc-{first + 1}"]
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_document WHERE envelope_id = {env_id} "
                         "AND docket_id IS NOT NULL") == "2"


# ---- a new case --------------------------------------------------------------------------

def test_accept_new_case(apache, new_account, smtp, mariadb):
    ap = apache
    court = ef_court(mariadb)
    tag = unique_tag()
    pfx = court["prefix"]
    # Existing numbers of the prefix: the highest CC is 41; other types do not count.
    seed_case(mariadb, court, number=f"{pfx}-CC00007")
    seed_case(mariadb, court, number=f"{pfx}-CC00041")
    seed_case(mariadb, court, number=f"{pfx}-AC00900", case_type="AC")
    acct = filer(mariadb, new_account)
    parties = (("petitioner", "person", f"{tag}SMITH", "JANE"),
               ("respondent", "business", f"{tag} HOLDINGS LLC", ""))
    env_id, number = make_envelope(mariadb, court, acct, kind="new", case_type="CC",
                                   caption=f"{tag}SMITH V {tag} HOLDINGS LLC",
                                   docs=(("PET", True), ("EXH", False)), parties=parties)
    env2, number2 = make_envelope(mariadb, court, acct, kind="new", case_type="CC",
                                  caption=f"{tag}JONES V STATE", docs=(("PET", True),),
                                  parties=(("petitioner", "person", f"{tag}JONES", "AL"),))
    s, _ = clerk_session(ap, new_account, smtp, court)

    r = s.get(ap.url(f"{ECF}/clerk?court={court['code']}"), timeout=30)
    assert "New case: Circuit Civil" in plain(r.text)
    r = page(s, ap, env_id)
    t = plain(r.text)
    assert f"{tag}SMITH, JANE" in t and f"{tag} HOLDINGS LLC" in t and "Petitioner" in t
    assert "New case" in t and "Circuit Civil (CC)" in t

    act(s, ap, env_id, "open")
    rr = act(s, ap, env_id, "accept")
    new_number = f"{pfx}-CC00042"
    assert new_number in plain(rr.text)
    case = mariadb.sql("SELECT id, court_code, case_type, caption, filed_on = UTC_DATE(), "
                       f"status, confidential FROM mc_case WHERE number = {_q(new_number)}")
    assert len(case) == 1
    cid = int(case[0][0])
    assert list(case[0][1:]) == [court["code"], "CC", f"{tag}SMITH V {tag} HOLDINGS LLC", "1",
                                 "open", "0"]
    assert int(env_row(mariadb, env_id)[1]) == cid
    pids = [int(x) for x, in mariadb.sql(f"SELECT id FROM mc_ef_party WHERE envelope_id = "
                                         f"{env_id} ORDER BY id")]
    got = mariadb.sql("SELECT ref, kind, role, last_name, first_name, case_confidential FROM "
                      f"mc_party WHERE case_id = {cid} ORDER BY id")
    assert [list(g) for g in got] == [
        [f"ef-{pids[0]}", "person", "petitioner", f"{tag}SMITH", "JANE", "0"],
        [f"ef-{pids[1]}", "business", "respondent", f"{tag} HOLDINGS LLC", "", "0"]]
    assert [e[0] for e in docket(mariadb, cid)] == ["Petition", "Exhibit"]
    hist_note = mariadb.value(f"SELECT note FROM mc_ef_history WHERE envelope_id = {env_id} "
                              "AND status = 'accepted'")
    assert hist_note == f"Case {new_number} created."
    m = smtp.wait_for(to=acct.email, subject=f"eFiling envelope {number}: Accepted", timeout=20)
    assert f"Case {new_number} created." in m.body and new_number in m.body

    # Searchable by party name on Case.net, and its page is public.
    r = s.get(ap.url(f"{CASENET}/search/name?last={tag}SMITH"), timeout=30)
    assert r.status_code == 200 and new_number in r.text
    r = s.get(ap.url(f"{CASENET}/case/{new_number}"), timeout=30)
    assert r.status_code == 200 and "Petition filed electronically" in plain(r.text)

    # The next new case of the prefix and type gets the next number.
    act(s, ap, env2, "open")
    act(s, ap, env2, "accept")
    assert mariadb.value("SELECT c.number FROM mc_ef_envelope e JOIN mc_case c ON c.id = "
                         f"e.case_id WHERE e.id = {env2}") == f"{pfx}-CC00043"
    # Accepting again makes no second case.
    rr = s.post(env_url(ap, env_id, "/accept"), data={"mc_csrf": csrf_of(rr.text)}, timeout=30)
    assert rr.status_code == 409
    assert mariadb.value("SELECT COUNT(*) FROM mc_case WHERE court_code = "
                         f"{_q(court['code'])} AND case_type = 'CC'") == "4"


# ---- reject ------------------------------------------------------------------------------

def test_reject(apache, new_account, smtp, mariadb):
    ap = apache
    court = ef_court(mariadb)
    case_id, case_number = seed_case(mariadb, court, caption=f"{unique_tag()} V ACME")
    acct, gid = group_filer(mariadb, new_account)
    env_id, number = make_envelope(mariadb, court, acct, case_id=case_id, group_id=gid)
    s, _ = clerk_session(ap, new_account, smtp, court)

    # Bad input: a message, 400, what was typed kept, nothing changed.
    for fields, msg in (({"reason": ""}, "Reason: choose the reason for the rejection."),
                        ({"reason": "Bored"}, "Reason: choose one of the listed reasons."),
                        ({"reason": "Other", "text": "  "},
                         "Explanation: say why the envelope is rejected (required when the "
                         "reason is Other)."),
                        ({"reason": "Other", "text": "x" * 2001},
                         "Explanation: at most 2000 characters."),
                        ({"reason": "Other", "text": "bad\x01char"},
                         "Explanation: remove the control characters")):
        rr = act(s, ap, env_id, "reject", fields, expect=400)
        assert msg in plain(rr.text), fields
        if fields.get("reason") == "Other" and fields["text"].strip():
            assert re.search(r'<option[^>]*value="Other"[^>]*selected', rr.text)
    assert env_row(mariadb, env_id)[0] == "submitted"

    # Rejected straight from Submitted, with a reason and text.
    text = "The petition is not signed on page 3."
    rr = act(s, ap, env_id, "reject", {"reason": "Missing signature", "text": text})
    assert "The envelope was rejected" in plain(rr.text)
    assert list(env_row(mariadb, env_id)[:4]) == ["rejected", str(case_id),
                                                  "Missing signature", text]
    t = plain(rr.text)
    assert "Missing signature" in t and text in t and "Rejected" in t
    note = mariadb.value(f"SELECT note FROM mc_ef_history WHERE envelope_id = {env_id} AND "
                         "status = 'rejected'")
    assert note == f"Reason: Missing signature. {text}"
    m = smtp.wait_for(to=acct.email, subject=f"eFiling envelope {number}: Rejected", timeout=20)
    assert "Missing signature" in m.body and text in m.body
    assert docket(mariadb, case_id) == []
    # A decision on a decided envelope: a message, nothing changed.
    for action in ("accept", "open", "reject"):
        rr = s.post(env_url(ap, env_id, f"/{action}"),
                    data={"mc_csrf": csrf_of(rr.text), "reason": "Other", "text": "again"},
                    timeout=30)
        assert rr.status_code == 409, action
        assert "This envelope was already Rejected by the court; nothing was changed." in plain(
            rr.text)
    assert list(env_row(mariadb, env_id)[:4]) == ["rejected", str(case_id),
                                                  "Missing signature", text]

    # "Other" with its explanation, from Under Review.
    env2, _ = make_envelope(mariadb, court, acct, case_id=case_id, group_id=gid)
    act(s, ap, env2, "open")
    act(s, ap, env2, "reject", {"reason": "Other", "text": "Filed twice."})
    assert list(env_row(mariadb, env2)[:4]) == ["rejected", str(case_id), "Other",
                                               "Filed twice."]
    assert mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'efiling-reject' AND "
                         f"account_id = {acct.id}") == "2"

    # An envelope its filer cancelled: shown, but no decision is taken on it.
    env3, _ = make_envelope(mariadb, court, acct, case_id=case_id, status="cancelled")
    r = page(s, ap, env3)
    assert "Cancelled" in plain(r.text) and "/open" not in r.text and "/reject" not in r.text
    rr = s.post(env_url(ap, env3, "/open"), data={"mc_csrf": csrf_of(r.text)}, timeout=30)
    assert rr.status_code == 409
    assert "This envelope was already Cancelled by the filer; nothing was changed." in plain(
        rr.text)
    assert env_row(mariadb, env3)[0] == "cancelled"


def test_accept_needs_casenet(make_apache, new_account, smtp, mariadb):
    """A site without Case.net mounted cannot put documents on a docket:
    accepting is refused with a sentence, nothing changed (rejecting works)."""
    ap = make_apache(plugins=["registration", "groups", "efiling"])
    court = ef_court(mariadb)
    case_id, _ = seed_case(mariadb, court, caption=f"{unique_tag()} V ACME")
    acct = filer(mariadb, new_account)
    env_id, _ = make_envelope(mariadb, court, acct, case_id=case_id)
    s, _ = clerk_session(ap, new_account, smtp, court)
    act(s, ap, env_id, "open")
    rr = act(s, ap, env_id, "accept", expect=409)
    assert ("This envelope cannot be accepted: Case.net (the casetrack plugin) is not mounted "
            "on this site") in plain(rr.text)
    assert env_row(mariadb, env_id)[0] == "review" and docket(mariadb, case_id) == []
    act(s, ap, env_id, "reject", {"reason": "Wrong court"})
    assert env_row(mariadb, env_id)[0] == "rejected"


def test_queue_order_and_paging(apache, new_account, smtp, mariadb):
    """Oldest first, 25 a page, per court; decided envelopes under their filter."""
    ap = apache
    court = ef_court(mariadb)
    case_id, _ = seed_case(mariadb, court, caption=f"{unique_tag()} V ACME")
    acct = filer(mariadb, new_account)
    numbers = []
    for i in range(27):
        eid, num = make_envelope(mariadb, court, acct, case_id=case_id, docs=(("MOT", True),),
                                 status="review" if i % 2 else "submitted")
        mariadb.sql("UPDATE mc_ef_envelope SET submitted_at = UTC_TIMESTAMP() - INTERVAL "
                    f"{100 - i} MINUTE WHERE id = {eid}")
        numbers.append(num)
    done, _ = make_envelope(mariadb, court, acct, case_id=case_id, status="rejected")
    done_number = mariadb.value(f"SELECT number FROM mc_ef_envelope WHERE id = {done}")
    s, _ = clerk_session(ap, new_account, smtp, court)
    r = s.get(ap.url(f"{ECF}/clerk"), timeout=30)
    shown = re.findall(r"EF\d{4}-9\d{6}", r.text)
    assert shown == numbers[:25]
    t = plain(r.text)
    assert "27 envelope(s). Page 1 of 2 " in t and "Under Review" in t
    nxt = re.search(r'<a href="([^"]+)" rel="next"', r.text).group(1).replace("&amp;", "&")
    r = s.get(ap.url(nxt), timeout=30)
    assert re.findall(r"EF\d{4}-9\d{6}", r.text) == numbers[25:]
    assert "Page 2 of 2 " in plain(r.text) and 'rel="prev"' in r.text
    r = s.get(ap.url(f"{ECF}/clerk?status=review"), timeout=30)
    assert re.findall(r"EF\d{4}-9\d{6}", r.text) == numbers[1::2]
    r = s.get(ap.url(f"{ECF}/clerk?status=rejected"), timeout=30)
    assert re.findall(r"EF\d{4}-9\d{6}", r.text) == [done_number]
    r = s.get(ap.url(f"{ECF}/clerk?page=abc"), timeout=30)
    assert r.status_code == 400 and "Page: a page number is a whole number." in plain(r.text)
