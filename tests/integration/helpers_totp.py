"""TOTP (RFC 6238) for the tests of two-step verification, with the
standard library only: HMAC-SHA1 (RFC 4226 section 5.3), 6 digits, 30 s."""
import hashlib
import hmac
import struct
import time


def totp(key, step):
    """RFC 6238 TOTP (HMAC-SHA1, 6 digits) of time step `step`."""
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    return f"{(struct.unpack('>I', mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000:06d}"


def now_step():
    return int(time.time()) // 30


class App:
    """An authenticator app holding one key: each code it hands out is of a
    later step than the last (the site accepts a step only once), at most
    one step ahead of the clock (the site's window)."""

    def __init__(self, key):
        self.key, self.last = key, 0

    def code(self):
        step = max(now_step(), self.last + 1)
        while step > now_step() + 1:   # the clock must reach it: wait for that fact
            time.sleep(0.2)
        self.last = step
        return totp(self.key, step)
