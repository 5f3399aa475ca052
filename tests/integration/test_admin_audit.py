"""mocourts-admin audit (issue 17): the audit log's events from --since on,
newest first, by account and event type, as CSV (parsed back: RFC 4180,
the formula guard) or JSON lines (parsed back: one object a line, escaped);
the export audited; its usage errors."""
import csv
import io
import json
import secrets
import subprocess
from datetime import datetime, timedelta, timezone

from test_reg_audit import put_events, q

HEADER = ["id", "time_utc", "event", "account_id", "account", "actor_id", "actor", "ip",
          "detail"]


def events_of(mariadb, new_account):
    """An account with four events (one by another account) and a
    neighbour's event that no filter of the account takes."""
    t = new_account(prefix="adma")
    other = new_account(prefix="admo")
    now = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    recent = (now - timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S")
    put_events(mariadb, [
        ("2025-02-01 09:00:00", "logon", t.id, 0, "192.0.2.1", "full"),
        ("2025-02-03 10:00:00", "logon-failed", t.id, 0, "192.0.2.2", "wrong password"),
        ("2025-02-05 11:00:00", "security-disable", t.id, other.id, "2001:db8::5",
         'disabled, "quoted"\nline two \u00e9\u20ac \\ back\tslash'),
        (recent, "email-changed", t.id, 0, "192.0.2.3", "=cmd|' /C calc'!A0"),
        ("2025-02-04 00:00:00", "logon", other.id, 0, "192.0.2.9", "not t's"),
    ])
    return t, other, recent


def run_csv(admin, *args):
    r = admin.run("audit", *args, "--format", "csv")
    assert r.stderr == "", r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout, newline="")))
    assert rows[0] == HEADER
    return rows[1:], r.stdout


def run_jsonl(admin, *args):
    r = admin.run("audit", *args, "--format", "jsonl")
    assert r.stderr == "" and r.stdout.endswith("\n"), r.stderr
    lines = r.stdout.split("\n")[:-1]
    return [json.loads(line) for line in lines], r.stdout


def test_csv(admin, new_account, mariadb):
    t, other, recent = events_of(mariadb, new_account)
    rows, text = run_csv(admin, "--since", "2025-02-01", "--account", t.username)
    # Newest first; the account's own events (account creation included).
    put = ["email-changed", "security-disable", "logon-failed", "logon"]
    assert [r[2] for r in rows if r[2] in put] == put, rows
    assert "not t's" not in text
    by = {r[2]: r for r in rows}
    d = by["security-disable"]
    assert d[1] == "2025-02-05 11:00:00" and d[3] == str(t.id) and d[4] == t.username
    assert d[5] == str(other.id) and d[6] == other.username and d[7] == "2001:db8::5"
    assert d[8] == 'disabled, "quoted"\nline two \u00e9\u20ac \\ back\tslash'
    assert by["email-changed"][8] == "'=cmd|' /C calc'!A0"
    assert by["logon"][5] == "" and by["logon"][6] == ""
    # Lines end in CRLF (read as bytes: Admin.run's text mode turns them into \n).
    raw = subprocess.run([str(admin.binary), "-c", str(admin.conf), "audit", "--since",
                          "2025-02-01", "--account", t.username, "--format", "csv"],
                         capture_output=True, check=True, stdin=subprocess.DEVNULL).stdout
    assert raw.startswith(b"id,time_utc,") and raw.endswith(b"\r\n")
    assert raw.count(b"\r\n") == len(rows) + 1   # the header and the rows (the detail: \n)
    # By id: the same events.
    assert run_csv(admin, "--since", "2025-02-01", "--account", str(t.id))[0] == rows
    # --since: a moment, and a duration (the last 3 hours: only the recent one).
    assert [r[2] for r in run_csv(admin, "--since", "2025-02-03 10:00:00", "--account",
                                  t.username, "--event", "logon-failed")[0]] == ["logon-failed"]
    assert run_csv(admin, "--since", "2025-02-03 10:00:01", "--account", t.username,
                   "--event", "logon-failed")[0] == []
    assert [r[2] for r in run_csv(admin, "--since", "3h", "--account", t.username,
                                  "--event", "email-changed")[0]] == ["email-changed"]
    assert run_csv(admin, "--since", "1h", "--account", t.username, "--event",
                   "email-changed")[0] == []
    # The other account's events include what it did to t.
    assert [r[2] for r in run_csv(admin, "--since", "2025-02-01", "--account", other.username,
                                  "--event", "security-disable")[0]] == ["security-disable"]


def test_jsonl(admin, new_account, mariadb):
    t, other, recent = events_of(mariadb, new_account)
    objs, text = run_jsonl(admin, "--since", "2025-02-01T00:00:00", "--account", t.username)
    assert all(set(o) == {"id", "at", "event", "account_id", "account", "actor_id", "actor",
                          "ip", "detail"} for o in objs), objs
    ev = {o["event"]: o for o in objs}
    d = ev["security-disable"]
    assert d["at"] == "2025-02-05T11:00:00Z" and d["account_id"] == t.id
    assert d["account"] == t.username and d["actor_id"] == other.id
    assert d["actor"] == other.username and d["ip"] == "2001:db8::5"
    assert d["detail"] == 'disabled, "quoted"\nline two \u00e9\u20ac \\ back\tslash'
    assert ev["logon"]["actor_id"] is None and ev["logon"]["actor"] is None
    assert ev["email-changed"]["detail"] == "=cmd|' /C calc'!A0"   # JSON needs no guard
    assert ev["email-changed"]["at"] == recent.replace(" ", "T") + "Z"
    ids = [o["id"] for o in objs]
    assert [o["at"] for o in objs] == sorted((o["at"] for o in objs), reverse=True)
    assert len(set(ids)) == len(ids)
    # One object a line: the line breaks of the detail are escaped.
    assert len(text.split("\n")) == len(objs) + 1
    objs, _ = run_jsonl(admin, "--since", "2025-02-01", "--account", t.username, "--event",
                        "logon-failed")
    assert [o["event"] for o in objs] == ["logon-failed"]


def test_many_events_in_parts(admin, new_account, mariadb):
    t = new_account(prefix="admm")
    put_events(mariadb, [(f"2025-05-0{1 + i // 700} 09:00:00", "logon", t.id, 0, "192.0.2.4",
                          f"m{i}") for i in range(2101)])
    objs, _ = run_jsonl(admin, "--since", "2025-05-01", "--account", t.username, "--event",
                        "logon")
    assert len(objs) == 2101 and len({o["id"] for o in objs}) == 2101
    keys = [(o["at"], o["id"]) for o in objs]
    assert keys == sorted(keys, reverse=True)


def test_export_audited(admin, new_account, mariadb):
    t, _, _ = events_of(mariadb, new_account)
    tag = secrets.token_hex(3)
    before = int(mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'audit-exported' "
                               f"AND detail LIKE {q('%account=' + t.username + '%')}"))
    run_csv(admin, "--since", "2025-02-01", "--account", t.username, "--event", "logon")
    assert int(mariadb.value(
        "SELECT COUNT(*) FROM mc_audit WHERE event = 'audit-exported' AND account_id IS NULL "
        "AND detail LIKE "
        f"{q('mocourts-admin audit --format csv; filter: since=2025-02-01 00:00:00 account=' + t.username + ' event=logon')}"
    )) == before + 1, tag


def test_usage(admin, new_account):
    def refused(args, says, code=2):
        r = admin.run("audit", *args, check=False)
        assert r.returncode == code, (args, r.returncode, r.stderr)
        assert says in r.stderr, (args, r.stderr)
        assert r.stdout == "", (args, r.stdout)

    refused(["--format", "csv"], "--since is needed")
    refused(["--since", "1d"], "--format is needed")
    refused(["--since", "1d", "--format", "xml"], "--format is csv or jsonl, not 'xml'")
    refused(["--since", "2025-02-30", "--format", "csv"], "--since '2025-02-30' is neither")
    refused(["--since", "yesterday", "--format", "csv"], "is neither")
    refused(["--since", "1d", "--format", "csv", "--event", "Bad Type"],
            "--event 'Bad Type' is not an event type")
    refused(["--since", "1d", "--format", "csv", "--account", "nosuch" + secrets.token_hex(3)],
            "no account has the username", code=1)
