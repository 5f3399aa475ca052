"""mocourts-admin: migrate is idempotent, check reports the schema, create-admin
refuses duplicates, weak passwords and unknown roles, purge runs; a Unix tool:
per-command help, --version, options parsed alike, a progress line on a
terminal only."""
import re
import secrets
import shutil
import subprocess

import pytest

from harness import util
from harness.admin import Admin
from harness.mariadb import sql_quote


def test_migrate_is_idempotent(admin, mariadb):
    before = mariadb.sql("SELECT component, version FROM mc_schema ORDER BY component, version")
    r = admin.migrate()
    assert r.returncode == 0
    assert re.search(r"^core: applied 0 migration\(s\), now at version \d+$", r.stdout, re.M), \
        r.stdout
    r2 = admin.migrate()
    assert r2.stdout == r.stdout
    assert mariadb.sql("SELECT component, version FROM mc_schema ORDER BY component, "
                       "version") == before


def test_check_reports_up_to_date(admin):
    r = admin.check()
    assert r.returncode == 0, r.stdout + r.stderr
    assert "database: reachable" in r.stdout
    assert re.search(r"^core: schema (\d+), shipped \1: up to date$", r.stdout, re.M), r.stdout


def test_check_fails_when_behind(admin, mariadb, tmp_root):
    """A database without the schema: check says behind and exits 1."""
    name = f"mc_check_{secrets.token_hex(3)}"
    conf = tmp_root / f"{name}.conf"
    text = admin.conf.read_text()
    text = re.sub(r"^MoCourtsDBName .*$", f"MoCourtsDBName {name}", text, flags=re.M)
    conf.write_text(text)
    _create_db(mariadb, name)
    try:
        r = Admin(conf).check(check=False)
        assert r.returncode == 1, r.stdout
        assert re.search(r"^core: schema 0, shipped \d+: behind", r.stdout, re.M), r.stdout
    finally:
        mariadb.sql(f"DROP DATABASE `{name}`", database="")


def _create_db(mariadb, name):
    stmts = [f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"]
    for host in ("localhost", "127.0.0.1"):
        stmts.append(f"GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, "
                     f"REFERENCES, LOCK TABLES ON `{name}`.* TO '{mariadb.app_user}'@'{host}'")
    mariadb.sql(";\n".join(stmts), database="")


def test_create_admin_duplicate_refused(admin, new_account, mariadb):
    acct = new_account()
    hash_before = mariadb.value(f"SELECT password_hash FROM mc_account WHERE id = {acct.id}")
    r = admin.create_account(acct.username, "other@example.test", "Another-Pass-1", check=False)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "already exists" in r.stderr
    assert "Another-Pass-1" not in r.stdout + r.stderr
    assert mariadb.value("SELECT COUNT(*) FROM mc_account WHERE username = "
                         + sql_quote(acct.username)) == "1"
    assert mariadb.value(f"SELECT password_hash FROM mc_account WHERE id = {acct.id}") == \
        hash_before


def test_create_admin_weak_password_refused(admin, mariadb):
    name = f"weak{secrets.token_hex(3)}"
    r = admin.create_account(name, f"{name}@example.test", "password", check=False)
    assert r.returncode == 1
    assert "refused" in r.stderr
    assert mariadb.value("SELECT COUNT(*) FROM mc_account WHERE username = "
                         + sql_quote(name)) == "0"


def test_create_admin_stores_hash_and_default_role(admin, mariadb):
    name = f"adm{secrets.token_hex(3)}"
    pw = f"Admin-Pass-{secrets.token_hex(3)}-1"
    # Without --role or --no-role: a Security unit administrator.
    r = admin.run("create-admin", name, f"{name}@example.test", env={"MOCOURTS_PASSWORD": pw})
    assert r.returncode == 0
    assert pw not in r.stdout + r.stderr
    h = mariadb.value("SELECT password_hash FROM mc_account WHERE username = " + sql_quote(name))
    assert h.startswith("$argon2id$") and pw not in h
    assert mariadb.value("SELECT GROUP_CONCAT(r.role) FROM mc_account_role r JOIN mc_account a "
                         "ON a.id = r.account_id WHERE a.username = " + sql_quote(name)) == \
        "security"


def test_create_admin_no_role(admin, mariadb):
    name = f"holder{secrets.token_hex(3)}"
    r = admin.run("create-admin", name, f"{name}@example.test", "--no-role",
                  env={"MOCOURTS_PASSWORD": "Holder-Pass-123"})
    assert r.returncode == 0
    assert mariadb.value("SELECT COUNT(*) FROM mc_account_role r JOIN mc_account a ON "
                         "a.id = r.account_id WHERE a.username = " + sql_quote(name)) == "0"
    r = admin.run("create-admin", "x" + name, f"x{name}@example.test", "--no-role", "--role",
                  "clerk", env={"MOCOURTS_PASSWORD": "Holder-Pass-123"}, check=False)
    assert r.returncode == 2


def test_usage_errors_exit_2(admin):
    assert admin.run("no-such-command", check=False).returncode == 2
    assert admin.run("migrate", "extra", check=False).returncode == 2
    assert admin.run("create-admin", "onlyone", check=False,
                     env={"MOCOURTS_PASSWORD": "Xx-123456789"}).returncode == 2


def test_purge_runs(admin, mariadb, new_account):
    acct = new_account()
    # An expired session, an old used code and an old throttle row: purged.
    mariadb.sql(
        "INSERT INTO mc_session (token_hash, account_id, stage, csrf, created_at, last_seen, "
        f"expires_at) VALUES (REPEAT('e', 64), {acct.id}, 'full', REPEAT('c', 43), "
        "UTC_TIMESTAMP() - INTERVAL 2 DAY, UTC_TIMESTAMP() - INTERVAL 2 DAY, "
        "UTC_TIMESTAMP() - INTERVAL 1 DAY);"
        "INSERT INTO mc_code (account_id, purpose, code_hash, created_at, expires_at, used_at) "
        f"VALUES ({acct.id}, 'device', REPEAT('d', 64), UTC_TIMESTAMP() - INTERVAL 3 DAY, "
        "UTC_TIMESTAMP() - INTERVAL 3 DAY, UTC_TIMESTAMP() - INTERVAL 3 DAY);"
        "INSERT INTO mc_logon_throttle (subject, failures, first_failure) VALUES "
        "(REPEAT('f', 64), 2, UTC_TIMESTAMP() - INTERVAL 3 DAY)")
    # A live session: kept.
    mariadb.sql(
        "INSERT INTO mc_session (token_hash, account_id, stage, csrf, created_at, last_seen, "
        f"expires_at) VALUES (REPEAT('a', 64), {acct.id}, 'full', REPEAT('c', 43), "
        "UTC_TIMESTAMP(), UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL 1 HOUR)")
    try:
        r = admin.purge()
        assert r.returncode == 0
        m = re.search(r"purged (\d+) session\(s\), (\d+) code\(s\), (\d+) throttle row\(s\)",
                      r.stdout)
        assert m, r.stdout
        assert all(int(x) >= 1 for x in m.groups()), r.stdout
        assert mariadb.value("SELECT COUNT(*) FROM mc_session WHERE token_hash = "
                             "REPEAT('e', 64)") == "0"
        assert mariadb.value("SELECT COUNT(*) FROM mc_session WHERE token_hash = "
                             "REPEAT('a', 64)") == "1"
        assert mariadb.value("SELECT COUNT(*) FROM mc_code WHERE code_hash = "
                             "REPEAT('d', 64)") == "0"
        assert mariadb.value("SELECT COUNT(*) FROM mc_logon_throttle WHERE subject = "
                             "REPEAT('f', 64)") == "0"
    finally:
        mariadb.sql("DELETE FROM mc_session WHERE token_hash IN (REPEAT('a', 64), "
                    "REPEAT('e', 64))")


# ---- a Unix tool (issue 10 §4) ---------------------------------------------------------

COMMANDS = ["migrate", "check", "create-admin", "deliver", "purge", "import-bar", "import",
            "efiling-setup", "generate", "case-tasks", "audit"]
OPTIONS = {"create-admin": ["--role ROLE", "--new-role ROLE", "--no-role", "--scope SCOPE",
                            "--must-change", "--first-name NAME", "--last-name NAME"],
           "deliver": ["--once", "--loop SECONDS", "--workers W", "--batch N"],
           "import": ["--casenet PATH"],
           "generate": ["--seed N", "--cases N", "--courts N", "--parties N"],
           "case-tasks": ["--at 'YYYY-MM-DD HH:MM:SS'", "--digest-time HH:MM", "--casenet PATH"],
           "audit": ["--since DATE|DURATION", "--account NAME|ID", "--event TYPE",
                     "--format csv|jsonl"]}


def test_each_command_has_its_own_help(admin):
    helps = {}
    for cmd in COMMANDS:
        r = admin.run(cmd, "--help")
        assert r.returncode == 0 and r.stderr == "", (cmd, r.stderr)
        assert r.stdout.startswith(f"usage: mocourts-admin [-c CONFIG] {cmd}"), r.stdout
        assert admin.run("help", cmd).stdout == r.stdout, cmd
        assert admin.run(cmd, "-h").stdout == r.stdout, cmd
        helps[cmd] = r.stdout
    assert len(set(helps.values())) == len(COMMANDS)
    for cmd, options in OPTIONS.items():
        for o in options:
            assert o in helps[cmd], (cmd, o)
    assert "--loop" not in helps["import"] and "--role" not in helps["deliver"]
    # The tool's own help lists the commands, one line each.
    r = admin.run("--help")
    listed = [line.split()[0] for line in r.stdout.splitlines() if re.match(r"^  [a-z]", line)]
    assert listed == COMMANDS, r.stdout
    assert admin.run("help").stdout == r.stdout
    r = admin.run("help", "no-such-command", check=False)
    assert r.returncode == 2 and "unknown command 'no-such-command'" in r.stderr


def test_version(admin):
    version = (util.REPO / "VERSION").read_text().strip()
    r = admin.run("--version")
    assert r.returncode == 0 and r.stdout == f"mocourts-admin {version}\n", r.stdout + r.stderr


def test_options_behave_alike(admin):
    def refused(args, says):
        r = admin.run(*args, check=False)
        assert r.returncode == 2, (args, r.returncode, r.stderr)
        assert says in r.stderr, (args, r.stderr)
        cmd = args[0]
        assert f"usage: mocourts-admin [-c CONFIG] {cmd}" in r.stderr, (args, r.stderr)
        assert r.stdout == "", (args, r.stdout)

    refused(["deliver", "--loop"], "deliver: option '--loop' needs a value")
    refused(["deliver", "--once", "5"], "deliver: unexpected argument '5'")
    refused(["deliver", "--once=5"], "deliver: option '--once' takes no value")
    refused(["deliver", "--loop", "0"], "--loop takes a number of seconds")
    refused(["import", "feed.xml", "--casenet"], "import: option '--casenet' needs a value")
    refused(["import-bar"], "import-bar: missing FILE")
    refused(["migrate", "extra"], "migrate: unexpected argument 'extra'")
    for cmd in COMMANDS:
        refused([cmd, "--bogus"], f"{cmd}: unknown option '--bogus'")
    # getopt_long's forms: --opt=value, and options after the arguments.
    r = admin.run("generate", "--cases=3", "--seed", "7", "--courts=2")
    assert r.stdout.count("<case ") == 3


def test_create_admin_unknown_role_refused(admin, mariadb):
    name = f"role{secrets.token_hex(3)}"
    env = {"MOCOURTS_PASSWORD": "Role-Pass-12345"}
    r = admin.run("create-admin", name, f"{name}@example.test", "--role", "nosuchrole", env=env,
                  check=False)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "'nosuchrole' is not a role" in r.stderr and "--new-role" in r.stderr, r.stderr
    assert mariadb.value("SELECT COUNT(*) FROM mc_account WHERE username = "
                         + sql_quote(name)) == "0"
    # A plugin's own role: --new-role; from then on an account holds it.
    own = f"own_{secrets.token_hex(3)}"
    r = admin.run("create-admin", name, f"{name}@example.test", "--new-role", own, env=env)
    assert f"with role(s) {own}" in r.stdout, r.stdout
    r = admin.run("create-admin", "x" + name, f"x{name}@example.test", "--role", own,
                  "--role", "clerk", "--scope", "22", env=env)
    assert mariadb.value("SELECT GROUP_CONCAT(r.role ORDER BY r.role) FROM mc_account_role r "
                         "JOIN mc_account a ON a.id = r.account_id WHERE a.username = "
                         + sql_quote("x" + name)) == f"clerk,{own}"


def test_import_bar_refused_rows_exit_1(admin, mariadb, tmp_path):
    good = str(700000000 + secrets.randbelow(99999999))
    csv = tmp_path / "roster.csv"
    csv.write_text(f"bar_number,last_name,first_name,status\n{good},Kept,Row,active\n"
                   "12x4,Bad,Number,active\n")
    r = admin.run("import-bar", csv, check=False)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "imported 1 row(s), updated 0, refused 1" in r.stdout, r.stdout
    assert "line 3: bar_number must be digits only" in r.stderr, r.stderr
    assert mariadb.value(f"SELECT last_name FROM mc_bar_roster WHERE bar_number = '{good}'") \
        == "Kept"
    csv.write_text(f"{good},Kept,Row,inactive\n")
    assert admin.run("import-bar", csv).returncode == 0


def test_check_says_where_it_connects(admin, mariadb, tmp_root):
    def connecting(r):
        lines = r.stdout.splitlines()
        at = [i for i, line in enumerate(lines) if line.startswith("database: connecting to ")]
        assert len(at) == 1, r.stdout
        after = [i for i, line in enumerate(lines) if line.startswith("database: reachable")]
        assert after and after[0] > at[0], r.stdout
        return lines[at[0]]

    r = admin.check()
    assert connecting(r) == f"database: connecting to socket {mariadb.socket} as " \
        f"{mariadb.app_user}", r.stdout
    text = admin.conf.read_text()
    # TCP: host and port.
    tcp = tmp_root / "check-tcp.conf"
    tcp.write_text(re.sub(r"^MoCourtsDBSocket .*\n", "", text.replace(
        "MoCourtsDBHost localhost", f"MoCourtsDBHost 127.0.0.1\nMoCourtsDBPort {mariadb.port}"),
        flags=re.M))
    r = Admin(tcp).check()
    assert connecting(r).startswith(f"database: connecting to host 127.0.0.1 port "
                                    f"{mariadb.port} as "), r.stdout
    # localhost without MoCourtsDBSocket: the client library's socket, not a port.
    nosock = tmp_root / "check-nosock.conf"
    nosock.write_text(re.sub(r"^MoCourtsDBSocket .*\n", "", text, flags=re.M))
    r = Admin(nosock).run("check", env={"MYSQL_UNIX_PORT": str(mariadb.socket)})
    assert connecting(r).startswith(f"database: connecting to socket {mariadb.socket} as "), \
        r.stdout


def test_progress_on_a_terminal_only(admin, tmp_path):
    rc, err = admin.run_on_tty("generate", "--cases", "300", conf=False)
    assert rc == 0
    assert re.search(rb"^\rgenerate: 300 of 300 cases, [\d.]+/s, done in [\d.]+s\r\n$", err), err
    rc, err = admin.run_on_tty("generate", "--cases", "300", "--quiet", conf=False)
    assert rc == 0 and err == b"", err
    rc, err = admin.run_on_tty("-q", "generate", "--cases", "300", conf=False)
    assert rc == 0 and err == b"", err
    r = subprocess.run([str(admin.binary), "generate", "--cases", "300"], capture_output=True)
    assert r.returncode == 0 and r.stderr == b"", r.stderr

    rc, err = admin.run_on_tty("migrate")
    assert rc == 0 and re.search(rb"\rmigrate: (\d+) of \1 components, .*done in", err), err
    n = str(700000000 + secrets.randbelow(99999999))
    csv = tmp_path / "roster.csv"
    csv.write_text(f"{n},Tty,Shown,active\n{int(n) + 1},Tty,Too,active\n")
    rc, err = admin.run_on_tty("import-bar", csv)
    assert rc == 0 and re.search(rb"\rimport-bar: 2 records, .*done in", err), err
    feed = tmp_path / "empty.xml"
    feed.write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<casenet-feed xmlns="urn:mocourts:casenet-feed:1"></casenet-feed>\n')
    rc, err = admin.run_on_tty("import", feed)
    assert rc == 0 and re.search(rb"^\rimport: 0 records, .*done in [\d.]+s\r\n$", err), err
    r = admin.run("import", feed)
    assert r.stderr == "", r.stderr
    # deliver --loop: a line kept up to date until the signal ends it.
    rc, err = admin.run_on_tty("deliver", "--loop", "1", terminate_after=1.5)
    assert rc == 0 and re.search(rb"\rdeliver: \d+ notices, [\d.]+/s, done in", err), err
    assert err.endswith(b"\r\n"), err


def test_man_page_renders_and_names_every_option(admin):
    """docs/mocourts-admin.8 renders without a warning and describes every
    command and every option that --help shows."""
    page = util.REPO / "docs/mocourts-admin.8"
    if not shutil.which("groff"):
        pytest.skip("groff is not installed")
    r = subprocess.run(["groff", "-man", "-ww", "-Tutf8", str(page)], capture_output=True)
    assert r.returncode == 0 and r.stderr == b"", r.stderr
    text = subprocess.run(["groff", "-man", "-Tascii", "-P-cbou", str(page)], capture_output=True,
                          text=True, env={"PATH": "/usr/bin:/bin"}).stdout
    text = re.sub(r"-\n\s+", "-", text)   # hyphenated at the end of a line
    for section in ("SYNOPSIS", "COMMANDS", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES"):
        assert re.search(rf"^{section}$", text, re.M), section
    for cmd in COMMANDS:
        assert re.search(rf"^   {cmd}\b", text, re.M), cmd
        for option in re.findall(r"^  (--[a-z-]+)", admin.run(cmd, "--help").stdout, re.M):
            assert option in text, (cmd, option)
    for option in ("--config", "--quiet", "--help", "--version"):
        assert option in text, option
