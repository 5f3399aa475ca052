"""SECURITY.md, faults: `apachectl graceful` three times under load, no failed
request. Pages that use the database, sessions and the session cache keep
answering while each generation of children is replaced."""
import threading
import time

import requests

from harness import web


def _hammer(url, cookies, stop, results):
    # One connection per request: a graceful restart closes idle keep-alive
    # connections, and a client that reuses one at that moment must retry
    # (browsers do); what the server promises is that no request it accepted
    # fails.
    # A connection an old-generation child closes before reading anything
    # (httpd's own graceful race, seen on plain static files too) is retried
    # once, as browsers do; a request the server answered is never retried.
    while not stop.is_set():
        for attempt in (1, 2):
            try:
                r = requests.get(url, cookies=cookies, headers={"Connection": "close"},
                                 allow_redirects=False, timeout=10)
                results.append((url, r.status_code))
                break
            except requests.ConnectionError as e:
                if attempt == 2:
                    results.append((url, repr(e)))


def _more_requests(results, n, timeout=30):
    """Wait until n more requests have been answered (the load is really on,
    however busy the machine is)."""
    start, deadline = len(results), time.monotonic() + timeout
    while len(results) - start < n and time.monotonic() < deadline:
        time.sleep(0.05)


def test_three_graceful_restarts_under_load(make_apache, new_account):
    ap = make_apache(overrides={"MoCourtsNewDeviceCode": "Off",
                                "MoCourtsSessionCache": "shmcb"},
                     start_servers=None)   # the shipped hardening's children
    acct = new_account()
    s = web.new_session()
    r = web.logon(s, ap.url(""), acct.username, acct.password)
    assert r.url.endswith("/account/"), r.url
    cookies = s.cookies.get_dict()

    stop = threading.Event()
    results = []
    urls = [ap.url("/probe/dbtime"), ap.url("/protected/static.html"), ap.url("/account/"),
            ap.url("/static.html")]
    threads = [threading.Thread(target=_hammer, args=(u, cookies, stop, results))
               for u in urls for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for _ in range(3):
            _more_requests(results, 20)
            ap.graceful()
        _more_requests(results, 20)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)

    assert len(results) > 50, f"too little load to mean anything: {len(results)} requests"
    failed = [x for x in results if x[1] != 200]
    assert failed == [], f"{len(failed)} of {len(results)} requests failed: {failed[:5]}"
    # Every URL was served during the restarts, the protected ones as the
    # logged-on account (200, not a redirect to Logon).
    assert {u for u, _ in results} == set(urls)
