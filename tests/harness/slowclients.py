"""Slow clients ("slowloris") and a probe that times pages meanwhile.

    slow = SlowClients(port, 300, loopback_addresses(2, 50))
    slow.start(); slow.wait_open(300, timeout=30)
    times = probe(port, ["/account/logon", "/static.html"], seconds=25)
    slow.stop()

Each slow connection, bound to one of the source addresses in turn, sends a
request line and then its header one byte a second, never ending it. One
the server closes is opened again half a second later, as an attacker
would. One thread drives them all (non-blocking sockets and a selector).
"""
import errno
import http.client
import selectors
import socket
import threading
import time

REQUEST_START = b"GET /account/logon HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
REOPEN_AFTER = 0.5


def loopback_addresses(first, last):
    """127.0.0.first .. 127.0.0.last (Linux answers all of 127/8 on lo)."""
    return [f"127.0.0.{i}" for i in range(first, last + 1)]


class _Conn:
    __slots__ = ("sock", "source", "connected", "ever", "next_at", "sent")

    def __init__(self, source):
        self.sock = None
        self.source = source
        self.connected = False
        self.ever = False        # connected at least once
        self.next_at = 0.0
        self.sent = 0


class SlowClients:
    def __init__(self, port, count, addresses, interval=1.0, host="127.0.0.1"):
        self.port = port
        self.host = host
        self.interval = interval
        self.conns = [_Conn(addresses[i % len(addresses)]) for i in range(count)]
        self.opened = 0          # connections established, reopenings included
        self.closed_by_server = 0
        self.held = []           # open_now() twice a second: (monotonic time, count)
        self._sel = selectors.DefaultSelector()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="slow-clients", daemon=True)

    # ---- what the test reads ---------------------------------------------------------

    def open_now(self):
        """Connections established and still open."""
        with self._lock:
            return sum(c.connected for c in self.conns)

    def wait_every_one_opened(self, timeout):
        """Until every slow client has been connected at least once (a
        server that limits them refuses some at once); TimeoutError
        otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if all(c.ever for c in self.conns):
                    return
            self._stop.wait(0.05)
        with self._lock:
            n = sum(c.ever for c in self.conns)
        raise TimeoutError(f"only {n} of {len(self.conns)} slow clients connected within "
                           f"{timeout}s")

    def held_between(self, start, end):
        """The open_now() samples taken between two monotonic times."""
        return [n for t, n in list(self.held) if start <= t <= end]

    # ---- running ---------------------------------------------------------------------

    def start(self):
        now = time.monotonic()
        for c in self.conns:
            self._open(c, now)
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._thread.join(10)
        for c in self.conns:
            self._close(c)
        self._sel.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _open(self, c, now):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.bind((c.source, 0))
        rc = s.connect_ex((self.host, self.port))
        if rc not in (0, errno.EINPROGRESS):
            s.close()
            c.next_at = now + REOPEN_AFTER
            return
        c.sock, c.connected, c.sent = s, False, 0
        c.next_at = now
        self._sel.register(s, selectors.EVENT_WRITE, c)

    def _close(self, c):
        if c.sock is not None:
            try:
                self._sel.unregister(c.sock)
            except (KeyError, ValueError):
                pass
            c.sock.close()
        with self._lock:
            c.sock, c.connected = None, False

    def _dropped(self, c, now):
        self._close(c)
        self.closed_by_server += 1
        c.next_at = now + REOPEN_AFTER

    def _send_due(self, c, now):
        data = REQUEST_START if c.sent == 0 else b"a"
        try:
            c.sock.send(data)
        except OSError:
            self._dropped(c, now)
            return
        c.sent += len(data)
        c.next_at = now + self.interval

    def _run(self):
        sample_at = 0.0
        while not self._stop.is_set():
            now = time.monotonic()
            if now >= sample_at:
                self.held.append((now, self.open_now()))
                sample_at = now + 0.5
            for c in self.conns:
                if c.sock is None and now >= c.next_at:
                    self._open(c, now)
                elif c.sock is not None and c.connected and now >= c.next_at:
                    self._send_due(c, now)
            for key, events in self._sel.select(timeout=0.05):
                c = key.data
                if c.sock is None:
                    continue
                if not c.connected:
                    if c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                        self._dropped(c, now)
                        continue
                    with self._lock:
                        c.connected = c.ever = True
                    self.opened += 1
                    self._sel.modify(c.sock, selectors.EVENT_READ, c)
                    self._send_due(c, now)
                else:
                    # The server answered (408, 400) or closed: either
                    # way this connection is over.
                    try:
                        c.sock.recv(4096)
                    except OSError:
                        pass
                    self._dropped(c, now)


def probe(port, paths, seconds, rate=20, host="127.0.0.1", source="127.0.0.1", timeout=60):
    """A visitor's requests: paths in turn, each on a new connection from
    source, rate a second (or as fast as answers come), for seconds.
    [(path, status, seconds taken)]; a request that fails has status 0."""
    out = []
    start = time.monotonic()
    pause = threading.Event()
    i = 0
    while time.monotonic() - start < seconds:
        # The request's place in the schedule (a late one goes at once).
        pause.wait(max(0.0, start + i / rate - time.monotonic()))
        path = paths[i % len(paths)]
        i += 1
        t0 = time.monotonic()
        status = 0
        try:
            conn = http.client.HTTPConnection(host, port, timeout=timeout,
                                              source_address=(source, 0))
            conn.request("GET", path, headers={"Connection": "close"})
            resp = conn.getresponse()
            resp.read()
            status = resp.status
            conn.close()
        except (OSError, http.client.HTTPException):
            pass
        out.append((path, status, time.monotonic() - t0))
    return out


def percentile(values, q):
    """The q-th percentile (0-100) of values, nearest rank."""
    v = sorted(values)
    if not v:
        raise ValueError("no values")
    k = max(0, min(len(v) - 1, int(round(q / 100 * len(v) + 0.5)) - 1))
    return v[k]
