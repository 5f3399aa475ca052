"""Check boxes and radio buttons with their labels on one line (issue 10 §5:
"Check-box and radio labels sit on the line under their box"): every page
that has them, in a real browser with the site's style sheet, each box's
<label> on the same line as the box and to its right
(mc_pages.check_labels_beside_boxes). The signup address step is checked
in test_browser_signup.py, on the way.

Court data, accounts, groups and draft envelopes are written by the SQL
helpers; the pages are opened by their addresses, in one browser that logs
on as each role in turn."""
import sys

import mc_pages as ui
from harness import util

sys.path.insert(0, str(util.REPO / "tests" / "integration"))
from helpers_casenet import CASENET, seed_case  # noqa: E402
from helpers_efiling import (ECF, clerk_of, ef_court, filer, group_filer,  # noqa: E402
                             make_pdf)
from test_ef_documents import new_draft  # noqa: E402
from test_browser_efiling import choose, logon  # noqa: E402

GROUPS = "/groups"
REG = "/registration"


def check(driver, ap, path, title=None):
    """Open path; its boxes' labels beside them; returns how many boxes."""
    ui.open_page(driver, ap.url(path))
    if title:
        assert ui.heading(driver) == title, (ui.heading(driver), ui.page_text(driver))
    assert ui.stylesheet_applied(driver)
    n = ui.check_labels_beside_boxes(driver)
    assert n, f"no check box or radio button with a label on {driver.current_url}"
    return n


def test_labels_beside_their_boxes(make_browser, make_apache, new_account, mariadb, tmp_path):
    ap = make_apache(overrides={"MoCourtsNewDeviceCode": "Off"})
    court = ef_court(mariadb)
    _, number = seed_case(mariadb, court, caption="BOXES V LABELS")

    # Anonymous: signup's MOBAR step, Case.net's name and judgment searches.
    anon = make_browser()
    check(anon, ap, f"{REG}/create")
    check(anon, ap, f"{CASENET}/search/name")
    check(anon, ap, f"{CASENET}/search/judgments")

    # An attorney: Track This Case, the address page,
    # the eFiling steps (parties of a new case, documents, the upload's
    # refusal page, payment).
    attorney = filer(mariadb, new_account)
    d = logon(make_browser, ap, attorney, driver=anon)
    check(d, ap, f"{CASENET}/track/{number}", "Track This Case")
    check(d, ap, f"{REG}/myaccount/address")
    new_case = new_draft(mariadb, attorney, court, kind="new")
    check(d, ap, f"{ECF}/envelopes/{new_case}/parties", "New case: parties")
    existing = new_draft(mariadb, attorney, court)
    docs = f"{ECF}/envelopes/{existing}/documents"
    check(d, ap, docs, "File into an existing case: documents")
    bad = tmp_path / "letter.pdf"
    bad.write_bytes(b"Dear Clerk, this is not a PDF.\n")
    choose(d, "Filing code", "Motion (MOT), $0.00")
    ui.field(d, "Lead document").click()
    ui.field(d, "PDF file").send_keys(str(bad))
    ui.click(d, "Upload")
    assert ui.errors(d), ui.page_text(d)
    assert ui.check_labels_beside_boxes(d) == 1            # upload.html: "Lead document"
    pdf = tmp_path / "motion.pdf"
    pdf.write_bytes(make_pdf("Motion to continue"))
    ui.open_page(d, ap.url(docs))
    choose(d, "Filing code", "Exhibit (EXH), $5.00")       # a fee: the payment choices
    ui.field(d, "Lead document").click()
    ui.field(d, "PDF file").send_keys(str(pdf))
    ui.click(d, "Upload")
    assert ui.errors(d) == [], ui.errors(d)
    ui.click(d, "Continue")
    ui.assert_on(d, f"{ECF}/envelopes/{existing}/payment", "Fees and payment")
    assert ui.check_labels_beside_boxes(d) >= 1

    # A group user: the User Agreement, My Preferences (leave the group).
    member, _ = group_filer(mariadb, new_account)
    g = logon(make_browser, ap, member, driver=d)
    check(g, ap, f"{REG}/agreement", "User Agreement")
    check(g, ap, f"{GROUPS}/preferences", "My Preferences")

    # The security unit: an account, a group, a court's eFiling set-up.
    _, gid = group_filer(mariadb, new_account)
    security = new_account(roles=["security"], prefix="sec")
    s = logon(make_browser, ap, security, driver=g)
    check(s, ap, f"{REG}/security/account/{attorney.id}")
    check(s, ap, f"{GROUPS}/security/{gid}")
    check(s, ap, f"{ECF}/security/courts/{court['code']}")

    # A clerk of the court: the case's clerk page (judgment, confidential).
    clerk = clerk_of(new_account, court)
    assert check(logon(make_browser, ap, clerk, driver=s), ap, f"{CASENET}/clerk/case/{number}") == 4
