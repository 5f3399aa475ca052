"""Issue 15 on one database: two Apache nodes (A and B) with their own
session caches (shmcb, the default TTL) share everything through MariaDB. A
session works on either; a logoff on A is refused on B within 1 s; failed
logons count toward the lock-out whichever node they reach; ten copies of
one form split over both act once. (The same over a Galera cluster, with a
node killed: tests/cluster/, `make test-cluster`.)"""
import concurrent.futures
import re
import secrets
import threading
import time

import pytest

from harness import util
from harness.apache import TEST_START_SERVERS, Apache
from harness.apache import test_site_conf as site_conf  # not a test: no test_ name here
from helpers_core import (COOKIE, CSRF_FIELD, MSG_BAD, NO_DEVICE, ONCE_FIELD, csrf_of, logon,
                          logon_full, new_browser, post_form, start_checked)

REVOKE_MAX = 1.0 + 0.05     # the promise (the cache's TTL), and the clock's grain
NODE = {**NO_DEVICE, "MoCourtsSessionCache": "shmcb"}


@pytest.fixture(scope="module")
def nodes(tmp_root, mariadb, smtp, gateway):
    made = []
    try:
        for name in ("node-a", "node-b"):
            ap = Apache(tmp_root / f"{name}-{util.free_port()}", util.free_port(), db=mariadb,
                        smtp=smtp, gateway=gateway, extra_conf=site_conf(),
                        overrides=dict(NODE), start_servers=TEST_START_SERVERS)
            start_checked(ap, migrate=not made)
            made.append(ap)
        yield made
    finally:
        for ap in made:
            ap.stop()


def _mine(s, ap):
    return s.get(ap.url("/probe/mine"), allow_redirects=False, timeout=30).status_code


def test_a_session_works_alternately_on_both_nodes(nodes, new_account):
    a, b = nodes
    acct = new_account()
    s = new_browser()
    logon_full(s, a, acct)
    assert [_mine(s, n) for n in (a, b, a, b, b, a)] == [200] * 6


def test_logoff_on_one_node_is_refused_on_the_other_within_1s(nodes, new_account):
    a, b = nodes
    acct = new_account()
    s = new_browser()
    logon_full(s, a, acct)
    token = s.cookies.get(COOKIE)
    for _ in range(5):
        assert _mine(s, b) == 200          # B's cache holds the session now
    r = post_form(s, a, "/account/logoff",
                  {CSRF_FIELD: csrf_of(s.get(a.url("/probe/mine"), timeout=30).text)})
    assert r.status_code == 303
    ended = time.monotonic()
    old = new_browser()
    old.cookies.set(COOKIE, token)
    # Every request B receives more than REVOKE_MAX after the logoff must be
    # refused: each request's start is when B may first see it.
    while True:
        sent = time.monotonic() - ended
        if _mine(old, b) != 200:
            break
        assert sent <= REVOKE_MAX, f"B honoured the ended session {sent:.2f} s after the logoff"
    assert _mine(old, a) != 200


def test_failed_logons_count_across_nodes(nodes, new_account):
    """MoCourtsLockout's default, 5 failures: alternating nodes, the fifth
    locks the account on both, so the right password is refused on each."""
    a, b = nodes
    acct = new_account()
    for i in range(5):
        r = logon(new_browser(), (a, b)[i % 2], acct.username, "Wrong-Password-9x")
        assert MSG_BAD in r.text
    for node in (a, b):
        s = new_browser()
        r = logon(s, node, acct.username, acct.password)
        assert MSG_BAD in r.text and not s.cookies.get(COOKIE), r.url


def test_ten_copies_split_across_nodes_act_once(nodes, mariadb):
    a, b = nodes
    s = new_browser()
    page = s.get(a.url("/probe/once"), timeout=30)
    once = re.search(r"Token: ([0-9]+\.[A-Za-z0-9_-]{22}\.[0-9a-f]{32})<", page.text).group(1)
    csrf = csrf_of(s.get(a.url("/account/logon"), timeout=30).text)
    tag = secrets.token_hex(6)
    data = {CSRF_FIELD: csrf, ONCE_FIELD: once, "tag": tag, "hold": "300"}
    barrier = threading.Barrier(10)

    def one(i):
        c = new_browser()
        c.cookies.update(s.cookies)
        barrier.wait(timeout=30)
        try:
            return c.post((a, b)[i % 2].url("/probe/once"), data=data, allow_redirects=False,
                          timeout=30)
        finally:
            c.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(one, range(10)))
    assert [r.status_code for r in answers] == [303] * 10, [(r.status_code, r.text[:200])
                                                           for r in answers]
    assert len({r.headers["Location"] for r in answers}) == 1
    assert mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'probe-once' AND "
                         f"detail = '{tag}'") == "1"
