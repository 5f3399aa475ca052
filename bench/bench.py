"""make bench: every figure in one run against one private MariaDB + Apache
+ SMTP sink started through tests/harness, printed as two tables at the end:

  core      requests per second of a page protected by mod_mocourts
            (`Require mocourts-account`, a logged-on session cookie, the
            session cache on) as a ratio to the same static file
  Case.net  (bench/casenet.py) import rate and the importer's peak memory
            for 1,000,000 generated cases and 3,000,000 parties; a docket
            entry on a case tracked by 100,000 accounts (time to enqueue);
            their delivery rate to the SMTP test server
            (tests/harness/smtp.py)
  pages     (bench/pages.py) every kind of dynamic page at 16 connections,
            each as a ratio to the static file of the same run, with p50,
            p99 and the CPU time per request (Apache's processes and
            MariaDB's server, from /proc: bench/cputime.py), against the
            targets >= 0.25x the static file and p99 < 50 ms

The imported database is kept in var/bench-db and reused while the sizes,
the schema and the importer are unchanged (--fresh imports again).

    /usr/bin/python3 bench/bench.py [--quick] [--fresh] [--duration 10s] [--threads 2]
        [--connections 32] [--session-cache shmcb] [--cases N] [--parties N] [--seed N]
        [--trackers N] [--workers N] [--no-casenet] [--pages KEY,...] [--no-delivery]

MC_BUILD_DIR (bench.sh sets it from BUILD) names the build to measure.
"""
import argparse
import fcntl
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from harness import util, web  # noqa: E402
from harness.admin import Admin, AdminError, create_user  # noqa: E402
from harness.apache import PROTECTED_CONF, Apache, ApacheError  # noqa: E402
from harness.gateway import Gateway  # noqa: E402
from harness.smtp import SmtpSink  # noqa: E402

import casenet  # noqa: E402  (bench/casenet.py)
import pages  # noqa: E402  (bench/pages.py)
from cputime import CpuMeter  # noqa: E402  (bench/cputime.py)
from scratch import run_in_scratch  # noqa: E402  (bench/scratch.py)

USERNAME = pages.ACCOUNTS["user"][0]
PASSWORD = pages.PASSWORD
# Let wrk keep its connections for the whole run (Apache's defaults close
# them every 100 requests, which wrk reports as socket errors).
BENCH_CONF = """
MaxKeepAliveRequests 0
KeepAliveTimeout 60
"""
# The targets of issue 13 for every dynamic page, at 16 connections.
PAGE_CONNECTIONS = 16
RATIO_TARGET = 0.25
P99_TARGET_MS = 50
PROTECTED_TARGET = 0.6


class BenchError(Exception):
    pass


@dataclass
class Wrk:
    """One wrk run: requests/s, bytes per request, latency percentiles as
    wrk prints them, a note on socket errors, the requests made, and the
    CPU milliseconds Apache and MariaDB used during it."""
    rps: float
    size: float
    p50: str
    p99: str
    note: str
    requests: int
    apache_ms: float = 0.0
    db_ms: float = 0.0

    @property
    def cpu(self):
        """CPU milliseconds per request, Apache and MariaDB together."""
        return (self.apache_ms + self.db_ms) / max(self.requests, 1)

    def cpu_text(self):
        n = max(self.requests, 1)
        return f"{self.cpu:.3f} ({self.apache_ms / n:.3f}+{self.db_ms / n:.3f})"


def run_wrk(url, args, cookie=None, connections=None, script=None, tolerate=False, meter=None):
    """Run wrk; returns a Wrk. A non-2xx/3xx answer, or more than a few
    socket errors, is a failure: the figure would not measure the page.
    script: (lua file, its arguments). tolerate: socket errors (e.g.
    timeouts of a slow page) are reported in the note, not a failure.
    meter: a CpuMeter, read around the run."""
    cmd = ["wrk", f"-t{args.threads}", f"-c{connections or args.connections}",
           f"-d{args.duration}", "--latency", "--timeout", "10s"]
    if cookie:
        cmd += ["-H", "%s: %s" % pages.credential_header(cookie)]
    if script:
        cmd += ["-s", str(script[0])]
    cmd.append(url)
    if script:
        cmd += ["--"] + [str(a) for a in script[1]]
    if meter:
        meter.start()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    apache_ms, db_ms = meter.stop() if meter else (0.0, 0.0)
    out = r.stdout + r.stderr
    if r.returncode != 0:
        raise BenchError(f"wrk failed ({r.returncode}):\n{out}")
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not m:
        raise BenchError(f"no Requests/sec in wrk's output:\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if bad and int(bad.group(1)):
        raise BenchError(f"{url}: {bad.group(1)} answers were not 2xx/3xx:\n{out}")
    # A few connection resets under load are wrk's way of seeing a closed
    # keep-alive connection; many mean the figure is not worth reading.
    errs = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    done = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)([KMGT]?B) read", out)
    if not done:
        raise BenchError(f"no request count in wrk's output:\n{out}")
    total = int(done.group(1))
    scale = {"B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40}
    per_request = float(done.group(2)) * scale[done.group(3)] / max(total, 1)
    nerr = sum(map(int, errs.groups())) if errs else 0
    if nerr > max(10, total // 100) and not tolerate:
        raise BenchError(f"{url}: too many socket errors:\n{out}")
    note = f"   ({nerr} socket errors in {total} requests: {errs.group(0)})" if nerr else ""

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+(\S+)", out, re.M)
        return m.group(1) if m else "?"

    return Wrk(float(m.group(1)), per_request, pct(50), pct(99), note, total, apache_ms, db_ms)


def verify(apache, cookie_header, expected):
    """The protected URL really answers 200 with the page given the cookie,
    and refuses without it, so the ratio does not measure error pages."""
    url = apache.url("/protected/static.html")
    s = web.new_session()
    r = s.get(url, headers={"Cookie": cookie_header}, allow_redirects=False, timeout=10)
    if r.status_code != 200 or r.content != expected:
        raise BenchError(f"with the session cookie {url} answered {r.status_code} "
                         f"({len(r.content)} bytes), not the 200 static page")
    r = web.new_session().get(url, allow_redirects=False, timeout=10)
    if r.status_code not in (302, 303, 401, 403):
        raise BenchError(f"without a session {url} answered {r.status_code}, "
                         "not a refusal (302/303/401/403)")
    return r.status_code


def logon_cookie(apache, username, password=PASSWORD):
    """Log on as username; the Cookie header value of its session."""
    s = web.new_session()
    web.logon(s, apache.base_url, username, password)
    token = s.cookies.get(web.COOKIE)
    if not token:
        raise BenchError(f"logon as {username} gave no {web.COOKIE} cookie")
    return f"{web.COOKIE}={token}"


class Servers:
    """The bench's MariaDB (var/bench-db for a full-size run, locked while
    in use, else a temporary one), SMTP sink, gateway recorder and Apache,
    with the Case.net import done or reused. Used by bench.py and
    bench/profile.py:

        srv = Servers(tmp, args); srv.start(); srv.import_casenet(); ...; srv.stop()
    """

    def __init__(self, tmp, args, apache_overrides=None, extra_conf=""):
        self.args = args
        self.cache = None
        self._lock = None
        if args.casenet and not args.quick:
            self.cache = casenet.ImportCache(REPO / "var" / "bench-db", args.cases, args.parties,
                                             args.seed)
            self.cache.root.mkdir(parents=True, exist_ok=True)
            # One run at a time on var/bench-db (two servers on one datadir
            # would ruin it): make bench and bench/profile.sh wait in turn.
            self._lock = open(self.cache.root.parent / "bench-db.lock", "w")
            try:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                print(f"bench: waiting for the other run on {self.cache.root} to end...",
                      flush=True)
                fcntl.flock(self._lock, fcntl.LOCK_EX)
            if args.fresh or not self.cache.valid():
                self.cache.reset()
            util.make_reachable(self.cache.root)
            self.db = casenet.BenchMariaDB(self.cache.root / "db", util.free_port(),
                                           buffer_pool="3G")
        else:
            self.db = casenet.BenchMariaDB(tmp / "db", util.free_port(), buffer_pool="256M",
                                           log_file="64M")
        self.smtp = SmtpSink(util.free_port())
        self.gateway = Gateway(tmp / "gateway")
        # Delivery Off: the bench runs the delivery itself and times it.
        overrides = {"MoCourtsNewDeviceCode": "Off",
                     "MoCourtsSessionCache": args.session_cache,
                     "MoCourtsDelivery": "Off",
                     "MoCourtsCaseNetSearchLimit": "Off",
                     # The API's per-token limit still counts every request
                     # (its cost is measured), but never refuses one here.
                     "MoCourtsAPILimit": "1000000 1s"}
        overrides.update(apache_overrides or {})
        self.apache = Apache(tmp / "apache", util.free_port(), db=self.db, smtp=self.smtp,
                             gateway=self.gateway, overrides=overrides,
                             extra_conf=PROTECTED_CONF + BENCH_CONF + extra_conf,
                             log_level="warn")
        self.admin = None
        self.imported = None

    def start(self, apache=True):
        self.db.start()
        self.db.create_app_db()
        self.smtp.start()
        self.admin = Admin(self.apache.mocourts_conf)
        self.admin.migrate()
        if not self.db.value(f"SELECT id FROM mc_account WHERE username = '{USERNAME}'"):
            create_user(self.admin, self.db, USERNAME, f"{USERNAME}@example.test", PASSWORD)
        if apache:
            self.apache.start()

    def meter(self):
        return CpuMeter(self.apache.proc.pid, self.db.proc.pid)

    def import_casenet(self, tmp):
        """The Case.net feed imported (or the cached import checked); the
        import's figures. The bench pages' own rows (bench/pages.py) are
        removed first: a cached database holds the import alone."""
        args, db = self.args, self.db
        pages.cleanup(db)
        if self.cache is not None and self.cache.valid():
            casenet.check_db(db, args.cases, args.parties)
            imp = self.cache.figures()
            imp["cached"] = True
            print(f"Case.net: reusing the import in {self.cache.root} ({args.cases} cases, "
                  f"{args.parties} parties; --fresh imports again)", flush=True)
        else:
            print(f"Case.net: generating and importing {args.cases} cases, {args.parties} "
                  f"parties (seed {args.seed})...", flush=True)
            imp = casenet.import_feed(self.admin, tmp, args.cases, args.parties, args.seed)
            casenet.check_db(db, args.cases, args.parties)
            casenet.settle(db)
            if self.cache is not None:
                self.cache.save(imp)
        self.imported = imp
        return imp

    def stop(self):
        self.apache.stop()
        self.smtp.stop()
        self.db.stop()
        if self._lock:
            self._lock.close()


def bench(tmp, args):
    try:
        _bench(tmp, args)
    except Exception:
        # Whatever went wrong, Apache's own account of it comes first.
        for ap in Apache.instances:
            bad = ap.check_error_log()
            if bad:
                print("bench: Apache's error log:\n  " + "\n  ".join(bad[-20:]),
                      file=sys.stderr)
        raise


def _bench(tmp, args):
    results = []          # (section, figure, value, target)
    page_rows = []        # (label, Wrk or None, ratio, note)
    srv = Servers(tmp, args)
    apache = srv.apache
    try:
        srv.start()
        meter = srv.meter()
        cookie = logon_cookie(apache, USERNAME)
        static = (apache.htdocs / "static.html").read_bytes()
        refused = verify(apache, cookie, static)

        print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration} on loopback, "
              f"{len(static)}-byte page, MoCourtsSessionCache {args.session_cache}; "
              f"without the cookie the protected URL answers {refused}", flush=True)
        st = run_wrk(apache.url("/static.html"), args, meter=meter)
        pr = run_wrk(apache.url("/protected/static.html"), args, cookie, meter=meter)
        # wrk counts a 302 to the logon page as a success; its size does not.
        if pr.size < 0.9 * st.size:
            raise BenchError(f"protected answers average {pr.size:.0f} bytes against "
                             f"{st.size:.0f} for the static page: not the page itself")
        verify(apache, cookie, static)   # the session lived through the run
        print(f"  static     {st.rps:10.1f} req/s   p50 {st.p50:>8}   p99 {st.p99:>8}   "
              f"CPU {st.cpu_text()} ms/req{st.note}")
        print(f"  protected  {pr.rps:10.1f} req/s   p50 {pr.p50:>8}   p99 {pr.p99:>8}   "
              f"CPU {pr.cpu_text()} ms/req{pr.note}")
        print(f"  ratio protected/static: {pr.rps / st.rps:.2f}", flush=True)
        c = args.connections
        ratio = pr.rps / st.rps
        results += [
            ("core", f"static file, {c} connections",
             f"{st.rps:.0f} req/s, CPU {st.cpu:.3f} ms/req", ""),
            ("core", f"protected page, {c} connections",
             f"{pr.rps:.0f} req/s (p50 {pr.p50}, p99 {pr.p99}), CPU {pr.cpu:.3f} ms/req", ""),
            ("core", "protected / static", f"{ratio:.2f}",
             f">= {PROTECTED_TARGET} " + ("met" if ratio >= PROTECTED_TARGET else "NOT met")),
        ]
        if args.casenet:
            imp = srv.import_casenet(tmp)
            results += import_rows(imp)
            if args.pages:
                page_rows = pages_part(tmp, args, srv, cookie, meter)
            if args.delivery:
                results += delivery_part(args, srv)

        bad = apache.check_error_log()
        if bad:
            raise BenchError("Apache logged errors during the run:\n" + "\n".join(bad[:20]))
        if page_rows:
            print_pages(page_rows, args)
        print_table(results)
    finally:
        srv.stop()


def import_rows(imp):
    when = " (cached from an earlier run)" if imp.get("cached") else ""
    print(f"  import: {imp['cases_per_second']:.0f} cases/s, peak RSS "
          f"{(imp['peak_rss_kib'] or 0) / 1024:.1f} MiB{when}", flush=True)
    return [
        ("Case.net", f"generate {imp['cases']} cases / {imp['parties']} parties",
         f"{imp['generate_seconds']:.1f} s, {imp['feed_bytes'] / 1e6:.0f} MB feed{when}", ""),
        ("Case.net", "import rate", f"{imp['cases_per_second']:.0f} cases/s "
         f"({imp['import_seconds']:.1f} s){when}", ""),
        ("Case.net", "importer peak RSS",
         f"{(imp['peak_rss_kib'] or 0) / 1024:.1f} MiB{when}", ""),
    ]


def pages_part(tmp, args, srv, cookie, meter):
    """Every page of bench/pages.py at 16 connections between two runs of
    the static file; returns the table's rows."""
    apache, db = srv.apache, srv.db
    t0 = time.monotonic()
    pages.seed(srv.admin, db)
    cookies = {"user": cookie}
    for key, (username, _, _) in pages.ACCOUNTS.items():
        cookies.setdefault(key, logon_cookie(apache, username))
    cookies["api"] = pages.api_token(db, pages.ACCOUNTS["user"][0])
    todo = pages.pages(db, casenet.SEARCHES)
    if args.page_keys:
        unknown = set(args.page_keys) - {p.key for p in todo}
        if unknown:
            raise BenchError(f"--pages: no page {', '.join(sorted(unknown))} (pages: "
                             + ", ".join(p.key for p in todo) + ")")
        todo = [p for p in todo if p.key in args.page_keys]
    print(f"Pages: bench data written in {time.monotonic() - t0:.1f} s; each page at "
          f"{PAGE_CONNECTIONS} connections, wrk -t{args.threads} -d{args.duration}",
          flush=True)
    s = web.new_session()
    waited = casenet.warm_up(s, apache, casenet.SEARCHES)
    if waited:
        print(f"  (searches answered 503, database timeout, for {waited:.0f} s after the "
              "import before the database settled)", flush=True)
    for p in todo:   # each answers 200 with its content (and the cache is warm)
        p.size = pages.check(s, apache, p, cookies.get(p.account))
    lua = REPO / "bench" / "search.lua"

    def static_run(when):
        w = run_wrk(apache.url("/static.html"), args, connections=PAGE_CONNECTIONS, meter=meter)
        print(f"  {'static file (' + when + ')':<40} {w.rps:9.1f} req/s   p50 {w.p50:>8}   "
              f"p99 {w.p99:>8}   CPU {w.cpu_text()} ms/req{w.note}", flush=True)
        return w

    st0 = static_run("before")
    runs = []
    pr = run_wrk(apache.url("/protected/static.html"), args, cookie,
                 connections=PAGE_CONNECTIONS, meter=meter)
    print(f"  {'protected static file':<40} {pr.rps:9.1f} req/s   p50 {pr.p50:>8}   "
          f"p99 {pr.p99:>8}   CPU {pr.cpu_text()} ms/req{pr.note}", flush=True)
    for p in todo:
        paths = pages.write_paths(p, tmp / f"paths-{p.key}.txt")
        w = run_wrk(apache.url("/"), args, cookies.get(p.account), PAGE_CONNECTIONS,
                    script=(lua, [paths]), tolerate=True, meter=meter)
        if w.size < 0.5 * p.size:
            raise BenchError(f"{p.key}: answers average {w.size:.0f} bytes against "
                             f"{p.size:.0f} when checked: not the page itself")
        pages.check(s, apache, p, cookies.get(p.account))   # still the page (session alive)
        print(f"  {p.label:<40} {w.rps:9.1f} req/s   p50 {w.p50:>8}   p99 {w.p99:>8}   "
              f"CPU {w.cpu_text()} ms/req   {w.size / 1024:.0f} KiB{w.note}", flush=True)
        runs.append((p, w))
    st1 = static_run("after")
    base = (st0.rps + st1.rps) / 2
    rows = [("static file, before the pages", st0, None, ""),
            ("static file, after the pages", st1, None, ""),
            ("protected static file", pr, pr.rps / base, "")]
    for p, w in runs:
        rows.append((p.label, w, w.rps / base, p.note))
    return rows


def delivery_part(args, srv):
    """A docket entry on a case tracked by N accounts, then delivery."""
    db, admin, smtp, apache = srv.db, srv.admin, srv.smtp, srv.apache
    out = []
    casenet.cleanup_trackers(db)
    number = db.value("SELECT number FROM mc_case WHERE confidential = 0 ORDER BY id LIMIT 1")
    trackers = casenet.add_trackers(db, number, args.trackers)
    dk = casenet.docket_enqueue(util.BUILD / "docket_bench", apache.mocourts_conf, number)
    enqueue = dk["add_seconds"] + dk["commit_seconds"]
    if dk["queued"] != trackers:
        raise BenchError(f"the docket entry queued {dk['queued']} notices for {trackers} "
                         "trackers")
    print(f"  docket entry on {number}, {trackers} trackers: {dk['queued']} notices queued in "
          f"{enqueue:.3f} s (add {dk['add_seconds']:.3f} s, commit "
          f"{dk['commit_seconds']:.3f} s)", flush=True)
    out.append(("Case.net", f"docket entry, {trackers} trackers: enqueue",
                f"{enqueue:.3f} s ({dk['queued']} notices)",
                "< 2 s " + ("met" if enqueue < 2 else "NOT met")))
    dl = casenet.deliver_all(admin, db, smtp, trackers, args.workers,
                             f"Case {number}: new docket entry")
    print(f"  delivery: {dl['messages']} messages in {dl['seconds']:.2f} s = "
          f"{dl['rate']:.0f} messages/s ({dl['workers']} workers; {dl['output']})", flush=True)
    out.append(("Case.net", f"delivery to the SMTP test server, {dl['workers']} workers",
                f"{dl['rate']:.0f} messages/s ({dl['messages']} in {dl['seconds']:.1f} s)",
                ">= 2,000/s " + ("met" if dl["rate"] >= 2000 else "NOT met")))
    casenet.cleanup_trackers(db)
    return out


def _ms(text):
    """wrk's latency ("12.34ms", "1.02s", "850.00us") in milliseconds."""
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text or "")
    if not m:
        return float("inf")
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[m.group(2)]


def load_note():
    """The machine's load: CPUs and the 1/5/15-minute load averages."""
    try:
        la = Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        la = ["?"] * 3
    return f"{os.cpu_count()} CPUs, load average {' '.join(la)}"


def print_pages(rows, args):
    """The pages table: req/s, ratio to the static file (the mean of its
    two runs), p50, p99, CPU ms per request and the targets."""
    head = ["page", "req/s", "x static", "p50", "p99", "CPU ms/req (httpd+db)",
            f">= {RATIO_TARGET}x", f"p99 < {P99_TARGET_MS} ms"]
    body = []
    for label, w, ratio, _ in rows:
        if ratio is None:
            body.append([label, f"{w.rps:.0f}", "", w.p50, w.p99, w.cpu_text(), "", ""])
            continue
        target = PROTECTED_TARGET if label.startswith("protected") else RATIO_TARGET
        ok_ratio = "met" if ratio >= target else "NOT met"
        if target != RATIO_TARGET:
            ok_ratio = f"{ok_ratio} (>= {target})"
        ok_p99 = "met" if _ms(w.p99) < P99_TARGET_MS else "NOT met"
        body.append([label, f"{w.rps:.0f}", f"{ratio:.3f}", w.p50, w.p99, w.cpu_text(),
                     ok_ratio, ok_p99])
    widths = [max(len(r[i]) for r in body + [head]) for i in range(len(head))]
    right = {1, 2, 3, 4}
    line = "-" * (sum(widths) + 2 * (len(widths) - 1))

    def fmt(r):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(r, widths))).rstrip()

    print(f"\nPages at {PAGE_CONNECTIONS} connections (wrk -t{args.threads} -d{args.duration}; "
          "ratio to the mean of the two static runs; CPU: Apache's processes + MariaDB's "
          "server, from /proc, per request)")
    print(line)
    print(fmt(head))
    print(line)
    for r in body:
        print(fmt(r))
    print(line)
    met = sum(1 for r in body if r[6].startswith("met") and r[7] == "met")
    print(f"{met} of {sum(1 for r in body if r[2])} pages meet both targets; "
          f"{load_note()} (wrk, Apache and MariaDB share them)")
    notes = [f"  {label}: {note}" for label, _, _, note in rows if note]
    if notes:
        print("URLs:\n" + "\n".join(notes))


def print_table(rows):
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    w2 = max(len(r[2]) for r in rows)
    line = "-" * (w0 + w1 + w2 + 20)
    print("\n" + line)
    print(f"{'part':<{w0}}  {'figure':<{w1}}  {'value':<{w2}}  target")
    print(line)
    for part, figure, value, target in rows:
        print(f"{part:<{w0}}  {figure:<{w1}}  {value:<{w2}}  {target}")
    print(line)
    print("SMTP test server: tests/harness/smtp.py (asyncio, PIPELINING), loopback; "
          f"{load_note()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")


def add_size_args(ap):
    """The options bench.py and bench/profile.py share."""
    ap.add_argument("--quick", action="store_true",
                    help="small sizes and short runs (2,000 cases, 6,000 parties, "
                         "2,000 trackers, 3 s of wrk), nothing cached: to test the bench")
    ap.add_argument("--fresh", action="store_true",
                    help="import again even when var/bench-db holds the same import")
    ap.add_argument("--session-cache", default="shmcb",
                    help='MoCourtsSessionCache for the run ("none": every request asks MariaDB)')
    ap.add_argument("--cases", type=int, default=None, help="default 1,000,000")
    ap.add_argument("--parties", type=int, default=None, help="default 3,000,000")
    ap.add_argument("--seed", type=int, default=7)


def finish_size_args(args):
    q = args.quick
    args.cases = args.cases or (2000 if q else 1000000)
    args.parties = args.parties or (6000 if q else 3000000)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_size_args(ap)
    ap.add_argument("--duration", default=None, help="wrk's -d (default 10s; --quick 3s)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=32,
                    help="the core part's connections (the pages always use 16)")
    ap.add_argument("--trackers", type=int, default=None, help="default 100,000")
    ap.add_argument("--workers", type=int, default=2,
                    help="delivery worker processes (mocourts-admin deliver --workers)")
    ap.add_argument("--no-casenet", dest="casenet", action="store_false",
                    help="only the protected-page figures")
    ap.add_argument("--pages", dest="page_keys", default="",
                    help="only these pages, comma-separated keys (bench/pages.py: "
                         "name-common, case, history, ...)")
    ap.add_argument("--no-pages", dest="pages", action="store_false",
                    help="leave out the pages (import, docket entry and delivery only)")
    ap.add_argument("--no-cluster", action="store_true",
                    help="leave out bench/cluster.py (run by bench.sh after this)")
    ap.add_argument("--no-delivery", dest="delivery", action="store_false",
                    help="leave out the docket entry with its trackers and the delivery")
    args = ap.parse_args()
    finish_size_args(args)
    args.duration = args.duration or ("3s" if args.quick else "10s")
    args.trackers = args.trackers or (2000 if args.quick else 100000)
    args.page_keys = [k for k in args.page_keys.split(",") if k]

    return run_in_scratch("bench", "mocourts-bench-", lambda tmp: bench(tmp, args),
                          (BenchError, ApacheError, AdminError, TimeoutError,
                           casenet.CasenetBenchError, pages.PagesError,
                           requests.RequestException))


if __name__ == "__main__":
    sys.exit(main())
