"""Case.net's anonymous search limit (MoCourtsCaseNetSearchLimit): searches
and case pages counted per client address in fixed windows; past the limit
the CAPTCHA (429); solving it gives a pass for a number of searches (its
token hashed in mc_search_pass); then the limit again. Logged-on accounts
are not limited.

Every client here is 127.0.0.1 and the counter lives in the shared
database, so each test starts (and ends) with that address's count cleared."""
import hashlib
import html as htmllib
import re
from urllib.parse import urlencode, urlparse

import pytest

from harness import web
from helpers_casenet import CASENET, seed_case, seed_court, seed_party, unique_tag
from helpers_core import NO_DEVICE, logon_full, loopback_counters_cleared, site

PASS_COOKIE = "mc_casenet_pass"
WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine".split())}
QUESTION_RE = re.compile(r"What is (\w+) (plus|minus) (\w+)\?")
LIMIT = {"MoCourtsCaseNetSearchLimit": "5 1m 3", **NO_DEVICE}


@pytest.fixture
def fresh(apache, mariadb):
    """(apache: the session's migrations have made the tables.)"""
    with loopback_counters_cleared(mariadb, "mc_search_rate"):
        yield


@pytest.fixture
def data(mariadb):
    t = unique_tag()
    court = seed_court(mariadb)
    cid, number = seed_case(mariadb, court, caption=f"{t} V STATE")
    seed_party(mariadb, cid, f"{t}LIMIT", "ANN")
    return t, number


def _solve(page):
    m = QUESTION_RE.search(page)
    assert m, "no CAPTCHA question in the page:\n" + page[:3000]
    a, b = WORDS[m.group(1)], WORDS[m.group(3)]
    return str(a + b if m.group(2) == "plus" else a - b)


def _search_url(ap, t):
    return ap.url(f"{CASENET}/search/name") + "?" + urlencode({"last": f"{t}LIMIT"})


def _captcha_form(page):
    f = [f for f in web.forms(page) if f["action"] == f"{CASENET}/captcha"]
    assert f, "no CAPTCHA form:\n" + page[:3000]
    return f[0]


def _post_captcha(s, ap, page, **fields):
    form = _captcha_form(page)
    data = dict(form["fields"])
    data.update(fields)
    return s.post(ap.url(form["action"]), data=data, allow_redirects=False, timeout=30)


def _limited(r):
    assert r.status_code == 429, (r.status_code, r.text[:2000])
    assert "You have made many searches in a short time." in htmllib.unescape(r.text)
    assert "Can't see the image?" in htmllib.unescape(r.text)
    # Retry-After: the seconds left in the address's 1-minute window.
    assert 1 <= int(r.headers["Retry-After"]) <= 60


def test_limit_captcha_pass_and_limit_again(make_apache, mariadb, fresh, data):
    t, number = data
    ap = site(make_apache, LIMIT)
    s = web.new_session()
    url = _search_url(ap, t)
    # Five requests (searches and a case page) are allowed ...
    for _ in range(4):
        r = s.get(url, timeout=30)
        assert r.status_code == 200 and "1 case(s) found." in r.text
    assert s.get(ap.url(f"{CASENET}/case/{number}"), timeout=30).status_code == 200
    # ... and the search form alone is not counted.
    assert s.get(ap.url(f"{CASENET}/search/name"), timeout=30).status_code == 200
    # The sixth is asked for the CAPTCHA, with the search to return to.
    r = s.get(url, timeout=30)
    _limited(r)
    form = _captcha_form(r.text)
    assert form["fields"]["return"] == urlparse(url).path + "?" + urlparse(url).query
    token = s.cookies.get(PASS_COOKIE)
    assert token and len(token) == 43
    # Only the token's hash is stored.
    h = hashlib.sha256(token.encode()).hexdigest()
    assert int(mariadb.value(f"SELECT COUNT(*) FROM mc_search_pass WHERE token_hash = '{h}' "
                             "AND solved = 0")) == 1
    assert int(mariadb.value(f"SELECT COUNT(*) FROM mc_search_pass WHERE token_hash = "
                             f"'{token}'")) == 0
    # The case page is limited too.
    _limited(s.get(ap.url(f"{CASENET}/case/{number}"), timeout=30))
    # The image is a BMP of the current challenge.
    img = s.get(ap.url(f"{CASENET}/captcha/image"), timeout=30)
    assert img.status_code == 200 and img.headers["Content-Type"] == "image/bmp"
    assert img.content[:2] == b"BM" and "no-store" in img.headers["Cache-Control"]
    # Nothing entered, a wrong answer, a wrong phrase: refused, a new question each time.
    page = s.get(url, timeout=30).text
    r = _post_captcha(s, ap, page)
    assert r.status_code == 400
    assert ("Enter the phrase that shows in the box: enter the phrase, or answer the question"
            in htmllib.unescape(r.text))
    r = _post_captcha(s, ap, r.text, captcha_answer=str(int(_solve(r.text)) + 1))
    assert r.status_code == 400 and "is not correct" in r.text, r.text
    assert _captcha_form(r.text)["fields"]["return"].startswith(f"{CASENET}/search/name?")
    r = _post_captcha(s, ap, r.text, captcha="QQQQQ")
    assert r.status_code == 400 and "is not correct" in r.text
    # The right answer.
    r = _post_captcha(s, ap, r.text, captcha_answer=_solve(r.text))
    assert r.status_code == 303
    assert r.headers["Location"].endswith(f"{CASENET}/search/name?last={t}LIMIT")
    token = s.cookies.get(PASS_COOKIE)
    h = hashlib.sha256(token.encode()).hexdigest()
    assert mariadb.sql(f"SELECT solved, uses_left, answer_hash IS NULL, expires_at <= "
                       f"UTC_TIMESTAMP() + INTERVAL 60 SECOND FROM mc_search_pass WHERE "
                       f"token_hash = '{h}'") == [("1", "3", "1", "1")]
    # The pass: three searches, the first being the return to the search.
    r = s.get(r.headers["Location"] if r.headers["Location"].startswith("http")
              else ap.url(r.headers["Location"]), timeout=30)
    assert r.status_code == 200 and "1 case(s) found." in r.text
    assert s.get(url, timeout=30).status_code == 200
    assert s.get(ap.url(f"{CASENET}/case/{number}"), timeout=30).status_code == 200
    # Then the limit again, with a new challenge.
    _limited(s.get(url, timeout=30))
    assert s.cookies.get(PASS_COOKIE) != token
    assert int(mariadb.value(f"SELECT COUNT(*) FROM mc_search_pass WHERE token_hash = "
                             f"'{h}'")) == 0
    # Another browser at the same address is limited as well.
    other = web.new_session()
    _limited(other.get(url, timeout=30))
    # A new window starts the count again.
    mariadb.sql("UPDATE mc_search_rate SET window_start = UTC_TIMESTAMP() - INTERVAL 61 SECOND "
                "WHERE client_ip = '127.0.0.1'")
    assert other.get(url, timeout=30).status_code == 200


def test_logged_on_accounts_are_not_limited(make_apache, mariadb, fresh, data, new_account,
                                            smtp):
    t, number = data
    ap = site(make_apache, LIMIT)
    s = web.new_session()
    logon_full(s, ap, new_account(), smtp)
    for _ in range(9):
        r = s.get(_search_url(ap, t), timeout=30)
        assert r.status_code == 200 and "1 case(s) found." in r.text
    assert s.get(ap.url(f"{CASENET}/case/{number}"), timeout=30).status_code == 200
    # The anonymous count was not touched by them.
    assert mariadb.value("SELECT COUNT(*) FROM mc_search_rate WHERE client_ip = '127.0.0.1'") \
        in (0, "0")


def test_captcha_page_and_return_paths(make_apache, mariadb, fresh):
    ap = site(make_apache, LIMIT)
    s = web.new_session()
    # Without a challenge, no image.
    assert s.get(ap.url(f"{CASENET}/captcha/image"), timeout=30).status_code == 404
    r = s.get(ap.url(f"{CASENET}/captcha") + "?return=" + "https://evil.example/x", timeout=30)
    assert r.status_code == 200
    assert _captcha_form(r.text)["fields"]["return"] == f"{CASENET}/"
    assert re.search(r'<img src="%s/captcha/image\?r=\d+"' % CASENET, r.text)
    # A return outside Case.net is not followed: the search home instead.
    r = _post_captcha(s, ap, r.text, captcha_answer=_solve(r.text), **{"return": "//evil.example/"})
    assert r.status_code == 303 and urlparse(r.headers["Location"]).path == f"{CASENET}/"
    assert urlparse(r.headers["Location"]).netloc in ("", urlparse(ap.url("/")).netloc)
    # Solved without the limit being reached: a pass all the same.
    h = hashlib.sha256(s.cookies.get(PASS_COOKIE).encode()).hexdigest()
    assert mariadb.value(f"SELECT uses_left FROM mc_search_pass WHERE token_hash = '{h}' AND "
                         "solved = 1") in (3, "3")
