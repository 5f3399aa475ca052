"""Issue 14: the pages the issue names, walked in a real browser (headless
Chromium) so that page_checks (390 px, axe-core WCAG 2.1 A/AA, the Nu HTML
checker) runs on each: every page below is reached through the UI (a link,
a button, a form) or by its address, shows its heading, and gives a page
key (page_checks.page_key). The walk covers at least 40 distinct keys.

Court data, accounts, roles, groups, drafts and envelopes are written
straight into the database (the integration tests' helpers); one browser
per test, logged on once per role (cookies deleted between roles).

    test_public_walk       the public pages: home, footer, Case.net's
                           searches and a case; the error pages (404, 503:
                           an Apache whose database cannot be reached)
    test_signup_walk       create-account, the e-mailed verification,
                           recovery (Forgot Password, Forgot Username), a
                           provisioned account's first logon (forced
                           change, new-device code)
    test_account_walk      Missing Information and My Account's pages (an
                           account with no profile); then a tracker who is
                           a group administrator: Case.net's own pages,
                           the group pages, a 403
    test_filer_walk        an attorney who is also a clerk and in the
                           Security unit: eFiling, the wizard's steps, the
                           clerk's pages, the Security unit's pages
    test_walk_covers_40_pages   the four walks together: every page of
                           PAGES visited, at least 40 distinct keys
"""
import re
import secrets
import sys

import pytest
from selenium.webdriver.common.by import By

import mc_pages as ui
import page_checks
from harness import util

sys.path.insert(0, str(util.REPO / "tests" / "integration"))
from helpers_casenet import (CASENET, seed_case, seed_docket, seed_hearing,  # noqa: E402
                             seed_judgment, seed_party, unique_tag)
from helpers_core import NO_DEVICE, module_site  # noqa: E402
from helpers_efiling import ECF, add_member, ef_court, filer, new_group  # noqa: E402
from test_browser_signup import _solve  # noqa: E402
from test_ef_review import make_envelope  # noqa: E402

REG = "/registration"
GROUPS = "/groups"
SIGNUP_DONE = "eFiling Registration \u2013 Additional Steps Required"
ANSWERS = ("zeppelin rocks", "grace kelly", "abraham lincoln")
RESET_SUBJECT = "Reset your password"
RESET_RE = re.compile(r"https?://\S+(/registration/reset/[A-Za-z0-9_-]{43})")
VERIFY_RE = re.compile(r"https?://\S+(/registration/verify/[A-Za-z0-9_-]{43})")
DB_DOWN = (r"database connection failed", r"database unreachable", r"MC0201", r"MC0204",
           r"MC0401", r"MC0702", r"MC0704", r"session lookup failed")

# The pages the walk visits (issue 14's list), by test. Two entries may
# share a page key (a search form and its results: same path, same heading).
PAGES = {
    "public": (
        "home page", "help", "contact", "privacy", "accessibility",
        "Case.net search menu",
        "name search form", "name search results", "case number search form",
        "case number search results", "filing date search form", "filing date search results",
        "hearings search form", "hearings search results", "judgments search form",
        "judgments search results", "case page",
        "procedure for group users", "404", "503",
    ),
    "signup": (
        "logon",
        "create account: MOBAR", "create account: credentials", "create account: name",
        "create account: address", "create account: security questions",
        "create account: additional steps", "verify e-mail", "e-mail verified",
        "resend verification e-mail",
        "forgot password", "forgot password: sent", "reset password: link",
        "reset password: security questions", "reset password: new password",
        "reset password: done",
        "forgot username", "forgot username: sent",
        "logon refused", "forced password change", "new-device code", "welcome",
    ),
    "account": (
        "Missing Information", "My Account (to update)", "update: password", "update: name",
        "update: firm", "update: e-mail", "update: address", "update: phones",
        "update: security questions", "update: MOBAR",
        "My Account", "User Agreement", "Track This Case", "Track This Case: tracking",
        "Manage My Case", "Manage My Case: a case", "Notification History", "Phone Numbers",
        "Group User Authentication", "Group Administrator Menu", "My Preferences (group)",
        "Group Maintenance", "Group Maintenance: confirm", "eFiling Menu (group)",
        "My Preferences (group user)", "403",
    ),
    "filer": (
        "eFiling Menu",
        "wizard: new case: court and case", "wizard: new case: parties",
        "wizard: new case: documents", "wizard: payment", "wizard: review",
        "wizard: existing case", "wizard: existing case: documents",
        "receipt", "My Filings", "envelope",
        "clerk: eFiling queue", "clerk: envelope", "clerk: Case.net", "clerk: case",
        "Security Unit", "Security Unit: account", "Security Unit: groups",
        "Security Unit: new group", "Security Unit: a group", "Security Unit: eFiling courts",
        "Security Unit: a court",
    ),
}
MIN_KEYS = 40

# name -> (page key, heading), for every page walked in this process.
WALKED = {}


class Walk:
    """One test's walk: arrive(name, title) after each page is there."""

    def __init__(self, driver, ap, part):
        self.driver, self.ap, self.part = driver, ap, part
        self.seen = {}

    def arrive(self, name, title, path=None):
        assert name in PAGES[self.part], f"{name!r} is not in PAGES[{self.part!r}]"
        if path is None:
            assert ui.heading(self.driver) == title, (
                f"{name}: heading {ui.heading(self.driver)!r}, expected {title!r} on "
                f"{self.driver.current_url}:\n{ui.page_text(self.driver)}")
        else:
            ui.assert_on(self.driver, path, title)
        key = page_checks.check(self.driver)
        assert key is not None, f"{name}: no page key on {self.driver.current_url}"
        assert key in page_checks.CHECKED, key
        self.seen[name] = (key, title)
        WALKED[name] = (key, title)
        return key

    def open(self, name, path, title, at=None):
        """By its address: path (and the browser stays there, or at `at`)."""
        ui.open_page(self.driver, self.ap.url(path))
        return self.arrive(name, title, at or path.split("?")[0])

    def link(self, name, text, title, path=None, within="main"):
        """Through the one visible link with this text."""
        links = [a for a in self.driver.find_elements(By.CSS_SELECTOR, f"{within} a")
                 if a.text.strip() == text and a.is_displayed()]
        assert len(links) == 1, (f"expected one link {text!r} on {self.driver.current_url}, "
                                 f"found {len(links)}")
        ui.leaves_page(self.driver, links[0].click)
        return self.arrive(name, title, path)

    def done(self):
        """Every page of this part was walked; its keys."""
        missing = [n for n in PAGES[self.part] if n not in self.seen]
        assert not missing, f"pages not walked: {missing}"
        return {k for k, _ in self.seen.values()}


def logon(driver, ap, acct, password=None):
    driver.delete_all_cookies()
    ui.open_page(driver, ap.url(ui.LOGON))
    ui.type_into(driver, "Username or e-mail address", acct.username)
    ui.type_into(driver, "Password", password or acct.password)
    ui.click(driver, "Logon")


def by_id(driver, ident, text):
    el = driver.find_element(By.ID, ident)
    el.clear()
    el.send_keys(text)


def mail_link(smtp, email, subject, pattern, count=1):
    found = smtp.wait_for(to=email, subject=subject, count=count, timeout=ui.MAIL_WAIT)
    mail = found[-1] if isinstance(found, list) else found
    m = pattern.search(mail.body)
    assert m, mail.body
    return m.group(1)


# ---- 1. anonymous: the public pages; create-account, recovery, a first logon --------------

def court_data(mariadb, tag):
    """An eFiling court with a case that every Case.net search finds."""
    court = ef_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption=f"{tag}WALKER V {tag}STATE",
                                filed_on="2026-04-01")
    seed_party(mariadb, case_id, last=f"{tag}WALKER", first="PAT")
    seed_docket(mariadb, case_id, "2026-04-01", "Petition", "Petition filed.")
    seed_hearing(mariadb, case_id, "2026-05-04 09:00:00")
    seed_judgment(mariadb, case_id, f"{tag}WALKER, PAT", f"{tag}BANK NA")
    return court, case_id, number


def searches(w, court, number, tag):
    """Case.net's menu, the five search forms and their results, a case."""
    w.open("Case.net search menu", f"{CASENET}/", "Case.net Search")
    for what, title, query in (
            ("name", "Case.net: Litigant Name Search", f"last={tag}WALKER"),
            ("number", "Case.net: Case Number Search", f"number={number}"),
            ("date", "Case.net: Filing Date Search", f"court={court['code']}&date=2026-04-01"),
            ("hearings", "Case.net: Scheduled Hearings Search",
             f"court={court['code']}&from=2026-05-04&to=2026-05-05"),
            ("judgments", "Case.net: Judgment Index Search", f"name={tag}WALKER&party=debtor")):
        label = {"name": "name", "number": "case number", "date": "filing date",
                 "hearings": "hearings", "judgments": "judgments"}[what]
        w.open(f"{label} search form", f"{CASENET}/search/{what}", title)
        assert not w.driver.find_elements(By.ID, "results"), f"results on the {what} form"
        w.open(f"{label} search results", f"{CASENET}/search/{what}?{query}", title)
        results = w.driver.find_element(By.ID, "results").text
        assert number in results, (what, ui.page_text(w.driver))
    w.link("case page", number, f"Case {number}", f"{CASENET}/case/{number}")


def create_account(w, smtp, username, email, password):
    d = w.driver
    w.open("logon", ui.LOGON, "Logon")
    w.link("create account: MOBAR", "Create an account", "Create an account",
           f"{REG}/create")
    ui.field(d, "I do not have a MOBAR number").click()
    ui.click(d, "Continue")
    w.arrive("create account: credentials", "Create an account", f"{REG}/create/credentials")
    ui.type_into(d, "Username", username)
    ui.type_into(d, "Password", password)
    ui.type_into(d, "Verify Password", password)
    d.find_element(By.XPATH, "//summary[normalize-space(.)=\"Can't see or hear it?\"]").click()
    question = d.find_element(By.ID, "captcha_question").text
    ui.type_into(d, "Answer to the question", _solve(question))
    ui.click(d, "Continue")
    w.arrive("create account: name", "Create an account", f"{REG}/create/name")
    ui.type_into(d, "First Name", "Walter")
    ui.type_into(d, "Last Name", "Walker")
    ui.type_into(d, "E-mail Address", email)
    ui.type_into(d, "Verify E-mail Address", email)
    ui.click(d, "Continue")
    w.arrive("create account: address", "Create an account", f"{REG}/create/address")
    ui.type_into(d, "Mailing Address Line 1", "2112 Industrial Drive")
    ui.type_into(d, "Mailing Address City", "Jefferson City")
    ui.type_into(d, "Mailing Address State", "MO")
    ui.type_into(d, "Mailing Address ZIP Code", "65101")
    ui.field(d, "Same as mailing address").click()
    ui.type_into(d, "Business Phone", "(573) 526-8842")
    ui.click(d, "Continue")
    w.arrive("create account: security questions", "Create an account",
             f"{REG}/create/questions")
    for i, answer in enumerate(ANSWERS, 1):
        ui.type_into(d, f"Answer {i}", answer)
        ui.type_into(d, f"Verify Answer {i}", answer)
    ui.click(d, "Continue")
    w.arrive("create account: additional steps", SIGNUP_DONE, f"{REG}/create/done")
    link = mail_link(smtp, email, "Verify your e-mail address", VERIFY_RE)
    w.open("verify e-mail", link, "Verify Your E-mail Address")
    ui.click(d, "Verify E-mail Address")
    w.arrive("e-mail verified", "E-mail Address Verified", link)
    w.open("resend verification e-mail", f"{REG}/verify/resend",
           "Resend the Verification E-mail")


def recover(w, smtp, username, email, password):
    """Forgot Password through the e-mailed link and the three questions;
    Forgot Username."""
    d = w.driver
    w.open("forgot password", f"{REG}/forgot-password", "Forgot Password")
    by_id(d, "ident", username)
    ui.click(d, "Submit")
    w.arrive("forgot password: sent", "Forgot Password", f"{REG}/forgot-password")
    link = mail_link(smtp, email, RESET_SUBJECT, RESET_RE)
    w.open("reset password: link", link, "Reset Password")
    ui.click(d, "Continue")
    w.arrive("reset password: security questions", "Security Questions",
             f"{REG}/reset/question")
    for i, answer in enumerate(ANSWERS, 1):
        assert f"Question {i} of 3" in ui.page_text(d), ui.page_text(d)
        by_id(d, "answer", answer)
        ui.click(d, "Continue")
    w.arrive("reset password: new password", "Reset Password", f"{REG}/reset/password")
    for field in d.find_elements(By.CSS_SELECTOR, "main input[type=password]"):
        field.send_keys(password)
    ui.click(d, "Continue")
    w.arrive("reset password: done", "Password Reset")
    w.open("forgot username", f"{REG}/forgot-username", "Forgot Username")
    by_id(d, "email", email)
    ui.click(d, "Submit")
    w.arrive("forgot username: sent", "Forgot Username", f"{REG}/forgot-username")


def unavailable_page(w, make_apache, tmp_root):
    """The 503 page: an Apache whose database socket does not exist."""
    down = make_apache(overrides={"MoCourtsDBSocket": f'"{tmp_root}/no-such-{unique_tag()}.sock"'},
                       start=False, migrate=False)
    down.start(timeout=20)
    ui.open_page(w.driver, down.url(f"{CASENET}/search/name?last=X"))
    w.arrive("503", "Service temporarily unavailable", f"{CASENET}/search/name")
    assert "cannot be reached" in ui.page_text(w.driver), ui.page_text(w.driver)


@pytest.mark.allow_errors(*DB_DOWN)
def test_public_walk(browser, apache, make_apache, mariadb, tmp_root):
    tag = unique_tag()
    court, _, number = court_data(mariadb, tag)
    w = Walk(browser, apache, "public")
    w.open("home page", "/", "Test Circuit Court")
    for name, title in (("help", "Help"), ("contact", "Contact the Court"),
                        ("privacy", "Privacy Policy"),
                        ("accessibility", "Accessibility Statement")):
        link = browser.find_element(By.CSS_SELECTOR, f"footer.site nav a[href$='/{name}']")
        ui.leaves_page(browser, link.click)
        w.arrive(name, title, f"/account/{name}")
    searches(w, court, number, tag)
    w.open("procedure for group users", f"{GROUPS}/procedure", "Procedure for Group Users")
    w.open("404", f"/account/no-such-page-{tag}", "Page not found")
    unavailable_page(w, make_apache, tmp_root)
    assert len(w.done()) >= 15


def test_signup_walk(browser, apache, smtp, new_account):
    w = Walk(browser, apache, "signup")
    username = "walk" + secrets.token_hex(4)
    email = f"{username}@example.test"
    create_account(w, smtp, username, email, "Correct-Horse-Battery-9x")
    recover(w, smtp, username, email, "Brand-New-Passw0rd-x")

    # A provisioned account's first logon: a refusal, the forced change,
    # then the new-device code (this Apache asks for it).
    acct = new_account(must_change=True, prefix="walkfirst")
    logon(browser, apache, acct, password="not-the-password")
    w.arrive("logon refused", "Logon", ui.LOGON)
    assert ui.errors(browser), ui.page_text(browser)
    ui.type_into(browser, "Password", acct.password)
    ui.click(browser, "Logon")
    w.arrive("forced password change", "Change Password", "/account/password")
    new = f"Fresh-Start-{secrets.token_hex(3)}-7Qz"
    ui.type_into(browser, "New Password *", new)
    ui.type_into(browser, "Verify New Password *", new)
    ui.click(browser, "Continue")
    ui.assert_on(browser, ui.LOGON, "Logon")
    ui.type_into(browser, "Username or e-mail address", acct.username)
    ui.type_into(browser, "Password", new)
    ui.click(browser, "Logon")
    w.arrive("new-device code", "Verify This Device", "/account/device")
    ui.type_into(browser, "Verification code", ui.device_code(smtp, acct.email))
    ui.click(browser, "Continue")
    w.arrive("welcome", "Welcome", "/account/")
    assert len(w.done()) >= 20


# ---- 2. an account holder: My Account, Case.net's own pages, a group ------------------------

# An Apache without the new-device step, for the module's logged-on walks.
site = module_site("walk", NO_DEVICE, doc="An Apache without the new-device step.",
                   fixture="site")


def test_account_walk(browser, site, mariadb, new_account):
    ap, tag = site, unique_tag()
    court = ef_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption=f"{tag}TRACK V {tag}ME")
    w = Walk(browser, ap, "account")

    # An account with no profile yet: Missing Information, My Account and
    # each of its update pages.
    incomplete = new_account(complete=False, prefix="walkmiss")
    logon(browser, ap, incomplete)
    w.arrive("Missing Information", "Missing Information", f"{REG}/missing")
    w.link("My Account (to update)", "My Account", "My Account", f"{REG}/myaccount")
    for what, title in (("password", "Update Account - Password"),
                        ("name", "Update Account - Name"),
                        ("firm", "Update Account - Firm/Organization Name"),
                        ("email", "Update Account - E-mail Address"),
                        ("address", "Update Account - Addresses"),
                        ("phones", "Update Account - Phone Numbers"),
                        ("questions", "Update Account - Security Questions"),
                        ("mobar", "Update Account - MOBAR Number")):
        name = "update: " + {"email": "e-mail", "questions": "security questions",
                             "mobar": "MOBAR"}.get(what, what)
        w.open(name, f"{REG}/myaccount/{what}", title)

    # A tracker of a case who is a group administrator (an attorney).
    person = filer(mariadb, new_account, prefix="walkgadm")
    gid, _, _ = new_group(mariadb)
    add_member(mariadb, gid, person, admin=True, first="Gail", last=f"{tag}Admin")
    member = new_account(prefix="walkmember")
    add_member(mariadb, gid, member, first="Mel", last=f"{tag}Member")
    _, _, other_key = new_group(mariadb)
    logon(browser, ap, person)
    w.open("My Account", f"{REG}/myaccount", "My Account")
    w.open("User Agreement", f"{REG}/agreement", "User Agreement")
    w.open("Track This Case", f"{CASENET}/track/{number}", "Track This Case")
    ui.field(browser, "E-mail").click()
    ui.field(browser, "Each entry as it is docketed").click()
    ui.click(browser, "Track This Case")
    w.arrive("Track This Case: tracking", "Track This Case", f"{CASENET}/track/{number}")
    assert f"You are now tracking case {number}." in ui.notices(browser)
    w.open("Manage My Case", f"{CASENET}/mycases", "Manage My Case")
    w.link("Manage My Case: a case", number, "Manage My Case", f"{CASENET}/mycases/{number}")
    w.open("Notification History", f"{CASENET}/history", "Notification History")
    w.open("Phone Numbers", f"{CASENET}/phones", "Phone Numbers")
    w.open("Group User Authentication", f"{GROUPS}/join/{other_key}",
           "Group User Authentication")
    w.open("Group Administrator Menu", f"{GROUPS}/admin", "Group Administrator Menu")
    w.link("My Preferences (group)", "My Preferences", "My Preferences",
           f"{GROUPS}/admin/preferences")
    w.open("Group Maintenance", f"{GROUPS}/admin/members", "Group Maintenance")
    row = browser.find_element(By.XPATH, f"//tr[td[normalize-space(.)='{member.username}']]")
    ui.leaves_page(browser, row.find_element(By.LINK_TEXT, "DISABLE").click)
    w.arrive("Group Maintenance: confirm", "Please Confirm",
             f"{GROUPS}/admin/members/{member.id}/disable")
    w.open("eFiling Menu (group)", f"{GROUPS}/efiling", "eFiling Menu")
    w.open("My Preferences (group user)", f"{GROUPS}/preferences", "My Preferences")
    w.open("403", f"{ECF}/clerk", "Not allowed")
    assert len(w.done()) >= 20


# ---- 3. an attorney, clerk and Security unit member: eFiling and the clerk's pages ----------

def test_filer_walk(browser, site, mariadb, new_account):
    ap, tag = site, unique_tag()
    court = ef_court(mariadb)
    caption = f"{tag}FILER V {tag}CLERK"
    case_id, number = seed_case(mariadb, court, caption=caption)
    acct = filer(mariadb, new_account, prefix="walkfiler")
    mariadb.sql("INSERT INTO mc_account_role (account_id, role, scope, granted_at) VALUES "
                f"({acct.id}, 'clerk', '{court['code']}', UTC_TIMESTAMP()), "
                f"({acct.id}, 'security', '', UTC_TIMESTAMP())")
    gid, group_name, _ = new_group(mariadb)
    new_case, _ = make_envelope(mariadb, court, acct, kind="new", case_type="CC",
                                caption=caption, docs=(("PET", True),), status="draft",
                                number=False, parties=(("plaintiff", "person", f"{tag}A", "AL"),
                                                       ("defendant", "person", f"{tag}B", "BO")))
    existing, _ = make_envelope(mariadb, court, acct, case_id=case_id, status="draft",
                                number=False)
    env_id, env_number = make_envelope(mariadb, court, acct, case_id=case_id, caption=caption)
    w = Walk(browser, ap, "filer")
    logon(browser, ap, acct)

    w.open("eFiling Menu", f"{ECF}/", "eFiling Menu")
    env = f"{ECF}/envelopes/{new_case}"
    w.open("wizard: new case: court and case", f"{env}/case", "New case: court and case")
    w.open("wizard: new case: parties", f"{env}/parties", "New case: parties")
    w.open("wizard: new case: documents", f"{env}/documents", "New case: documents")
    w.open("wizard: payment", f"{env}/payment", "Fees and payment")
    w.open("wizard: review", f"{env}/review", "Review and submit")
    env = f"{ECF}/envelopes/{existing}"
    w.open("wizard: existing case", f"{env}/case", "File into an existing case")
    w.open("wizard: existing case: documents", f"{env}/documents",
           "File into an existing case: documents")
    w.open("receipt", f"{ECF}/envelopes/{env_id}/receipt", "eFiling receipt")
    w.open("My Filings", f"{ECF}/filings", "My Filings")
    w.link("envelope", env_number, f"Envelope {env_number}", f"{ECF}/envelopes/{env_id}")

    w.open("clerk: eFiling queue", f"{ECF}/clerk", "eFiling Review")
    w.link("clerk: envelope", env_number, f"Envelope {env_number}",
           f"{ECF}/clerk/envelopes/{env_id}")
    w.open("clerk: Case.net", f"{CASENET}/clerk", "Clerk")
    w.open("clerk: case", f"{CASENET}/clerk/case/{number}", f"Clerk: Case {number}")

    w.open("Security Unit", f"{REG}/security", "Security Unit")
    w.open("Security Unit: account", f"{REG}/security/account/{acct.id}",
           f"Account {acct.username}")
    w.open("Security Unit: groups", f"{GROUPS}/security", "Groups")
    w.open("Security Unit: new group", f"{GROUPS}/security/new", "Create a group")
    w.open("Security Unit: a group", f"{GROUPS}/security/{gid}", f"Group {group_name}")
    w.open("Security Unit: eFiling courts", f"{ECF}/security/courts", "eFiling Courts")
    w.open("Security Unit: a court", f"{ECF}/security/courts/{court['code']}",
           f"eFiling Set-up: {court['name']}")
    assert len(w.done()) >= 20


# ---- the four walks together ---------------------------------------------------------------

def test_walk_covers_40_pages():
    """Run with the file's other tests (before it, in this process): every
    page of PAGES was walked, and at least MIN_KEYS distinct page keys."""
    names = [n for part in PAGES.values() for n in part]
    assert len(names) == len(set(names)), "a page named twice in PAGES"
    missing = [n for n in names if n not in WALKED]
    assert not missing, f"pages not walked (run the whole file): {missing}"
    keys = {k for k, _ in WALKED.values()}
    assert len(keys) >= MIN_KEYS, f"{len(keys)} distinct page keys: {sorted(keys)}"
