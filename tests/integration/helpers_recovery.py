"""Helpers of the recovery and Security unit tests (test_reg_recovery.py,
test_reg_security.py).

    set_answers(mariadb, account, ["Jimi Hendrix", "Meryl Streep", "Ada Lovelace"])

Test accounts (the new_account fixture) have placeholder answer hashes that
never match; set_answers gives them real ones, hashed as the product hashes
them (libsodium's crypto_pwhash_str, Argon2id, of the normalised answer:
trimmed, lower case, runs of blanks as one space), at libsodium's minimum
cost so the tests stay fast (the product reads the cost from the hash).
"""
import ctypes
import re

from harness.mariadb import sql_quote

_sodium = ctypes.CDLL("libsodium.so.23")
_sodium.crypto_pwhash_opslimit_min.restype = ctypes.c_ulonglong
_sodium.crypto_pwhash_memlimit_min.restype = ctypes.c_size_t
_sodium.crypto_pwhash_strbytes.restype = ctypes.c_size_t
_sodium.crypto_pwhash_str.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulonglong,
                                      ctypes.c_ulonglong, ctypes.c_size_t]
if _sodium.sodium_init() < 0:
    raise RuntimeError("sodium_init failed")

ANSWERS = ["Jimi Hendrix", "Meryl Streep", "Ada Lovelace"]


def normalise(answer):
    return re.sub(r"\s+", " ", answer.strip()).lower()


def answer_hash(answer):
    out = ctypes.create_string_buffer(_sodium.crypto_pwhash_strbytes())
    pw = normalise(answer).encode()
    rc = _sodium.crypto_pwhash_str(out, pw, len(pw), _sodium.crypto_pwhash_opslimit_min(),
                                   max(_sodium.crypto_pwhash_memlimit_min(), 8192))
    assert rc == 0, "crypto_pwhash_str failed"
    return out.value.decode()


def set_answers(mariadb, account, answers=ANSWERS, questions=(0, 1, 2)):
    """Give account these security answers (slots 1..3)."""
    rows = ", ".join(f"({account.id}, {i + 1}, {q}, {sql_quote(answer_hash(a))})"
                     for i, (q, a) in enumerate(zip(questions, answers)))
    mariadb.sql(f"DELETE FROM mc_reg_answer WHERE account_id = {account.id}; "
                "INSERT INTO mc_reg_answer (account_id, slot, question, answer_hash) "
                f"VALUES {rows}", database="mocourts")
