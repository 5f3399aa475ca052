"""Anti-CSRF: every POST needs the form's token (the pre-session cookie's
value when anonymous, the session's when logged on) and must not come from
another site (Origin, Sec-Fetch-Site); a GET never changes state."""
from helpers_core import (COOKIE, CSRF_COOKIE, MSG_FORM_EXPIRED, NO_DEVICE, csrf_of, is_logged_on,
                          logged_on_csrf, logon_full, module_site, new_browser, post_form)


ap = module_site("csrf", NO_DEVICE)


def _anon(ap):
    """An anonymous browser that has seen a form: (browser, its token)."""
    s = new_browser()
    page = s.get(ap.url("/account/logon"), timeout=10)
    token = csrf_of(page.text)
    assert s.cookies.get(CSRF_COOKIE) == token
    return s, token


def _refused(r):
    assert r.status_code == 403, (r.status_code, r.text[:500])
    assert MSG_FORM_EXPIRED in r.text
    assert "Echo:" not in r.text


def _echo(s, ap, fields, headers=None):
    return post_form(s, ap, "/probe/echo", fields, headers)


def _logon(s, ap, acct, fields, headers=None):
    data = {"username": acct.username, "password": acct.password}
    data.update(fields)
    return post_form(s, ap, "/account/logon", data, headers)


SAME_SITE = {"Sec-Fetch-Site": "same-origin"}


def test_anonymous_echo_accepted_with_token(ap):
    s, token = _anon(ap)
    r = _echo(s, ap, {"value": "hi <b>", "mc_csrf": token},
              {"Origin": ap.base_url, **SAME_SITE})
    assert r.status_code == 200
    assert "Echo: hi &lt;b&gt;" in r.text
    # Without Origin or Sec-Fetch-Site (older browsers) the token suffices.
    assert _echo(s, ap, {"value": "x", "mc_csrf": token}).status_code == 200
    # Sec-Fetch-Site: none (typed/bookmarked) is not cross-site.
    assert _echo(s, ap, {"value": "x", "mc_csrf": token},
                 {"Sec-Fetch-Site": "none"}).status_code == 200
    s.close()


def test_anonymous_refusals_on_echo(ap):
    s, token = _anon(ap)
    other, other_token = _anon(ap)
    assert other_token != token
    _refused(_echo(s, ap, {"value": "x"}))                                      # missing
    _refused(_echo(s, ap, {"value": "x", "mc_csrf": ""}))                       # empty
    _refused(_echo(s, ap, {"value": "x", "mc_csrf": "A" * 43}))                 # wrong
    _refused(_echo(s, ap, {"value": "x", "mc_csrf": other_token}))              # another's
    _refused(_echo(s, ap, {"value": "x", "mc_csrf": token},
                   {"Origin": "https://evil.example"}))
    _refused(_echo(s, ap, {"value": "x", "mc_csrf": token},
                   {"Origin": "null"}))
    _refused(_echo(s, ap, {"value": "x", "mc_csrf": token},
                   {"Origin": ap.base_url.replace("127.0.0.1", "localhost")}))
    _refused(_echo(s, ap, {"value": "x", "mc_csrf": token}, {"Sec-Fetch-Site": "cross-site"}))
    _refused(_echo(s, ap, {"value": "x", "mc_csrf": token}, {"Sec-Fetch-Site": "same-site"}))
    # A token with no cookie to match (an attacker's own token).
    fresh = new_browser()
    _refused(_echo(fresh, ap, {"value": "x", "mc_csrf": token}))
    # The token sent in the query string instead of the body does not count.
    r = s.post(ap.url("/probe/echo") + f"?mc_csrf={token}", data={"value": "x"},
               allow_redirects=False, timeout=10)
    _refused(r)
    for b in (s, other, fresh):
        b.close()


def test_logon_form_refusals(ap, new_account):
    acct = new_account()
    s, token = _anon(ap)
    other, other_token = _anon(ap)
    for fields, headers in (({}, None),
                            ({"mc_csrf": "B" * 43}, None),
                            ({"mc_csrf": other_token}, None),
                            ({"mc_csrf": token}, {"Origin": "https://evil.example"}),
                            ({"mc_csrf": token}, {"Sec-Fetch-Site": "cross-site"})):
        r = _logon(s, ap, acct, fields, headers)
        _refused(r)
        assert not s.cookies.get(COOKIE), (fields, headers)
    # Refused forms do not count as failed logons, and the real one works.
    r = _logon(s, ap, acct, {"mc_csrf": token}, {"Origin": ap.base_url, **SAME_SITE})
    assert r.status_code == 303
    assert is_logged_on(s, ap)
    s.close()
    other.close()


def test_logged_on_refusals(ap, new_account):
    a_acct, b_acct = new_account(), new_account()
    a, b = new_browser(), new_browser()
    logon_full(a, ap, a_acct)
    logon_full(b, ap, b_acct)
    a_token, b_token = logged_on_csrf(a, ap), logged_on_csrf(b, ap)
    assert a_token != b_token
    # The pre-session cookie's value no longer counts once logged on.
    pre = a.cookies.get(CSRF_COOKIE)
    assert pre and pre != a_token
    _refused(_echo(a, ap, {"value": "x"}))
    _refused(_echo(a, ap, {"value": "x", "mc_csrf": b_token}))
    _refused(_echo(a, ap, {"value": "x", "mc_csrf": pre}))
    _refused(_echo(a, ap, {"value": "x", "mc_csrf": a_token}, {"Origin": "http://evil.example"}))
    _refused(_echo(a, ap, {"value": "x", "mc_csrf": a_token}, {"Sec-Fetch-Site": "cross-site"}))
    r = _echo(a, ap, {"value": "ok", "mc_csrf": a_token}, {"Origin": ap.base_url, **SAME_SITE})
    assert r.status_code == 200 and "Echo: ok" in r.text
    # Logoff with another session's token: refused, still logged on.
    r = post_form(a, ap, "/account/logoff", {"mc_csrf": b_token})
    _refused(r)
    assert is_logged_on(a, ap)
    r = post_form(a, ap, "/account/logoff", {"mc_csrf": a_token},
                  {"Origin": "https://evil.example"})
    _refused(r)
    assert is_logged_on(a, ap)
    a.close()
    b.close()


def test_get_never_changes_state(ap, new_account, mariadb):
    acct = new_account()
    s = new_browser()
    logon_full(s, ap, acct)
    token = s.cookies.get(COOKIE)
    csrf = logged_on_csrf(s, ap)
    # Logoff is a POST route only: a GET (an <img src> on another site) does nothing.
    r = s.get(ap.url("/account/logoff"), params={"mc_csrf": csrf}, allow_redirects=False,
              timeout=10)
    assert r.status_code == 405
    assert s.cookies.get(COOKIE) == token
    assert is_logged_on(s, ap)
    # Nor does a GET to the logon route with credentials log anyone on.
    fresh = new_browser()
    r = fresh.get(ap.url("/account/logon"), params={"username": acct.username,
                                                     "password": acct.password},
                  allow_redirects=False, timeout=10)
    assert r.status_code == 200
    assert not fresh.cookies.get(COOKIE)
    # A GET to a POST-only plugin route changes nothing either.
    before = mariadb.value(f"SELECT COUNT(*) FROM mc_outbox WHERE account_id = {acct.id}")
    r = s.get(ap.url("/probe/notify"), params={"mc_csrf": csrf}, allow_redirects=False,
              timeout=10)
    assert r.status_code == 405
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_outbox WHERE account_id = {acct.id}") == before
    s.close()
    fresh.close()
