"""Seed 001 steps 1-15 in a real browser (headless Chromium), the way a
person does them: fields found by their labels, buttons by their text.

    Logon page -> "Create an account" -> "I do not have a MOBAR number"
    -> Continue -> username and password, the CAPTCHA (a player of the
    spoken phrase is there; the text question "Can't see or hear it?" is
    answered) -> Continue -> names
    and e-mail -> Continue -> addresses and phone -> Continue -> three
    security questions -> Continue -> "eFiling Registration - Additional
    Steps Required" -> Continue -> the log on screen; then the e-mailed
    verification link (seed 002): a page whose button verifies the address.

Screenshots go to tests/artifacts/: browser-signup.png (the CAPTCHA step),
browser-signup-questions.png and browser-signup-done.png.
"""
import re
import secrets

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import mc_pages as ui

CREATE = "Create an account"
DONE = "eFiling Registration \u2013 Additional Steps Required"
WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine".split())}


def _solve(question):
    m = re.search(r"What is (\w+) (plus|minus) (\w+)\?", question)
    assert m, question
    a, b = WORDS[m.group(1)], WORDS[m.group(3)]
    return str(a + b if m.group(2) == "plus" else a - b)


def test_create_account_seed_001(browser, apache, mariadb, smtp):
    username = "br" + secrets.token_hex(4)
    email = f"{username}@example.test"
    password = "Correct-Horse-Battery-9x"

    # Steps 1-3: the Logon page's "Create an account".
    ui.open_page(browser, apache.url("/registration"))
    ui.assert_on(browser, ui.LOGON, "Logon")
    link = browser.find_element(By.LINK_TEXT, CREATE)
    ui.leaves_page(browser, link.click)
    ui.assert_on(browser, "/registration/create", CREATE)
    ui.assert_layout(browser)
    assert ui.stylesheet_applied(browser)

    # Steps 4-5: no MOBAR number (the box's label beside it).
    assert ui.check_labels_beside_boxes(browser) == 1
    box = ui.field(browser, "I do not have a MOBAR number")
    box.click()
    assert box.is_selected()
    ui.click(browser, "Continue")

    # Steps 6-7: username, password and the phrase (the picture cannot be
    # read by a test, nor the recording heard: the text question, offered
    # for an address's first attempts, is answered).
    ui.assert_on(browser, "/registration/create/credentials", CREATE)
    img = browser.find_element(By.CSS_SELECTOR, "img.captcha")
    assert img.get_attribute("alt")
    assert browser.execute_script("return arguments[0].complete && "
                                  "arguments[0].naturalWidth", img) == 240
    ui.type_into(browser, "Username", username)
    ui.type_into(browser, "Password", password)
    ui.type_into(browser, "Verify Password", password)
    assert ui.field(browser, "Enter the phrase that shows in the box")
    # The spoken phrase: a player with its label, which the browser can play.
    audio = browser.find_element(By.CSS_SELECTOR, "audio[controls]")
    label = browser.find_element(By.ID, audio.get_attribute("aria-labelledby"))
    assert "Listen to the same phrase" in label.text
    assert browser.execute_script(
        "return arguments[0].canPlayType('audio/wav') !== ''", audio)
    browser.execute_script("arguments[0].preload = 'auto'; arguments[0].load()", audio)
    seconds = ui.wait(browser).until(lambda d: d.execute_script(
        "var a = arguments[0]; return a.readyState >= 1 && isFinite(a.duration) && a.duration",
        audio))
    assert 4 < seconds < 30, seconds
    browser.find_element(By.XPATH, "//summary[normalize-space(.)=\"Can't see or hear it?\"]").click()
    question = browser.find_element(By.ID, "captcha_question").text
    ui.type_into(browser, "Answer to the question", _solve(question))
    ui.screenshot(browser, "browser-signup.png")
    ui.click(browser, "Continue")

    # Steps 8-9: names and e-mail address.
    ui.assert_on(browser, "/registration/create/name", CREATE)
    assert not ui.errors(browser), ui.errors(browser)
    ui.type_into(browser, "First Name", "Gloria")
    ui.type_into(browser, "Last Name", "Grouper")
    ui.type_into(browser, "E-mail Address", email)
    ui.type_into(browser, "Verify E-mail Address", email)
    ui.click(browser, "Continue")

    # Steps 10-11: mailing and billing address, phone.
    ui.assert_on(browser, "/registration/create/address", CREATE)
    assert not ui.errors(browser), ui.errors(browser)
    ui.type_into(browser, "Mailing Address Line 1", "2112 Industrial Drive")
    ui.type_into(browser, "Mailing Address City", "Jefferson City")
    ui.type_into(browser, "Mailing Address State", "MO")
    ui.type_into(browser, "Mailing Address ZIP Code", "65101")
    assert ui.field(browser, "Mailing Address Country").get_attribute("value") == "United States"
    assert ui.check_labels_beside_boxes(browser) == 1      # "Same as mailing address"
    ui.field(browser, "Same as mailing address").click()
    ui.type_into(browser, "Business Phone", "(573) 526-8842")
    ui.click(browser, "Continue")

    # Step 12: three security questions.
    ui.assert_on(browser, "/registration/create/questions", CREATE)
    assert not ui.errors(browser), ui.errors(browser)
    assert "Answers must be at least 3 characters in length." in ui.page_text(browser)
    chosen = [Select(ui.field(browser, f"Question {i}")).first_selected_option.text
              for i in (1, 2, 3)]
    assert len(set(chosen)) == 3, chosen
    for i, answer in enumerate(("zeppelin rocks", "grace kelly", "abraham lincoln"), 1):
        ui.type_into(browser, f"Answer {i}", answer)
        ui.type_into(browser, f"Verify Answer {i}", answer)
    ui.screenshot(browser, "browser-signup-questions.png")
    ui.click(browser, "Continue")

    # Steps 13-15.
    ui.assert_on(browser, "/registration/create/done", DONE)
    assert "verify your e-mail address" in ui.page_text(browser).lower()
    ui.screenshot(browser, "browser-signup-done.png")
    ui.click(browser, "Continue")
    ui.assert_on(browser, ui.LOGON, "Logon")
    status = f"SELECT status FROM mc_account WHERE username = '{username}'"
    assert mariadb.value(status) == "pending"

    # The e-mailed link opens a page (opening it verifies nothing); its one
    # button verifies the address.
    mail = smtp.wait_for(to=email, subject="Verify your e-mail address", timeout=20)
    link = re.search(r"https?://\S+(/registration/verify/[A-Za-z0-9_-]{43})", mail.body)
    assert link, mail.body
    ui.open_page(browser, link.group(0))
    ui.assert_on(browser, link.group(1), "Verify Your E-mail Address")
    assert mariadb.value(status) == "pending"
    ui.click(browser, "Verify E-mail Address")
    ui.assert_on(browser, link.group(1), "E-mail Address Verified")
    assert "Your e-mail address has been verified." in ui.page_text(browser)
    assert mariadb.value(status) == "active"
