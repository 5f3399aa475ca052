"""Helpers of the recovery and Security unit tests (test_reg_recovery.py,
test_reg_security.py).

    set_answers(mariadb, account, ["Jimi Hendrix", "Meryl Streep", "Ada Lovelace"])

Test accounts (the new_account fixture) have placeholder answer hashes that
never match; set_answers gives them real ones, hashed as the product hashes
them (libsodium's crypto_pwhash_str, Argon2id, of the normalised answer:
trimmed, lower case, runs of blanks as one space), at libsodium's minimum
cost so the tests stay fast (the product reads the cost from the hash).
"""
import re

from harness.mariadb import sql_quote
from harness.sodium import pwhash

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
