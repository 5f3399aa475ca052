"""Issue 14, the phone: the pages that scrolled sideways at 390 px wide fit
a 390 px window now (tables as stacked cards, each cell led by its column's
name; long tokens wrap), the header is compact, and at 1280 px a case number
stays on one line.

One browser, one logon: an attorney who is also a group administrator and a
clerk of an eFiling court, with group members, a Notification E-mail
address, submitted envelopes with documents (SHA-256) and cases to find by
name, all written straight into the database. Screenshots at 390 px:
tests/artifacts/narrow-*.png.
"""
import re
import sys

import mc_pages as ui
from harness import util

sys.path.insert(0, str(util.REPO / "tests" / "integration"))
from helpers_casenet import CASENET, seed_case, seed_party, unique_tag  # noqa: E402
from helpers_efiling import ECF, add_member, ef_court, filer, new_group, notify_address  # noqa: E402
from test_ef_review import make_envelope  # noqa: E402

PHONE = 390
HEADER_MAX = 200

# Everything the checks need about the page, in one script.
_FIT_JS = """
var h = document.querySelector('header.site').getBoundingClientRect();
var wide = [];
var scroll = document.documentElement.scrollWidth;
if (scroll > window.innerWidth) document.querySelectorAll('main *').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width && r.right > window.innerWidth + 0.5 && wide.length < 5)
        wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                  (el.className ? '.' + el.className : '') + ' right ' + Math.round(r.right));
});
return {scroll: scroll, inner: window.innerWidth,
        header: h.height, wide: wide, path: location.pathname,
        h1: (document.querySelector('main h1') || {}).textContent};
"""

# My Account's links: [visible text, accessible name, row label] of each one
# whose name (aria-label, else its text) does not contain both its visible
# text (its text outside .visually-hidden) and its row's label.
_LABEL_IN_NAME_JS = """
function norm(s) { return s.replace(/\\s+/g, ' ').trim().toLowerCase(); }
var bad = [];
document.querySelectorAll('main table.account tr').forEach(function (tr) {
    var th = tr.querySelector('th'), row = th ? norm(th.textContent) : '';
    tr.querySelectorAll('a').forEach(function (a) {
        var shown = norm(Array.prototype.map.call(a.childNodes, function (n) {
            return n.classList && n.classList.contains('visually-hidden') ? '' : n.textContent;
        }).join('')), name = norm(a.getAttribute('aria-label') || a.textContent);
        if (name.indexOf(shown) < 0 || name.indexOf(row) < 0) bad.push([shown, name, row]);
    });
});
return bad;
"""


def set_width(driver, width, height=900):
    """The viewport (window.innerWidth) exactly width px wide."""
    driver.set_window_size(width, height)
    inner = driver.execute_script("return window.innerWidth")
    if inner != width:
        driver.set_window_size(width + (width - inner), height)
        inner = driver.execute_script("return window.innerWidth")
    assert inner == width, f"window.innerWidth {inner}, wanted {width}"


def fits(driver, title):
    """The page (heading title) has no horizontal scrolling and a compact
    header."""
    f = driver.execute_script(_FIT_JS)
    assert f["h1"] == title, f"on {f['path']}: heading {f['h1']!r}, expected {title!r}"
    assert f["inner"] == PHONE, f
    assert f["scroll"] <= f["inner"], (f"{title} ({f['path']}) scrolls sideways at {PHONE} px: "
                                       f"{f['scroll']} px wide; too wide: {f['wide']}")
    assert f["header"] < HEADER_MAX, f"{title}: the header is {f['header']:.0f} px high"


def visit(driver, url, title):
    ui.open_page(driver, url)
    fits(driver, title)


def shot(driver, name):
    """A screenshot of the whole page at its width."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    size = driver.get_window_size()
    driver.set_window_size(size["width"], min(int(height) + 10, 5000))
    try:
        ui.screenshot(driver, name)
    finally:
        driver.set_window_size(size["width"], size["height"])


def test_pages_fit_a_phone(make_browser, make_apache, mariadb, new_account):
    ap = make_apache(overrides={"MoCourtsNewDeviceCode": "Off"})
    court = ef_court(mariadb)
    tag = unique_tag()
    long_caption = (f"{tag} STATE OF MISSOURI EX REL. DEPARTMENT OF REVENUE V "
                    "CONSOLIDATED HOLDINGS AND TRANSPORTATION COMPANY OF GREATER SAINT LOUIS")

    # The person: attorney, group administrator, clerk of the court.
    acct = filer(mariadb, new_account, prefix="narrow")
    gid, _, _ = new_group(mariadb, f"Firm {tag} Worthington Abernathy and Associates LLC")
    add_member(mariadb, gid, acct, admin=True, first="Alexandrina", last=f"{tag}Worthington")
    mariadb.sql("INSERT INTO mc_account_role (account_id, role, scope, granted_at) VALUES "
                f"({acct.id}, 'clerk', '{court['code']}', UTC_TIMESTAMP())")
    for i in range(3):
        m = new_account(prefix="narrowmember")
        add_member(mariadb, gid, m, first=f"Maximiliana{i}", last=f"{tag}Featherstonehaugh")
    notify_address(mariadb, gid, f"electronicfilingnotifications{tag.lower()}"
                                 "@worthingtonabernathyassociates.example.test")

    # Cases to find by name; envelopes into one of them.
    cases = []
    for i, ctype in enumerate(("CC", "CR", "AC", "DR")):
        case_id, number = seed_case(mariadb, court, caption=long_caption, case_type=ctype)
        seed_party(mariadb, case_id, last=f"{tag}SMITHERSON-WORTHINGTON", first=f"JONATHAN{i}",
                   middle="BARTHOLOMEW", birth_year=1970 + i)
        cases.append((case_id, number))
    env_id, env_number = make_envelope(mariadb, court, acct, case_id=cases[0][0],
                                       caption=long_caption, group_id=gid)
    make_envelope(mariadb, court, acct, case_id=cases[1][0], caption=long_caption,
                  group_id=gid)

    driver = make_browser()
    set_width(driver, PHONE)
    visit(driver, ap.url(ui.LOGON), "Logon")
    ui.type_into(driver, "Username or e-mail address", acct.username)
    ui.type_into(driver, "Password", acct.password)
    ui.click(driver, "Logon")
    assert ui.path(driver) != ui.LOGON, ui.page_text(driver)

    visit(driver, ap.url("/registration/myaccount"), "My Account")
    # WCAG 2.5.3 (label in name): each [update] link's accessible name holds
    # its visible text, and says what it updates (the row's label).
    bad = driver.execute_script(_LABEL_IN_NAME_JS)
    assert bad == [], f"links whose name lacks their text or their row's label: {bad}"
    shot(driver, "narrow-myaccount.png")
    visit(driver, ap.url("/groups/admin"), "Group Administrator Menu")
    visit(driver, ap.url("/groups/admin/preferences"), "My Preferences")
    visit(driver, ap.url("/groups/admin/members"), "Group Maintenance")
    shot(driver, "narrow-group-maintenance.png")
    visit(driver, ap.url(f"{ECF}/envelopes/{env_id}"), f"Envelope {env_number}")
    shot(driver, "narrow-envelope.png")
    visit(driver, ap.url(f"{ECF}/filings"), "My Filings")
    visit(driver, ap.url(f"{ECF}/clerk"), "eFiling Review")
    visit(driver, ap.url(f"{CASENET}/search/name?last={tag}SMITHERSON"), "Case.net: Litigant Name Search")

    dates = driver.execute_script(
        "return [document.querySelectorAll('main input[type=date]').length,"
        " document.querySelectorAll('main input[type=date][placeholder]').length];")
    assert dates[0] >= 2 and dates[1] == 0, f"date inputs, of which with a placeholder: {dates}"

    # The stacked cards name each cell's column.
    label = driver.execute_script(
        "var td = document.querySelector('main tbody td[data-label]');"
        "return td && getComputedStyle(td, '::before').content;")
    assert label == '"Name: "', label

    # At 1280 px the result table is a table again, and a case number
    # (e.g. 22SL-CC01234, breakable at its hyphen) is on one line.
    set_width(driver, 1280)
    lines = driver.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('main tbody td.nowrap a'),"
        " function (a) { return [a.textContent, a.getClientRects().length]; });")
    assert len(lines) == len(cases), lines
    assert all(n == 1 for _, n in lines), f"case numbers wrapped at 1280 px: {lines}"


def test_no_placeholder_on_date_inputs():
    """The Nu HTML checker's error: a placeholder on <input type=date>
    (the browser's date picker shows none): in no template."""
    bad = [f"{p.relative_to(util.REPO)}: {tag}"
           for p in sorted((util.REPO / "templates").rglob("*.html"))
           for tag in re.findall(r"<input\b[^>]*>", p.read_text())
           if 'type="date"' in tag and "placeholder" in tag]
    assert bad == [], "\n".join(bad)
