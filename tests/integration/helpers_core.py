"""Shared helpers of the core integration tests (test_config.py ... test_admin.py).

    ap = site(make_apache, {"MoCourtsNewDeviceCode": "Off"})   # started, complete
    with running_site(tmp_root, mariadb, smtp, gateway, {...}) as ap: ...  # module scope
    ap = module_site("csrf", NO_DEVICE)         # that module fixture, in a test module
    r = logon_full(http, ap, account, smtp)     # through the device step if asked

A "complete" site is one with what the core tests need, whether or not the
harness's default configuration has it already: the probe test plugin at
/probe, /protected (Require mocourts-account), /clerk-files (Require
mocourts-role clerk) and /basic (AuthBasicProvider mocourts), each with a
static.html.
"""
import concurrent.futures
import contextlib
import hashlib
import re
import secrets
import threading
import time
from urllib.parse import urljoin, urlparse

import pytest

from harness import util, web
from harness.admin import Admin
from harness.apache import TEST_START_SERVERS, Apache
from harness.mariadb import sql_quote

COOKIE = web.COOKIE                       # mocourts_session
CSRF_COOKIE = COOKIE + "-csrf"            # the pre-session anti-CSRF cookie
DEVICE_COOKIE = COOKIE + "-device"        # a confirmed device
CSRF_FIELD = web.CSRF_FIELD               # mc_csrf
ONCE_FIELD = "mc_once"                    # a one-time form token (ABI 1.8)

LOGON = "/account/logon"
# One answer to every refused logon, whether the password was wrong, the
# name unknown or the account locked (issue 11 §4): a lock told only for
# existing accounts would say which names and addresses exist.
MSG_BAD = ("The username or password you entered is incorrect, or the account is locked "
           "because of too many failed logon attempts.")
MSG_LOCKED = MSG_BAD
MSG_DISABLED = "Your account has been disabled"
MSG_FORM_EXPIRED = "This form has expired"
MSG_RESET = "Password has been successfully reset"
UNREACHABLE = "cannot be reached"
STATIC_MARK = "<h1>Static page</h1>"
CODE_SUBJECT = "Your verification code"
CODE_RE = re.compile(r"Your verification code is: (\d{6})")

# Apache's own error-level lines for an expected authentication/authorization
# refusal (mod_auth_basic, mod_authz_core).
AUTH_REFUSAL_LINES = (r"AH01617", r"AH01618", r"AH01630", r"AH01631", r"AH01629")

NO_DEVICE = {"MoCourtsNewDeviceCode": "Off"}

_PROBE_SO = util.BUILD / "test_plugin_probe.so"
_LOCATIONS = {
    "protected": "<Location /protected>\n    AuthType MoCourts\n    Require mocourts-account\n"
                 "</Location>\n",
    "clerk-files": "<Location /clerk-files>\n    AuthType MoCourts\n"
                   "    Require mocourts-role clerk\n</Location>\n",
    "basic": "<Location /basic>\n    AuthType Basic\n    AuthName x\n"
             "    AuthBasicProvider mocourts\n    Require valid-user\n</Location>\n",
}


# ---- sites ----------------------------------------------------------------------

def complete_conf(ap):
    """Add to ap.extra_conf whatever of the probe plugin and the protected
    locations its generated httpd.conf lacks; put static.html under each."""
    text = ap._httpd_conf_text()
    extra = []
    if "mocourts_probe_module" not in text:
        extra.append(f'LoadModule mocourts_probe_module "{_PROBE_SO}"\n')
    if not re.search(r"MoCourtsMount\s+probe\b", text):
        extra.append("<Location /probe>\n    MoCourtsMount probe\n</Location>\n")
    for name, conf in _LOCATIONS.items():
        if not re.search(rf"<Location\s+\"?/{re.escape(name)}\"?\s*>", text):
            extra.append(conf)
    if extra:
        ap.extra_conf = (ap.extra_conf.rstrip("\n") + "\n" if ap.extra_conf else "") + "".join(extra)
    ap.write_config()
    page = (ap.htdocs / "static.html").read_text()
    for name in _LOCATIONS:
        d = ap.htdocs / name
        d.mkdir(parents=True, exist_ok=True)
        util.make_reachable(d)
        f = d / "static.html"
        if not f.exists():
            f.write_text(page)
            f.chmod(0o644)
    return ap


def start_checked(ap, migrate=True):
    """Migrate, start, and fail the test if Apache logged errors starting."""
    since = ap.error_log_offset()
    if migrate:
        Admin(ap.mocourts_conf).migrate()
    ap.start()
    bad = ap.check_error_log(since=since)
    if bad:
        pytest.fail("Apache logged errors while starting:\n" + "\n".join(bad), pytrace=False)
    return ap


def site(make_apache, overrides=None, extra_conf="", **kw):
    """A started, complete Apache from the make_apache fixture (stopped
    after the test)."""
    ap = make_apache(overrides=overrides, extra_conf=extra_conf, start=False, **kw)
    complete_conf(ap)
    return start_checked(ap)


@contextlib.contextmanager
def running_site(tmp_root, mariadb, smtp, gateway, overrides=None, extra_conf="", name="site",
                 **kw):
    """A complete Apache for a whole module (use from a module fixture)."""
    kw.setdefault("start_servers", TEST_START_SERVERS)
    ap = Apache(tmp_root / f"core-{name}-{secrets.token_hex(3)}", util.free_port(), db=mariadb,
                smtp=smtp, gateway=gateway, overrides=overrides, extra_conf=extra_conf, **kw)
    try:
        complete_conf(ap)
        start_checked(ap)
        yield ap
    finally:
        ap.stop()


def module_site(name, overrides=None, doc=None, fixture="ap", **kw):
    """A module fixture (named `fixture`) giving a running_site: in a test
    module, `ap = module_site("csrf", NO_DEVICE)`."""
    @pytest.fixture(scope="module", name=fixture)
    def site_fixture(tmp_root, mariadb, smtp, gateway):
        with running_site(tmp_root, mariadb, smtp, gateway, overrides, name=name, **kw) as ap:
            yield ap

    site_fixture.__doc__ = doc
    return site_fixture


# ---- pages and cookies ----------------------------------------------------------------

def new_browser():
    return web.new_session()


def plain(html):
    """A page's text: the tags as spaces, each run of white space one space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def csrf_of(html):
    """The mc_csrf value of the first form holding one."""
    for f in web.forms(html):
        if CSRF_FIELD in f["fields"]:
            return f["fields"][CSRF_FIELD]
    raise AssertionError("no mc_csrf field in page:\n" + html[:2000])


def once_of(html, action_contains=None):
    """The mc_once value (one-time form token, ABI 1.8) of the first form
    holding one (and whose action contains action_contains)."""
    for f in web.forms(html):
        if action_contains is not None and action_contains not in f["action"]:
            continue
        if ONCE_FIELD in f["fields"]:
            return f["fields"][ONCE_FIELD]
    raise AssertionError(f"no {ONCE_FIELD} field (action~{action_contains!r}) in page:\n"
                         + html[:2000])


def at_once(*calls, timeout=180):
    """Call every one of calls (functions of no argument) at the same moment,
    each in a thread of its own lined up on a barrier: [(its result, when it
    began, when it ended)] in the calls' order (time.monotonic()).
    AssertionError when one did not return."""
    out = [None] * len(calls)
    go = threading.Barrier(len(calls))

    def run(i):
        go.wait()
        began = time.monotonic()
        value = calls[i]()
        out[i] = (value, began, time.monotonic())

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    assert all(out), "a call did not return"
    return out


def send_copies(s, url, data=None, n=10, files=None, timeout=30):
    """POST the same form n times at once, as a double click or a retrying
    client does: n browsers holding s's cookies (its session), lined up on a
    barrier, redirects not followed. The responses, in no order."""
    barrier = threading.Barrier(n)

    def one(_):
        b = new_browser()
        b.cookies.update(s.cookies)
        barrier.wait(timeout=timeout)
        try:
            return b.post(url, data=data, files=files, allow_redirects=False, timeout=timeout)
        finally:
            b.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


def set_cookies(resp):
    """The raw Set-Cookie header lines of one response (no redirects)."""
    return list(resp.raw.headers.getlist("Set-Cookie"))


def set_cookie_named(resp, name):
    """The raw Set-Cookie line for cookie `name` of resp, or None."""
    for line in set_cookies(resp):
        if line.split("=", 1)[0].strip() == name:
            return line
    return None


def cookie_attrs(line):
    """{lower-case attribute: value or True} and the value of a Set-Cookie line."""
    parts = [p.strip() for p in line.split(";")]
    value = parts[0].split("=", 1)[1]
    attrs = {}
    for p in parts[1:]:
        if "=" in p:
            k, v = p.split("=", 1)
            attrs[k.strip().lower()] = v.strip()
        elif p:
            attrs[p.lower()] = True
    return value, attrs


def cookie_flags(line, secure):
    """The value and attributes of a session-like cookie's Set-Cookie line,
    asserting its flags: HttpOnly, SameSite=Lax, Path=/, no Domain, and
    Secure exactly when secure."""
    value, attrs = cookie_attrs(line)
    assert attrs.get("httponly") is True, line
    assert str(attrs.get("samesite", "")).lower() == "lax", line
    assert attrs.get("path") == "/", line
    assert ("secure" in attrs) == secure, line
    assert "domain" not in attrs, line
    return value, attrs


def sha256_hex(s):
    return hashlib.sha256(s.encode()).hexdigest()


def path_of(url):
    return urlparse(url).path


def location(resp):
    return resp.headers.get("Location", "")


def random_token():
    """A well-formed session token (43 base64url characters) nobody holds."""
    return secrets.token_urlsafe(32)[:43]


def post_form(s, ap, path, fields, headers=None, **kw):
    return s.post(ap.url(path), data=fields, headers=headers or {}, allow_redirects=False,
                  timeout=30, **kw)


# ---- logon ----------------------------------------------------------------------------

def logon(s, ap, username, password, path=LOGON, **kw):
    """GET the logon page and submit it (redirects followed)."""
    return web.logon(s, ap.base_url, username, password, path=path, **kw)


def logon_post(s, ap, username, password, extra=None, path=LOGON):
    """GET the logon page, POST it without following the redirect."""
    page = s.get(ap.url(path), timeout=30)
    assert page.status_code == 200, page.status_code
    form = web.find_form(page.text, with_field="password")
    data = dict(form["fields"])
    data.update({"username": username, "password": password})
    data.update(extra or {})
    return s.post(urljoin(page.url, form["action"] or page.url), data=data,
                  allow_redirects=False, timeout=30)


def code_mails(smtp, email):
    return smtp.find(to=email, subject=CODE_SUBJECT)


def wait_code(smtp, email, seen, timeout=15):
    """The code of the (seen+1)-th verification mail to email."""
    found = smtp.wait_for(to=email, subject=CODE_SUBJECT, count=seen + 1, timeout=timeout)
    mails = found if isinstance(found, list) else [found]
    m = CODE_RE.search(mails[seen].body)
    assert m, f"no code in the mail: {mails[seen].body!r}"
    return m.group(1)


def device_step(s, ap, account, smtp):
    """Log on with the password as far as the device step: (that page,
    /account/device, and how many code mails the account had before)."""
    seen = len(code_mails(smtp, account.email))
    page = logon(s, ap, account.username, account.password)
    assert path_of(page.url) == "/account/device", page.url
    return page, seen


def submit_code(s, page, code):
    """Submit the device form of page (the /account/device page) with code."""
    return web.submit(s, page, {"code": code}, with_field="code", timeout=30)


def logon_full(s, ap, account, smtp=None, password=None):
    """Log on to a full session, entering the e-mailed code when asked.
    Returns the final response."""
    seen = len(code_mails(smtp, account.email)) if smtp is not None else 0
    r = logon(s, ap, account.username, password or account.password)
    if path_of(r.url) == "/account/device":
        assert smtp is not None, "a device code was asked for but no smtp sink was given"
        code = wait_code(smtp, account.email, seen)
        r = submit_code(s, r, code)
    assert s.cookies.get(COOKIE), f"not logged on: {r.url}\n{r.text[:1500]}"
    assert path_of(r.url) not in ("/account/logon", "/account/device", "/account/password"), \
        f"not logged on: {r.url}\n{r.text[:1500]}"
    return r


def account_browser(ap, new_account, smtp, roles=(), scope=None, prefix="user"):
    """A new account (with roles, for scope: a court's code or a group's
    id) and a browser logged on with it: (browser, account)."""
    acct = new_account(roles=roles, scope=scope, prefix=prefix)
    s = new_browser()
    logon_full(s, ap, acct, smtp)
    return s, acct


def is_logged_on(s, ap):
    """GET /probe/mine: 200 only with a full session."""
    r = s.get(ap.url("/probe/mine"), allow_redirects=False, timeout=30)
    return r.status_code == 200


def logged_on_csrf(s, ap):
    """The session's anti-CSRF token, read from a page of a logged-on browser."""
    r = s.get(ap.url("/probe/mine"), timeout=30)
    assert r.status_code == 200, r.status_code
    return csrf_of(r.text)


# ---- the database -----------------------------------------------------------------------

def count_rows(mariadb, table, where):
    """How many rows of table match where (SQL)."""
    return int(mariadb.value(f"SELECT COUNT(*) FROM {table} WHERE {where}"))


def audited(mariadb, event, **who):
    """How many mc_audit rows of event there are (with account_id=...,
    actor_id=... as given)."""
    return count_rows(mariadb, "mc_audit", " AND ".join(
        [f"event = {sql_quote(event)}"] + [f"{k} = {int(v)}" for k, v in who.items()]))


def wait_db(mariadb, query, predicate=bool, timeout=15):
    return mariadb.wait_for(query, predicate, timeout=timeout)


def queue_notice(mariadb, recipient, subject="", body="", channel="email", kind="test"):
    """A notice queued by hand, due now (as the module queues one)."""
    mariadb.sql("INSERT INTO mc_outbox (channel, recipient, subject, body, kind, status, "
                f"attempts, queued_at, next_attempt_at) VALUES ({sql_quote(channel)}, "
                f"{sql_quote(recipient)}, {sql_quote(subject)}, {sql_quote(body)}, "
                f"{sql_quote(kind)}, 'queued', 0, UTC_TIMESTAMP(), UTC_TIMESTAMP())")


def delivery_settled(mariadb, smtp, *recipients, timeout=30):
    """Wait for the fact a test needs before it says what did *not* arrive:
    the outbox is done with what was queued until now. A marker notice
    queued now has reached the SMTP sink (so a delivery round claimed it,
    and a round claims the due rows oldest first: every row due before it
    was claimed by then), and no row to any of `recipients` is still due or
    being sent. Instead of sleeping through "two delivery rounds"."""
    tag = secrets.token_hex(6)
    marker = f"settled-{tag}@example.test"
    queue_notice(mariadb, marker, f"Delivery marker {tag}", "marker", kind="test-marker")
    smtp.wait_for(to=marker, timeout=timeout)
    if recipients:
        quoted = ", ".join(sql_quote(r) for r in recipients)
        wait_db(mariadb, f"SELECT COUNT(*) FROM mc_outbox WHERE recipient IN ({quoted}) AND "
                "(status = 'sending' OR (status IN ('queued', 'retrying') AND "
                "next_attempt_at <= UTC_TIMESTAMP()))",
                lambda rows: rows == [("0",)], timeout=timeout)


@contextlib.contextmanager
def loopback_counters_cleared(mariadb, table):
    """Every test client is 127.0.0.1 and a per-address counter lives in the
    shared database: table's counters of the loopback addresses cleared
    before the block and after it."""
    clear = f"DELETE FROM {table} WHERE client_ip IN ('127.0.0.1', '::1')"
    mariadb.sql(clear)
    try:
        yield
    finally:
        mariadb.sql(clear)


def next_db_second(mariadb):
    """Wait until the database's clock is in a later second than now (a
    DATETIME written now then differs from one written after)."""
    now = mariadb.value("SELECT UTC_TIMESTAMP()")
    wait_db(mariadb, f"SELECT UTC_TIMESTAMP() > '{now}'", lambda rows: rows == [("1",)],
            timeout=5)


def poll(predicate, timeout, interval=0.2, what="condition"):
    """Poll predicate until true (returned) or AssertionError after timeout."""
    try:
        return util.wait_until(predicate, timeout, interval, what)
    except TimeoutError as e:
        raise AssertionError(str(e)) from None


def drain_stale_connections(apaches, rounds=40):
    """After a MariaDB restart: make DB-touching requests to every running
    Apache until 10 answer 200 in a row, so that later tests do not meet a
    connection pooled before the restart."""
    for ap in apaches:
        if not ap.is_running():
            continue
        ok = 0
        for _ in range(rounds):
            try:
                s = new_browser()
                s.cookies.set(COOKIE, random_token())
                r = s.get(ap.url(LOGON), timeout=10, allow_redirects=False)
                s.close()
                ok = ok + 1 if r.status_code == 200 else 0
            except Exception:  # noqa: BLE001 - best effort
                ok = 0
            if ok >= 10:
                break
            time.sleep(0.05)
