"""Registration: Forgot Password and Forgot Username (seed 002).

Forgot Password: the e-mailed link (single use, 1 hour, bound to its
purpose), the security questions one at a time (never saying which answer
was wrong; wrong answers count toward the logon lock-out), the new password
under the policy; every old session ends and a notice is sent. Neither page
says whether an account exists.
"""
import re
import statistics
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from harness import web
from helpers_core import (LOGON, MSG_BAD, MSG_LOCKED, audited, is_logged_on, logon, logon_full,
                          new_browser, path_of, sha256_hex)
from helpers_recovery import (ANSWERS, general_log, queued_statements, recovery_settled,
                              set_answers, wait_for_worker)

REG = "/registration"
QUESTIONS = [
    "What is the first and last name of your all-time favorite musician?",
    "What is the first and last name of your all-time favorite movie actor?",
    "What famous, now deceased person would you like to have met?",
]
MSG_SENT = ("If an account matches, we have sent a link to its e-mail address. The link is "
            "valid for 1 hour.")
MSG_USERNAME_SENT = "If an account uses this e-mail address, we have sent its username to it."
MSG_WRONG = "The answers you gave do not match our records."
MSG_DONE = "Your password has been reset. You may now log on."
MSG_LINK_BAD = "This link is not valid or has already been used."
MSG_LINK_EXPIRED = "This link has expired."
MSG_STATE_GONE = "This password reset is no longer valid"
MSG_RESET_LOCKED = "This account is locked because of too many failed attempts"
RESET_SUBJECT = "Reset your password"
LINK_RE = re.compile(r"(http://\S+/registration/reset/([A-Za-z0-9_-]{43}))")
NEW_PASSWORD = "Brand-New-Passw0rd-x"


def ask_reset(s, ap, ident):
    page = s.get(ap.url(REG + "/forgot-password"), timeout=30)
    assert page.status_code == 200, page.status_code
    assert "Enter the e-mail address or username registered with your account." in page.text
    return web.submit(s, page, {"ident": ident}, with_field="ident", timeout=30)


def reset_links(smtp, email, count=1):
    found = smtp.wait_for(to=email, subject=RESET_SUBJECT, count=count, timeout=15)
    mails = found if isinstance(found, list) else [found]
    links = []
    for m in mails:
        match = LINK_RE.search(m.body)
        assert match, m.body
        links.append(match.group(1))
    return links


def new_link(s, ap, smtp, account, ident=None):
    before = len(smtp.find(to=account.email, subject=RESET_SUBJECT))
    r = ask_reset(s, ap, ident or account.username)
    assert r.status_code == 200 and MSG_SENT in r.text
    return reset_links(smtp, account.email, before + 1)[before]


def open_link(s, link):
    """Open the e-mailed link and select Continue: the first question."""
    page = s.get(link, timeout=30)
    assert page.status_code == 200, page.text[:1500]
    return web.submit(s, page, {}, action_contains="/registration/reset/", timeout=30)


def plain(html):
    """The page's text without tags."""
    return re.sub(r"<[^>]+>", "", html)


def answer(s, page, text):
    return web.submit(s, page, {"answer": text}, with_field="answer", timeout=30)


def answer_all(s, page, answers):
    for i, a in enumerate(answers):
        assert f"Question {i + 1} of 3" in plain(page.text), page.text[:2000]
        assert QUESTIONS[i] in page.text
        page = answer(s, page, a)
    return page


def test_forgot_password_full_path(apache, new_account, smtp, mariadb):
    ap, acct = apache, new_account()
    set_answers(mariadb, acct)
    old = new_browser()
    logon_full(old, ap, acct, smtp)
    assert is_logged_on(old, ap)
    # The Logon page links to Forgot Password.
    assert f'href="{REG}/forgot-password"' in new_browser().get(ap.url(LOGON)).text

    b = new_browser()
    link = new_link(b, ap, smtp, acct, ident=acct.email)
    page = open_link(b, link)
    assert path_of(page.url) == REG + "/reset/question"
    # One question at a time: the second is not on the first's page.
    assert QUESTIONS[0] in page.text and QUESTIONS[1] not in page.text
    page = answer_all(b, page, ["  jimi   HENDRIX ", ANSWERS[1], ANSWERS[2]])
    assert path_of(page.url) == REG + "/reset/password", page.text[:2000]
    assert "New Password" in page.text and "Verify New Password" in page.text
    done = web.submit(b, page, {"new_password": NEW_PASSWORD, "verify_password": NEW_PASSWORD},
                      with_field="new_password", timeout=30)
    assert done.status_code == 200 and MSG_DONE in done.text, done.text[:2000]
    assert "/account/logon" in done.text

    # Every old session ended; a notice was sent; the event audited.
    assert not is_logged_on(old, ap)
    notice = smtp.wait_for(to=acct.email, subject="Your password was reset", timeout=15)
    assert acct.username in notice.body
    assert mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'password-reset' AND "
                         f"account_id = {acct.id}") == "1"
    # The new password works, the old one does not.
    r = logon(new_browser(), ap, acct.username, acct.password)
    assert MSG_BAD in r.text
    logon_full(new_browser(), ap, acct, smtp, password=NEW_PASSWORD)
    # The link was single use.
    again = new_browser().get(link, timeout=30)
    assert MSG_LINK_BAD in again.text
    # The link is stored hashed, never in clear.
    token = LINK_RE.search(link).group(2)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_code WHERE code_hash = '{token}'") == "0"
    assert mariadb.value("SELECT COUNT(*) FROM mc_code WHERE code_hash = "
                         f"'{sha256_hex(token)}' AND purpose = 'reset'") == "1"


def _normalise(html):
    return re.sub(r'name="mc_csrf" value="[^"]*"', 'name="mc_csrf"', html)


def test_same_answer_known_and_unknown(apache, new_account, smtp):
    ap, acct = apache, new_account()
    s = new_browser()
    s.get(ap.url(REG + "/forgot-password"))   # the pre-session cookie first
    known = ask_reset(s, ap, acct.username)
    unknown = ask_reset(s, ap, "nobody" + secrets.token_hex(4))
    known_mail = ask_reset(s, ap, acct.email)
    unknown_mail = ask_reset(s, ap, f"nobody{secrets.token_hex(4)}@example.test")
    for r in (known, unknown, known_mail, unknown_mail):
        assert r.status_code == 200 and MSG_SENT in r.text
    assert _normalise(known.text) == _normalise(unknown.text)
    assert _normalise(known_mail.text) == _normalise(unknown_mail.text)
    assert known.text.count(acct.username) == 0
    reset_links(smtp, acct.email, 2)   # the known account did get its links


def test_link_expired_replaced_and_wrong_purpose(apache, new_account, smtp, mariadb):
    ap, acct = apache, new_account()
    set_answers(mariadb, acct)
    b = new_browser()
    first = new_link(b, ap, smtp, acct)
    second = new_link(b, ap, smtp, acct)
    # A newer link voids the older one.
    assert MSG_LINK_BAD in b.get(first, timeout=30).text
    # Expired while in progress, then the link itself.
    page = open_link(b, second)
    assert QUESTIONS[0] in page.text
    mariadb.sql("UPDATE mc_code SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE "
                f"account_id = {acct.id} AND purpose = 'reset'", database="mocourts")
    r = answer(b, page, ANSWERS[0])
    assert MSG_STATE_GONE in r.text and "Start again" in r.text
    r = b.get(second, timeout=30)
    assert MSG_LINK_EXPIRED in r.text and "Start again" in r.text
    # A token of another purpose (a device code, an e-mail verification) is
    # not a reset link.
    for purpose in ("device", "verify-email"):
        tok = secrets.token_urlsafe(32)[:43]
        mariadb.sql("INSERT INTO mc_code (account_id, purpose, code_hash, created_at, expires_at) "
                    f"VALUES ({acct.id}, '{purpose}', '{sha256_hex(tok)}', UTC_TIMESTAMP(), "
                    "UTC_TIMESTAMP() + INTERVAL 1 HOUR)", database="mocourts")
        r = b.get(ap.url(f"{REG}/reset/{tok}"), timeout=30)
        assert MSG_LINK_BAD in r.text
        assert "Continue" not in r.text
    # The questions cannot be reached without an opened link.
    r = new_browser().get(ap.url(REG + "/reset/question"), timeout=30)
    assert MSG_STATE_GONE in r.text
    r = new_browser().get(ap.url(REG + "/reset/password"), timeout=30)
    assert MSG_STATE_GONE in r.text


def test_wrong_answers_never_named_and_lock_the_account(apache, new_account, smtp, mariadb):
    ap, acct = apache, new_account()
    set_answers(mariadb, acct)
    b = new_browser()
    page = open_link(b, new_link(b, ap, smtp, acct))
    # Round 1: the first answer wrong. Nothing is said until the end.
    p2 = answer(b, page, "wrong answer")
    assert "Question 2 of 3" in plain(p2.text) and MSG_WRONG not in p2.text
    assert 'role="alert"' not in p2.text
    p3 = answer(b, p2, ANSWERS[1])
    assert "Question 3 of 3" in plain(p3.text) and MSG_WRONG not in p3.text
    end1 = answer(b, p3, ANSWERS[2])
    assert MSG_WRONG in end1.text and "Question 1 of 3" in plain(end1.text)
    # Round 2: the last answer wrong; the page says exactly the same.
    end2 = answer_all(b, end1, [ANSWERS[0], ANSWERS[1], "wrong answer"])
    assert _normalise(end2.text) == _normalise(end1.text)
    # Wrong answers counted toward the lock-out (5 by default): 2 so far.
    r = logon(new_browser(), ap, acct.username, "not-the-password-1A")
    assert MSG_BAD in r.text            # 3 failures
    # Round 3: two more wrong answers lock the account.
    end3 = answer_all(b, end2, ["wrong answer", "another wrong", ANSWERS[2]])
    assert MSG_RESET_LOCKED in end3.text, end3.text[:2000]
    assert MSG_WRONG not in end3.text
    # Locked: the right password is refused, as at logon.
    r = logon(new_browser(), ap, acct.username, acct.password)
    assert MSG_LOCKED in r.text
    # A new link cannot be used either while locked.
    b2 = new_browser()
    r = open_link(b2, new_link(b2, ap, smtp, acct))
    assert MSG_RESET_LOCKED in r.text and "Answer" not in r.text
    assert mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'password-reset-answers' "
                         f"AND account_id = {acct.id}") == "3"


def test_answer_at_a_rounds_start_tells_a_lock_that_came_meanwhile(apache, new_account, smtp,
                                                                    mariadb):
    """An answer to the first question, posted after the account was locked
    elsewhere (here by wrong passwords at logon), is told the lock at once:
    the round's start says it (as the question's page would), and the reset
    ends there. Answers sent at once that find the round already ended by
    another land here too, so a burst that locks the account always tells
    someone why."""
    ap, acct = apache, new_account()
    set_answers(mariadb, acct)
    b = new_browser()
    page = open_link(b, new_link(b, ap, smtp, acct))
    assert "Question 1 of 3" in plain(page.text)
    for i in range(5):
        r = logon(new_browser(), ap, acct.username, f"not-the-password-{i}A")
    assert MSG_LOCKED in r.text
    r = answer(b, page, ANSWERS[0])
    assert MSG_RESET_LOCKED in r.text, r.text[:2000]
    assert "Question 2 of 3" not in plain(r.text) and "Answer" not in r.text
    # Nothing was checked while locked, and the browser's reset is over.
    assert audited(mariadb, "password-reset-answer-wrong", account_id=acct.id) == 0
    assert MSG_STATE_GONE in b.get(ap.url(REG + "/reset/question"), timeout=30).text


def _at_the_last_question(ap, smtp, acct):
    """A browser whose reset of acct is at its last question (the first two
    answered right): (browser, the form's fields)."""
    b = new_browser()
    page = answer_all(b, open_link(b, new_link(b, ap, smtp, acct)), ANSWERS[:2])
    assert "Question 3 of 3" in plain(page.text), page.text[:2000]
    return b, dict(web.find_form(page.text, with_field="answer")["fields"])


@pytest.mark.timing
def test_parallel_answers_check_at_most_the_limit(make_apache, new_account, smtp, mariadb):
    """Issue 11 §1: 30 answers to the last question posted at once with the
    same reset, spread over two nodes of one database, three times (the
    first with 30 wrong answers, then 29 wrong and the right one): at most 5
    (the site's MoCourtsLockout) wrong answers are ever checked (each one
    checked leaves a password-reset-answer-wrong audit row), every other
    answer is refused unchecked, and the right one gets through only if it
    was checked before the lock. Without the right one through, the account
    ends locked with exactly 5 failures: a new link then shows the lock, and
    the right password is refused at logon."""
    conf = {"MoCourtsNewDeviceCode": "Off", "MoCourtsLockout": "5 30m"}
    nodes = [make_apache(overrides=conf), make_apache(overrides=conf)]
    n = 30
    for round_ in range(3):
        acct = new_account()
        set_answers(mariadb, acct)
        b, fields = _at_the_last_question(nodes[0], smtp, acct)
        right = None if round_ == 0 else (round_ * 11) % n
        start = threading.Barrier(n)

        def go(i):
            s = new_browser()
            s.cookies.update(b.cookies)
            data = dict(fields, answer=ANSWERS[2] if i == right else f"Wrong Guess {i}")
            start.wait()
            r = s.post(nodes[i % 2].url(REG + "/reset/question"), data=data,
                       allow_redirects=False, timeout=60)
            s.close()
            return r.status_code, r.headers.get("Location", ""), r.text

        with ThreadPoolExecutor(n) as pool:
            answers = list(pool.map(go, range(n)))
        assert {a[0] for a in answers} <= {200, 303}, [a[0] for a in answers]
        checked = audited(mariadb, "password-reset-answer-wrong", account_id=acct.id)
        assert checked <= 5, (round_, checked)
        through = right is not None and answers[right][0] == 303 and \
            answers[right][1].endswith(REG + "/reset/password")
        if through:
            continue
        assert checked == 5, (round_, checked)
        assert mariadb.value("SELECT failures FROM mc_logon_throttle WHERE subject = "
                             f"SHA2('account:{acct.id}', 256) AND locked_until > "
                             "UTC_TIMESTAMP()") == "5"
        assert any(MSG_RESET_LOCKED in a[2] for a in answers)
        # Locked: a new link shows the lock, and logon refuses the password.
        b2 = new_browser()
        r = open_link(b2, new_link(b2, nodes[1], smtp, acct))
        assert MSG_RESET_LOCKED in r.text and "Answer" not in r.text
        assert MSG_LOCKED in logon(new_browser(), nodes[1], acct.username, acct.password).text
        b.close()


def test_link_void_after_five_failed_rounds(make_apache, new_account, smtp, mariadb):
    """With a lock-out too high to stop it first, the link itself gives out."""
    ap = make_apache(overrides={"MoCourtsLockout": "100 30m", "MoCourtsNewDeviceCode": "Off"})
    acct = new_account()
    set_answers(mariadb, acct)
    b = new_browser()
    page = open_link(b, new_link(b, ap, smtp, acct))
    for i in range(5):
        page = answer_all(b, page, [ANSWERS[0], "wrong answer", ANSWERS[2]])
        assert MSG_WRONG in page.text
    assert "This link can no longer be used." in page.text and "Answer" not in page.text
    assert MSG_STATE_GONE in b.get(ap.url(REG + "/reset/question"), timeout=30).text
    assert MSG_LINK_BAD in b.get(reset_links(smtp, acct.email)[-1], timeout=30).text


def test_reset_links_limited_per_hour(apache, new_account, smtp, mariadb):
    ap, acct = apache, new_account()
    s = new_browser()
    for _ in range(7):
        assert MSG_SENT in ask_reset(s, ap, acct.username).text
    reset_links(smtp, acct.email, 5)
    recovery_settled(mariadb, smtp, acct.username, acct.email)
    assert len(smtp.find(to=acct.email, subject=RESET_SUBJECT)) == 5


def test_new_password_policy(apache, new_account, smtp, mariadb):
    ap, acct = apache, new_account()
    set_answers(mariadb, acct)
    b = new_browser()
    page = answer_all(b, open_link(b, new_link(b, ap, smtp, acct)), ANSWERS)
    assert path_of(page.url) == REG + "/reset/password"
    for pw, again, why in (("short1A", "short1A", "password"),
                           (NEW_PASSWORD, NEW_PASSWORD + "x", "do not match"),
                           ("alllowercase-no-digits", "alllowercase-no-digits", "password")):
        r = web.submit(b, page, {"new_password": pw, "verify_password": again},
                       with_field="new_password", timeout=30)
        assert MSG_DONE not in r.text and why in r.text and 'role="alert"' in r.text
    # Unchanged: the old password still works.
    logon_full(new_browser(), ap, acct, smtp)
    r = web.submit(b, page, {"new_password": NEW_PASSWORD, "verify_password": NEW_PASSWORD},
                   with_field="new_password", timeout=30)
    assert MSG_DONE in r.text


def ask_username(s, ap, email):
    page = s.get(ap.url(REG + "/forgot-username"), timeout=30)
    assert page.status_code == 200
    return web.submit(s, page, {"email": email}, with_field="email", timeout=30)


def test_forgot_username(apache, new_account, smtp, mariadb):
    ap = apache
    email = f"shared{secrets.token_hex(4)}@example.test"
    a1, a2 = new_account(email=email), new_account(email=email)
    s = new_browser()
    s.get(ap.url(REG + "/forgot-username"))
    known = ask_username(s, ap, email)
    unknown = ask_username(s, ap, f"nobody{secrets.token_hex(4)}@example.test")
    assert known.status_code == unknown.status_code == 200
    assert MSG_USERNAME_SENT in known.text
    assert _normalise(known.text) == _normalise(unknown.text)
    mail = smtp.wait_for(to=email, subject="Your username", timeout=15)
    assert a1.username in mail.body and a2.username in mail.body   # one e-mail, both
    # At most 3 an hour per address, silently.
    for _ in range(3):
        assert MSG_USERNAME_SENT in ask_username(s, ap, email).text
    smtp.wait_for(to=email, subject="Your username", count=3, timeout=15)
    recovery_settled(mariadb, smtp, email, email)
    assert len(smtp.find(to=email, subject="Your username")) == 3


# ---- issue 11 §5: the same work whether or not an account matches --------------------

def _post_traced(mariadb, s, ap, path, field, value):
    page = s.get(ap.url(REG + path), timeout=30)
    t0 = mariadb.value("SELECT NOW(6)")
    r = web.submit(s, page, {field: value}, with_field=field, timeout=30)
    t1 = mariadb.value("SELECT NOW(6)")
    assert r.status_code == 200 and (MSG_SENT in r.text or MSG_USERNAME_SENT in r.text), \
        r.text[-1500:]
    return queued_statements(mariadb, t0, t1)


def test_forgot_pages_run_the_same_statements(apache, new_account, smtp, mariadb):
    """By structure, not by the clock: the request of Forgot Password (by
    username or by address) and of Forgot Username runs exactly the same
    SQL whether or not an account matches (it queues the request); the
    lookups, the link and the mail come later, in the delivery worker's
    round, which drops a request that names nobody."""
    ap, acct = apache, new_account()
    tag = secrets.token_hex(4)
    s = new_browser()
    wait_for_worker(mariadb)
    with general_log(mariadb):
        cases = [("/forgot-password", "ident", acct.username, f"nobody{tag}"),
                 ("/forgot-password", "ident", acct.email, f"nobody{tag}@example.test"),
                 ("/forgot-username", "email", acct.email, f"nobody-else{tag}@example.test")]
        for path, field, known, unknown in cases:
            a = _post_traced(mariadb, s, ap, path, field, known)
            b = _post_traced(mariadb, s, ap, path, field, unknown)
            assert a == b, (path, a, b)
            assert any("INSERT INTO mc_reg_recovery" in x for x in a), a
            assert not any("mc_code" in x or "mc_outbox" in x for x in a), a
    # The worker did the rest: the known account got its mails ...
    reset_links(smtp, acct.email, 2)
    smtp.wait_for(to=acct.email, subject="Your username", timeout=15)
    # ... and dropped the requests that named nobody, sending nothing.
    mariadb.wait_for(f"SELECT COUNT(*) FROM mc_reg_recovery WHERE ident LIKE '%{tag}%'",
                     lambda rows: rows and rows[0][0] == "0", timeout=15)
    assert mariadb.value("SELECT COUNT(*) FROM mc_outbox WHERE recipient LIKE "
                         f"'%{tag}%'") == "0"


@pytest.mark.timing
def test_forgot_password_times_alike(apache, new_account):
    """A coarse check of the clock as well (the statements above are the
    real test): medians of 30 answers each, taken in turns, for an account
    and for names nobody has. Only a gross difference fails it: on a busy
    machine the medians wander by a millisecond or two either way."""
    ap, acct = apache, new_account()
    s = new_browser()
    page = s.get(ap.url(REG + "/forgot-password"), timeout=30)
    form = web.find_form(page.text, with_field="ident")
    url = ap.url(REG + "/forgot-password")
    known, unknown = [], []
    tag = secrets.token_hex(4)
    for i in range(30):
        pair = [(acct.username, known), (f"nobody{tag}{i}", unknown)]
        for name, into in pair[::1 if i % 2 else -1]:   # each first in turn
            t = time.perf_counter()
            r = s.post(url, data=dict(form["fields"], ident=name), timeout=30)
            into.append(time.perf_counter() - t)
            assert MSG_SENT in r.text
    k, u = statistics.median(known), statistics.median(unknown)
    assert k <= 1.5 * u + 0.0015, (k, u)
