"""Alert filters of Track This Case (issue 16, sql/casetrack/
0008_alert_filters.sql): a tracking alerts for every docket entry (the
default) or for the kinds of entry chosen (orders and judgments, hearings,
filings, other), on every channel: e-mail, text, call, the daily digest;
hearing reminders go to a filter that has hearings. The kind of an entry
comes from its type (MC_CASE_ENTRY_KIND, mod_mocourts/lib/mc_case.h).
(Webhooks: test_ct_api_webhooks.py.)"""
import datetime
import re

from harness import util
from helpers_casenet import CASENET, seed_case, seed_court, seed_hearing, unique_tag
from helpers_core import delivery_settled
from test_ct_clerk import add_tracker, clerk_session
from test_ct_notify import add_entry, phone, tasks, utc
from test_ct_track import holder, new_case, plain, track, track_row

KINDS = ("orders", "hearings", "filings", "other")
NONE_CHOSEN = "Choose at least one kind of docket entry to be notified of."


def boxes(html):
    """{kind: checked} of the track form's alert checkboxes."""
    out = {}
    for tag in re.findall(r'<input[^>]*type="checkbox"[^>]*>', html):
        m = re.search(r'name="alert_(\w+)"', tag)
        if m:
            out[m.group(1)] = " checked" in tag
    return out


def alert_types(mariadb, account, case_id):
    return mariadb.value(f"SELECT alert_types FROM mc_track WHERE account_id = {account.id} "
                         f"AND case_id = {case_id}")


def filtered(mariadb, track_id, kinds):
    mariadb.sql(f"UPDATE mc_track SET alert_types = '{','.join(kinds)}' WHERE id = {track_id}")
    return track_id


def test_track_form_alert_filter(apache, new_account, smtp, mariadb):
    ap = apache
    _, case_id, number = new_case(mariadb)
    s, acct = holder(ap, new_account, smtp)
    page = s.get(ap.url(f"{CASENET}/track/{number}"), timeout=30)
    assert page.status_code == 200
    # Every kind checked by default: every entry alerts, as before.
    assert boxes(page.text) == {k: True for k in KINDS}
    t = plain(page.text)
    for label in ("Which docket entries?", "Orders and judgments",
                  "Hearings set or moved, and hearing reminders",
                  "Filings: petitions, motions, answers", "Other entries"):
        assert label in t, label
    r = track(s, ap, number, method="email", frequency="each")
    assert r.status_code == 303
    assert alert_types(mariadb, acct, case_id) is None

    # Orders and hearings only: stored, shown checked, named in the header.
    r = track(s, ap, number, method="email", frequency="daily", alert_filings=None,
              alert_other=None)
    assert r.status_code == 303, plain(r.text)[:1000]
    assert alert_types(mariadb, acct, case_id) == "orders,hearings"
    assert track_row(mariadb, acct, case_id)["frequency"] == "daily"
    page = s.get(ap.url(f"{CASENET}/track/{number}"), timeout=30)
    assert boxes(page.text) == {"orders": True, "hearings": True, "filings": False,
                                "other": False}
    assert ("Daily digest; only Orders and judgments, Hearings set or moved, and hearing "
            "reminders") in plain(page.text)
    done = s.get(ap.url(f"{CASENET}/track/{number}?done=1"), timeout=30)
    assert "Alerts for Orders and judgments, Hearings set or moved" in plain(done.text)
    folder = s.get(ap.url(f"{CASENET}/mycases/{number}"), timeout=30)
    assert "only Orders and judgments" in plain(folder.text)

    # None chosen: refused, the other choices kept, the tracking unchanged.
    r = track(s, ap, number, method="email", frequency="each", alert_orders=None,
              alert_hearings=None, alert_filings=None, alert_other=None)
    assert r.status_code == 400
    assert NONE_CHOSEN in plain(r.text)
    assert boxes(r.text) == {k: False for k in KINDS}
    assert re.search(r'<input[^>]*name="alert_orders"[^>]*aria-invalid="true"', r.text)
    assert re.search(r'<input[^>]*id="frequency_each"[^>]*checked', r.text)
    assert alert_types(mariadb, acct, case_id) == "orders,hearings"

    # All four again: no filter.
    r = track(s, ap, number, method="email", frequency="each", alert_filings="1",
              alert_other="1")
    assert r.status_code == 303
    assert alert_types(mariadb, acct, case_id) is None
    assert "only" not in plain(s.get(ap.url(f"{CASENET}/mycases/{number}"), timeout=30).text)


def test_entry_kinds(mariadb):
    """The kinds of the entry types the clerk's list, the feed, the
    generator and eFiling's codes use."""
    want = {"Order": "orders", "Judgment Entered": "orders", "Order Setting Hearing": "orders",
            "Hearing Scheduled": "hearings", "Notice of Hearing": "hearings",
            "Continuance Granted": "hearings", "Trial Setting": "hearings",
            "Petition Filed": "filings", "Summons Issued": "filings", "Answer Filed": "filings",
            "Motion Filed": "filings", "Memorandum Filed": "filings",
            "Motion to Dismiss": "filings", "Notice": "other", "Other": "other",
            "ORDER": "orders"}
    court = seed_court(mariadb)
    case_id, _ = seed_case(mariadb, court)
    for t in want:
        mariadb.sql(f"INSERT INTO mc_docket (case_id, entry_date, entry_type, text, created_at) "
                    f"VALUES ({case_id}, '2026-01-05', '{t}', 'x', UTC_TIMESTAMP())")
    # The expression of mc_case.h, as the fan-out and the API run it.
    header = (util.REPO / "mod_mocourts/lib/mc_case.h").read_text()
    m = re.search(r'#define MC_CASE_ENTRY_KIND\s*\\\n((?:\s*".*"\s*\\?\n)+)', header)
    expr = "".join(re.findall(r'"(.*?)"', m.group(1)))
    got = dict(mariadb.sql(f"SELECT entry_type, {expr} FROM mc_docket WHERE case_id = "
                           f"{case_id}"))
    assert got == want


def test_filtered_trackers_each_channel_and_digest(apache, admin, new_account, smtp, gateway,
                                                   mariadb):
    """Trackers of orders only, on every channel: a Notice (other) alerts
    nobody of them, an Order alerts each once; an unfiltered tracker gets
    both; a tracker of the other kinds gets only the Notice."""
    ap = apache
    court = seed_court(mariadb)
    tag = unique_tag()
    case_id, number = seed_case(mariadb, court, caption=f"{tag} V FILTER")
    s, _ = clerk_session(ap, new_account, smtp, court)
    mailer, texter, caller, daily, every, others = (new_account(prefix="cta") for _ in range(6))
    sms_no, voice_no = phone(), phone()
    filtered(mariadb, add_tracker(mariadb, mailer, case_id), ["orders"])
    filtered(mariadb, add_tracker(mariadb, texter, case_id, channel="sms", recipient=sms_no),
             ["orders"])
    filtered(mariadb, add_tracker(mariadb, caller, case_id, channel="voice",
                                  recipient=voice_no), ["orders"])
    td = filtered(mariadb, add_tracker(mariadb, daily, case_id, frequency="daily"), ["orders"])
    add_tracker(mariadb, every, case_id)
    filtered(mariadb, add_tracker(mariadb, others, case_id), ["hearings", "filings", "other"])

    notice = f"Notice to parties {tag}"
    r = add_entry(s, ap, number, notice, entry_type="Notice")
    # Only the unfiltered and the "other" trackers' e-mails.
    assert "Docket entry added. 2 notice(s) queued." in plain(r.text)
    assert sorted(int(a) for (a,) in mariadb.sql(
        f"SELECT account_id FROM mc_outbox WHERE case_ref = '{number}'")) == sorted(
        [every.id, others.id])
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_track_digest WHERE track_id = {td}") == "0"

    order = f"Order granting motion {tag}"
    r = add_entry(s, ap, number, order, entry_type="Order")
    assert "Docket entry added. 5 notice(s) queued." in plain(r.text)  # 4 + the digest item
    subject = f"Case {number}: new docket entry"
    m = smtp.wait_for(to=mailer.email, subject=subject, timeout=20)
    assert order in m.body
    assert order in gateway.wait_for(recipient=sms_no, channel="sms", timeout=20)["body"]
    assert gateway.wait_for(recipient=voice_no, channel="voice", timeout=20)
    smtp.wait_for(to=every.email, subject=subject, count=2, timeout=20)
    delivery_settled(mariadb, smtp, mailer.email, every.email, others.email, sms_no, voice_no)
    assert len(smtp.find(to=mailer.email, subject=subject)) == 1
    assert notice not in m.body
    assert len(gateway.find(recipient=sms_no)) == 1
    assert len(gateway.find(recipient=voice_no)) == 1
    assert len(smtp.find(to=every.email, subject=subject)) == 2
    got = smtp.find(to=others.email, subject=subject)
    assert len(got) == 1 and notice in got[0].body

    # The digest holds the Order alone.
    day = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=35)).date()
    tasks(admin, f"{day} 22:00:00")
    dm = smtp.wait_for(to=daily.email, subject=f"Case {number}: daily digest, 1 new docket "
                       "entry", timeout=20)
    assert order in dm.body and notice not in dm.body


def test_reminders_follow_the_hearings_kind(apache, admin, new_account, smtp, gateway, mariadb):
    """A filter without hearings gets no hearing reminder; with hearings,
    and without a filter, one each."""
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption=f"{unique_tag()} V REMINDFILTER")
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0, tzinfo=None)
    hearing = (now + datetime.timedelta(days=150)).replace(hour=10, minute=0, second=0)
    seed_hearing(mariadb, case_id, utc(hearing), hearing_type="Trial Setting")
    no_h, with_h, every = (new_account(prefix="ctr") for _ in range(3))
    texter = new_account(prefix="ctr")
    sms_no = phone()
    filtered(mariadb, add_tracker(mariadb, no_h, case_id), ["orders", "filings"])
    filtered(mariadb, add_tracker(mariadb, texter, case_id, channel="sms", recipient=sms_no),
             ["orders"])
    filtered(mariadb, add_tracker(mariadb, with_h, case_id), ["hearings"])
    add_tracker(mariadb, every, case_id)
    assert tasks(admin, utc(hearing - datetime.timedelta(days=10)))[0] == 2
    subject = f"Case {number}: hearing reminder, {hearing:%Y-%m-%d %H:%M}"
    smtp.wait_for(to=with_h.email, subject=subject, timeout=20)
    smtp.wait_for(to=every.email, subject=subject, timeout=20)
    delivery_settled(mariadb, smtp, no_h.email, sms_no)
    smtp.assert_none(to=no_h.email)
    assert gateway.find(recipient=sms_no) == []
    # Nothing left undone for the filtered: the next round finds nothing.
    assert tasks(admin, utc(hearing - datetime.timedelta(days=9)))[0] == 0
