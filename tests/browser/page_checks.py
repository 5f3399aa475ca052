"""Issue 14's checks on every page the browser tests visit: no horizontal
scrolling at 390 px (and at 320, the narrowest the issue names), no axe-core violation (WCAG 2.1 A and AA) and no
error from the Nu HTML checker (vnu). Any failure fails the test that
visited the page.

mc_pages calls check(driver) whenever a test arrives at a page (open_page,
leaves_page, click and the fixture's driver.get). A page is checked once per
test run, by the first worker to reach it: its key is the path and heading with numbers and long
tokens folded, and whether it shows an error message, so "Case 21CR00017"
and "Case 99BN-CC00001" are one page, the logon form and the logon form with
its error two. CHECKED holds the keys checked so far.

MC_PAGE_CHECKS=0 in the environment records the keys without checking:
for working on a test while a page is being fixed. MC_PAGE_CHECKS=report:FILE
runs the checks but appends what fails to FILE (one JSON line a page)
instead of failing the test: one run lists every page to fix. `make test`
sets neither.
"""
import base64
import hashlib
import json
import os
import re
from urllib.parse import urlparse

from harness import util

from page_axe import axe_violations
from page_vnu import vnu_errors

PHONE = 390
NARROWEST = 320                  # issue 14: every page from 320 px to 1920 px
DESKTOP = 1280
CHECKED = {}                     # key -> the URL it was checked on
SHOTS = util.REPO / "tests" / "artifacts" / "pages"
# The main pages, photographed at DESKTOP and PHONE px when first checked
# (tests/artifacts/pages/<name>-1280.png, -390.png): a heading, or a test
# on (path, heading).
MAIN_PAGES = {
    "home": lambda p, h: p == "/",
    "logon": lambda p, h: h == "Logon",
    "my-account": lambda p, h: h == "My Account",
    "case": lambda p, h: p.startswith("/casenet/case/"),
    "name-search-results": lambda p, h: p == "/casenet/search/name" and "Results" in h,
    "manage-my-case": lambda p, h: h == "Manage My Case",
    "notification-history": lambda p, h: h == "Notification History",
    "efiling-menu": lambda p, h: h == "eFiling Menu",
    "my-filings": lambda p, h: h == "My Filings",
    "envelope": lambda p, h: h.startswith("Envelope "),
    "clerk-queue": lambda p, h: p == "/ecf/clerk" or h == "eFiling Review",
    "group-maintenance": lambda p, h: h == "Group Maintenance",
}

_STATE_JS = """
var h = document.querySelector('main h1');
return {url: location.href, h1: h ? h.textContent.replace(/\\s+/g, ' ').trim() : null,
        error: !!document.querySelector('main .error, main .usa-alert--error, main .usa-error-message'),
        ready: document.readyState, html: document.contentType === 'text/html'};
"""

_WIDTH_JS = """
var wide = [], scroll = document.documentElement.scrollWidth;
if (scroll > window.innerWidth) document.querySelectorAll('body *').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width && r.right > window.innerWidth + 0.5 && wide.length < 5)
        wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                  (typeof el.className === 'string' && el.className ? '.' + el.className : '') +
                  ' right ' + Math.round(r.right));
});
return {scroll: scroll, inner: window.innerWidth, wide: wide};
"""

_SOURCE_JS = """
var d = document.doctype;
return (d ? '<!DOCTYPE ' + d.name + '>\\n' : '') + document.documentElement.outerHTML;
"""


def _fold(s):
    s = re.sub(r"[A-Za-z0-9_-]{20,}", "T", s)
    return re.sub(r"\d+", "N", s)


def _first_to_claim(key):
    """True when this process is the first of the test run (all its xdist
    workers) to check key: a file made with O_EXCL in the folder the xdist
    controller shares with its workers and removes at the end
    (tests/conftest.py, MC_XDIST_LOCKS). The same page is then checked once
    per run, not once per worker. Without xdist every key is this
    process's."""
    shared = os.environ.get("MC_XDIST_LOCKS")
    if not shared:
        return True
    folder = os.path.join(shared, "page-checks")
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    try:
        os.close(os.open(os.path.join(folder, name), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        return True
    except FileExistsError:
        return False


def page_key(state):
    return (_fold(urlparse(state["url"]).path), _fold(state["h1"] or ""), state["error"])


def _capture(driver, out):
    shot = driver.execute_cdp_cmd("Page.captureScreenshot",
                                  {"format": "png", "captureBeyondViewport": True})
    out.write_bytes(base64.b64decode(shot["data"]))


def photograph(driver, state):
    """Full-page screenshots of a main page at DESKTOP and PHONE px."""
    path, h1 = urlparse(state["url"]).path, state["h1"]
    for name, is_it in MAIN_PAGES.items():
        if not is_it(path, h1):
            continue
        SHOTS.mkdir(parents=True, exist_ok=True)
        for width in (DESKTOP, PHONE):
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})
            try:
                _capture(driver, SHOTS / f"{name}-{width}.png")
            finally:
                driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        return


def fits(driver, width):
    """The page at width px: its scrollWidth must not exceed the viewport.
    Emulated through DevTools, so the window keeps its size."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 844, "deviceScaleFactor": 1, "mobile": False})
    try:
        return driver.execute_script(_WIDTH_JS)
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def check(driver):
    """Run the three checks on the page the browser shows, unless a page
    with the same key was checked in this process; returns the key (None
    for a document that is no HTML page of ours, e.g. a PDF)."""
    state = driver.execute_script(_STATE_JS)
    if not state["html"] or state["h1"] is None:
        return None
    javascript = getattr(driver, "mc_kind", (True,))[0]
    # axe-core runs in the page's own event loop: not where scripts are off
    # (the same page is checked with them on by the other tests).
    key = page_key(state) + (() if javascript else ("no JavaScript",))
    if key in CHECKED:
        return key
    if not _first_to_claim(key):
        CHECKED[key] = state["url"] + " (checked by another worker)"
        return key
    if os.environ.get("MC_PAGE_CHECKS") == "0":
        CHECKED[key] = state["url"]
        return key
    where = f"{state['url']} ({state['h1']})"
    problems = []
    for width in (PHONE, NARROWEST):
        fit = fits(driver, width)
        if fit["scroll"] > fit["inner"]:
            problems.append(f"{where} scrolls sideways at {width} px: {fit['scroll']} px wide; "
                            f"too wide: {fit['wide']}")
    violations = axe_violations(driver) if javascript else []
    if violations:
        problems.append(f"axe-core on {where}:\n" + "\n".join(violations))
    errors = vnu_errors(driver.execute_script(_SOURCE_JS))
    if errors:
        problems.append(f"Nu HTML checker on {where}:\n" + "\n".join(errors))
    mode = os.environ.get("MC_PAGE_CHECKS", "")
    if problems and mode.startswith("report:"):
        with open(mode[len("report:"):], "a", encoding="utf-8") as out:
            out.write(json.dumps({"key": list(key), "problems": problems}) + "\n")
    else:
        assert not problems, "\n".join(problems)
    CHECKED[key] = state["url"]
    if not state["error"]:
        photograph(driver, state)
    return key
