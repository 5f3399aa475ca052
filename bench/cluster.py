"""make bench, issue 15: throughput with one and with two Apache nodes on
the same 3-node Galera cluster (tests/harness/galera.py), all on loopback on
this machine: the protected static file (a session cookie, the session
cache on) and a litigant-name search, first at 16 connections on node A
alone, then 8 connections on each node at once; the static file on node A
for scale. Prints req/s, the two-node/one-node ratio and p99.

    /usr/bin/python3 bench/cluster.py [--duration 5s]

On one machine two nodes share the same CPUs as wrk and the three database
servers, so the ratio says what a second node costs or gains here, not what
it gains on a machine of its own.
"""
import argparse
import concurrent.futures
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "tests" / "integration"))

from harness import util  # noqa: E402
from harness.admin import Admin, create_user  # noqa: E402
from harness.apache import PROTECTED_CONF, Apache  # noqa: E402
from harness.galera import GaleraCluster  # noqa: E402
from harness.gateway import Gateway  # noqa: E402
from harness.smtp import SmtpSink  # noqa: E402
from helpers_casenet import seed_case, seed_court, seed_party  # noqa: E402

from bench import BENCH_CONF, logon_cookie, run_wrk  # noqa: E402  (bench/bench.py)

ORDERS = {"A": (0, 1, 2), "B": (1, 2, 0)}
NAME = "BENCHCLUSTER"
PASSWORD = "Bench-Cluster-Pass-9x"


def start(tmp):
    smtp = SmtpSink(util.free_port())
    smtp.start()
    cluster = GaleraCluster(tmp / "galera").start()
    nodes = {}
    for name, order in ORDERS.items():
        ap = Apache(tmp / f"node-{name}", util.free_port(), db=cluster.nodes[order[0]],
                    smtp=smtp, gateway=Gateway(tmp / "gateway"),
                    extra_conf=PROTECTED_CONF + BENCH_CONF,
                    overrides={"MoCourtsDBHost": f'"{cluster.hosts(order)}"',
                               "MoCourtsDBSocket": None, "MoCourtsDBPort": None,
                               "MoCourtsNewDeviceCode": "Off",
                               "MoCourtsSessionCache": "shmcb"})
        if not nodes:
            Admin(ap.mocourts_conf).migrate()
        ap.start()
        nodes[name] = ap
    return smtp, cluster, nodes


def seed(cluster, nodes):
    db = cluster.nodes[0]
    admin = Admin(nodes["A"].mocourts_conf)
    create_user(admin, db, "bench.cluster", "bench.cluster@example.test", PASSWORD)
    court = seed_court(db)
    for i in range(40):
        case_id, _ = seed_case(db, court, caption=f"{NAME} V DOE {i}")
        seed_party(db, case_id, NAME, first=f"ANNA{i}")


def both(urls, args, cookie, connections):
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(urls)) as pool:
        runs = list(pool.map(lambda u: run_wrk(u, args, cookie, connections=connections), urls))
    return runs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", default="5s")
    args = ap.parse_args()
    args.threads = 1
    args.connections = 16
    with tempfile.TemporaryDirectory(prefix="mocourts-bench-cluster-") as d:
        tmp = Path(d)
        util.make_reachable(tmp)
        smtp, cluster, nodes = start(tmp)
        try:
            seed(cluster, nodes)
            a, b = nodes["A"], nodes["B"]
            cookie = logon_cookie(a, "bench.cluster", PASSWORD)
            rows = []
            st = run_wrk(a.url("/static.html"), args)
            rows.append(("static file, node A, 16 connections", st.rps, None, st.p99))
            for label, path, ck in (("protected static file", "/protected/static.html", cookie),
                                    ("name search", f"/casenet/search/name?last={NAME}", None)):
                one = run_wrk(a.url(path), args, ck)
                two = both([a.url(path), b.url(path)], args, ck, 8)
                total = sum(r.rps for r in two)
                rows.append((f"{label}, node A, 16 connections", one.rps, one.rps / st.rps,
                             one.p99))
                rows.append((f"{label}, nodes A+B, 8 connections each", total,
                             total / one.rps, " / ".join(r.p99 for r in two)))
            print("\n| what (wrk, loopback, one machine) | req/s | ratio | p99 |")
            print("| --- | ---: | ---: | --- |")
            for what, rps, ratio, p99 in rows:
                r = "" if ratio is None else (f"{ratio:.2f}× static" if "node A," in what
                                              else f"{ratio:.2f}× one node")
                print(f"| {what} | {rps:,.0f} | {r} | {p99} |")
        finally:
            for n in nodes.values():
                n.stop()
            cluster.stop()
            smtp.stop()


if __name__ == "__main__":
    main()
