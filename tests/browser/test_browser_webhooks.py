"""My Account's Webhooks page (issue 16) in a real browser, by its labels:
My Account -> "Webhooks" -> an http URL that is not loopback refused (the
error summary) -> a loopback URL with two events -> Add Endpoint (the
secret shown once in a read-only field) -> the endpoint's Deliveries page
(a delivered and a failing delivery with their attempts) -> New secret ->
Delete. Each page goes through page_checks (axe-core, the Nu HTML checker,
390 px and 320 px)."""
import sys

from selenium.webdriver.common.by import By

import mc_pages as ui
from harness import util

sys.path.insert(0, str(util.REPO / "tests" / "integration"))
from helpers_core import account_browser  # noqa: E402


def _deliveries(mariadb, ep):
    """A delivered delivery (one attempt, 200) and a failing one (two
    attempts: 500, then no answer), written as the worker writes them."""
    mariadb.sql(
        "INSERT INTO mc_webhook_delivery (msg_id, endpoint_id, event, case_ref, payload, status, "
        "attempts, created_at, next_attempt_at, delivered_at) VALUES "
        f"('msg_browser{ep}a', {ep}, 'docket.entry.created', '22AB-CV00077', '{{}}', 'delivered', "
        "1, UTC_TIMESTAMP(), UTC_TIMESTAMP(), UTC_TIMESTAMP()), "
        f"('msg_browser{ep}b', {ep}, 'hearing.scheduled', NULL, '{{}}', 'retrying', 2, "
        "UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL 60 SECOND, NULL)")
    mariadb.sql(
        "INSERT INTO mc_webhook_attempt (delivery_id, at, http_status, error, duration_ms) "
        f"SELECT id, UTC_TIMESTAMP(), 200, NULL, 12 FROM mc_webhook_delivery WHERE msg_id = "
        f"'msg_browser{ep}a' UNION ALL SELECT id, UTC_TIMESTAMP(), 500, 'HTTP 500', 40 FROM "
        f"mc_webhook_delivery WHERE msg_id = 'msg_browser{ep}b' UNION ALL SELECT id, "
        "UTC_TIMESTAMP(), NULL, 'Failed to connect to 127.0.0.1 port 9: Connection refused', 1 "
        f"FROM mc_webhook_delivery WHERE msg_id = 'msg_browser{ep}b'")


def test_webhooks_page(make_browser, apache, new_account, smtp, mariadb):
    ap = apache
    session, acct = account_browser(ap, new_account, smtp, prefix="whb")
    driver = make_browser()
    ui.open_page(driver, ap.url("/account/help"))
    for c in session.cookies:
        driver.add_cookie({"name": c.name, "value": c.value, "path": c.path or "/"})

    ui.open_page(driver, ap.url("/registration/myaccount"))
    ui.leaves_page(driver, driver.find_element(By.LINK_TEXT, "Webhooks").click)
    ui.assert_on(driver, "/account/webhooks", "Webhooks")
    assert "You have no webhook endpoints yet." in ui.page_text(driver)

    ui.type_into(driver, "Endpoint URL", "http://example.com/hook")
    ui.field(driver, "A docket entry is added to a case you track (docket.entry.created)").click()
    ui.click(driver, "Add Endpoint")
    assert any("must start with https://" in e for e in ui.errors(driver)), ui.errors(driver)

    url = "http://127.0.0.1:9/court-hook"
    box = ui.field(driver, "Endpoint URL")
    box.clear()
    ui.type_into(driver, "Endpoint URL", url)
    ticked = ui.field(driver, "A docket entry is added to a case you track (docket.entry.created)")
    assert ticked.is_selected(), "the ticked event is kept after an error"
    ui.field(driver, "A hearing is scheduled in a case you track (hearing.scheduled)").click()
    ui.click(driver, "Add Endpoint")
    ui.assert_on(driver, "/account/webhooks", "Webhooks")
    secret = ui.field(driver, "Signing secret")
    assert secret.get_attribute("readonly") is not None
    value = secret.get_attribute("value")
    assert value.startswith("whsec_") and len(value) == 50
    row = driver.find_element(By.XPATH, f"//tr[th[normalize-space(.)='{url}']]")
    assert "docket.entry.created; hearing.scheduled" in row.text and "Active" in row.text

    ep = int(mariadb.value(f"SELECT id FROM mc_webhook_endpoint WHERE account_id = {acct.id}"))
    _deliveries(mariadb, ep)
    ui.open_page(driver, ap.url("/account/webhooks"))
    assert value not in driver.page_source, "the secret is shown only once"
    row = driver.find_element(By.XPATH, f"//tr[th[normalize-space(.)='{url}']]")
    ui.leaves_page(driver, row.find_element(By.PARTIAL_LINK_TEXT, "Deliveries").click)
    ui.assert_on(driver, f"/account/webhooks/{ep}", "Webhook Endpoint")
    text = ui.page_text(driver)
    for expected in ("HTTP 200", "HTTP 500", "No response", "Connection refused", "Delivered",
                     "Retrying", f"msg_browser{ep}a", "22AB-CV00077"):
        assert expected in text, expected

    ui.open_page(driver, ap.url("/account/webhooks"))
    row = driver.find_element(By.XPATH, f"//tr[th[normalize-space(.)='{url}']]")
    ui.leaves_page(driver, row.find_element(By.XPATH, ".//button[starts-with(normalize-space(.), "
                                                      "'New secret')]").click)
    fresh = ui.field(driver, "Signing secret").get_attribute("value")
    assert fresh.startswith("whsec_") and fresh != value

    ui.open_page(driver, ap.url("/account/webhooks"))
    row = driver.find_element(By.XPATH, f"//tr[th[normalize-space(.)='{url}']]")
    ui.leaves_page(driver, row.find_element(By.XPATH, ".//button[starts-with(normalize-space(.), "
                                                      "'Delete')]").click)
    assert "The endpoint was deleted." in " ".join(ui.notices(driver))
    assert "You have no webhook endpoints yet." in ui.page_text(driver)
