"""The e-mailed code for a logon from a new device: the flow, wrong,
expired, reused and brute-forced codes, the device cookie, resending."""
import time

import pytest

from helpers_core import (CODE_SUBJECT, COOKIE, DEVICE_COOKIE, code_mails, is_logged_on,
                          location, logged_on_csrf, logon, logon_post, new_browser, path_of,
                          post_form, running_site, sha256_hex, submit_code, wait_code)
from harness import web

MSG_WRONG = "The code you entered is not correct."
MSG_EXPIRED = "This code has expired."
MSG_INVALID = "This code is no longer valid."
MSG_TOO_MANY = "Too many wrong codes were entered."


@pytest.fixture(scope="module")
def ap(tmp_root, mariadb, smtp, gateway):
    with running_site(tmp_root, mariadb, smtp, gateway, name="device") as a:
        yield a


def _start(s, ap, acct, smtp):
    """Log on to the device step; returns (device page, the mailed code)."""
    seen = len(code_mails(smtp, acct.email))
    page = logon(s, ap, acct.username, acct.password)
    assert path_of(page.url) == "/account/device", page.url
    assert "Verify This Device" in page.text
    return page, wait_code(smtp, acct.email, seen)


def _wrong(code):
    return f"{(int(code) + 1) % 1000000:06d}"


def _logoff(s, ap):
    r = post_form(s, ap, "/account/logoff", {"mc_csrf": logged_on_csrf(s, ap)})
    assert r.status_code == 303


def test_new_device_flow(ap, new_account, smtp, mariadb):
    acct = new_account()
    s = new_browser()
    seen = len(code_mails(smtp, acct.email))
    page = logon(s, ap, acct.username, acct.password)
    assert path_of(page.url) == "/account/device"
    assert not is_logged_on(s, ap)
    # Queued in the outbox, delivered by the watchdog.
    mail = smtp.wait_for(to=acct.email, subject=CODE_SUBJECT, count=seen + 1, timeout=15)
    mail = mail[-1] if isinstance(mail, list) else mail
    code = wait_code(smtp, acct.email, seen)
    assert f"Your verification code is: {code}" in mail.body
    assert acct.username in mail.body
    row = mariadb.sql(f"SELECT status, kind FROM mc_outbox WHERE account_id = {acct.id} "
                      "AND subject = 'Your verification code'")
    assert ("sent", "device-code") in row, row
    # Only the code's hash is stored.
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_code WHERE code_hash = '{sha256_hex(code)}' "
                         f"AND account_id = {acct.id} AND purpose = 'device'") == "1"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_code WHERE code_hash = '{code}'") == "0"

    r = submit_code(s, page, _wrong(code))
    assert r.status_code == 200 and MSG_WRONG in r.text
    assert not is_logged_on(s, ap)
    r = submit_code(s, r, code)
    assert r.status_code == 200
    assert path_of(r.url) == "/account/"
    assert "Welcome" in r.text
    assert is_logged_on(s, ap)
    assert s.cookies.get(DEVICE_COOKIE)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_device WHERE account_id = {acct.id}") == "1"
    assert "logon" in {e for (e,) in mariadb.sql(
        f"SELECT event FROM mc_audit WHERE account_id = {acct.id}")}
    s.close()


def test_return_survives_device_step(ap, new_account, smtp):
    acct = new_account()
    s = new_browser()
    seen = len(code_mails(smtp, acct.email))
    r = logon_post(s, ap, acct.username, acct.password, extra={"return": "/probe/hello/there"})
    assert r.status_code == 303
    assert location(r) == "/account/device?return=%2Fprobe%2Fhello%2Fthere"
    page = s.get(ap.url(location(r)), timeout=10)
    code = wait_code(smtp, acct.email, seen)
    r = web.submit(s, page, {"code": code}, with_field="code", allow_redirects=False, timeout=30)
    assert r.status_code == 303 and location(r) == "/probe/hello/there"
    s.close()


def test_expired_code_refused(ap, new_account, smtp, mariadb):
    acct = new_account()
    s = new_browser()
    page, code = _start(s, ap, acct, smtp)
    mariadb.sql("UPDATE mc_code SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND "
                f"WHERE account_id = {acct.id}")
    r = submit_code(s, page, code)
    assert r.status_code == 200 and MSG_EXPIRED in r.text
    assert not is_logged_on(s, ap)
    s.close()


def test_used_code_refused(ap, new_account, smtp):
    acct = new_account()
    s = new_browser()
    page, old_code = _start(s, ap, acct, smtp)
    assert path_of(submit_code(s, page, old_code).url) == "/account/"
    _logoff(s, ap)
    # Another browser (no device cookie): a new code; the old one is refused.
    s2 = new_browser()
    page2, new_code = _start(s2, ap, acct, smtp)
    # (the two may be equal by chance, one time in a million: then skip that check)
    if new_code != old_code:
        r = submit_code(s2, page2, old_code)
        assert r.status_code == 200 and MSG_WRONG in r.text
        assert not is_logged_on(s2, ap)
    r = submit_code(s2, page2, new_code)
    assert path_of(r.url) == "/account/"
    # And the code just used cannot be used again in a third browser.
    s3 = new_browser()
    page3, third = _start(s3, ap, acct, smtp)
    if third != new_code:
        r = submit_code(s3, page3, new_code)
        assert MSG_WRONG in r.text and not is_logged_on(s3, ap)
    for b in (s, s2, s3):
        b.close()


def test_brute_force_voids_code(ap, new_account, smtp, mariadb):
    acct = new_account()
    s = new_browser()
    page, code = _start(s, ap, acct, smtp)
    wrong = [f"{(int(code) + k) % 1000000:06d}" for k in range(1, 6)]
    for i, w in enumerate(wrong):
        r = submit_code(s, page, w)
        assert r.status_code == 200
        assert (MSG_TOO_MANY if i == 4 else MSG_WRONG) in r.text, i
        page = r
    r = submit_code(s, page, code)
    assert r.status_code == 200
    assert MSG_TOO_MANY in r.text
    assert not is_logged_on(s, ap)
    assert mariadb.value(f"SELECT MAX(attempts) FROM mc_code WHERE account_id = {acct.id}") == "5"
    s.close()


def test_device_cookie_skips_code(ap, new_account, smtp):
    acct = new_account()
    s = new_browser()
    page, code = _start(s, ap, acct, smtp)
    submit_code(s, page, code)
    _logoff(s, ap)
    assert s.cookies.get(DEVICE_COOKIE)
    before = len(code_mails(smtp, acct.email))
    time.sleep(1.1)  # (see test_device_cookie_recognised_in_quick_succession)
    r = logon_post(s, ap, acct.username, acct.password)
    assert r.status_code == 303 and location(r) == "/account/"
    assert is_logged_on(s, ap)
    time.sleep(2.5)   # two delivery rounds: no new code mail
    assert len(code_mails(smtp, acct.email)) == before

    # Another account's device cookie does not skip this account's code.
    other = new_account()
    b = new_browser()
    b.cookies.set(DEVICE_COOKIE, s.cookies.get(DEVICE_COOKIE))
    r = logon_post(b, ap, other.username, other.password)
    assert r.status_code == 303 and path_of(location(r)) == "/account/device"
    # Nor does a forged one.
    c = new_browser()
    c.cookies.set(DEVICE_COOKIE, "A" * 43)
    r = logon_post(c, ap, acct.username, acct.password)
    assert r.status_code == 303 and path_of(location(r)) == "/account/device"
    for x in (s, b, c):
        x.close()


def test_resend_gives_new_code_old_one_refused(ap, new_account, smtp):
    acct = new_account()
    s = new_browser()
    page, first = _start(s, ap, acct, smtp)
    seen = len(code_mails(smtp, acct.email))
    r = web.submit(s, page, {}, action_contains="/device/resend", timeout=30)
    assert r.status_code == 200
    assert "A new code was sent to your e-mail address." in r.text
    second = wait_code(smtp, acct.email, seen)
    if second != first:
        r2 = submit_code(s, r, first)
        assert r2.status_code == 200
        assert MSG_INVALID in r2.text or MSG_WRONG in r2.text
        assert not is_logged_on(s, ap)
    r3 = submit_code(s, r, second)
    assert path_of(r3.url) == "/account/"
    assert is_logged_on(s, ap)
    s.close()


def test_code_bound_to_its_session(ap, new_account, smtp):
    """A code works only in the browser whose logon asked for it."""
    acct = new_account()
    a, b = new_browser(), new_browser()
    page_a, code_a = _start(a, ap, acct, smtp)
    page_b, code_b = _start(b, ap, acct, smtp)
    if code_a != code_b:
        r = submit_code(b, page_b, code_a)
        assert MSG_WRONG in r.text and not is_logged_on(b, ap)
    # B's logon voided A's code.
    r = submit_code(a, page_a, code_a)
    assert MSG_INVALID in r.text and not is_logged_on(a, ap)
    r = submit_code(b, page_b, code_b)
    assert path_of(r.url) == "/account/"
    a.close()
    b.close()


def test_resend_is_rate_limited(ap, new_account, smtp):
    acct = new_account()
    s = new_browser()
    page, _ = _start(s, ap, acct, smtp)
    for _ in range(4):
        page = web.submit(s, page, {}, action_contains="/device/resend", timeout=30)
        assert "A new code was sent" in page.text
    page = web.submit(s, page, {}, action_contains="/device/resend", timeout=30)
    assert "Too many codes were sent in the last hour" in page.text
    s.close()


def test_device_cookie_recognised_in_quick_succession(ap, new_account, smtp):
    """Logons a moment apart from a confirmed device never ask for a code.
    (known_device() judged by the UPDATE's affected rows, which MariaDB
    reports as 0 when last_used already holds this second's time.)"""
    acct = new_account()
    s = new_browser()
    page, code = _start(s, ap, acct, smtp)
    submit_code(s, page, code)
    where = []
    for _ in range(3):
        for c in [c for c in s.cookies if c.name == COOKIE]:
            s.cookies.clear(c.domain, c.path, c.name)
        r = logon_post(s, ap, acct.username, acct.password)
        assert r.status_code == 303
        where.append(location(r))
    assert where == ["/account/"] * 3, where
    s.close()
