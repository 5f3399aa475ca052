"""Our accounts protecting ordinary locations: Require mocourts-account,
Require mocourts-role, AuthBasicProvider mocourts (with the lock-out), and
the security headers of our pages."""
from urllib.parse import parse_qs, urlparse

import pytest

from harness import web

from helpers_core import (AUTH_REFUSAL_LINES, COOKIE, MSG_LOCKED, NO_DEVICE, STATIC_MARK,
                          is_logged_on, location, logon_full, logon_post, module_site, new_browser,
                          path_of)


ap = module_site("authz", NO_DEVICE,
                 doc="The default lock-out (5 failures, 30 minutes); no device codes.")


def test_protected_anonymous_goes_to_logon(ap, http):
    r = http.get(ap.url("/protected/static.html?x=1&y=2"), allow_redirects=False, timeout=10)
    assert r.status_code == 302
    assert STATIC_MARK not in r.text
    loc = urlparse(location(r))
    assert loc.path == "/account/logon"
    assert parse_qs(loc.query) == {"return": ["/protected/static.html?x=1&y=2"]}
    # A POST is not redirected (its body would be lost): 401.
    r = http.post(ap.url("/protected/static.html"), data={"a": "b"}, allow_redirects=False,
                  timeout=10)
    assert r.status_code == 401
    assert STATIC_MARK not in r.text


def test_protected_logged_on_and_back(ap, new_account):
    acct = new_account()
    s = new_browser()
    r = s.get(ap.url("/protected/static.html"), timeout=10)   # -> the logon page
    assert path_of(r.url) == "/account/logon"
    r = web.submit(s, r, {"username": acct.username, "password": acct.password},
                   with_field="password", timeout=30)
    assert r.status_code == 200
    assert path_of(r.url) == "/protected/static.html"
    assert STATIC_MARK in r.text
    s.close()


def test_protected_with_ended_or_partial_session(ap, new_account, mariadb):
    acct = new_account(must_change=True)
    s = new_browser()
    r = logon_post(s, ap, acct.username, acct.password)
    assert r.status_code == 303 and path_of(location(r)) == "/account/password"
    # A password-stage session is not an account for Require mocourts-account.
    r = s.get(ap.url("/protected/static.html"), allow_redirects=False, timeout=10)
    assert r.status_code == 302 and STATIC_MARK not in r.text
    s.close()


@pytest.mark.allow_errors(*AUTH_REFUSAL_LINES)
def test_role_required(ap, new_account):
    plain = new_account()
    clerk = new_account(roles=("clerk",), prefix="clerk")
    scoped = new_account(roles=("clerk",), scope="22", prefix="clerk")
    other_role = new_account(roles=("attorney",), prefix="atty")
    anon = new_browser()
    r = anon.get(ap.url("/clerk-files/static.html"), allow_redirects=False, timeout=10)
    assert r.status_code == 302 and path_of(location(r)) == "/account/logon"
    for acct, allowed in ((plain, False), (other_role, False), (clerk, True), (scoped, True)):
        s = new_browser()
        logon_full(s, ap, acct)
        r = s.get(ap.url("/clerk-files/static.html"), allow_redirects=False, timeout=10)
        if allowed:
            assert r.status_code == 200, (acct.username, r.status_code)
            assert STATIC_MARK in r.text
        else:
            assert r.status_code in (401, 403), (acct.username, r.status_code)
            assert STATIC_MARK not in r.text
            # Still logged on; only this location is closed to them.
            assert is_logged_on(s, ap)
            r = s.get(ap.url("/protected/static.html"), allow_redirects=False, timeout=10)
            assert r.status_code == 200
        s.close()
    anon.close()


@pytest.mark.allow_errors(*AUTH_REFUSAL_LINES)
def test_basic_provider(ap, new_account, http):
    acct = new_account()
    r = http.get(ap.url("/basic/static.html"), timeout=10)
    assert r.status_code == 401
    assert r.headers.get("WWW-Authenticate", "").startswith("Basic")
    r = http.get(ap.url("/basic/static.html"), auth=(acct.username, acct.password), timeout=10)
    assert r.status_code == 200 and STATIC_MARK in r.text
    r = http.get(ap.url("/basic/static.html"), auth=(acct.username, "Wrong-Pass-1"), timeout=10)
    assert r.status_code == 401 and STATIC_MARK not in r.text
    r = http.get(ap.url("/basic/static.html"), auth=("nosuch-user-xyz", "Wrong-Pass-1"),
                 timeout=10)
    assert r.status_code == 401
    # Logon by e-mail address works for Basic too.
    r = http.get(ap.url("/basic/static.html"), auth=(acct.email, acct.password), timeout=10)
    assert r.status_code == 200


@pytest.mark.allow_errors(*AUTH_REFUSAL_LINES)
def test_basic_refuses_must_change_and_disabled(ap, new_account, mariadb, http):
    mc = new_account(must_change=True)
    r = http.get(ap.url("/basic/static.html"), auth=(mc.username, mc.password), timeout=10)
    assert r.status_code == 401 and STATIC_MARK not in r.text
    dis = new_account()
    mariadb.sql(f"UPDATE mc_account SET status = 'disabled' WHERE id = {dis.id}")
    r = http.get(ap.url("/basic/static.html"), auth=(dis.username, dis.password), timeout=10)
    assert r.status_code == 401 and STATIC_MARK not in r.text


@pytest.mark.allow_errors(*AUTH_REFUSAL_LINES)
def test_basic_failures_count_toward_lockout(ap, new_account, http):
    acct = new_account()
    for _ in range(5):
        r = http.get(ap.url("/basic/static.html"), auth=(acct.username, "Wrong-Pass-1"),
                     timeout=10)
        assert r.status_code == 401
    # Locked: the right password is refused, by Basic and by the logon form.
    r = http.get(ap.url("/basic/static.html"), auth=(acct.username, acct.password), timeout=10)
    assert r.status_code == 401 and STATIC_MARK not in r.text
    s = new_browser()
    r = logon_post(s, ap, acct.username, acct.password)
    assert r.status_code == 200 and MSG_LOCKED in r.text
    assert not s.cookies.get(COOKIE)
    s.close()


@pytest.mark.allow_errors(*AUTH_REFUSAL_LINES)
def test_logon_form_failures_lock_basic(ap, new_account, http):
    acct = new_account()
    s = new_browser()
    for _ in range(5):
        logon_post(s, ap, acct.username, "Wrong-Pass-1")
    r = http.get(ap.url("/basic/static.html"), auth=(acct.username, acct.password), timeout=10)
    assert r.status_code == 401
    s.close()


def _check_headers(r):
    h = r.headers
    csp = h.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, csp
    assert "default-src" in csp and "object-src 'none'" in csp, csp
    assert "'unsafe-inline'" not in csp
    assert h.get("X-Content-Type-Options") == "nosniff"
    assert h.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin",
                                        "strict-origin-when-cross-origin"), h
    assert "no-store" in h.get("Cache-Control", "")


def test_security_headers(ap, new_account, http):
    r = http.get(ap.url("/account/logon"), timeout=10)
    assert r.status_code == 200
    _check_headers(r)
    # On the redirect to logon, on error pages, and on a logged-on page.
    r = http.get(ap.url("/protected/static.html"), allow_redirects=False, timeout=10)
    _check_headers(r)
    r = http.get(ap.url("/probe/no-such-page"), allow_redirects=False, timeout=10)
    assert r.status_code == 404
    r = http.post(ap.url("/probe/echo"), data={"value": "x"}, allow_redirects=False, timeout=10)
    assert r.status_code == 403
    _check_headers(r)
    acct = new_account()
    s = new_browser()
    logon_full(s, ap, acct)
    r = s.get(ap.url("/account/"), timeout=10)
    assert r.status_code == 200
    _check_headers(r)
    s.close()
