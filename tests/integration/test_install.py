"""INSTALL is the truth: follow it on the system's apache2 without touching
the system.

INSTALL's blocks whose first line is `# step: NAME` are run word for word
with bash, as root as INSTALL says, in a staging root ROOT (DESTDIR), with
these substitutions and nothing else:

- absolute paths under /etc/, /usr/share/mocourts, /usr/share/doc/mocourts,
  /usr/share/man/, /usr/sbin/mocourts-admin, /usr/lib/apache2/modules and
  /var/lib/mocourts get ROOT in front;
- PATH starts with ROOT/usr/sbin (the installed mocourts-admin) and two
  wrappers: `make` (in the source tree, BUILD= the harness's build,
  DESTDIR=ROOT) and `mariadb` (the harness's MariaDB, as its administrator);
- APACHE_CONFDIR and APACHE_STATE_DIRECTORY point a2enmod, a2enconf and
  apache2ctl at ROOT; MOCOURTS_CONF is mocourts-admin's default file under
  ROOT; MOCOURTS_PASSWORD answers create-admin;
- in the database step's SQL the database and user `mocourts` are called
  `mocinst` (the harness's MariaDB already holds the suite's own `mocourts`);
- the installed .load files and mocourts.conf get the same path
  substitution (they name the files' final places), and mocourts.conf the
  site's values INSTALL section 4 asks for (database, base URL, mail).

ROOT/etc/apache2 starts as a copy of the system's /etc/apache2, the existing
Debian Apache of INSTALL's first line, with its envvars, Listen and default
site moved to ROOT and a free port. The harness (tests/harness/apache.py)
runs that Apache before anything is installed; INSTALL's `apache2ctl
graceful` then reloads it, as on a server.
"""
import grp
import hashlib
import os
import pwd
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import requests

from harness import util
from harness.apache import HTTPD, READY_LINE, Apache, hardening_conf_text
from harness.admin import Account
from helpers_core import logon_full, path_of

# Builds and installs (tests/conftest.py: never beside a timing test).
pytestmark = pytest.mark.cpu_heavy

INSTALL = util.REPO / "INSTALL"
STEPS = ["packages", "pdf-tools", "build", "install", "database", "schema", "enable",
         "hardening", "galera-packages", "galera-settings", "galera-first", "galera-join",
         "galera-database", "node-packages", "node-password", "galera-backup", "courts",
         "efiling-setup", "uninstall"]
# Run on fresh machines by tests/machines/machines.py (INSTALL section 8),
# not here: they install packages or need a Galera cluster of machines.
MACHINE_STEPS = {"packages", "pdf-tools", "galera-packages", "galera-settings", "galera-first",
                 "galera-join", "galera-database", "node-packages", "node-password",
                 "galera-backup"}
PLUGINS = ["registration", "groups", "casetrack", "efiling"]
DB_NAME = "mocinst"          # the database and user of the database step
PASSWORD = "Install-Test-Pass1"
ADMIN_USER, ADMIN_EMAIL = "osca.admin", "security@courts.example.gov"   # INSTALL's
WWW = "www-data"             # Debian's Apache user (envvars)

# Paths that `make install` and INSTALL's commands use, moved under ROOT.
SYSTEM_PATH = re.compile(r"(?<![\w.$/-])(/etc/|/usr/share/mocourts|/usr/share/doc/mocourts|"
                         r"/usr/share/man/|/usr/sbin/mocourts-admin|/usr/lib/apache2/modules|"
                         r"/var/lib/mocourts)")


# ---- INSTALL's text ------------------------------------------------------------------

def install_steps(text=None):
    """{name: shell text} of INSTALL's `# step: NAME` blocks (the indented
    lines after the marker, unindented, up to the first line that is not)."""
    lines = (text if text is not None else INSTALL.read_text()).splitlines()
    steps = {}
    for i, line in enumerate(lines):
        m = re.fullmatch(r"    # step: ([\w-]+)", line)
        if not m:
            continue
        assert m.group(1) not in steps, f"INSTALL has two blocks named {m.group(1)}"
        body = []
        for follow in lines[i + 1:]:
            if follow.startswith("    "):
                body.append(follow[4:])
            elif follow.strip() == "":
                body.append("")
            else:
                break
        steps[m.group(1)] = "\n".join(body).strip("\n") + "\n"
    return steps


def relocate(text, root):
    return SYSTEM_PATH.sub(lambda m: f"{root}{m.group(1)}", text)


def rename_db(script):
    """Inside the heredoc SQL of a step: the database and user `mocourts`
    become DB_NAME."""
    out, in_sql = [], False
    for line in script.splitlines():
        if in_sql and line.strip() == "SQL":
            in_sql = False
        elif in_sql:
            line = re.sub(r"\bmocourts\b", DB_NAME, line)
        elif line.rstrip().endswith("<<SQL"):
            in_sql = True
        out.append(line)
    return "\n".join(out) + "\n"


def set_directive(text, name, value):
    """The first line setting name (commented out or not) set to value, as an
    administrator's editor would; AssertionError when the file has none."""
    rx = re.compile(rf"^(\s*)#?{name}\b.*$", re.M)
    assert rx.search(text), f"conf-available/mocourts.conf has no {name} line"
    return rx.sub(lambda m: f"{m.group(1)}{name} {value}", text, count=1)


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


# ---- the staged server -----------------------------------------------------------------

class InstalledApache(Apache):
    """The harness's Apache run from the staged Debian layout: the
    configuration is ROOT/etc/apache2/apache2.conf (written by the system's
    package and by INSTALL's steps, never by the harness), with envvars'
    variables in the environment as apache2ctl gives them."""

    def __init__(self, root, port, env):
        self.stage = Path(root)
        self.env = env
        super().__init__(self.stage / "etc/apache2", port, log_dir=self.stage / "log/apache2")
        self.conf_path = self.stage / "etc/apache2/apache2.conf"
        self.error_log = self.log_dir / "error.log"
        self.pidfile = self.stage / "run/apache2/apache2.pid"

    @property
    def module_path(self):
        # Apache.start() checks that this exists; the site runs before any
        # module of ours is installed.
        return self.conf_path

    def write_config(self):
        pass

    def _base_args(self):
        return (["env"] + [f"{k}={v}" for k, v in self.env.items()]
                + [HTTPD, "-d", str(self.stage / "etc/apache2")])


class Stage:
    """ROOT and how INSTALL's steps are run in it."""

    def __init__(self, root, mariadb):
        self.root = Path(root)
        self.etc = self.root / "etc/apache2"
        self.work = self.root / "work"
        self.bin = self.root / "testbin"
        self.conf = self.etc / "conf-available/mocourts.conf"
        self.steps = install_steps()
        self.results = {}
        self.port = util.free_port()
        self.mariadb = mariadb

    def envvars(self):
        """envvars' variables (as apache2ctl sources them)."""
        r = subprocess.run(["env", "-i", "sh", "-c", f". {self.etc}/envvars && env"],
                           capture_output=True, text=True, check=True)
        return {k: v for k, v in (l.split("=", 1) for l in r.stdout.splitlines() if "=" in l)
                if k.startswith("APACHE_") or k == "LANG"}

    def prepare(self):
        """Copy the system's /etc/apache2 and move its runtime files, logs
        and port into ROOT; write the wrappers."""
        for d in (self.root, self.work, self.bin):
            d.mkdir(parents=True, exist_ok=True)
            util.make_reachable(d)
        shutil.copytree("/etc/apache2", self.etc, symlinks=True)
        for d in ("mods-available", "mods-enabled", "conf-available", "conf-enabled"):
            for f in (self.etc / d).glob("mocourts*"):
                f.unlink()
        env = self.etc / "envvars"
        text = env.read_text()
        for what in ("run", "lock", "log"):
            text = text.replace(f"/var/{what}/apache2", f"{self.root}/{what}/apache2")
        env.write_text(text)
        for what in ("run", "lock", "log"):
            d = self.root / what / "apache2"
            d.mkdir(parents=True, exist_ok=True)
            util.make_reachable(d)
        www = pwd.getpwnam(WWW)
        os.chown(self.root / "lock/apache2", www.pw_uid, www.pw_gid)
        # The existing site on a free port of loopback.
        ports = self.etc / "ports.conf"
        first = [True]

        def listen(m):
            if first[0]:
                first[0] = False
                return f"{m.group(1)}Listen 127.0.0.1:{self.port}"
            return f"{m.group(1)}#Listen {m.group(2)}"

        ports.write_text(re.sub(r"^(\s*)Listen\s+(.*)$", listen, ports.read_text(), flags=re.M))
        for site in (self.etc / "sites-enabled").iterdir():
            target = site.resolve()
            target.write_text(re.sub(r"<VirtualHost \*:80>", f"<VirtualHost *:{self.port}>",
                                     target.read_text()))
        build = util.BUILD
        if build.is_relative_to(util.REPO):
            build = build.relative_to(util.REPO)
        self._wrapper("make", f'exec /usr/bin/make --no-print-directory -C "{util.REPO}" '
                              f'BUILD="{build}" DESTDIR="{self.root}" "$@"')
        self._wrapper("mariadb", f'exec /usr/bin/mariadb --no-defaults '
                                 f'--socket="{self.mariadb.socket}" '
                                 f'--user="{self.mariadb.admin_user}" "$@"')

    def _wrapper(self, name, line):
        path = self.bin / name
        path.write_text(f"#!/bin/sh\n{line}\n")
        path.chmod(0o755)

    def env(self):
        return dict(os.environ,
                    PATH=f"{self.root}/usr/sbin:{self.bin}:{os.environ.get('PATH', '/usr/bin:/bin')}"
                         ":/usr/sbin:/sbin",
                    APACHE_CONFDIR=str(self.etc),
                    APACHE_STATE_DIRECTORY=f"{self.root}/var/lib/apache2",
                    MOCOURTS_CONF=str(self.conf),
                    MOCOURTS_PASSWORD=PASSWORD)

    def script(self, name):
        text = self.steps[name]
        if name == "database":
            text = rename_db(text)
        return relocate(text, self.root)

    def run(self, name, umask=None, check=True, script=None):
        """Run INSTALL's step name (or script, already relocated) with bash -e."""
        body = script if script is not None else self.script(name)
        if umask is not None:
            body = f"umask {umask:03o}\n" + body
        r = subprocess.run(["bash", "-e", "-c", body], cwd=self.work, env=self.env(),
                           capture_output=True, text=True, timeout=900,
                           stdin=subprocess.DEVNULL)
        if check and r.returncode != 0:
            raise AssertionError(f"INSTALL step {name!r} exited {r.returncode}\n--- script:\n"
                                 f"{body}--- stdout:\n{r.stdout}--- stderr:\n{r.stderr}")
        self.results[name] = r
        return r

    def relocate_installed(self):
        """The installed .load files name /usr/lib/apache2/modules (DESTDIR
        stages files for their final place): point them under ROOT."""
        for f in (self.etc / "mods-available").glob("mocourts*.load"):
            f.write_text(relocate(f.read_text(), self.root))

    def edit_conf(self, values):
        """What INSTALL section 4 asks of the administrator, for this host:
        the DESTDIR paths under ROOT, and the site's own values."""
        text = relocate(self.conf.read_text(), self.root)
        for name, value in values.items():
            text = set_directive(text, name, value)
        self.conf.write_text(text)


@pytest.fixture(scope="module")
def stage(tmp_root, mariadb, smtp):
    if not util.is_root():
        pytest.skip("INSTALL's steps run as root")
    for tool in ("/usr/sbin/a2enmod", "/usr/sbin/apache2ctl", "/etc/apache2/apache2.conf"):
        if not os.path.exists(tool):
            pytest.skip(f"{tool} is missing: not a Debian apache2")
    st = Stage(tmp_root / "install", mariadb)
    st.prepare()
    ap = InstalledApache(st.root, st.port, st.envvars())
    st.apache = ap
    try:
        ap.start()      # the existing site, before anything is installed
        st.run("build")
        st.run("install", umask=0o027)
        st.relocate_installed()
        st.run("database")
        st.edit_conf({
            "MoCourtsDBSocket": f'"{mariadb.socket}"',
            "MoCourtsDBUser": DB_NAME,
            "MoCourtsDBName": DB_NAME,
            "MoCourtsBaseURL": ap.base_url,
            "MoCourtsCourtName": '"Test Circuit Court"',
            "MoCourtsSMTP": f"{smtp.host} {smtp.port}",
            "MoCourtsMailFrom": "noreply@court.test",
            # Plain HTTP on loopback (INSTALL section 7).
            "MoCourtsSessionCookie": "mocourts_session",
            "MoCourtsSessionSecure": "Off",
        })
        st.run("schema")
        since = ap.error_log_offset()
        st.run("enable")
        ap.wait_for_log(READY_LINE, since=since, timeout=60)
        since = ap.error_log_offset()
        st.run("hardening")
        ap.wait_for_log(READY_LINE, since=since, timeout=60)
        # The eFiling set-up names court 22, which only the Case.net data brings.
        st.early_setup = st.run("efiling-setup", check=False)
        feed = subprocess.run([str(st.root / "usr/sbin/mocourts-admin"), "generate", "--seed",
                               "1", "--cases", "40"], capture_output=True, env=st.env(),
                              timeout=120, check=True)
        (st.work / "cases.xml").write_bytes(feed.stdout)
        st.run("courts")
        st.run("efiling-setup")
        yield st
    finally:
        ap.stop()


def db_value(mariadb, query):
    return mariadb.value(query, database=DB_NAME)


# ---- INSTALL and the shipped files, without a server -----------------------------------

def test_install_has_every_step():
    steps = install_steps()
    assert list(steps) == STEPS, list(steps)
    for name, body in steps.items():
        assert body.strip(), name


def install_apt_packages():
    """The packages INSTALL's `apt-get install` lines name (with their
    backslash-continued lines)."""
    named, text = set(), INSTALL.read_text().replace("\\\n", " ")
    for line in text.splitlines():
        m = re.match(r"\s*apt-get install (.*)", line)
        if m:
            named |= {w for w in m.group(1).split() if not w.startswith("-")}
    return named


def deps_array(name):
    """The words of scripts/deps.sh's bash array name=( ... )."""
    text = (util.REPO / "scripts/deps.sh").read_text()
    m = re.search(rf"^{name}=\((.*?)^\)", text, re.S | re.M)
    assert m, name
    return set(m.group(1).split())


def test_install_names_every_package_a_site_needs():
    """An administrator on a fresh machine installs what INSTALL's apt-get
    lines name and nothing else: every package `make run` installs to build
    and run a site (scripts/deps.sh's SERVER_PACKAGES) is among them."""
    server = deps_array("SERVER_PACKAGES")
    assert {"libjansson-dev", "liboath-dev", "qpdf", "galera-4"} <= server
    assert server - install_apt_packages() == set()


def test_machines_script_follows_every_machine_step():
    """INSTALL's steps that this test cannot run are each run by
    tests/machines/machines.py on fresh machines."""
    script = (util.REPO / "tests/machines/machines.py").read_text()
    assert MACHINE_STEPS < set(STEPS)
    assert [n for n in sorted(MACHINE_STEPS) if f'"{n}"' not in script] == []


def test_every_plugin_has_a_load_file_and_a_guarded_mount():
    conf = (util.REPO / "conf/mocourts.conf").read_text()
    core = (util.REPO / "conf/mocourts.load").read_text()
    assert "LoadModule mocourts_module @LIBEXECDIR@/mod_mocourts.so" in core
    for p in sorted(d.name for d in (util.REPO / "plugins").iterdir()):
        text = (util.REPO / f"conf/mocourts_{p}.load").read_text()
        deps = re.search(r"^# Depends: (.*)$", text, re.M)
        assert deps and "mocourts" in deps.group(1).split(), p
        assert f"LoadModule mocourts_{p}_module @LIBEXECDIR@/mod_mocourts_{p}.so" in text
        block = re.search(rf"<IfModule mocourts_{p}_module>(.*?)\n    </IfModule>", conf, re.S)
        assert block and re.search(rf"MoCourtsMount {p}\b", block.group(1)), p
    # LogLevel naming the module only where the module is loaded.
    assert re.search(r"<IfModule mocourts_module>\s*(#[^\n]*\n\s*)*#LogLevel mocourts:debug",
                     conf), "LogLevel hint not first inside <IfModule mocourts_module>"


# ---- following INSTALL -------------------------------------------------------------------

def test_installed_files_and_modes(stage):
    """make install under umask 027 still leaves files Apache's user reads."""
    root = stage.root
    share = root / "usr/share/mocourts"
    for sub in ("templates", "sql"):
        assert (share / sub).is_dir()
        for d, dirs, files in os.walk(share / sub):
            assert mode(d) == 0o755, d
            for f in files:
                assert mode(Path(d) / f) == 0o644, Path(d) / f
    assert len(list((share / "templates").rglob("*.html"))) == \
        len(list((util.REPO / "templates").rglob("*.html")))
    assert util.readable_by_others(share / "templates/core/logon.html")
    mods = root / "usr/lib/apache2/modules"
    for so in ["mod_mocourts.so"] + [f"mod_mocourts_{p}.so" for p in PLUGINS]:
        assert mode(mods / so) == 0o644, so
    assert mode(root / "usr/sbin/mocourts-admin") == 0o755
    assert mode(root / "usr/share/man/man8/mocourts-admin.8") == 0o644
    for f in ("efiling-setup.example.xml", "efiling-setup.md", "casenet-feed.xsd"):
        assert mode(root / "usr/share/doc/mocourts" / f) == 0o644, f
    for f in ["mocourts.load"] + [f"mocourts_{p}.load" for p in PLUGINS]:
        path = stage.etc / "mods-available" / f
        assert mode(path) == 0o644, f
        assert "@LIBEXECDIR@" not in path.read_text()
        assert "/usr/lib/apache2/modules/mod_mocourts" in path.read_text()
    assert mode(stage.conf) == 0o640
    docs = root / "var/lib/mocourts/documents"
    assert mode(docs) == 0o750
    assert pwd.getpwuid(os.stat(docs).st_uid).pw_name == WWW
    secret = root / "etc/apache2/mocourts-db.password"
    assert mode(secret) == 0o640
    assert grp.getgrgid(os.stat(secret).st_gid).gr_name == WWW
    assert pwd.getpwuid(os.stat(secret).st_uid).pw_name == "root"


def test_hardening_enabled(stage):
    """The slow-client hardening as the test suite's Apache runs it: the
    shipped file with the library and module paths filled in, enabled, and
    mod_qos and mod_reqtimeout loaded into the running server."""
    conf = stage.etc / "conf-available/mocourts-hardening.conf"
    assert mode(conf) == 0o644
    assert conf.read_text() == hardening_conf_text()
    assert (stage.etc / "conf-enabled/mocourts-hardening.conf").is_symlink()
    assert not (stage.etc / "mods-enabled/qos.load").exists()
    modules = subprocess.run(stage.apache._base_args() + ["-M"], capture_output=True,
                             text=True).stdout
    assert "qos_module" in modules and "reqtimeout_module" in modules, modules
    assert requests.get(stage.apache.url("/account/logon"), timeout=30).status_code == 200


def test_admin_reads_conf_available_by_default(stage):
    binary = (stage.root / "usr/sbin/mocourts-admin").read_bytes()
    assert b"/etc/apache2/conf-available/mocourts.conf" in binary
    assert b"/etc/apache2/mods-available/mocourts.conf" not in binary


def test_migrate_order_is_installs(stage):
    """migrate's components in INSTALL's stated order."""
    out = stage.results["schema"].stdout
    applied = re.findall(r"^(\w+): applied \d+ migration\(s\)", out, re.M)
    said = re.search(r"0\.1\.0 applies ([^.]*)\.", " ".join(INSTALL.read_text().split()))
    assert said, "INSTALL no longer says the order of migrate"
    order = [c.strip() for c in re.sub(r"\([^)]*\)", "", said.group(1)).split(",")]
    assert applied == order, out
    assert "database: reachable" in out


def test_a2enmod_followed_depends(stage):
    enabled = stage.etc / "mods-enabled"
    for f in ["mocourts.load"] + [f"mocourts_{p}.load" for p in PLUGINS]:
        assert (enabled / f).is_symlink(), f
    assert (stage.etc / "conf-enabled/mocourts.conf").is_symlink()
    assert not (enabled / "mocourts.conf").exists()


def test_configtest_and_pages(stage):
    ap = stage.apache
    rc, out = ap.configtest()
    assert rc == 0 and "Syntax OK" in out, out
    for path in ("/account/logon", "/casenet"):
        r = requests.get(ap.url(path), timeout=30)
        assert r.status_code == 200, (path, r.status_code, r.text[:500])
    # The site root is the public home page (MoCourtsHomePage, on by
    # default), not Debian's placeholder index.html of the existing site.
    r = requests.get(ap.url("/"), allow_redirects=False, timeout=30)
    assert r.status_code == 200 and '<a href="/casenet/search/name">Litigant Name</a>' in r.text, \
        r.text[:500]
    assert "mocourts_module" in subprocess.run(
        stage.apache._base_args() + ["-M"], capture_output=True, text=True).stdout


def test_first_security_admin_lands_on_missing_information(stage, smtp, http):
    account = Account(ADMIN_USER, ADMIN_EMAIL, PASSWORD)
    r = logon_full(http, stage.apache, account, smtp)
    assert path_of(r.url) == "/registration/missing", r.url
    assert "<h1>Missing Information</h1>" in r.text
    assert db_value(stage.mariadb, "SELECT r.role FROM mc_account_role r JOIN mc_account a "
                    f"ON a.id = r.account_id WHERE a.username = '{ADMIN_USER}'") == "security"


def test_efiling_setup_needs_the_courts_first(stage):
    early = stage.early_setup
    assert early.returncode != 0
    assert "unknown court '22'" in early.stdout + early.stderr
    assert stage.results["efiling-setup"].returncode == 0
    assert db_value(stage.mariadb, "SELECT efiling FROM mc_court WHERE code = '22'") == "1"
    assert (stage.root / "etc/mocourts/efiling-setup.xml").is_file()


def test_loglevel_and_disabled_modules_keep_configtest(stage):
    """LogLevel mocourts:debug where INSTALL says (inside the module's
    <IfModule>) survives disabling the modules; elsewhere it does not. Then
    a2enmod mocourts_efiling alone brings all five back."""
    ap, env = stage.apache, stage.env()
    text = stage.conf.read_text()
    stage.conf.write_text(text.replace("#LogLevel mocourts:debug", "LogLevel mocourts:debug"))

    def a2(*args):
        r = subprocess.run(list(args), env=env, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr

    rc, out = ap.configtest()
    assert rc == 0, out
    a2("a2dismod", "-f", "mocourts")
    assert not list((stage.etc / "mods-enabled").glob("mocourts*"))
    rc, out = ap.configtest()
    assert rc == 0, out
    stray = stage.etc / "conf-enabled/zz-loglevel.conf"
    stray.write_text("LogLevel mocourts:debug\n")
    try:
        rc, out = ap.configtest()
        assert rc != 0, out
    finally:
        stray.unlink()
    a2("a2enmod", "mocourts_efiling")
    for f in ["mocourts.load"] + [f"mocourts_{p}.load" for p in PLUGINS]:
        assert (stage.etc / "mods-enabled" / f).is_symlink(), f
    rc, out = ap.configtest()
    assert rc == 0, out


def test_make_install_again_keeps_the_site_settings(stage):
    before = hashlib.sha256(stage.conf.read_bytes()).hexdigest()
    stage.run("install", umask=0o027)
    assert hashlib.sha256(stage.conf.read_bytes()).hexdigest() == before
    assert mode(stage.root / "usr/share/mocourts/templates/core/logon.html") == 0o644


def test_uninstall(stage):
    """Last: INSTALL's uninstall step leaves none of the installed files but
    the site's data, and the existing site still runs."""
    ap, root = stage.apache, stage.root
    (root / "var/lib/mocourts/documents/filed.pdf").write_bytes(b"%PDF-1.4\n")
    since = ap.error_log_offset()
    stage.run("uninstall")
    ap.wait_for_log(READY_LINE, since=since, timeout=60)
    gone = ([root / "usr/lib/apache2/modules/mod_mocourts.so",
             root / "usr/sbin/mocourts-admin",
             root / "usr/share/man/man8/mocourts-admin.8",
             root / "usr/share/mocourts", root / "usr/share/doc/mocourts"]
            + [root / f"usr/lib/apache2/modules/mod_mocourts_{p}.so" for p in PLUGINS]
            + list((stage.etc / "mods-available").glob("mocourts*"))
            + list((stage.etc / "mods-enabled").glob("mocourts*"))
            + list((stage.etc / "conf-enabled").glob("mocourts*"))
            + [stage.etc / "conf-available/mocourts-hardening.conf"])
    left = [str(p) for p in gone if os.path.lexists(p)]
    assert not left, left
    assert not list((root / "usr").rglob("*mocourts*"))
    # What stays: the edited site settings, the password, the set-up, the
    # filed documents, the database.
    for kept in (stage.conf, root / "etc/apache2/mocourts-db.password",
                 root / "etc/mocourts/efiling-setup.xml",
                 root / "var/lib/mocourts/documents/filed.pdf"):
        assert kept.exists(), kept
    assert db_value(stage.mariadb, "SELECT COUNT(*) FROM mc_account") != "0"
    assert "kept" in stage.results["uninstall"].stdout
    assert requests.get(ap.url("/account/logon"), timeout=30).status_code == 404
    r = requests.get(ap.url("/"), timeout=30)
    assert r.status_code == 200 and "Litigant Name" not in r.text   # the site's own page again
    rc, out = ap.configtest()
    assert rc == 0, out
