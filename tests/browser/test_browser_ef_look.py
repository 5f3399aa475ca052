"""eFiling's pages for issue 14 in a real browser (headless Chromium), on a
phone's width where it matters: the envelope's SHA-256 values wrap inside
the page at 390 px, whole; the wizard's step indicator tells the step on a
phone; My Filings' filters come back chosen after Show, in the address,
and its mistakes link to their fields. (The page checks, axe-core, the Nu
HTML checker and the 390 px width, run on every page visited here,
including My Filings with its mistakes.)"""
import sys
from urllib.parse import parse_qs, urlsplit

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import mc_pages as ui
from harness import util
from page_checks import PHONE

sys.path.insert(0, str(util.REPO / "tests" / "integration"))
from helpers_casenet import seed_case, unique_tag  # noqa: E402
from helpers_efiling import ECF, ef_court, filer  # noqa: E402
from test_ef_review import make_envelope  # noqa: E402

# At PHONE px (emulated, as page_checks does): the viewport's width and,
# for each element of the selector, its right edge and its text.
_AT_PHONE_JS = """
return {inner: window.innerWidth, els: Array.prototype.map.call(
    document.querySelectorAll(arguments[0]), function (el) {
        var r = el.getBoundingClientRect();
        return {right: r.right, width: r.width, text: el.textContent.trim(),
                shown: r.width > 0 && r.height > 0};
    })};
"""


def at_phone(driver, selector):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": PHONE, "height": 844, "deviceScaleFactor": 1, "mobile": False})
    try:
        return driver.execute_script(_AT_PHONE_JS, selector)
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_sha256_steps_and_filters_on_a_phone(make_browser, make_apache, mariadb, new_account):
    ap = make_apache(overrides={"MoCourtsNewDeviceCode": "Off"})
    court = ef_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption=f"{unique_tag()} V PHONE")
    acct = filer(mariadb, new_account)
    env_id, env_no = make_envelope(mariadb, court, acct, case_id=case_id)
    shas = {r[0] for r in mariadb.sql(f"SELECT sha256 FROM mc_ef_document WHERE envelope_id = "
                                      f"{env_id}")}
    draft_id, _ = make_envelope(mariadb, court, acct, kind="new", case_type="CC",
                                caption="A V B", status="draft", number=False, docs=())
    mariadb.sql(f"UPDATE mc_ef_envelope SET step = 'parties' WHERE id = {draft_id}")

    d = make_browser()
    ui.open_page(d, ap.url(ui.LOGON))
    ui.type_into(d, "Username or e-mail address", acct.username)
    ui.type_into(d, "Password", acct.password)
    ui.click(d, "Logon")

    # The envelope: each SHA-256 whole, inside the 390 px.
    ui.open_page(d, ap.url(f"{ECF}/envelopes/{env_id}"))
    got = at_phone(d, "#documents .sha256")
    assert {e["text"] for e in got["els"]} == shas
    for e in got["els"]:
        assert e["shown"] and e["right"] <= got["inner"], (e, got["inner"])

    # A wizard step: the step indicator says which step, on a phone too.
    ui.open_page(d, ap.url(f"{ECF}/envelopes/{draft_id}/parties"))
    got = at_phone(d, ".usa-step-indicator__heading")
    assert [e["text"].split() for e in got["els"]] == [["Step", "2", "of", "5", "Parties"]]
    assert got["els"][0]["shown"] and got["els"][0]["right"] <= got["inner"]
    current = d.find_elements(By.CSS_SELECTOR, '.usa-step-indicator li[aria-current="true"]')
    assert [li.text.strip() for li in current] == ["Parties"]

    # My Filings: the filters chosen come back chosen, in the address.
    ui.open_page(d, ap.url(f"{ECF}/filings"))
    Select(ui.field(d, "Status")).select_by_visible_text("Submitted")
    ui.type_into(d, "Case number", number)
    ui.click(d, "Show")
    q = parse_qs(urlsplit(d.current_url).query)
    assert q == {"status": ["submitted"], "case": [number]}, q
    assert Select(ui.field(d, "Status")).first_selected_option.text == "Submitted"
    assert ui.field(d, "Case number").get_attribute("value") == number
    rows = d.find_elements(By.CSS_SELECTOR, "#filings tbody tr")
    assert [r.find_element(By.CSS_SELECTOR, "td a").text for r in rows] == [env_no]

    # A day that is none: said at the top, the link goes to its field.
    ui.open_page(d, ap.url(f"{ECF}/filings?status=submitted&from=2025-02-30"))
    assert ui.errors(d) and "2025-02-30" in ui.errors(d)[0]
    d.find_element(By.CSS_SELECTOR, '#filter-errors a[href="#from"]').click()
    assert d.switch_to.active_element.get_attribute("id") == "from"
    assert Select(ui.field(d, "Status")).first_selected_option.text == "Submitted"
