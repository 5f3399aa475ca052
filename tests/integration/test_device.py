"""The e-mailed code for a logon from a new device: the flow, wrong,
expired, reused and brute-forced codes, the device cookie, resending; codes
stored as a keyed hash (the key in mc_secret, or MoCourtsSecretFile's);
codes per account per hour, and wrong codes counted toward the account's
lock-out across codes and at once (issue 11 §2)."""
import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin

from helpers_core import (CODE_SUBJECT, COOKIE, DEVICE_COOKIE, MSG_BAD, audited, code_mails,
                          delivery_settled, device_step, is_logged_on, location, logged_on_csrf,
                          logon_post, module_site, new_browser, next_db_second, path_of, post_form,
                          sha256_hex, site, submit_code, wait_code)
from harness import util, web

MSG_WRONG = "The code you entered is not correct."
MSG_EXPIRED = "This code has expired."
MSG_INVALID = "This code is no longer valid."
MSG_TOO_MANY = "Too many wrong codes were entered."
MSG_ACCOUNT_LOCKED = "This account is locked because of too many failed attempts."
MSG_CODES_LIMIT = "Too many codes were sent in the last hour."


def db_code_key(mariadb):
    """The key of device codes the core schema's migration stored."""
    return bytes.fromhex(mariadb.value("SELECT HEX(value) FROM mc_secret WHERE name = 'code-key'"))


def code_hash(key, account_id, code):
    """What mc_code.code_hash holds for a device code: keyed BLAKE2b-256
    (libsodium's crypto_generichash with a key) of device:<account>:<code>."""
    return hashlib.blake2b(f"device:{account_id}:{code}".encode(), digest_size=32,
                           key=key).hexdigest()


ap = module_site("device")


def _start(s, ap, acct, smtp):
    """Log on to the device step; returns (device page, the mailed code)."""
    page, seen = device_step(s, ap, acct, smtp)
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
    page, seen = device_step(s, ap, acct, smtp)
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
    # Only the code's keyed hash is stored: neither the code nor its plain
    # digest, which a copy of the database would reverse in a moment.
    stored = mariadb.value(f"SELECT code_hash FROM mc_code WHERE account_id = {acct.id} "
                           "AND purpose = 'device' ORDER BY id DESC LIMIT 1")
    assert stored == code_hash(db_code_key(mariadb), acct.id, code)
    assert stored not in (code, sha256_hex(code))
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_code WHERE code_hash = '{sha256_hex(code)}'"
                         f" OR code_hash = '{code}'") == "0"

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
        # The fifth wrong code is also the account's fifth failure (the
        # site's MoCourtsLockout is 5): the account is locked.
        assert (MSG_ACCOUNT_LOCKED if i == 4 else MSG_WRONG) in r.text, i
        page = r
    r = submit_code(s, page, code)
    assert r.status_code == 200
    assert MSG_TOO_MANY in r.text
    assert not is_logged_on(s, ap)
    assert mariadb.value(f"SELECT MAX(attempts) FROM mc_code WHERE account_id = {acct.id}") == "5"
    # Locked: the right password is refused at logon too.
    assert MSG_BAD in logon_post(new_browser(), ap, acct.username, acct.password).text
    s.close()


def test_device_cookie_skips_code(ap, new_account, smtp, mariadb):
    acct = new_account()
    s = new_browser()
    page, code = _start(s, ap, acct, smtp)
    submit_code(s, page, code)
    _logoff(s, ap)
    assert s.cookies.get(DEVICE_COOKIE)
    before = len(code_mails(smtp, acct.email))
    # In a later second than the confirmation (the same second is
    # test_device_cookie_recognised_in_quick_succession).
    next_db_second(mariadb)
    r = logon_post(s, ap, acct.username, acct.password)
    assert r.status_code == 303 and location(r) == "/account/"
    assert is_logged_on(s, ap)
    delivery_settled(mariadb, smtp, acct.email)   # no new code mail
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


# ---- issue 11 §2: codes per account, wrong codes toward the lock-out ------------------

def test_codes_per_account_per_hour(ap, new_account, smtp, mariadb):
    """Each logon with the right password mails a code; five an hour at
    most, whichever browsers ask (8 logons no longer mean 40 guesses)."""
    acct = new_account()
    for _ in range(5):
        _start(new_browser(), ap, acct, smtp)
    assert len(code_mails(smtp, acct.email)) == 5
    b = new_browser()
    r = logon_post(b, ap, acct.username, acct.password)
    assert r.status_code == 200 and MSG_CODES_LIMIT in r.text
    assert not b.cookies.get(COOKIE)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_code WHERE account_id = {acct.id} "
                         "AND purpose = 'device'") == "5"
    assert audited(mariadb, "device-code-limit", account_id=acct.id) == 1
    delivery_settled(mariadb, smtp, acct.email)   # no sixth mail
    assert len(code_mails(smtp, acct.email)) == 5


def test_wrong_codes_count_toward_lockout_across_codes(ap, new_account, smtp, mariadb):
    """A new logon's code starts no new count: the account's lock-out (5 on
    this site) takes wrong passwords and wrong codes together."""
    acct = new_account()
    s = new_browser()
    page, first = _start(s, ap, acct, smtp)
    for k in range(1, 4):
        r = submit_code(s, page, _wrong(f"{(int(first) + k) % 1000000:06d}"))
        assert MSG_WRONG in r.text
        page = r
    # A wrong password is one more failure of the same account.
    assert MSG_BAD in logon_post(new_browser(), ap, acct.username, "Wrong-Password-9").text
    s2 = new_browser()
    page2, second = _start(s2, ap, acct, smtp)
    r = submit_code(s2, page2, _wrong(second))
    assert MSG_ACCOUNT_LOCKED in r.text
    # Locked: the right code, and then the right password, are refused.
    r = submit_code(s2, r, second)
    assert MSG_ACCOUNT_LOCKED in r.text and not is_logged_on(s2, ap)
    assert MSG_BAD in logon_post(new_browser(), ap, acct.username, acct.password).text
    assert audited(mariadb, "device-code-wrong", account_id=acct.id) == 4
    assert audited(mariadb, "logon-failed", account_id=acct.id) == 1
    for b in (s, s2):
        b.close()


def test_parallel_code_guesses_checked_at_most_the_limit(ap, new_account, smtp, mariadb):
    """Thirty wrong codes at once: at most five are compared (the code's
    tries and the account's places are both taken before comparing), and
    the right one is refused after."""
    acct = new_account()
    s = new_browser()
    page, code = _start(s, ap, acct, smtp)
    form = web.find_form(page.text, with_field="code")
    url = urljoin(page.url, form["action"])
    n = 30
    guesses = [f"{(int(code) + k) % 1000000:06d}" for k in range(1, n + 1)]
    start = threading.Barrier(n)

    def guess(g):
        b = new_browser()
        b.cookies.update(s.cookies)
        start.wait()
        r = b.post(url, data=dict(form["fields"], code=g), allow_redirects=False, timeout=60)
        b.close()
        return r.status_code

    with ThreadPoolExecutor(n) as pool:
        statuses = list(pool.map(guess, guesses))
    assert set(statuses) <= {200, 503}, statuses
    compared = audited(mariadb, "device-code-wrong", account_id=acct.id)
    assert 1 <= compared <= 5, compared
    assert int(mariadb.value(f"SELECT MAX(attempts) FROM mc_code WHERE account_id = {acct.id}")) \
        <= 5
    r = submit_code(s, page, code)
    assert MSG_ACCOUNT_LOCKED in r.text or MSG_TOO_MANY in r.text
    assert not is_logged_on(s, ap)
    s.close()


def _secret_file(tmp_root, line):
    path = tmp_root / f"secret-{util.free_port()}.key"
    path.write_text(line + "\n")
    path.chmod(0o600)
    return path


def test_secret_file_keys_the_codes(make_apache, tmp_root, new_account, smtp, mariadb):
    """MoCourtsSecretFile: the key comes from a file (the same on every
    node), not from the database, so a copy of the database alone cannot
    turn a stored hash back into its code."""
    line = "Vb8e3V1cM0wTQ0b2f5l1w9rX4ZqK8yPj7sD2hG6aN0c="
    ap2 = site(make_apache, {"MoCourtsSecretFile": f'"{_secret_file(tmp_root, line)}"'})
    acct = new_account()
    s = new_browser()
    page, code = _start(s, ap2, acct, smtp)
    stored = mariadb.value(f"SELECT code_hash FROM mc_code WHERE account_id = {acct.id} "
                           "AND purpose = 'device' ORDER BY id DESC LIMIT 1")
    file_key = hashlib.blake2b(line.encode(), digest_size=32).digest()
    assert stored == code_hash(file_key, acct.id, code)
    assert stored != code_hash(db_code_key(mariadb), acct.id, code)
    assert path_of(submit_code(s, page, code).url) == "/account/"
    s.close()


def test_secret_file_too_short_fails_configtest(make_apache, tmp_root):
    ap2 = make_apache(overrides={"MoCourtsSecretFile":
                                 f'"{_secret_file(tmp_root, "short-secret")}"'}, start=False)
    rc, out = ap2.configtest()
    assert rc != 0, out
    assert "Invalid value for directive 'MoCourtsSecretFile'" in out, out
    assert "at least 32 characters" in out, out
