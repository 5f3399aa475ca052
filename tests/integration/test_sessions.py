"""Sessions: cookie flags, only the token's hash in the database, a new
token at logon and at the device step (the old one dead), idle and absolute
timeouts, logoff ends the session."""
import time

from helpers_core import (COOKIE, CSRF_COOKIE, DEVICE_COOKIE, NO_DEVICE, cookie_attrs, cookie_flags,
                          device_step, is_logged_on, location, logged_on_csrf, logon_full,
                          logon_post, module_site, new_browser, path_of, poll, post_form,
                          set_cookie_named, sha256_hex, site, submit_code, wait_code)


ap = module_site("sess", doc="Device codes on (the default): logon goes through /account/device.")


def test_cookie_flags(ap, new_account):
    acct = new_account()
    s = new_browser()
    page = s.get(ap.url("/account/logon"), timeout=10)
    csrf_line = set_cookie_named(page, CSRF_COOKIE)
    assert csrf_line, page.headers
    cookie_flags(csrf_line, secure=False)

    r = logon_post(s, ap, acct.username, acct.password)
    assert r.status_code == 303, r.status_code
    line = set_cookie_named(r, COOKIE)
    assert line, r.headers
    value, attrs = cookie_flags(line, secure=False)
    assert len(value) == 43, value
    assert all(c.isalnum() or c in "-_" for c in value), value
    # A session cookie: no Max-Age/Expires, the browser forgets it at exit.
    assert "max-age" not in attrs and "expires" not in attrs, line
    s.close()


def test_host_cookie_is_secure(make_apache, new_account):
    """__Host- name with MoCourtsSessionSecure On: Secure on every cookie.
    (requests does not send Secure cookies over http, so only the headers
    are checked.)"""
    ap = site(make_apache, {"MoCourtsSessionCookie": "__Host-mocourts",
                            "MoCourtsSessionSecure": "On", "MoCourtsNewDeviceCode": "Off"})
    acct = new_account()
    s = new_browser()
    page = s.get(ap.url("/account/logon"), timeout=10)
    line = set_cookie_named(page, "__Host-mocourts-csrf")
    assert line, page.headers
    cookie_flags(line, secure=True)
    form_csrf = page.text.split('name="mc_csrf" value="', 1)[1].split('"', 1)[0]
    r = s.post(ap.url("/account/logon"), data={"username": acct.username,
                                               "password": acct.password,
                                               "mc_csrf": form_csrf},
               headers={"Cookie": f"__Host-mocourts-csrf={form_csrf}"},
               allow_redirects=False, timeout=30)
    assert r.status_code == 303, (r.status_code, r.text[:1000])
    line = set_cookie_named(r, "__Host-mocourts")
    assert line, r.headers
    value, _ = cookie_flags(line, secure=True)
    assert len(value) == 43
    s.close()


def _all_db_text(mariadb):
    tables = [r[0] for r in mariadb.sql("SHOW TABLES")]
    out = []
    for t in tables:
        for row in mariadb.sql(f"SELECT * FROM `{t}`"):
            out.append(f"{t}: " + "|".join("" if v is None else v for v in row))
    return "\n".join(out)


def test_db_holds_only_token_hashes(ap, new_account, smtp, mariadb):
    acct = new_account()
    s = new_browser()
    logon_full(s, ap, acct, smtp)
    token = s.cookies.get(COOKIE)
    device = s.cookies.get(DEVICE_COOKIE)
    assert token and device
    dump = _all_db_text(mariadb)
    assert token not in dump
    assert device not in dump
    assert mariadb.value("SELECT COUNT(*) FROM mc_session WHERE token_hash = "
                         f"'{sha256_hex(token)}' AND account_id = {acct.id}") == "1"
    assert mariadb.value("SELECT COUNT(*) FROM mc_device WHERE device_hash = "
                         f"'{sha256_hex(device)}' AND account_id = {acct.id}") == "1"
    s.close()


def test_new_token_at_device_step_old_one_dead(ap, new_account, smtp, mariadb):
    acct = new_account()
    s = new_browser()
    page, seen = device_step(s, ap, acct, smtp)
    t_device = s.cookies.get(COOKIE)
    assert t_device
    assert mariadb.value("SELECT stage FROM mc_session WHERE token_hash = "
                         f"'{sha256_hex(t_device)}'") == "device"
    # The device-stage session is no logged-on account.
    assert not is_logged_on(s, ap)
    code = wait_code(smtp, acct.email, seen)
    r = submit_code(s, page, code)
    assert r.status_code == 200
    t_full = s.cookies.get(COOKIE)
    assert t_full and t_full != t_device
    assert is_logged_on(s, ap)
    assert mariadb.value("SELECT COUNT(*) FROM mc_session WHERE token_hash = "
                         f"'{sha256_hex(t_device)}'") == "0"
    # Replaying the pre-promotion token: not logged on.
    old = new_browser()
    old.cookies.set(COOKIE, t_device)
    assert not is_logged_on(old, ap)
    r = old.get(ap.url("/account/device"), allow_redirects=False, timeout=10)
    assert r.status_code == 303 and path_of(location(r)) == "/account/logon"
    old.close()
    s.close()


def test_new_token_at_logon_replaces_existing_session(make_apache, new_account, mariadb):
    """Logging on again in a browser that has a session: a new token, the
    old one ended (session fixation)."""
    ap = site(make_apache, NO_DEVICE)
    acct = new_account()
    s = new_browser()
    logon_full(s, ap, acct)
    first = s.cookies.get(COOKIE)
    csrf = logged_on_csrf(s, ap)
    r = post_form(s, ap, "/account/logon", {"username": acct.username,
                                             "password": acct.password, "mc_csrf": csrf})
    assert r.status_code == 303, (r.status_code, r.text[:1000])
    second = s.cookies.get(COOKIE)
    assert second and second != first
    assert is_logged_on(s, ap)
    old = new_browser()
    old.cookies.set(COOKIE, first)
    assert not is_logged_on(old, ap)
    assert mariadb.value("SELECT COUNT(*) FROM mc_session WHERE token_hash = "
                         f"'{sha256_hex(first)}'") == "0"
    old.close()
    s.close()


def test_unknown_or_malformed_token_is_anonymous(ap, http):
    for bad in ("x" * 43, "short", "A" * 42 + "!", ""):
        http.cookies.set(COOKIE, bad)
        r = http.get(ap.url("/probe/mine"), allow_redirects=False, timeout=10)
        assert r.status_code == 303, (bad, r.status_code)
        assert path_of(location(r)) == "/account/logon"


def _short_sessions(make_apache, new_account, session_max):
    """A site whose sessions end after 3 s idle, or session_max after the
    logon, and a browser logged on there: (site, browser)."""
    ap = site(make_apache, {**NO_DEVICE, "MoCourtsSessionIdle": "3s",
                            "MoCourtsSessionMax": session_max})
    s = new_browser()
    logon_full(s, ap, new_account())
    return ap, s


def test_idle_timeout(make_apache, new_account):
    ap, s = _short_sessions(make_apache, new_account, "1h")
    # Activity keeps it alive past the idle time ...
    end = time.monotonic() + 4.5
    while time.monotonic() < end:
        assert is_logged_on(s, ap), "the session ended although it was in use"
        time.sleep(0.5)
    # ... and idleness ends it.
    time.sleep(4.2)
    assert not is_logged_on(s, ap)
    r = s.get(ap.url("/protected/static.html"), allow_redirects=False, timeout=10)
    assert r.status_code == 302 and path_of(location(r)) == "/account/logon"
    s.close()


def test_absolute_timeout(make_apache, new_account):
    ap, s = _short_sessions(make_apache, new_account, "5s")
    start = time.monotonic()
    # In use all the time, it still ends after about 5 s.
    ended = poll(lambda: not is_logged_on(s, ap), timeout=9, interval=0.5,
                 what="the absolute timeout")
    took = time.monotonic() - start
    assert ended and 3.5 <= took <= 8, took
    s.close()


def test_logoff_ends_session(ap, new_account, smtp, mariadb):
    acct = new_account()
    s = new_browser()
    logon_full(s, ap, acct, smtp)
    token = s.cookies.get(COOKIE)
    csrf = logged_on_csrf(s, ap)
    r = post_form(s, ap, "/account/logoff", {"mc_csrf": csrf})
    assert r.status_code == 303
    assert location(r) == "/account/logon?logoff=1"
    line = set_cookie_named(r, COOKIE)
    assert line and cookie_attrs(line)[0] == "", line
    assert "You have logged off." in s.get(ap.url(location(r)), timeout=10).text
    assert mariadb.value("SELECT COUNT(*) FROM mc_session WHERE token_hash = "
                         f"'{sha256_hex(token)}'") == "0"
    # Replay the old cookie: not logged on.
    old = new_browser()
    old.cookies.set(COOKIE, token)
    r = old.get(ap.url("/probe/mine"), allow_redirects=False, timeout=10)
    assert r.status_code == 303 and path_of(location(r)) == "/account/logon"
    r = old.get(ap.url("/account/"), allow_redirects=False, timeout=10)
    assert r.status_code == 303 and path_of(location(r)) == "/account/logon"
    r = old.get(ap.url("/protected/static.html"), allow_redirects=False, timeout=10)
    assert r.status_code == 302
    old.close()
    s.close()


def test_disabling_account_ends_its_sessions(ap, new_account, smtp, mariadb):
    acct = new_account()
    s = new_browser()
    logon_full(s, ap, acct, smtp)
    assert is_logged_on(s, ap)
    mariadb.sql(f"UPDATE mc_account SET status = 'disabled' WHERE id = {acct.id}")
    assert not is_logged_on(s, ap)
    s.close()


def test_logoff_and_disable_with_session_cache(make_apache, new_account, mariadb):
    """With the shared-memory session cache, logoff still ends the session
    at once on this node, and a disabled account's session ends within the
    cache's trust time."""
    ap = site(make_apache, {"MoCourtsNewDeviceCode": "Off", "MoCourtsSessionCache": "shmcb",
                            "MoCourtsSessionCacheTTL": "1s"})
    acct = new_account()
    s = new_browser()
    logon_full(s, ap, acct)
    token = s.cookies.get(COOKIE)
    for _ in range(3):
        assert is_logged_on(s, ap)   # now served from the cache too
    r = post_form(s, ap, "/account/logoff", {"mc_csrf": logged_on_csrf(s, ap)})
    assert r.status_code == 303
    old = new_browser()
    old.cookies.set(COOKIE, token)
    for _ in range(5):
        assert not is_logged_on(old, ap)
    old.close()

    logon_full(s, ap, acct)
    assert is_logged_on(s, ap)
    mariadb.sql(f"UPDATE mc_account SET status = 'disabled' WHERE id = {acct.id}")
    poll(lambda: not is_logged_on(s, ap), timeout=4, interval=0.2,
         what="the disabled account's session to end")
    s.close()
