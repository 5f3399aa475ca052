"""Issue 14: the markup as served (not as a browser re-serialises it) is
valid HTML: the Nu HTML checker (npm vnu-jar, on Debian's Java; `make
test-tools`) finds no error in the raw bytes of the public pages, an account
holder's pages, a clerk's and the Security unit's (its audit log viewer),
read with GET exactly as a browser receives
them (after redirects). One JVM checks all of them in one run."""
import json
import re
import shutil
import subprocess

from harness import util
from helpers_core import account_browser, new_browser

JAR = util.REPO / "tests" / "npm" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

PUBLIC = [
    "/", "/account/logon", "/account/help", "/account/contact", "/account/privacy",
    "/account/accessibility", "/account/no-such-page", "/registration/create",
    "/registration/forgot-username", "/registration/forgot-password",
    "/registration/forgot-password?disowned=1",
    "/groups/procedure", "/casenet/", "/casenet/search/name", "/casenet/search/number",
    "/casenet/search/date", "/casenet/search/hearings", "/casenet/search/judgments",
    "/casenet/search/name?last_name=Smith", "/casenet/search/number?number=22SL-CC01234",
    "/casenet/search/name?last_name=", "/ecf/",
]
ACCOUNT = [
    "/registration/myaccount", "/registration/myaccount/questions", "/registration/agreement",
    "/casenet/mycases", "/casenet/history", "/casenet/phones", "/casenet/calendar", "/ecf/",
    "/account/api-tokens", "/registration/myaccount/activity", "/account/two-step",
    "/ecf/filings",
    "/groups/admin", "/groups/efiling", "/account/password",
]
CLERK = ["/ecf/clerk", "/casenet/clerk", "/ecf/filings?status=review"]
SECURITY = ["/registration/security", "/registration/security/audit",
            "/registration/security/audit?from=2025-02-30&ip=x"]


def _validate(pages, tmp_path):
    java = shutil.which("java")
    assert java, "the Nu HTML checker needs Java (Debian default-jre-headless)"
    assert JAR.is_file(), f"{JAR} is missing: run `make test-tools`"
    files = {}
    for i, (url, html) in enumerate(pages):
        f = tmp_path / f"page{i:03d}.html"
        f.write_bytes(html)
        files[f.as_uri()] = url
    out = subprocess.run([java, "-Xss4m", "-jar", str(JAR), "--errors-only", "--format", "json",
                          "--exit-zero-always", *[str(tmp_path / n) for n in sorted(
                              p.name for p in tmp_path.glob("page*.html"))]],
                         capture_output=True, text=True, timeout=300)
    report = json.loads(out.stderr or out.stdout)
    return [f"{files.get(m.get('url'), m.get('url'))} line {m.get('lastLine')}: {m['message']} "
            f"({m.get('extract', '').strip()!r})" for m in report["messages"]
            if m["type"] in ("error", "non-document-error")]


def _fetch(s, ap, paths):
    out = []
    for p in paths:
        r = s.get(ap.url(p), timeout=30)
        assert r.headers.get("Content-Type", "").startswith("text/html"), (p, r.headers)
        assert r.status_code in (200, 400, 403, 404), (p, r.status_code)
        out.append((f"{p} -> {r.url}", r.content))
    return out


def test_served_markup_is_valid(apache, new_account, smtp, tmp_path):
    pages = _fetch(new_browser(), apache, PUBLIC)
    s, _ = account_browser(apache, new_account, smtp)
    pages += _fetch(s, apache, ACCOUNT)
    s, _ = account_browser(apache, new_account, smtp, roles=("clerk",), prefix="clerk")
    pages += _fetch(s, apache, CLERK)
    s, sec = account_browser(apache, new_account, smtp, roles=("security",), prefix="sec")
    pages += _fetch(s, apache, SECURITY + [f"/registration/security/audit?account={sec.username}"])
    event = re.search(r'href="(/registration/security/audit/\d+[^"]*)"', pages[-1][1].decode())
    pages += _fetch(s, apache, [event.group(1).replace("&amp;", "&")])
    assert len(pages) >= 35, len(pages)
    errors = _validate(pages, tmp_path)
    assert not errors, "the Nu HTML checker:\n" + "\n".join(errors)
