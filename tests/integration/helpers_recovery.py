"""Helpers of the recovery and Security unit tests (test_reg_recovery.py,
test_reg_security.py).

    set_answers(mariadb, account, ["Jimi Hendrix", "Meryl Streep", "Ada Lovelace"])

The pages that only queue a request (Forgot Password, Forgot Username,
Resend verification) are compared by the statements they run:

    with general_log(mariadb):
        t0 = mariadb.value("SELECT NOW(6)"); ...post...; t1 = ...
        statements = queued_statements(mariadb, t0, t1)

Test accounts (the new_account fixture) have placeholder answer hashes that
never match; set_answers gives them real ones, hashed as the product hashes
them (libsodium's crypto_pwhash_str, Argon2id, of the normalised answer:
trimmed, lower case, runs of blanks as one space), at libsodium's minimum
cost so the tests stay fast (the product reads the cost from the hash).
"""
import contextlib
import re

from harness.mariadb import sql_quote
from harness.sodium import pwhash
from helpers_core import delivery_settled

ANSWERS = ["Jimi Hendrix", "Meryl Streep", "Ada Lovelace"]


def normalise(answer):
    return re.sub(r"\s+", " ", answer.strip()).lower()


def answer_hash(answer):
    return pwhash(normalise(answer))


def set_answers(mariadb, account, answers=ANSWERS, questions=(0, 1, 2)):
    """Give account these security answers (slots 1..3)."""
    rows = ", ".join(f"({account.id}, {i + 1}, {q}, {sql_quote(answer_hash(a))})"
                     for i, (q, a) in enumerate(zip(questions, answers)))
    mariadb.sql(f"DELETE FROM mc_reg_answer WHERE account_id = {account.id}; "
                "INSERT INTO mc_reg_answer (account_id, slot, question, answer_hash) "
                f"VALUES {rows}", database="mocourts")


def wait_for_worker(mariadb):
    """Until a delivery worker's round has run lately (else the pages do
    its work themselves)."""
    mariadb.wait_for("SELECT COUNT(*) FROM mc_reg_worker WHERE seen_at > UTC_TIMESTAMP() - "
                     "INTERVAL 30 SECOND", lambda rows: rows and rows[0][0] == "1", timeout=15)


def recovery_settled(mariadb, smtp, ident, email):
    """Until the requests queued for ident (a username or e-mail address)
    are worked (the worker deletes each as it queues its mail, in one
    transaction) and what they queued to email is delivered: then a test
    can count the mails that did arrive, none being still on its way."""
    mariadb.wait_for(f"SELECT COUNT(*) FROM mc_reg_recovery WHERE ident = {sql_quote(ident)}",
                     lambda rows: rows == [("0",)], timeout=15)
    delivery_settled(mariadb, smtp, email)


@contextlib.contextmanager
def general_log(mariadb):
    """MariaDB's general log on, into mysql.general_log, for the block."""
    mariadb.sql("SET GLOBAL log_output = 'TABLE'; SET GLOBAL general_log = 1")
    try:
        yield
    finally:
        mariadb.sql("SET GLOBAL general_log = 0; TRUNCATE TABLE mysql.general_log")


def queued_statements(mariadb, t0, t1):
    """The statements of the one request that queued a recovery request
    between t0 and t1, in order, with the values blanked: those of its
    connection (thread) in MariaDB's general log. (A statement prepared
    before the log was turned on is logged with '?' for its values, one
    prepared after with the values: both read the same once blanked.)"""
    threads = mariadb.sql("SELECT DISTINCT thread_id FROM mysql.general_log WHERE argument LIKE "
                          "'INSERT INTO mc_reg_recovery%' AND command_type IN ('Query', "
                          f"'Execute') AND event_time BETWEEN '{t0}' AND '{t1}'")
    assert len(threads) == 1, threads
    rows = mariadb.sql("SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log WHERE "
                       f"thread_id = {threads[0][0]} AND command_type IN ('Query', 'Execute') "
                       f"AND event_time BETWEEN '{t0}' AND '{t1}' ORDER BY event_time")
    # (A connection opened meanwhile first sets itself up: not the request's.)
    ran = [re.sub(r"'(?:[^'\\]|\\.)*'|\b\d+\b|\?", "?", r[0] or "") for r in rows
           if not (r[0] or "").startswith("SET ")]
    # (Nor is the ROLLBACK that hands the connection back to the pool once
    # the answer has gone, logged before or after t1 as it happens.)
    if ran and ran[-1] == "ROLLBACK":
        ran.pop()
    return ran
