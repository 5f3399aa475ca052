"""Track This Case notices caused by court-data changes (issue 5): a clerk's
docket entry makes exactly one e-mail per e-mail tracker at the real SMTP
test server, one SMS record per SMS tracker, one call per voice tracker,
and one digest per digest tracker (`mocourts-admin case-tasks` after the
digest time); nothing for stopped trackers or a confidential case; the
e-mail carries the case link and the tracker's own Stop Tracking link;
hearing reminders 10 and 2 days before, each exactly once.

Trackers are written straight into mc_track (the Track This Case pages are
tested in their own file). The session Apache's delivery worker sends."""
import concurrent.futures
import datetime
import re
import secrets

from harness import web
from helpers_casenet import CASENET, seed_case, seed_court, seed_hearing, unique_tag
from helpers_core import delivery_settled
from test_ct_clerk import PAST, add_tracker, case_page, clerk_session, plain

TASKS_RE = re.compile(r"case-tasks: (\d+) hearing reminder\(s\) and (\d+) daily digest\(s\) "
                      r"queued")


def phone():
    return "+1573" + "".join(secrets.choice("0123456789") for _ in range(7))


def tasks(admin, at, *extra):
    """Run `case-tasks --at at`; returns (reminders, digests) it queued."""
    r = admin.run("case-tasks", "--at", at, *extra)
    m = TASKS_RE.search(r.stdout)
    assert m, r.stdout + r.stderr
    return int(m.group(1)), int(m.group(2))


def stop_link(mariadb, ap, mail, track_id):
    """The e-mail's own Stop Tracking link, of tracking track_id: its
    token's SHA-256 (only) is in mc_track_stop, and the e-mail names it for
    RFC 8058 one-click unsubscribe. Returns the link."""
    m = re.search(rf"({re.escape(ap.base_url + CASENET)}/stop/{track_id}/([A-Za-z0-9_-]{{43}}))\s",
                  mail.body)
    assert m, mail.body
    token = m.group(2)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_track_stop WHERE track_id = {track_id} AND "
                         f"token_hash = SHA2('{token}', 256)") == "1"
    assert mail.message.get_all("List-Unsubscribe") == [f"<{m.group(1)}>"], mail.message.items()
    assert mail.message.get_all("List-Unsubscribe-Post") == ["List-Unsubscribe=One-Click"]
    return m.group(1)


def utc(dt):
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def add_entry(s, ap, number, text, entry_type="Order"):
    r = web.submit(s, case_page(s, ap, number),
                   {"d_date": PAST, "d_type": entry_type, "d_text": text},
                   action_contains="/docket", timeout=30)
    assert r.status_code == 200, r.text[:1500]
    return r


def test_entry_notices(apache, admin, new_account, smtp, gateway, mariadb):
    ap = apache
    court = seed_court(mariadb)
    tag = unique_tag()
    case_id, number = seed_case(mariadb, court, caption=f"{tag} V ACME")
    other_id, _ = seed_case(mariadb, court, caption=f"{tag} V OTHER")
    s, _ = clerk_session(ap, new_account, smtp, court)

    mail1, mail2 = new_account(prefix="ctm"), new_account(prefix="ctm")
    texter, caller = new_account(prefix="cts"), new_account(prefix="ctv")
    daily_mail, daily_sms = new_account(prefix="ctd"), new_account(prefix="ctd")
    stopped, elsewhere = new_account(prefix="ctx"), new_account(prefix="cty")
    sms_no, voice_no, daily_no = phone(), phone(), phone()
    t1 = add_tracker(mariadb, mail1, case_id)
    t2 = add_tracker(mariadb, mail2, case_id)
    add_tracker(mariadb, texter, case_id, channel="sms", recipient=sms_no)
    add_tracker(mariadb, caller, case_id, channel="voice", recipient=voice_no)
    td = add_tracker(mariadb, daily_mail, case_id, frequency="daily")
    add_tracker(mariadb, daily_sms, case_id, channel="sms", recipient=daily_no, frequency="daily")
    add_tracker(mariadb, stopped, case_id, active=False)
    add_tracker(mariadb, elsewhere, other_id)

    text = f"Order granting motion {tag}"
    r = add_entry(s, ap, number, text)
    # 4 notices (2 e-mail, 1 SMS, 1 call) and 2 digest items.
    assert "Docket entry added. 6 notice(s) queued." in plain(r.text)
    subject = f"Case {number}: new docket entry"
    links = {}
    for who, tid in ((mail1, t1), (mail2, t2)):
        m = smtp.wait_for(to=who.email, subject=subject, timeout=20)
        assert m.subject == subject
        body = m.body
        assert f"{ap.base_url}{CASENET}/case/{number}" in body
        assert text in body and f"{tag} V ACME" in body and "Test Circuit Court" in body
        assert "Order" in body and PAST in body
        assert m.message.get("Cc") is None
        links[who.id] = stop_link(mariadb, ap, m, tid)
    sms = gateway.wait_for(recipient=sms_no, channel="sms", timeout=20)
    assert number in sms["body"] and f"{CASENET}/case/{number}" in sms["body"]
    assert text in sms["body"]
    call = gateway.wait_for(recipient=voice_no, channel="voice", timeout=20)
    assert number in call["body"] and "http" not in call["body"]
    # Outbox rows as the notification history reads them; no copy to anybody.
    rows = mariadb.sql(f"SELECT account_id, channel, kind, cc FROM mc_outbox WHERE case_ref = "
                       f"'{number}' ORDER BY id")
    assert sorted((int(a), c, k, cc) for a, c, k, cc in rows) == sorted(
        [(mail1.id, "email", "track-entry", None), (mail2.id, "email", "track-entry", None),
         (texter.id, "sms", "track-entry", None), (caller.id, "voice", "track-entry", None)])
    # Exactly one each; nothing for the stopped, the daily or the other case's trackers.
    delivery_settled(mariadb, smtp, stopped.email, mail1.email, mail2.email, daily_mail.email,
                     elsewhere.email, sms_no, voice_no, daily_no)
    smtp.assert_none(to=stopped.email)
    for who in (mail1, mail2):
        assert len(smtp.find(to=who.email, subject=subject)) == 1
    for who in (daily_mail, elsewhere):
        assert smtp.find(to=who.email) == []
    assert len(gateway.find(recipient=sms_no)) == 1
    assert len(gateway.find(recipient=voice_no)) == 1
    assert gateway.find(recipient=daily_no) == []
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_track_digest g JOIN mc_track t ON "
                         f"t.id = g.track_id WHERE t.case_id = {case_id}") == "2"

    # The daily digest: not before the digest time, then once per digest tracker.
    day = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)).date()
    assert tasks(admin, f"{day} 21:59:00")[1] == 0
    text2 = f"Second entry {tag}"
    add_entry(s, ap, number, text2, entry_type="Notice")
    tasks(admin, f"{day} 22:00:00")
    digest_subject = f"Case {number}: daily digest, 2 new docket entries"
    m = smtp.wait_for(to=daily_mail.email, subject=digest_subject, timeout=20)
    assert text in m.body and text2 in m.body
    stop_link(mariadb, ap, m, td)
    assert f"{ap.base_url}{CASENET}/case/{number}" in m.body
    dsms = gateway.wait_for(recipient=daily_no, channel="sms", timeout=20)
    assert "2 new docket entries" in dsms["body"] and number in dsms["body"]
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_track_digest g JOIN mc_track t ON "
                         f"t.id = g.track_id WHERE t.case_id = {case_id}") == "0"
    # Again the same day: nothing more.
    assert tasks(admin, f"{day} 23:00:00")[1] == 0
    delivery_settled(mariadb, smtp, daily_mail.email, daily_no)
    smtp.assert_none(to=daily_mail.email, subject="daily digest",
                     predicate=lambda x: x is not m)
    assert len(gateway.find(recipient=daily_no)) == 1
    # A new entry goes in the next day's digest, alone.
    text3 = f"Third entry {tag}"
    add_entry(s, ap, number, text3)
    assert tasks(admin, f"{day} 23:30:00")[1] == 0
    tasks(admin, f"{day + datetime.timedelta(days=1)} 22:05:00")
    m2 = smtp.wait_for(to=daily_mail.email, subject=f"Case {number}: daily digest, 1 new docket "
                       "entry", timeout=20)
    assert text3 in m2.body and text not in m2.body
    assert len(smtp.find(to=daily_mail.email, subject="daily digest")) == 2
    # The 'each' trackers had one e-mail per entry: three.
    assert len(smtp.find(to=mail1.email, subject=subject)) == 3
    # A mail program's one-click unsubscribe (RFC 8058: a POST of
    # List-Unsubscribe=One-Click to the header's URL, no cookies) stops the
    # alerts: the next entry reaches mail2 only.
    r = web.new_session().post(links[mail1.id], data={"List-Unsubscribe": "One-Click"},
                               timeout=30)
    assert r.status_code == 200, r.text[:1500]
    assert mariadb.value(f"SELECT CONCAT(active, ' ', stopped_why) FROM mc_track WHERE id = "
                         f"{t1}") == "0 link"
    add_entry(s, ap, number, f"Fourth entry {tag}")
    smtp.wait_for(to=mail2.email, subject=subject, count=4, timeout=20)
    assert len(smtp.find(to=mail1.email, subject=subject)) == 3


def test_confidential_case_notifies_nobody(apache, admin, new_account, smtp, gateway, mariadb):
    ap = apache
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption=f"{unique_tag()} V SEALED")
    s, _ = clerk_session(ap, new_account, smtp, court)
    mailer, daily, texter = (new_account(prefix="ctc"), new_account(prefix="ctc"),
                             new_account(prefix="ctc"))
    sms_no = phone()
    add_tracker(mariadb, mailer, case_id)
    tdaily = add_tracker(mariadb, daily, case_id, frequency="daily")
    add_tracker(mariadb, texter, case_id, channel="sms", recipient=sms_no)
    # A digest item waiting, and a notice of the case not yet sent (retrying).
    mariadb.sql(f"INSERT INTO mc_docket (case_id, entry_date, entry_type, text, created_at) "
                f"VALUES ({case_id}, '{PAST}', 'Order', 'Earlier', UTC_TIMESTAMP());"
                f"INSERT INTO mc_track_digest (track_id, docket_id) VALUES ({tdaily}, "
                f"LAST_INSERT_ID());"
                f"INSERT INTO mc_outbox (account_id, channel, recipient, subject, body, kind, "
                f"case_ref, status, attempts, queued_at, next_attempt_at) VALUES ({mailer.id}, "
                f"'email', '{mailer.email}', 'Case {number}: new docket entry', 'x', "
                f"'track-entry', '{number}', 'retrying', 1, UTC_TIMESTAMP(), "
                f"UTC_TIMESTAMP() + INTERVAL 1 HOUR)")
    page = case_page(s, ap, number)
    r = web.submit(s, page, {"c_on": "1", "c_confirm": "1"}, action_contains="/confidential",
                   timeout=30)
    assert "The case is now confidential" in plain(r.text)
    assert mariadb.sql(f"SELECT status, last_error FROM mc_outbox WHERE case_ref = '{number}'"
                       ) == [("failed", "The case was made confidential.")]
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_track_digest WHERE track_id = "
                         f"{tdaily}") == "0"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_track WHERE case_id = {case_id} AND "
                         f"active = 0 AND stopped_why = 'confidential'") == "3"
    r = add_entry(s, ap, number, "Sealed order")
    assert "Docket entry added. 0 notice(s) queued." in plain(r.text)
    # Even a tracking left active by mistake gets nothing while confidential.
    mariadb.sql(f"UPDATE mc_track SET active = 1 WHERE case_id = {case_id}")
    r = add_entry(s, ap, number, "Another sealed order")
    assert "Docket entry added. 0 notice(s) queued." in plain(r.text)
    day = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=40)).date()
    tasks(admin, f"{day} 23:00:00")
    delivery_settled(mariadb, smtp, mailer.email, daily.email, sms_no)
    smtp.assert_none(to=mailer.email)
    smtp.assert_none(to=daily.email)
    assert gateway.find(recipient=sms_no) == []
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_outbox WHERE case_ref = '{number}'") == "1"


def test_hearing_reminders(apache, admin, new_account, smtp, gateway, mariadb):
    """10 and 2 days before, each exactly once, to every active tracker (any
    frequency, by its channel); the hearing is far enough ahead that the
    session Apache's own rounds (as of the real now) never reach it."""
    ap = apache
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption=f"{unique_tag()} V REMIND")
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0, tzinfo=None)
    hearing = (now + datetime.timedelta(days=120)).replace(hour=14, minute=30, second=0)
    hid = seed_hearing(mariadb, case_id, utc(hearing), hearing_type="Trial Setting",
                       location="Division 7")
    mailer, texter, stopped = (new_account(prefix="ctr"), new_account(prefix="ctr"),
                               new_account(prefix="ctr"))
    sms_no = phone()
    tm = add_tracker(mariadb, mailer, case_id)
    add_tracker(mariadb, texter, case_id, channel="sms", recipient=sms_no, frequency="daily")
    add_tracker(mariadb, stopped, case_id, active=False)
    subject = f"Case {number}: hearing reminder, {hearing:%Y-%m-%d %H:%M}"

    def at(delta):
        return tasks(admin, utc(hearing - delta))[0]

    assert at(datetime.timedelta(days=10, seconds=1)) == 0
    assert at(datetime.timedelta(days=10)) == 2
    assert at(datetime.timedelta(days=10)) == 0
    assert at(datetime.timedelta(days=5)) == 0
    m = smtp.wait_for(to=mailer.email, subject=subject, timeout=20)
    assert "Reminder: a hearing in 10 days on case" in m.body
    assert "Trial Setting" in m.body and "Division 7" in m.body
    assert f"{hearing:%Y-%m-%d}" in m.body and f"{hearing:%H:%M}" in m.body
    stop_link(mariadb, ap, m, tm)
    assert f"{ap.base_url}{CASENET}/case/{number}" in m.body
    call = gateway.wait_for(recipient=sms_no, channel="sms", timeout=20)
    assert "Trial Setting" in call["body"] and number in call["body"]

    assert at(datetime.timedelta(days=2, seconds=1)) == 0
    assert at(datetime.timedelta(days=2)) == 2
    assert at(datetime.timedelta(days=1)) == 0
    assert at(datetime.timedelta(seconds=1)) == 0
    assert at(-datetime.timedelta(hours=1)) == 0
    mails = smtp.wait_for(to=mailer.email, subject=subject, count=2, timeout=20)
    assert "Reminder: a hearing in 2 days on case" in mails[1].body
    # Each e-mail has a Stop Tracking link of its own; both work.
    assert stop_link(mariadb, ap, mails[0], tm) != stop_link(mariadb, ap, mails[1], tm)
    gateway.wait_for(recipient=sms_no, channel="sms", count=2, timeout=20)
    delivery_settled(mariadb, smtp, stopped.email, mailer.email, sms_no)
    smtp.assert_none(to=stopped.email)
    assert len(smtp.find(to=mailer.email, subject=subject)) == 2
    assert len(gateway.find(recipient=sms_no)) == 2
    assert sorted(mariadb.sql(f"SELECT days_before FROM mc_track_reminder WHERE hearing_id = "
                              f"{hid}")) == [("10",), ("10",), ("2",), ("2",)]
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_outbox WHERE case_ref = '{number}' AND "
                         f"kind = 'track-reminder'") == "4"


def test_hearing_reminder_says_the_real_distance(apache, admin, new_account, smtp, gateway,
                                                 mariadb):
    """A reminder says how far the hearing really is (issue 10 §5): the
    10-day reminder of a hearing 5 days away says "in 5 days", the 2-day one
    sent the day before says "tomorrow", one sent that day "today"; the SMS
    names the hearing type once ("Short Notice Hearing", not "... Hearing
    hearing")."""
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption=f"{unique_tag()} V SOON")
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0, tzinfo=None)
    hearing = (now + datetime.timedelta(days=130)).replace(hour=14, minute=30, second=0)
    seed_hearing(mariadb, case_id, utc(hearing), hearing_type="Short Notice Hearing",
                 location="Division 4")
    mailer = new_account(prefix="ctn")
    sms_no = phone()
    add_tracker(mariadb, mailer, case_id)
    add_tracker(mariadb, new_account(prefix="ctn"), case_id, channel="sms", recipient=sms_no)
    subject = f"Case {number}: hearing reminder, {hearing:%Y-%m-%d %H:%M}"

    # Scheduled 5 days ahead: the first reminder due is the 10-day one.
    assert tasks(admin, utc(hearing - datetime.timedelta(days=5)))[0] == 2
    m = smtp.wait_for(to=mailer.email, subject=subject, timeout=20)
    assert "Reminder: a hearing in 5 days on case" in m.body, m.body
    assert "about" not in m.body and "10 days" not in m.body, m.body
    sms = gateway.wait_for(recipient=sms_no, channel="sms", timeout=20)["body"]
    assert "Short Notice Hearing in 5 days" in sms, sms
    assert "Hearing hearing" not in sms and "10 days" not in sms, sms
    assert f"{hearing:%Y-%m-%d} at {hearing:%H:%M}" in sms and "Division 4" in sms, sms

    # The day before: the 2-day reminder says "tomorrow".
    assert tasks(admin, utc(hearing - datetime.timedelta(days=1)))[0] == 2
    mails = smtp.wait_for(to=mailer.email, subject=subject, count=2, timeout=20)
    assert "Reminder: a hearing tomorrow on case" in mails[1].body, mails[1].body
    assert "2 days" not in mails[1].body, mails[1].body
    texts = gateway.wait_for(recipient=sms_no, channel="sms", count=2, timeout=20)
    assert "Short Notice Hearing tomorrow" in texts[1]["body"], texts[1]["body"]
    assert "Hearing hearing" not in texts[1]["body"], texts[1]["body"]

    # A hearing later the same day: "today".
    case2, number2 = seed_case(mariadb, court, caption=f"{unique_tag()} V TODAY")
    seed_hearing(mariadb, case2, utc(hearing), hearing_type="Trial Setting")
    late = new_account(prefix="ctn")
    add_tracker(mariadb, late, case2)
    assert tasks(admin, utc(hearing - datetime.timedelta(hours=3)))[0] == 1
    m = smtp.wait_for(to=late.email, subject=f"Case {number2}: hearing reminder", timeout=20)
    assert "Reminder: a hearing today on case" in m.body, m.body


def test_hearing_from_clerk_page_notifies(apache, admin, new_account, smtp, mariadb):
    """Scheduling a hearing adds a "Hearing Scheduled" entry that notifies
    like any other; a hearing scheduled less than 10 days ahead gets only
    the reminders still to come."""
    ap = apache
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court)
    s, _ = clerk_session(ap, new_account, smtp, court)
    mailer = new_account(prefix="cth")
    add_tracker(mariadb, mailer, case_id)
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=200)
    r = web.submit(s, case_page(s, ap, number),
                   {"h_date": f"{when:%Y-%m-%d}", "h_time": "10:15", "h_type": "Motion Hearing",
                    "h_location": "Division 2"}, action_contains="/hearing", timeout=30)
    assert "1 notice(s) queued." in plain(r.text)
    m = smtp.wait_for(to=mailer.email, subject=f"Case {number}: new docket entry", timeout=20)
    assert "Hearing Scheduled" in m.body and "Motion Hearing" in m.body
    hearing = datetime.datetime.strptime(f"{when:%Y-%m-%d} 10:15:00", "%Y-%m-%d %H:%M:%S")
    # Five days before: the 10-day reminder (still more than 2 days away) ...
    assert tasks(admin, utc(hearing - datetime.timedelta(days=5)))[0] == 1
    # ... and one day before, the 2-day one; then nothing.
    assert tasks(admin, utc(hearing - datetime.timedelta(days=1)))[0] == 1
    assert tasks(admin, utc(hearing - datetime.timedelta(hours=1)))[0] == 0
    smtp.wait_for(to=mailer.email, subject="hearing reminder", count=2, timeout=20)


def test_case_tasks_arguments(admin):
    for bad in (["--at", "2026-13-01 00:00:00"], ["--at", "tomorrow"],
                ["--digest-time", "25:00"], ["--bogus"]):
        r = admin.run("case-tasks", *bad, check=False)
        assert r.returncode == 2, (bad, r.returncode)
        assert "case-tasks" in r.stderr


def test_two_workers_at_once(apache, admin, new_account, smtp, mariadb):
    """Two `case-tasks` runs at the same moment (two nodes' workers): every
    reminder and every digest still goes exactly once."""
    ap = apache
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption=f"{unique_tag()} V TWICE")
    s, _ = clerk_session(ap, new_account, smtp, court)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0, tzinfo=None)
    hearing = (now + datetime.timedelta(days=150)).replace(hour=9, minute=0, second=0)
    seed_hearing(mariadb, case_id, utc(hearing))
    each = [new_account(prefix="ctw") for _ in range(4)]
    daily = [new_account(prefix="ctw") for _ in range(4)]
    for a in each:
        add_tracker(mariadb, a, case_id)
    for a in daily:
        add_tracker(mariadb, a, case_id, frequency="daily")
    # The runs count every digest they make: none of another test's case
    # may be pending in this database (which other tests' order decides).
    mariadb.sql("DELETE g FROM mc_track_digest g JOIN mc_track t ON t.id = g.track_id "
                f"WHERE t.case_id <> {case_id}")
    add_entry(s, ap, number, "Entry for the digest")
    at = utc(hearing - datetime.timedelta(days=10))
    digest_day = f"{(hearing - datetime.timedelta(days=10)):%Y-%m-%d} 22:00:00"
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda when: tasks(admin, when), [at, at, digest_day,
                                                                  digest_day]))
    assert sum(r[0] for r in results) == 8, results
    assert sum(r[1] for r in results) == 4, results
    for a in each + daily:
        smtp.wait_for(to=a.email, subject="hearing reminder", timeout=20)
    for a in daily:
        smtp.wait_for(to=a.email, subject="daily digest", timeout=20)
    # A second copy would have been sent by now.
    delivery_settled(mariadb, smtp, *(a.email for a in each + daily))
    for a in each + daily:
        assert len(smtp.find(to=a.email, subject="hearing reminder")) == 1, a.email
    for a in daily:
        assert len(smtp.find(to=a.email, subject="daily digest")) == 1, a.email
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_outbox WHERE case_ref = '{number}' AND "
                         f"kind = 'track-reminder'") == "8"


def test_no_header_injection_from_a_bad_recipient(apache, new_account, smtp, mariadb):
    """The track pages validate recipients; a row that holds a line break
    anyway (written by hand) gets nothing rather than a forged header."""
    ap = apache
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court)
    s, _ = clerk_session(ap, new_account, smtp, court)
    good, bad = new_account(prefix="cti"), new_account(prefix="cti")
    add_tracker(mariadb, good, case_id)
    add_tracker(mariadb, bad, case_id, recipient=f"{bad.email}\r\nBcc: evil@example.test")
    r = add_entry(s, ap, number, "Order on the injection")
    assert "Docket entry added. 1 notice(s) queued." in plain(r.text)
    smtp.wait_for(to=good.email, subject=f"Case {number}", timeout=20)
    delivery_settled(mariadb, smtp, good.email, "evil@example.test")
    smtp.assert_none(to="evil@example.test")
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_outbox WHERE account_id = {bad.id}") == "0"
