"""What the webhook tests share (issue 16): a receiver per module, an
endpoint added through My Account -> Webhooks, events raised by the test
plugin whprobe (tests/plugins/whprobe: mc_webhook_emit in a transaction,
as casetrack and efiling do), and the rows of a delivery."""
import json
import re
import secrets

import pytest

from harness.apache import load_test_plugin
from harness.mariadb import sql_quote
from harness.webhook_receiver import WebhookReceiver
from helpers_core import NO_DEVICE, csrf_of, once_of, post_form

PAGE = "/account/webhooks"
WHPROBE_CONF = load_test_plugin("whprobe", "/whprobe")
SITE_OVERRIDES = dict(NO_DEVICE)
SECRET_RE = re.compile(r'<input[^>]*id="webhook-secret"[^>]*value="(whsec_[A-Za-z0-9+/=]+)"')
EVENTS = ("docket.entry.created", "hearing.scheduled", "filing.status.changed")


@pytest.fixture(scope="module")
def rx():
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


def unique_path():
    return f"/hook-{secrets.token_hex(4)}"


def add_endpoint(s, ap, url, events=EVENTS, expect=200):
    """Add an endpoint on the Webhooks page: (response, secret shown or None)."""
    page = s.get(ap.url(PAGE), timeout=30)
    assert page.status_code == 200, page.status_code
    data = {"mc_csrf": csrf_of(page.text), "mc_once": once_of(page.text, PAGE),
            "url": url, "event": list(events)}
    r = s.post(ap.url(PAGE), data=data, timeout=30)
    assert r.status_code == expect, (r.status_code, r.text[:2000])
    m = SECRET_RE.search(r.text)
    return r, m.group(1) if m else None


def endpoint_id(mariadb, account, url):
    return int(mariadb.value(f"SELECT MAX(id) FROM mc_webhook_endpoint WHERE account_id = "
                             f"{account.id} AND url = {sql_quote(url)}"))


def page_action(s, ap, path, expect=303):
    """POST a button's form (delete, rotate, enable) with the page's token."""
    page = s.get(ap.url(PAGE), timeout=30)
    r = post_form(s, ap, path, {"mc_csrf": csrf_of(page.text)})
    assert r.status_code == expect, (r.status_code, r.text[:1500])
    return r


def emit(http, ap, account, event="docket.entry.created", case_ref=None, data=None,
         rollback=False, expect=200, count=1):
    """Raise an event for account through the whprobe plugin (count times
    in one transaction)."""
    fields = {"account": str(account.id), "event": event,
              "data": json.dumps(data if data is not None else {"n": secrets.token_hex(4)}),
              "case_ref": case_ref or ""}
    if rollback:
        fields["rollback"] = "1"
    if count != 1:
        fields["count"] = str(count)
    r = http.post(ap.url("/whprobe/emit"), data=fields, timeout=30)
    assert r.status_code == expect, (r.status_code, r.text[:1000])
    return r


def deliveries(mariadb, endpoint, columns="msg_id, status, attempts"):
    return mariadb.sql(f"SELECT {columns} FROM mc_webhook_delivery WHERE endpoint_id = "
                        f"{int(endpoint)} ORDER BY id")


def due_now(mariadb, where):
    """The deliveries where says due at once, as if their backoff was over."""
    mariadb.sql(f"UPDATE mc_webhook_delivery SET next_attempt_at = UTC_TIMESTAMP() WHERE {where}")
