"""One-time form tokens (ABI 1.8), through the probe plugin's /probe/once:
ten copies of a form sent at once act once and are all sent to the first
copy's result; two tokens act twice; a token missing, made up, of another
session or expired is refused; a claim rolled back frees the token; the
purge removes old claims. The plugins' own creating forms are tested in
test_form_once_plugins.py."""
import hashlib
import re
import secrets
import time

from helpers_core import (CSRF_FIELD, MSG_FORM_EXPIRED, NO_DEVICE, ONCE_FIELD, csrf_of, logon_full,
                          module_site, new_browser, post_form, send_copies)


ap = module_site("once", NO_DEVICE)


def _page(s, ap):
    """GET /probe/once: (anti-CSRF token, one-time token)."""
    r = s.get(ap.url("/probe/once"), timeout=10)
    assert r.status_code == 200, r.status_code
    m = re.search(r"Token: ([0-9]+\.[A-Za-z0-9_-]{22}\.[0-9a-f]{32})<", r.text)
    assert m, r.text[:1500]
    return csrf_of(s.get(ap.url("/account/logon"), timeout=10).text), m.group(1)


def _rows(mariadb, tag):
    return int(mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'probe-once' AND "
                             f"detail = '{tag}'"))


def _refused(r):
    assert r.status_code == 403, (r.status_code, r.text[:500])
    assert MSG_FORM_EXPIRED in r.text


def test_ten_copies_at_once_act_once(ap, mariadb):
    s = new_browser()
    csrf, once = _page(s, ap)
    tag = secrets.token_hex(6)
    # The first copy keeps its transaction open a moment after its claim,
    # so the other nine surely meet it and wait on it.
    started = time.monotonic()
    answers = send_copies(s, ap.url("/probe/once"),
                          {CSRF_FIELD: csrf, ONCE_FIELD: once, "tag": tag, "hold": "300"})
    assert [r.status_code for r in answers] == [303] * 10, [(r.status_code, r.text[:200])
                                                           for r in answers]
    places = {r.headers["Location"] for r in answers}
    assert len(places) == 1, places
    assert re.fullmatch(r"/probe/hello/once-\d+", places.pop())
    assert _rows(mariadb, tag) == 1
    assert time.monotonic() - started < 5
    # Sent again later (a retry, the back button and resubmit): the same.
    r = post_form(s, ap, "/probe/once", {CSRF_FIELD: csrf, ONCE_FIELD: once, "tag": tag})
    assert r.status_code == 303 and r.headers["Location"] == answers[0].headers["Location"]
    assert _rows(mariadb, tag) == 1


def test_a_fresh_page_acts_again(ap, mariadb):
    """Reloading the page gives a new token: a second record made on purpose."""
    s = new_browser()
    tag = secrets.token_hex(6)
    places = set()
    for _ in range(2):
        csrf, once = _page(s, ap)
        r = post_form(s, ap, "/probe/once", {CSRF_FIELD: csrf, ONCE_FIELD: once, "tag": tag})
        assert r.status_code == 303, (r.status_code, r.text[:300])
        places.add(r.headers["Location"])
    assert len(places) == 2
    assert _rows(mariadb, tag) == 2


def _forge(csrf, issued):
    """A token as the core makes them, under the key csrf, issued at issued."""
    nonce = secrets.token_urlsafe(16)[:22]
    mac = hashlib.blake2b(f"mc_once.{issued}.{nonce}".encode(), key=csrf.encode(),
                          digest_size=16).hexdigest()
    return f"{issued}.{nonce}.{mac}"


def test_tokens_not_issued_to_this_session_are_refused(ap, mariadb):
    s = new_browser()
    csrf, once = _page(s, ap)
    other = new_browser()
    _, others = _page(other, ap)
    tag = secrets.token_hex(6)
    issued, nonce, mac = once.split(".")
    made_up = f"{issued}.{nonce}.{secrets.token_hex(16)}"
    younger = f"{int(issued) + 1}.{nonce}.{mac}"
    for token in (None, "", made_up, younger, others, "x" * 200, once + "0"):
        data = {CSRF_FIELD: csrf, "tag": tag}
        if token is not None:
            data[ONCE_FIELD] = token
        _refused(post_form(s, ap, "/probe/once", data))
    # The key really is the session's anti-CSRF value: a token made so is
    # taken while it is young and refused once a day old.
    now = int(time.time())
    _refused(post_form(s, ap, "/probe/once",
                       {CSRF_FIELD: csrf, ONCE_FIELD: _forge(csrf, now - 86400 - 60), "tag": tag}))
    _refused(post_form(s, ap, "/probe/once",
                       {CSRF_FIELD: csrf, ONCE_FIELD: _forge(csrf, now + 3600), "tag": tag}))
    assert _rows(mariadb, tag) == 0
    r = post_form(s, ap, "/probe/once",
                  {CSRF_FIELD: csrf, ONCE_FIELD: _forge(csrf, now - 60), "tag": tag})
    assert r.status_code == 303
    assert _rows(mariadb, tag) == 1


def test_logon_voids_the_anonymous_tokens(ap, mariadb, new_account):
    """A new session means a new anti-CSRF value, so a page drawn before
    logon cannot be sent after it."""
    s = new_browser()
    _, once = _page(s, ap)
    logon_full(s, ap, new_account())
    csrf, fresh = _page(s, ap)
    tag = secrets.token_hex(6)
    _refused(post_form(s, ap, "/probe/once", {CSRF_FIELD: csrf, ONCE_FIELD: once, "tag": tag}))
    r = post_form(s, ap, "/probe/once", {CSRF_FIELD: csrf, ONCE_FIELD: fresh, "tag": tag})
    assert r.status_code == 303
    assert _rows(mariadb, tag) == 1


def test_a_rolled_back_claim_frees_the_token(ap, mariadb):
    s = new_browser()
    csrf, once = _page(s, ap)
    tag = secrets.token_hex(6)
    r = post_form(s, ap, "/probe/once",
                  {CSRF_FIELD: csrf, ONCE_FIELD: once, "tag": tag, "refuse": "1"})
    assert r.status_code == 409
    assert _rows(mariadb, tag) == 0
    r = post_form(s, ap, "/probe/once", {CSRF_FIELD: csrf, ONCE_FIELD: once, "tag": tag})
    assert r.status_code == 303
    assert _rows(mariadb, tag) == 1


def test_claims_store_no_token_and_are_purged(ap, mariadb, admin):
    s = new_browser()
    csrf, once = _page(s, ap)
    tag = secrets.token_hex(6)
    r = post_form(s, ap, "/probe/once", {CSRF_FIELD: csrf, ONCE_FIELD: once, "tag": tag})
    assert r.status_code == 303
    key = hashlib.sha256(f"{once}\n/probe/once".encode()).hexdigest()
    assert mariadb.value(f"SELECT result_url FROM mc_form_once WHERE token_hash = '{key}'") \
        == r.headers["Location"]
    assert mariadb.value("SELECT COUNT(*) FROM mc_form_once WHERE token_hash LIKE "
                         f"'%{once.split('.')[2]}%'") == "0"
    # Every Apache on this database purges in the background too, so one of
    # them may take the old row first; then the admin's purge is asked again
    # with a new one, and it must be the one that purges it at least once.
    outs = []
    for n in range(3):
        old = f"{n:064x}"
        mariadb.sql("INSERT INTO mc_form_once (token_hash, created_at, result_url) VALUES "
                    f"('{old}', UTC_TIMESTAMP() - INTERVAL 3 DAY, '/x')")
        outs.append(admin.purge().stdout)
        m = re.search(r"(\d+) form token\(s\)", outs[-1])
        assert m, outs[-1]
        if int(m.group(1)) >= 1:
            break
    assert int(m.group(1)) >= 1, outs
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_form_once WHERE token_hash = '{old}'") == "0"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_form_once WHERE token_hash = '{key}'") == "1"
