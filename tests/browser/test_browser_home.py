"""The public home page at the site root (issue 14) in a real browser
(headless Chromium): the litigant-name box on the home page, used with the
keyboard only (Tab to the field, type, Enter), opens the name search's
results; the navigation marks Home as the current page; the footer's Help
link opens the Help page, which marks nothing in the navigation.
"""
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import mc_pages as ui
from harness import util

sys.path.insert(0, str(util.REPO / "tests" / "integration"))
from helpers_casenet import CASENET, seed_case, seed_court, seed_party, unique_tag  # noqa: E402


def current_items(driver):
    return [a.text.strip() for a in
            driver.find_elements(By.CSS_SELECTOR, 'header.site nav a[aria-current="page"]')]


def test_home_page_name_box_by_keyboard_and_footer(browser, apache, mariadb):
    driver = browser
    court = seed_court(mariadb)
    last = "Homebrowse" + unique_tag(5).lower()
    case_id, number = seed_case(mariadb, court, caption=f"{last.upper()} V STATE")
    seed_party(mariadb, case_id, last, first="Ada")

    ui.open_page(driver, apache.url("/"))
    ui.assert_on(driver, "/", "Test Circuit Court")
    ui.assert_layout(driver)
    assert current_items(driver) == ["Home"]
    text = ui.page_text(driver)
    for words in ("Litigant Name", "Judgment Index", "Log On", "Create an account", "eFiling"):
        assert words in text, words
    ui.screenshot(driver, "home.png")

    # Keyboard only: Tab until the litigant-name box has the focus, type, Enter.
    box = ui.field(driver, "Litigant Name: Last Name or Business Name")
    body = driver.find_element(By.TAG_NAME, "body")
    body.click()
    for _ in range(30):
        if driver.switch_to.active_element == box:
            break
        driver.switch_to.active_element.send_keys(Keys.TAB)
    assert driver.switch_to.active_element == box, "Tab never reached the litigant-name box"
    box.send_keys(last)
    ui.leaves_page(driver, lambda: box.send_keys(Keys.ENTER))
    ui.assert_on(driver, f"{CASENET}/search/name", "Case.net: Litigant Name Search")
    assert "1 case(s) found." in ui.page_text(driver)
    assert number in ui.page_text(driver)
    assert current_items(driver) == ["Case.net Search"]

    # The footer's Help page.
    help_link = driver.find_element(By.CSS_SELECTOR, "footer.site nav a[href$='/help']")
    ui.leaves_page(driver, help_link.click)
    ui.assert_on(driver, "/account/help", "Help")
    ui.assert_layout(driver)
    assert current_items(driver) == []
