"""MariaDB down while Apache runs: pages that need the database answer 503
with Retry-After and a clear page (never 200 for a protected page, never a
logon), and everything recovers on its own once MariaDB is back, with no
Apache restart.

The MariaDB is the session's shared one: every test here restarts it and
waits until it answers before it ends, then makes every running Apache
drop the connections it pooled before the restart."""
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from harness.apache import Apache
from helpers_core import (COOKIE, NO_DEVICE, STATIC_MARK, UNREACHABLE, csrf_of, drain_stale_connections,
                          is_logged_on, logged_on_csrf, logon_full, logon_post, new_browser, poll, site)

DB_DOWN = (r"database connection failed", r"database unreachable", r"MC0201", r"MC0204",
           r"MC0401", r"MC0702", r"MC0704", r"session lookup failed")


def _assert_503(r, what):
    assert r.status_code == 503, (what, r.status_code, r.text[:300])
    assert r.headers.get("Retry-After", "").isdigit(), (what, r.headers)
    assert UNREACHABLE in r.text, (what, r.text[:300])
    assert STATIC_MARK not in r.text
    assert "no-store" in r.headers.get("Cache-Control", "")


@pytest.fixture
def db_back(mariadb):
    """Whatever happens in the test, MariaDB is running and healthy after it,
    and no Apache keeps a connection from before the outage."""
    yield mariadb
    if not mariadb.is_running():
        mariadb.start()
    mariadb.wait_for("SELECT 1", lambda rows: rows == [("1",)], timeout=30)
    drain_stale_connections(list(Apache.instances))


def _two_browsers(make_apache, new_account):
    """A site, an account logged on in one browser (with its pages' form
    token) and another browser, anonymous, with the logon page's token:
    (site, account, user, user's token, anonymous, its token)."""
    ap = site(make_apache, NO_DEVICE)
    acct = new_account()
    user = new_browser()
    logon_full(user, ap, acct)
    anon = new_browser()
    anon_csrf = csrf_of(anon.get(ap.url("/account/logon"), timeout=10).text)
    return ap, acct, user, logged_on_csrf(user, ap), anon, anon_csrf


@pytest.mark.allow_errors(*DB_DOWN)
def test_outage_503_and_recovery(make_apache, new_account, db_back):
    mariadb = db_back
    ap, acct, user, user_csrf, anon, anon_csrf = _two_browsers(make_apache, new_account)
    token = user.cookies.get(COOKIE)
    assert user.get(ap.url("/protected/static.html"), timeout=10).status_code == 200
    assert anon.get(ap.url("/probe/dbtime"), timeout=10).status_code == 200

    mariadb.kill()
    try:
        _assert_503(anon.get(ap.url("/probe/dbtime"), timeout=15), "dbtime")
        for _ in range(3):   # every try, not only the first
            r = user.get(ap.url("/protected/static.html"), timeout=15, allow_redirects=False)
            _assert_503(r, "protected")
        r = user.get(ap.url("/probe/mine"), timeout=15, allow_redirects=False)
        _assert_503(r, "probe/mine")
        # A write while the DB is down: refused, never a 2xx.
        r = user.post(ap.url("/probe/notify"), data={"mc_csrf": user_csrf},
                      timeout=15, allow_redirects=False)
        _assert_503(r, "probe/notify")
        r = anon.post(ap.url("/account/logon"), data={"username": acct.username,
                                                     "password": acct.password,
                                                     "mc_csrf": anon_csrf},
                      timeout=15, allow_redirects=False)
        _assert_503(r, "logon")
        assert not anon.cookies.get(COOKIE)
        # The browser keeps its session: the server did not end it.
        assert user.cookies.get(COOKIE) == token
    finally:
        mariadb.start()
    back = time.monotonic()
    poll(lambda: anon.get(ap.url("/probe/dbtime"), timeout=10).status_code == 200,
         timeout=5, interval=0.1, what="/probe/dbtime to answer 200 again")
    assert time.monotonic() - back <= 5.5
    # The session from before the outage still works, on every page.
    # (Polled: a connection pooled before the outage may still answer one
    # 503 here; test_idle_server_recovers_without_a_503 is about that.)
    poll(lambda: is_logged_on(user, ap), timeout=5, interval=0.1, what="the old session")
    poll(lambda: STATIC_MARK in user.get(ap.url("/protected/static.html"), timeout=10).text,
         timeout=5, interval=0.1, what="/protected with the old session")
    # And logging on works again.
    def logs_on():
        b = new_browser()
        try:
            return logon_post(b, ap, acct.username, acct.password).status_code == 303
        finally:
            b.close()
    poll(logs_on, timeout=5, interval=0.1, what="a new logon")
    assert user.cookies.get(COOKIE) == token
    for b in (user, anon):
        b.close()


@pytest.mark.allow_errors(*DB_DOWN)
def test_idle_server_recovers_without_a_503(make_apache, new_account, db_back):
    """An Apache that served requests before the outage but none during it
    must not answer 503 after MariaDB is back: a connection pooled before
    the restart is checked (or its failure retried on a new connection)
    before a page relies on it."""
    mariadb = db_back
    ap = site(make_apache, NO_DEVICE)
    acct = new_account()
    user = new_browser()
    logon_full(user, ap, acct)
    token = user.cookies.get(COOKIE)

    def one(path):
        # A new connection each time, so that requests reach every child.
        s = new_browser()
        s.cookies.set(COOKIE, token)
        try:
            return s.get(ap.url(path), timeout=10, allow_redirects=False,
                         headers={"Connection": "close"}).status_code
        finally:
            s.close()

    # Every child pools a few connections.
    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(one, ["/probe/dbtime"] * 32)) == {200}
    last = time.monotonic()
    mariadb.kill()
    mariadb.start()
    # Idle: no request for 1.5 s, longer than the pool's IDLE_CHECK (1 s),
    # the restart's time included.
    time.sleep(max(0.0, last + 1.5 - time.monotonic()))
    statuses = [one(p) for p in ["/probe/dbtime", "/protected/static.html"] * 8]
    assert statuses == [200] * len(statuses), statuses
    user.close()


@pytest.mark.allow_errors(*DB_DOWN)
def test_basic_auth_during_outage_is_not_granted(make_apache, new_account, db_back):
    """AuthBasicProvider mocourts fails closed: 5xx, never the file."""
    mariadb = db_back
    ap = site(make_apache, NO_DEVICE)
    acct = new_account()
    s = new_browser()
    r = s.get(ap.url("/basic/static.html"), auth=(acct.username, acct.password), timeout=10)
    assert r.status_code == 200
    mariadb.kill()
    try:
        r = s.get(ap.url("/basic/static.html"), auth=(acct.username, acct.password), timeout=15)
        assert r.status_code >= 500, r.status_code
        assert STATIC_MARK not in r.text
    finally:
        mariadb.start()
    s.close()


@pytest.mark.allow_errors(*DB_DOWN)
def test_outage_page_in_site_layout_and_honest(make_apache, new_account, db_back):
    """Issue 10 §5: the 503 page is a page of the site (its layout, its
    stylesheet, which still loads), says charset=utf-8 in its header, and
    does not claim that nothing was saved: after a GET it says nothing of
    it; after a POST it says what was sent may not have been saved."""
    from html.parser import HTMLParser
    mariadb = db_back
    ap, acct, user, user_csrf, anon, anon_csrf = _two_browsers(make_apache, new_account)

    def page_of(r, what):
        _assert_503(r, what)
        assert r.headers.get("Content-Type") == "text/html; charset=utf-8", (what, r.headers)
        text = r.content.decode("utf-8")
        assert "<h1>Service temporarily unavailable</h1>" in text, (what, text[:600])
        assert "<title>Service temporarily unavailable</title>" in text
        assert '<header class="site">' in text and '<footer class="site">' in text, what
        assert 'href="/account/assets/site.css"' in text, what
        assert "Nothing you sent has been saved" not in text, what
        HTMLParser().feed(text)
        return text

    mariadb.kill()
    try:
        for r, what in ((anon.get(ap.url("/probe/dbtime"), timeout=15), "handler GET"),
                        (user.get(ap.url("/protected/static.html"), timeout=15,
                                  allow_redirects=False), "access check GET")):
            assert "may not have been saved" not in page_of(r, what), what
        for r, what in ((user.post(ap.url("/probe/notify"), data={"mc_csrf": user_csrf},
                                   timeout=15, allow_redirects=False), "handler POST"),
                        (anon.post(ap.url("/account/logon"),
                                   data={"username": acct.username, "password": acct.password,
                                         "mc_csrf": anon_csrf},
                                   timeout=15, allow_redirects=False), "logon POST")):
            text = page_of(r, what)
            assert "What you sent may not have been saved" in text, (what, text[:800])
            assert "check" in text
        # The layout's stylesheet needs no database, with a session cookie or without.
        for b in (anon, user):
            css = b.get(ap.url("/account/assets/site.css"), timeout=15)
            assert css.status_code == 200, css.status_code
            assert css.headers["Content-Type"].startswith("text/css")
            assert "Set-Cookie" not in css.headers
    finally:
        mariadb.start()


@pytest.mark.allow_errors(*DB_DOWN, r"MC0901")
def test_outage_page_without_its_template(make_apache, tmp_root, db_back):
    """When the page cannot be rendered in the layout, the plain page says
    the same, well-formed and still charset=utf-8 (and the failure is
    logged)."""
    import os
    import secrets
    from html.parser import HTMLParser
    from harness import util
    mariadb = db_back
    over = tmp_root / f"override-{secrets.token_hex(4)}"
    (over / "core").mkdir(parents=True)
    for d in (over, over / "core"):
        util.make_reachable(d)
    ap = site(make_apache, dict(NO_DEVICE, MoCourtsTemplatesOverride=f'"{over}"'))
    anon = new_browser()
    csrf = csrf_of(anon.get(ap.url("/account/logon"), timeout=10).text)
    # Broken after start-up: a directory where the page's template should be.
    os.mkdir(over / "core" / "unavailable.html")
    since = ap.error_log_offset()
    mariadb.kill()
    try:
        r = anon.get(ap.url("/probe/dbtime"), timeout=15)
        _assert_503(r, "plain GET")
        assert r.headers.get("Content-Type") == "text/html; charset=utf-8", r.headers
        assert r.text.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in r.text
        assert "<h1>Service temporarily unavailable</h1>" in r.text
        assert "may not have been saved" not in r.text and "Nothing you sent" not in r.text
        HTMLParser().feed(r.text)
        r = anon.post(ap.url("/account/logon"), data={"username": "x", "password": "y",
                                                      "mc_csrf": csrf},
                      timeout=15, allow_redirects=False)
        _assert_503(r, "plain POST")
        assert r.headers.get("Content-Type") == "text/html; charset=utf-8", r.headers
        assert "What you sent may not have been saved" in r.text
    finally:
        mariadb.start()
    assert any("MC0901" in line for line in ap.error_log_lines(since))
