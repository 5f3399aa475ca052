"""The last step of "Create an account" submitted many times at once (a
double click, a browser's retry), issue 11 item 8.

The step hashes three security answers. The first copy claims the pending
registration before hashing; the others hash nothing, wait briefly for the
first's outcome and answer with it. SECURITY.md: exactly one account, and no
request waits past 2 s for a duplicate; never "The system is busy" (503)."""
import time

import pytest

from helpers_core import at_once, location, module_site, path_of, sha256_hex
from test_reg_signup import (PENDING_COOKIE, _account, _one_account_made, _person, _post_raw,
                             _question_fields, _to_questions)

# The first copy's hashing, timed (tests/conftest.py: the machine to itself).
pytestmark = pytest.mark.alone

COPIES = 10
DONE = "/registration/create/done"
WAITED = "MC1720"                    # a copy waited for the first instead of hashing
# What a copy answers when the first still holds the claim after its wait.
BEING_MADE = "your account is being made from the first time it was sent"
# One process, one hash at a time, a real cost: ten copies that each hashed
# three answers would queue thirty hashes behind one another.
PRESSURE = {"MoCourtsPasswordCost": "ops=8,mem=64M", "MoCourtsHashConcurrency": "1"}
ONE_CHILD = ("ServerLimit 1\nStartServers 1\nThreadsPerChild 25\nMaxRequestWorkers 25\n"
             "MinSpareThreads 5\nMaxSpareThreads 25\n")


site = module_site("double", PRESSURE, extra_conf=ONE_CHILD, fixture="site")


def _pending_id(mariadb, s):
    return mariadb.value("SELECT id FROM mc_reg_pending WHERE token_hash = "
                         f"'{sha256_hex(s.cookies.get(PENDING_COOKIE))}'")


def _copies(s, page, fields, n):
    """n copies of the last step's POST at once: [(response, seconds)]."""
    return [(r, end - began) for r, began, end in
            at_once(*[lambda: _post_raw(s, page, fields)] * n, timeout=120)]


def _summary(results):
    return [(r.status_code, location(r) if r.status_code == 303 else r.text[:300],
             round(dt, 2)) for r, dt in results]


def test_ten_copies_make_one_account_and_hash_once(site, http, mariadb):
    p = _person()
    page = _to_questions(http, site, p)
    since = site.error_log_offset()
    results = _copies(http, page, _question_fields(p), COPIES)

    # Every copy shows the outcome: the account was made (the browser shows
    # whichever answer came last), quickly, and none was told to retry.
    assert all(r.status_code == 303 and path_of(location(r)) == DONE for r, _ in results), \
        _summary(results)
    assert max(dt for _, dt in results) < 3, _summary(results)
    # One account, with its three answers, one verification code, one e-mail.
    aid = _one_account_made(mariadb, p.username)
    assert mariadb.value("SELECT COUNT(*) FROM mc_outbox WHERE kind = 'verify-email' AND "
                         f"account_id = {aid}") == "1"
    # Only the first hashed: each other copy waited for it instead.
    waited = [line for line in site.error_log_lines(since) if WAITED in line]
    assert len(waited) == COPIES - 1, waited


def test_copy_waits_at_most_briefly_for_a_held_claim(site, http, mariadb):
    """A copy that finds the registration claimed (here: as if another copy
    were still hashing) waits less than 2 s, answers without making anything,
    and the step goes through once the claim is gone."""
    p = _person()
    page = _to_questions(http, site, p)
    pid = _pending_id(mariadb, http)
    mariadb.sql("INSERT INTO mc_reg_pending_field (pending_id, name, value) VALUES "
                f"({pid}, 'creating', UTC_TIMESTAMP() + INTERVAL 60 SECOND)")
    t0 = time.monotonic()
    r = _post_raw(http, page, _question_fields(p))
    took = time.monotonic() - t0
    assert r.status_code == 200 and BEING_MADE in r.text, (r.status_code, r.text[:2000])
    assert 1 <= took < 2, took
    assert _account(mariadb, p.username) is None
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_reg_pending WHERE id = {pid}") == "1"

    mariadb.sql(f"DELETE FROM mc_reg_pending_field WHERE pending_id = {pid} AND "
                "name = 'creating'")
    r = _post_raw(http, page, _question_fields(p))
    assert r.status_code == 303 and path_of(location(r)) == DONE, (r.status_code, r.text[:2000])
    assert _account(mariadb, p.username) is not None


def test_lapsed_claim_does_not_block(site, http, mariadb):
    """A claim left by a process that died (its expiry passed) is taken over."""
    p = _person()
    page = _to_questions(http, site, p)
    pid = _pending_id(mariadb, http)
    mariadb.sql("INSERT INTO mc_reg_pending_field (pending_id, name, value) VALUES "
                f"({pid}, 'creating', UTC_TIMESTAMP() - INTERVAL 1 SECOND)")
    r = _post_raw(http, page, _question_fields(p))
    assert r.status_code == 303 and path_of(location(r)) == DONE, (r.status_code, r.text[:2000])
    assert _account(mariadb, p.username) is not None


def test_claim_released_when_the_first_fails(site, http, mariadb):
    """The first copy's account could not be made (the username was taken
    meanwhile): the claim goes, and the step can be finished later."""
    p = _person()
    page = _to_questions(http, site, p)
    pid = _pending_id(mariadb, http)
    mariadb.sql("INSERT INTO mc_account (username, email, password_hash, status, "
                "email_verified, first_name, last_name, created_at) VALUES "
                f"('{p.username}', 'other-{p.email}', 'x', 'pending', 0, 'O', 'T', "
                "UTC_TIMESTAMP())")
    r = _post_raw(http, page, _question_fields(p))
    assert r.status_code == 200 and "Username: this username is already taken." in r.text, \
        r.text[:2000]
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_reg_pending_field WHERE pending_id = {pid} "
                         "AND name = 'creating'") == "0"
