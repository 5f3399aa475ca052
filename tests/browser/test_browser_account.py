"""Seed 000 steps 10-14 in a real browser (headless Chromium), by labels:

    provisioned account (no profile yet) -> Logon -> Missing Information
      -> "My Account" link -> Update each "Please Update" item
      -> Update Account - Security Questions (the seed's text), three
         answers, current password, Update
      -> (made an attorney) Subscribe next to Electronic Case Filing
      -> User Agreement -> "I acknowledge" -> Continue
      -> My Account shows Subscribed.
"""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import mc_pages as ui

MYACCOUNT = "/registration/myaccount"
SEED_TEXT = ("You may change one or more of your security questions and answers below. "
             "Answers must be at least 3 characters in length. Answers may not contain part of "
             "the question and should be submitted in English. The same answer should not be "
             "provided for more than one question.")
SEED_PW = ("For security purposes, you MUST also enter your current password in order to "
           "change any questions or answers.")


def update_link(driver, label):
    """The Update link on the My Account row labelled label."""
    links = driver.find_elements(By.XPATH, f"//tr[th[normalize-space(.)='{label}']]//a")
    assert len(links) == 1, f"no Update link for {label!r}:\n{ui.page_text(driver)}"
    assert "Please Update" in links[0].find_element(By.XPATH, "ancestor::tr").text
    return links[0]


def follow(driver, element):
    ui.leaves_page(driver, element.click)


def test_missing_information_to_efiling(make_browser, make_apache, new_account, mariadb):
    ap = make_apache(overrides={"MoCourtsNewDeviceCode": "Off"})
    acct = new_account(complete=False)
    driver = make_browser()
    ui.open_page(driver, ap.url(ui.LOGON))
    ui.type_into(driver, "Username or e-mail address", acct.username)
    ui.type_into(driver, "Password", acct.password)
    ui.click(driver, "Logon")

    # Step 10: Missing Information, the My Account link in the middle.
    ui.assert_on(driver, "/registration/missing", "Missing Information")
    ui.assert_layout(driver, username=acct.username)
    assert "Information is missing from your account" in ui.page_text(driver)
    follow(driver, driver.find_element(By.LINK_TEXT, "My Account"))
    ui.assert_on(driver, MYACCOUNT, "My Account")
    assert ui.page_text(driver).count("Please Update") >= 8

    # Step 11: update each "Please Update".
    follow(driver, update_link(driver, "First Name"))
    ui.assert_on(driver, "/registration/myaccount/name", "Update Account - Name")
    ui.type_into(driver, "First Name *", "Agency")
    ui.click(driver, "Update")
    assert ui.errors(driver) == ["Last Name: this field is required."]
    assert ui.field(driver, "First Name *").get_attribute("value") == "Agency"
    ui.type_into(driver, "Last Name *", "test")
    ui.click(driver, "Update")
    ui.assert_on(driver, MYACCOUNT, "My Account")
    assert "Your name was updated." in ui.notices(driver)

    follow(driver, update_link(driver, "Mailing Address"))
    ui.type_into(driver, "Mailing Address Line 1 *", "2112 Industrial Drive")
    ui.type_into(driver, "Mailing City *", "Jefferson City")
    ui.type_into(driver, "Mailing State *", "MO")
    ui.type_into(driver, "Mailing ZIP Code *", "65101")
    ui.field(driver, "Same as mailing address").click()
    ui.click(driver, "Update")
    ui.assert_on(driver, MYACCOUNT, "My Account")

    follow(driver, update_link(driver, "Business Phone"))
    ui.type_into(driver, "Business Phone *", "(573) 526-8842")
    ui.click(driver, "Update")
    ui.assert_on(driver, MYACCOUNT, "My Account")

    # Step 12: the security questions.
    follow(driver, update_link(driver, "Security Question 1"))
    ui.assert_on(driver, "/registration/myaccount/questions",
                 "Update Account - Security Questions")
    text = ui.page_text(driver)
    assert SEED_TEXT in text and SEED_PW in text
    assert "Required fields are denoted by an asterisk(*)" in text
    for i, answer in enumerate(("jess one", "tommy two", "abraham three"), start=1):
        Select(ui.field(driver, f"Question {i} *")).select_by_index(i - 1)
        ui.type_into(driver, f"Answer {i} *", answer)
        ui.type_into(driver, f"Verify Answer {i} *", answer)
    ui.click(driver, "Update")
    assert ui.errors(driver) and ui.errors(driver)[0].startswith("Current Password:")
    assert ui.field(driver, "Answer 2 *").get_attribute("value") == "tommy two"
    ui.type_into(driver, "Current Password *", acct.password)
    ui.click(driver, "Update")
    ui.assert_on(driver, MYACCOUNT, "My Account")
    assert "Please Update" not in ui.page_text(driver)
    assert "What is the first and last name of your all-time favorite musician?" in \
        ui.page_text(driver)

    # Step 13: Subscribe next to Electronic Case Filing (as an attorney).
    mariadb.sql(f"UPDATE mc_reg_profile SET mobar_number = '9{acct.id:06d}', "
                f"mobar_verified_at = UTC_TIMESTAMP() WHERE account_id = {acct.id};"
                f"INSERT IGNORE INTO mc_account_role (account_id, role, scope) VALUES "
                f"({acct.id}, 'attorney', '')")
    ui.open_page(driver, ap.url(MYACCOUNT))
    row = driver.find_element(By.XPATH, "//tr[th[normalize-space(.)='Electronic Case Filing']]")
    follow(driver, row.find_element(By.XPATH, ".//button[normalize-space(.)='Subscribe']"))

    # Step 14: the User Agreement.
    ui.assert_on(driver, "/registration/agreement", "User Agreement")
    ui.click(driver, "Continue")
    assert ui.errors(driver) and "I acknowledge" in ui.errors(driver)[0]
    ui.field(driver, "I acknowledge").click()
    ui.click(driver, "Continue")
    ui.assert_on(driver, MYACCOUNT, "My Account")
    row = driver.find_element(By.XPATH, "//tr[th[normalize-space(.)='Electronic Case Filing']]")
    assert "Subscribed" in row.text
    ui.assert_layout(driver, username=acct.username)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    ui.screenshot(driver, "browser-myaccount.png")
    assert mariadb.value(f"SELECT version FROM mc_reg_agreement WHERE account_id = {acct.id}") \
        == "2024-1"
