"""SECURITY.md, faults: a delivery worker killed mid-batch.

Every notice is still sent; a killed worker leaves at most the one message
it had in flight to be sent again (each outcome is recorded as soon as the
server accepts the message), and the repeat carries the same Message-ID as
the first copy; a dead worker's claims return once its lease runs out
(default 30 s), while a living worker renews its lease and never loses its
rows to another.

These tests run `mocourts-admin deliver --loop 1` processes over an outbox
of their own (a second database on the session's MariaDB, so the session
Apache's watchdog does not take part), with MoCourtsDeliveryLease 4s, and
slow the SMTP sink down so that a worker is always in the middle of a batch
when it is killed."""
import contextlib
import os
import random
import re
import secrets
import subprocess
import time

import pytest

from harness import util
from harness.admin import Admin
from harness.apache import Apache
from harness.mariadb import APP_GRANTS, sql_quote

DB = "mocourts_delivery_crash"
LEASE = 4


@pytest.fixture(scope="module")
def outbox(tmp_root, mariadb, smtp):
    """(Admin with MoCourtsDeliveryLease 4s, Admin with the default lease)
    on a database of their own, migrated."""
    stmts = [f"CREATE DATABASE IF NOT EXISTS `{DB}` CHARACTER SET utf8mb4"
             " COLLATE utf8mb4_unicode_ci"]
    stmts += [f"GRANT {APP_GRANTS} ON `{DB}`.* TO '{mariadb.app_user}'@'{host}'"
              for host in ("localhost", "127.0.0.1")]
    mariadb.sql(";\n".join(stmts), database="")
    confs = []
    for name, lease in (("short", f"{LEASE}s"), ("default", None)):
        ap = Apache(tmp_root / f"apache-delivery-crash-{name}", util.free_port(), db=mariadb,
                    smtp=smtp, overrides={"MoCourtsDBName": DB, "MoCourtsDelivery": "Off",
                                          "MoCourtsDeliveryLease": lease})
        confs.append(Admin(ap.mocourts_conf))
    confs[0].migrate()
    yield confs
    smtp.slow_down(0)


def _sql(mariadb, query):
    return mariadb.sql(query, database=DB)


def _queue(mariadb, n, tag):
    """n e-mail notices, subjects "Crash TAG #1".."#n", one statement."""
    _sql(mariadb, "INSERT INTO mc_outbox (channel, recipient, subject, body, kind, status,"
         " attempts, queued_at, next_attempt_at) SELECT 'email',"
         f" CONCAT('crash', seq, '.{tag}@example.test'), CONCAT('Crash {tag} #', seq),"
         " CONCAT('Notice ', seq, '.'), 'test', 'queued', 0, UTC_TIMESTAMP(), UTC_TIMESTAMP()"
         f" FROM seq_1_to_{int(n)}")


def _tagged(tag):
    return "subject LIKE " + sql_quote(f"Crash {tag} #%")


def _wait_rows(mariadb, tag, where, predicate=lambda rows: rows == [("0",)], timeout=60):
    """Until the count of tag's rows that match where satisfies predicate
    (by default: until there is none)."""
    return mariadb.wait_for(f"SELECT COUNT(*) FROM mc_outbox WHERE {_tagged(tag)} AND ({where})",
                            predicate, timeout=timeout, database=DB)


class Workers:
    """`mocourts-admin deliver --loop 1` processes, started and killed."""

    def __init__(self, admin, tmp_root, batch):
        self.admin = admin
        self.batch = batch
        self.logs = tmp_root / "delivery-crash-logs"
        self.logs.mkdir(exist_ok=True)
        self.procs = []

    def start(self):
        env = dict(os.environ)
        env.pop("MOCOURTS_PASSWORD", None)
        with open(self.logs / f"worker-{len(self.procs)}.log", "wb") as log:
            p = subprocess.Popen([str(self.admin.binary), "-c", str(self.admin.conf), "deliver",
                                  "--loop", "1", "--batch", str(self.batch)],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=log, env=env)
        self.procs.append(p)
        return p

    def alive(self):
        return [p for p in self.procs if p.poll() is None]

    def stop_all(self):
        for p in self.alive():
            p.kill()
        for p in self.procs:
            p.wait(timeout=10)

    def errors(self):
        return "".join(f.read_text(errors="replace") for f in sorted(self.logs.iterdir()))


@contextlib.contextmanager
def _slow_delivery(admin, mariadb, smtp, tmp_root, n, delay=0.05, batch=100):
    """n notices queued under a new tag, the SMTP sink answering each delay
    seconds late, and a pool of workers (none started yet): yields (tag,
    workers); afterwards the sink is quick again and every worker stopped."""
    tag = secrets.token_hex(4)
    _queue(mariadb, n, tag)
    smtp.slow_down(delay)
    workers = Workers(admin, tmp_root, batch=batch)
    try:
        yield tag, workers
    finally:
        smtp.slow_down(0)
        workers.stop_all()


def _claimed_by(pid):
    """The claims of worker process pid (claimed_by is admin:HOST:PID#ROUND)."""
    return "claimed_by LIKE " + sql_quote(f"admin:%:{pid}#%") + " AND status = 'sending'"


def _mails(smtp, tag):
    """{subject: [Message-ID of each copy]} of the sink's messages for tag."""
    out = {}
    for m in smtp.find(subject=f"Crash {tag} #"):
        mid = m.message["Message-ID"]
        out.setdefault(m.subject, []).append(str(mid) if mid is not None else None)
    return out


def _expected_ids(mariadb, tag):
    """{subject: the Message-ID its row must carry}: the row's id and the
    second it was queued, at the sender's domain."""
    rows = _sql(mariadb, "SELECT subject, id, TIMESTAMPDIFF(SECOND, '1970-01-01', queued_at)"
                f" FROM mc_outbox WHERE {_tagged(tag)}")
    return {s: f"<notice.{i}.{t}@court.test>" for s, i, t in rows}


def test_killed_workers_repeat_at_most_the_message_in_flight(outbox, mariadb, smtp, tmp_root):
    admin, _ = outbox
    n = 3000
    kills = mid_batch = 0
    with _slow_delivery(admin, mariadb, smtp, tmp_root, n, delay=0.004) as (tag, workers):
        running = [workers.start() for _ in range(3)]
        rng = random.Random(tag)
        while kills < 12:
            time.sleep(rng.uniform(0.2, 0.45))
            left = int(_sql(mariadb, f"SELECT COUNT(*) FROM mc_outbox WHERE {_tagged(tag)}"
                            " AND status <> 'sent'")[0][0])
            if left < 300:
                break
            victim = running.pop(rng.randrange(len(running)))
            victim.kill()
            victim.wait(timeout=10)
            kills += 1
            # Killed mid-batch: rows it had claimed and not sent are left.
            if int(_sql(mariadb, f"SELECT COUNT(*) FROM mc_outbox WHERE {_tagged(tag)} AND "
                        + _claimed_by(victim.pid))[0][0]):
                mid_batch += 1
            running.append(workers.start())
        _wait_rows(mariadb, tag, "status <> 'sent'", timeout=120)

    assert kills >= 6 and mid_batch >= 4, (kills, mid_batch)
    mails = _mails(smtp, tag)
    assert set(mails) == {f"Crash {tag} #{i}" for i in range(1, n + 1)}, "a notice was lost"
    copies = sum(len(ids) for ids in mails.values())
    assert copies - n <= kills, f"{copies - n} repeats for {kills} killed workers"
    expected = _expected_ids(mariadb, tag)
    for subject, ids in mails.items():
        assert ids == [expected[subject]] * len(ids), (subject, ids)
    assert not re.search(r"claim had expired|renewed too late|delivery", workers.errors())


def test_dead_workers_claims_return_within_the_lease(outbox, mariadb, smtp, tmp_root):
    admin, _ = outbox
    with _slow_delivery(admin, mariadb, smtp, tmp_root, 150) as (tag, workers):
        w = workers.start()
        # Mid-batch: some of its rows sent, most still claimed.
        _wait_rows(mariadb, tag, "status = 'sent'", lambda rows: int(rows[0][0]) >= 5, 30)
        w.kill()
        w.wait(timeout=10)
        killed_at = time.monotonic()
        held = int(_sql(mariadb, f"SELECT COUNT(*) FROM mc_outbox WHERE {_tagged(tag)} AND "
                        + _claimed_by(w.pid))[0][0])
        assert held >= 50, held
        workers.start()
        _wait_rows(mariadb, tag, _claimed_by(w.pid), timeout=30)
        back_after = time.monotonic() - killed_at
        _wait_rows(mariadb, tag, "status <> 'sent'")
    assert back_after <= LEASE + 4
    mails = _mails(smtp, tag)
    assert len(mails) == 150
    assert sum(len(ids) for ids in mails.values()) <= 151


def test_default_lease_is_30_seconds(outbox, mariadb, smtp, tmp_root):
    """What a claim holds for without the directive: a dead worker's rows
    are back within 30 s."""
    _, admin = outbox
    with _slow_delivery(admin, mariadb, smtp, tmp_root, 60) as (tag, workers):
        w = workers.start()
        rows = mariadb.wait_for(
            "SELECT MAX(TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), claimed_until)) FROM mc_outbox"
            f" WHERE {_tagged(tag)} AND " + _claimed_by(w.pid),
            lambda rows: rows[0][0] is not None, timeout=30, database=DB)
        assert 15 <= int(rows[0][0]) <= 30, rows
        _wait_rows(mariadb, tag, "status <> 'sent'")


def test_living_worker_keeps_its_claims_past_the_lease(outbox, mariadb, smtp, tmp_root):
    """Two workers whose batches outlast the lease, the second starting
    halfway through the first's: the first, done, looks for expired claims
    while the second is still sending; the second renews its lease, so
    nothing of it is taken and every notice goes once."""
    admin, _ = outbox
    # 120 rows a batch, each answered 0.05 s late: over 6 s, beyond the 4 s lease.
    with _slow_delivery(admin, mariadb, smtp, tmp_root, 240, batch=120) as (tag, workers):
        workers.start()
        _wait_rows(mariadb, tag, "status = 'sent'", lambda rows: int(rows[0][0]) >= 50, 30)
        workers.start()
        _wait_rows(mariadb, tag, "status <> 'sent' OR attempts <> 1")
    mails = _mails(smtp, tag)
    assert len(mails) == 240
    assert all(len(ids) == 1 for ids in mails.values()), "a notice was sent twice"


def test_lease_directive_is_checked(make_apache, outbox):
    ap = make_apache(overrides={"MoCourtsDeliveryLease": "2s"}, start=False)
    rc, out = ap.configtest()
    assert rc != 0
    assert "Invalid value for directive 'MoCourtsDeliveryLease'" in out, out
    r = Admin(ap.mocourts_conf).run("deliver", "--once", check=False)
    assert r.returncode == 1
    assert re.search(r"Invalid value for directive 'MoCourtsDeliveryLease'", r.stderr), r.stderr
