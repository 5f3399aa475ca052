"""Registration plugin, part B: Missing Information, My Account and its
update pages, e-mail change, security questions, MOBAR (with
`mocourts-admin import-bar`), My Applications and the User Agreement
(seed 000 steps 10-14, seed 001 steps 23-24)."""
import re
import threading
from concurrent.futures import ThreadPoolExecutor

from harness import web
from integration.helpers_core import (COOKIE, NO_DEVICE, audited, location, logon, module_site,
                                      new_browser, path_of)
from integration.helpers_links import main_of, open_link, post_without_token, press

SEED_Q_TEXT = ("You may change one or more of your security questions and answers below. "
               "Answers must be at least 3 characters in length. Answers may not contain part "
               "of the question and should be submitted in English. The same answer should not "
               "be provided for more than one question.")
SEED_Q_PW = ("For security purposes, you <strong>MUST</strong> also enter your current password "
             "in order to change any questions or answers.")
REQUIRED = "Required fields are denoted by an asterisk(*)"
NEW_PW = "Brand-New-Pass-42"
ADDRESS = {"mail_line1": "2112 Industrial Drive", "mail_city": "Jefferson City",
           "mail_state": "MO", "mail_zip": "65101", "mail_country": "United States"}


ap = module_site("regacct", NO_DEVICE)


def url(ap, path):
    return ap.url("/registration" + path)


def get(s, ap, path):
    r = s.get(url(ap, path), timeout=30)
    assert r.status_code == 200, (path, r.status_code, r.text[:1500])
    return r


def post(s, ap, path, fields, with_field=None):
    """GET path, submit its form with fields; the response without following."""
    page = get(s, ap, path)
    return web.submit(s, page, fields, action_contains=path, with_field=with_field,
                      allow_redirects=False, timeout=60)


def saved(r, done):
    assert r.status_code == 303, (r.status_code, r.text[:2000])
    assert location(r).endswith("/registration/myaccount?updated=" + done), location(r)


def error_of(html):
    m = re.search(r'<p class="error" role="alert"[^>]*>(?:<(?:a|span)\b[^>]*>)?([^<]*)<', html)
    return m.group(1) if m else None


def value_of(html, name):
    f = web.forms(html)
    for form in f:
        if name in form["fields"]:
            return form["fields"][name]
    raise AssertionError(f"no field {name} in\n{html[:2000]}")


def logged_on(ap, acct, password=None):
    s = new_browser()
    r = logon(s, ap, acct.username, password or acct.password)
    assert s.cookies.get(COOKIE), r.text[:1500]
    return s, r


def answers(a=("jess one", "tommy two", "abraham three"), q=(0, 1, 2)):
    f = {}
    for i in range(3):
        f[f"question{i + 1}"] = str(q[i])
        f[f"answer{i + 1}"] = a[i]
        f[f"verify{i + 1}"] = a[i]
    return f


def complete_profile(s, ap, acct):
    saved(post(s, ap, "/myaccount/name", {"first_name": "Agency", "last_name": "Test"}), "name")
    saved(post(s, ap, "/myaccount/address", dict(ADDRESS, same="1")), "address")
    saved(post(s, ap, "/myaccount/phones", {"business_phone": "(573) 526-8842"}), "phones")
    saved(post(s, ap, "/myaccount/questions", dict(answers(), current_password=acct.password)),
          "questions")


def make_attorney(mariadb, acct, number):
    mariadb.sql(f"INSERT INTO mc_reg_profile (account_id, mobar_number, mobar_verified_at) "
                f"VALUES ({acct.id}, '{number}', UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE "
                f"mobar_number = '{number}', mobar_verified_at = UTC_TIMESTAMP();"
                f"INSERT IGNORE INTO mc_account_role (account_id, role, scope) VALUES "
                f"({acct.id}, 'attorney', '')")


# ---- Missing Information and completing the profile --------------------------------

def test_missing_information_until_complete(ap, new_account, mariadb):
    acct = new_account(complete=False)
    s, r = logged_on(ap, acct)
    assert path_of(r.url) == "/registration/missing", r.url
    assert "<h1>Missing Information</h1>" in r.text
    assert "Information is missing from your account" in r.text
    for item in ("First Name", "Last Name", "Mailing Address", "Billing Address",
                 "Business Phone", "Security Questions"):
        assert f"<li>{item}</li>" in r.text, item
    assert re.search(r'<a href="/registration/myaccount">My Account</a>', r.text)

    page = get(s, ap, "/myaccount")
    assert "<h1>My Account</h1>" in page.text
    labels = re.findall(r'<th scope="row">([^<]*)</th>', page.text)
    assert labels[:16] == ["Username", "Password", "MOBAR Number", "First Name",
                           "Middle Name/Initial", "Last Name", "Suffix",
                           "Firm/Organization Name", "E-mail Address", "Mailing Address",
                           "Billing Address", "Business Phone", "Cell Phone",
                           "Security Question 1", "Security Question 2", "Security Question 3"]
    assert page.text.count("Please Update") >= 8  # first, last, 2 addresses, phone, 3 questions
    assert acct.username in page.text and "*****" in page.text
    assert "Electronic Case Filing" in page.text and "Supreme Court Publications" in page.text
    assert page.text.count(">Subscribe</button>") == 2
    assert "Registration Version" in page.text

    complete_profile(s, ap, acct)
    page = get(s, ap, "/myaccount")
    assert "Please Update" not in page.text
    assert "Agency" in page.text and "(573) 526-8842" in page.text
    assert "2112 Industrial Drive Jefferson City, MO 65101 United States" in page.text
    assert "What is the first and last name of your all-time favorite musician?" in page.text
    assert "jess one" not in page.text  # answers never shown
    # Billing copied from mailing ("Same as mailing address").
    assert mariadb.value(f"SELECT bill_city FROM mc_reg_profile WHERE account_id = {acct.id}") \
        == "Jefferson City"

    s2, r2 = logged_on(ap, acct)
    assert path_of(r2.url) == "/account/", r2.url
    r2 = s2.get(url(ap, "/missing"), allow_redirects=False, timeout=30)
    assert r2.status_code == 303 and location(r2).endswith("/registration/myaccount")


def test_missing_information_detour_keeps_the_return_path(ap, new_account):
    """A page asked for before logon (issue 10 §5): Missing Information still
    comes first, offers the way on to that page, and once nothing is missing
    sends the account there."""
    from integration.helpers_core import logon_post
    acct = new_account(complete=False)
    s = new_browser()
    back = "/probe/hello/asked"
    r = logon_post(s, ap, acct.username, acct.password, extra={"return": back})
    assert r.status_code == 303
    assert location(r) == "/registration/missing?return=%2Fprobe%2Fhello%2Fasked", location(r)
    page = s.get(ap.url(location(r)), timeout=30)
    assert "<h1>Missing Information</h1>" in page.text
    assert re.search(r'<a href="/registration/myaccount">My Account</a>', page.text)
    assert f'<a href="{back}">continue to the page you asked for</a>' in page.text
    # Not a way out of the site.
    r = s.get(url(ap, "/missing"), params={"return": "//evil.example/"}, timeout=30)
    assert "evil.example" not in r.text
    complete_profile(s, ap, acct)
    r = s.get(ap.url("/registration/missing?return=%2Fprobe%2Fhello%2Fasked"),
              allow_redirects=False, timeout=30)
    assert r.status_code == 303 and location(r) == back, location(r)


def test_updates_refused_keep_values(ap, new_account, mariadb):
    acct = new_account(complete=False)
    s, _ = logged_on(ap, acct)
    r = post(s, ap, "/myaccount/name", {"first_name": "Agency", "middle_name": "Q",
                                        "last_name": "", "suffix": "Jr."})
    assert r.status_code == 200 and error_of(r.text) == "Last Name: this field is required."
    assert value_of(r.text, "first_name") == "Agency" and value_of(r.text, "suffix") == "Jr."
    r = post(s, ap, "/myaccount/name", {"first_name": "Ag<ency", "last_name": "Test"})
    assert error_of(r.text).startswith("First Name:")
    assert value_of(r.text, "last_name") == "Test"

    r = post(s, ap, "/myaccount/phones", {"business_phone": "123", "cell_phone": "(573) 555-1212"})
    assert error_of(r.text).startswith("Business Phone:")
    assert value_of(r.text, "cell_phone") == "(573) 555-1212"
    r = post(s, ap, "/myaccount/phones", {"business_phone": ""})
    assert error_of(r.text) == "Business Phone: this field is required."

    r = post(s, ap, "/myaccount/address", dict(ADDRESS, mail_zip="6510", bill_line1="PO Box 1"))
    assert error_of(r.text).startswith("Mailing Address:") and "ZIP" in error_of(r.text)
    assert value_of(r.text, "mail_line1") == "2112 Industrial Drive"
    assert value_of(r.text, "bill_line1") == "PO Box 1"
    r = post(s, ap, "/myaccount/address", dict(ADDRESS, bill_line1="PO Box 1"))
    assert error_of(r.text).startswith("Billing Address:")

    r = post(s, ap, "/myaccount/firm", {"firm": "dnr <x>"})
    assert error_of(r.text).startswith("Firm/Organization Name:")
    saved(post(s, ap, "/myaccount/firm", {"firm": "dnr"}), "firm")
    assert mariadb.value(f"SELECT firm FROM mc_reg_profile WHERE account_id = {acct.id}") == "dnr"
    assert mariadb.value(f"SELECT last_name = '' FROM mc_account WHERE id = {acct.id}") == "1"


# ---- password ------------------------------------------------------------------------

def test_password_change(ap, new_account, mariadb, smtp):
    acct = new_account()
    s, _ = logged_on(ap, acct)
    page = get(s, ap, "/myaccount/password")
    for label in ("Current Password *", "New Password *", "Verify New Password *"):
        assert f">{label}</label>" in page.text
    r = post(s, ap, "/myaccount/password", {"current_password": "wrong-one",
                                            "new_password": NEW_PW, "verify_password": NEW_PW})
    assert error_of(r.text) == "Current Password: the password you entered is incorrect."
    r = post(s, ap, "/myaccount/password", {"current_password": acct.password,
                                            "new_password": "short", "verify_password": "short"})
    assert error_of(r.text).startswith("New Password:")
    r = post(s, ap, "/myaccount/password", {"current_password": acct.password,
                                            "new_password": NEW_PW, "verify_password": NEW_PW + "x"})
    assert error_of(r.text).startswith("Verify New Password:")
    old_hash = mariadb.value(f"SELECT password_hash FROM mc_account WHERE id = {acct.id}")
    assert mariadb.value(f"SELECT password_hash FROM mc_account WHERE id = {acct.id}") == old_hash

    before = s.cookies.get(COOKIE)
    r = post(s, ap, "/myaccount/password", {"current_password": acct.password,
                                            "new_password": NEW_PW, "verify_password": NEW_PW})
    saved(r, "password")
    assert r.cookies.get(COOKIE) and r.cookies.get(COOKIE) != before  # session rotated
    page = get(s, ap, "/myaccount?updated=password")
    assert "Your password was changed." in page.text
    mail = smtp.wait_for(to=acct.email, subject="Your password was changed", timeout=20)
    assert acct.username in mail.body
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_audit WHERE account_id = {acct.id} AND "
                         "event = 'password-changed'") == "1"
    # The old password no longer works, the new one does.
    s2 = new_browser()
    logon(s2, ap, acct.username, acct.password)
    assert not s2.cookies.get(COOKIE)
    logged_on(ap, acct, NEW_PW)


def test_password_change_ends_other_sessions(ap, new_account):
    """ASVS 3.3.3: after a password change under My Account the account's
    other sessions are over; the one that changed it goes on."""
    acct = new_account()
    s, _ = logged_on(ap, acct)
    other, _ = logged_on(ap, acct)
    assert get(other, ap, "/myaccount").status_code == 200
    saved(post(s, ap, "/myaccount/password", {"current_password": acct.password,
                                              "new_password": NEW_PW,
                                              "verify_password": NEW_PW}), "password")
    r = other.get(ap.url("/registration/myaccount"), allow_redirects=False, timeout=30)
    assert r.status_code in (302, 303) and "/account/logon" in r.headers["Location"]
    assert get(s, ap, "/myaccount").status_code == 200


MSG_ACCOUNT_LOCKED = ("This account is locked because of too many failed attempts, and you "
                      "have been logged off.")
GUESS_PAGES = ("/myaccount/password", "/myaccount/email", "/myaccount/questions")


def _guess_fields(acct, path, password):
    if path == "/myaccount/password":
        return {"new_password": NEW_PW, "verify_password": NEW_PW, "current_password": password}
    if path == "/myaccount/email":
        new = f"new-{acct.username}@example.test"
        return {"new_email": new, "verify_email": new, "current_password": password}
    return dict(answers(), current_password=password)


def _logged_off(s, ap):
    r = s.get(url(ap, "/myaccount"), allow_redirects=False, timeout=30)
    return r.status_code in (302, 303) and "/account/logon" in r.headers["Location"]


def _logs_on(ap, acct):
    b = new_browser()
    logon(b, ap, acct.username, acct.password)
    return bool(b.cookies.get(COOKIE))


def test_parallel_current_password_guesses_check_at_most_the_limit(make_apache, new_account,
                                                                    mariadb):
    """Issue 11 §1: a stolen session guessing the current password. 30
    updates at once (the password, e-mail and security-question pages in
    turn) from one session, spread over two nodes of one database, three
    times (all wrong, then 29 wrong and the right one): exactly 5 (the
    site's MoCourtsLockout) wrong passwords are checked (each leaves a
    current-password-wrong audit row), the account ends locked, the session
    that guessed has ended, and the right password is taken only if it was
    checked before the lock. Afterwards another session of the account is
    refused with the lock's sentence (and logged off) even with the right
    password, as is a new logon."""
    conf = dict(NO_DEVICE, MoCourtsLockout="5 30m")
    nodes = [make_apache(overrides=conf), make_apache(overrides=conf)]
    n = 30
    for round_, right in enumerate((None, 7, 25)):   # the right one: the e-mail page
        acct = new_account()
        s, _ = logged_on(nodes[0], acct)
        other, _ = logged_on(nodes[1], acct)
        forms = {(i, path): web.find_form(get(s, ap, path).text, with_field="current_password")
                 for i, ap in enumerate(nodes) for path in GUESS_PAGES}
        prepared = []
        for i in range(n):
            path = GUESS_PAGES[i % 3]
            form = forms[(i % 2, path)]
            pw = acct.password if i == right else f"Wrong-Guess-{i}x"
            prepared.append((url(nodes[i % 2], path),
                             dict(form["fields"], **_guess_fields(acct, path, pw))))
        start = threading.Barrier(n)

        def go(item):
            b = new_browser()
            b.cookies.update(s.cookies)
            start.wait()
            r = b.post(item[0], data=item[1], allow_redirects=False, timeout=60)
            b.close()
            return r.status_code, r.headers.get("Location", ""), r.text

        with ThreadPoolExecutor(n) as pool:
            outcomes = list(pool.map(go, prepared))
        assert {a[0] for a in outcomes} <= {200, 302, 303}, [a[0] for a in outcomes]
        assert audited(mariadb, "current-password-wrong", account_id=acct.id) == 5, round_
        assert mariadb.value("SELECT failures FROM mc_logon_throttle WHERE subject = "
                             f"SHA2('account:{acct.id}', 256) AND locked_until > "
                             "UTC_TIMESTAMP()") == "5"
        assert any(MSG_ACCOUNT_LOCKED in a[2] for a in outcomes)
        taken = [a for a in outcomes if a[0] == 303 and "updated=" in a[1]]
        assert len(taken) <= 1 and (not taken or right is not None)
        if right is not None and not taken:   # the right one refused: locked, or logged off
            code, where, text = outcomes[right]
            assert MSG_ACCOUNT_LOCKED in text or "/account/logon" in where, outcomes[right]
        assert _logged_off(s, nodes[0]) and _logged_off(s, nodes[1])
        # Another session of the account: refused unchecked, and logged off.
        page = get(other, nodes[1], "/myaccount/email")
        r = web.submit(other, page, _guess_fields(acct, "/myaccount/email", acct.password),
                       with_field="current_password", allow_redirects=False, timeout=60)
        assert r.status_code == 200 and MSG_ACCOUNT_LOCKED in r.text, r.text[:2000]
        assert _logged_off(other, nodes[1])
        assert audited(mariadb, "current-password-wrong", account_id=acct.id) == 5
        assert not _logs_on(nodes[0], acct)
        s.close()


# ---- e-mail ------------------------------------------------------------------------------

def test_email_change(ap, new_account, mariadb, smtp):
    acct = new_account()
    new = f"new-{acct.username}@example.test"
    s, _ = logged_on(ap, acct)
    r = post(s, ap, "/myaccount/email", {"new_email": new, "verify_email": new + "x",
                                         "current_password": acct.password})
    assert error_of(r.text).startswith("Verify New E-mail Address:")
    assert value_of(r.text, "new_email") == new
    r = post(s, ap, "/myaccount/email", {"new_email": "not-an-address", "verify_email": "x",
                                         "current_password": acct.password})
    assert error_of(r.text).startswith("New E-mail Address:")
    r = post(s, ap, "/myaccount/email", {"new_email": new, "verify_email": new,
                                         "current_password": "wrong"})
    assert error_of(r.text) == "Current Password: the password you entered is incorrect."
    saved(post(s, ap, "/myaccount/email", {"new_email": new, "verify_email": new,
                                           "current_password": acct.password}), "email-sent")
    # Until the link is followed, the old address stays.
    assert mariadb.value(f"SELECT email FROM mc_account WHERE id = {acct.id}") == acct.email
    page = get(s, ap, "/myaccount?updated=email-sent")
    assert "A confirmation link was sent to your new e-mail address" in page.text
    assert f"{acct.email} (a change to {new} is waiting for confirmation)" in page.text
    told = smtp.wait_for(to=acct.email, subject="A change of your e-mail address was requested",
                         timeout=20)
    assert new in told.body
    mail = smtp.wait_for(to=new, subject="Confirm your new e-mail address", timeout=20)
    m = re.search(r"(https?://\S+/registration/myaccount/email/confirm/[A-Za-z0-9_-]+)", mail.body)
    assert m, mail.body
    link = "/registration" + m.group(1).split("/registration", 1)[1]
    anon = new_browser()
    # Opening the link (a mail scanner's HEAD and GET, the person's GET)
    # changes nothing; its one button does.
    state = (f"SELECT a.email, c.used_at FROM mc_account a JOIN mc_code c ON c.account_id = a.id "
             f"AND c.purpose = 'email-change' WHERE a.id = {acct.id}")
    page = open_link(anon, ap.url(link), lambda: mariadb.sql(state))
    assert f"to make {new} the e-mail address" in main_of(page.text)
    assert "Change E-mail Address" in main_of(page.text)
    assert mariadb.value(f"SELECT email FROM mc_account WHERE id = {acct.id}") == acct.email
    post_without_token(ap.url(link), lambda: mariadb.sql(state))
    r = press(anon, page)
    assert r.status_code == 200 and "Your e-mail address is now" in r.text
    assert mariadb.value(f"SELECT email FROM mc_account WHERE id = {acct.id}") == new
    r = anon.get(ap.url(link), timeout=30)  # single use
    assert r.status_code == 410 and "<button" not in main_of(r.text)
    assert press(anon, page).status_code == 410
    r = anon.get(ap.url("/registration/myaccount/email/confirm/" + "A" * 43), timeout=30)
    assert r.status_code == 410
    assert mariadb.value(f"SELECT email FROM mc_account WHERE id = {acct.id}") == new


# ---- security questions ------------------------------------------------------------------

def test_security_questions(ap, new_account, mariadb, smtp):
    acct = new_account(complete=False)
    s, _ = logged_on(ap, acct)
    page = get(s, ap, "/myaccount/questions")
    assert "<h1>Update Account - Security Questions</h1>" in page.text
    assert SEED_Q_TEXT in page.text and SEED_Q_PW in page.text and REQUIRED in page.text
    for label in ("Question 1 *", "Answer 2 *", "Verify Answer 3 *", "Current Password *"):
        assert f">{label}</label>" in page.text
    cases = [
        (answers(("ab", "tommy two", "abe three")), "at least 3 characters"),
        (answers(("jess", "jess", "abraham")), "more than one question"),
        (answers(("my favorite musician", "tommy two", "abe three")), "part of the question"),
        (answers(q=(0, 0, 2)), "different questions"),
    ]
    for fields, why in cases:
        r = post(s, ap, "/myaccount/questions", dict(fields, current_password=acct.password))
        assert why in error_of(r.text), error_of(r.text)
        assert value_of(r.text, "answer2") == fields["answer2"]  # kept
    f = answers()
    f["verify2"] = "other"
    r = post(s, ap, "/myaccount/questions", dict(f, current_password=acct.password))
    assert error_of(r.text).startswith("Verify Answer 2:")
    r = post(s, ap, "/myaccount/questions", answers(q=(3, 4, 5)))
    assert error_of(r.text).startswith("Current Password:")
    assert re.search(r'<option value="4" selected[^>]*>', r.text)  # choice kept
    r = post(s, ap, "/myaccount/questions", dict(answers(), current_password="wrong"))
    assert error_of(r.text) == "Current Password: the password you entered is incorrect."
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_reg_answer WHERE account_id = {acct.id}") == "0"

    saved(post(s, ap, "/myaccount/questions",
               dict(answers(("  Jess   One ", "tommy two", "abraham three"), q=(3, 4, 5)),
                    current_password=acct.password)), "questions")
    rows = mariadb.sql(f"SELECT slot, question, answer_hash FROM mc_reg_answer WHERE "
                       f"account_id = {acct.id} ORDER BY slot")
    assert [(a, b) for a, b, _ in rows] == [("1", "3"), ("2", "4"), ("3", "5")]
    assert all(h.startswith("$") and "jess" not in h for _, _, h in rows)
    smtp.wait_for(to=acct.email, subject="Your security questions were changed", timeout=20)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_audit WHERE account_id = {acct.id} AND "
                         "event = 'security-questions-changed'") == "1"


# ---- MOBAR and import-bar --------------------------------------------------------------

def test_import_bar_and_mobar(ap, new_account, mariadb, admin, tmp_path):
    n1, n2 = "77" + str(100000 + (hash(tmp_path) % 800000)), "88" + str(100000 + (hash(tmp_path) % 800000))
    csv = tmp_path / "roster.csv"
    csv.write_text("bar_number,last_name,first_name,status\n"
                   f"{n1},Test,Agency,active\n"
                   f"\"{n2}\",\"O'Brien, Jr\",\"Pat \"\"PJ\"\"\",inactive\n"
                   "12x4,Bad,Number,active\n"
                   "5555,,Nolast,active\n"
                   "6666,Too,Few\n"
                   "7777,\"open,quote,active\n")
    r = admin.run("import-bar", csv, check=False)
    assert r.returncode == 1   # refused rows: as import, though the good ones are kept
    assert "imported 2 row(s), updated 0, refused 4" in r.stdout, r.stdout + r.stderr
    assert "line 4: bar_number must be digits only" in r.stderr, r.stderr
    assert "line 5: last_name is empty" in r.stderr
    assert "line 6: expected 4 fields" in r.stderr
    assert "line 7: a quoted field is not closed" in r.stderr
    assert mariadb.value(f"SELECT CONCAT(last_name, '|', first_name, '|', status) FROM "
                         f"mc_bar_roster WHERE bar_number = '{n2}'") == 'O\'Brien, Jr|Pat "PJ"|inactive'
    # Re-import (no header) updates.
    csv.write_text(f"{n2},O'Brien,Pat,active\r\n")
    r = admin.run("import-bar", csv)
    assert "imported 0 row(s), updated 1, refused 0" in r.stdout
    assert mariadb.value(f"SELECT status FROM mc_bar_roster WHERE bar_number = '{n2}'") == "active"
    r = admin.run("import-bar", tmp_path / "missing.csv", check=False)
    assert r.returncode == 1 and "cannot read" in r.stderr
    assert "import-bar FILE" in admin.run("--help").stdout

    acct = new_account(complete=False)
    s, _ = logged_on(ap, acct)
    saved(post(s, ap, "/myaccount/name", {"first_name": "Agency", "last_name": "Test"}), "name")
    r = post(s, ap, "/myaccount/mobar", {"mobar_number": n2})  # another last name
    assert "do not match the Missouri Bar roster" in error_of(r.text)
    assert value_of(r.text, "mobar_number") == n2
    r = post(s, ap, "/myaccount/mobar", {"mobar_number": "12a"})
    assert error_of(r.text) == "MOBAR Number: use digits only."
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_account_role WHERE account_id = {acct.id} "
                         "AND role = 'attorney'") == "0"
    assert mariadb.value(f"SELECT mobar_number FROM mc_reg_profile WHERE account_id = "
                         f"{acct.id}") is None

    before = s.cookies.get(COOKIE)
    r = post(s, ap, "/myaccount/mobar", {"mobar_number": n1})
    saved(r, "mobar")
    assert r.cookies.get(COOKIE) and r.cookies.get(COOKIE) != before
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_account_role WHERE account_id = {acct.id} "
                         "AND role = 'attorney'") == "1"
    assert mariadb.value(f"SELECT CONCAT(mobar_number, mobar_verified_at IS NOT NULL) FROM "
                         f"mc_reg_profile WHERE account_id = {acct.id}") == n1 + "1"
    page = get(s, ap, "/myaccount?updated=mobar")
    assert f"{n1} (verified)" in page.text
    # The same number for another account is refused.
    other = new_account()
    mariadb.sql(f"UPDATE mc_account SET last_name = 'Test' WHERE id = {other.id}")
    s2, _ = logged_on(ap, other)
    r = post(s2, ap, "/myaccount/mobar", {"mobar_number": n1})
    assert "already used by another account" in error_of(r.text)


# ---- My Applications and the User Agreement ---------------------------------------------

def subscribe(s, ap, app):
    page = get(s, ap, "/myaccount")
    return web.submit(s, page, {}, action_contains=f"/subscribe/{app}", allow_redirects=False,
                      timeout=30)


def test_efiling_needs_attorney(ap, new_account, mariadb):
    acct = new_account()
    s, _ = logged_on(ap, acct)
    r = subscribe(s, ap, "efiling")
    assert r.status_code == 200 and "<h1>Additional steps required</h1>" in r.text
    assert "verify your MOBAR number under My Account" in r.text
    assert "Group PIN your group administrator gives you" in r.text
    r = s.get(url(ap, "/agreement"), timeout=30)
    assert "<h1>Additional steps required</h1>" in r.text
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_reg_subscription WHERE account_id = "
                         f"{acct.id}") == "0"


def test_efiling_agreement(ap, new_account, mariadb):
    acct = new_account()
    make_attorney(mariadb, acct, "9" + str(acct.id).zfill(6))
    s, _ = logged_on(ap, acct)
    r = subscribe(s, ap, "efiling")
    assert r.status_code == 303 and location(r).endswith("/registration/agreement")
    page = get(s, ap, "/agreement")
    assert "<h1>User Agreement</h1>" in page.text and "I acknowledge" in page.text
    r = web.submit(s, page, {}, action_contains="/agreement", allow_redirects=False, timeout=30)
    assert r.status_code == 200 and "I acknowledge" in error_of(r.text)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_reg_agreement WHERE account_id = "
                         f"{acct.id}") == "0"
    r = web.submit(s, page, {"acknowledge": "1"}, action_contains="/agreement",
                   allow_redirects=False, timeout=30)
    saved(r, "efiling")
    row = mariadb.sql(f"SELECT version, client_ip, accepted_at IS NOT NULL FROM mc_reg_agreement "
                      f"WHERE account_id = {acct.id}")
    assert row == [("2024-1", "127.0.0.1", "1")]
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_reg_subscription WHERE account_id = "
                         f"{acct.id} AND application = 'efiling'") == "1"
    page = get(s, ap, "/myaccount")
    assert "<strong>Subscribed</strong>" in page.text
    assert page.text.count(">Subscribe</button>") == 1

    # Accepted only an older version: asked again.
    other = new_account()
    make_attorney(mariadb, other, "8" + str(other.id).zfill(6))
    mariadb.sql(f"INSERT INTO mc_reg_agreement (account_id, version, accepted_at) VALUES "
                f"({other.id}, '2020-1', UTC_TIMESTAMP());"
                f"INSERT INTO mc_reg_subscription (account_id, application, subscribed_at) "
                f"VALUES ({other.id}, 'efiling', UTC_TIMESTAMP())")
    s2, _ = logged_on(ap, other)
    page = get(s2, ap, "/myaccount")
    assert page.text.count(">Subscribe</button>") == 2
    r = subscribe(s2, ap, "efiling")
    assert r.status_code == 303 and location(r).endswith("/registration/agreement")


def test_publications(ap, new_account, mariadb):
    acct = new_account()
    s, _ = logged_on(ap, acct)
    saved(subscribe(s, ap, "publications"), "publications")
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_reg_subscription WHERE account_id = "
                         f"{acct.id} AND application = 'publications'") == "1"
    page = get(s, ap, "/myaccount")
    assert "<strong>Subscribed</strong>" in page.text
    assert "Subscribe to Supreme Court Publications" not in page.text
