"""Every response under a mount carries the security headers, and errors
there (a path no route has, a method no route takes, an access rule of the
site, a status from httpd or a handler) are the site's page in its layout.
Every cookie, the core's and the plugins', is set by the core's one helper
under MoCourtsSessionSecure: Secure and the __Host- prefix when On (issue
11, item 10)."""
import re

import pytest

from harness import util, web
from helpers_core import NO_DEVICE, cookie_flags, module_site, set_cookie_named, set_cookies, site

MOUNTS = ["/account", "/registration", "/groups", "/casenet", "/ecf", "/probe"]
# A path of each mount that a GET route answers (for the wrong-method check).
GET_ROUTE = {"/account": "/logon", "/registration": "/create", "/groups": "/procedure",
             "/casenet": "/search/name", "/ecf": "/", "/probe": "/hello/x"}
COURT = "Test Circuit Court"
SECURE = {"MoCourtsSessionCookie": "__Host-mocourts", "MoCourtsSessionSecure": "On", **NO_DEVICE}


def _closed_conf():
    """An access rule and a Redirect with an error status under every
    mount: httpd answers these itself, before any handler."""
    out = []
    for m in MOUNTS:
        out.append(f"<Location {m}/closed>\n    Require all denied\n</Location>\n")
        out.append(f"Redirect 500 {m}/broken\n")
    return "".join(out)


ap = module_site("hdr", NO_DEVICE, extra_conf=_closed_conf())


def _secured(r):
    """The security headers of a response (any status)."""
    h = r.headers
    assert "frame-ancestors 'none'" in h.get("Content-Security-Policy", ""), (r.url, dict(h))
    assert "default-src 'self'" in h["Content-Security-Policy"]
    assert h.get("X-Content-Type-Options") == "nosniff", (r.url, dict(h))
    assert h.get("X-Frame-Options") == "DENY", (r.url, dict(h))
    assert h.get("Referrer-Policy") == "same-origin", (r.url, dict(h))
    assert "no-store" in h.get("Cache-Control", ""), (r.url, dict(h))


def _site_page(r, status, title):
    """An error page in the site layout, labelled UTF-8."""
    assert r.status_code == status, (r.url, r.status_code, r.text[:1500])
    _secured(r)
    assert r.headers["Content-Type"].lower() == "text/html; charset=utf-8", r.headers
    assert f"<title>{title}</title>" in r.text, r.text[:2000]
    assert COURT in r.text and 'href="/account/assets/site.css"' in r.text, r.text[:2000]
    assert "Apache" not in r.text and "<address>" not in r.text, r.text[:2000]


@pytest.mark.parametrize("mount", MOUNTS)
def test_unknown_path_is_the_site_404(ap, http, mount):
    r = http.get(ap.url(mount + "/nonexistent"), allow_redirects=False, timeout=30)
    _site_page(r, 404, "Page not found")
    r = http.get(ap.url(mount + "/nonexistent/deeper/still.html"), allow_redirects=False,
                 timeout=30)
    _site_page(r, 404, "Page not found")
    r = http.head(ap.url(mount + "/nonexistent"), allow_redirects=False, timeout=30)
    assert r.status_code == 404 and r.content == b""
    _secured(r)


@pytest.mark.parametrize("mount", MOUNTS)
def test_wrong_method_is_the_site_405(ap, http, mount):
    r = http.request("PUT", ap.url(mount + GET_ROUTE[mount]), data="x", allow_redirects=False,
                     timeout=30)
    _site_page(r, 405, "Not allowed here")
    assert "GET" in r.headers.get("Allow", ""), r.headers
    r = http.request("DELETE", ap.url(mount + "/nonexistent"), allow_redirects=False, timeout=30)
    assert r.status_code in (404, 405), r.status_code
    _site_page(r, r.status_code, "Page not found" if r.status_code == 404 else "Not allowed here")


@pytest.mark.allow_errors(r"AH01630: client denied by server configuration")
@pytest.mark.parametrize("mount", MOUNTS)
def test_access_rule_and_httpd_500_are_site_pages(ap, http, mount):
    _site_page(http.get(ap.url(mount + "/closed"), allow_redirects=False, timeout=30), 403,
               "Not allowed")
    _site_page(http.get(ap.url(mount + "/broken"), allow_redirects=False, timeout=30), 500,
               "Something went wrong")


@pytest.mark.parametrize("code,title", [(500, "Something went wrong"), (409, "Request refused"),
                                        (501, "Not allowed here"), (415, "Not accepted"),
                                        (502, "Something went wrong")])
def test_handler_statuses_are_site_pages(ap, http, code, title):
    _site_page(http.get(ap.url(f"/probe/status/{code}"), timeout=30), code, title)


def test_logged_on_error_page_keeps_the_navigation(ap, new_account, smtp):
    """A route's error page shows the account's navigation (the request has
    looked its session up; httpd's own errors never wait for the database
    and show the anonymous layout)."""
    from helpers_core import logon_full, new_browser
    acct = new_account()
    s = new_browser()
    logon_full(s, ap, acct, smtp)
    r = s.get(ap.url("/probe/status/500"), timeout=30)
    _site_page(r, 500, "Something went wrong")
    assert f"Logged on as <strong>{acct.username}</strong>" in r.text
    s.close()


def test_success_and_redirect_under_mount_are_secured(ap, http):
    _secured(http.get(ap.url("/account/logon"), timeout=30))
    r = http.get(ap.url("/probe/mine"), allow_redirects=False, timeout=30)
    assert r.status_code == 303
    _secured(r)


def test_outside_mounts_untouched(ap, http):
    """The site's other pages are the site's business."""
    r = http.get(ap.url("/static.html"), timeout=30)
    assert r.status_code == 200 and "Content-Security-Policy" not in r.headers
    r = http.get(ap.url("/no-such-file.html"), timeout=30)
    assert r.status_code == 404 and COURT not in r.text


# ---- cookies ----------------------------------------------------------------------------

def test_plugin_cookie_helper_plain(ap, http):
    r = http.get(ap.url("/probe/cookie"), timeout=30)
    line = set_cookie_named(r, "probe")
    assert line, set_cookies(r)
    value, attrs = cookie_flags(line, secure=False)
    assert value == "v1" and attrs.get("max-age") == "60"
    assert "Had: v1" in http.get(ap.url("/probe/cookie?value=v2"), timeout=30).text


def test_every_cookie_secure_and_host_prefixed(make_apache, mariadb):
    """MoCourtsSessionSecure On: the probe's, the registration plugin's
    (pending sign-up, password reset) and Case.net's pass cookie are all
    __Host- and Secure. (requests keeps Secure cookies from http://, so the
    cookies are sent by hand.)"""
    mariadb.sql("DELETE FROM mc_search_rate WHERE client_ip IN ('127.0.0.1', '::1')")
    try:
        a = site(make_apache, {**SECURE, "MoCourtsCaseNetSearchLimit": "1 1m 1"})
        s = web.new_session()
        r = s.get(a.url("/probe/cookie"), timeout=30)
        assert not set_cookie_named(r, "probe"), set_cookies(r)
        value, _ = cookie_flags(set_cookie_named(r, "__Host-probe"), secure=True)
        r = s.get(a.url("/probe/cookie"), headers={"Cookie": f"__Host-probe={value}"},
                  timeout=30)
        assert f"Had: {value}" in r.text

        # Registration: the first step of "Create an account".
        page = s.get(a.url("/registration/create"), timeout=30)
        csrf = cookie_flags(set_cookie_named(page, "__Host-mocourts-csrf"), secure=True)[0]
        form = web.find_form(page.text, with_field="mobar")
        data = {**form["fields"], "no_mobar": "1"}
        r = s.post(a.url(form["action"]), data=data, allow_redirects=False, timeout=30,
                   headers={"Cookie": f"__Host-mocourts-csrf={csrf}"})
        assert r.status_code == 303, (r.status_code, r.text[:1500])
        assert not set_cookie_named(r, "mc_reg_pending"), set_cookies(r)
        value, attrs = cookie_flags(set_cookie_named(r, "__Host-mc_reg_pending"), secure=True)
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", value) and attrs["max-age"] == "86400"

        # Registration: a password reset whose state is gone clears its cookie.
        r = s.get(a.url("/registration/reset/question"), timeout=30)
        assert r.status_code == 200 and "no longer valid" in r.text
        assert not set_cookie_named(r, "mocourts-reset"), set_cookies(r)
        value, attrs = cookie_flags(set_cookie_named(r, "__Host-mocourts-reset"), secure=True)
        assert value == "" and attrs["max-age"] == "0"

        # Case.net: past the search limit, the CAPTCHA's pass cookie.
        search = a.url("/casenet/search/name?last=NOBODYHDR")
        assert s.get(search, timeout=30).status_code == 200
        r = s.get(search, timeout=30)
        assert r.status_code == 429, r.status_code
        assert not set_cookie_named(r, "mc_casenet_pass"), set_cookies(r)
        cookie_flags(set_cookie_named(r, "__Host-mc_casenet_pass"), secure=True)
    finally:
        mariadb.sql("DELETE FROM mc_search_rate WHERE client_ip IN ('127.0.0.1', '::1')")


def test_one_set_cookie_in_the_source():
    """Plugins set cookies only through mc_cookie_put; the core writes the
    header in one place (mc_cookie_set)."""
    hits = []
    for f in sorted(list((util.REPO / "plugins").rglob("*.[ch]"))
                    + list((util.REPO / "mod_mocourts").rglob("*.[ch]"))):
        for n, line in enumerate(f.read_text(errors="replace").splitlines(), 1):
            if "Set-Cookie" in line and not line.lstrip().startswith(("/*", "*")):
                hits.append(f"{f.relative_to(util.REPO)}:{n}")
    assert len(hits) == 1 and hits[0].startswith("mod_mocourts/mod_mocourts_session.c:"), hits
