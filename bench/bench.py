"""make bench: every figure in one run against one private MariaDB + Apache
+ SMTP sink started through tests/harness, printed as one table at the end:

  core      requests per second of a page protected by mod_mocourts
            (`Require mocourts-account`, a logged-on session cookie, the
            session cache on) as a ratio to the same static file
  Case.net  (bench/casenet.py) import rate and the importer's peak memory
            for 1,000,000 generated cases and 3,000,000 parties; litigant-
            name search p50/p99 at 16 connections and its throughput as a
            ratio to the static file; a docket entry on a case tracked by
            100,000 accounts (time to enqueue); their delivery rate to the
            SMTP test server (tests/harness/smtp.py)

The imported database is kept in var/bench-db and reused while the sizes,
the schema and the importer are unchanged (--fresh imports again).

    /usr/bin/python3 bench/bench.py [--quick] [--fresh] [--duration 10s] [--threads 2]
        [--connections 32] [--session-cache shmcb] [--cases N] [--parties N] [--seed N]
        [--trackers N] [--workers N] [--no-casenet]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
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

USERNAME = "bench.user"
PASSWORD = "Bench-Pass-2024x"
# Let wrk keep its connections for the whole run (Apache's defaults close
# them every 100 requests, which wrk reports as socket errors).
BENCH_CONF = """
MaxKeepAliveRequests 0
KeepAliveTimeout 60
"""


class BenchError(Exception):
    pass


def run_wrk(url, args, cookie=None, connections=None, script=None, tolerate=False):
    """Run wrk; returns (requests/s, bytes read per request, p50, p99,
    note). A non-2xx/3xx answer, or more than a few socket errors, is a
    failure: the figure would not measure the page. script: (lua file,
    its arguments). tolerate: socket errors (e.g. timeouts of a slow page)
    are reported in the note, not a failure."""
    cmd = ["wrk", f"-t{args.threads}", f"-c{connections or args.connections}",
           f"-d{args.duration}", "--latency", "--timeout", "10s"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    if script:
        cmd += ["-s", str(script[0])]
    cmd.append(url)
    if script:
        cmd += ["--"] + [str(a) for a in script[1]]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
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

    return float(m.group(1)), per_request, pct(50), pct(99), note


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
    cache = None
    if args.casenet and not args.quick:
        cache = casenet.ImportCache(REPO / "var" / "bench-db", args.cases, args.parties,
                                    args.seed)
        if args.fresh or not cache.valid():
            cache.reset()
        util.make_reachable(cache.root)
        db = casenet.BenchMariaDB(cache.root / "db", util.free_port(), buffer_pool="3G")
    else:
        db = casenet.BenchMariaDB(tmp / "db", util.free_port(), buffer_pool="256M",
                                  log_file="64M")
    smtp = SmtpSink(util.free_port())
    gateway = Gateway(tmp / "gateway")
    # Delivery Off: the bench runs the delivery itself and times it.
    apache = Apache(tmp / "apache", util.free_port(), db=db, smtp=smtp, gateway=gateway,
                    overrides={"MoCourtsNewDeviceCode": "Off",
                               "MoCourtsSessionCache": args.session_cache,
                               "MoCourtsDelivery": "Off",
                               "MoCourtsCaseNetSearchLimit": "Off"},
                    extra_conf=PROTECTED_CONF + BENCH_CONF, log_level="warn")
    try:
        db.start()
        db.create_app_db()
        smtp.start()
        admin = Admin(apache.mocourts_conf)
        admin.migrate()
        if not db.value(f"SELECT id FROM mc_account WHERE username = '{USERNAME}'"):
            create_user(admin, db, USERNAME, "bench.user@example.test", PASSWORD)
        apache.start()

        s = web.new_session()
        web.logon(s, apache.base_url, USERNAME, PASSWORD)
        token = s.cookies.get(web.COOKIE)
        if not token:
            raise BenchError(f"logon as {USERNAME} gave no {web.COOKIE} cookie")
        cookie = f"{web.COOKIE}={token}"
        static = (apache.htdocs / "static.html").read_bytes()
        refused = verify(apache, cookie, static)

        print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration} on loopback, "
              f"{len(static)}-byte page, MoCourtsSessionCache {args.session_cache}; "
              f"without the cookie the protected URL answers {refused}", flush=True)
        st_rps, st_size, st_p50, st_p99, st_note = run_wrk(apache.url("/static.html"), args)
        pr_rps, pr_size, pr_p50, pr_p99, pr_note = run_wrk(
            apache.url("/protected/static.html"), args, cookie)
        # wrk counts a 302 to the logon page as a success; its size does not.
        if pr_size < 0.9 * st_size:
            raise BenchError(f"protected answers average {pr_size:.0f} bytes against "
                             f"{st_size:.0f} for the static page: not the page itself")
        verify(apache, cookie, static)   # the session lived through the run
        print(f"  static     {st_rps:10.1f} req/s   p50 {st_p50:>8}   p99 {st_p99:>8}{st_note}")
        print(f"  protected  {pr_rps:10.1f} req/s   p50 {pr_p50:>8}   p99 {pr_p99:>8}{pr_note}")
        print(f"  ratio protected/static: {pr_rps / st_rps:.2f}", flush=True)
        c = args.connections
        results += [
            ("core", f"static file, {c} connections", f"{st_rps:.0f} req/s", ""),
            ("core", f"protected page, {c} connections",
             f"{pr_rps:.0f} req/s (p50 {pr_p50}, p99 {pr_p99})", ""),
            ("core", "protected / static", f"{pr_rps / st_rps:.2f}", ""),
        ]
        if args.casenet:
            results += casenet_part(tmp, args, db, smtp, apache, admin, cache)

        bad = apache.check_error_log()
        if bad:
            raise BenchError("Apache logged errors during the run:\n" + "\n".join(bad[:20]))
        print_table(results)
    finally:
        apache.stop()
        smtp.stop()
        db.stop()


def casenet_part(tmp, args, db, smtp, apache, admin, cache):
    out = []
    # (a) import
    if cache is not None and cache.valid():
        casenet.check_db(db, args.cases, args.parties)
        imp = cache.figures()
        imp["cached"] = True
        print(f"Case.net: reusing the import in {cache.root} ({args.cases} cases, "
              f"{args.parties} parties; --fresh imports again)", flush=True)
    else:
        print(f"Case.net: generating and importing {args.cases} cases, {args.parties} parties "
              f"(seed {args.seed})...", flush=True)
        imp = casenet.import_feed(admin, tmp, args.cases, args.parties, args.seed)
        casenet.check_db(db, args.cases, args.parties)
        casenet.settle(db)
        if cache is not None:
            cache.save(imp)
    when = " (cached from an earlier run)" if imp.get("cached") else ""
    out += [
        ("Case.net", f"generate {imp['cases']} cases / {imp['parties']} parties",
         f"{imp['generate_seconds']:.1f} s, {imp['feed_bytes'] / 1e6:.0f} MB feed{when}", ""),
        ("Case.net", "import rate", f"{imp['cases_per_second']:.0f} cases/s "
         f"({imp['import_seconds']:.1f} s){when}", ""),
        ("Case.net", "importer peak RSS",
         f"{(imp['peak_rss_kib'] or 0) / 1024:.1f} MiB{when}", ""),
    ]
    print(f"  import: {imp['cases_per_second']:.0f} cases/s, peak RSS "
          f"{(imp['peak_rss_kib'] or 0) / 1024:.1f} MiB{when}", flush=True)

    # (b) litigant-name search at 16 connections, against the static file
    names = casenet.write_searches(tmp / "searches.txt")
    s = web.new_session()
    waited = casenet.warm_up(s, apache, casenet.SEARCHES)
    if waited:
        print(f"  (searches answered 503, database timeout, for {waited:.0f} s after the "
              "import before the database settled)", flush=True)
    for q in casenet.SEARCHES:   # each prefix finds cases (a typo would measure nothing)
        casenet.verify_search(s, apache, q, results="&" not in q)
    st_rps, _, st_p50, st_p99, st_note = run_wrk(apache.url("/static.html"), args,
                                                connections=16)
    se_rps, se_size, se_p50, se_p99, se_note = run_wrk(
        apache.url("/casenet/search/name"), args, connections=16,
        script=(REPO / "bench" / "search.lua", [names]), tolerate=True)
    casenet.verify_search(s, apache, casenet.SEARCHES[0])
    print(f"  static (16 conn)  {st_rps:10.1f} req/s   p50 {st_p50:>8}   p99 {st_p99:>8}{st_note}")
    print(f"  name search       {se_rps:10.1f} req/s   p50 {se_p50:>8}   p99 {se_p99:>8}{se_note}"
          f"   ({se_size / 1024:.0f} KiB a page)", flush=True)
    out += [
        ("Case.net", "static file, 16 connections", f"{st_rps:.0f} req/s", ""),
        ("Case.net", "name search, 16 connections: p50", se_p50, ""),
        ("Case.net", "name search, 16 connections: p99", se_p99,
         "< 50 ms " + ("met" if _ms(se_p99) < 50 else "NOT met")),
        ("Case.net", "name search throughput", f"{se_rps:.0f} req/s{se_note}", ""),
        ("Case.net", "name search / static", f"{se_rps / st_rps:.3f}", ""),
    ]
    if waited:
        out.append(("Case.net", "name search right after the import",
                    f"503 (database timeout) for {waited:.0f} s", ""))

    # (c) a docket entry on a case tracked by N accounts, then delivery
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
          f"{os.cpu_count()} CPUs; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="small sizes and short runs (2,000 cases, 6,000 parties, "
                         "2,000 trackers, 3 s of wrk), nothing cached: to test the bench")
    ap.add_argument("--fresh", action="store_true",
                    help="import again even when var/bench-db holds the same import")
    ap.add_argument("--duration", default=None, help="wrk's -d (default 10s; --quick 3s)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--session-cache", default="shmcb",
                    help='MoCourtsSessionCache for the run ("none": every request asks MariaDB)')
    ap.add_argument("--cases", type=int, default=None, help="default 1,000,000")
    ap.add_argument("--parties", type=int, default=None, help="default 3,000,000")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--trackers", type=int, default=None, help="default 100,000")
    ap.add_argument("--workers", type=int, default=2,
                    help="delivery worker processes (mocourts-admin deliver --workers)")
    ap.add_argument("--no-casenet", dest="casenet", action="store_false",
                    help="only the protected-page figures")
    args = ap.parse_args()
    q = args.quick
    args.duration = args.duration or ("3s" if q else "10s")
    args.cases = args.cases or (2000 if q else 1000000)
    args.parties = args.parties or (6000 if q else 3000000)
    args.trackers = args.trackers or (2000 if q else 100000)

    tmp = Path(tempfile.mkdtemp(prefix="mocourts-bench-", dir="/tmp"))
    util.make_reachable(tmp)
    try:
        bench(tmp, args)
    except (BenchError, ApacheError, AdminError, TimeoutError, casenet.CasenetBenchError,
            requests.RequestException) as e:
        print(f"bench: FAILED: {e}", file=sys.stderr)
        if os.environ.get("MC_KEEP_TMP") != "1":
            print("bench: set MC_KEEP_TMP=1 to keep the logs", file=sys.stderr)
        return 1
    finally:
        if os.environ.get("MC_KEEP_TMP") == "1":
            print(f"bench: files kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
