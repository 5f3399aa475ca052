"""Browser (Selenium + headless Chromium) fixtures.

    def test_x(browser, apache):            # a fresh Chromium, JavaScript on
        browser.get(apache.url("/account/logon"))

    def test_y(make_browser):               # more than one, or JavaScript off
        b = make_browser(javascript=False)
        c = make_browser(bfcache=True)      # with the back/forward cache (off otherwise)

Every browser a test gets is as good as new: its own profile (a temporary
--user-data-dir) with no cookies, no cache, no stored data and one tab with
no history, so it is a "new device" for the module. Starting Chromium
costs about 4 s of CPU, so a browser that ended a test cleanly is emptied
(_reset: every cookie, the cache and every site's stored data cleared
through the DevTools protocol, a fresh tab, the window's first size) and
kept for the worker's next test; one that failed to empty is quit (profile
removed). A test's browsers are never shared while it runs. Uses Debian's
chromium and chromium-driver only: no Selenium Manager, no network but
loopback.
"""
import shutil
import tempfile
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

import page_checks

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

WINDOW = (1280, 900)
# Browsers kept between tests, per worker and per JavaScript setting.
POOL_SIZE = 2

CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",            # we run as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # No back/forward cache: a page kept alive for Back costs every later
    # navigation (measured: 0.19 -> 0.11-0.16 s of CPU a page load). The
    # one test of Back asks for a browser with it (make_browser(bfcache=True)).
    "--disable-features=Translate,MediaRouter,OptimizationHints,BackForwardCache",
    "--password-store=basic",
    f"--window-size={WINDOW[0]},{WINDOW[1]}",
    "--lang=en-US",
)


def _new_driver(javascript=True, bfcache=False):
    profile = tempfile.mkdtemp(prefix="mocourts-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in CHROMIUM_ARGS:
        if bfcache and arg.startswith("--disable-features="):
            arg = arg.replace(",BackForwardCache", "")
        opts.add_argument(arg)
    opts.add_argument(f"--user-data-dir={profile}")
    prefs = {
        "credentials_enable_service": False,              # no "save password?" bubble
        "profile.password_manager_enabled": False,
        "profile.password_manager_leak_detection": False,
    }
    if not javascript:
        opts.add_argument("--blink-settings=scriptEnabled=false")
        prefs["profile.managed_default_content_settings.javascript"] = 2
    opts.add_experimental_option("prefs", prefs)
    try:
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    except Exception:
        shutil.rmtree(profile, ignore_errors=True)
        raise
    driver.set_page_load_timeout(30)
    driver.mc_profile = profile
    driver.mc_kind = (javascript, bfcache)
    return driver


def _quit(driver):
    try:
        driver.quit()
    finally:
        shutil.rmtree(driver.mc_profile, ignore_errors=True)


def _reset(driver):
    """Make driver as good as new (see the module's notes); raises when it
    cannot (an alert open, a crashed tab...), and the caller quits it."""
    handles = driver.window_handles
    driver.switch_to.window(handles[0])
    driver.switch_to.new_window("tab")
    fresh = driver.current_window_handle
    for h in handles:
        driver.switch_to.window(h)
        driver.close()
    driver.switch_to.window(fresh)
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    origins = set(driver.mc_origins)
    try:
        # Origins reached by links and redirects too (the whole history).
        for entry in driver.execute_cdp_cmd("Page.getNavigationHistory", {})["entries"]:
            origins.add(entry.get("url", ""))
    except Exception:  # noqa: BLE001 - the fresh tab's history is empty anyway
        pass
    for url in origins:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            driver.execute_cdp_cmd("Storage.clearDataForOrigin", {
                "origin": f"{parts.scheme}://{parts.netloc}", "storageTypes": "all"})
    driver.mc_origins.clear()
    left = driver.execute_cdp_cmd("Storage.getCookies", {})["cookies"]
    assert left == [], f"cookies left after clearing: {left}"
    driver.set_window_size(*WINDOW)


class _Pool:
    """The worker's idle browsers: {(javascript, bfcache): [driver, ...]}."""

    def __init__(self):
        self.idle = {}

    def take(self, javascript, bfcache=False):
        kept = self.idle.setdefault((javascript, bfcache), [])
        if kept:
            return kept.pop()
        driver = _new_driver(javascript, bfcache)
        driver.mc_origins = set()
        get = driver.get

        def get_logged(url):
            driver.mc_origins.add(url)
            get(url)
            page_checks.check(driver)

        driver.get = get_logged
        return driver

    def give_back(self, driver, clean):
        """Keep driver for another test when clean and it empties;
        otherwise quit it."""
        kept = self.idle.setdefault(driver.mc_kind, [])
        if clean and len(kept) < POOL_SIZE:
            try:
                _reset(driver)
            except Exception:  # noqa: BLE001 - not reusable: quit it below
                pass
            else:
                kept.append(driver)
                return
        _quit(driver)

    def close(self):
        for drivers in self.idle.values():
            while drivers:
                try:
                    _quit(drivers.pop())
                except Exception:  # noqa: BLE001 - quit the others anyway
                    pass


# The worker's pool (one, made by _browser_pool), for the tear-down hook.
_POOLS = []


@pytest.fixture(scope="session")
def _browser_pool():
    pool = _Pool()
    _POOLS.append(pool)
    try:
        yield pool
    finally:
        pool.close()
        _POOLS.remove(pool)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the worker's last browser test in a row, quit the idle
    browsers instead of keeping them to the end of the session: the tests
    run the browser tests first (tests/conftest.py), and an idle Chromium
    still costs about 0.01 s of CPU a second (on a 2-CPU machine, six
    workers' kept browsers idle through the other tests' ten minutes
    cost more than starting a few again would)."""
    yield
    if nextitem is None or "_browser_pool" not in getattr(nextitem, "fixturenames", ()):
        for pool in _POOLS:
            pool.close()


@pytest.fixture
def make_browser(request, _browser_pool):
    """Factory: make_browser(javascript=True, bfcache=False) -> a WebDriver (Chromium, as
    good as a new profile) for this test alone; after the test each goes
    back to the worker's pool, emptied, or is quit."""
    made = []

    def make(javascript=True, bfcache=False):
        driver = _browser_pool.take(javascript, bfcache)
        made.append(driver)
        return driver

    try:
        yield make
    finally:
        report = getattr(request.node, "mc_call_report", None)
        clean = report is not None and report.passed
        errors = []
        for driver in made:
            try:
                _browser_pool.give_back(driver, clean)
            except Exception as e:  # noqa: BLE001 - hand back the others anyway
                errors.append(e)
        if errors:
            raise errors[0]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.mc_call_report = report


@pytest.fixture
def browser(make_browser):
    """A fresh headless Chromium with JavaScript on."""
    return make_browser()
