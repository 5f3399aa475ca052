"""Outbox delivery rate on its own: queue N e-mail notices straight into
mc_outbox and time `mocourts-admin deliver --once [--workers W]` until every
one has reached the SMTP test server (tests/harness/smtp.py) and every row
is 'sent'. Its own MariaDB and sink; `make bench` measures the same on the
notices of a docket entry (bench/casenet.py).

    /usr/bin/python3 bench/delivery.py [--rows 20000] [--workers 1] [--repeat 1]
"""
import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from harness import util  # noqa: E402
from harness.admin import Admin  # noqa: E402
from harness.apache import Apache  # noqa: E402
from harness.mariadb import MariaDB, sql_quote  # noqa: E402
from harness.smtp import SmtpSink  # noqa: E402

BODY = ("The court has added a docket entry to a case you track.\n\n"
        "Case: 22SL-CC01234 (Smith v. Jones)\nEntry: Order\n"
        "Text: The motion to continue is granted; hearing reset to a later date.\n\n"
        "See the case: https://court.example.test/casenet/case/22SL-CC01234\n"
        "Stop Tracking: https://court.example.test/casenet/stop?t=0123456789abcdef\n")


class DeliveryError(Exception):
    pass


def queue_mails(db, n, tag):
    """n e-mail rows, one statement (MariaDB's sequence engine)."""
    db.sql("INSERT INTO mc_outbox (channel, recipient, subject, body, kind, status, attempts,"
           " queued_at, next_attempt_at) SELECT 'email', CONCAT('bench', seq, '@example.test'),"
           f" CONCAT({sql_quote(tag)}, ' #', seq), {sql_quote(BODY)}, 'bench', 'queued', 0,"
           f" UTC_TIMESTAMP(), UTC_TIMESTAMP() FROM seq_1_to_{int(n)}", timeout=600)


def deliver_rate(admin, db, sink, n, workers=1, tag=None, timeout=600):
    """Queue n notices, run the delivery and return a dict of figures.
    Nothing else may be queued meanwhile. The clock runs from the start of
    `deliver` to the moment the sink holds all n messages."""
    tag = tag or f"Bench {time.time():.0f}"
    before = len(sink.messages())
    queue_mails(db, n, tag)
    args = ["deliver", "--once"]
    if workers > 1:
        args += ["--workers", str(workers)]
    cmd = [str(admin.binary), "-c", str(admin.conf)] + args
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    t_deliver = time.monotonic() - t0
    if proc.returncode != 0:
        raise DeliveryError(f"{' '.join(cmd)} exited {proc.returncode}:\n"
                            f"{proc.stdout}{proc.stderr}")
    deadline = time.monotonic() + 60
    while len(sink.messages()) - before < n:
        if time.monotonic() > deadline:
            raise DeliveryError(f"the SMTP server holds {len(sink.messages()) - before} of {n} "
                                "messages a minute after delivery ended")
        time.sleep(0.05)
    t_all = time.monotonic() - t0
    got = len(sink.messages()) - before
    left = db.value("SELECT COUNT(*) FROM mc_outbox WHERE kind = 'bench' AND subject LIKE "
                    + sql_quote(tag + " #%") + " AND status <> 'sent'")
    if int(left):
        raise DeliveryError(f"{left} of {n} rows are not 'sent' after delivery")
    if got != n:
        raise DeliveryError(f"the SMTP server accepted {got} messages for {n} notices")
    return {"rows": n, "workers": workers, "seconds": t_all, "rate": n / t_all,
            "deliver_seconds": t_deliver, "output": proc.stdout.strip()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mocourts-delivery-", dir="/tmp"))
    util.make_reachable(tmp)
    db = MariaDB(tmp / "db", util.free_port())
    sink = None
    try:
        db.start()
        db.create_app_db()
        sink = SmtpSink(util.free_port())
        sink.start()
        apache = Apache(tmp / "apache", util.free_port(), db=db, smtp=sink,
                        overrides={"MoCourtsDelivery": "Off"})
        admin = Admin(apache.mocourts_conf)
        admin.migrate()
        for i in range(args.repeat):
            r = deliver_rate(admin, db, sink, args.rows, args.workers, tag=f"Bench run {i}")
            print(f"{r['rows']} messages, {r['workers']} worker(s): "
                  f"{r['seconds']:.2f} s, {r['rate']:.0f} messages/s "
                  f"(deliver exited after {r['deliver_seconds']:.2f} s; {r['output']})")
    except DeliveryError as e:
        print(f"delivery bench: FAILED: {e}", file=sys.stderr)
        return 1
    finally:
        if sink is not None:
            sink.stop()
        db.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
