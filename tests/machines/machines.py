#!/usr/bin/env python3
"""INSTALL section 8 ("More than one machine") followed from scratch on five
machines: three MariaDB Galera servers (db1-db3, 10.0.0.11-13, INSTALL's own
addresses) and two Apache nodes (web1, web2, 10.0.0.21-22), each a fresh
Debian 12 root file system of its own (debootstrap, minbase) in a network
namespace of its own, joined by a bridge on this machine (10.0.0.1), where a
round-robin load balancer (one backend per TCP connection, no stickiness)
terminates TLS on https://10.0.0.1:8443 (as a court's would: the site's
cookies are Secure, INSTALL section 7) and an SMTP sink listens on
10.0.0.1:2525. The balancer also reaches each node alone, on ports 8441
(web1) and 8442 (web2), for the checks that must pick a node.

Each machine runs INSTALL's `# step:` blocks word for word, in INSTALL's
order, with only the edits a reader makes: the database machines' `NODE=`
line set to their own address, and the site settings of section 4 (base URL,
court name, mail relay, and section 8's MoCourtsDBHost list, in another order
on each node). Where a machine differs from a real server, it is said here:
- packages are installed with Debian's policy-rc.d in place (as in a
  container), so apt does not start MariaDB or Apache on this machine's own
  network; the steps then start them inside the machine's namespace;
- there is no systemd: the first database server starts with section 8's
  alternative for machines without it (`/etc/init.d/mariadb start
  --wsrep-new-cluster`);
- with no syslog or journal, MariaDB logs to /var/log/mysql/error.log;
- the shared document folder is one folder of this machine mounted (bind)
  at /var/lib/mocourts/documents on both Apache nodes, where a court mounts
  NFS or the like.

Then it checks what section 8 promises, through the load balancer and on each
node: a session used across both nodes; a logoff on web1 refused on web2
within 1 s; a document uploaded on web1 downloaded on web2; the database
server web1 uses killed (kill -9) and web1 answering again within 2 s, and
that server's return (IST) to a 3-node Synced cluster; and a backup with
mariadb-backup, prepared. It prints each figure.

Not part of `make test`: it needs root, network namespaces and Debian's
mirror (about 200 MB of packages, once, kept in DIR/apt-archives), and takes
about 15 minutes. Run from the source tree:

    python3 tests/machines/machines.py DIR          # build, follow, check
    python3 tests/machines/machines.py DIR --again  # the checks again
    python3 tests/machines/machines.py DIR --stop   # stop and unmount all
"""
import argparse
import asyncio
import os
import re
import secrets
import shutil
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "integration")]

from harness import web  # noqa: E402
from harness.admin import Account  # noqa: E402
from harness.mariadb import MariaDB  # noqa: E402
from harness.smtp import SmtpSink  # noqa: E402
from helpers_core import (code_mails, csrf_of, logon, new_browser, path_of,  # noqa: E402
                          submit_code, wait_code)
from helpers_efiling import ef_court, make_pdf, subscribe  # noqa: E402
from test_ef_documents import multipart, new_draft  # noqa: E402
from test_install import install_steps, set_directive  # noqa: E402

MIRROR = "http://deb.debian.org/debian"
BRIDGE, HOST = "mcbr0", "10.0.0.1"
DBS = {"db1": "10.0.0.11", "db2": "10.0.0.12", "db3": "10.0.0.13"}
WEBS = {"web1": "10.0.0.21", "web2": "10.0.0.22"}
MACHINES = {**DBS, **WEBS}
# Each Apache node's own order of the database servers (section 8).
DB_ORDER = {"web1": ["db1", "db2", "db3"], "web2": ["db2", "db3", "db1"]}
LB_PORT, SMTP_PORT = 8443, 2525
NODE_PORTS = {"web1": 8441, "web2": 8442}
BASE_URL = f"https://{HOST}:{LB_PORT}"
ADMIN = Account(username="osca.admin", email="security@courts.example.gov",
                password="Machines-Admin-Pass1")
SHARED_DOCS = "var/lib/mocourts/documents"
COOKIE = "__Host-mocourts"         # the shipped settings' (INSTALL section 7)
ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
       "HOME": "/root", "LANG": "C.UTF-8", "DEBIAN_FRONTEND": "noninteractive",
       "MOCOURTS_PASSWORD": ADMIN.password, "TERM": "dumb"}


def say(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def host(*args, check=True, **kw):
    return subprocess.run(args, check=check, **kw)


def mounts_under(path):
    """The mount points at or under path (/proc/self/mountinfo: a bind mount
    of a folder of the same file system is one too, which os.path.ismount
    does not see)."""
    path = str(path).rstrip("/")
    points = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        point = line.split()[4].replace("\\040", " ")
        if point == path or point.startswith(path + "/"):
            points.append(point)
    return points


class Machine:
    def __init__(self, top, name):
        self.name, self.address = name, MACHINES[name]
        self.root = top / name
        self.ns = f"mc-{name}"
        self._init = None

    def path(self, rel):
        return self.root / rel.lstrip("/")

    def boot(self):
        """The machine's own process table: an init (sleep) as process 1 of a
        new PID namespace with its own /proc, in the machine's network
        namespace and root. All that runs on the machine enters it, so its
        ps sees only its own processes (Debian's mysqld_safe kills or
        refuses to start beside any mariadbd with its command line that ps
        shows); killing the init kills them all, as a power cut would."""
        subprocess.Popen(["ip", "netns", "exec", self.ns, "unshare", "--pid", "--fork",
                          "--mount", f"--mount-proc={self.path('proc')}", "chroot",
                          str(self.root), "/bin/sleep", "infinity"],
                         start_new_session=True, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if self.init(fresh=True):
                return
            time.sleep(0.1)
        raise SystemExit(f"{self.name}: its init did not start")

    def init(self, fresh=False):
        """The pid (here) of the machine's init, or None."""
        if self._init and not fresh and Path(f"/proc/{self._init}").exists():
            return self._init
        self._init = None
        for d in Path("/proc").iterdir():
            try:
                if (d.name.isdigit() and (d / "comm").read_text().strip() == "sleep" and
                        os.readlink(d / "root") == str(self.root)):
                    self._init = int(d.name)
            except OSError:
                continue
        return self._init

    def run(self, script, net=True, check=True, what=None):
        """script with bash -e as root on this machine: in its network
        namespace (net) or on this machine's network (apt). what: the line
        to print first ("": none)."""
        if what != "":
            say(f"{self.name}: {what or script.splitlines()[0]}")
        cmd = ["nsenter", "-t", str(self.init()), "-p", "-m", "-r", "-w"] + (["-n"] if net else [])
        cmd += ["/usr/bin/env", "-i"] + [f"{k}={v}" for k, v in ENV.items()]
        cmd += ["/bin/bash", "-e", "-c", script]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        if check and r.returncode != 0:
            raise SystemExit(f"{self.name}: failed (rc {r.returncode}):\n{script}\n"
                             f"--- stdout\n{r.stdout[-3000:]}\n--- stderr\n{r.stderr[-3000:]}")
        return r

    def step(self, name, edit=None):
        text = install_steps()[name]
        return self.run(edit(text) if edit else text, what=f"INSTALL step {name}")

    def apt_step(self, name):
        """A packages step, on this machine's network, services not started."""
        policy = self.path("usr/sbin/policy-rc.d")
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
        try:
            self.run("apt-get update -q", net=False)
            self.run(install_steps()[name].replace("apt-get install", "apt-get install -y -q"),
                     net=False, what=f"INSTALL step {name}")
        finally:
            policy.unlink()

    def mount(self):
        for rel, args in (("sys", ["--bind", "/sys"]),
                          ("dev", ["--rbind", "/dev"]),
                          ("var/cache/apt/archives", ["--bind", str(self.root.parent /
                                                                     "apt-archives")])):
            target = self.path(rel)
            target.mkdir(parents=True, exist_ok=True)
            if not mounts_under(target):
                host("mount", *args, str(target))
        shutil.copy("/etc/resolv.conf", self.path("etc/resolv.conf"))

    def network(self):
        veth = f"mcv-{self.name}"
        host("ip", "netns", "add", self.ns)
        host("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", self.ns)
        host("ip", "link", "set", veth, "master", BRIDGE, "up")
        host("ip", "-n", self.ns, "addr", "add", f"{self.address}/24", "dev", "eth0")
        host("ip", "-n", self.ns, "link", "set", "eth0", "up")
        host("ip", "-n", self.ns, "link", "set", "lo", "up")

    def pids(self):
        r = host("ip", "netns", "pids", self.ns, check=False, capture_output=True, text=True)
        return [int(p) for p in r.stdout.split()]

    def crash(self):
        """Every process of the machine killed at once."""
        if self.init():
            os.kill(self.init(), 9)
        for _ in range(100):
            if not self.pids():
                return
            time.sleep(0.05)
        raise SystemExit(f"{self.name}: processes left after its init was killed")

    def stop(self):
        if self.init():
            os.kill(self.init(), 9)
        for p in self.pids():
            try:
                os.kill(p, 9)
            except ProcessLookupError:
                pass
        for _ in range(100):           # killed: gone once the kernel has reaped them
            if not self.pids():
                break
            time.sleep(0.1)
        host("ip", "netns", "del", self.ns, check=False, stderr=subprocess.DEVNULL)
        host("ip", "link", "del", f"mcv-{self.name}", check=False, stderr=subprocess.DEVNULL)
        for point in sorted(mounts_under(self.root), key=len, reverse=True):
            host("umount", "-R", "-l", point, check=False, stderr=subprocess.DEVNULL)
        left = mounts_under(self.root)
        assert not left, f"{self.name}: still mounted: {left}"


# ---- the machines ----------------------------------------------------------------------

def base_system(top):
    base = top / "base"
    if not (base / "etc/debian_version").exists():
        say("debootstrap bookworm (minbase)")
        host("debootstrap", "--variant=minbase", "bookworm", str(base), MIRROR,
             stdout=subprocess.DEVNULL)
    return base


def stop_all(top):
    for name in MACHINES:
        Machine(top, name).stop()
    host("ip", "link", "del", BRIDGE, check=False, stderr=subprocess.DEVNULL)


def fresh_machines(top):
    stop_all(top)
    base = base_system(top)
    (top / "apt-archives" / "partial").mkdir(parents=True, exist_ok=True)
    (top / "shared-documents").mkdir(exist_ok=True)
    host("ip", "link", "add", BRIDGE, "type", "bridge")
    host("ip", "addr", "add", f"{HOST}/24", "dev", BRIDGE)
    host("ip", "link", "set", BRIDGE, "up")
    machines = {}
    for name in MACHINES:
        m = machines[name] = Machine(top, name)
        if m.root.exists():
            assert not mounts_under(m.root), m.root    # never remove through a mount
            shutil.rmtree(m.root)
        host("cp", "-a", str(base), str(m.root))
        m.mount()
        m.network()
        if name in WEBS:       # the shared folder, mounted before the machine's mounts split
            docs = m.path(SHARED_DOCS)
            docs.mkdir(parents=True)
            host("mount", "--bind", str(top / "shared-documents"), str(docs))
        m.boot()
    return machines


def database_servers(ms):
    for name in DBS:
        ms[name].apt_step("galera-packages")
        ms[name].step("galera-settings", edit=lambda t, ip=DBS[name]: re.sub(
            r"^NODE=\S+", f"NODE={ip}", t, count=1, flags=re.M))
        # No syslog or journal on these machines: MariaDB's log to a file.
        ms[name].path("etc/mysql/mariadb.conf.d/70-machines.cnf").write_text(
            "[mysqld_safe]\nskip-syslog\nlog-error = /var/log/mysql/error.log\n"
            "[mariadbd]\nlog_error = /var/log/mysql/error.log\n")
        ms[name].run("install -d -o mysql -g adm /var/log/mysql", net=False)
    ms["db1"].run(first_server_without_systemd(), what="INSTALL step galera-first (no systemd)")
    for name in ("db2", "db3"):
        ms[name].step("galera-join")
    ms["db1"].step("galera-database")
    size = ms["db3"].run("mariadb -N -e \"SHOW STATUS LIKE 'wsrep_cluster_size'\"").stdout
    say(f"cluster: {size.split()}")
    assert size.split() == ["wsrep_cluster_size", "3"], size


def first_server_without_systemd():
    """The galera-first step with section 8's line for a machine without
    systemd in place of galera_new_cluster."""
    text = install_steps()["galera-first"]
    m = re.search(r"without systemd[^`]*`([^`]+)`", section_8())
    assert m and "galera_new_cluster" in text, "INSTALL section 8 names no start without systemd"
    return text.replace("galera_new_cluster", m.group(1))


def section_8():
    text = (REPO / "INSTALL").read_text()
    return text[text.index("8. More than one machine"):text.index("9. The registration plugin")]


def apache_nodes(ms, top):
    source = top / "source.tar"
    host("git", "-C", str(REPO), "archive", "-o", str(source), "HEAD")
    password = ms["db1"].path("root/mocourts-db.password").read_text()
    for name in WEBS:
        m = ms[name]
        m.apt_step("packages")
        m.apt_step("pdf-tools")
        m.apt_step("node-packages")
        src = m.path("root/mod_mocourts")
        src.mkdir(parents=True)
        host("tar", "-x", "-f", str(source), "-C", str(src))
        m.run("cd /root/mod_mocourts\n" + install_steps()["build"], what="INSTALL step build")
        m.run("cd /root/mod_mocourts\n" + install_steps()["install"],
              what="INSTALL step install")
        m.path("etc/apache2/mocourts-db.password").write_text(password)
        m.step("node-password")
        conf = m.path("etc/apache2/conf-available/mocourts.conf")
        text = conf.read_text()
        for directive, value in (
                ("MoCourtsDBHost", '"' + ", ".join(DBS[d] for d in DB_ORDER[name]) + '"'),
                ("MoCourtsDBConnectTimeout", "1s"),
                ("MoCourtsBaseURL", BASE_URL),
                ("MoCourtsCourtName", '"Machines Circuit Court"'),
                ("MoCourtsSMTP", f"{HOST} {SMTP_PORT}"),
                ("MoCourtsMailFrom", "noreply@courts.example.gov")):
            text = set_directive(text, directive, value)
        conf.write_text(text)
    ms["web1"].step("schema")
    for name in WEBS:
        ms[name].step("enable")


# ---- the load balancer -----------------------------------------------------------------

class RoundRobin:
    """A TLS-terminating TCP balancer: on LB_PORT each connection goes to the
    next Apache node in turn; on a node's own port, to that node."""

    def __init__(self, top):
        self.cert = top / "balancer.pem"
        host("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=IP:{HOST}",
             "-keyout", str(self.cert), "-out", str(self.cert), capture_output=True)
        self.turn, self.counts = 0, dict.fromkeys(WEBS, 0)

    async def pipe(self, reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()

    def handler(self, only=None):
        async def handle(reader, writer):
            name = only
            if name is None:
                name = list(WEBS)[self.turn % len(WEBS)]
                self.turn += 1
                self.counts[name] += 1
            r2, w2 = await asyncio.open_connection(WEBS[name], 80)
            await asyncio.gather(self.pipe(reader, w2), self.pipe(r2, writer),
                                 return_exceptions=True)
        return handle

    def start(self):
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(self.cert)

        async def main():
            await asyncio.start_server(self.handler(), HOST, LB_PORT, ssl=ctx)
            for name, port in NODE_PORTS.items():
                await asyncio.start_server(self.handler(name), HOST, port, ssl=ctx)
            ready.set()
            await asyncio.Event().wait()

        threading.Thread(target=lambda: loop.run_until_complete(main()), daemon=True).start()
        assert ready.wait(10)
        return self


class Node:
    """What the tests' helpers need of an Apache: base_url and url()."""

    def __init__(self, base_url):
        self.base_url = base_url

    def url(self, path):
        return self.base_url + path


def cluster_db(ms, name="db2"):
    """The harness's SQL client on a database server's socket (root, by the
    socket's peer credentials, as Debian sets MariaDB's root up)."""
    db = MariaDB(ms[name].root / "root", 0, database="mocourts")
    db.socket = ms[name].path("run/mysqld/mysqld.sock")
    db.app_password = "unused"
    return db


# ---- the checks ------------------------------------------------------------------------

def browser():
    """A browser that trusts the balancer's certificate (through the
    environment: requests lets REQUESTS_CA_BUNDLE override a session's own
    verify)."""
    os.environ["REQUESTS_CA_BUNDLE"] = str(_lb.cert)
    return new_browser()


def logon_full(s, node, account, smtp):
    """Log on with the e-mailed code (the shipped settings: a new browser
    is a new device) as far as a full session."""
    seen = len(code_mails(smtp, account.email))
    r = logon(s, node, account.username, account.password)
    if path_of(r.url) == "/account/device":
        r = submit_code(s, r, wait_code(smtp, account.email, seen))
    assert s.cookies.get(COOKIE) and path_of(r.url) not in (
        "/account/logon", "/account/device"), (r.url, r.text[:1000])
    return r


def logged_on(s, node):
    r = s.get(node.url("/account/api-tokens"), allow_redirects=False, timeout=30)
    return r.status_code == 200


def check_session_and_logoff(lb, web1, web2, smtp):
    s = browser()
    s.headers["Connection"] = "close"      # a new connection, so the next node, each time
    logon_full(s, lb, ADMIN, smtp)
    answers = [logged_on(s, lb) for _ in range(8)]
    assert answers == [True] * 8, answers
    assert [logged_on(s, n) for n in (web1, web2, web1, web2)] == [True] * 4
    say(f"a session through the balancer, 8 pages, connections per node: {_lb.counts}")
    token = s.cookies.get(COOKIE)
    page = s.get(web1.url("/account/api-tokens"), timeout=30)
    r = s.post(web1.url("/account/logoff"), data={"mc_csrf": csrf_of(page.text)},
               allow_redirects=False, timeout=30)
    assert r.status_code == 303, r.status_code
    ended = time.monotonic()
    old = browser()
    old.cookies.set(COOKIE, token)
    while logged_on(old, web2):
        assert time.monotonic() - ended <= 1.05, "web2 honoured the ended session after 1 s"
    say(f"logoff on web1 refused on web2 after {time.monotonic() - ended:.2f} s")


def check_document(ms, web1, web2, smtp):
    db = cluster_db(ms)
    court = ef_court(db)
    tag = secrets.token_hex(3)
    filer = Account(username=f"machines.filer.{tag}", email=f"filer.{tag}@example.test",
                    password=ADMIN.password)       # create-admin takes $MOCOURTS_PASSWORD
    ms["web1"].run(f"mocourts-admin create-admin --role attorney --first-name Pat --last-name "
                   f"Filer {filer.username} {filer.email}",
                   what="mocourts-admin create-admin (a filer)")
    filer.id = int(db.value(f"SELECT id FROM mc_account WHERE username = '{filer.username}'"))
    subscribe(db, filer)
    s = browser()
    logon_full(s, web1, filer, smtp)
    env_id = new_draft(db, filer, court)
    page = s.get(web1.url(f"/ecf/envelopes/{env_id}/documents"), timeout=30)
    form = web.find_form(page.text, action_contains=f"/envelopes/{env_id}/documents",
                         with_field="mc_once")
    pdf = make_pdf("Filed on web1")
    body, ctype = multipart([("mc_csrf", form["fields"]["mc_csrf"]),
                             ("mc_once", form["fields"]["mc_once"]), ("filing_code", "MOT"),
                             ("file", "Petition.pdf", pdf)])
    r = s.post(web1.url(f"/ecf/envelopes/{env_id}/documents"), data=body,
               headers={"Content-Type": ctype}, allow_redirects=False, timeout=60)
    assert r.status_code in (200, 303), (r.status_code, r.text[:500])
    doc = db.value(f"SELECT id FROM mc_ef_document WHERE envelope_id = {env_id}")
    got = s.get(web2.url(f"/ecf/documents/{doc}"), timeout=30)
    assert got.status_code == 200 and got.content == pdf, (got.status_code, got.text[:300])
    say(f"document {doc} uploaded on web1, downloaded on web2 ({len(pdf)} bytes, same)")


def check_failover(ms, web1, smtp):
    """Kill web1's first server under a logged-on session; time until web1
    answers its page again (the session and the page read the database);
    then the server's return."""
    s = browser()
    logon_full(s, web1, ADMIN, smtp)
    assert logged_on(s, web1)
    ms["db1"].crash()
    killed = time.monotonic()
    codes = []
    while True:
        r = s.get(web1.url("/account/api-tokens"), allow_redirects=False, timeout=10)
        codes.append(r.status_code)
        if r.status_code == 200:
            break
        assert time.monotonic() - killed < 10, codes[-5:]
    say(f"db1 crashed: web1 answered 200 again after {time.monotonic() - killed:.2f} s "
        f"({len(codes) - 1} answers before: {sorted(set(codes[:-1]))})")
    t0 = time.monotonic()
    ms["db1"].boot()
    ms["db1"].step("galera-join")
    while True:
        out = ms["db1"].run("mariadb -N -e \"SHOW STATUS WHERE Variable_name IN "
                            "('wsrep_cluster_size', 'wsrep_local_state_comment')\"",
                            check=False, what="").stdout.split()
        if dict(zip(out[::2], out[1::2])) == {"wsrep_cluster_size": "3",
                                              "wsrep_local_state_comment": "Synced"}:
            break
        assert time.monotonic() - t0 < 120, out
        time.sleep(0.5)
    say(f"db1 back: Synced in a cluster of 3 {time.monotonic() - t0:.1f} s after it was started "
        "again (`service mariadb start`)")


def check_backup(ms):
    ms["db2"].step("galera-backup")
    info = list(ms["db2"].path("var/backups").glob("mocourts-*/*galera_info"))
    assert info, "no galera info file in the backup"
    say(f"backup on db2 prepared: {info[0].parent.name}: {info[0].read_text().strip()}")


_lb = None


def follow(top, again=False):
    """Set the machines up by INSTALL (unless again: they run already), then
    check them."""
    global _lb
    t0 = time.monotonic()
    ms = {name: Machine(top, name) for name in MACHINES} if again else fresh_machines(top)
    smtp = SmtpSink(SMTP_PORT, host=HOST)     # on the bridge, there now
    smtp.start()
    if not again:
        database_servers(ms)
        apache_nodes(ms, top)
        say(f"five machines set up by INSTALL in {time.monotonic() - t0:.0f} s")
    _lb = RoundRobin(top).start()
    lb = Node(BASE_URL)
    web1, web2 = (Node(f"https://{HOST}:{NODE_PORTS[n]}") for n in WEBS)
    check_session_and_logoff(lb, web1, web2, smtp)
    check_document(ms, web1, web2, smtp)
    check_failover(ms, web1, smtp)
    check_backup(ms)
    say(f"all checks passed, {time.monotonic() - t0:.0f} s in all; "
        f"the machines run until `{sys.argv[0]} {top} --stop`")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", type=Path, help="where the machines' file systems go")
    ap.add_argument("--stop", action="store_true", help="stop the machines and unmount")
    ap.add_argument("--again", action="store_true",
                    help="only the checks, on the machines a run left running")
    a = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root (network namespaces, chroot, mounts)")
    a.dir.mkdir(parents=True, exist_ok=True)
    top = a.dir.resolve()
    if a.stop:
        stop_all(top)
    else:
        follow(top, a.again)


if __name__ == "__main__":
    main()
