"""Issue 15: MoCourtsDBHost as an ordered list of database servers. A node
sends its work to the first server that answers; when that one is lost, to
the next within 2 s; a malformed list is a configuration error. (The Galera
side, a member that answers but is not synced, and the cross-node checks are
in tests/cluster/, `make test-cluster`.)"""
import shutil
import time

import pytest

from harness import util
from harness.mariadb import MariaDB
from helpers_core import site

FAILOVER_MAX = 2.0      # seconds from a server's death to the next 2xx


def _hosts(*ports):
    return '"' + ", ".join(f"127.0.0.1:{p}" for p in ports) + '"'


def _tcp(mariadb, hosts):
    conf = mariadb.connection_conf(via="tcp")
    conf["MoCourtsDBHost"] = hosts
    conf["MoCourtsDBSocket"] = None
    conf["MoCourtsDBPort"] = None
    conf["MoCourtsDBConnectTimeout"] = "1s"
    return conf


@pytest.fixture()
def second_db(tmp_root, mariadb):
    """Another MariaDB with the same application account and password as
    the session's (the sites below name both)."""
    root = tmp_root / f"db-second-{util.free_port()}"
    db = MariaDB(root, util.free_port())
    root.mkdir(parents=True)
    shutil.copy(mariadb.password_file, db.password_file)
    db.start()
    db.create_app_db()
    try:
        yield db
    finally:
        db.stop()
        shutil.rmtree(root, ignore_errors=True)


def _dbtime(s, ap):
    return s.get(ap.url("/probe/dbtime"), timeout=30)


@pytest.mark.allow_errors(r"database connection failed|cannot connect to MariaDB")
def test_a_dead_first_server_is_skipped(make_apache, mariadb, http):
    dead = util.free_port()
    ap = site(make_apache, _tcp(mariadb, _hosts(dead, mariadb.port)))
    t0 = time.monotonic()
    r = _dbtime(http, ap)
    assert r.status_code == 200, (r.status_code, r.text[:500])
    assert time.monotonic() - t0 < FAILOVER_MAX
    assert any("trying the next server" in line and str(dead) in line
               for line in ap.error_log_lines()), "no warning naming the dead server"


@pytest.mark.allow_errors(r"database connection failed|cannot connect to MariaDB|connection lost"
                          r"|Lost connection|MySQL server has gone away|Server has gone away")
def test_killed_server_moves_to_the_next_within_2s(make_apache, mariadb, second_db, http):
    """The node works on its first server (second_db); that one is killed;
    within FAILOVER_MAX the node answers from the next (the session's), and
    nothing in between is a 2xx."""
    ap = site(make_apache, _tcp(mariadb, _hosts(second_db.port, mariadb.port)))
    for _ in range(20):
        assert _dbtime(http, ap).status_code == 200
    second_db.kill()
    t0 = time.monotonic()
    statuses = []
    while True:
        r = _dbtime(http, ap)
        statuses.append(r.status_code)
        if r.status_code == 200:
            break
        assert r.status_code in (500, 503), statuses
        assert time.monotonic() - t0 < FAILOVER_MAX, f"still {statuses[-5:]} after the kill"
    took = time.monotonic() - t0
    assert took < FAILOVER_MAX, took
    # And it stays on the next server: every request now answers.
    for _ in range(20):
        assert _dbtime(http, ap).status_code == 200


@pytest.mark.parametrize("hosts", ['"db:0"', '"::1"', '"db:x, db2"', '"a,b,c,d,e,f,g,h,i"'])
def test_a_malformed_list_is_a_configuration_error(make_apache, mariadb, hosts):
    ap = make_apache(overrides=_tcp(mariadb, hosts), start=False)
    rc, out = ap.configtest()
    assert rc != 0 and "MoCourtsDBHost" in out, out
