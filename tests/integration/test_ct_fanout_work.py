"""A docket entry's fan-out does no more work a tracker than it needs
(issue 13: the 100,000-tracker fan-out under 2 s). mc_case_docket_add's
statements, as MariaDB's slow query log (long_query_time 0, into a table)
records them while a clerk adds an entry on a case with TRACKERS e-mail
trackers: the statement that stores the Stop Tracking links' hashes
examines no more rows than the one that queues texts and calls (mc_track
alone, read the same way: mc_track's foreign key already says each
tracking's account exists), and the e-mails' one account a tracker more.
Joining mc_account for the hashes, as the fan-out did, reads TRACKERS rows
more.

Each notice still gets its own link and hash (test_ct_notify,
test_ct_track); here the number of rows and notices only."""
from harness.mariadb import sql_quote
from helpers_casenet import seed_case, seed_court, unique_tag
from test_ct_clerk import clerk_session, plain
from test_ct_notify import add_entry

TRACKERS = 150


def slow_log(mariadb, saved=None):
    """Turn the slow query log on for every statement, into mysql.slow_log;
    returns the settings it changed. slow_log(mariadb, saved) puts them
    back."""
    names = ("log_output", "long_query_time", "slow_query_log")
    if saved:
        mariadb.sql("; ".join(f"SET GLOBAL {n} = " + (v if n == "long_query_time" else sql_quote(v))
                              for n, v in saved.items()), database="mysql")
        return None
    saved = dict(mariadb.sql("SHOW GLOBAL VARIABLES WHERE Variable_name IN "
                             f"({', '.join(sql_quote(n) for n in names)})", database="mysql"))
    mariadb.sql("SET GLOBAL log_output = 'TABLE'; TRUNCATE TABLE mysql.slow_log; "
                "SET GLOBAL long_query_time = 0; SET GLOBAL slow_query_log = 1",
                database="mysql")
    return saved


def test_fanout_hashes_read_the_trackers_alone(make_apache, new_account, smtp, mariadb):
    court = seed_court(mariadb)
    tag = unique_tag()
    case_id, number = seed_case(mariadb, court, caption=f"{tag} V FANOUT")
    user = f"fan{tag.lower()}"
    mariadb.sql("INSERT INTO mc_account (username, email, password_hash, status, email_verified,"
                " first_name, last_name, created_at)"
                f" SELECT CONCAT({sql_quote(user)}, seq), CONCAT({sql_quote(user)}, seq,"
                " '@example.test'), '!', 'active', 1, 'Fan', 'Out', UTC_TIMESTAMP()"
                f" FROM seq_1_to_{TRACKERS}")
    mariadb.sql("INSERT INTO mc_track (account_id, case_id, channel, recipient, frequency,"
                f" active, created_at) SELECT a.id, {case_id}, 'email', a.email, 'each', 1,"
                f" UTC_TIMESTAMP() FROM mc_account a WHERE a.username LIKE"
                f" {sql_quote(user + '%')}")

    saved = slow_log(mariadb)
    try:
        # An Apache of its own: a session's long_query_time is the global
        # one when it connects, and the session Apache's are connected.
        ap = make_apache()
        s, _ = clerk_session(ap, new_account, smtp, court)
        r = add_entry(s, ap, number, f"Order {tag}")
        rows = mariadb.sql(f"SELECT rows_examined, sql_text FROM mysql.slow_log WHERE "
                           f"sql_text LIKE '%t.case_id = {case_id} %'", database="mysql")
    finally:
        slow_log(mariadb, saved)
    assert f"Docket entry added. {TRACKERS} notice(s) queued." in plain(r.text)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_outbox WHERE kind = 'track-entry' AND "
                         f"case_ref = {sql_quote(number)}") == str(TRACKERS)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_track_stop s JOIN mc_track t ON "
                         f"t.id = s.track_id WHERE t.case_id = {case_id}") == str(TRACKERS)

    def examined(*marks):
        found = [int(n) for n, t in rows if all(m in t for m in marks)]
        assert len(found) == 1, (marks, [t[:100] for _, t in rows])
        return found[0]

    # The texts and calls (none here) read mc_track alone: the hashes read
    # it the same way and no more; the e-mails one account a tracker more.
    texts = examined("INSERT INTO mc_outbox", "t.channel IN ('sms', 'voice')")
    assert texts >= TRACKERS
    assert examined("INSERT INTO mc_track_stop") <= texts
    assert examined("INSERT INTO mc_outbox", "'email', a.email") <= texts + TRACKERS
