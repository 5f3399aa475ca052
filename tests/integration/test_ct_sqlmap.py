"""sqlmap (the Debian package, /usr/bin/sqlmap) against the parameters of
Case.net's five public searches and the case page: nothing injectable.

It runs against a private Apache with the anonymous search limit Off, with
--batch, only 127.0.0.1 as the target, and its session and output in the
test's temporary folder (HOME as well, so nothing is written elsewhere)."""
import os
import re
import shutil
import subprocess
from urllib.parse import urlencode

import pytest

from helpers_casenet import (CASENET, seed_case, seed_court, seed_hearing, seed_judge,
                             seed_judgment, seed_party, unique_tag)
from harness import web
from helpers_core import running_site

SQLMAP = "/usr/bin/sqlmap"


def _run_sqlmap(tmp_path, url, params):
    assert os.path.exists(SQLMAP), "sqlmap is not installed: run scripts/deps.sh"
    out = tmp_path / "out"
    env = dict(os.environ, HOME=str(tmp_path), http_proxy="", https_proxy="", HTTP_PROXY="",
               HTTPS_PROXY="", no_proxy="*")
    cmd = [SQLMAP, "-u", url, "--batch", "--dbms=MySQL", "--level=2", "--risk=1",
           "--technique=BEUST", "--time-sec=2", "--threads=2", "--timeout=15", "--retries=1",
           "--flush-session", "--disable-coloring", "--skip-waf", "--output-dir", str(out)]
    if params:
        cmd += ["-p", ",".join(params)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env,
                       stdin=subprocess.DEVNULL)
    shutil.rmtree(out, ignore_errors=True)
    return r.stdout + r.stderr


@pytest.fixture(scope="module")
def target(tmp_root, mariadb, smtp, gateway, apache):
    t = unique_tag()
    court = seed_court(mariadb)
    cid, number = seed_case(mariadb, court, caption=f"{t} V STATE", filed_on="2026-01-05")
    seed_party(mariadb, cid, f"{t}SQLMAP", "ANN", "B", birth_year=1970)
    seed_judgment(mariadb, cid, f"{t}SQLMAP, ANN", f"{t}BANK", "10.00", "2026-02-01")
    seed_hearing(mariadb, cid, "2026-01-12 09:00:00", "Case Review", "Division 4",
                 judge_id=seed_judge(mariadb, court, f"Hon. {t} Judge"))
    with running_site(tmp_root, mariadb, smtp, gateway, {"MoCourtsCaseNetSearchLimit": "Off"},
                      name="sqlmap") as ap:
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


@pytest.mark.parametrize("which", ["name", "number", "date", "hearings", "judgments"])
def test_search_parameters_not_injectable(target, tmp_path, which):
    ap, t, court, number = target
    what, params = next(s for s in _searches(t, court, number) if s[0] == which)
    url = ap.url(f"{CASENET}/search/{what}") + "?" + urlencode(params)
    assert url.startswith("http://127.0.0.1:")
    # The original request finds its row, so sqlmap's true and false pages differ.
    page = web.new_session().get(url, timeout=30)
    assert page.status_code == 200 and re.search(r"\b1 (case|hearing|judgment)\(s\) found\.",
                                                 page.text), page.text[:3000]
    out = _run_sqlmap(tmp_path, url, list(params))
    # It reached the page and tested each parameter ...
    assert "testing connection to the target URL" in out, out[-3000:]
    for p in params:
        assert re.search(r"GET parameter '%s' does not seem to be injectable" % re.escape(p),
                         out), f"{p} not tested:\n{out[-4000:]}"
    # ... and found nothing.
    assert "all tested parameters do not appear to be injectable" in out, out[-4000:]
    for bad in ("is vulnerable", "identified the following injection point",
                "appears to be injectable", "sqlmap resumed the following injection point"):
        assert bad not in out, out[-4000:]


def test_case_page_not_injectable(target, tmp_path):
    ap, t, court, number = target
    url = ap.url(f"{CASENET}/case/{number}*")
    out = _run_sqlmap(tmp_path, url, [])
    assert "testing connection to the target URL" in out, out[-3000:]
    assert re.search(r"URI parameter '#1\*' does not seem to be injectable", out), out[-4000:]
    assert "all tested parameters do not appear to be injectable" in out, out[-4000:]
    assert "identified the following injection point" not in out
