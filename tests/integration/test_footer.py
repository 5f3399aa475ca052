"""The page footer (issue 10 §5): the registration pages keep seed 000's
wording, "Registration Version x.y.z"; every other page (Case.net, eFiling,
the logon page) names the product and its version, "mod_mocourts x.y.z"
(VERSION). Before it, on every page, the links to Help, Contact, Privacy and
Accessibility (issue 14)."""
import re

from harness import util
from helpers_core import LOGON, logon_full, new_browser

VERSION = (util.REPO / "VERSION").read_text().strip()
PRODUCT = f"mod_mocourts {VERSION}"
REGISTRATION_RE = re.compile(r"^Registration Version \d+(\.\d+)+$")


# The footer's links, the same on every page (issue 14), before the version.
LINKS = "Help Contact Privacy Accessibility"


def footer(r):
    """The footer's version line, after checking its links."""
    assert r.status_code == 200, (r.status_code, r.url)
    m = re.search(r'<footer class="site">(.*?)</footer>', r.text, re.S)
    assert m, r.text[:1500]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(1))).strip()
    assert text.startswith(LINKS + " "), text
    return text[len(LINKS) + 1:]


def test_footer_names_registration_only_on_its_pages(apache, new_account, smtp):
    ap = apache
    s = new_browser()
    # Anonymous: a registration page, a Case.net page, the logon page.
    signup = footer(s.get(ap.url("/registration/create"), timeout=30))
    assert REGISTRATION_RE.match(signup), signup
    assert footer(s.get(ap.url("/casenet/"), timeout=30)) == PRODUCT
    assert footer(s.get(ap.url(LOGON), timeout=30)) == PRODUCT
    # Logged on: My Account (a registration page, the seed's footer), Case.net, eFiling.
    logon_full(s, ap, new_account(), smtp)
    assert footer(s.get(ap.url("/registration/myaccount"), timeout=30)) == signup
    assert footer(s.get(ap.url("/casenet/mycases"), timeout=30)) == PRODUCT
    assert footer(s.get(ap.url("/ecf/"), timeout=30)) == PRODUCT
