"""SECURITY.md: concurrent password hashes are capped per process, so a burst
of logons cannot exhaust memory or starve other pages.

With Argon2id at the "interactive" cost each hash takes 64 MiB. Fifty logons
at once with no cap would need over 1.5 GiB in one child; with
MoCourtsHashConcurrency 2 a child never holds more than two at a time."""
import re
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from harness import web

BURST = 50
CAP = 2
MIB = 1024 * 1024


def _children_peak_rss(ap):
    """Peak resident memory (VmHWM, bytes) of each child of ap's parent."""
    ppid = ap._pid()
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(ppid)], capture_output=True,
                         text=True, check=True).stdout.split()
    peaks = []
    for pid in out:
        try:
            status = open(f"/proc/{pid}/status").read()
        except FileNotFoundError:
            continue
        m = re.search(r"VmHWM:\s+(\d+) kB", status)
        if m:
            peaks.append(int(m.group(1)) * 1024)
    return peaks


def _logon(url, name):
    s = web.new_session()
    # A connection per request: with every worker busy the event MPM closes
    # idle keep-alive connections, and a reused one then fails (browsers
    # retry that case; requests does not).
    s.headers["Connection"] = "close"
    page = s.get(url, timeout=60)
    return web.submit(s, page, {"username": name, "password": "Not-The-Password-1"},
                      timeout=120).status_code


def test_logon_burst_is_capped(make_apache):
    # Workers for the burst and for other visitors (the test default of 50
    # would be taken by the burst alone, which measures the MPM, not the cap).
    ap = make_apache(overrides={"MoCourtsPasswordCost": "interactive",
                                "MoCourtsHashConcurrency": str(CAP)},
                     extra_conf="StartServers 4\nMaxRequestWorkers 100\n")
    logon = ap.url("/account/logon")
    static_ok = []
    done = threading.Event()

    def static_reader():
        while not done.is_set():
            r = requests.get(ap.url("/static.html"), headers={"Connection": "close"},
                             timeout=30)
            static_ok.append(r.status_code == 200)

    reader = threading.Thread(target=static_reader)
    reader.start()
    try:
        with ThreadPoolExecutor(max_workers=BURST) as pool:
            codes = list(pool.map(lambda i: _logon(logon, f"nobody-{i}"), range(BURST)))
    finally:
        done.set()
        reader.join(timeout=60)

    # Every logon was answered: the form again (200) or, past the 10 s wait
    # for a hashing slot, "try again" (503); never an error or a dropped one.
    assert set(codes) <= {200, 503}, codes
    assert codes.count(200) > 0
    # Other pages kept answering while the burst was hashing.
    assert len(static_ok) >= 5 and all(static_ok), static_ok[:10]
    # Memory stayed bounded: well under what 25 threads hashing at once take.
    peaks = _children_peak_rss(ap)
    assert peaks, "no child processes found"
    assert max(peaks) < (CAP * 64 + 160) * MIB, [p // MIB for p in peaks]
