"""MoCourtsSMTP and MoCourtsLockout are checked by one function each
(mc_conf_smtp, mc_conf_lockout in lib/mc_conf_table.c), shared by httpd's
setters and mocourts-admin: both refuse the same values with the same
sentence (issue 12 §3: one set of rules for the two readers)."""
import pytest

from harness.admin import Admin

SMTP_BAD = [
    ("localhost 25x", "'25x' is not a whole number"),
    ("localhost 70000", "70000 is outside 1..65535"),
    ("localhost 0", "0 is outside 1..65535"),
    ("mail/relay 25", "'mail/relay' is not a host name"),
]


@pytest.mark.parametrize("value,why", SMTP_BAD, ids=[v for v, _ in SMTP_BAD])
def test_smtp_refused_alike_by_httpd_and_the_admin_tool(make_apache, value, why):
    sentence = f"Invalid value for directive 'MoCourtsSMTP': {why}"
    ap = make_apache(overrides={"MoCourtsSMTP": value}, start=False)
    rc, out = ap.configtest()
    assert rc != 0 and sentence in out, out
    r = Admin(ap.mocourts_conf).run("deliver", "--once", check=False)
    assert r.returncode == 1 and sentence in r.stderr, r.stderr


LOCKOUT_BAD = [
    ("0 30m", "0 is outside 1..1000"),
    ("1001 30m", "1001 is outside 1..1000"),
    ("five 30m", "'five' is not a whole number"),
    ("5 0s", "'0s' is shorter than 1 s"),
    ("5 never", "a duration is a whole number of seconds"),
]


@pytest.mark.parametrize("value,why", LOCKOUT_BAD, ids=[v for v, _ in LOCKOUT_BAD])
def test_lockout_refused_with_the_tables_sentences(make_apache, value, why):
    ap = make_apache(overrides={"MoCourtsLockout": value}, start=False)
    rc, out = ap.configtest()
    assert rc != 0, out
    assert f"Invalid value for directive 'MoCourtsLockout': {why}" in out, out


def test_good_values_pass(make_apache):
    ap = make_apache(overrides={"MoCourtsSMTP": "relay-1.example.gov 2525",
                                "MoCourtsLockout": "1000 1s"}, start=False)
    rc, out = ap.configtest()
    assert "MoCourtsSMTP" not in out and "MoCourtsLockout" not in out, out
