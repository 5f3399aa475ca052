"""bench/profile.sh PAGE: where one page's time goes (issue 13, "profile
where the time goes"). Starts the bench's MariaDB (var/bench-db, the full
import, or --quick: a small one), writes bench/pages.py's data and checks
the page like `make bench`, then either

  callgrind  (default) a single-process Apache (`apache2 -X`) under
             `valgrind --tool=callgrind`, collecting only inside
             ap_run_process_connection (the requests, not start-up), for
             --requests N requests of the page one after the other (after
             one warm-up pass over its URLs, not counted: a 404 between
             them zeroes the counts, --zero-before=ap_send_error_response;
             callgrind_control's vgdb stops the process here): instruction
             counts, repeatable from run to run. Prints the total and per
             request, the top functions by inclusive cost (with what they
             call) and by self cost. Apache's side only: MariaDB's work is
             the time mc_db_query waits, which callgrind does not count.
  perf       (--perf) the normal Apache under wrk (16 connections,
             --duration) with `perf record` on its children and on mysqld:
             where both spend CPU time (sampled), top symbols per process.

    bench/profile.sh name-common                   # callgrind, 200 requests
    bench/profile.sh case --requests 50 --top 40
    bench/profile.sh history --perf --duration 10s
    bench/profile.sh --list                        # the pages

Both first run the page N times (at most 200) one request after the other
with MariaDB's slow query log on (long_query_time 0) and print its
statements: how many a request, their time, the rows they examine
(--no-statements leaves this out).

The callgrind files (one a thread) and perf.data are kept in
var/profile/PAGE for callgrind_annotate, kcachegrind or perf report;
MC_KEEP_TMP=1 keeps the rest.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import bench  # noqa: E402  (bench/bench.py: REPO on sys.path, the harness)
import casenet  # noqa: E402
import pages  # noqa: E402
from scratch import run_in_scratch  # noqa: E402  (bench/scratch.py)
from harness import util, web  # noqa: E402
from harness.apache import HTTPD  # noqa: E402

# The harness's static pages, besides bench/pages.py's.
EXTRA = {"static": ("static file", None, "/static.html", "Static page"),
         "protected": ("protected static file", "user", "/protected/static.html",
                       "Static page")}


# callgrind: one worker thread, so that every request (the warm-up, the 404
# that zeroes the counts, the counted ones) runs on it: callgrind zeroes the
# counts of the thread that calls ZERO_AT only.
ONE_THREAD_CONF = """
<IfModule mpm_event_module>
    ServerLimit         1
    StartServers        1
    ThreadLimit         1
    ThreadsPerChild     1
    MaxRequestWorkers   1
    MinSpareThreads     1
    MaxSpareThreads     2
</IfModule>
"""


class ProfileError(Exception):
    pass


def page_of(db, key):
    if key in EXTRA:
        label, account, path, mark = EXTRA[key]
        return pages.Page(key, label, account, [path], [mark])
    for p in pages.pages(db, casenet.SEARCHES):
        if p.key == key:
            return p
    raise ProfileError(f"no page {key!r} (see --list)")


def children(pid):
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(name))
            except OSError:
                pass
    return out


def run_requests(apache, page, cookie, n, timeout=300):
    """n GETs of the page's URLs in turn on one keep-alive connection; the
    seconds they took. Each must answer 200."""
    s = web.new_session()
    headers = {"Cookie": cookie} if cookie else {}
    t0 = time.monotonic()
    for i in range(n):
        path = page.paths[i % len(page.paths)]
        r = s.get(apache.url(path), headers=headers, allow_redirects=False, timeout=timeout)
        if r.status_code != 200:
            raise ProfileError(f"{path} answered {r.status_code} under the profiler")
    return time.monotonic() - t0


def _normalise(sql):
    """A statement with its literals as ? (one line for the same statement
    with other values)."""
    sql = re.sub(r"'(?:[^'\\]|\\.|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql)
    return re.sub(r"\s+", " ", sql).strip()


def statements(srv, page, cookie, n, top):
    """MariaDB's side: every statement of n requests of the page, one after
    the other, from the slow query log (long_query_time 0, into the table
    mysql.slow_log): statements a request, their time and rows examined.
    Apache is restarted so that its connections log (the setting is read as
    a connection opens), and again after with the log off."""
    db, apache = srv.db, srv.apache
    db.sql("SET GLOBAL log_output = 'TABLE'; SET GLOBAL long_query_time = 0;"
           " SET GLOBAL slow_query_log = 1", database="")
    try:
        apache.stop()
        apache.start()
        run_requests(apache, page, cookie, len(page.paths))   # connections, templates
        db.sql("TRUNCATE TABLE mysql.slow_log", database="")
        secs = run_requests(apache, page, cookie, n)
        rows = db.sql("SELECT sql_text, TIME_TO_SEC(query_time), rows_examined, rows_sent"
                      " FROM mysql.slow_log WHERE user_host LIKE 'mocourts%'", database="")
    finally:
        db.sql("SET GLOBAL slow_query_log = 0; SET GLOBAL long_query_time = 10",
               database="")
        apache.stop()
        apache.start()
    agg = {}
    for text, t, examined, sent in rows:
        a = agg.setdefault(_normalise(text or ""), [0, 0.0, 0, 0])
        a[0] += 1
        a[1] += float(t or 0)
        a[2] += int(examined or 0)
        a[3] += int(sent or 0)
    total = sum(a[1] for a in agg.values())
    count = sum(a[0] for a in agg.values())
    print(f"\nMariaDB's side ({n} requests one after the other, {secs:.1f} s, from the slow "
          f"query log): {count / n:.1f} statements and {1000 * total / n:.3f} ms of statement "
          "time a request")
    print(f"  {'a request':>9}  {'ms each':>8}  {'rows examined':>13}  {'sent':>5}  statement")
    for key, (c, t, ex, se) in sorted(agg.items(), key=lambda kv: -kv[1][1])[:top]:
        print(f"  {c / n:>9.2f}  {1000 * t / c:>8.3f}  {ex / c:>13.0f}  {se / c:>5.0f}  "
              f"{key[:300]}")


def callgrind(srv, page, cookie, args, out_dir):
    apache = srv.apache
    apache.stop()
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / "callgrind.out"
    conf = apache.root / "httpd-callgrind.conf"
    conf.write_text(apache.conf_path.read_text() + ONE_THREAD_CONF)
    log = out_dir / "valgrind.log"
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
           "--toggle-collect=ap_run_process_connection",
           # One file a thread: merged here (one cost file for all threads
           # loses the call arcs of the toggled function, and so the
           # inclusive costs).
           "--separate-threads=yes",
           # Counted from the one error page of the run (zero()), not what
           # the warm-up (MariaDB connections, templates read) cost.
           f"--zero-before={ZERO_AT}",
           f"--log-file={log}", HTTPD, "-X", "-d", str(apache.root), "-f", str(conf)]
    if util.is_root():
        # As root, apache2 -X would switch to its User after valgrind opened
        # its files as root (the profile is then lost): the whole run as
        # that user, on files it owns.
        for d in (apache.root, out_dir):
            subprocess.run(["chown", "-R", f"{util.APACHE_USER}:{util.APACHE_GROUP}", str(d)],
                           check=True)
        cmd = ["setpriv", f"--reuid={util.APACHE_USER}", f"--regid={util.APACHE_GROUP}",
               "--clear-groups"] + cmd
    print("  " + " ".join(cmd), flush=True)
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        util.wait_until(lambda: proc.poll() is not None or util.port_open(apache.port), 300,
                        interval=0.5, what="apache2 -X under valgrind")
        if proc.poll() is not None:
            raise ProfileError(f"apache2 -X under valgrind exited {proc.returncode}:\n"
                               + log.read_text()[-3000:])
        warm = run_requests(apache, page, cookie, len(page.paths))
        print(f"  warm-up: {len(page.paths)} requests in {warm:.1f} s", flush=True)
        zero(apache)
        secs = run_requests(apache, page, cookie, args.requests)
        print(f"  {args.requests} requests in {secs:.1f} s under callgrind", flush=True)
    finally:
        if proc.poll() is None:
            # A graceful stop; valgrind writes the profile as the process ends.
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(300)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(30)
    files = [f for f in sorted(out_dir.glob("callgrind.out-*")) if f.stat().st_size > 1000]
    if not files:
        raise ProfileError("callgrind wrote no file:\n" + log.read_text()[-3000:])
    return files


# Apache calls it for an error page it writes itself (the 404 of a missing
# static file); no measured page answers with one.
ZERO_AT = "ap_send_error_response"


def zero(apache):
    """The counts start again here: a request for a missing file (core's
    404, ap_send_error_response); callgrind zeroes them as it is called
    (those of the thread that calls it: ONE_THREAD_CONF)."""
    r = web.new_session().get(apache.url("/no-such-file-profile-zero"), timeout=300)
    if r.status_code != 404:
        raise ProfileError(f"the 404 that zeroes the counts answered {r.status_code}")


ANNOTATE_LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+([<>*]?)\s*(\S+?)"
                           r"(?:\s+\((\d+)x\))?(?:\s+\[(.+)\])?\s*$")
# Frames every worker thread's cost sits under: not worth a line.
FRAMES = {"clone", "start_thread", "ap_run_process_connection", "ap_process_async_request",
          "ap_invoke_handler", "ap_run_handler", "mc_dispatch_handler"}
# What the issue asks to see, Apache's side: (label, functions: their
# inclusive costs added; None: see report_callgrind).
CATEGORIES = [
    ("template render (mc_tmpl_render)", ["mc_tmpl_render"]),
    ("  load/parse (mc_tmpl_load)", ["mc_tmpl_load"]),
    ("  copy the parsed tree (xmlCopyDoc, xmlDocCopyNode)", ["xmlCopyDoc", "xmlDocCopyNode"]),
    ("  fill (process_element)", ["process_element"]),
    ("  serialise (htmlNodeDumpFormatOutput)", ["htmlNodeDumpFormatOutput"]),
    ("  free the tree (xmlFreeDoc)", ["xmlFreeDoc"]),
    ("queries, client side: round trips, rows (mc_db_query, mc_db_exec)",
     ["mc_db_query", "mc_db_exec"]),
    ("session check (mc_session_*, the largest)", None),
]


class Profile:
    """The per-thread callgrind files of one run, merged: per function (by
    name) the inclusive and self instructions, the calls, the object."""

    def __init__(self):
        self.total = 0
        self.incl = {}
        self.self_ = {}
        self.calls = {}
        self.obj = {}

    def add(self, path):
        self.total += self._read(path, True)
        self._read(path, False)

    def _read(self, path, inclusive):
        args = ["callgrind_annotate", "--threshold=100", "--auto=no"]
        args += ["--inclusive=yes", "--tree=caller"] if inclusive else ["--inclusive=no"]
        r = subprocess.run(args + [str(path)], capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            raise ProfileError("callgrind_annotate failed:\n" + r.stderr[-2000:])
        total = re.search(r"^([\d,]+)\s+\(100\.0%\)\s+PROGRAM TOTALS", r.stdout, re.M)
        incl, calls = {}, 0
        for line in r.stdout.split("PROGRAM TOTALS", 1)[-1].splitlines():
            m = ANNOTATE_LINE.match(line)
            if not m:
                calls = 0
                continue
            ir, mark, where, ncalls, obj = (int(m.group(1).replace(",", "")), m.group(3),
                                            m.group(4), m.group(5), m.group(6))
            fn = where.rsplit(":", 1)[-1]
            if obj:
                self.obj.setdefault(fn.split("'")[0], os.path.basename(obj))
            if mark == "<":
                calls += int(ncalls or 0)
                continue
            if mark == ">":
                continue
            if inclusive:
                if "'" not in fn:   # a recursion level's inclusive count repeats
                    incl[fn] = max(incl.get(fn, 0), ir)
                    self.calls[fn] = self.calls.get(fn, 0) + calls
            else:
                base = fn.split("'")[0]
                self.self_[base] = self.self_.get(base, 0) + ir
            calls = 0
        for fn, ir in incl.items():
            self.incl[fn] = self.incl.get(fn, 0) + ir
        return int(total.group(1).replace(",", "")) if total else 0

    def name(self, fn):
        obj = self.obj.get(fn)
        if fn.startswith("0x") and obj:
            return f"({obj} {fn})"
        return f"{fn}  [{obj}]" if obj else fn


def report_callgrind(files, n, top, kept):
    prof = Profile()
    for f in files:
        prof.add(f)
    t = prof.total or 1
    print(f"\ncallgrind: {len(files)} thread(s), kept in {kept}")
    print(f"instructions on Apache's side in {n} requests: {prof.total:,} = "
          f"{prof.total / n:,.0f} a request (MariaDB's work is not in them: see --perf or "
          "the CPU ms/req of make bench)")
    print("\nwhere they go, per request (inclusive):")
    for label, fns in CATEGORIES:
        if fns is None:
            fns = [f for f in prof.incl if f.startswith("mc_session_")]
            fns = sorted(fns, key=lambda f: -prof.incl[f])[:1]
        ir = sum(prof.incl.get(f, 0) for f in fns)
        calls = sum(prof.calls.get(f, 0) for f in fns)
        extra = f"   {calls / n:.1f} calls a request" if calls and "queries" in label else ""
        print(f"  {label:<68} {ir / n:>12,.0f}  {100 * ir / t:5.1f}%{extra}")
    alloc = sum(v for f, v in prof.self_.items() if v < 0.99 * t
                if f in ("malloc", "free", "_int_malloc", "_int_free", "malloc_consolidate",
                         "calloc", "realloc", "cfree", "_int_realloc", "unlink_chunk",
                         "tcache_get", "tcache_put", "apr_palloc", "apr_pcalloc"))
    print(f"  {'memory allocation (malloc/free + apr_palloc, self)':<68} {alloc / n:>12,.0f}  "
          f"{100 * alloc / t:5.1f}%")
    # The frames above the toggled function show the whole cost as their
    # own (callgrind's view of frames on the stack when the counts were
    # zeroed): left out.
    own = {f: v for f, v in prof.self_.items() if v < 0.99 * t}
    by_obj = {}
    for f, v in own.items():
        o = prof.obj.get(f, "?")
        by_obj[o] = by_obj.get(o, 0) + v
    print("\nby library (self):")
    for o, v in sorted(by_obj.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {o:<68} {v / n:>12,.0f}  {100 * v / t:5.1f}%")
    rows = sorted(((v, f) for f, v in prof.incl.items() if f not in FRAMES
                   and not f.startswith("0x")), reverse=True)[:top]
    print(f"\ntop {len(rows)} functions by inclusive instructions (with what they call), "
          "per request:")
    for v, f in rows:
        # (calls: for the module's functions; a library's are counted only
        # from callers with symbols)
        calls = prof.calls.get(f, 0) if prof.obj.get(f, "").startswith("mod_mocourts") else 0
        print(f"  {v / n:>12,.0f}  {100 * v / t:5.1f}%  {prof.name(f)}"
              + (f"  ({calls / n:.1f} calls)" if calls else ""))
    rows = sorted(((v, f) for f, v in own.items()), reverse=True)[:top]
    print(f"\ntop {len(rows)} functions by self instructions, per request:")
    for v, f in rows:
        print(f"  {v / n:>12,.0f}  {100 * v / t:5.1f}%  {prof.name(f)}")


def perf(srv, page, cookie, args, out_dir):
    apache, db = srv.apache, srv.db
    out_dir.mkdir(parents=True, exist_ok=True)
    pids = children(apache.proc.pid) + [db.proc.pid]
    data = out_dir / "perf.data"
    cmd = ["perf", "record", "-F", str(args.frequency), "-o", str(data), "-p",
           ",".join(map(str, pids))]
    if args.callgraph:
        cmd[2:2] = ["--call-graph", "dwarf,16384"]
    print("  " + " ".join(cmd), flush=True)
    rec = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    time.sleep(1)
    paths = pages.write_paths(page, out_dir / "paths.txt")
    w = bench.run_wrk(apache.url("/"), args, cookie, bench.PAGE_CONNECTIONS,
                      script=(bench.REPO / "bench" / "search.lua", [paths]), tolerate=True,
                      meter=srv.meter())
    rec.send_signal(signal.SIGINT)
    out, _ = rec.communicate(timeout=300)
    print(f"  {page.label}: {w.rps:.0f} req/s, p50 {w.p50}, p99 {w.p99}, CPU "
          f"{w.cpu_text()} ms/req (httpd+db)\n  {out.strip()}", flush=True)
    for comm in ("apache2", "mariadbd"):
        r = subprocess.run(["perf", "report", "-i", str(data), "--stdio", "--comm", comm,
                            "--sort", "dso,symbol", "--percent-limit", "0.5"]
                           + ([] if args.callgraph else ["--no-children"]),
                           capture_output=True, text=True, timeout=900)
        lines = [re.sub(r"(\s+-)+\s*$", "", ln).strip() for ln in r.stdout.splitlines()
                 if ln.strip() and not ln.startswith("#")
                 and not ln.lstrip().startswith(("|", "-", "---"))]
        print(f"\nperf: top symbols of {comm} (share of all samples; mariadbd without its "
              "debug symbols shows addresses)")
        for ln in lines[:args.top]:
            print("  " + ln)
    kept = bench.REPO / "var" / "profile" / page.key
    kept.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(data, kept / "perf.data")
    print(f"\nperf data: {kept / 'perf.data'} (perf report -i {kept / 'perf.data'})")


def profile_page(tmp, args):
    """The servers started in tmp, the page checked, then profiled."""
    srv = bench.Servers(tmp, args)
    try:
        srv.start()
        srv.import_casenet(tmp)
        pages.seed(srv.admin, srv.db)
        page = page_of(srv.db, args.page)
        cookie = bench.logon_cookie(srv.apache, pages.ACCOUNTS[page.account][0]) \
            if page.account else None
        s = web.new_session()
        casenet.warm_up(s, srv.apache, casenet.SEARCHES[:5])
        pages.check(s, srv.apache, page, cookie)
        print(f"profile: {page.label} ({page.key}), {len(page.paths)} URL(s), "
              f"{args.cases} cases", flush=True)
        if not args.no_statements:
            statements(srv, page, cookie, min(args.requests, 200), args.top)
        if args.perf:
            perf(srv, page, cookie, args, tmp / "perf")
        else:
            files = callgrind(srv, page, cookie, args, tmp / "callgrind")
            kept = bench.REPO / "var" / "profile" / page.key
            shutil.rmtree(kept, ignore_errors=True)
            kept.mkdir(parents=True)
            for f in files:
                shutil.copyfile(f, kept / f.name)
            report_callgrind(sorted(kept.iterdir()), args.requests, args.top, kept)
    finally:
        srv.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("page", nargs="?", help="a page key (--list)")
    ap.add_argument("--list", action="store_true", help="list the pages and exit")
    bench.add_size_args(ap)
    ap.add_argument("--requests", type=int, default=200,
                    help="callgrind: requests counted (default 200)")
    ap.add_argument("--top", type=int, default=30, help="functions shown (default 30)")
    ap.add_argument("--no-statements", action="store_true",
                    help="leave out MariaDB's statements (the slow query log pass)")
    ap.add_argument("--perf", action="store_true",
                    help="perf record Apache and MariaDB under wrk instead of callgrind")
    ap.add_argument("--callgraph", action="store_true",
                    help="perf: record call graphs (dwarf) and show inclusive shares")
    ap.add_argument("--frequency", type=int, default=499, help="perf: samples/s (499)")
    ap.add_argument("--duration", default="10s", help="perf: wrk's -d (10s)")
    ap.add_argument("--threads", type=int, default=2, help="perf: wrk's -t (2)")
    args = ap.parse_args()
    if args.list:
        print("pages: " + ", ".join(list(EXTRA) + pages.KEYS))
        return 0
    if not args.page:
        ap.error("name a page (--list shows them)")
    bench.finish_size_args(args)
    args.casenet = True
    args.connections = bench.PAGE_CONNECTIONS
    tool = "perf" if args.perf else "valgrind"
    if not shutil.which(tool):
        print(f"profile: {tool} is not installed (run scripts/deps.sh)", file=sys.stderr)
        return 1

    return run_in_scratch("profile", "mocourts-profile-", lambda tmp: profile_page(tmp, args),
                          (bench.BenchError, ProfileError, pages.PagesError,
                           casenet.CasenetBenchError, TimeoutError),
                          keep_on_failure=True)


if __name__ == "__main__":
    sys.exit(main())
