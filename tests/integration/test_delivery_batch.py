"""Outbox delivery in batches: one SMTP session per round, claims and
outcomes written in bulk, `mocourts-admin deliver --workers N`.

Each row of a mixed round still ends with its own outcome (sent once;
failed for good with the reason; retried with backoff), whoever sends it:
`mocourts-admin deliver` here, or the session Apache's watchdog beside it."""
import re
import secrets

from harness.mariadb import sql_quote


def _queue(mariadb, rows):
    """rows: (channel, recipient, subject, body) tuples, one INSERT."""
    values = ",".join(
        f"({sql_quote(c)}, {sql_quote(r)}, {sql_quote(s)}, {sql_quote(b)}, 'test', 'queued', 0,"
        " UTC_TIMESTAMP(), UTC_TIMESTAMP())" for c, r, s, b in rows)
    mariadb.sql("INSERT INTO mc_outbox (channel, recipient, subject, body, kind, status, attempts,"
                " queued_at, next_attempt_at) VALUES " + values, database="mocourts")


def _rows(mariadb, tag):
    return mariadb.sql("SELECT recipient, status, attempts, sent_at IS NOT NULL, claimed_by,"
                       " last_error FROM mc_outbox WHERE subject LIKE "
                       + sql_quote(f"%{tag}%") + " ORDER BY id", database="mocourts")


def test_mixed_round_records_each_outcome(admin, mariadb, smtp, gateway):
    tag = secrets.token_hex(4)
    phone = "+1573557" + f"{secrets.randbelow(10000):04d}"
    rows = [("email", f"mix{i}.{tag}@example.test", f"Mixed {tag} #{i}", f"Body {i}\n.\n")
            for i in range(40)]
    rows.insert(17, ("email", "not an address", f"Mixed {tag} bad", "Never sent."))
    rows.insert(25, ("sms", phone, f"Mixed {tag} sms", f"Text for {tag}"))
    _queue(mariadb, rows)

    r = admin.run("deliver", "--once", "--batch", "500")
    assert re.fullmatch(r"sent \d+, failed \d+\n", r.stdout), r.stdout

    done = mariadb.wait_for(
        "SELECT COUNT(*) FROM mc_outbox WHERE subject LIKE " + sql_quote(f"Mixed {tag}%")
        + " AND status IN ('queued', 'sending', 'retrying')", lambda rows: rows == [("0",)],
        timeout=30)
    assert done == [("0",)]
    mails = smtp.wait_for(subject=f"Mixed {tag} #", count=40, timeout=30)
    assert sorted(m.subject for m in mails) == sorted(f"Mixed {tag} #{i}" for i in range(40))
    assert all(m.body.replace("\r\n", "\n").startswith("Body ") for m in mails)
    assert gateway.wait_for(recipient=phone, channel="sms", timeout=15)["body"] == f"Text for {tag}"

    by_recipient = {row[0]: row[1:] for row in _rows(mariadb, tag)}
    for i in range(40):
        assert by_recipient[f"mix{i}.{tag}@example.test"] == ("sent", "1", "1", None, None)
    assert by_recipient[phone] == ("sent", "1", "1", None, None)
    status, attempts, sent, claimed, reason = by_recipient["not an address"]
    assert (status, attempts, sent, claimed) == ("failed", "1", "0", None)
    assert "recipient is not a usable e-mail address" in reason


def test_temporary_refusal_of_a_round_is_retried(admin, mariadb, smtp):
    tag = secrets.token_hex(4)
    smtp.reject_with("451 4.3.0 Try again later")
    try:
        _queue(mariadb, [("email", f"later{i}.{tag}@example.test", f"Later {tag} #{i}", "Body")
                         for i in range(5)])
        admin.run("deliver", "--once")
        mariadb.wait_for(
            "SELECT COUNT(*) FROM mc_outbox WHERE subject LIKE " + sql_quote(f"Later {tag}%")
            + " AND status = 'retrying'", lambda rows: rows == [("5",)], timeout=30)
        admin.run("deliver", "--once")   # nothing due: the backoff holds them
        for _, status, attempts, sent, claimed, reason in _rows(mariadb, tag):
            assert (status, attempts, sent, claimed) == ("retrying", "1", "0", None)
            assert "451" in reason
        later = mariadb.value("SELECT MIN(next_attempt_at > UTC_TIMESTAMP()) FROM mc_outbox"
                              " WHERE subject LIKE " + sql_quote(f"Later {tag}%"))
        assert later == "1"
        assert not smtp.find(subject=f"Later {tag}")
    finally:
        smtp.reject_with(None)
    mariadb.sql("UPDATE mc_outbox SET next_attempt_at = UTC_TIMESTAMP() WHERE subject LIKE "
                + sql_quote(f"Later {tag}%"), database="mocourts")
    smtp.wait_for(subject=f"Later {tag}", count=5, timeout=30)
    mariadb.wait_for("SELECT COUNT(*) FROM mc_outbox WHERE subject LIKE "
                     + sql_quote(f"Later {tag}%") + " AND status = 'sent' AND attempts = 2",
                     lambda rows: rows == [("5",)], timeout=15)


def test_workers_send_each_notice_once(admin, mariadb, smtp):
    tag = secrets.token_hex(4)
    n = 300
    _queue(mariadb, [("email", f"w{i}.{tag}@example.test", f"Workers {tag} #{i}", f"Body {i}")
                     for i in range(n)])
    r = admin.run("deliver", "--once", "--workers", "3", "--batch", "20")
    m = re.fullmatch(r"sent (\d+), failed 0 \(3 workers\)\n", r.stdout)
    assert m, r.stdout
    assert int(m.group(1)) <= n
    smtp.wait_for(subject=f"Workers {tag} #", count=n, timeout=60)
    subjects = [x.subject for x in smtp.find(subject=f"Workers {tag} #")]
    assert len(subjects) == n and len(set(subjects)) == n, "a notice was sent twice"
    mariadb.wait_for("SELECT COUNT(*) FROM mc_outbox WHERE subject LIKE "
                     + sql_quote(f"Workers {tag}%") + " AND (status <> 'sent' OR attempts <> 1)",
                     lambda rows: rows == [("0",)], timeout=15)


def test_deliver_usage(admin):
    for args, says in ((["--workers", "0"], "--workers takes a number of processes from 1 to 64"),
                       (["--workers", "x"], "--workers takes a number of processes from 1 to 64"),
                       (["--batch", "0"], "--batch takes a number of notices from 1 to 5000"),
                       (["--batch", "5001"], "--batch takes a number of notices from 1 to 5000")):
        r = admin.run("deliver", *args, check=False)
        assert r.returncode == 2, (args, r.returncode)
        assert says in r.stderr, r.stderr
