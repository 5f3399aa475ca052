"""Browser (Selenium + headless Chromium) fixtures.

    def test_x(browser, apache):            # a fresh Chromium, JavaScript on
        browser.get(apache.url("/account/logon"))

    def test_y(make_browser):               # more than one, or JavaScript off
        b = make_browser(javascript=False)

Every browser gets its own empty profile (a temporary --user-data-dir), so
it is a "new device" for the module, and is quit (profile removed) after
the test, whatever happened. Uses Debian's chromium and chromium-driver
only: no Selenium Manager, no network but loopback.
"""
import shutil
import tempfile

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

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
    "--disable-features=Translate,MediaRouter,OptimizationHints",
    "--password-store=basic",
    "--window-size=1280,900",
    "--lang=en-US",
)


def _new_driver(javascript=True):
    profile = tempfile.mkdtemp(prefix="mocourts-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in CHROMIUM_ARGS:
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
    driver.mc_javascript = javascript
    return driver


def _quit(driver):
    try:
        driver.quit()
    finally:
        shutil.rmtree(driver.mc_profile, ignore_errors=True)


@pytest.fixture
def make_browser():
    """Factory: make_browser(javascript=True) -> a new WebDriver (Chromium,
    fresh profile); all of them are quit after the test."""
    made = []

    def make(javascript=True):
        driver = _new_driver(javascript)
        made.append(driver)
        return driver

    try:
        yield make
    finally:
        errors = []
        for driver in made:
            try:
                _quit(driver)
            except Exception as e:  # noqa: BLE001 - quit the others anyway
                errors.append(e)
        if errors:
            raise errors[0]


@pytest.fixture
def browser(make_browser):
    """A fresh headless Chromium with JavaScript on."""
    return make_browser()
