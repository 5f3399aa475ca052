"""Logon by e-mail address (issue 11 §4): only a verified address names an
account at logon, and a verified address belongs to one account, so a
stranger who signs up with someone else's address changes nothing for them;
and every identifier, known or not, username or address, answers the same
before and after a lock-out."""
import html
import re
import secrets
import statistics
import time

import pytest

from harness import web
from harness.admin import Admin
from helpers_core import (COOKIE, MSG_BAD, NO_DEVICE, is_logged_on, logon_post, new_browser,
                          site)

REG = "/registration"
CONF = dict(NO_DEVICE, **{"MoCourtsLockout": "3 30m"})
ADDRESS_TAKEN = ("This e-mail address is already the verified address of another Missouri "
                 "Judiciary Account")


@pytest.fixture
def ap(make_apache):
    return site(make_apache, CONF)


def _stranger_signs_up(mariadb, email):
    """What Create an account leaves behind before the e-mail is verified:
    a pending account with the address, unverified."""
    name = f"stranger{secrets.token_hex(3)}"
    mariadb.sql("INSERT INTO mc_account (username, email, password_hash, status, email_verified, "
                f"created_at) VALUES ('{name}', '{email}', '!', 'pending', 0, UTC_TIMESTAMP())")
    return int(mariadb.value(f"SELECT id FROM mc_account WHERE username = '{name}'"))


def _verify_link(mariadb, account_id):
    """A verification link of account_id as sign-up mails it: its token."""
    tok = secrets.token_urlsafe(32)[:43]
    mariadb.sql("INSERT INTO mc_code (account_id, purpose, code_hash, created_at, expires_at) "
                f"VALUES ({account_id}, 'verify-email', SHA2('{tok}', 256), UTC_TIMESTAMP(), "
                "UTC_TIMESTAMP() + INTERVAL 1 DAY)")
    return tok


def test_unverified_signup_does_not_take_an_address(ap, new_account, mariadb):
    victim = new_account()
    stranger = _stranger_signs_up(mariadb, victim.email.upper())
    s = new_browser()
    r = logon_post(s, ap, victim.email, victim.password)
    assert r.status_code == 303, r.text[-2000:]
    assert is_logged_on(s, ap)
    # The stranger's account is not named by the address either.
    mariadb.sql(f"UPDATE mc_account SET password_hash = (SELECT password_hash FROM (SELECT "
                f"password_hash FROM mc_account WHERE id = {victim.id}) x) WHERE id = {stranger}")
    r = logon_post(new_browser(), ap, victim.email, victim.password)
    assert r.status_code == 303
    s.close()


def test_verified_address_belongs_to_one_account(ap, new_account, mariadb):
    victim = new_account()
    stranger = _stranger_signs_up(mariadb, victim.email)
    # The database itself refuses a second verified holder (any case).
    with pytest.raises(Exception):
        mariadb.sql(f"UPDATE mc_account SET email = '{victim.email.upper()}', email_verified = 1 "
                    f"WHERE id = {stranger}")
    # The stranger cannot verify it (the link goes to the victim's mailbox,
    # who is then told why, and the stranger's account stays pending).
    tok = _verify_link(mariadb, stranger)
    b = new_browser()
    page = b.get(ap.url(f"{REG}/verify/{tok}"), timeout=30)
    r = web.submit(b, page, {}, timeout=30)
    assert ADDRESS_TAKEN in r.text, r.text[-2000:]
    assert mariadb.value(f"SELECT CONCAT(status, email_verified) FROM mc_account "
                         f"WHERE id = {stranger}") == "pending0"
    b.close()


def test_created_with_a_verified_address_logs_on_by_username(ap, new_account, mariadb):
    """create-admin (the court's staff) may give a second account the same
    address: that one logs on by username; the address names the first."""
    first = new_account()
    second = new_account(email=first.email)
    assert mariadb.value(f"SELECT email_verified FROM mc_account WHERE id = {second.id}") == "0"
    r = logon_post(new_browser(), ap, first.email, first.password)
    assert r.status_code == 303
    r = logon_post(new_browser(), ap, first.email, second.password)
    assert r.status_code == 200 and MSG_BAD in r.text
    r = logon_post(new_browser(), ap, second.username, second.password)
    assert r.status_code == 303


def _answer(ap, ident, password):
    """(status, the page with the echoed identifier and tokens blanked,
    cookie names set, seconds taken)."""
    s = new_browser()
    page = s.get(ap.url("/account/logon"), timeout=30)
    form = web.find_form(page.text, with_field="password")
    data = dict(form["fields"], username=ident, password=password)
    t = time.perf_counter()
    r = s.post(ap.url("/account/logon"), data=data, allow_redirects=False, timeout=30)
    took = time.perf_counter() - t
    body = re.sub(r'name="mc_csrf" value="[^"]*"', 'name="mc_csrf" value=""', r.text)
    body = body.replace(html.escape(ident), "IDENT")
    cookies = sorted(c.split("=", 1)[0] for c in r.raw.headers.getlist("Set-Cookie"))
    s.close()
    return (r.status_code, body, cookies), took


@pytest.mark.alone
def test_locked_account_answers_like_unknown_names(ap, new_account, mariadb):
    """After a lock-out reached by username, the account's address (wrong or
    right password), its username, an unknown address and an unknown name
    all get the same answer: same status, page and cookies, and about the
    same time (a locked account still pays for a dummy password check)."""
    acct = new_account()
    tag = secrets.token_hex(3)
    for _ in range(3):
        logon_post(new_browser(), ap, acct.username, "Wrong-Passw0rd-1")
    attempts = {
        "address, wrong password": (acct.email, "Wrong-Passw0rd-2"),
        "address, right password": (acct.email, acct.password),
        "username, right password": (acct.username, acct.password),
        "unknown address": (f"nobody{tag}@example.test", "Wrong-Passw0rd-2"),
        "unknown name": (f"nobody{tag}", "Wrong-Passw0rd-2"),
    }
    answers = {what: _answer(ap, *a)[0] for what, a in attempts.items()}
    first = answers["unknown address"]
    assert first[0] == 200 and MSG_BAD in first[1] and COOKIE not in first[2]
    for what, answer in answers.items():
        assert answer == first, what
    # Time: medians of a few of each, within a generous band (the dummy
    # check dominates both).
    locked = [_answer(ap, acct.email, "Wrong-Passw0rd-3")[1] for _ in range(5)]
    unknown = [_answer(ap, f"other{i}{tag}@example.test", "Wrong-Passw0rd-3")[1]
               for i in range(5)]
    lk, uk = statistics.median(locked), statistics.median(unknown)
    assert 0.5 * uk <= lk <= 2 * uk + 0.02, (locked, unknown)


def test_email_change_to_a_verified_address_refused(ap, new_account, mariadb):
    """The confirmation link of an e-mail change (sent to the new address)
    does not give an account an address another account has verified."""
    owner, other = new_account(), new_account()
    tok = secrets.token_urlsafe(32)[:43]
    mariadb.sql("INSERT INTO mc_code (account_id, purpose, code_hash, created_at, expires_at) "
                f"VALUES ({other.id}, 'email-change', SHA2('{tok}', 256), UTC_TIMESTAMP(), "
                "UTC_TIMESTAMP() + INTERVAL 1 DAY);"
                "INSERT INTO mc_reg_email_change (code_id, account_id, new_email) VALUES "
                f"(LAST_INSERT_ID(), {other.id}, '{owner.email}')")
    b = new_browser()
    page = b.get(ap.url(f"{REG}/myaccount/email/confirm/{tok}"), timeout=30)
    r = web.submit(b, page, {}, timeout=30)
    assert ADDRESS_TAKEN in r.text and "Your e-mail address was not changed." in r.text
    assert mariadb.value(f"SELECT email FROM mc_account WHERE id = {other.id}") == other.email
    b.close()
