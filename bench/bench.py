"""make bench: requests per second of a page protected by mod_mocourts
(`Require mocourts-account`, a logged-on session cookie, the session cache
on) as a ratio to the same static file without protection, both served by
the same Apache in the same run. Starts its own MariaDB and Apache through
tests/harness; prints the figures (nothing is written to the repository).

    /usr/bin/python3 bench/bench.py [--duration 10s] [--threads 2] [--connections 32]
                                    [--session-cache shmcb]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from harness import util, web  # noqa: E402
from harness.admin import Admin, AdminError, create_user  # noqa: E402
from harness.apache import PROTECTED_CONF, Apache, ApacheError  # noqa: E402
from harness.gateway import Gateway  # noqa: E402
from harness.mariadb import MariaDB  # noqa: E402
from harness.smtp import SmtpSink  # noqa: E402

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


def run_wrk(url, args, cookie=None):
    """Run wrk; returns (requests/s, bytes read per request, p50, p99,
    note). A non-2xx/3xx answer, or more than a few socket errors, is a
    failure: the figure would not measure the page."""
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}",
           "--latency"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cmd.append(url)
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
    if nerr > max(10, total // 100):
        raise BenchError(f"{url}: too many socket errors:\n{out}")
    note = f"   ({nerr} socket errors in {total} requests)" if nerr else ""

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
    db = MariaDB(tmp / "db", util.free_port())
    smtp = SmtpSink(util.free_port())
    gateway = Gateway(tmp / "gateway")
    apache = Apache(tmp / "apache", util.free_port(), db=db, smtp=smtp, gateway=gateway,
                    overrides={"MoCourtsNewDeviceCode": "Off",
                               "MoCourtsSessionCache": args.session_cache},
                    extra_conf=PROTECTED_CONF + BENCH_CONF, log_level="warn")
    try:
        db.start()
        db.create_app_db()
        smtp.start()
        admin = Admin(apache.mocourts_conf)
        admin.migrate()
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
              f"without the cookie the protected URL answers {refused}")
        st_rps, st_size, st_p50, st_p99, st_note = run_wrk(apache.url("/static.html"), args)
        pr_rps, pr_size, pr_p50, pr_p99, pr_note = run_wrk(
            apache.url("/protected/static.html"), args, cookie)
        # wrk counts a 302 to the logon page as a success; its size does not.
        if pr_size < 0.9 * st_size:
            raise BenchError(f"protected answers average {pr_size:.0f} bytes against "
                             f"{st_size:.0f} for the static page: not the page itself")
        verify(apache, cookie, static)   # the session lived through the run

        bad = apache.check_error_log()
        if bad:
            raise BenchError("Apache logged errors during the run:\n" + "\n".join(bad[:20]))

        print(f"  static     {st_rps:10.1f} req/s   p50 {st_p50:>8}   p99 {st_p99:>8}{st_note}")
        print(f"  protected  {pr_rps:10.1f} req/s   p50 {pr_p50:>8}   p99 {pr_p99:>8}{pr_note}")
        print(f"  ratio protected/static: {pr_rps / st_rps:.2f}")
    finally:
        apache.stop()
        smtp.stop()
        db.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", default="10s")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--session-cache", default="shmcb",
                    help='MoCourtsSessionCache for the run ("none": every request asks MariaDB)')
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="mocourts-bench-", dir="/tmp"))
    util.make_reachable(tmp)
    try:
        bench(tmp, args)
    except (BenchError, ApacheError, AdminError, TimeoutError,
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
