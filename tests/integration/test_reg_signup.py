"""Registration plugin, "Create an account" (seed 001 steps 2-15) and the
e-mail verification of new accounts: the wizard over HTTP, every rule
refused with its sentence and the typed values kept, the CAPTCHA (image,
expiry, single use, the accessible alternative), MOBAR verification, and
exactly one account under double submits and concurrent registrations."""
import functools
import re
import secrets
import types
from urllib.parse import urljoin

from harness import web
from helpers_core import (COOKIE, at_once, count_rows, location, logon, logon_full, path_of,
                          sha256_hex)
from helpers_links import main_of, open_link, post_without_token, press
from helpers_recovery import general_log, queued_statements, wait_for_worker

PENDING_COOKIE = "mc_reg_pending"
PASSWORD = "Correct-Horse-Battery-9x"
RULES = ("Answers must be at least 3 characters in length. Answers may not contain part of the "
         "question and should be submitted in English. The same answer should not be provided "
         "for more than one question.")
TAKEN = "Username: this username is already taken."
WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine".split())}
QUESTION_RE = re.compile(r"What is (\w+) (plus|minus) (\w+)\?")
LINK_RE = re.compile(r"(https?://\S+/registration/verify/[A-Za-z0-9_-]{43})")
DONE_TITLE = "eFiling Registration \u2013 Additional Steps Required"
RESENT = "If an account with an unverified e-mail address matches, we have sent a new link."


def _url(ap, path):
    return ap.url("/registration" + path)


def _solve(text):
    """The answer of the accessible alternative's question on a page."""
    m = QUESTION_RE.search(text)
    assert m, "no CAPTCHA question in the page:\n" + text[:3000]
    a, b = WORDS[m.group(1)], WORDS[m.group(3)]
    return str(a + b if m.group(2) == "plus" else a - b)


def _name():
    return "su" + secrets.token_hex(4)


def _person(username=None, **kw):
    username = username or _name()
    d = dict(username=username, password=PASSWORD, first_name="Pat", middle_name="Q",
             last_name="Lawson", suffix="", email=f"{username}@example.test",
             mail_line1="2112 Industrial Drive", mail_line2="", mail_city="Jefferson City",
             mail_state="MO", mail_zip="65101", mail_country="United States",
             business_phone="(573) 526-8842", cell_phone="",
             q=("0", "1", "2"), a=("zeppelin rocks", "grace kelly", "abraham lincoln"))
    d.update(kw)
    return types.SimpleNamespace(**d)


def _start(s, ap, mobar=None, no_mobar=True):
    page = s.get(_url(ap, "/create"), timeout=30)
    assert page.status_code == 200 and "MOBAR Number" in page.text
    fields = {}
    if mobar is not None:
        fields["mobar"] = mobar
    if no_mobar:
        fields["no_mobar"] = "1"
    return web.submit(s, page, fields, with_field="mobar", timeout=30)


def _credentials(s, page, p, **extra):
    fields = {"username": p.username, "password": p.password, "verify_password": p.password,
              "captcha_answer": _solve(page.text)}
    fields.update(extra)
    return web.submit(s, page, fields, with_field="username", timeout=30)


def _name_step(s, page, p, **extra):
    fields = {"first_name": p.first_name, "middle_name": p.middle_name,
              "last_name": p.last_name, "suffix": p.suffix, "email": p.email,
              "email2": p.email}
    fields.update(extra)
    return web.submit(s, page, fields, with_field="first_name", timeout=30)


def _address(s, page, p, **extra):
    fields = {"mail_line1": p.mail_line1, "mail_line2": p.mail_line2, "mail_city": p.mail_city,
              "mail_state": p.mail_state, "mail_zip": p.mail_zip,
              "mail_country": p.mail_country, "bill_same": "1",
              "business_phone": p.business_phone, "cell_phone": p.cell_phone}
    fields.update(extra)
    return web.submit(s, page, fields, with_field="mail_line1", timeout=30)


def _question_fields(p):
    f = {}
    for i in range(3):
        f[f"q{i + 1}"] = p.q[i]
        f[f"a{i + 1}"] = p.a[i]
        f[f"v{i + 1}"] = p.a[i]
    return f


def _questions(s, page, p, **extra):
    fields = _question_fields(p)
    fields.update(extra)
    return web.submit(s, page, fields, with_field="a1", timeout=30)


def _to_questions(s, ap, p, mobar=None):
    r = _start(s, ap, mobar=mobar, no_mobar=mobar is None)
    assert path_of(r.url) == "/registration/create/credentials", r.url
    r = _credentials(s, r, p)
    assert path_of(r.url) == "/registration/create/name", r.url + "\n" + r.text[:3000]
    r = _name_step(s, r, p)
    assert path_of(r.url) == "/registration/create/address", r.url + "\n" + r.text[:3000]
    r = _address(s, r, p)
    assert path_of(r.url) == "/registration/create/questions", r.url + "\n" + r.text[:3000]
    assert RULES in r.text
    return r


def _register(s, ap, p, mobar=None):
    r = _questions(s, _to_questions(s, ap, p, mobar), p)
    assert path_of(r.url) == "/registration/create/done", r.url + "\n" + r.text[:3000]
    return r


def _account(mariadb, username):
    rows = mariadb.sql("SELECT id, status, email_verified, password_hash FROM mc_account "
                       f"WHERE username = '{username}'")
    return rows[0] if rows else None


def _one_account_made(mariadb, username):
    """Exactly one account has username, with its three security answers
    and one e-mail verification code: its id."""
    assert count_rows(mariadb, "mc_account", f"username = '{username}'") == 1
    aid = _account(mariadb, username)[0]
    assert count_rows(mariadb, "mc_reg_answer", f"account_id = {aid}") == 3
    assert count_rows(mariadb, "mc_code", f"purpose = 'verify-email' AND account_id = {aid}") == 1
    return aid


def _pending_hash(s):
    tok = s.cookies.get(PENDING_COOKIE)
    assert tok, "no pending-registration cookie"
    return sha256_hex(tok)


def _refused(r, path, message):
    assert r.status_code == 200, r.status_code
    assert path_of(r.url) == "/registration" + path, r.url
    assert message in r.text, f"{message!r} not in:\n{r.text[:4000]}"


# ---- the whole flow ---------------------------------------------------------------------

def test_root_redirects_to_logon(apache, http):
    r = http.get(_url(apache, "/"), allow_redirects=False, timeout=30)
    assert r.status_code == 303 and path_of(location(r)) == "/account/logon"
    page = http.get(apache.url("/account/logon"), timeout=30)
    assert 'href="/registration/create"' in page.text and "Create an account" in page.text


def test_signup_verify_and_logon(apache, http, mariadb, smtp):
    p = _person()
    page = _to_questions(http, apache, p)
    for i in range(3):   # three selects, different defaults
        assert re.search(rf'<option value="{i}" selected', page.text.split(f'name="q{i + 1}"')[1]
                         .split("</select>")[0]), page.text
    r = _questions(http, page, p)
    assert path_of(r.url) == "/registration/create/done"
    assert f"<h1>{DONE_TITLE}</h1>" in r.text
    assert "within 24 hours" in r.text and "My Applications" in r.text
    assert "Electronic Case Filing" in r.text
    assert not http.cookies.get(PENDING_COOKIE)
    # "Continue" goes to the log on screen.
    r = web.submit(http, r, {}, action_contains="/account/logon", timeout=30)
    assert path_of(r.url) == "/account/logon" and "Logon" in r.text

    acct = _account(mariadb, p.username)
    assert acct and acct[1] == "pending" and acct[2] == "0"
    assert acct[3].startswith("$argon2id$") and PASSWORD not in acct[3]
    aid = acct[0]
    assert mariadb.value(f"SELECT mail_city FROM mc_reg_profile WHERE account_id = {aid}") \
        == "Jefferson City"
    assert mariadb.value(f"SELECT bill_zip FROM mc_reg_profile WHERE account_id = {aid}") \
        == "65101"
    answers = mariadb.sql(f"SELECT slot, question, answer_hash FROM mc_reg_answer "
                          f"WHERE account_id = {aid} ORDER BY slot")
    assert [(a[0], a[1]) for a in answers] == [("1", "0"), ("2", "1"), ("3", "2")]
    assert all(a[2].startswith("$argon2id$") for a in answers)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_account_role WHERE account_id = {aid}") == "0"
    assert mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'account-created' "
                         f"AND account_id = {aid}") == "1"
    assert mariadb.value("SELECT COUNT(*) FROM mc_reg_pending_field "
                         f"WHERE value LIKE '%{PASSWORD}%'") == "0"

    # Cannot log on before the e-mail is verified.
    s2 = web.new_session()
    r = logon(s2, apache, p.username, p.password)
    assert "Your e-mail address has not been verified yet" in r.text
    assert not s2.cookies.get(COOKIE)

    mail = smtp.wait_for(to=p.email, subject="Verify your e-mail address", timeout=20)
    link = LINK_RE.search(mail.body).group(1)
    assert link.startswith(apache.base_url)
    # Opening the link (a mail scanner's HEAD and GET, the person's GET)
    # verifies nothing; its one button does.
    codes = f"SELECT id, used_at FROM mc_code WHERE account_id = {aid} ORDER BY id"
    page = open_link(http, link, lambda: (_account(mariadb, p.username), mariadb.sql(codes)))
    assert "Verify E-mail Address" in main_of(page.text)
    assert _account(mariadb, p.username)[1:3] == ("pending", "0")
    post_without_token(link, lambda: _account(mariadb, p.username))
    r = press(http, page)
    assert "Your e-mail address has been verified. You may now log on." in r.text
    assert 'href="/account/logon"' in r.text
    assert _account(mariadb, p.username)[1:3] == ("active", "1")
    assert mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'email-verified' "
                         f"AND account_id = {aid}") == "1"
    # Single use.
    r = http.get(link, timeout=30)
    assert "already used" in r.text and "/registration/verify/resend" in r.text
    assert "<button" not in main_of(r.text)
    assert "already used" in press(http, page).text
    # Now the logon works (with the e-mailed new-device code).
    logon_full(s2, apache, types.SimpleNamespace(username=p.username, email=p.email,
                                                 password=p.password), smtp=smtp)


def test_verify_link_unknown_and_expired(apache, http, mariadb, smtp):
    r = http.get(_url(apache, "/verify/" + "A" * 43), timeout=30)
    assert "not valid" in r.text and "/registration/verify/resend" in r.text
    r = http.get(_url(apache, "/verify/short"), timeout=30)
    assert "not valid" in r.text
    p = _person()
    _register(http, apache, p)
    mail = smtp.wait_for(to=p.email, subject="Verify your e-mail address", timeout=20)
    link = LINK_RE.search(mail.body).group(1)
    aid = _account(mariadb, p.username)[0]
    mariadb.sql("UPDATE mc_code SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND "
                f"WHERE account_id = {aid} AND purpose = 'verify-email'")
    r = http.get(link, timeout=30)
    assert "has expired" in r.text
    assert _account(mariadb, p.username)[1] == "pending"


def test_resend_verification(apache, http, mariadb, smtp):
    p = _person()
    _register(http, apache, p)
    first = LINK_RE.search(smtp.wait_for(to=p.email, subject="Verify your e-mail",
                                         timeout=20).body).group(1)
    same = RESENT
    page = http.get(_url(apache, "/verify/resend"), timeout=30)
    r = web.submit(http, page, {"ident": "nobody-" + _name()}, with_field="ident", timeout=30)
    assert same in r.text
    r = web.submit(http, page, {"ident": p.username.upper()}, with_field="ident", timeout=30)
    assert same in r.text
    mails = smtp.wait_for(to=p.email, subject="Verify your e-mail", count=2, timeout=20)
    second = LINK_RE.search(mails[1].body).group(1)
    assert second != first
    assert "already used" in http.get(first, timeout=30).text   # the older link is void
    link_page = open_link(http, second, lambda: _account(mariadb, p.username))
    assert "has been verified" in press(http, link_page).text
    # An account already verified gets nothing, and the page says the same.
    r = web.submit(http, page, {"ident": p.email}, with_field="ident", timeout=30)
    assert same in r.text
    assert len(smtp.find(to=p.email, subject="Verify your e-mail")) == 2


def test_resend_limited_per_hour(apache, http, mariadb, smtp):
    p = _person()
    _register(http, apache, p)
    page = http.get(_url(apache, "/verify/resend"), timeout=30)
    for _ in range(6):
        web.submit(http, page, {"ident": p.username}, with_field="ident", timeout=30)
    aid = _account(mariadb, p.username)[0]
    codes = ("SELECT COUNT(*) FROM mc_code WHERE purpose = 'verify-email' "
             f"AND account_id = {aid}")
    # The delivery worker's round makes them; every request is done after it.
    mariadb.wait_for(f"SELECT COUNT(*) FROM mc_reg_recovery WHERE ident = '{p.username}'",
                     lambda rows: rows and rows[0][0] == "0", timeout=15)
    assert mariadb.value(codes) == "5"


def test_resend_runs_the_same_statements(apache, http, new_account, mariadb, smtp):
    """Issue 11 §5: Resend the verification e-mail runs exactly the same SQL
    for a name or address nobody has, an account waiting for its
    verification and an account already verified (it queues the request);
    the lookups, the link and the mail come in the delivery worker's round,
    which sends nothing for the other two."""
    pending = _person()
    _register(http, apache, pending)
    smtp.wait_for(to=pending.email, subject="Verify your e-mail", timeout=20)
    verified = new_account()
    nobody = "nobody" + secrets.token_hex(4)
    wait_for_worker(mariadb)

    def traced(ident):
        page = http.get(_url(apache, "/verify/resend"), timeout=30)
        t0 = mariadb.value("SELECT NOW(6)")
        r = web.submit(http, page, {"ident": ident}, with_field="ident", timeout=30)
        t1 = mariadb.value("SELECT NOW(6)")
        assert r.status_code == 200 and RESENT in r.text, r.text[-1500:]
        return queued_statements(mariadb, t0, t1)

    with general_log(mariadb):
        for idents in ((pending.username, verified.username, nobody),
                       (pending.email, verified.email, nobody + "@example.test")):
            ran = [traced(i) for i in idents]
            assert ran[0] == ran[1] == ran[2], ran
            assert any("INSERT INTO mc_reg_recovery" in x for x in ran[0]), ran[0]
            assert not any("mc_account" in x or "mc_code" in x or "mc_outbox" in x
                           for x in ran[0]), ran[0]
    # The round did the rest: the account waiting got its two new links ...
    smtp.wait_for(to=pending.email, subject="Verify your e-mail", count=3, timeout=20)
    # ... and nothing went to the verified account or to nobody.
    mariadb.wait_for(f"SELECT COUNT(*) FROM mc_reg_recovery WHERE ident LIKE '{nobody}%'",
                     lambda rows: rows and rows[0][0] == "0", timeout=15)
    assert not smtp.find(to=verified.email, subject="Verify your e-mail")
    assert mariadb.value("SELECT COUNT(*) FROM mc_outbox WHERE recipient LIKE "
                         f"'{nobody}%'") == "0"


# ---- each rule refused, typed values kept -------------------------------------------------

def test_mobar_choice_required_and_exclusive(apache, http):
    page = http.get(_url(apache, "/create"), timeout=30)
    r = web.submit(http, page, {}, with_field="mobar", timeout=30)
    _refused(r, "/create", "MOBAR Number: enter your MOBAR number, or check")
    assert not http.cookies.get(PENDING_COOKIE)   # nothing stored
    r = web.submit(http, page, {"mobar": "12345", "no_mobar": "1"}, with_field="mobar",
                   timeout=30)
    _refused(r, "/create", "not both")
    assert 'value="12345"' in r.text
    r = web.submit(http, page, {"mobar": "12a45"}, with_field="mobar", timeout=30)
    _refused(r, "/create", "MOBAR Number: use digits only.")
    # The later steps are not reachable without the first.
    r = http.get(_url(apache, "/create/questions"), allow_redirects=False, timeout=30)
    assert r.status_code == 303 and path_of(location(r)) == "/registration/create"


def test_pending_cookie_attributes(apache, http, mariadb):
    r = _start(http, apache)
    raw = [h for h in r.history[0].raw.headers.getlist("Set-Cookie")
           if h.startswith(PENDING_COOKIE + "=")]
    assert raw, r.history[0].headers
    attrs = raw[0].lower()
    assert "httponly" in attrs and "samesite=lax" in attrs and "path=/;" in attrs + ";"
    tok = http.cookies.get(PENDING_COOKIE)
    assert mariadb.value("SELECT COUNT(*) FROM mc_reg_pending WHERE token_hash = "
                         f"'{sha256_hex(tok)}'") == "1"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_reg_pending WHERE token_hash = '{tok}'") == "0"


def test_credentials_rules(apache, http, new_account):
    existing = new_account()
    p = _person()
    page = _start(http, apache)
    # Taken, whatever the case.
    r = _credentials(http, page, p, username=existing.username.upper())
    _refused(r, "/create/credentials", TAKEN)
    assert f'value="{existing.username.upper()}"' in r.text
    r = _credentials(http, r, p, username="ab!cdefg")
    _refused(r, "/create/credentials", "Username: '!' is not allowed")
    assert 'value="ab!cdefg"' in r.text
    r = _credentials(http, r, p, password="short", verify_password="short")
    _refused(r, "/create/credentials", "Password: Your password must be at least")
    assert f'value="{p.username}"' in r.text
    r = _credentials(http, r, p, verify_password=PASSWORD + "x")
    _refused(r, "/create/credentials", "Verify Password: the passwords do not match.")
    assert f'value="{p.username}"' in r.text
    r = _credentials(http, r, p)
    assert path_of(r.url) == "/registration/create/name"


def test_captcha_wrong_expired_reused(apache, http, mariadb):
    p = _person()
    page = _start(http, apache)
    wrong = str(int(_solve(page.text)) + 1)
    r = _credentials(http, page, p, captcha_answer=wrong)
    _refused(r, "/create/credentials", "Enter the phrase that shows in the box: the phrase")
    assert f'value="{p.username}"' in r.text
    # Nothing entered.
    r = _credentials(http, r, p, captcha_answer="")
    _refused(r, "/create/credentials", "Enter the phrase that shows in the box: enter the phrase")
    # Reused: a correct answer, spent by a submit refused for another
    # reason, is refused the second time (retried until the new question
    # happens to have another answer; those submits do not count as wrong).
    for _ in range(10):
        answer = _solve(r.text)
        r = _credentials(http, r, p, verify_password="nope")
        _refused(r, "/create/credentials", "Verify Password")
        if _solve(r.text) != answer:
            break
    r = _credentials(http, r, p, captcha_answer=answer)
    _refused(r, "/create/credentials", "not correct or was already used")
    # Expired.
    h = _pending_hash(http)
    mariadb.sql("UPDATE mc_reg_pending SET question_expires = UTC_TIMESTAMP() - INTERVAL 1 "
                f"SECOND WHERE token_hash = '{h}'")
    r = _credentials(http, r, p)
    _refused(r, "/create/credentials", "has expired")
    # A wrong phrase from the image.
    img = http.get(_url(apache, "/create/captcha"), timeout=30)
    assert img.status_code == 200
    r = _credentials(http, r, p, captcha_answer="", captcha="QQQQQ")
    _refused(r, "/create/credentials", "not correct")
    assert mariadb.value(f"SELECT captcha_tries FROM mc_reg_pending WHERE token_hash = '{h}'") \
        == "4"
    # The fifth wrong answer discards the registration.
    r = _credentials(http, r, p, captcha_answer="99")
    assert "Please start again" in r.text
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_reg_pending WHERE token_hash = '{h}'") == "0"


def test_questions_without_registration(apache, http):
    page = _start(http, apache)
    http.cookies.set(PENDING_COOKIE, None)   # (or expired after 24 hours)
    r = http.post(_url(apache, "/create/questions"),
                  data={"mc_csrf": web.find_form(page.text, with_field="username")["fields"]
                        ["mc_csrf"]}, timeout=30)
    assert r.status_code == 200 and "no longer in progress" in r.text


def test_captcha_image(apache, http, mariadb):
    r = http.get(_url(apache, "/create/captcha"), timeout=30)
    assert r.status_code == 404   # no registration in progress
    page = _start(http, apache)
    assert re.search(r'<img src="/registration/create/captcha\?r=\d+" alt="[^"]+"', page.text)
    assert "Can't see the image?" in page.text
    assert "Enter the phrase that shows in the box" in page.text
    h = _pending_hash(http)
    a = http.get(_url(apache, "/create/captcha"), timeout=30)
    first_hash = mariadb.value(f"SELECT captcha_hash FROM mc_reg_pending WHERE token_hash = '{h}'")
    b = http.get(_url(apache, "/create/captcha"), timeout=30)
    second_hash = mariadb.value(f"SELECT captcha_hash FROM mc_reg_pending WHERE token_hash = '{h}'")
    for img in (a, b):
        assert img.status_code == 200
        assert img.headers["Content-Type"] == "image/bmp"
        assert "no-store" in img.headers["Cache-Control"]
        assert img.content[:2] == b"BM"
        assert int.from_bytes(img.content[2:6], "little") == len(img.content)
        assert 10_000 < len(img.content) < 200_000
        width = int.from_bytes(img.content[18:22], "little")
        height = int.from_bytes(img.content[22:26], "little")
        assert 100 <= width <= 400 and 30 <= height <= 200
    assert a.content != b.content
    assert first_hash and second_hash and first_hash != second_hash and len(first_hash) == 64


def test_name_rules(apache, http):
    p = _person()
    r = _credentials(http, _start(http, apache), p)
    r = _name_step(http, r, p, email2="other@example.test", first_name="")
    _refused(r, "/create/name", "First Name: this field is required.")
    assert "Verify E-mail Address: the e-mail addresses do not match." in r.text
    assert 'value="Lawson"' in r.text and 'value="other@example.test"' in r.text
    r = _name_step(http, r, p, email="not-an-address", email2="not-an-address")
    _refused(r, "/create/name", "E-mail Address: enter an address such as name@example.com.")
    r = _name_step(http, r, p)
    assert path_of(r.url) == "/registration/create/address"


def test_address_rules(apache, http):
    p = _person()
    r = _name_step(http, _credentials(http, _start(http, apache), p), p)
    r = _address(http, r, p, business_phone="12ab", mail_zip="6510")
    _refused(r, "/create/address", "Business Phone: use digits, spaces and ( ) - . + only.")
    assert "Mailing Address: the ZIP code must be 5 digits" in r.text
    assert 'value="12ab"' in r.text and 'value="6510"' in r.text
    assert 'value="Jefferson City"' in r.text
    # A separate billing address is checked too.
    r = _address(http, r, p, bill_same="", bill_line1="", bill_city="", bill_state="",
                 bill_zip="")
    _refused(r, "/create/address", "Billing Address: enter the street address.")
    r = _address(http, r, p)
    assert path_of(r.url) == "/registration/create/questions"


def test_question_rules(apache, http, mariadb):
    p = _person()
    page = _to_questions(http, apache, p)
    cases = [
        (dict(a2="zeppelin rocks", v2="zeppelin rocks"),
         "Answer 2: the same answer should not be provided for more than one question."),
        (dict(a1="my favorite band", v1="my favorite band"),
         "Answer 1: answers may not contain part of the question."),
        (dict(a3="ab", v3="ab"), "Answer 3: answers must be at least 3 characters in length."),
        (dict(q2="0"), "Question 2: choose three different questions."),
        (dict(v3="abraham lincolnx"), "Verify Answer 3: the answers do not match."),
    ]
    r = page
    for fields, message in cases:
        r = _questions(http, r, p, **fields)
        _refused(r, "/create/questions", message)
        for k, v in fields.items():
            if k[0] in "av":
                assert f'value="{v}"' in r.text, (k, v)
    assert _account(mariadb, p.username) is None   # nothing half-made
    r = _questions(http, r, p, q1="5", q2="6", q3="7")
    assert path_of(r.url) == "/registration/create/done"
    aid = _account(mariadb, p.username)[0]
    assert mariadb.value(f"SELECT GROUP_CONCAT(question ORDER BY slot) FROM mc_reg_answer "
                         f"WHERE account_id = {aid}") == "5,6,7"


def test_back_keeps_values(apache, http):
    p = _person(middle_name="Quincy", mail_line2="Suite 9", cell_phone="573-555-0100")
    r = _to_questions(http, apache, p)
    back = http.get(_url(apache, "/create/address"), timeout=30)
    assert 'value="Suite 9"' in back.text and 'value="573-555-0100"' in back.text
    assert re.search(r'id="bill_same"[^>]*checked', back.text)
    back = http.get(_url(apache, "/create/name"), timeout=30)
    assert 'value="Quincy"' in back.text and f'value="{p.email}"' in back.text
    back = http.get(_url(apache, "/create/credentials"), timeout=30)
    assert f'value="{p.username}"' in back.text
    assert "Your password is saved" in back.text
    back = http.get(_url(apache, "/create"), timeout=30)
    assert re.search(r'id="no_mobar"[^>]*checked', back.text)
    # The back links are on the pages.
    assert 'href="/registration/create/address"' in r.text
    # Continue again through credentials with the saved password (blank fields).
    page = http.get(_url(apache, "/create/credentials"), timeout=30)
    r = web.submit(http, page, {"captcha_answer": _solve(page.text)}, with_field="username",
                   timeout=30)
    assert path_of(r.url) == "/registration/create/name"
    assert 'value="Quincy"' in r.text


# ---- MOBAR ----------------------------------------------------------------------------------

def _roster(mariadb, last="Lawson", status="Active"):
    number = str(secrets.randbelow(10 ** 7) + 10 ** 7)
    mariadb.sql("INSERT INTO mc_bar_roster (bar_number, last_name, first_name, status) "
                f"VALUES ('{number}', '{last}', 'Pat', '{status}')")
    return number


def test_mobar_verified_gets_attorney_role(apache, http, mariadb):
    number = _roster(mariadb)
    p = _person()
    _register(http, apache, p, mobar=number)
    aid = _account(mariadb, p.username)[0]
    assert mariadb.value(f"SELECT role FROM mc_account_role WHERE account_id = {aid}") \
        == "attorney"
    assert mariadb.value("SELECT mobar_verified_at IS NOT NULL FROM mc_reg_profile WHERE "
                         f"mobar_number = '{number}'") == "1"


def test_mobar_not_matching_refused(apache, http, mariadb):
    number = _roster(mariadb, last="Someone")
    p = _person()
    r = _credentials(http, _start(http, apache, mobar=number, no_mobar=False), p)
    h = _pending_hash(http)
    r = _name_step(http, r, p)
    _refused(r, "/create/name", "MOBAR Number: this number and last name do not match")
    assert 'value="Lawson"' in r.text
    # Nothing changed: the step is not done and nothing of it was saved.
    assert mariadb.value(f"SELECT step FROM mc_reg_pending WHERE token_hash = '{h}'") == "2"
    assert mariadb.value("SELECT COUNT(*) FROM mc_reg_pending_field f JOIN mc_reg_pending p ON "
                         f"p.id = f.pending_id WHERE p.token_hash = '{h}' AND "
                         "f.name = 'last_name'") == "0"
    r = http.get(_url(apache, "/create/address"), allow_redirects=False, timeout=30)
    assert r.status_code == 303 and path_of(location(r)) == "/registration/create/name"


# ---- exactly one account --------------------------------------------------------------------

def _post_raw(s, page, fields):
    form = web.find_form(page.text, with_field="a1")
    data = dict(form["fields"])
    data.update(fields)
    return s.post(urljoin(page.url, form["action"]), data=data, allow_redirects=False,
                  timeout=60)


def test_double_submit_makes_one_account(apache, http, mariadb):
    p = _person()
    page = _to_questions(http, apache, p)
    fields = _question_fields(p)
    results = [r for r, _, _ in at_once(*[lambda: _post_raw(http, page, fields)] * 2)]
    # One made the account; the other either saw the registration consumed
    # inside its transaction (-> done) or found it gone (-> a message).
    done = [r for r in results if r.status_code == 303 and
            path_of(location(r)) == "/registration/create/done"]
    assert len(done) >= 1, [(r.status_code, r.text[:500]) for r in results]
    for r in results:
        if r not in done:
            assert r.status_code == 200 and "no longer in progress" in r.text, r.text[:2000]
    _one_account_made(mariadb, p.username)


def test_concurrent_same_username(apache, mariadb):
    name = _name()
    people = [_person(username=name, email=f"{name}-{i}@example.test") for i in range(2)]
    browsers = [web.new_session() for _ in range(2)]
    pages = [_to_questions(b, apache, p) for b, p in zip(browsers, people)]
    results = [r for r, _, _ in at_once(*(
        functools.partial(_post_raw, b, page, _question_fields(p))
        for b, page, p in zip(browsers, pages, people)))]
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_account WHERE username = '{name}'") == "1"
    won = [r for r in results if r.status_code == 303]
    lost = [r for r in results if r.status_code == 200]
    assert len(won) == 1 and len(lost) == 1, [(r.status_code, r.text[:300]) for r in results]
    assert TAKEN in lost[0].text
    assert 'name="username"' in lost[0].text and f'value="{name}"' in lost[0].text
    # The loser keeps the rest: a new username, then the saved steps go through.
    i = results.index(lost[0])
    b, p = browsers[i], people[i]
    lost_page = b.get(_url(apache, "/create/credentials"), timeout=30)
    p.username = _name()
    r = _credentials(b, lost_page, p)
    assert path_of(r.url) == "/registration/create/name"
    assert f'value="{p.email}"' in r.text
    r = web.submit(b, r, {}, with_field="first_name", timeout=30)
    r = web.submit(b, r, {}, with_field="mail_line1", timeout=30)
    r = _questions(b, r, p)
    assert path_of(r.url) == "/registration/create/done"
    assert _account(mariadb, p.username) is not None


def test_mobar_added_later_is_verified_again(apache, http, mariadb):
    number = _roster(mariadb)
    p = _person()
    _to_questions(http, apache, p)
    # Back to step a: a MOBAR number instead of "I do not have one".
    page = http.get(_url(apache, "/create"), timeout=30)
    r = web.submit(http, page, {"mobar": number, "no_mobar": ""}, with_field="mobar", timeout=30)
    assert path_of(r.url) == "/registration/create/credentials"
    # The name step (where the number is checked) must be confirmed again.
    r = http.get(_url(apache, "/create/questions"), allow_redirects=False, timeout=30)
    assert r.status_code == 303 and path_of(location(r)) == "/registration/create/name"
    r = web.submit(http, http.get(_url(apache, "/create/name"), timeout=30), {},
                   with_field="first_name", timeout=30)
    assert path_of(r.url) == "/registration/create/address", r.text[:3000]
    r = web.submit(http, r, {}, with_field="mail_line1", timeout=30)
    r = _questions(http, r, p)
    assert path_of(r.url) == "/registration/create/done"
    aid = _account(mariadb, p.username)[0]
    assert mariadb.value(f"SELECT role FROM mc_account_role WHERE account_id = {aid}") \
        == "attorney"


def test_credentials_strict_preset(make_apache):
    """MoCourtsPasswordPolicy strict at registration: 12+ characters, no
    composition rules, common passwords refused; a long passphrase passes."""
    ap = make_apache(overrides={"MoCourtsPasswordPolicy": "strict"})
    s = web.new_session()
    p = _person()
    page = _start(s, ap)
    # 11 characters with every class: the court preset would take it.
    r = _credentials(s, page, p, password="Short-Pass1", verify_password="Short-Pass1")
    _refused(r, "/create/credentials", "Password: ")
    assert "12" in r.text
    r = _credentials(s, r, p, password="password1234", verify_password="password1234")
    _refused(r, "/create/credentials", "Password: ")
    long_phrase = "correct horse battery staple on the courthouse steps " * 2
    r = _credentials(s, r, p, password=long_phrase, verify_password=long_phrase)
    assert path_of(r.url) == "/registration/create/name", r.url
