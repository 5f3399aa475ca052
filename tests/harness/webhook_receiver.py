"""A webhook receiver for the tests (issue 16): a real HTTP server on a
loopback port that records every request, checks its Standard Webhooks
signature by recomputing the HMAC in Python, and answers as told.

    rx = WebhookReceiver()
    rx.start()
    url = rx.url("/a")              # http://127.0.0.1:PORT/a
    rx.set_secret("/a", "whsec_...")
    rx.fail("/a", times=2)          # the next 2 requests to /a get 500
    rx.fail("/a", status=503)       # every request to /a gets 503 (times=None)
    rx.fail("/a", status=307, location=rx.url("/b"))   # a redirect (never followed)
    rx.succeed("/a")                # 200 again
    rx.delay("/a", 0.05)            # answer each request to /a 50 ms late
    hits = rx.wait_for("/a", count=1, timeout=15)   # -> [Hit, ...]
    hits[0].valid, hits[0].json, hits[0].headers["webhook-id"]
    rx.stop()

A Hit is recorded whatever the answer was: path, headers (lower-case
names), body (bytes), json (parsed, or None), status (what was answered),
at (time.time()) and valid (the signature checked with the path's secret;
None when no secret was set).
"""
import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import util

SIGNATURE_TOLERANCE = 300   # seconds a webhook-timestamp may be off


def signature_valid(secret, headers, body, now=None):
    """Standard Webhooks: webhook-signature holds "v1,<base64>" entries
    (space-separated); one must equal base64(HMAC-SHA256(secret's bytes,
    "<webhook-id>.<webhook-timestamp>.<body>")), and the timestamp must be
    within SIGNATURE_TOLERANCE of now."""
    msg_id = headers.get("webhook-id")
    stamp = headers.get("webhook-timestamp")
    sigs = headers.get("webhook-signature")
    if not (secret and msg_id and stamp and sigs and secret.startswith("whsec_")):
        return False
    try:
        ts = int(stamp)
    except ValueError:
        return False
    if abs((now or time.time()) - ts) > SIGNATURE_TOLERANCE:
        return False
    key = base64.b64decode(secret[len("whsec_"):])
    signed = msg_id.encode() + b"." + stamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for entry in sigs.split(" "):
        version, _, sig = entry.partition(",")
        if version == "v1" and hmac.compare_digest(sig, expected):
            return True
    return False


@dataclass
class Hit:
    path: str
    method: str
    headers: dict
    body: bytes
    status: int
    at: float
    valid: object = None
    json: object = field(default=None)


class WebhookReceiver:
    def __init__(self, port=None):
        self.port = port or util.free_port()
        self._lock = threading.Lock()
        self._hits = []
        self._secrets = {}
        self._rules = {}     # path -> [status, times left or None]
        self._delays = {}    # path -> seconds
        self._server = None
        self._thread = None

    # ---- control ----------------------------------------------------------------

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - http.server's name
                receiver._handle(self)

            do_PUT = do_GET = do_POST  # recorded too: only POST is expected

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def url(self, path="/hook"):
        return f"http://127.0.0.1:{self.port}{path}"

    def set_secret(self, path, secret):
        with self._lock:
            self._secrets[path] = secret

    def fail(self, path, times=None, status=500, location=None):
        """Answer status to the next `times` requests to path (None: all),
        with a Location header when given (a redirect)."""
        with self._lock:
            self._rules[path] = [status, times, location]

    def delay(self, path, seconds):
        with self._lock:
            self._delays[path] = seconds

    def succeed(self, path):
        with self._lock:
            self._rules.pop(path, None)

    # ---- what came ----------------------------------------------------------------

    def hits(self, path=None):
        with self._lock:
            return [h for h in self._hits if path is None or h.path == path]

    def wait_for(self, path, count=1, timeout=15, predicate=None):
        """Until at least count hits to path (matching predicate) came: them."""
        def found():
            hits = [h for h in self.hits(path) if predicate is None or predicate(h)]
            return hits if len(hits) >= count else None
        try:
            return util.wait_until(found, timeout, 0.05, f"{count} webhook(s) to {path}")
        except TimeoutError:
            raise AssertionError(f"expected {count} webhook(s) to {path} within {timeout} s; "
                                 f"got {len(self.hits(path))}") from None

    # ---- the server side ------------------------------------------------------------

    def _handle(self, req):
        length = int(req.headers.get("Content-Length") or 0)
        body = req.rfile.read(length) if length else b""
        path = req.path
        headers = {k.lower(): v for k, v in req.headers.items()}
        with self._lock:
            rule = self._rules.get(path)
            status, location = 200, None
            if rule:
                location = rule[2]
                status = rule[0]
                if rule[1] is not None:
                    rule[1] -= 1
                    if rule[1] <= 0:
                        del self._rules[path]
            secret = self._secrets.get(path)
            delay = self._delays.get(path)
        if delay:
            time.sleep(delay)   # a slow endpoint (the server's side, not a test's wait)
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        hit = Hit(path=path, method=req.command, headers=headers, body=body, status=status,
                  at=time.time(), json=parsed,
                  valid=None if secret is None else signature_valid(secret, headers, body))
        with self._lock:
            self._hits.append(hit)
        answer = b"ok\n" if status < 300 else b"not now\n"
        req.send_response(status)
        req.send_header("Content-Type", "text/plain")
        if location:
            req.send_header("Location", location)
        req.send_header("Content-Length", str(len(answer)))
        req.end_headers()
        req.wfile.write(answer)
