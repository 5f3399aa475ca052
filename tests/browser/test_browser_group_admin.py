"""Seed 000 steps 13-15 onwards in a real browser (headless Chromium):

    a group administrator (profile complete, not yet subscribed) logs on
      -> My Account -> Subscribe next to Electronic Case Filing
      -> User Agreement -> "I acknowledge" -> Continue
      -> directed to the Group Administrator Menu (step 15), and there again
         at the next logon
      -> My Preferences -> changes the Group PIN (New PIN, Verify PIN)
      -> Group Maintenance -> searches -> DISABLE a user -> Are you sure? -> Confirm
      -> the user shows DISABLED.
"""
import secrets

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import mc_pages as ui

AGREEMENT_VERSION = "2024-1"   # MC_REG_AGREEMENT_VERSION, plugins/registration/registration.h
MYACCOUNT = "/registration/myaccount"


def q(s):
    return "'" + str(s).replace("\\", "\\\\").replace("'", "\\'") + "'"


def add_member(mariadb, gid, account, admin=False, first="Test", last="User"):
    mariadb.sql(f"INSERT INTO mc_group_member (account_id, group_id, is_admin, status, "
                f"status_date, joined_at) VALUES ({account.id}, {gid}, {1 if admin else 0}, "
                f"'active', '2014-09-09 11:17:59', UTC_TIMESTAMP());"
                f"INSERT IGNORE INTO mc_account_role (account_id, role, scope, granted_at) "
                f"VALUES ({account.id}, '{'group_admin' if admin else 'group_user'}', "
                f"'{gid}', UTC_TIMESTAMP());"
                f"UPDATE mc_account SET first_name = {q(first)}, last_name = {q(last)} "
                f"WHERE id = {account.id}")


def test_group_admin_menu_to_disable(make_browser, make_apache, new_account, mariadb, smtp):
    ap = make_apache(overrides={"MoCourtsNewDeviceCode": "Off"})
    name = f"Browser Firm {secrets.token_hex(3)}"
    mariadb.sql("INSERT INTO mc_group (name, kind, pin_hash, pin_changed_at, assoc_key, "
                f"created_at) VALUES ({q(name)}, 'firm', '!', UTC_TIMESTAMP(), "
                f"{q(secrets.token_urlsafe(16)[:22])}, UTC_TIMESTAMP())")
    gid = int(mariadb.value(f"SELECT id FROM mc_group WHERE name = {q(name)}"))
    adm = new_account(prefix="testadmin")
    add_member(mariadb, gid, adm, admin=True, first="Test", last="Admin")
    user = new_account(prefix="testuser")
    add_member(mariadb, gid, user, first="Test", last=f"User{user.id}")

    driver = make_browser()
    ui.open_page(driver, ap.url(ui.LOGON))
    ui.type_into(driver, "Username or e-mail address", adm.username)
    ui.type_into(driver, "Password", adm.password)
    ui.click(driver, "Logon")

    # Step 13: My Account, Subscribe next to Electronic Case Filing.
    ui.leaves_page(driver, driver.find_element(By.LINK_TEXT, "My Account").click)
    ui.assert_on(driver, MYACCOUNT, "My Account")
    row = driver.find_element(By.XPATH, "//tr[th[normalize-space(.)='Electronic Case Filing']]")
    ui.leaves_page(driver,
                   row.find_element(By.XPATH, ".//button[normalize-space(.)='Subscribe']").click)

    # Step 14: the User Agreement, "I acknowledge", Continue.
    ui.assert_on(driver, "/registration/agreement", "User Agreement")
    ui.field(driver, "I acknowledge").click()
    ui.click(driver, "Continue")

    # Step 15: "directed to the Group Administrator Menu".
    ui.assert_on(driver, "/groups/admin", "Group Administrator Menu")
    assert mariadb.value(f"SELECT version FROM mc_reg_agreement WHERE account_id = {adm.id}") \
        == AGREEMENT_VERSION
    # And there again at the next logon.
    ui.click(driver, "Logoff")
    ui.assert_on(driver, ui.LOGON, "Logon")
    ui.type_into(driver, "Username or e-mail address", adm.username)
    ui.type_into(driver, "Password", adm.password)
    ui.click(driver, "Logon")
    ui.assert_on(driver, "/groups/admin", "Group Administrator Menu")
    ui.assert_layout(driver, username=adm.username)
    text = ui.page_text(driver)
    assert ("As group administrator you will be automatically carbon copied on any e-mails "
            "sent to your group users by the court.") in text
    assert "/groups/join/" in text

    # My Preferences: change the Group PIN.
    ui.leaves_page(driver, driver.find_element(By.LINK_TEXT, "My Preferences").click)
    ui.assert_on(driver, "/groups/admin/preferences", "My Preferences")
    assert ("The Group PIN number is required for users to join your group. The PIN number can "
            "be updated.") in ui.page_text(driver)
    ui.type_into(driver, "New PIN", "Firm2024")
    ui.type_into(driver, "Verify PIN", "Firm2025")
    ui.click(driver, "Change Group PIN")
    assert ui.errors(driver) == ["New PIN and Verify PIN do not match."]
    ui.type_into(driver, "New PIN", "Firm2024")
    ui.type_into(driver, "Verify PIN", "Firm2024")
    ui.click(driver, "Change Group PIN")
    ui.assert_on(driver, "/groups/admin/preferences", "My Preferences")
    assert any("The Group PIN was changed" in n for n in ui.notices(driver))
    assert "Firm2024" not in driver.page_source
    assert mariadb.value(f"SELECT pin_hash <> '!' FROM mc_group WHERE id = {gid}") == "1"

    # Group Maintenance: search, then DISABLE with confirmation.
    ui.leaves_page(driver, driver.find_element(By.LINK_TEXT, "Group Administrator Menu").click)
    ui.leaves_page(driver, driver.find_element(By.LINK_TEXT, "Group Maintenance").click)
    ui.assert_on(driver, "/groups/admin/members", "Group Maintenance")
    assert "Enter values in one or more fields below to narrow your search results." in \
        ui.page_text(driver)
    ui.type_into(driver, "Last Name", f"user{user.id}")
    Select(ui.field(driver, "Status")).select_by_visible_text("ACTIVE")
    ui.click(driver, "Search")
    text = ui.page_text(driver)
    assert f"Displaying 1 records for {adm.username}" in text
    row = driver.find_element(By.XPATH, f"//tr[td[normalize-space(.)='{user.username}']]")
    assert "09/09/2014 11:17:59 AM" in row.text and "ACTIVE" in row.text
    ui.leaves_page(driver, row.find_element(By.LINK_TEXT, "DISABLE").click)
    ui.assert_on(driver, f"/groups/admin/members/{user.id}/disable", "Please Confirm")
    assert f"Are you sure you want to disable the user {user.username}" in ui.page_text(driver)
    ui.click(driver, "Confirm")
    ui.assert_on(driver, "/groups/admin/members", "Group Maintenance")
    assert any("The user was disabled" in n for n in ui.notices(driver))
    row = driver.find_element(By.XPATH, f"//tr[td[normalize-space(.)='{user.username}']]")
    assert "DISABLED" in row.text and "ACTIVATE" in row.text
    assert mariadb.value(f"SELECT status FROM mc_group_member WHERE account_id = {user.id}") \
        == "disabled"
    driver.execute_script("document.getElementById('displaying').scrollIntoView()")
    ui.screenshot(driver, "browser-group-admin.png")
