"""A private Apache httpd with mod_mocourts, configured for tests.

    ap = Apache(Path("/tmp/x/apache"), port, REPO, db=db, smtp=sink, gateway=gw,
                overrides={"MoCourtsSessionIdle": "5s", "MoCourtsLockout": None},
                extra_conf=PROTECTED_CONF)
    ap.configtest()          # -> (rc, output)
    ap.start(); ap.url("/account/logon"); ap.graceful(); ap.stop()
    ap.check_error_log([r"AH\\d+: expected"], since=offset)   # -> unexpected lines

The configuration is self-contained (no ${APACHE_*}, no /etc/apache2) in two
files: httpd.conf (server, modules, mounts, extra_conf) and mocourts.conf,
included by it, holding every global MoCourts* directive, so that
`mocourts-admin -c mocourts.conf` sees what the module sees.
"""
import grp
import os
import pwd
import re
import shutil
import signal
import subprocess
from pathlib import Path

from . import util

# Where a plugin is mounted when it is not at /<name> (DESIGN.md, seed 001
# step 26: Case.net at /casenet, eFiling at /ecf).
MOUNTS = {"casetrack": "/casenet", "efiling": "/ecf"}

HTTPD = "/usr/sbin/apache2"
MODULES = "/usr/lib/apache2/modules"
# The slow-client hardening the project ships (INSTALL), included by every
# test Apache and the demo site, with its @...@ places filled in.
HARDENING_CONF = util.REPO / "conf" / "mocourts-hardening.conf"
# The old PCRE library Debian's mod_qos needs (libpcre3, its dependency),
# where the Makefile's install finds it.
LIBPCRE3 = "/usr/lib/{}/libpcre.so.3".format(
    subprocess.run(["gcc", "-print-multiarch"], capture_output=True, text=True).stdout.strip()
    or "x86_64-linux-gnu")

# Loaded from MODULES in this order (mpm first). mod_watchdog, mod_unixd and
# mod_log_config are compiled into Debian's apache2.
STOCK_MODULES = [
    ("mpm_event_module", "mod_mpm_event.so"),
    ("authz_core_module", "mod_authz_core.so"),
    ("authz_host_module", "mod_authz_host.so"),
    ("authz_user_module", "mod_authz_user.so"),
    ("authn_core_module", "mod_authn_core.so"),
    ("auth_basic_module", "mod_auth_basic.so"),
    ("mime_module", "mod_mime.so"),
    ("dir_module", "mod_dir.so"),
    ("alias_module", "mod_alias.so"),
    ("headers_module", "mod_headers.so"),
    ("reqtimeout_module", "mod_reqtimeout.so"),
    ("socache_shmcb_module", "mod_socache_shmcb.so"),
]

# A location only a logged-on account may read (static files under it).
PROTECTED_CONF = """
<Location /protected>
    AuthType MoCourts
    Require mocourts-account
</Location>
"""

# The test site: the probe plugin (tests/plugins/probe) at /probe and static
# files protected by each of our providers. Both the session's Apache and
# make_apache's carry it.
def test_site_conf(build_dir=None):
    return load_test_plugin("probe", "/probe", build_dir) + PROTECTED_CONF + """
<Location /clerk-files>
    AuthType MoCourts
    Require mocourts-role clerk
</Location>
<Location /basic>
    AuthType Basic
    AuthName "Court staff"
    AuthBasicProvider mocourts
    Require valid-user
</Location>
"""


# The children the test fixtures' Apaches start with (the shipped hardening
# starts 10, 25 threads each): starting and stopping each child costs CPU
# (about 1 s of CPU an Apache for the 8 more), and 2 children's 50 threads
# are already more than the hardening's MinSpareThreads, so Apache neither
# spawns nor kills any while idle; a burst makes it spawn more, up to the
# shipped MaxRequestWorkers. Tests about capacity under load (slow clients,
# graceful restarts under load) keep the shipped number (start_servers=None).
TEST_START_SERVERS = 2

# How long a graceful stop may wait for requests in flight.
GRACEFUL_STOP_SECONDS = 3


# Lines that fail a test: error level or worse, and a child killed by a
# signal (a crash is logged by the parent at notice level, AH00052).
ERROR_LINE = re.compile(r"\[[a-z0-9_]*:(error|crit|alert|emerg)\]"
                        r"|AH00052: child pid \d+ exit signal")
READY_LINE = "resuming normal operations"


def _static_page(size=1024):
    """An HTML page of exactly size bytes: the baseline of `make bench`."""
    para = ("<p>A static page served by the same Apache, the baseline for "
            "comparisons with pages that mod_mocourts protects.</p>\n")
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>Static page</title></head>\n<body>\n<h1>Static page</h1>\n"
            + para * 6 + "<!--")
    end = "-->\n</body></html>\n"
    return page + "." * (size - len(page) - len(end)) + end


def load_test_plugin(name, mount=None, build_dir=None):
    """extra_conf lines loading build/test_plugin_<name>.so (module
    mocourts_<name>_module) and, with mount, mounting it there."""
    so = Path(build_dir or util.BUILD) / f"test_plugin_{name}.so"
    conf = f'LoadModule mocourts_{name}_module "{so}"\n'
    if mount:
        conf += f"<Location {mount}>\n    MoCourtsMount {name}\n</Location>\n"
    return conf


class ApacheError(RuntimeError):
    pass


class Apache:
    # Every instance ever started in this process (for the error-log check
    # and for stopping leftovers at exit).
    instances = []

    def __init__(self, root, port, repo=util.REPO, db=None, smtp=None, gateway=None,
                 extra_conf="", overrides=None, log_dir=None,
                 log_level="info mocourts:debug", build_dir=None, plugins=None,
                 password_cost="ops=1,mem=8K", hardening=True, start_servers=None):
        """root: the ServerRoot folder (created); port: on 127.0.0.1.
        db: a harness MariaDB (for MoCourtsDB*), smtp: an SmtpSink (for
        MoCourtsSMTP), gateway: a Gateway (MoCourtsGateway); any may be None.
        overrides: {directive: value} for mocourts.conf; a value is written
        as is (quote it yourself), a list writes one line per item, None
        removes the directive. plugins: names to load and mount at /<name>
        (default: every build/mod_mocourts_<name>.so). hardening=False
        leaves out conf/mocourts-hardening.conf and runs the earlier test
        configuration (50 workers, lax read timeouts, no mod_qos): only to
        show by hand what the hardening changes. start_servers: the
        children started with the hardening (None: the shipped file's 10;
        the test fixtures start 2, see TEST_START_SERVERS). password_cost:
        Argon2id's least (8 KiB, one pass), the cost harness/sodium.py
        stores test accounts at, so a logon does not rehash them; the
        tests of cost itself (rehash, the hash cap, timing) set their own."""
        self.root = Path(root)
        self.port = port
        self.repo = Path(repo)
        self.db = db
        self.smtp = smtp
        self.gateway = gateway
        self.extra_conf = extra_conf
        self.overrides = dict(overrides or {})
        self.log_dir = Path(log_dir) if log_dir else self.root / "logs"
        self.log_level = log_level
        self.build_dir = Path(build_dir) if build_dir else util.BUILD
        self.plugins = plugins
        self.password_cost = password_cost
        self.hardening = hardening
        self.start_servers = start_servers
        self.hardening_conf = self.root / "mocourts-hardening.conf"
        self.conf_path = self.root / "httpd.conf"
        self.mocourts_conf = self.root / "mocourts.conf"
        self.htdocs = self.root / "htdocs"
        self.document_store = self.root / "documents"   # MoCourtsEFilingStore
        self.pidfile = self.root / "httpd.pid"
        self.error_log = self.log_dir / "error_log"
        self.access_log = self.log_dir / "access_log"
        self.stderr_log = self.log_dir / "stderr.log"
        self.proc = None
        self._shared = {}
        self.write_config()

    # ---- configuration ------------------------------------------------------

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def url(self, path="/"):
        return self.base_url + path

    @property
    def module_path(self):
        return self.build_dir / "mod_mocourts.so"

    def plugin_names(self):
        if self.plugins is not None:
            return list(self.plugins)
        return sorted(p.name[len("mod_mocourts_"):-len(".so")]
                      for p in self.build_dir.glob("mod_mocourts_*.so"))

    def _shared_dir(self, name):
        """REPO/<name> when Apache's children can read it there, else a
        copy under root (a clone in /root is not readable by nobody)."""
        if name in self._shared:
            return self._shared[name]
        self._shared[name] = self._find_shared_dir(name)
        return self._shared[name]

    def _find_shared_dir(self, name):
        src = self.repo / name
        if not util.is_root() or not src.exists() or _tree_readable(src):
            return src
        dst = self.root / "share" / name
        if dst.exists():
            shutil.rmtree(dst)
        return util.copy_readable(src, dst)

    def directives(self):
        """The global MoCourts* directives, defaults then overrides, in order."""
        d = {}
        if self.db is not None:
            d.update(self.db.connection_conf())
        d.update({
            "MoCourtsSessionCookie": "mocourts_session",
            "MoCourtsSessionSecure": "Off",
            "MoCourtsSessionIdle": "30m",
            "MoCourtsBaseURL": self.base_url,
            "MoCourtsCourtName": '"Test Circuit Court"',
            "MoCourtsTemplates": f'"{self._shared_dir("templates")}"',
            "MoCourtsSQLDir": f'"{self._shared_dir("sql")}"',
            "MoCourtsPasswordCost": self.password_cost,
            "MoCourtsMailFrom": "noreply@court.test",
            "MoCourtsDelivery": "On",
            "MoCourtsDeliveryInterval": "1s",
        })
        if "efiling" in self.plugin_names():
            d["MoCourtsEFilingStore"] = f'"{self.document_store}"'
        if "casetrack" in self.plugin_names():
            # Every test client is 127.0.0.1: one shared counter would make
            # unrelated tests meet the CAPTCHA. The rate-limit tests set it.
            d["MoCourtsCaseNetSearchLimit"] = "Off"
        if "registration" in self.plugin_names():
            # The same for sign-up attempts (and the CAPTCHA's text question
            # the tests answer); the sign-up limit tests set their own.
            d["MoCourtsSignupLimit"] = "1000000 1h 1000000"
        if self.smtp is not None:
            d["MoCourtsSMTP"] = f"{self.smtp.host} {self.smtp.port}"
        if self.gateway is not None:
            d["MoCourtsGateway"] = f'"{self.gateway.path}"'
        for key, value in self.overrides.items():
            if value is None:
                d.pop(key, None)
            else:
                d[key] = value
        return d

    def _mocourts_conf_text(self):
        lines = ["# Generated by tests/harness/apache.py: the global MoCourts* directives,",
                 "# shared by Apache (Include) and mocourts-admin (-c)."]
        for key, value in self.directives().items():
            for v in value if isinstance(value, (list, tuple)) else [value]:
                lines.append(f"{key} {v}")
        return "\n".join(lines) + "\n"

    def _httpd_conf_text(self):
        root, htdocs = self.root, self.htdocs
        out = [f"""# Generated by tests/harness/apache.py
ServerRoot "{root}"
ServerName 127.0.0.1:{self.port}
Listen 127.0.0.1:{self.port}
PidFile "{self.pidfile}"
DefaultRuntimeDir "{root}/run"
ErrorLog "{self.error_log}"
LogLevel {self.log_level}
GracefulShutdownTimeout {GRACEFUL_STOP_SECONDS}
"""]
        if util.is_root():
            out.append(f"User {util.APACHE_USER}\nGroup {util.APACHE_GROUP}\n")
        if os.environ.get("MC_CORE_DIR"):
            # For chasing a crash: children dump core there (with ulimit -c).
            out.append(f'CoreDumpDirectory "{os.environ["MC_CORE_DIR"]}"\n')
        for name, so in STOCK_MODULES:
            out.append(f"LoadModule {name} {MODULES}/{so}\n")
        if self.hardening:
            # Workers, read timeouts and mod_qos: the shipped file.
            out.append(f'\nInclude "{self.hardening_conf}"\n')
            if self.start_servers is not None:
                out.append(f"StartServers {self.start_servers}\n")
        else:
            out.append("""
StartServers 2
ServerLimit 4
ThreadLimit 25
ThreadsPerChild 25
MinSpareThreads 5
MaxSpareThreads 50
MaxRequestWorkers 50
RequestReadTimeout header=20-40,MinRate=500 body=20,MinRate=500
""")
        out.append(f"""MaxConnectionsPerChild 0
Timeout 30
KeepAlive On

LogFormat "%h %l %u %t \\"%r\\" %>s %b %D" timed
CustomLog "{self.access_log}" timed
TypesConfig /etc/mime.types
AddDefaultCharset utf-8
DocumentRoot "{htdocs}"
DirectoryIndex index.html
<Directory />
    Options None
    AllowOverride None
    Require all denied
</Directory>
<Directory "{htdocs}">
    Options None
    AllowOverride None
    Require all granted
</Directory>

LoadModule mocourts_module "{self.module_path}"
""")
        plugins = self.plugin_names()
        for p in plugins:
            out.append(f'LoadModule mocourts_{p}_module "{self.build_dir}/mod_mocourts_{p}.so"\n')
        out.append(f'Include "{self.mocourts_conf}"\n\n'
                   "<Location /account>\n    MoCourtsMount logon\n</Location>\n"
                   "<Location /api/v1>\n    MoCourtsMount api\n</Location>\n")
        for p in plugins:
            out.append(f"<Location {MOUNTS.get(p, '/' + p)}>\n    MoCourtsMount {p}\n</Location>\n")
        if self.extra_conf:
            out.append("\n# extra_conf\n" + self.extra_conf.strip("\n") + "\n")
        return "".join(out)

    def write_config(self):
        """(Re)write httpd.conf, mocourts.conf and the document root."""
        for d in (self.root, self.root / "run", self.log_dir, self.htdocs,
                  self.htdocs / "protected", self.htdocs / "clerk-files",
                  self.htdocs / "basic"):
            d.mkdir(parents=True, exist_ok=True)
            util.make_reachable(d)
        self.document_store.mkdir(parents=True, exist_ok=True)
        os.chmod(self.document_store, 0o750)
        if util.is_root():
            # Runtime files and filed documents the children (nobody) write.
            for d in (self.root / "run", self.document_store):
                os.chown(d, pwd.getpwnam(util.APACHE_USER).pw_uid,
                         grp.getgrnam(util.APACHE_GROUP).gr_gid)
        page = _static_page()
        (self.htdocs / "static.html").write_text(page)
        for sub in ("protected", "clerk-files", "basic"):
            (self.htdocs / sub / "static.html").write_text(page)
        self.mocourts_conf.write_text(self._mocourts_conf_text())
        self.hardening_conf.write_text(hardening_conf_text())
        self.conf_path.write_text(self._httpd_conf_text())

    # ---- running ------------------------------------------------------------

    def _base_args(self):
        return [HTTPD, "-d", str(self.root), "-f", str(self.conf_path)]

    def configtest(self):
        """`apache2 -t`: (returncode, combined output)."""
        self.write_config()
        r = subprocess.run(self._base_args() + ["-t"], capture_output=True, text=True,
                           timeout=60, stdin=subprocess.DEVNULL)
        return r.returncode, r.stdout + r.stderr

    def _pid(self):
        if self.proc is not None:
            return self.proc.pid if self.proc.poll() is None else None
        return util.read_pidfile(self.pidfile)

    def is_running(self):
        return self._pid() is not None

    def _ready_count(self):
        return sum(READY_LINE in line for line in self.error_log_lines())

    def _failure(self, what, since, stderr_since=0):
        lines = self.error_log_lines(since)[-30:]
        try:
            with open(self.stderr_log, "rb") as f:
                f.seek(stderr_since)
                stderr = f.read().decode(errors="replace")[-4000:]
        except OSError:
            stderr = ""
        raise ApacheError(f"{what}\n--- stderr:\n{stderr}\n"
                          f"--- error_log:\n" + "\n".join(lines))

    def start(self, timeout=30):
        """Write the configuration and start httpd in the foreground of its
        own process group; returns once it serves on the port. ApacheError
        (with the log) when it does not start."""
        if self.is_running():
            raise ApacheError(f"Apache on port {self.port} is already running")
        if not self.module_path.exists():
            raise ApacheError(f"{self.module_path} does not exist: run `make` first")
        self.write_config()
        since = self.error_log_offset()
        stderr_since = self.stderr_log.stat().st_size if self.stderr_log.exists() else 0
        if self not in Apache.instances:
            Apache.instances.append(self)
        with open(self.stderr_log, "ab") as err:
            self.proc = subprocess.Popen(self._base_args() + ["-DFOREGROUND"],
                                         stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                                         start_new_session=True)

        def ready():
            if self.proc.poll() is not None:
                self._failure(f"apache2 exited with {self.proc.returncode} while starting",
                              since, stderr_since)
            return (any(READY_LINE in line for line in self.error_log_lines(since))
                    and util.port_open(self.port))

        try:
            util.wait_until(ready, timeout, what=f"Apache on port {self.port}")
        except TimeoutError:
            self.stop()
            self._failure(f"Apache did not start within {timeout}s", since, stderr_since)

    def stop(self, timeout=20):
        """graceful-stop (SIGWINCH: children finish their requests, bounded
        by GracefulShutdownTimeout), then SIGTERM, then SIGKILL to the whole
        process group if it takes longer than timeout.

        Not SIGTERM first: httpd 2.4's event MPM, on an immediate stop, has
        the child's main thread close the workers' sockets
        (close_worker_sockets -> abort_socket_nonblocking -> apr_os_sock_get)
        while those workers free them, which now and then kills a child with
        SIGSEGV (seen in a core: the fault is at apr_os_sock_get, no module
        code on any stack). Stopping gracefully never takes that path."""
        pid = self._pid()
        if pid is None:
            self.proc = None
            return
        os.kill(pid, signal.SIGWINCH)
        if not self._wait_exit(pid, GRACEFUL_STOP_SECONDS + 5):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        if not self._wait_exit(pid, timeout):
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._wait_exit(pid, 10)
        self.proc = None

    def _wait_exit(self, pid, timeout):
        return util.wait_exit(pid, timeout, self.proc, what="httpd to exit")

    def restart(self, timeout=30):
        """Full stop and start (loads a rebuilt module for sure)."""
        self.stop()
        self.start(timeout)

    def graceful(self, timeout=30):
        """Rewrite the configuration and do a graceful restart (SIGUSR1);
        returns once the new generation is running."""
        pid = self._pid()
        if pid is None:
            raise ApacheError("Apache is not running")
        self.write_config()
        since = self.error_log_offset()
        os.kill(pid, signal.SIGUSR1)

        def ready():
            if not self.is_running():
                self._failure("apache2 exited during a graceful restart", since)
            return any(READY_LINE in line for line in self.error_log_lines(since))

        try:
            util.wait_until(ready, timeout, what="the graceful restart")
        except TimeoutError:
            self._failure(f"graceful restart not done within {timeout}s", since)

    # ---- the error log ------------------------------------------------------

    def error_log_offset(self):
        """The error log's current size: pass as `since` to read what follows."""
        try:
            return self.error_log.stat().st_size
        except FileNotFoundError:
            return 0

    def error_log_lines(self, since=0):
        try:
            with open(self.error_log, "rb") as f:
                f.seek(since)
                data = f.read()
        except FileNotFoundError:
            return []
        return data.decode("utf-8", errors="replace").splitlines()

    def check_error_log(self, allowed_patterns=(), since=0):
        """The lines at error level or worse (since the offset) that match
        none of allowed_patterns (regexes, re.search)."""
        allowed = [re.compile(p) for p in allowed_patterns]
        return [line for line in self.error_log_lines(since)
                if ERROR_LINE.search(line) and not any(p.search(line) for p in allowed)]

    def wait_for_log(self, pattern, since=0, timeout=10):
        """Poll the error log for a line matching pattern; returns it."""
        rx = re.compile(pattern)

        def find():
            return next((l for l in self.error_log_lines(since) if rx.search(l)), None)

        try:
            return util.wait_until(find, timeout, interval=0.05, what=pattern)
        except TimeoutError:
            raise AssertionError(f"no error_log line matching {pattern!r} within "
                                 f"{timeout}s") from None


def hardening_conf_text():
    """conf/mocourts-hardening.conf as `make install` writes it."""
    return (HARDENING_CONF.read_text().replace("@LIBPCRE3@", LIBPCRE3)
            .replace("@APACHE_MODULES@", MODULES))


def _tree_readable(path):
    """True when nobody can read every file and folder under path."""
    if not util.readable_by_others(path):
        return False
    for d, dirs, files in os.walk(path):
        if os.stat(d).st_mode & 0o005 != 0o005:
            return False
        for f in files:
            if not os.stat(os.path.join(d, f)).st_mode & 0o004:
                return False
    return True
