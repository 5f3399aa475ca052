"""What must hold across two Apache nodes A and B (issue 15), for the tests
of two nodes on one database (test_two_nodes.py) and on a Galera cluster
(tests/cluster/test_cluster.py): each function runs one check and asserts."""
import concurrent.futures
import re
import secrets
import threading
import time

from helpers_core import (COOKIE, CSRF_FIELD, MSG_BAD, ONCE_FIELD, csrf_of, logon, logon_full,
                          new_browser, post_form)

REVOKE_MAX = 1.0 + 0.05     # the promise (the session cache's TTL), and the clock's grain
# The probe plugin's one-time form token, as /probe/once shows it.
ONCE_TOKEN = re.compile(r"Token: ([0-9]+\.[A-Za-z0-9_-]{22}\.[0-9a-f]{32})<")


def mine(s, ap):
    """GET /probe/mine: 200 only with a full session."""
    return s.get(ap.url("/probe/mine"), allow_redirects=False, timeout=30).status_code


def session_works_on_both(a, b, acct):
    s = new_browser()
    logon_full(s, a, acct)
    assert [mine(s, n) for n in (a, b, a, b, b, a)] == [200] * 6


def logoff_refused_on_the_other_within_1s(a, b, acct):
    """Logged on at A and cached at B; logged off at A: every request B gets
    more than REVOKE_MAX after the logoff is refused (a request's start is
    when B may first see it)."""
    s = new_browser()
    logon_full(s, a, acct)
    token = s.cookies.get(COOKIE)
    for _ in range(5):
        assert mine(s, b) == 200          # B's cache holds the session now
    r = post_form(s, a, "/account/logoff",
                  {CSRF_FIELD: csrf_of(s.get(a.url("/probe/mine"), timeout=30).text)})
    assert r.status_code == 303
    ended = time.monotonic()
    old = new_browser()
    old.cookies.set(COOKIE, token)
    while True:
        sent = time.monotonic() - ended
        if mine(old, b) != 200:
            break
        assert sent <= REVOKE_MAX, f"B honoured the ended session {sent:.2f} s after the logoff"
    assert mine(old, a) != 200


def failed_logons_lock_on_both(a, b, acct):
    """MoCourtsLockout's default, 5 failures, alternating nodes: the right
    password is then refused on each."""
    for i in range(5):
        assert MSG_BAD in logon(new_browser(), (a, b)[i % 2], acct.username, "Wrong-Pass-9x").text
    for node in (a, b):
        s = new_browser()
        assert MSG_BAD in logon(s, node, acct.username, acct.password).text
        assert not s.cookies.get(COOKIE)


def ten_copies_split(a, b):
    """Ten copies of one /probe/once form sent at once, alternately to A and
    B: all answered 303 to one place. Returns the form's tag (the caller
    counts its audit rows: one)."""
    s = new_browser()
    once = ONCE_TOKEN.search(s.get(a.url("/probe/once"), timeout=30).text).group(1)
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
                          timeout=60)
        finally:
            c.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(one, range(10)))
    assert [r.status_code for r in answers] == [303] * 10, [(r.status_code, r.text[:300])
                                                           for r in answers]
    assert len({r.headers["Location"] for r in answers}) == 1
    return tag


def once_rows(db, tag):
    return db.value(f"SELECT COUNT(*) FROM mc_audit WHERE event = 'probe-once' AND "
                    f"detail = '{tag}'")
