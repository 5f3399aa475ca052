"""mocourts-admin: migrate is idempotent, check reports the schema, create-admin
refuses duplicates and weak passwords, purge runs."""
import re
import secrets

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
