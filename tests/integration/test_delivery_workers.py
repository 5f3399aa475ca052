"""SECURITY.md, faults: two delivery workers never send the same notice.

Four `mocourts-admin deliver --once` processes run at once beside the
Apache's own watchdog (a fifth worker) over the same outbox; every notice
arrives exactly once and every row ends 'sent'."""
import secrets
import threading

ROWS = 60


def test_parallel_workers_send_each_notice_once(apache, admin, mariadb, smtp):
    tag = secrets.token_hex(4)
    values = ",".join(
        f"('email', 'worker{i}@example.test', 'Parallel {tag} #{i}', 'Body {i}.', 'test')"
        for i in range(ROWS))
    mariadb.sql("INSERT INTO mc_outbox (channel, recipient, subject, body, kind) VALUES "
                + values, database="mocourts")

    errors = []

    def worker():
        r = admin.run("deliver", "--once", check=False)
        if r.returncode != 0:
            errors.append(r.stdout + r.stderr)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []

    smtp.wait_for(subject=f"Parallel {tag}", count=ROWS, timeout=60)
    mails = smtp.find(subject=f"Parallel {tag}")
    subjects = [m.subject for m in mails]
    assert len(subjects) == ROWS, f"{len(subjects)} mails for {ROWS} notices"
    assert len(set(subjects)) == ROWS, "a notice was sent twice"
    left = mariadb.value(f"SELECT COUNT(*) FROM mc_outbox WHERE subject LIKE 'Parallel {tag}%' "
                         "AND status <> 'sent'", database="mocourts")
    assert int(left) == 0
