"""sqlmap (the Debian package, /usr/bin/sqlmap) against every parameter of
Case.net's five public searches, the case page and the logon form: nothing
injectable (SECURITY.md, "Prepared statements only": search and logon
parameters).

sqlmap runs once per form, with all of that form's parameters in the one
run (one test each), at --level=2 --risk=1 with the techniques BEUST.
Each test then checks that the site stayed healthy: the form's original
request still gives the same answer, and nothing at error level (no child
crash) reached Apache's error log.

It runs against a private Apache with the anonymous search limit Off, the
new-device code Off and a lock-out sqlmap cannot reach, with --batch, only
127.0.0.1 as the target, and its session and output in the test's
temporary folder (HOME as well, so nothing is written elsewhere)."""
import os
import re
import shutil
import subprocess
from urllib.parse import urlencode, urljoin

import pytest

from helpers_casenet import (CASENET, seed_case, seed_court, seed_hearing, seed_judge,
                             seed_judgment, seed_party, unique_tag)
from harness import web
from helpers_core import COOKIE, CSRF_FIELD, LOGON, MSG_BAD, running_site

# sqlmap keeps a CPU busy (tests/conftest.py: never beside a timing test).
pytestmark = pytest.mark.cpu_heavy

SQLMAP = "/usr/bin/sqlmap"
CRASH = re.compile(r"AH00052: child pid \d+ exit signal|Segmentation fault|AH00060")
# Lock-out after 1000 failures for 1 s: sqlmap's false answers never lock
# the account for longer than a second.
SITE = {"MoCourtsCaseNetSearchLimit": "Off", "MoCourtsNewDeviceCode": "Off",
        "MoCourtsLockout": "1000 1s"}
BAD = ("is vulnerable", "identified the following injection point", "appears to be injectable",
       "sqlmap resumed the following injection point", "might be injectable")


def _run_sqlmap(tmp_path, url, params, extra=()):
    """Run sqlmap once; returns its exit status and output."""
    assert os.path.exists(SQLMAP), "sqlmap is not installed: run scripts/deps.sh"
    out = tmp_path / "out"
    env = dict(os.environ, HOME=str(tmp_path), http_proxy="", https_proxy="", HTTP_PROXY="",
               HTTPS_PROXY="", no_proxy="*")
    cmd = [SQLMAP, "-u", url, "--batch", "--dbms=MySQL", "--level=2", "--risk=1",
           "--technique=BEUST", "--time-sec=2", "--threads=2", "--timeout=15", "--retries=1",
           "--flush-session", "--disable-coloring", "--skip-waf", "--output-dir", str(out),
           *extra]
    if params:
        cmd += ["-p", ",".join(params)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env,
                       stdin=subprocess.DEVNULL)
    shutil.rmtree(out, ignore_errors=True)
    return r.returncode, r.stdout + r.stderr


def _assert_not_injectable(rc, out, params, kind="GET"):
    # It reached the page and tested each parameter ...
    assert "testing connection to the target URL" in out, out[-3000:]
    for p in params:
        assert re.search(r"%s parameter '%s' does not seem to be injectable"
                         % (kind, re.escape(p)), out), f"{p} not tested:\n{out[-4000:]}"
    # ... and found nothing.
    assert "all tested parameters do not appear to be injectable" in out, out[-4000:]
    for bad in BAD:
        assert bad not in out, out[-4000:]
    # sqlmap ends with 0 when it ran to its end (1 on a connection or usage error).
    assert rc == 0, f"sqlmap exit {rc}:\n{out[-4000:]}"


def _assert_healthy(ap, since):
    lines = ap.error_log_lines(since)
    assert not [l for l in lines if CRASH.search(l)], "\n".join(lines[-30:])
    assert not ap.check_error_log(since=since), "\n".join(ap.check_error_log(since=since))
    assert ap.is_running()


@pytest.fixture
def target(tmp_root, mariadb, smtp, gateway, apache):
    """A site and its seeded rows of its own for each sqlmap run: the runs
    (tens of seconds each) go to different workers instead of one after
    the other on one (a module fixture keeps a module's tests together,
    tests/conftest.py)."""
    t = unique_tag()
    court = seed_court(mariadb)
    cid, number = seed_case(mariadb, court, caption=f"{t} V STATE", filed_on="2026-01-05")
    seed_party(mariadb, cid, f"{t}SQLMAP", "ANN", "B", birth_year=1970)
    seed_judgment(mariadb, cid, f"{t}SQLMAP, ANN", f"{t}BANK", "10.00", "2026-02-01")
    seed_hearing(mariadb, cid, "2026-01-12 09:00:00", "Case Review", "Division 4",
                 judge_id=seed_judge(mariadb, court, f"Hon. {t} Judge"))
    with running_site(tmp_root, mariadb, smtp, gateway, SITE, name="sqlmap") as ap:
        yield ap, t, court, number


# Each search with every parameter filled with a value that finds a row.
def _searches(t, court, number):
    return [
        ("name", {"last": f"{t}SQLMAP", "first": "ANN", "middle": "B", "birth_from": "1960",
                  "birth_to": "1980", "case_type": "CC", "filed_from": "2026-01-01",
                  "filed_to": "2026-12-31", "court": court["code"], "sort": "name",
                  "dir": "asc", "page": "1"}),
        ("number", {"number": number, "court": court["code"]}),
        ("date", {"court": court["code"], "date": "2026-01-05", "case_type": "CC",
                  "sort": "case", "dir": "asc", "page": "1"}),
        ("hearings", {"court": court["code"], "from": "2026-01-01", "to": "2026-01-20",
                      "judge": "Hon", "location": "Div", "sort": "when", "dir": "asc"}),
        ("judgments", {"name": f"{t}SQLMAP", "party": "debtor", "from": "2026-01-01",
                       "to": "2026-12-31", "court": court["code"], "satisfied": "any",
                       "sort": "name", "dir": "asc", "page": "1"}),
    ]


FOUND = re.compile(r"\b1 (case|hearing|judgment)\(s\) found\.")


@pytest.mark.parametrize("which", ["name", "number", "date", "hearings", "judgments"])
def test_search_parameters_not_injectable(target, tmp_path, which):
    """One sqlmap run per search, all its parameters in it."""
    ap, t, court, number = target
    what, params = next(s for s in _searches(t, court, number) if s[0] == which)
    url = ap.url(f"{CASENET}/search/{what}") + "?" + urlencode(params)
    assert url.startswith("http://127.0.0.1:")
    # The original request finds its row, so sqlmap's true and false pages differ.
    page = web.new_session().get(url, timeout=30)
    assert page.status_code == 200 and FOUND.search(page.text), page.text[:3000]
    since = ap.error_log_offset()
    rc, out = _run_sqlmap(tmp_path, url, list(params))
    _assert_not_injectable(rc, out, params)
    # Healthy: the same search still finds its one row.
    again = web.new_session().get(url, timeout=30)
    assert again.status_code == 200 and FOUND.search(again.text), again.text[:3000]
    _assert_healthy(ap, since)


def test_case_page_not_injectable(target, tmp_path):
    ap, t, court, number = target
    since = ap.error_log_offset()
    rc, out = _run_sqlmap(tmp_path, ap.url(f"{CASENET}/case/{number}*"), [])
    assert "testing connection to the target URL" in out, out[-3000:]
    assert re.search(r"URI parameter '#1\*' does not seem to be injectable", out), out[-4000:]
    assert "all tested parameters do not appear to be injectable" in out, out[-4000:]
    for bad in BAD:
        assert bad not in out, out[-4000:]
    assert rc == 0, f"sqlmap exit {rc}:\n{out[-4000:]}"
    page = web.new_session().get(ap.url(f"{CASENET}/case/{number}"), timeout=30)
    assert page.status_code == 200 and number in page.text
    _assert_healthy(ap, since)


def test_logon_parameters_not_injectable(target, tmp_path, new_account):
    """One sqlmap run on the logon form: username and password (the anti-CSRF
    token is fetched afresh for each request, as a browser would). The
    original request is a correct logon, so a payload that kept the account
    row (`AND 1=1`) or lost it (`AND 1=2`) would show."""
    ap = target[0]
    acct = new_account()
    url = ap.url(LOGON)
    assert url.startswith("http://127.0.0.1:")
    s = web.new_session()
    page = s.get(url, timeout=30)
    assert page.status_code == 200, page.status_code
    form = web.find_form(page.text, with_field="password")
    assert set(form["fields"]) == {CSRF_FIELD, "username", "password"}, form["fields"]
    # The anonymous anti-CSRF token is a double-submit cookie: the form's
    # value with its cookie is sent with every request sqlmap makes.
    token = form["fields"][CSRF_FIELD]
    cookie = next(c for c in s.cookies if c.value == token)
    fields = {CSRF_FIELD: token, "username": acct.username, "password": acct.password}
    data = urlencode(fields)
    action = urljoin(page.url, form["action"])

    def attempt(password):
        b = web.new_session()
        b.cookies.set(cookie.name, token)
        r = b.post(action, data=dict(fields, password=password), allow_redirects=False,
                   timeout=30)
        return r, b

    # The original request logs on (sqlmap's true page); a wrong password does not.
    r, b = attempt(acct.password)
    assert r.status_code in (302, 303) and b.cookies.get(COOKIE), (r.status_code, r.text[:2000])
    r, b = attempt("Wrong-Password-1")
    assert r.status_code == 200 and MSG_BAD in r.text and not b.cookies.get(COOKIE)

    since = ap.error_log_offset()
    traffic = tmp_path / "traffic.txt"
    rc, out = _run_sqlmap(tmp_path, action, ["username", "password"],
                          ["--data", data, "--cookie", f"{cookie.name}={token}",
                           "--drop-set-cookie", "--ignore-redirects", "-t", str(traffic)])
    _assert_not_injectable(rc, out, ["username", "password"], kind="POST")
    # sqlmap's requests were answered as logons, not refused as forged: some
    # logged on (303, its true page), many were refused as a wrong logon.
    log = traffic.read_text(errors="replace")
    answers = re.findall(r"^HTTP response \[#\d+\] \((\d+)[^)]*\)", log, re.M)
    assert answers.count("303") >= 1 and answers.count("200") >= 50, answers[:50]
    assert log.count(MSG_BAD) >= 50 and "403" not in answers, log[-3000:]
    # Healthy: the account still logs on, a wrong password is still refused.
    r, b = attempt(acct.password)
    assert r.status_code in (302, 303) and b.cookies.get(COOKIE), (r.status_code, r.text[:2000])
    r, b = attempt("Wrong-Password-1")
    assert r.status_code == 200 and MSG_BAD in r.text and not b.cookies.get(COOKIE)
    _assert_healthy(ap, since)
