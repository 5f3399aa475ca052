"""Argon2id hashes as the product makes them (libsodium's crypto_pwhash_str,
through ctypes: no Python package needed), at libsodium's minimum cost; the
product reads the cost from the hash. For test and demo data only.

    pwhash("Demo1234")
"""
import ctypes

_sodium = ctypes.CDLL("libsodium.so.23")
_sodium.crypto_pwhash_opslimit_min.restype = ctypes.c_ulonglong
_sodium.crypto_pwhash_memlimit_min.restype = ctypes.c_size_t
_sodium.crypto_pwhash_strbytes.restype = ctypes.c_size_t
_sodium.crypto_pwhash_str.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulonglong,
                                      ctypes.c_ulonglong, ctypes.c_size_t]
if _sodium.sodium_init() < 0:
    raise RuntimeError("sodium_init failed")


def pwhash(text):
    out = ctypes.create_string_buffer(_sodium.crypto_pwhash_strbytes())
    data = text.encode()
    rc = _sodium.crypto_pwhash_str(out, data, len(data), _sodium.crypto_pwhash_opslimit_min(),
                                   max(_sodium.crypto_pwhash_memlimit_min(), 8192))
    if rc != 0:
        raise RuntimeError("crypto_pwhash_str failed")
    return out.value.decode()
