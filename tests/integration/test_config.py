"""Configuration errors are caught at configtest (or at start, for what needs
several directives or the database), with a sentence naming the directive."""
import re
import secrets

import pytest
import requests

from harness.apache import ApacheError
from helpers_core import _PROBE_SO, complete_conf


BAD_VALUES = [
    ("MoCourtsDBPort", "70000", "outside 1..65535"),
    ("MoCourtsDBPort", "abc", "not a whole number"),
    ("MoCourtsSessionIdle", "soon", None),
    ("MoCourtsSessionMax", "0s", None),
    ("MoCourtsPasswordPolicy", "lax", "is not a preset"),
    ("MoCourtsPasswordCost", "ops=0", None),
    ("MoCourtsPasswordCost", "ops=0,mem=8M", "ops is outside"),
    ("MoCourtsBaseURL", "ftp://x", "scheme must be https"),
    ("MoCourtsBaseURL", "courts.example.gov", None),
    ("MoCourtsLockout", "0 30m", "outside 1..1000"),
    ("MoCourtsLockout", "5 never", None),
    ("MoCourtsSessionCookie", '"bad;name"', "a cookie name may hold only"),
    ("MoCourtsTemplates", '"/nonexistent"', "'/nonexistent' does not exist"),
    ("MoCourtsMailFrom", "notanaddress", "not an e-mail address"),
    ("MoCourtsDBPoolMax", "0", "outside 1..1000"),
    ("MoCourtsSessionCache", "nosuchcache", "no socache provider 'nosuchcache'"),
]


@pytest.mark.parametrize("directive,value,reason", BAD_VALUES,
                         ids=[f"{d}={v}" for d, v, _ in BAD_VALUES])
def test_bad_value_fails_configtest(make_apache, directive, value, reason):
    ap = make_apache(overrides={directive: value}, start=False)
    rc, out = ap.configtest()
    assert rc != 0, out
    assert f"Invalid value for directive '{directive}'" in out, out
    if reason:
        assert reason in out, out
    assert "Syntax OK" not in out


def test_good_config_passes(make_apache):
    ap = make_apache(start=False)
    complete_conf(ap)
    rc, out = ap.configtest()
    assert rc == 0, out
    assert "Syntax OK" in out


def _probe_load():
    return f'LoadModule mocourts_probe_module "{_PROBE_SO}"\n'


def test_unknown_plugin(make_apache):
    ap = make_apache(start=False, extra_conf="<Location /x>\n    MoCourtsMount nosuch\n"
                                             "</Location>\n")
    rc, out = ap.configtest()
    assert rc != 0
    assert "there is no plugin named 'nosuch'" in out, out


def test_two_mounts_on_one_path(make_apache):
    ap = make_apache(start=False, extra_conf=_probe_load()
                     + "<Location /account/>\n    MoCourtsMount probe\n</Location>\n")
    rc, out = ap.configtest()
    assert rc != 0
    assert "already has plugin" in out, out
    assert "'/account'" in out, out


def test_same_plugin_mounted_twice(make_apache):
    ap = make_apache(start=False, extra_conf="<Location /again>\n    MoCourtsMount logon\n"
                                             "</Location>\n")
    rc, out = ap.configtest()
    assert rc != 0
    assert "plugin 'logon' is already mounted at '/account'" in out, out


def test_mount_outside_location(make_apache, tmp_root):
    ap = make_apache(start=False, extra_conf=_probe_load()
                     + f'<Directory "{tmp_root}">\n    MoCourtsMount probe\n</Directory>\n')
    rc, out = ap.configtest()
    assert rc != 0
    assert "MoCourtsMount must be placed inside a <Location /path> section." in out, out
    ap = make_apache(start=False, extra_conf=_probe_load() + "MoCourtsMount probe\n")
    rc, out = ap.configtest()
    assert rc != 0
    assert "MoCourtsMount" in out, out
    ap = make_apache(start=False, extra_conf=_probe_load()
                     + "<LocationMatch ^/re>\n    MoCourtsMount probe\n</LocationMatch>\n")
    rc, out = ap.configtest()
    assert rc != 0
    assert "MoCourtsMount" in out, out


def test_directive_outside_server_config(make_apache):
    ap = make_apache(start=False, extra_conf="<Location /y>\n    MoCourtsSessionIdle 5m\n"
                                             "</Location>\n")
    rc, out = ap.configtest()
    assert rc != 0
    assert "MoCourtsSessionIdle" in out, out


def _start_fails(ap):
    since = ap.error_log_offset()
    with pytest.raises(ApacheError) as e:
        ap.start(timeout=20)
    return str(e.value) + "\n" + "\n".join(ap.error_log_lines(since))


@pytest.mark.allow_errors(r"MoCourtsSessionSecure", r"AH00016", r"Configuration Failed",
                          r"MC0104")
def test_host_cookie_without_secure_refused_at_start(make_apache):
    ap = make_apache(overrides={"MoCourtsSessionCookie": "__Host-mocourts",
                                "MoCourtsSessionSecure": "Off"}, start=False)
    text = _start_fails(ap)
    assert "Invalid value for directive 'MoCourtsSessionSecure'" in text, text
    assert "__Host-" in text
    assert not ap.is_running()


@pytest.mark.allow_errors(r"MoCourtsSessionIdle", r"AH00016", r"Configuration Failed",
                          r"MC0104")
def test_idle_longer_than_max_refused_at_start(make_apache):
    ap = make_apache(overrides={"MoCourtsSessionIdle": "2h", "MoCourtsSessionMax": "1h"},
                     start=False)
    text = _start_fails(ap)
    assert "Invalid value for directive 'MoCourtsSessionIdle'" in text, text


@pytest.mark.allow_errors(r"schema of 'core' is at version 0", r"AH00016",
                          r"Configuration Failed", r"MC0103")
def test_schema_too_old_refused(make_apache, mariadb):
    name = f"mc_empty_{secrets.token_hex(3)}"
    stmts = [f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"]
    for host in ("localhost", "127.0.0.1"):
        stmts.append(f"GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, "
                     f"REFERENCES, LOCK TABLES ON `{name}`.* TO '{mariadb.app_user}'@'{host}'")
    mariadb.sql(";\n".join(stmts), database="")
    try:
        ap = make_apache(overrides={"MoCourtsDBName": name}, start=False)
        text = _start_fails(ap)
        assert "schema of 'core' is at version 0" in text, text
        assert "mocourts-admin migrate" in text
        assert not ap.is_running()
    finally:
        mariadb.sql(f"DROP DATABASE `{name}`", database="")


@pytest.mark.allow_errors(r"database connection failed", r"MC0201")
def test_unreachable_database_is_only_a_warning(make_apache, tmp_root):
    """Start-up with the database down: Apache starts; pages answer 503."""
    ap = make_apache(overrides={"MoCourtsDBSocket": f'"{tmp_root}/no-such.sock"'},
                     start=False, migrate=False)
    complete_conf(ap)
    since = ap.error_log_offset()
    ap.start(timeout=20)
    assert any(re.search(r"database not reachable at start-up", line)
               for line in ap.error_log_lines(since))
    r = requests.get(ap.url("/probe/dbtime"), timeout=15)
    assert r.status_code == 503
    assert r.headers.get("Retry-After")
    assert "cannot be reached" in r.text
