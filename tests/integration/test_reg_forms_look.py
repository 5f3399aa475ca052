"""Issue 14, the forms of registration, My Account, logon, recovery and the
groups: errors summarised at the top and linked to their fields (which
carry aria-invalid), autocomplete tokens and input modes on every personal
field, the create-account steps as a step indicator, breadcrumbs in the
Forgot Password flow, and account and member statuses as labelled badges.
Read from the served HTML."""
import re
from html.parser import HTMLParser

from harness import web
from helpers_core import logon, logon_full, new_browser, path_of
from helpers_efiling import add_member
from test_grp_admin import G, admin_of_new_group, seed_members
from test_reg_account import make_attorney
from test_reg_security import REG, account_page, search, security_browser
from test_reg_signup import (_address, _credentials, _name_step, _person, _question_fields,
                             _start)


class _Page(HTMLParser):
    """The controls (by id), the elements with role="alert", the error
    summary's links, the step indicator's segments and the badges."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.controls, self.alerts, self.segments, self.badges = {}, [], [], []
        self.links, self.crumbs, self._in = [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("input", "select", "textarea") and "id" in a:
            self.controls[a["id"]] = dict(a, tag=tag)
        if a.get("role") == "alert":
            self.alerts.append(dict(a, tag=tag))
        if "usa-step-indicator__segment" in (a.get("class") or "").split():
            self.segments.append(a)
        if tag == "li" and "usa-breadcrumb__list-item" in (a.get("class") or ""):
            self.crumbs.append(a)
        if tag == "span" and "mc-status" in (a.get("class") or "").split():
            self._in.append(["badge", a.get("class"), ""])
        elif tag == "a" and (a.get("href") or "").startswith("#") and len(a["href"]) > 1:
            self._in.append(["link", a["href"][1:], ""])
        elif tag not in ("input", "br", "img", "meta", "link"):
            self._in.append(None)

    def handle_endtag(self, tag):
        if not self._in:
            return
        top = self._in.pop()
        if top and top[0] == "badge":
            self.badges.append((top[1], top[2].strip()))
        elif top and top[0] == "link":
            self.links.append((top[1], top[2].strip()))

    def handle_data(self, data):
        for t in self._in:
            if t:
                t[2] += data


def _summary(r):
    """The error summary of a page: (its element's attributes, [(field id,
    text)] of its links); every linked field exists and is aria-invalid."""
    page = _Page(r.text)
    assert len(page.alerts) == 1, (page.alerts, r.text[:3000])
    box = page.alerts[0]
    assert box.get("tabindex") == "-1", box
    links = [(f, t) for f, t in page.links if f in page.controls]
    marked = {f for f, _ in links}
    invalid = {i for i, c in page.controls.items() if c.get("aria-invalid") == "true"}
    assert invalid == marked, (invalid, links)
    return box, links


def _fields(r, expected):
    """Each id of expected is a control of the page with that autocomplete
    token (and inputmode, when a pair is given)."""
    page = _Page(r.text)
    for fid, want in expected.items():
        token, mode = want if isinstance(want, tuple) else (want, None)
        c = page.controls.get(fid)
        assert c is not None, f"no control {fid} on {r.url}"
        assert c.get("autocomplete") == token, (r.url, fid, c)
        assert c.get("inputmode") == mode, (r.url, fid, c)


def _steps(r, current):
    """The step indicator: five segments, those before current complete,
    current marked aria-current; the seed's "Step N of 5" stays."""
    segs = _Page(r.text).segments
    assert len(segs) == 5, segs
    for i, s in enumerate(segs, 1):
        cls = s["class"].split()
        assert ("usa-step-indicator__segment--complete" in cls) == (i < current), (i, cls)
        assert ("usa-step-indicator__segment--current" in cls) == (i == current), (i, cls)
        assert (s.get("aria-current") == "true") == (i == current), (i, s)
    assert f"Step {current} of 5." in r.text


NAME_TOKENS = {"first_name": "given-name", "middle_name": "additional-name",
               "last_name": "family-name", "suffix": "honorific-suffix"}
ADDRESS_TOKENS = {"line1": "address-line1", "line2": "address-line2", "city": "address-level2",
                  "state": "address-level1", "zip": "postal-code", "country": "country-name"}
MAIL = {f"mail_{k}": t for k, t in ADDRESS_TOKENS.items()}
BILL = {f"bill_{k}": f"billing {t}" for k, t in ADDRESS_TOKENS.items()}


def test_signup_steps_errors_and_tokens(apache, http):
    p = _person()
    s = http
    # a: MOBAR Number.
    r = s.get(apache.url(REG + "/create"), timeout=30)
    _steps(r, 1)
    _fields(r, {"mobar": ("off", "numeric")})
    r = _start(s, apache, no_mobar=False)
    assert path_of(r.url) == REG + "/create", r.url
    box, links = _summary(r)
    assert [f for f, _ in links] == ["mobar"] and links[0][1].startswith("MOBAR Number:")
    assert "Please correct the following:" in r.text
    assert re.search(r'<h2[^>]*>Please correct the following:</h2>', r.text)
    # b: username and password; every error linked.
    r = _start(s, apache)
    _steps(r, 2)
    _fields(r, {"username": "username", "password": "new-password",
                "verify_password": "new-password"})
    bad = web.submit(s, r, {"username": p.username, "password": p.password,
                            "verify_password": p.password + "x", "captcha": "",
                            "captcha_answer": ""}, with_field="username", timeout=30)
    _, links = _summary(bad)
    assert [f for f, _ in links] == ["verify_password", "captcha"], links
    assert links[0][1] == "Verify Password: the passwords do not match."
    # c: names and e-mail.
    r = _credentials(s, bad, p)
    assert path_of(r.url) == REG + "/create/name", r.url
    _steps(r, 3)
    _fields(r, dict(NAME_TOKENS, email="email", email2="email"))
    bad = _name_step(s, r, p, first_name="", email2="other@example.test")
    _, links = _summary(bad)
    assert [f for f, _ in links] == ["first_name", "email2"], links
    # d: addresses and phones, each part of an address its own link.
    r = _name_step(s, bad, p)
    assert path_of(r.url) == REG + "/create/address", r.url
    _steps(r, 4)
    _fields(r, dict(MAIL, **BILL, business_phone="work tel", cell_phone="mobile tel"))
    bad = _address(s, r, p, mail_city="", bill_same="", bill_line1="1 Main St",
                   bill_city="Fulton", bill_state="MO", bill_zip="6510x", business_phone="12")
    _, links = _summary(bad)
    assert [f for f, _ in links] == ["mail_city", "bill_zip", "business_phone"], links
    assert links[1][1].startswith("Billing Address:") and "ZIP" in links[1][1]
    # e: the security questions' slots.
    r = _address(s, bad, p)
    assert path_of(r.url) == REG + "/create/questions", r.url
    _steps(r, 5)
    fields = dict(_question_fields(p), v2="something else")
    bad = web.submit(s, r, fields, with_field="a1", timeout=30)
    _, links = _summary(bad)
    assert links == [("v2", "Verify Answer 2: the answers do not match.")], links


def _one_error(r, field, starts):
    """A My Account page's one error: role="alert", focusable, its text a
    link to the field (aria-invalid)."""
    page = _Page(r.text)
    assert len(page.alerts) == 1 and page.alerts[0].get("tabindex") == "-1", page.alerts
    links = [(f, t) for f, t in page.links if f in page.controls]
    assert len(links) == 1 and links[0][0] == field and links[0][1].startswith(starts), links
    invalid = [i for i, c in page.controls.items() if c.get("aria-invalid") == "true"]
    assert invalid == [field], invalid


def test_account_update_pages(apache, new_account, smtp, mariadb):
    acct = new_account()
    make_attorney(mariadb, acct, "7" + str(acct.id).zfill(6)[-6:])  # may take the User Agreement
    s = new_browser()
    logon_full(s, apache, acct, smtp)

    def get(path):
        r = s.get(apache.url(REG + path), timeout=30)
        assert r.status_code == 200, (path, r.status_code)
        return r

    def post(path, fields):
        return web.submit(s, get(path), fields, action_contains=path, timeout=30)

    _fields(get("/myaccount/name"), NAME_TOKENS)
    _fields(get("/myaccount/firm"), {"firm": "organization"})
    _fields(get("/myaccount/email"), {"new_email": "email", "verify_email": "email",
                                      "current_password": "current-password"})
    _fields(get("/myaccount/password"), {"current_password": "current-password",
                                         "new_password": "new-password",
                                         "verify_password": "new-password"})
    _fields(get("/myaccount/phones"), {"business_phone": "work tel", "cell_phone": "mobile tel"})
    _fields(get("/myaccount/mobar"), {"mobar_number": ("off", "numeric")})
    _fields(get("/myaccount/address"), dict(MAIL, **BILL))
    _fields(get("/myaccount/questions"), {"current_password": "current-password"})
    # Errors linked to their fields.
    _one_error(post("/myaccount/name", {"first_name": "Pat", "last_name": ""}), "last_name",
               "Last Name:")
    _one_error(post("/myaccount/phones", {"business_phone": "", "cell_phone": ""}),
               "business_phone", "Business Phone:")
    _one_error(post("/myaccount/password", {"current_password": "x", "new_password": "Aa1-long-pw",
                                            "verify_password": "Aa1-long-pw-other"}),
               "verify_password", "Verify New Password:")
    _one_error(post("/myaccount/address", {"mail_line1": "1 Main St", "mail_city": "",
                                           "mail_state": "MO", "mail_zip": "65101",
                                           "same": "1"}), "mail_city", "Mailing Address:")
    r = post("/myaccount/questions", {"question1": "0", "answer1": "jess one",
                                      "verify1": "jess one", "question2": "1",
                                      "answer2": "tommy two", "verify2": "tommy too",
                                      "question3": "2", "answer3": "abraham three",
                                      "verify3": "abraham three", "current_password": "x"})
    _one_error(r, "verify2", "Verify Answer 2:")
    r = post("/myaccount/questions", {"question1": "0", "answer1": "jess one",
                                      "verify1": "jess one", "question2": "1",
                                      "answer2": "tommy two", "verify2": "tommy two",
                                      "question3": "2", "answer3": "abraham three",
                                      "verify3": "abraham three", "current_password": ""})
    _one_error(r, "current_password", "Current Password:")
    _one_error(post("/agreement", {}), "acknowledge", "")


def test_logon_and_recovery_pages(apache, http):
    _fields(http.get(apache.url("/account/logon"), timeout=30),
            {"username": "username", "password": "current-password"})
    _fields(http.get(apache.url(REG + "/verify/resend"), timeout=30), {"ident": "username"})
    fp = http.get(apache.url(REG + "/forgot-password"), timeout=30)
    _fields(fp, {"ident": "username"})
    fu = http.get(apache.url(REG + "/forgot-username"), timeout=30)
    _fields(fu, {"email": "email"})
    # Their errors linked to the field.
    r = web.submit(http, fp, {"ident": ""}, with_field="ident", timeout=30)
    _one_error(r, "ident", "Enter the e-mail address or username")
    r = web.submit(http, fu, {"email": "nobody"}, with_field="email", timeout=30)
    _one_error(r, "email", "E-mail Address:")
    resend = http.get(apache.url(REG + "/verify/resend"), timeout=30)
    _, links = _summary(web.submit(http, resend, {"ident": ""}, with_field="ident", timeout=30))
    assert [f for f, _ in links] == ["ident"], links
    # Breadcrumbs: Logon, then the page (aria-current="page").
    for r, here in ((fp, "Forgot Password"), (fu, "Forgot Username")):
        crumbs = _Page(r.text).crumbs
        assert len(crumbs) == 2 and crumbs[-1].get("aria-current") == "page", crumbs
        assert re.search(r'<nav class="usa-breadcrumb" aria-label="Breadcrumbs">', r.text)
        assert re.search(r'<a class="usa-breadcrumb__link" href="/account/logon"><span>Logon</span>',
                         r.text), r.text[:3000]
        assert re.search(rf'aria-current="page"><span>{here}</span>', r.text)


def test_device_and_forced_password_pages(apache, new_account):
    acct = new_account(must_change=True)
    s = new_browser()
    r = logon(s, apache, acct.username, acct.password)
    assert path_of(r.url) == "/account/password", r.url
    _fields(r, {"new_password": "new-password", "verify_password": "new-password"})
    bad = web.submit(s, r, {"new_password": "Brand-New-Pass-42",
                            "verify_password": "Brand-New-Pass-43"}, with_field="new_password",
                     timeout=30)
    assert re.search(r'<p class="error" role="alert" tabindex="-1"><a href="#new_password">'
                     r'The new password and its verification do not match.</a></p>', bad.text)
    acct2 = new_account()
    s2 = new_browser()
    r = logon(s2, apache, acct2.username, acct2.password)
    assert path_of(r.url) == "/account/device", r.url
    _fields(r, {"code": ("one-time-code", "numeric")})


def test_group_pages(apache, new_account, smtp, mariadb):
    s, adm, gid, _, _ = admin_of_new_group(apache, mariadb, new_account, smtp)
    seed_members(mariadb, new_account, gid)
    r = s.get(apache.url(G + "/admin/preferences"), timeout=30)
    _fields(r, {"pin": "new-password", "pin2": "new-password", "email": "email"})
    r = web.submit(s, r, {"email": f"badge{gid}@example.test"}, action_contains="/notify",
                   timeout=30)
    assert ("mc-status mc-status--pending", "waiting for confirmation") in _Page(r.text).badges
    # Group Maintenance: each member's status a labelled badge, same words.
    r = s.get(apache.url(G + "/admin/members"), timeout=30)
    _fields(r, {"first_name": "off", "last_name": "off"})
    badges = _Page(r.text).badges
    assert ("mc-status mc-status--active", "ACTIVE") in badges, badges
    assert ("mc-status mc-status--disabled", "DISABLED") in badges, badges
    assert re.search(r'<td data-label="Status"><span class="mc-status mc-status--disabled">'
                     r'DISABLED</span></td>', r.text)
    # A group user's My Preferences.
    user = new_account(prefix="gusr")
    add_member(mariadb, gid, user)
    s2 = new_browser()
    logon_full(s2, apache, user, smtp)
    r = s2.get(apache.url(G + "/preferences"), timeout=30)
    assert r.status_code == 200, r.status_code
    _fields(r, {"default_email": "email"})
    r = s2.get(apache.url(G + "/efiling"), timeout=30)
    assert ("mc-status mc-status--active", "Active") in _Page(r.text).badges, r.text[-3000:]
    # The Security unit's groups: Active / Deactivated.
    sec, _ = security_browser(apache, new_account, smtp)
    r = sec.get(apache.url(f"{G}/security/{gid}"), timeout=30)
    assert ("mc-status mc-status--active", "Active") in _Page(r.text).badges, r.text[-3000:]
    r = sec.get(apache.url(G + "/security"), timeout=30)
    assert ("mc-status mc-status--active", "active") in _Page(r.text).badges, r.text[-3000:]


def test_security_unit_badges(apache, new_account, smtp, mariadb):
    s, _ = security_browser(apache, new_account, smtp)
    target = new_account(prefix="secbadge")
    mariadb.sql(f"UPDATE mc_account SET status = 'disabled' WHERE id = {target.id}")
    r = search(s, apache, username=target.username)
    # Fields about other people: no browser's fill-in of the clerk's own.
    _fields(r, {"username": "off", "email": "off", "last_name": "off"})
    new = s.get(apache.url(G + "/security/new"), timeout=30)
    _fields(new, {k: "off" for k in ("name", "address_line1", "address_line2", "city", "state",
                                     "zip", "phone", "username", "email", "first_name",
                                     "last_name")})
    assert ("mc-status mc-status--disabled", "disabled") in _Page(r.text).badges, r.text[:3000]
    assert ("mc-status mc-status--ok", "No") in _Page(r.text).badges
    r = account_page(s, apache, target.id)
    badges = _Page(r.text).badges
    assert badges == [("mc-status mc-status--disabled", "disabled"),
                      ("mc-status mc-status--ok", "No")], badges
