"""Issue 14, the registration forms in a real browser: the error summary at
the top of a refused form (its heading, each error a link that brings its
field into view), the create-account step indicator, the Forgot Password
breadcrumbs. The page checks (390 px, axe-core, the Nu HTML checker) run on
each page visited, the refused forms included."""
from selenium.webdriver.common.by import By

import mc_pages as ui

SUMMARY = "Please correct the following:"


def _shots(driver, name):
    """tests/artifacts/forms-NAME-1280.png and -390.png, to look at."""
    size = driver.get_window_size()
    for width in (1280, 390):
        driver.set_window_size(width, 900)
        ui.screenshot(driver, f"forms-{name}-{width}.png")
    driver.set_window_size(size["width"], size["height"])


def _follow_error(driver, field_id, starts):
    """The summary's link for field_id: its text starts so; following it
    puts the field in view (the address ends in #field_id)."""
    links = driver.find_elements(By.CSS_SELECTOR, f'main .error a[href="#{field_id}"]')
    assert len(links) == 1 and links[0].text.startswith(starts), ui.page_text(driver)
    box = driver.find_element(By.CSS_SELECTOR, 'main .error[role="alert"]')
    assert box.get_attribute("tabindex") == "-1"
    field = driver.find_element(By.ID, field_id)
    assert field.get_attribute("aria-invalid") == "true"
    links[0].click()
    ui.wait(driver).until(lambda d: d.execute_script("return location.hash") == f"#{field_id}")
    where = driver.execute_script(
        "var r = arguments[0].getBoundingClientRect();"
        "return [r.top, r.bottom, window.innerHeight, window.scrollY]", field)
    assert where[0] > -1 and where[1] < where[2] + 1, (field_id, where)
    # site.js puts the cursor there too.
    ui.wait(driver).until(lambda d: d.execute_script(
        "return document.activeElement && document.activeElement.id") == field_id)


def test_error_summary_steps_and_crumbs(make_browser, make_apache, new_account):
    ap = make_apache(overrides={"MoCourtsNewDeviceCode": "Off"})
    driver = make_browser()

    # Create an account, step 1: the step indicator, then a refusal.
    ui.open_page(driver, ap.url("/registration/create"))
    steps = driver.find_elements(By.CSS_SELECTOR, ".usa-step-indicator__segment")
    assert [s.text.split("\n")[0] for s in steps] == [
        "MOBAR Number", "Username and Password", "Name and E-mail", "Addresses and Phones",
        "Security Questions"], [s.text for s in steps]
    assert steps[0].get_attribute("aria-current") == "true"
    assert "Step 1 of 5." in ui.page_text(driver)
    ui.click(driver, "Continue")
    assert ui.errors(driver)[0].startswith(SUMMARY), ui.errors(driver)
    _shots(driver, "signup-error")
    _follow_error(driver, "mobar", "MOBAR Number:")

    # Forgot Password: Logon > Forgot Password.
    ui.open_page(driver, ap.url("/registration/forgot-password"))
    crumbs = driver.find_element(By.CSS_SELECTOR, "nav.usa-breadcrumb")
    assert crumbs.find_element(By.CSS_SELECTOR, '[aria-current="page"]').text == \
        "Forgot Password"
    _shots(driver, "forgot-password")

    # My Account's addresses: the one error linked to the city.
    acct = new_account()
    ui.open_page(driver, ap.url(ui.LOGON))
    ui.type_into(driver, "Username or e-mail address", acct.username)
    ui.type_into(driver, "Password", acct.password)
    ui.click(driver, "Logon")
    ui.open_page(driver, ap.url("/registration/myaccount/address"))
    ui.field(driver, "Mailing City *").clear()
    ui.click(driver, "Update")
    assert ui.errors(driver) == ["Mailing Address: enter the city."], ui.errors(driver)
    _shots(driver, "address-error")
    _follow_error(driver, "mail_city", "Mailing Address:")
