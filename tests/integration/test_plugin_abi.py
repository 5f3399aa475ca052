"""The plugin ABI from the outside: a plugin of another ABI is refused at
configtest; the probe plugin's routes get parameters (escaped on output),
405 for a wrong method, access by account and by role, and navigation links
shown only to those who may follow them."""
import re

from harness import util
from helpers_core import (COOKIE, NO_DEVICE, location, logon_full, module_site, new_browser,
                          path_of)


ap = module_site("abi", NO_DEVICE)


def test_abi_mismatch_refused_at_configtest(make_apache):
    so = util.BUILD / "test_plugin_abi_mismatch.so"
    assert so.exists(), f"{so} missing: run make"
    ap = make_apache(start=False, extra_conf=(
        f'LoadModule mocourts_abi_mismatch_module "{so}"\n'
        "<Location /mismatch>\n    MoCourtsMount abi_mismatch\n</Location>\n"))
    rc, out = ap.configtest()
    assert rc != 0, out
    header = (util.REPO / "mod_mocourts" / "mocourts.h").read_text()
    major = int(re.search(r"#define MC_ABI_MAJOR (\d+)", header).group(1))
    minor = int(re.search(r"#define MC_ABI_MINOR (\d+)", header).group(1))
    assert f"built for mod_mocourts ABI version {major + 1}.0" in out, out
    assert "abi_mismatch" in out
    assert f"ABI {major}.{minor}" in out, out


def test_route_parameter(ap, http):
    r = http.get(ap.url("/probe/hello/world"), timeout=10)
    assert r.status_code == 200
    assert "Hello, world!" in r.text


def test_route_parameter_is_escaped(ap, http):
    r = http.get(ap.url("/probe/hello/<script>alert(1)"), timeout=10)
    assert r.status_code == 200
    assert "Hello, &lt;script&gt;alert(1)!" in r.text
    assert "<script>" not in r.text
    r = http.get(ap.url('/probe/hello/a"b&c\'d<img src=x onerror=alert(2)>'), timeout=10)
    assert r.status_code == 200
    assert not re.search(r"<img[^>]*onerror", r.text), r.text
    assert "&lt;img src=x onerror=alert(2)&gt;" in r.text
    assert "a&quot;b&amp;c" in r.text or 'a"b&amp;c' in r.text


def test_percent_encoded_parameter_decoded(ap, http):
    r = http.get(ap.url("/probe/hello/J%C3%BCrgen%20M"), timeout=10)
    assert r.status_code == 200
    assert "Hello, Jürgen M!" in r.text


def test_unknown_path_under_mount_is_404(ap, http):
    r = http.get(ap.url("/probe/no-such-route"), timeout=10, allow_redirects=False)
    assert r.status_code == 404


def test_wrong_method_is_405(ap, http):
    r = http.get(ap.url("/probe/echo"), timeout=10, allow_redirects=False)
    assert r.status_code == 405
    assert "POST" in r.headers.get("Allow", "")
    r = http.post(ap.url("/probe/hello/x"), data={"a": "b"}, timeout=10, allow_redirects=False)
    assert r.status_code == 405
    assert "GET" in r.headers.get("Allow", "")
    r = http.post(ap.url("/probe/mine"), data={"a": "b"}, timeout=10, allow_redirects=False)
    assert r.status_code == 405


def test_head_answers_like_get(ap, http):
    r = http.head(ap.url("/probe/hello/x"), timeout=10, allow_redirects=False)
    assert r.status_code == 200
    assert r.content == b""


def _nav_labels(html):
    m = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S)
    assert m, html[:2000]
    return re.findall(r"<a [^>]*>([^<]*)</a>", m.group(1))


def test_route_role_matrix(ap, new_account, smtp):
    plain = new_account()
    clerk = new_account(roles=("clerk",), prefix="clerk")
    scoped = new_account(roles=("clerk",), scope="22", prefix="clerk")
    browsers = {"anon": new_browser(), "account": new_browser(), "clerk": new_browser(),
                "scoped": new_browser()}
    logon_full(browsers["account"], ap, plain, smtp)
    logon_full(browsers["clerk"], ap, clerk, smtp)
    logon_full(browsers["scoped"], ap, scoped, smtp)

    expect = {
        # who: (/probe/mine, /probe/clerk)
        "anon": ("logon", "logon"),
        "account": (200, 403),
        "clerk": (200, 200),
        "scoped": (200, 200),
    }
    users = {"account": plain, "clerk": clerk, "scoped": scoped}
    for who, (mine, clerk_page) in expect.items():
        s = browsers[who]
        for path, want in (("/probe/mine", mine), ("/probe/clerk", clerk_page)):
            r = s.get(ap.url(path), timeout=10, allow_redirects=False)
            if want == "logon":
                assert r.status_code in (302, 303), (who, path, r.status_code)
                loc = location(r)
                assert path_of(loc) == "/account/logon", (who, path, loc)
                assert "return=%2Fprobe%2F" in loc, loc
            else:
                assert r.status_code == want, (who, path, r.status_code)
            if want == 200 and path == "/probe/mine":
                assert f"Account: {users[who].username}" in r.text
            if want == 200 and path == "/probe/clerk":
                assert "Clerk page" in r.text
            if want == 403:
                assert "Clerk page" not in r.text

    # Navigation: "Probe" for any account, "Clerk Desk" only for clerks.
    anon_nav = _nav_labels(browsers["anon"].get(ap.url("/probe/hello/x"), timeout=10).text)
    assert "Probe" not in anon_nav and "Clerk Desk" not in anon_nav, anon_nav
    acct_nav = _nav_labels(browsers["account"].get(ap.url("/probe/hello/x"), timeout=10).text)
    assert "Probe" in acct_nav and "Clerk Desk" not in acct_nav, acct_nav
    for who in ("clerk", "scoped"):
        nav = _nav_labels(browsers[who].get(ap.url("/probe/hello/x"), timeout=10).text)
        assert "Probe" in nav and "Clerk Desk" in nav, (who, nav)
    for s in browsers.values():
        s.close()


def test_role_removed_takes_effect(ap, new_account, smtp, mariadb):
    """Authorization is checked on every request, not remembered at logon."""
    clerk = new_account(roles=("clerk",), prefix="clerk")
    s = new_browser()
    logon_full(s, ap, clerk, smtp)
    assert s.get(ap.url("/probe/clerk"), timeout=10, allow_redirects=False).status_code == 200
    mariadb.sql(f"DELETE FROM mc_account_role WHERE account_id = {clerk.id}")
    r = s.get(ap.url("/probe/clerk"), timeout=10, allow_redirects=False)
    assert r.status_code == 403
    assert s.cookies.get(COOKIE)
    s.close()


def test_go_redirects_only_locally(ap, http):
    r = http.get(ap.url("/probe/go"), params={"to": "/probe/hello/x"}, timeout=10,
                 allow_redirects=False)
    assert r.status_code == 303
    assert location(r) == "/probe/hello/x"
    for bad in ("//evil.example/x", "https://evil.example/", "/\\evil.example",
                "javascript:alert(1)", "/ok\r\nSet-Cookie: x=y", "evil.example"):
        r = http.get(ap.url("/probe/go"), params={"to": bad}, timeout=10, allow_redirects=False)
        assert r.status_code == 400, (bad, r.status_code, location(r))
        assert "Location" not in r.headers
