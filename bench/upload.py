"""make bench, part 2: upload a 100 MB PDF into an eFiling envelope (the
multipart POST the upload form sends) to a private Apache + MariaDB started
for the run, and report the throughput on loopback and the peak RSS growth of
the Apache child that served it (target: under 2 MB: the upload is streamed
to the document store, never held in memory). Then download it back and
report the same for the download (served with a re-check of its SHA-256).

    /usr/bin/python3 bench/upload.py [--quick] [--size-mb 100]

How the memory is measured: the upload runs on a keep-alive connection
after a small warm-up upload on the same connection (so one-time allocations
of the child, such as its database connection and parsed templates, are not
counted). The child holding the connection is found by its socket; its peak
RSS (VmHWM) is reset to the current RSS through /proc/<pid>/clear_refs when
the bench may (root), and read after the request: growth = VmHWM after -
VmRSS before. A sampler also reads VmRSS every 10 ms meanwhile (used
instead when clear_refs is not allowed). The 100 MB document is generated
into a temporary file (a valid PDF with one big stream) and sent with
sendfile(2), so the client is not the bottleneck.
"""
import argparse
import hashlib
import os
import re
import socket
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "tests" / "integration"))

from harness import util, web  # noqa: E402
from harness.admin import Admin, AdminError, create_user  # noqa: E402
from harness.apache import Apache, ApacheError, test_site_conf  # noqa: E402
from harness.gateway import Gateway  # noqa: E402
from harness.mariadb import MariaDB, sql_quote  # noqa: E402
from harness.smtp import SmtpSink  # noqa: E402
from scratch import run_in_scratch  # noqa: E402  (bench/scratch.py)
from helpers_casenet import seed_case  # noqa: E402
from helpers_efiling import ECF, ef_court, subscribe  # noqa: E402

USERNAME = "bench.filer"
PASSWORD = "Bench-Filer-2024x"
MB = 1024 * 1024
TARGET_GROWTH = 2 * MB


class BenchError(Exception):
    pass


# ---- the document ---------------------------------------------------------------------

def write_pdf(path, size):
    """A valid PDF of exactly size bytes: a page with text (a font) whose
    content stream carries the padding (pseudo-random bytes, so nothing in
    the check or the store is helped by repetition). Returns its SHA-256."""
    objs_head = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
    ]
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    text = b"BT /F1 12 Tf 72 720 Td (Bench exhibit) Tj ET\n%"

    def build(pad):
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, body in enumerate(objs_head, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
        offsets.append(len(out))
        stream_len = len(text) + pad
        out += b"4 0 obj\n<< /Length %d >>\nstream\n" % stream_len
        head = bytes(out)
        tail = bytearray(b"\nendstream\nendobj\n")
        offsets.append(len(head) + stream_len + len(tail))
        tail += b"5 0 obj\n" + font + b"\nendobj\n"
        xref_at = len(head) + stream_len + len(tail)
        tail += b"xref\n0 6\n0000000000 65535 f \n"
        for off in offsets:
            tail += b"%010d 00000 n \n" % off
        tail += b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref_at
        return head, bytes(tail)

    pad = size
    for _ in range(5):       # the numbers' digits depend on the size
        head, tail = build(pad)
        total = len(head) + len(text) + pad + len(tail)
        if total == size:
            break
        pad -= total - size
    else:
        raise BenchError("could not size the PDF")

    sha = hashlib.sha256()
    block = bytearray()
    seed = hashlib.sha256(b"mocourts bench").digest()
    while len(block) < MB:               # 1 MB of pseudo-random bytes, reused
        seed = hashlib.sha256(seed).digest()
        block += seed
    # The padding is one comment line of the content stream (text ends in
    # "%"): no byte may end the line or look like PDF syntax the checker
    # looks for ("xref", "/Encrypt"), so every byte is kept out of ASCII.
    block = bytes((b | 0x80) for b in block[:MB])
    with open(path, "wb") as f:
        for part in (head, text):
            f.write(part)
            sha.update(part)
        left = pad
        while left:
            n = min(left, len(block))
            f.write(block[:n])
            sha.update(block[:n])
            left -= n
        f.write(tail)
        sha.update(tail)
    if os.path.getsize(path) != size:
        raise BenchError(f"{path}: {os.path.getsize(path)} bytes, not {size}")
    return sha.hexdigest()


# ---- HTTP by hand on one keep-alive connection ------------------------------------------

class Conn:
    def __init__(self, port, cookie, host):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=300)
        self.cookie = cookie
        self.host = host
        self.buf = b""

    def close(self):
        self.sock.close()

    def send_upload(self, path, csrf, file_path, filename, once):
        """once: the upload form's one-time token (ABI 1.8: a form that
        creates something acts once), from once_of()."""
        boundary = "----mcBench" + os.urandom(8).hex()
        pre = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"mc_csrf\"\r\n\r\n"
               f"{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; "
               f"name=\"mc_once\"\r\n\r\n{once}\r\n--{boundary}\r\nContent-Disposition: "
               "form-data; "
               f"name=\"filing_code\"\r\n\r\nEXH\r\n--{boundary}\r\nContent-Disposition: "
               f"form-data; name=\"file\"; filename=\"{filename}\"\r\n"
               "Content-Type: application/pdf\r\n\r\n").encode()
        post = f"\r\n--{boundary}--\r\n".encode()
        length = len(pre) + os.path.getsize(file_path) + len(post)
        head = (f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nCookie: {self.cookie}\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                f"Content-Length: {length}\r\n\r\n").encode()
        self.sock.sendall(head + pre)
        with open(file_path, "rb") as f:
            self.sock.sendfile(f)
        self.sock.sendall(post)
        return length

    def send_get(self, path):
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n"
                           f"Cookie: {self.cookie}\r\n\r\n").encode())

    def read_response(self, sink=None):
        """(status, headers dict (lower-case names), body bytes or, with
        sink, the number of body bytes given to sink)."""
        while b"\r\n\r\n" not in self.buf:
            got = self.sock.recv(65536)
            if not got:
                raise BenchError("the connection closed before a response")
            self.buf += got
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        if "content-length" not in headers:
            raise BenchError(f"response {status} without Content-Length: {headers}")
        left = int(headers["content-length"])
        body = bytearray()
        n = 0
        while left:
            if not self.buf:
                self.buf = self.sock.recv(min(left, 1 << 20))
                if not self.buf:
                    raise BenchError("the connection closed in the middle of a response")
            piece, self.buf = self.buf[:left], self.buf[left:]
            left -= len(piece)
            n += len(piece)
            if sink:
                sink(piece)
            else:
                body += piece
        return status, headers, (n if sink else bytes(body))


# ---- the serving child -----------------------------------------------------------------

def children_of(pid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            out.append(int(d))
    return out


def server_socket_inode(port, client_port):
    """The inode of Apache's side of our connection (/proc/net/tcp{,6})."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            f = row.split()
            local, remote, inode = f[1], f[2], f[9]
            if (int(local.rsplit(":", 1)[1], 16) == port and
                    int(remote.rsplit(":", 1)[1], 16) == client_port):
                return inode
    return None


def serving_child(master, port, client_port, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        inode = server_socket_inode(port, client_port)
        if inode:
            want = f"socket:[{inode}]"
            for pid in children_of(master):
                try:
                    for fd in os.listdir(f"/proc/{pid}/fd"):
                        try:
                            if os.readlink(f"/proc/{pid}/fd/{fd}") == want:
                                return pid
                        except OSError:
                            continue
                except OSError:
                    continue
        time.sleep(0.05)
    raise BenchError("could not find the Apache child serving the connection")


def status_kb(pid, key):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise BenchError(f"no {key} in /proc/{pid}/status")


class RssWatch:
    """Peak RSS growth of pid over a stretch of work."""

    def __init__(self, pid):
        self.pid = pid
        self.reset = False
        try:
            with open(f"/proc/{pid}/clear_refs", "w") as f:
                f.write("5")          # VmHWM := VmRSS
            self.reset = True
        except OSError:
            pass
        self.before = status_kb(pid, "VmRSS")
        self.hwm_before = status_kb(pid, "VmHWM")
        self.peak = self.before
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self):
        while not self.stop.is_set():
            try:
                self.peak = max(self.peak, status_kb(self.pid, "VmRSS"))
            except (OSError, BenchError):
                return
            time.sleep(0.01)

    def finish(self):
        self.stop.set()
        self.thread.join()
        hwm = status_kb(self.pid, "VmHWM")
        sampled = self.peak - self.before
        if self.reset:
            return (hwm - self.before) * 1024, sampled * 1024, "VmHWM (reset by clear_refs)"
        return sampled * 1024, sampled * 1024, "VmRSS sampled every 10 ms"


# ---- the run ---------------------------------------------------------------------------

def csrf_of(s, apache):
    r = s.get(apache.url("/probe/mine"), timeout=30)
    m = re.search(r'name="mc_csrf" value="([^"]+)"', r.text) or \
        re.search(r'value="([^"]+)" name="mc_csrf"', r.text)
    if r.status_code != 200 or not m:
        raise BenchError(f"no anti-CSRF token on /probe/mine ({r.status_code})")
    return m.group(1)


def once_of(s, apache, path):
    """The one-time token of the envelope's upload form (its documents
    page, path), one per upload."""
    r = s.get(apache.url(path), timeout=30)
    for f in web.forms(r.text):
        if path in f["action"] and "mc_once" in f["fields"]:
            return f["fields"]["mc_once"]
    raise BenchError(f"no upload form with a one-time token on {path} ({r.status_code})")


def run(tmp, args):
    size = (20 if args.quick else args.size_mb) * MB
    db = MariaDB(tmp / "db", util.free_port())
    smtp = SmtpSink(util.free_port())
    gateway = Gateway(tmp / "gateway")
    apache = Apache(tmp / "apache", util.free_port(), db=db, smtp=smtp, gateway=gateway,
                    overrides={"MoCourtsNewDeviceCode": "Off"},
                    extra_conf=test_site_conf() + "\nLimitRequestBody 0\n", log_level="warn")
    try:
        db.start()
        db.create_app_db()
        smtp.start()
        admin = Admin(apache.mocourts_conf)
        admin.migrate()
        acct = create_user(admin, db, USERNAME, "bench.filer@example.test", PASSWORD,
                           roles=["attorney"])
        subscribe(db, acct)
        court = ef_court(db, max_bytes=size + MB)
        case_id, _ = seed_case(db, court)
        env_id = int(db.sql(
            "INSERT INTO mc_ef_envelope (account_id, court_code, kind, case_id, status, step, "
            f"created_at, updated_at) VALUES ({acct.id}, {sql_quote(court['code'])}, "
            f"'existing', {case_id}, 'draft', 'documents', UTC_TIMESTAMP(), UTC_TIMESTAMP()); "
            "SELECT LAST_INSERT_ID()")[-1][0])
        apache.start()

        pdf = tmp / "bench.pdf"
        warm = tmp / "warm.pdf"
        t0 = time.monotonic()
        sha = write_pdf(pdf, size)
        write_pdf(warm, 2 * MB)
        gen = time.monotonic() - t0

        s = web.new_session()
        web.logon(s, apache.base_url, USERNAME, PASSWORD)
        if not s.cookies.get(web.COOKIE):
            raise BenchError(f"logon as {USERNAME} gave no session cookie")
        cookie = "; ".join(f"{c.name}={c.value}" for c in s.cookies)
        csrf = csrf_of(s, apache)
        host = apache.base_url.split("://", 1)[1].rstrip("/")
        path = f"{ECF}/envelopes/{env_id}/documents"

        conn = Conn(apache.port, cookie, host)
        try:
            master = apache._pid()
            # Warm-up on the same connection (keep-alive).
            conn.send_upload(path, csrf, warm, "warm-up.pdf", once_of(s, apache, path))
            status, headers, body = conn.read_response()
            if status != 303:
                raise BenchError(f"the warm-up upload answered {status}: {body[-2000:]!r}")
            child = serving_child(master, apache.port, conn.sock.getsockname()[1])

            once = once_of(s, apache, path)
            watch = RssWatch(child)
            t0 = time.monotonic()
            sent = conn.send_upload(path, csrf, pdf, "bench-exhibit.pdf", once)
            status, headers, body = conn.read_response()
            up_secs = time.monotonic() - t0
            up_growth, up_sampled, how = watch.finish()
            if status != 303:
                raise BenchError(f"the upload answered {status}: {body[-2000:]!r}")
            if serving_child(master, apache.port, conn.sock.getsockname()[1]) != child:
                raise BenchError("the connection moved to another child")

            row = db.sql("SELECT id, sha256, bytes FROM mc_ef_document WHERE envelope_id = "
                         f"{env_id} ORDER BY id DESC LIMIT 1")[0]
            if row[1] != sha or int(row[2]) != size:
                raise BenchError(f"the stored document is {row[2]} bytes, {row[1]}: "
                                 f"not {size} bytes, {sha}")

            # Download it back (verified, then streamed).
            h = hashlib.sha256()
            watch = RssWatch(child)
            t0 = time.monotonic()
            conn.send_get(f"{ECF}/documents/{row[0]}")
            status, headers, n = conn.read_response(sink=h.update)
            down_secs = time.monotonic() - t0
            down_growth, down_sampled, _ = watch.finish()
            if status != 200 or n != size or h.hexdigest() != sha:
                raise BenchError(f"the download answered {status} with {n} bytes")
        finally:
            conn.close()

        bad = apache.check_error_log()
        if bad:
            raise BenchError("Apache logged errors during the run:\n" + "\n".join(bad[:20]))

        mb = size / MB
        print(f"eFiling document upload: a {mb:.0f} MB PDF (generated in {gen:.1f} s), one "
              f"multipart POST of {sent} bytes on loopback, Apache child {child}")
        print(f"  upload    {mb / up_secs:8.1f} MB/s  ({up_secs:.2f} s; streamed to the store, "
              "PDF check and SHA-256 on the way)")
        print(f"  download  {mb / down_secs:8.1f} MB/s  ({down_secs:.2f} s; SHA-256 verified "
              "before sending and re-checked while streaming)")
        print(f"  child peak RSS growth: upload {up_growth / 1024:.0f} KiB, download "
              f"{down_growth / 1024:.0f} KiB ({how}; sampled VmRSS: {up_sampled / 1024:.0f} / "
              f"{down_sampled / 1024:.0f} KiB); target < {TARGET_GROWTH // MB} MB: "
              f"{'met' if max(up_growth, down_growth) < TARGET_GROWTH else 'NOT MET'}")
        if max(up_growth, down_growth) >= TARGET_GROWTH:
            raise BenchError("the Apache child grew by 2 MB or more")
    finally:
        apache.stop()
        smtp.stop()
        db.stop()


def show_apache_errors():
    for a in Apache.instances:
        bad = a.check_error_log()
        if bad:
            print("bench: Apache's error log:\n  " + "\n  ".join(bad[-20:]), file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a 20 MB document instead")
    ap.add_argument("--size-mb", type=int, default=100)
    args = ap.parse_args()
    return run_in_scratch("bench", "mocourts-bench-upload-", lambda tmp: run(tmp, args),
                          (BenchError, ApacheError, AdminError, TimeoutError, OSError),
                          on_failure=show_apache_errors)


if __name__ == "__main__":
    sys.exit(main())
