"""The Case.net part of `make bench` (bench/bench.py runs it against its own
MariaDB + Apache + SMTP sink):

  import      `mocourts-admin generate` a feed of N cases and M parties, then
              `mocourts-admin import` it under /usr/bin/time -v: cases/s and
              the importer's peak RSS (kept in var/bench-db between runs of
              the same sizes, schema and importer: see ImportCache)
  search      wrk --latency at 16 connections on /casenet/search/name with a
              rotation of surname prefixes (bench/search.lua): p50, p99,
              req/s and the ratio to the static file in the same run
  docket      one docket entry on a case tracked by T accounts
              (bench/docket_bench.c: mc_case_docket_add in a transaction):
              seconds to enqueue one notice per tracker
  delivery    those T notices delivered by `mocourts-admin deliver --once
              --workers W` to the SMTP test server: messages/s
"""
import hashlib
import json
import re
import shutil
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

from harness.mariadb import MariaDB, sql_quote  # noqa: E402

# Prefixes people type: the generator's surnames cut where a searcher would
# stop, some whole names, a few businesses, some with a first name.
SEARCHES = [
    "last=SMI", "last=JOHNS", "last=WILLIAM", "last=BRO", "last=JON", "last=MILL", "last=DAVI",
    "last=WILS", "last=MOOR", "last=TAYL", "last=ANDERS", "last=THOM", "last=JACKS",
    "last=WHIT", "last=HARR", "last=MART", "last=CLAR", "last=LEWI", "last=ROBIN", "last=WALK",
    "last=YOUN", "last=ALL", "last=KIN", "last=WRIGH", "last=SCOT", "last=GREE", "last=BAK",
    "last=ADAM", "last=NELS", "last=HIL", "last=CAMPB", "last=MITCH", "last=ROBERT",
    "last=CART", "last=PHIL", "last=EVAN", "last=TURN", "last=PARK", "last=COLL",
    "last=EDWAR", "last=STEW", "last=MORR", "last=MURP", "last=COO", "last=ROG", "last=MEY",
    "last=SCHM", "last=MUEL", "last=WAGN", "last=BECK", "last=SCHN", "last=FISC", "last=WEB",
    "last=HOFF", "last=KOC", "last=MCD", "last=REE", "last=GRA", "last=PETERS",
    "last=HENDERS", "last=COLEM", "last=BEL", "last=ACME", "last=MIDWEST", "last=PORTFOLIO",
    "last=SMITH&first=JOHN", "last=MILLER&first=MARY", "last=BROWN&first=DAVID",
    "last=JOHNSON&first=LINDA", "last=WILLIAMS&first=JAMES",
]


class CasenetBenchError(Exception):
    pass


class BenchMariaDB(MariaDB):
    """The harness's MariaDB with a buffer pool and redo log sized for a
    million cases (the tests' 64M would measure the disk)."""

    def __init__(self, root, port, buffer_pool="3G", log_file="512M"):
        super().__init__(root, port)
        self.buffer_pool = buffer_pool
        self.log_file = log_file

    def _server_args(self):
        args = []
        for a in super()._server_args():
            if a.startswith("--innodb-buffer-pool-size="):
                a = f"--innodb-buffer-pool-size={self.buffer_pool}"
            elif a.startswith("--innodb-log-file-size="):
                a = f"--innodb-log-file-size={self.log_file}"
            args.append(a)
        return args


class ImportCache:
    """var/bench-db: the MariaDB datadir of the last full import, reused
    while the stamp is unchanged: the generator's sizes and seed and its
    source (what the feed holds), and every schema file (how it is stored).
    The import figures of that run are kept beside it and reported as
    cached, with their date; after a change to the importer, --fresh
    measures it again."""

    SOURCES = ["mod_mocourts/admin/generate.c"]

    def __init__(self, root, cases, parties, seed):
        self.root = Path(root)
        self.file = self.root / "stamp.json"
        h = hashlib.sha256(f"{cases}/{parties}/{seed}".encode())
        for p in sorted((REPO / "sql").rglob("*.sql")) + [REPO / s for s in self.SOURCES]:
            if p.exists():
                h.update(p.name.encode() + b"\0" + p.read_bytes())
        self.stamp = h.hexdigest()

    def valid(self):
        try:
            return json.loads(self.file.read_text())["stamp"] == self.stamp
        except (OSError, ValueError, KeyError):
            return False

    def figures(self):
        return json.loads(self.file.read_text())["import"]

    def reset(self):
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True)

    def save(self, figures):
        self.file.write_text(json.dumps({"stamp": self.stamp, "import": figures,
                                         "saved": time.strftime("%Y-%m-%d %H:%M UTC",
                                                                time.gmtime())}))


def _time_v(cmd, **kw):
    """Run cmd under GNU time -v; returns (CompletedProcess, wall seconds,
    peak RSS in KiB)."""
    t0 = time.monotonic()
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, **kw)
    wall = time.monotonic() - t0
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr)
    return r, wall, int(m.group(1)) if m else None


def import_feed(admin, tmp, cases, parties, seed):
    """Generate the feed into tmp and import it; returns the figures."""
    feed = Path(tmp) / "feed.xml"
    t0 = time.monotonic()
    with open(feed, "wb") as out:
        g = subprocess.run([str(admin.binary), "generate", "--cases", str(cases), "--parties",
                            str(parties), "--seed", str(seed)], stdout=out,
                           stderr=subprocess.PIPE, timeout=7200)
    gen = time.monotonic() - t0
    if g.returncode != 0:
        raise CasenetBenchError(f"generate failed ({g.returncode}): {g.stderr.decode()[-2000:]}")
    size = feed.stat().st_size
    r, wall, rss = _time_v([str(admin.binary), "-c", str(admin.conf), "import", str(feed)],
                           timeout=4 * 3600, stdin=subprocess.DEVNULL)
    feed.unlink()
    if r.returncode != 0:
        raise CasenetBenchError(f"import failed ({r.returncode}):\n{r.stdout[-2000:]}"
                                f"{r.stderr[-3000:]}")
    m = re.search(r"imported (\d+) cases .*?(\d+) parties", r.stdout)
    if not m or int(m.group(1)) != cases or int(m.group(2)) != parties:
        raise CasenetBenchError(f"the import did not report {cases} cases and {parties} parties:"
                                f"\n{r.stdout[-2000:]}")
    return {"cases": cases, "parties": parties, "generate_seconds": gen, "feed_bytes": size,
            "import_seconds": wall, "cases_per_second": cases / wall,
            "peak_rss_kib": rss, "cached": False}


def check_db(db, cases, parties):
    """The (possibly cached) database holds what was imported."""
    n_cases = int(db.value("SELECT COUNT(*) FROM mc_case"))
    n_parties = int(db.value("SELECT COUNT(*) FROM mc_party"))
    if n_cases != cases or n_parties != parties:
        raise CasenetBenchError(f"the database holds {n_cases} cases and {n_parties} parties, "
                                f"not {cases} and {parties}")


# ---- search --------------------------------------------------------------------

def write_searches(path):
    Path(path).write_text("\n".join(SEARCHES) + "\n")
    return path


def settle(db):
    """After a bulk import: fresh optimizer statistics (what an operator
    runs after a load; InnoDB would get there by itself later)."""
    db.sql("ANALYZE TABLE mc_case, mc_party, mc_case_attorney, mc_docket, mc_hearing,"
           " mc_judgment", timeout=1800)


def warm_up(session, apache, queries, limit=300):
    """Run each search once, waiting out answers of 503 (the database
    busy right after a large import: a query past MoCourtsDBTimeout).
    Returns the seconds spent waiting (0 when none was refused)."""
    waited = 0.0
    t_end = time.monotonic() + limit
    for q in queries:
        while True:
            r = session.get(apache.url("/casenet/search/name?" + q), timeout=60,
                            allow_redirects=False)
            if r.status_code != 503 or time.monotonic() > t_end:
                break
            time.sleep(2)
            waited += 2
    return waited


def verify_search(session, apache, query, results=True):
    """A search answers 200 (not the CAPTCHA, not an error) and, with
    results, lists cases."""
    url = apache.url("/casenet/search/name?" + query)
    r = session.get(url, timeout=60, allow_redirects=False)
    if r.status_code != 200:
        raise CasenetBenchError(f"{url} answered {r.status_code}")
    if "captcha" in r.text.lower():
        raise CasenetBenchError(f"{url} asked for the CAPTCHA: is the rate limit Off?")
    if results and "/casenet/case/" not in r.text:
        raise CasenetBenchError(f"{url} shows no case link: a prefix that finds nothing "
                                "would not measure the search")
    return len(r.content)


# ---- docket entry and delivery --------------------------------------------------

TRACKER = "bench-tracker-"


def cleanup_trackers(db):
    """Remove what a previous run added to a cached database."""
    db.sql(f"DELETE FROM mc_outbox WHERE kind = 'track-entry' AND recipient LIKE "
           f"'{TRACKER}%'")
    db.sql(f"DELETE FROM mc_account WHERE username LIKE '{TRACKER}%'")
    db.sql("DELETE FROM mc_docket WHERE text LIKE '%(make bench).'")


def add_trackers(db, case_number, n):
    """n accounts, each tracking case_number by e-mail, each entry."""
    case_id = db.value(f"SELECT id FROM mc_case WHERE number = {sql_quote(case_number)}")
    if not case_id:
        raise CasenetBenchError(f"no case {case_number}")
    db.sql("INSERT INTO mc_account (username, email, password_hash, status, email_verified,"
           " first_name, last_name, created_at)"
           f" SELECT CONCAT('{TRACKER}', seq), CONCAT('{TRACKER}', seq, '@example.test'),"
           " '!', 'active', 1, 'Bench', 'Tracker', UTC_TIMESTAMP()"
           f" FROM seq_1_to_{int(n)}", timeout=600)
    db.sql("INSERT INTO mc_track (account_id, case_id, channel, recipient, frequency,"
           " active, created_at)"
           f" SELECT a.id, {int(case_id)}, 'email', a.email, 'each',"
           " 1, UTC_TIMESTAMP()"
           f" FROM mc_account a WHERE a.username LIKE '{TRACKER}%'", timeout=600)
    return int(db.value(f"SELECT COUNT(*) FROM mc_track WHERE case_id = {int(case_id)}"
                        " AND active = 1 AND channel = 'email' AND frequency = 'each'"))


def docket_enqueue(binary, conf, case_number):
    r = subprocess.run([str(binary), str(conf), case_number], capture_output=True, text=True,
                       timeout=600, stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        raise CasenetBenchError(f"docket_bench failed ({r.returncode}): {r.stderr}")
    return json.loads(r.stdout)


def deliver_all(admin, db, sink, expected, workers, subject, timeout=3600):
    """Run `deliver --once --workers W` over the queued notices; returns
    the figures once every one is at the sink and 'sent'."""
    def ours():
        return sum(1 for m in sink.messages() if m.rcpt_tos and m.rcpt_tos[0].startswith(TRACKER))

    before, total0 = ours(), len(sink.messages())
    args = [str(admin.binary), "-c", str(admin.conf), "deliver", "--once"]
    if workers > 1:
        args += ["--workers", str(workers)]
    t0 = time.monotonic()
    r = subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        raise CasenetBenchError(f"deliver failed ({r.returncode}): {r.stdout}{r.stderr[-2000:]}")
    deadline = time.monotonic() + 120
    # Cheap polling (a count, no Python loop over the messages): the sink
    # shares this process and its interpreter lock.
    while len(sink.messages()) - total0 < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    seconds = time.monotonic() - t0
    got = ours() - before
    sent = int(db.value("SELECT COUNT(*) FROM mc_outbox WHERE kind = 'track-entry' AND "
                        f"recipient LIKE '{TRACKER}%' AND status = 'sent'"))
    if got != expected or sent != expected:
        raise CasenetBenchError(f"{expected} notices queued; the SMTP server holds {got} and "
                                f"{sent} rows are 'sent' ({r.stdout.strip()})")
    last = sink.messages()[-1]
    if subject not in last.subject or "Stop Tracking" not in last.body:
        raise CasenetBenchError(f"the last message is not a docket notice: {last!r}")
    return {"messages": expected, "workers": workers, "seconds": seconds,
            "rate": expected / seconds, "output": r.stdout.strip()}
