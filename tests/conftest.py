"""pytest fixtures: one private MariaDB, SMTP sink, gateway recorder and
Apache per test session, all on loopback under one temporary folder.

Session fixtures:
    tmp_root    the temporary folder (removed at the end unless MC_KEEP_TMP=1)
    mariadb     harness.mariadb.MariaDB, app database and user created
    smtp        harness.smtp.SmtpSink
    gateway     harness.gateway.Gateway (MoCourtsGateway recorder)
    apache      harness.apache.Apache with mod_mocourts, schema migrated
    admin       harness.admin.Admin on apache's mocourts.conf
Function fixtures:
    make_apache(overrides=None, extra_conf="", start=True, migrate=True, **kw)
                another Apache on the same MariaDB/SMTP/gateway, stopped
                after the test
    new_account(roles=(), scope=None, must_change=False, password=None,
                email=None, prefix="user") -> harness.admin.Account
    http        a fresh requests.Session

After each test that passed, any new line at error level or worse in the
error log of any Apache the harness started fails it, unless the test
allows it: @pytest.mark.allow_errors(r"regex", ...).
"""
import atexit
import fcntl
import itertools
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from harness import util, web  # noqa: E402
from harness.admin import Admin, create_user  # noqa: E402
from harness.apache import TEST_START_SERVERS, Apache, test_site_conf  # noqa: E402
from harness.gateway import Gateway  # noqa: E402
from harness.mariadb import MariaDB  # noqa: E402
from harness.smtp import SmtpSink  # noqa: E402

_LOG_OFFSETS = pytest.StashKey[dict]()
_apache_numbers = itertools.count(2)
_account_numbers = itertools.count(1)
_started = []     # everything with a stop(), stopped at exit if still running
_tmp_roots = []   # removed at exit too (unless MC_KEEP_TMP=1)


def _stop_leftovers():
    """At exit, after an interrupted run whose fixtures did not finish."""
    for thing in reversed(_started + Apache.instances):
        try:
            thing.stop()
        except Exception:  # noqa: BLE001 - best effort at interpreter exit
            pass
    if os.environ.get("MC_KEEP_TMP") != "1":
        for path in _tmp_roots:
            shutil.rmtree(path, ignore_errors=True)


atexit.register(_stop_leftovers)


def _terminate(signum, frame):
    # A CI timeout's SIGTERM: unwind like Ctrl-C so fixtures stop the servers.
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_configure(config):
    signal.signal(signal.SIGTERM, _terminate)
    config.addinivalue_line(
        "markers", "allow_errors(*patterns): regexes of Apache error-log lines "
        "(error level or worse) this test expects")
    config.addinivalue_line(
        "markers", "cpu_heavy: keeps the CPUs busy (a build, sqlmap, a browser): never "
        "runs beside a timing test")
    config.addinivalue_line(
        "markers", "timing: measures times or races: runs beside no cpu_heavy test and no "
        "other timing test")
    config.addinivalue_line(
        "markers", "alone: a timing test that needs the machine to itself: runs beside no "
        "other test")
    if not hasattr(config, "workerinput") and getattr(config.option, "numprocesses", None):
        # pytest-xdist's controller: a folder for the workers' lock files
        # (_share_the_machine), named in the environment they inherit.
        path = tempfile.mkdtemp(prefix="mocourts-xdist-")
        os.environ[LOCK_ENV] = path
        config.stash[_LOCK_DIR] = path


def pytest_unconfigure(config):
    path = config.stash.get(_LOCK_DIR, None)
    if path:
        shutil.rmtree(path, ignore_errors=True)


# ---- several workers (pytest-xdist) ---------------------------------------------
#
# `make test` runs the suite on several workers (pytest -n N --dist loadgroup,
# Debian's python3-pytest-xdist). Each worker is a session of its own: its
# own tmp_root, MariaDB, SMTP sink, gateway and Apaches, on ports the kernel
# hands out (util.free_port), so workers share nothing but the machine.
#
# Tests are handed out one at a time, except that a module with a fixture
# wider than a test (its own server, a build) keeps its tests together, in
# order, on one worker. First the CPU-heavy ones (every browser test too),
# the longest first, so that no worker is left with one of them at the end;
# then the timing tests, all on one worker, one after the other; then the
# rest, which mostly wait (for a server, a mail, a delivery round).
#
# What a timing test measures must not be another worker's build or
# browser: two lock files shared by the workers keep them apart. A timing
# test holds "cpu" exclusively, a CPU-heavy test shares it; so a timing test
# waits for the CPU-heavy tests running to end, and none starts while it
# runs. An `alone` test holds "all" exclusively, every other test shares it
# (with a turnstile, so that the tests starting one after the other on the
# other workers cannot keep it waiting for ever): nothing runs beside it.
# The browser tests come one after the other (test_install before them, not
# among them), so that a worker's browsers, quit after its last browser test
# in a row (tests/browser/conftest.py), are not started again for the next.
LONG_FIRST = ("test_makefile", "test_ct_sqlmap", "test_install", "test_browser_check_labels",
              "test_browser_efiling", "test_browser_account",
              "test_sessions", "test_delivery_crash", "test_ct_notify", "test_outage")
TIMING_GROUP = "timing"
# The browser tests on four workers, each file on one (about a minute of
# work each when the machine is quiet): fewer Chromiums started (each start
# costs about 3 s of CPU; a worker keeps its browsers between its browser
# tests) and fewer of them competing for the CPUs than on every worker.
BROWSER_GROUPS = (("test_browser_efiling", "test_browser_ef_look", "test_browser_ef_upload"),
                  ("test_browser_logon", "test_browser_account", "test_browser_signup",
                   "test_browser_forms_look"),
                  # The walk of issue 14's pages: its last test counts what the
                  # others in the same process checked.
                  ("test_browser_pages",))


def _browser_group(stem):
    for i, files in enumerate(BROWSER_GROUPS):
        if stem in files:
            return f"browser-{i}"
    return f"browser-{len(BROWSER_GROUPS)}"     # the others


LOCK_ENV = "MC_XDIST_LOCKS"
_LOCK_DIR = pytest.StashKey[str]()


def _wider_than_a_test(item):
    info = getattr(item, "_fixtureinfo", None)
    return info is not None and any(
        defs and defs[-1].scope in ("class", "module", "package")
        for defs in info.name2fixturedefs.values())


def _cpu_heavy(item):
    return (item.get_closest_marker("cpu_heavy") is not None
            or TESTS / "browser" in item.path.parents)    # each drives a Chromium


def _timing(item):
    return any(item.get_closest_marker(m) for m in ("timing", "alone"))


@pytest.hookimpl(tryfirst=True)   # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    grouped = {item.path for item in items if _wider_than_a_test(item)}
    for item in items:
        if _timing(item):
            item.add_marker(pytest.mark.xdist_group(TIMING_GROUP))
        elif TESTS / "browser" in item.path.parents:
            item.add_marker(pytest.mark.xdist_group(_browser_group(item.path.stem)))
        elif item.path in grouped:
            item.add_marker(pytest.mark.xdist_group(str(item.path.relative_to(TESTS))))
    rank = {name: i for i, name in enumerate(LONG_FIRST)}

    def order(item):
        kind = 0 if _cpu_heavy(item) else 1 if _timing(item) else 2
        return kind, rank.get(item.path.stem, len(rank))

    items.sort(key=order)


@pytest.fixture(scope="session")
def _locks(request):
    """The workers' lock files, open: {name: fd} (None without workers)."""
    path = os.environ.get(LOCK_ENV)
    if not hasattr(request.config, "workerinput") or not path:
        yield None
        return
    fds = {name: os.open(Path(path) / name, os.O_RDWR | os.O_CREAT, 0o600)
           for name in ("turnstile", "all", "cpu")}
    try:
        yield fds
    finally:
        for fd in fds.values():
            os.close(fd)


@pytest.fixture(autouse=True)
def _share_the_machine(request, _locks):
    """Take this test's locks (see above) for its set-up, call and tear-down."""
    if _locks is None:
        yield
        return
    item = request.node
    alone = item.get_closest_marker("alone") is not None
    fcntl.flock(_locks["turnstile"], fcntl.LOCK_EX)
    try:
        fcntl.flock(_locks["all"], fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
    finally:
        fcntl.flock(_locks["turnstile"], fcntl.LOCK_UN)
    cpu = (None if alone else fcntl.LOCK_EX if _timing(item)
           else fcntl.LOCK_SH if _cpu_heavy(item) else None)
    if cpu is not None:
        fcntl.flock(_locks["cpu"], cpu)
    try:
        yield
    finally:
        fcntl.flock(_locks["cpu"], fcntl.LOCK_UN)
        fcntl.flock(_locks["all"], fcntl.LOCK_UN)


# ---- the servers --------------------------------------------------------------

@pytest.fixture(scope="session")
def tmp_root():
    path = Path(tempfile.mkdtemp(prefix="mocourts-test-", dir="/tmp"))
    util.make_reachable(path)   # Apache's children run as nobody
    _tmp_roots.append(path)
    yield path
    if os.environ.get("MC_KEEP_TMP") == "1":
        print(f"\nMC_KEEP_TMP=1: test files kept in {path}")
    else:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def mariadb(tmp_root):
    db = MariaDB(tmp_root / "db", util.free_port())
    _started.append(db)
    try:
        db.start()
        db.create_app_db()
        yield db
    finally:
        db.stop()


@pytest.fixture(scope="session")
def smtp():
    sink = SmtpSink(util.free_port())
    _started.append(sink)
    try:
        sink.start()
        yield sink
    finally:
        sink.stop()


@pytest.fixture(scope="session")
def gateway(tmp_root):
    return Gateway(tmp_root / "gateway")


def _start_apache(ap, migrate):
    """Migrate (idempotent) and start; fail (never skip) when the module or
    the admin tool is missing or Apache does not come up cleanly."""
    since = ap.error_log_offset()
    problem = None
    try:
        if migrate:
            Admin(ap.mocourts_conf).migrate()
        ap.start()
    except Exception as e:  # noqa: BLE001 - reported as a test failure
        problem = str(e)
    if problem:
        pytest.fail(f"Apache on port {ap.port} could not be started: {problem}", pytrace=False)
    bad = ap.check_error_log(since=since)
    if bad:
        pytest.fail("Apache logged errors while starting:\n" + "\n".join(bad), pytrace=False)


@pytest.fixture(scope="session")
def apache(tmp_root, mariadb, smtp, gateway):
    ap = Apache(tmp_root / "apache", util.free_port(), db=mariadb, smtp=smtp, gateway=gateway,
                extra_conf=test_site_conf(), start_servers=TEST_START_SERVERS)
    try:
        _start_apache(ap, migrate=True)
        yield ap
    finally:
        ap.stop()


@pytest.fixture(scope="session")
def admin(apache):
    return Admin(apache.mocourts_conf)


@pytest.fixture
def make_apache(tmp_root, mariadb, smtp, gateway):
    """Factory for a differently configured Apache sharing the session's
    MariaDB, SMTP sink and gateway. start=False returns it unstarted (for
    configtest() or a start expected to fail)."""
    made = []

    def make(overrides=None, extra_conf="", start=True, migrate=True, site=True, **kw):
        """site: include the test site (probe plugin at /probe, /protected,
        /clerk-files, /basic) as the session's Apache does. The fixtures'
        Apaches start TEST_START_SERVERS children unless start_servers says
        otherwise (None: the shipped hardening's)."""
        kw.setdefault("start_servers", TEST_START_SERVERS)
        if site:
            extra_conf = test_site_conf() + extra_conf
        n = next(_apache_numbers)
        ap = Apache(tmp_root / f"apache-{n}", util.free_port(), db=mariadb, smtp=smtp,
                    gateway=gateway, overrides=overrides, extra_conf=extra_conf, **kw)
        made.append(ap)
        if start:
            _start_apache(ap, migrate)
        return ap

    yield make
    for ap in made:
        ap.stop()


@pytest.fixture
def new_account(admin, mariadb):
    """Factory: create an account with a unique username through
    `mocourts-admin create-admin`; returns an Account with its id. No roles:
    an ordinary account holder."""

    def make(roles=(), scope=None, must_change=False, password=None, email=None,
             prefix="user", complete=True):
        username = f"{prefix}{next(_account_numbers):03d}{secrets.token_hex(2)}"
        email = email or f"{username}@example.test"
        password = password or f"Correct-Horse-{secrets.token_hex(3)}-9x"
        return create_user(admin, mariadb, username, email, password, roles=roles,
                           scope=scope, must_change=must_change, complete=complete)

    return make


@pytest.fixture
def http():
    s = web.new_session()
    yield s
    s.close()


# ---- the error-log check ------------------------------------------------------

_reported = set()   # error-log lines already blamed on a test
CRASH = re.compile(r"AH00052: child pid \d+ exit signal")


@pytest.fixture(scope="session", autouse=True)
def _crash_sweep(tmp_root):
    """At the very end (every Apache stopped, logs still there): a child
    crash that was logged after its test's check still fails the run."""
    yield
    crashes = [f"{ap.error_log}: {line}" for ap in Apache.instances
               for line in ap.error_log_lines()
               if CRASH.search(line) and line not in _reported]
    if crashes:
        pytest.fail("Apache children crashed during the run:\n" + "\n".join(crashes),
                    pytrace=False)


@pytest.fixture(autouse=True)
def _error_log_guard(request):
    """Remember where every Apache's error log ends before the test."""
    request.node.stash[_LOG_OFFSETS] = {ap: ap.error_log_offset() for ap in Apache.instances}
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    offsets = item.stash.get(_LOG_OFFSETS, None)
    if report.when != "call" or offsets is None:
        return
    allowed = [re.compile(p) for m in item.iter_markers("allow_errors") for p in m.args]
    problems = []
    for ap in Apache.instances:
        lines = ap.check_error_log(since=offsets.get(ap, 0))
        _reported.update(lines)   # blamed on this test, allowed or not
        bad = [line for line in lines if not any(p.search(line) for p in allowed)]
        if bad:
            problems.append(f"{ap.error_log}:\n  " + "\n  ".join(bad))
    if report.failed:
        # What every Apache logged during the test, at any level (a 503's
        # cause is a warning): beside the failure, since the files go with
        # the run's temporary folder.
        for ap in Apache.instances:
            lines = ap.error_log_lines(offsets.get(ap, 0))[-40:]
            if lines:
                report.sections.append((f"Apache error log {ap.error_log}", "\n".join(lines)))
    if problems and report.passed:
        report.outcome = "failed"
        report.longrepr = ("Unexpected lines at error level in Apache's error log during "
                           "this test (allow expected ones with "
                           "@pytest.mark.allow_errors(r'...')):\n" + "\n".join(problems))

