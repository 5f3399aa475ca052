"""The public home page at the site root (issue 14): `/` no longer sends
everyone to Logon. It shows Case.net's five searches first (seed 002: they
need no login and no account), with a litigant-name box on the page itself,
then Log On and Create an account, then eFiling's address; only what the
site mounts. Logged-on accounts get the page too, with their own links.
And the layout's primary navigation marks the current item
(aria-current="page"), and the footer links Help, Contact, Privacy and
Accessibility pages, whose text a court replaces (MoCourtsTemplatesOverride)."""
import re
import secrets

from harness import util, web
from helpers_casenet import CASENET, seed_case, seed_court, seed_party, unique_tag
from helpers_core import LOGON, NO_DEVICE, logon_full, new_browser, path_of, plain, site

SEARCHES = (("Litigant Name", "name"), ("Case Number", "number"), ("Filing Date", "date"),
            ("Scheduled Hearings", "hearings"), ("Judgment Index", "judgments"))
FOOTER_PAGES = (("/account/help", "Help"), ("/account/contact", "Contact the Court"),
                ("/account/privacy", "Privacy Policy"),
                ("/account/accessibility", "Accessibility Statement"))


def home(s, ap):
    r = s.get(ap.url("/"), allow_redirects=False, timeout=30)
    assert r.status_code == 200, (r.status_code, r.headers.get("Location"))
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    return r


def main_of(page):
    m = re.search(r'<main id="main"[^>]*>(.*?)</main>', page, re.S)
    assert m, page[:2000]
    return m.group(1)


def current_items(page):
    """The header navigation's items marked as the current page."""
    nav = re.search(r'<header class="site">.*?<nav aria-label="Main">(.*?)</nav>', page, re.S)
    assert nav, page[:2000]
    return [plain(a).strip() for a in re.findall(r'<a [^>]*aria-current="page"[^>]*>(.*?)</a>',
                                                 nav.group(1), re.S)]


def test_home_page_is_public_with_searches_logon_and_efiling(apache, http, mariadb):
    ap = apache
    r = home(http, ap)
    page = main_of(r.text)
    # 1. The five searches, each linking to its form.
    for label, path in SEARCHES:
        assert f'<a href="{CASENET}/search/{path}">{label}</a>' in page, label
    # ... and the litigant-name box, a form like the name search's own.
    box = web.find_form(page, action_contains="/search/name")
    assert box["action"] == f"{CASENET}/search/name" and box["method"] == "get"
    own = web.find_form(http.get(ap.url(f"{CASENET}/search/name"), timeout=30).text,
                        action_contains="/search/name")
    assert set(box["fields"]) == {"last", "first"}
    assert set(box["fields"]) <= set(own["fields"]), (box["fields"], own["fields"])
    assert re.search(r'<label [^>]*for="last">[^<]*Last Name or Business Name</label>', page)
    # 2. Log On and Create an account, after the searches.
    logon_at = page.index(f'<a href="{LOGON}">Log On</a>')
    assert page.index("/search/judgments") < logon_at
    create_at = page.index('<a href="/registration/create">Create an account</a>')
    # 3. eFiling's address, last.
    efiling = ap.base_url.rstrip("/") + "/ecf/"
    assert f'<a class="address" href="{efiling}">{efiling}</a>' in page
    assert create_at < page.index(efiling)
    assert "Logged on as" not in r.text

    # The box searches: its fields, as a browser sends them, find the case.
    court = seed_court(mariadb)
    last = "Homepage" + unique_tag(6).lower()
    case_id, number = seed_case(mariadb, court, caption=f"{last.upper()} V STATE")
    seed_party(mariadb, case_id, last, first="Rosa")
    found = web.submit(http, r, {"last": last, "first": "Rosa"}, action_contains="/search/name",
                       timeout=30)
    assert found.status_code == 200 and path_of(found.url) == f"{CASENET}/search/name"
    assert "1 case(s) found." in found.text, plain(found.text)[:3000]
    assert f">{number}</a>" in found.text


def test_head_and_other_methods(apache, http):
    r = http.head(apache.url("/"), allow_redirects=False, timeout=30)
    assert r.status_code == 200 and r.text == ""
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert int(r.headers["Content-Length"]) == len(home(http, apache).content)
    r = http.post(apache.url("/"), data={"x": "1"}, allow_redirects=False, timeout=30)
    assert r.status_code == 405 and "GET" in r.headers["Allow"]
    # Only the root itself: a static file beside it is still the file.
    assert "<h1>Static page</h1>" in http.get(apache.url("/static.html"), timeout=30).text


def test_logged_on_account_gets_the_page_with_its_links(apache, new_account, smtp):
    ap = apache
    acct = new_account()
    s = new_browser()
    logon_full(s, ap, acct, smtp)
    r = home(s, ap)
    page = main_of(r.text)
    assert f"Logged on as {acct.username}" in plain(r.text)
    assert f'<a href="{CASENET}/search/name">Litigant Name</a>' in page
    assert f'<a href="{CASENET}/mycases">Manage My Case</a>' in page
    assert '<a href="/registration/myaccount">My Account</a>' in page
    assert ">Log On</a>" not in page and "Create an account" not in page
    s.close()


def test_navigation_marks_the_current_item(apache, new_account, smtp, http):
    ap = apache
    assert current_items(home(http, ap).text) == ["Home"]
    assert current_items(http.get(ap.url(LOGON), timeout=30).text) == ["Logon"]
    assert current_items(http.get(ap.url(f"{CASENET}/search/name"), timeout=30).text) == \
        ["Case.net Search"]
    # The court's name leads home; an error page's link too.
    r = http.get(ap.url("/account/no-such-page"), timeout=30)
    assert r.status_code == 404 and '<a href="/">Return to the home page</a>' in r.text
    s = new_browser()
    logon_full(s, ap, new_account(), smtp)
    # The nearest item wins: Manage My Case, not Case.net Search (both /casenet).
    assert current_items(s.get(ap.url(f"{CASENET}/mycases"), timeout=30).text) == \
        ["Manage My Case"]
    assert current_items(s.get(ap.url("/registration/myaccount"), timeout=30).text) == \
        ["My Account"]
    assert current_items(home(s, ap).text) == ["Home"]
    s.close()


def test_footer_pages_answer_and_are_linked(apache, http):
    ap = apache
    r = home(http, ap)
    footer = re.search(r'<footer class="site">(.*?)</footer>', r.text, re.S).group(1)
    for path, _title in FOOTER_PAGES:
        assert f'href="{path}"' in footer, path
    for path, title in FOOTER_PAGES:
        p = http.get(ap.url(path), timeout=30)
        assert p.status_code == 200, path
        assert f"<h1>{title}</h1>" in p.text
        assert len(plain(main_of(p.text))) > 200, path   # a real default text


def _override_dir(root, files):
    dst = root / f"override-{secrets.token_hex(4)}"
    for rel, text in files.items():
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        (dst / rel).write_text(text)
    util.make_reachable(dst)
    for d in dst.rglob("*"):
        d.chmod(0o755 if d.is_dir() else 0o644)
    return dst


def test_court_overrides_footer_pages_and_home(make_apache, tmp_root, http):
    texts = {name: f"Our own court {name} text {unique_tag(6)}."
             for name in ("help", "contact", "privacy", "accessibility")}
    over = _override_dir(tmp_root, {f"core/{n}.html": f"<html><body><p>{t}</p></body></html>\n"
                                    for n, t in texts.items()})
    ap = site(make_apache, {**NO_DEVICE, "MoCourtsTemplatesOverride": f'"{over}"'})
    for name, text in texts.items():
        r = http.get(ap.url(f"/account/{name}"), timeout=30)
        assert r.status_code == 200
        assert f"<p>{text}</p>" in main_of(r.text), main_of(r.text)
    # The shipped default is gone from the page.
    assert "WCAG" not in http.get(ap.url("/account/accessibility"), timeout=30).text


def test_site_without_casetrack_shows_no_searches(make_apache, http):
    ap = site(make_apache, NO_DEVICE, plugins=["registration"])
    r = home(http, ap)
    page = main_of(r.text)
    assert "/search/" not in page and "Case.net" not in page
    assert "<form" not in page
    assert f'<a href="{LOGON}">Log On</a>' in page
    assert '<a href="/registration/create">Create an account</a>' in page
    assert "eFiling" not in page       # not mounted either


def test_home_page_off_leaves_the_root_to_the_site(make_apache, http):
    """MoCourtsHomePage Off: `/` is the document root's own index again;
    On (the default) the home page wins over an index.html there."""
    ap = site(make_apache, {**NO_DEVICE, "MoCourtsHomePage": "Off"})
    own = "<!DOCTYPE html><html lang=\"en\"><head><title>Court</title></head>" \
          "<body><h1>The court's own page</h1></body></html>\n"
    (ap.htdocs / "index.html").write_text(own)
    (ap.htdocs / "index.html").chmod(0o644)
    r = http.get(ap.url("/"), allow_redirects=False, timeout=30)
    assert r.status_code == 200 and r.text == own
    # The layout's links go to the core's own page, not to "/".
    logon_page = http.get(ap.url(LOGON), timeout=30).text
    assert re.search(r'<a [^>]*href="/account/"', logon_page) and ">Home</a>" not in logon_page
    on = site(make_apache, NO_DEVICE)
    (on.htdocs / "index.html").write_text(own)
    (on.htdocs / "index.html").chmod(0o644)
    assert "The court's own page" not in home(http, on).text
