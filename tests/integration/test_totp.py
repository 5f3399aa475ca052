"""Two-step verification with an authenticator app (issue 17): TOTP
(RFC 6238) set up under My Account with a code computed here from the key
the page shows, asked for at logon instead of the e-mailed device code, a
code not accepted twice, wrong codes counted toward the account's lock-out,
ten single-use recovery codes, turning it off with the password, and
MoCourtsTwoStepRequired holding a clerk at the set-up page until it is on.

The QR code is read back with ZBar. The codes are computed with the standard library only (hmac, hashlib), as
RFC 6238 section 4 and RFC 4226 section 5.3 say."""
import base64
import hashlib
import re
import subprocess
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from harness import web
from integration.helpers_core import (AUTH_REFUSAL_LINES, COOKIE, audited, code_mails, csrf_of,
                                      is_logged_on, location, logged_on_csrf, logon, logon_full,
                                      module_site, new_browser, path_of, plain, post_form,
                                      submit_code, wait_code)
from integration.helpers_totp import App, now_step, totp

ap = module_site("totp", {"MoCourtsTwoStepRequired": "clerk security"})

SETUP = "/account/two-step"
CODE_STEP = "/account/two-step-code"
MSG_WRONG = "The code you entered is not correct."
MSG_USED = "This code was already used."
MSG_LOCKED = "This account is locked because of too many failed attempts."
RECOVERY_RE = re.compile(r"<code>([0-9a-z]{5}-[0-9a-z]{5})</code>")


def test_rfc6238_vectors():
    """The helper itself, on RFC 6238 appendix B's SHA-1 vectors (their
    last 6 digits)."""
    key = b"12345678901234567890"
    for t, want in ((59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924"),
                    (20000000000, "65353130")):
        assert totp(key, t // 30) == want[-6:]


def key_of(html):
    """The key the set-up page shows (base32 in groups), as bytes."""
    m = re.search(r'id="secret_text"[^>]*value="([A-Z2-7 ]+)"', html)
    assert m, html[:3000]
    text = m.group(1).replace(" ", "")
    assert len(text) == 32
    return base64.b32decode(text)


def setup_page(ap, s):
    r = s.get(ap.url(SETUP), timeout=30)
    assert r.status_code == 200, r.status_code
    return r


def start_setup(ap, s):
    """Set Up on the page; the page that shows the QR code and the key."""
    page = setup_page(ap, s)
    r = web.submit(s, page, {}, action_contains="two-step/setup", timeout=30)
    assert r.status_code == 200 and path_of(r.url) == SETUP, (r.status_code, r.url)
    assert "Step 1: add this site to your app" in r.text
    return r


def enrol(ap, s, password):
    """Set it up with a code from the key shown (and the password):
    (App, recovery codes, page)."""
    page = start_setup(ap, s)
    app = App(key_of(page.text))
    r = web.submit(s, page, {"code": app.code(), "password": password}, with_field="code",
                   timeout=30)
    assert r.status_code == 200, r.status_code
    codes = RECOVERY_RE.findall(r.text)
    assert len(codes) == 10 and len(set(codes)) == 10, r.text[:3000]
    return app, codes, r


def logoff(ap, s):
    r = post_form(s, ap, "/account/logoff", {"mc_csrf": logged_on_csrf(s, ap)})
    assert r.status_code == 303


def to_code_step(ap, s, acct, smtp):
    """Log on with the password: the code step's page, no e-mailed code."""
    seen = len(code_mails(smtp, acct.email))
    r = logon(s, ap, acct.username, acct.password)
    assert path_of(r.url) == CODE_STEP, r.url
    assert "Authentication code" in r.text
    assert not is_logged_on(s, ap)
    assert len(code_mails(smtp, acct.email)) == seen
    return r


def enter(s, page, code):
    return web.submit(s, page, {"code": code}, with_field="code", timeout=30)


def enrolled(ap, new_account, smtp, **kw):
    acct = new_account(**kw)
    s = new_browser()
    logon_full(s, ap, acct, smtp)
    app, codes, _ = enrol(ap, s, acct.password)
    logoff(ap, s)
    return acct, s, app, codes


def turn_off(ap, s, page, password):
    """The page's Turn Off button: its form (with the Password) sent to
    the button's formaction."""
    m = re.search(r'<button[^>]*formaction="([^"]+)"[^>]*>Turn Off</button>', page.text)
    assert m, page.text[:3000]
    form = web.find_form(page.text, with_field="password")
    data = dict(form["fields"], password=password)
    return s.post(ap.url(m.group(1)), data=data, timeout=30)


def failures(mariadb, acct):
    """The account's lock-out failures (its subject: SHA-256 of account:<id>)."""
    subject = hashlib.sha256(f"account:{acct.id}".encode()).hexdigest()
    return int(mariadb.value("SELECT IFNULL(MAX(failures), 0) FROM mc_logon_throttle "
                             f"WHERE subject = '{subject}'"))


def qr_text(svg_bytes, tmp_path):
    """What the QR code in the SVG says, read by ZBar (Debian zbar-tools)
    from a picture of its modules: one path of runs "Mx yhNv1h-Nz"."""
    svg = ET.fromstring(svg_bytes)
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    size = int(svg.get("viewBox").split()[2])
    grid = [[255] * size for _ in range(size)]
    d = svg.find("{http://www.w3.org/2000/svg}path").get("d")
    for x, y, run in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", d):
        for k in range(int(run)):
            grid[int(y)][int(x) + k] = 0
    scale = 8
    rows = b"".join(bytes(v for v in row for _ in range(scale)) * scale for row in grid)
    pgm = tmp_path / "qr.pgm"
    pgm.write_bytes(b"P5 %d %d 255\n" % (size * scale, size * scale) + rows)
    out = subprocess.run(["zbarimg", "-q", "--raw", str(pgm)], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out
    return out.stdout.strip()


def test_enrol_then_logon_with_code(ap, new_account, smtp, mariadb, tmp_path):
    acct = new_account()
    s = new_browser()
    logon_full(s, ap, acct, smtp)
    page = setup_page(ap, s)
    assert "Set Up Two-Step Verification" in page.text
    page = start_setup(ap, s)
    key = key_of(page.text)
    # The QR code: an SVG image of this site, not cached.
    img = re.search(r'<img class="qr" src="([^"]+)"', page.text).group(1)
    q = s.get(ap.url(img), timeout=30)
    assert q.status_code == 200 and q.headers["Content-Type"] == "image/svg+xml"
    assert q.headers["Cache-Control"] == "no-store"
    uri = qr_text(q.content, tmp_path)
    assert uri.startswith("otpauth://totp/"), uri
    label, query = unquote(urlsplit(uri).path.lstrip("/")), parse_qs(urlsplit(uri).query)
    assert label.endswith(":" + acct.username), label
    assert base64.b32decode(query["secret"][0]) == key
    assert query["issuer"][0] == label.rsplit(":", 1)[0]
    assert (query["digits"], query["period"], query["algorithm"]) == (["6"], ["30"], ["SHA1"])
    # Not on until a code is entered; a wrong one is refused.
    assert audited(mariadb, "totp-enabled", account_id=acct.id) == 0
    wrong = f"{(int(totp(key, now_step())) + 500000) % 1000000:06d}"
    r = enter(s, page, wrong)
    assert "The code you entered is not correct." in r.text
    assert mariadb.value(f"SELECT enabled_at IS NULL FROM mc_totp WHERE account_id = {acct.id}") \
        == "1"
    # The key is stored encrypted: neither its bytes nor its base32.
    stored = mariadb.value(f"SELECT secret FROM mc_totp WHERE account_id = {acct.id}")
    assert key.hex() not in stored.lower()
    assert base64.b32encode(key).decode() not in stored.upper()
    app = App(key)
    # Logged on, the password is asked too: a wrong one is a counted failure.
    r = web.submit(s, r, {"code": app.code(), "password": acct.password + "x"},
                   with_field="code", timeout=30)
    assert "The password you entered is not correct." in r.text
    assert audited(mariadb, "totp-enable-refused", account_id=acct.id) == 1
    assert failures(mariadb, acct) == 1
    assert mariadb.value(f"SELECT enabled_at IS NULL FROM mc_totp WHERE account_id = {acct.id}") \
        == "1"
    r = web.submit(s, r, {"code": app.code(), "password": acct.password}, with_field="code",
                   timeout=30)
    assert "Two-step verification is on" in r.text
    codes = RECOVERY_RE.findall(r.text)
    assert len(codes) == 10
    assert audited(mariadb, "totp-enabled", account_id=acct.id) == 1
    # Recovery codes: only their keyed hashes are stored.
    hashes = {h for (h,) in mariadb.sql(
        f"SELECT code_hash FROM mc_totp_recovery WHERE account_id = {acct.id}")}
    assert len(hashes) == 10
    for c in codes:
        assert hashlib.sha256(c.encode()).hexdigest() not in hashes
        assert c not in hashes and c.replace("-", "") not in hashes
    # Shown once: the page now says it is on, without the codes.
    again = setup_page(ap, s)
    assert "Status: on" in again.text and not RECOVERY_RE.search(again.text)
    assert "Unused recovery codes: 10" in plain(again.text)
    logoff(ap, s)

    page = to_code_step(ap, s, acct, smtp)
    r = enter(s, page, app.code())
    assert path_of(r.url) == "/account/", r.url
    assert is_logged_on(s, ap)
    detail = mariadb.value(f"SELECT detail FROM mc_audit WHERE account_id = {acct.id} AND "
                           "event = 'logon' ORDER BY id DESC LIMIT 1")
    assert detail.startswith("two-step code; device="), detail


def test_my_account_links_to_it(ap, new_account, smtp):
    acct = new_account()
    s = new_browser()
    logon_full(s, ap, acct, smtp)
    r = s.get(ap.url("/registration/myaccount"), timeout=30)
    assert r.status_code == 200
    assert re.search(r'<a href="[^"]*/account/two-step">Two-step verification</a>', r.text)


def test_replayed_code_refused(ap, new_account, smtp, mariadb):
    acct, s, app, _ = enrolled(ap, new_account, smtp)
    code = app.code()
    r = enter(s, to_code_step(ap, s, acct, smtp), code)
    assert is_logged_on(s, ap), r.url
    logoff(ap, s)
    before = failures(mariadb, acct)
    page = to_code_step(ap, s, acct, smtp)
    r = enter(s, page, code)
    assert MSG_USED in r.text
    assert not is_logged_on(s, ap)
    assert failures(mariadb, acct) == before + 1
    assert mariadb.value(f"SELECT detail FROM mc_audit WHERE account_id = {acct.id} AND "
                         "event = 'totp-code-wrong' ORDER BY id DESC LIMIT 1") == "already used"
    # A code of an earlier step than the last accepted one: refused too.
    r = enter(s, r, totp(app.key, app.last - 1))
    assert MSG_USED in r.text or MSG_WRONG in r.text
    assert not is_logged_on(s, ap)
    # The next one is taken.
    r = enter(s, r, app.code())
    assert is_logged_on(s, ap), r.text[:2000]


def test_wrong_codes_lock_the_account(ap, new_account, smtp, mariadb):
    acct, s, app, codes = enrolled(ap, new_account, smtp)
    page = to_code_step(ap, s, acct, smtp)
    r = page
    for i in range(4):
        r = enter(s, r, "000000" if totp(app.key, now_step()) != "000000" else "111111")
        assert MSG_WRONG in r.text, i
        assert failures(mariadb, acct) == i + 1
    r = enter(s, r, "999999" if totp(app.key, now_step()) != "999999" else "888888")
    assert MSG_LOCKED in r.text
    assert audited(mariadb, "lockout", account_id=acct.id) == 1
    assert audited(mariadb, "totp-code-wrong", account_id=acct.id) == 5
    # Locked: neither the right code nor a recovery code lets it on.
    r = enter(s, r, app.code())
    assert MSG_LOCKED in r.text
    r = enter(s, r, codes[0])
    assert MSG_LOCKED in r.text
    assert not is_logged_on(s, ap)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_totp_recovery WHERE account_id = {acct.id} "
                         "AND used_at IS NOT NULL") == "0"
    # Nor does the password at the Logon page.
    s2 = new_browser()
    r = logon(s2, ap, acct.username, acct.password)
    assert path_of(r.url) == "/account/logon"


def test_recovery_codes_single_use(ap, new_account, smtp, mariadb):
    acct, s, app, codes = enrolled(ap, new_account, smtp)
    page = to_code_step(ap, s, acct, smtp)
    r = enter(s, page, codes[3].upper().replace("-", " "))   # as typed from paper
    assert is_logged_on(s, ap), r.text[:2000]
    assert audited(mariadb, "recovery-code-used", account_id=acct.id) == 1
    assert "Unused recovery codes: 9" in plain(setup_page(ap, s).text)
    logoff(ap, s)
    page = to_code_step(ap, s, acct, smtp)
    r = enter(s, page, codes[3])
    assert MSG_WRONG in r.text
    assert not is_logged_on(s, ap)
    assert audited(mariadb, "recovery-code-used", account_id=acct.id) == 1
    r = enter(s, r, codes[4])
    assert is_logged_on(s, ap)
    assert audited(mariadb, "recovery-code-used", account_id=acct.id) == 2


def test_turn_off_with_password(ap, new_account, smtp, mariadb):
    acct, s, app, _ = enrolled(ap, new_account, smtp)
    enter(s, to_code_step(ap, s, acct, smtp), app.code())
    assert is_logged_on(s, ap)
    page = setup_page(ap, s)
    r = turn_off(ap, s, page, acct.password + "x")
    assert "The password you entered is not correct." in r.text
    assert failures(mariadb, acct) == 1
    assert audited(mariadb, "totp-disabled", account_id=acct.id) == 0
    assert audited(mariadb, "totp-disable-refused", account_id=acct.id) == 1
    r = turn_off(ap, s, r, acct.password)
    assert path_of(r.url) == SETUP and "Two-step verification is off." in r.text
    assert audited(mariadb, "totp-disabled", account_id=acct.id) == 1
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_totp WHERE account_id = {acct.id}") == "0"
    assert mariadb.value(
        f"SELECT COUNT(*) FROM mc_totp_recovery WHERE account_id = {acct.id}") == "0"
    logoff(ap, s)
    # This browser's device became known at the code step: straight on.
    r = logon(s, ap, acct.username, acct.password)
    assert path_of(r.url) == "/account/" and is_logged_on(s, ap)


def test_disable_needs_a_logged_on_account(ap, new_account, smtp):
    s = new_browser()
    page = s.get(ap.url("/account/logon"), timeout=30)
    r = post_form(s, ap, "/account/two-step/disable", {"mc_csrf": csrf_of(page.text),
                                                       "password": "x"})
    assert r.status_code in (302, 303) and "/account/logon" in location(r)
    r = s.get(ap.url(SETUP), allow_redirects=False, timeout=30)
    assert r.status_code in (302, 303) and "/account/logon" in location(r)
    assert s.get(ap.url("/account/two-step/qr.svg"), timeout=30).status_code == 404


def test_required_role_is_held_at_setup(ap, new_account, smtp, mariadb):
    acct = new_account(roles=("clerk",), scope="16")
    s = new_browser()
    seen = len(code_mails(smtp, acct.email))
    r = logon(s, ap, acct.username, acct.password)
    if path_of(r.url) == "/account/device":
        r = submit_code(s, r, wait_code(smtp, acct.email, seen))
    assert path_of(r.url) == SETUP, r.url
    assert "Your role requires two-step verification" in r.text
    assert s.cookies.get(COOKIE)
    # Nothing else answers this logon before it is set up.
    assert not is_logged_on(s, ap)
    r2 = s.get(ap.url("/registration/myaccount"), allow_redirects=False, timeout=30)
    assert r2.status_code in (302, 303) and "/account/logon" in location(r2)
    assert mariadb.value("SELECT stage FROM mc_session WHERE account_id = "
                         f"{acct.id}") == "enrol"
    page = start_setup(ap, s)
    assert 'name="password"' not in page.text     # the logon has just taken it
    app = App(key_of(page.text))
    r = enter(s, page, app.code())
    assert len(RECOVERY_RE.findall(r.text)) == 10
    cont = re.search(r'<a class="usa-button" href="([^"]+)">I have saved', r.text)
    assert cont, r.text[:3000]
    assert "Set it up now to finish logging on." not in r.text
    assert path_of(s.get(ap.url(cont.group(1).replace("&amp;", "&")), timeout=30).url) \
        == "/account/"
    assert is_logged_on(s, ap)
    assert audited(mariadb, "totp-enabled", account_id=acct.id) == 1
    # It cannot be turned off.
    page = setup_page(ap, s)
    assert "it cannot be turned off" in page.text and ">Turn Off<" not in page.text
    r = post_form(s, ap, "/account/two-step/disable", {"mc_csrf": csrf_of(page.text),
                                                       "password": acct.password})
    assert "cannot be turned off" in r.text
    assert audited(mariadb, "totp-disabled", account_id=acct.id) == 0
    logoff(ap, s)
    # Next time: the code step, as for anyone with it on.
    r = enter(s, to_code_step(ap, s, acct, smtp), app.code())
    assert is_logged_on(s, ap)


def test_unrequired_role_not_held(ap, new_account, smtp):
    acct = new_account(roles=("courtadmin",), scope="16")
    s = new_browser()
    r = logon_full(s, ap, acct, smtp)
    assert path_of(r.url) != SETUP
    assert is_logged_on(s, ap)


@pytest.mark.allow_errors(*AUTH_REFUSAL_LINES)
def test_basic_auth_needs_more_than_the_password(ap, new_account, smtp, http):
    """AuthBasicProvider mocourts cannot ask for a code: an account with
    two-step verification on, or whose role requires it, is refused there."""
    acct = new_account()
    url = ap.url("/basic/static.html")
    assert http.get(url, auth=(acct.username, acct.password), timeout=30).status_code == 200
    s = new_browser()
    logon_full(s, ap, acct, smtp)
    enrol(ap, s, acct.password)
    assert http.get(url, auth=(acct.username, acct.password), timeout=30).status_code == 401
    clerk = new_account(roles=("clerk",), scope="16")
    assert http.get(url, auth=(clerk.username, clerk.password), timeout=30).status_code == 401


def test_bad_role_name_fails_configtest(make_apache):
    ap = make_apache(overrides={"MoCourtsTwoStepRequired": "clerk se;curity"}, start=False)
    rc, out = ap.configtest()
    assert rc != 0 and "Syntax OK" not in out, out
    assert "Invalid value for directive 'MoCourtsTwoStepRequired'" in out, out
    assert "'se;curity' is not a role name" in out, out


def test_new_recovery_codes(ap, new_account, smtp, mariadb):
    acct, s, app, old = enrolled(ap, new_account, smtp)
    enter(s, to_code_step(ap, s, acct, smtp), old[0])
    assert is_logged_on(s, ap)
    page = setup_page(ap, s)
    assert "Unused recovery codes: 9" in plain(page.text)
    r = web.submit(s, page, {"password": "Not-The-Password-1"}, with_field="password", timeout=30)
    assert "The password you entered is not correct." in r.text
    assert not RECOVERY_RE.search(r.text)
    assert failures(mariadb, acct) == 1
    assert audited(mariadb, "recovery-codes-refused", account_id=acct.id) == 1
    r = web.submit(s, r, {"password": acct.password}, with_field="password", timeout=30)
    assert "Your new recovery codes" in r.text
    new = RECOVERY_RE.findall(r.text)
    assert len(new) == 10 and not set(new) & set(old)
    assert audited(mariadb, "recovery-codes-renewed", account_id=acct.id) == 1
    assert "Unused recovery codes: 10" in plain(setup_page(ap, s).text)
    logoff(ap, s)
    page = to_code_step(ap, s, acct, smtp)
    r = enter(s, page, old[1])                 # the old ones are void
    assert MSG_WRONG in r.text and not is_logged_on(s, ap)
    r = enter(s, r, new[0])
    assert is_logged_on(s, ap)
