"""The session cache (MoCourtsSessionCache shmcb): each process keeps a first
level in front of the node's shared cache. Ending a session must take
effect at once in every process of the node, however warm their copies."""
import requests

from harness import web

CONNECTIONS = 40  # enough to reach every child process of the test Apache


def _get_fresh(url, cookies):
    """GET on a connection of its own, so requests spread over the children."""
    return requests.get(url, cookies=cookies, headers={"Connection": "close"},
                        allow_redirects=False, timeout=10)


def _logged_on(ap, acct):
    s = web.new_session()
    r = web.logon(s, ap.url(""), acct.username, acct.password)
    assert r.url.endswith("/account/"), r.url
    return s, s.cookies.get_dict()


def test_logoff_reaches_every_process_at_once(make_apache, new_account):
    ap = make_apache(overrides={"MoCourtsNewDeviceCode": "Off",
                                "MoCourtsSessionCache": "shmcb",
                                "MoCourtsSessionCacheTTL": "60s"})
    acct = new_account()
    s, cookies = _logged_on(ap, acct)
    url = ap.url("/protected/static.html")
    # Warm every process's copy.
    assert all(_get_fresh(url, cookies).status_code == 200 for _ in range(CONNECTIONS))

    page = s.get(ap.url("/account/"))
    r = web.submit(s, page, {}, action_contains="/logoff")
    assert "You have logged off." in r.text

    # With a 60 s TTL only the revocation can explain a refusal here.
    codes = [_get_fresh(url, cookies).status_code for _ in range(CONNECTIONS)]
    assert codes == [302] * CONNECTIONS, codes


def test_other_sessions_stay_cached_after_a_logoff(make_apache, new_account, mariadb):
    """A revocation invalidates copies, not sessions: another account's
    session keeps working (from the shared cache, then the database)."""
    ap = make_apache(overrides={"MoCourtsNewDeviceCode": "Off",
                                "MoCourtsSessionCache": "shmcb"})
    a, b = new_account(), new_account()
    sa, _ = _logged_on(ap, a)
    _, cookies_b = _logged_on(ap, b)
    url = ap.url("/protected/static.html")
    assert _get_fresh(url, cookies_b).status_code == 200
    r = web.submit(sa, sa.get(ap.url("/account/")), {}, action_contains="/logoff")
    assert "You have logged off." in r.text
    assert all(_get_fresh(url, cookies_b).status_code == 200 for _ in range(10))


def test_graceful_restart_turning_the_cache_off(make_apache, new_account):
    """A graceful restart from shmcb to none: the new children must not touch
    the old generation's shared memory (a logoff revokes cached copies)."""
    ap = make_apache(overrides={"MoCourtsNewDeviceCode": "Off",
                                "MoCourtsSessionCache": "shmcb"})
    acct = new_account()
    s, cookies = _logged_on(ap, acct)
    ap.overrides["MoCourtsSessionCache"] = "none"
    ap.graceful()
    url = ap.url("/protected/static.html")
    assert _get_fresh(url, cookies).status_code == 200
    r = web.submit(s, s.get(ap.url("/account/")), {}, action_contains="/logoff")
    assert "You have logged off." in r.text
    assert _get_fresh(url, cookies).status_code == 302
