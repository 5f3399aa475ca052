"""Webhooks, end to end (issue 16): an endpoint added under My Account ->
Webhooks receives the events it subscribed to, signed per Standard
Webhooks (checked by the receiver, tests/harness/webhook_receiver.py,
which recomputes the HMAC), from the delivery worker (the site's watchdog,
and `mocourts-admin deliver`); a failed delivery is retried with backoff,
each attempt logged; a delivery goes once however many workers run; an
endpoint failing for 24 hours is disabled and its owner e-mailed; a case
that became confidential has nothing more sent. Time is moved by SQL
(next_attempt_at, created_at, failing_since), never slept through."""
import datetime
import json
import secrets
import subprocess

from harness.admin import Admin
from harness.mariadb import sql_quote
from helpers_core import account_browser, audited, count_rows, module_site, plain, site
from helpers_webhooks import (SITE_OVERRIDES, WHPROBE_CONF, add_endpoint, deliveries, due_now,
                              emit, endpoint_id, rx, unique_path)

ap = module_site("webhooks", SITE_OVERRIDES, extra_conf=WHPROBE_CONF)
__all__ = ["rx"]   # the receiver fixture, used by the tests below


def _endpoint(ap, new_account, smtp, rx, mariadb, events=("docket.entry.created",)):
    """A logged-on account with one endpoint at a fresh path of rx:
    (browser, account, path, endpoint id, secret)."""
    s, acct = account_browser(ap, new_account, smtp)
    path = unique_path()
    _, secret = add_endpoint(s, ap, rx.url(path), events)
    assert secret and secret.startswith("whsec_"), "the secret is shown once, on adding"
    rx.set_secret(path, secret)
    return s, acct, path, endpoint_id(mariadb, acct, rx.url(path)), secret


def test_delivery_is_signed(ap, new_account, smtp, rx, http, mariadb):
    s, acct, path, ep, secret = _endpoint(ap, new_account, smtp, rx, mariadb)
    data = {"case_number": "22AB-CV00123", "entry": {"text": "Order \u00e9crit", "n": 3}}
    emit(http, ap, acct, "docket.entry.created", "22AB-CV00123", data)
    hit = rx.wait_for(path)[0]
    assert hit.method == "POST"
    assert hit.valid is True, hit.headers
    assert hit.headers["content-type"] == "application/json"
    assert hit.json["type"] == "docket.entry.created"
    assert hit.json["data"] == data
    stamp = datetime.datetime.strptime(hit.json["timestamp"], "%Y-%m-%dT%H:%M:%SZ")
    assert abs((datetime.datetime.utcnow() - stamp).total_seconds()) < 120
    msg_id = hit.headers["webhook-id"]
    assert msg_id.startswith("msg_")
    rows = mariadb.wait_for(f"SELECT msg_id, status, attempts FROM mc_webhook_delivery WHERE "
                            f"endpoint_id = {ep}", lambda r: r and r[0][1] == "delivered")
    assert rows == [(msg_id, "delivered", "1")]
    # The signature covers the body: another body with the same headers fails.
    from harness.webhook_receiver import signature_valid
    assert not signature_valid(secret, hit.headers, hit.body + b" ")
    assert not signature_valid("whsec_" + "A" * 44, hit.headers, hit.body)
    s.close()


def test_only_subscribed_events_and_committed_ones(ap, new_account, smtp, rx, http, mariadb):
    s, acct, path, ep, _ = _endpoint(ap, new_account, smtp, rx, mariadb, events=("hearing.scheduled",))
    emit(http, ap, acct, "docket.entry.created", "22AB-CV00001")
    emit(http, ap, acct, "hearing.scheduled", "22AB-CV00002", rollback=True)
    assert count_rows(mariadb, "mc_webhook_delivery", f"endpoint_id = {ep}") == 0
    emit(http, ap, acct, "hearing.scheduled", "22AB-CV00003", {"hearing": 1})
    hits = rx.wait_for(path)
    assert [h.json["type"] for h in hits] == ["hearing.scheduled"]
    assert hits[0].json["data"] == {"hearing": 1}
    # An unknown event and data that is no JSON object are refused.
    emit(http, ap, acct, "case.deleted", expect=400)
    r = http.post(ap.url("/whprobe/emit"), data={"account": str(acct.id),
                                                 "event": "hearing.scheduled", "data": "[1]"},
                  timeout=30)
    assert r.status_code == 400
    s.close()


def test_retries_with_backoff_each_attempt_logged(ap, new_account, smtp, rx, http, mariadb):
    s, acct, path, ep, _ = _endpoint(ap, new_account, smtp, rx, mariadb)
    rx.fail(path, times=2, status=500)
    emit(http, ap, acct, case_ref="22AB-CV00010")
    first = rx.wait_for(path, 1)[0]
    assert first.status == 500 and first.valid
    # The wait after each failure: from the attempt logged to the next one due.
    backoff = (f"SELECT d.status, d.attempts, TIMESTAMPDIFF(SECOND, MAX(a.at), "
               f"d.next_attempt_at), d.last_error FROM mc_webhook_delivery d JOIN "
               f"mc_webhook_attempt a ON a.delivery_id = d.id WHERE d.endpoint_id = {ep} "
               f"GROUP BY d.id")
    rows = mariadb.wait_for(backoff, lambda r: r and r[0][0] == "retrying")
    status, attempts, wait, last_error = rows[0]
    assert attempts == "1" and last_error == "HTTP 500"
    assert 4 <= int(wait) <= 6, "the first retry waits 5 seconds"
    due_now(mariadb, f"endpoint_id = {ep}")
    rx.wait_for(path, 2)
    rows = mariadb.wait_for(backoff, lambda r: r and r[0][0] == "retrying" and r[0][1] == "2")
    assert 59 <= int(rows[0][2]) <= 61, "the second retry waits a minute"
    due_now(mariadb, f"endpoint_id = {ep}")
    hits = rx.wait_for(path, 3)
    assert [h.status for h in hits] == [500, 500, 200]
    assert len({h.headers["webhook-id"] for h in hits}) == 1, "the same webhook-id every time"
    assert len({h.body for h in hits}) == 1, "the same body every time"
    assert all(h.valid for h in hits)
    mariadb.wait_for(f"SELECT status FROM mc_webhook_delivery WHERE endpoint_id = {ep}",
                     lambda r: r == [("delivered",)])
    attempts = mariadb.sql(
        f"SELECT a.http_status, a.error, a.duration_ms >= 0 FROM mc_webhook_attempt a JOIN "
        f"mc_webhook_delivery d ON d.id = a.delivery_id WHERE d.endpoint_id = {ep} ORDER BY a.id")
    assert attempts == [("500", "HTTP 500", "1"), ("500", "HTTP 500", "1"), ("200", None, "1")]
    # The attempts are shown to the owner, with their status codes.
    page = s.get(ap.url(f"/account/webhooks/{ep}"), timeout=30)
    assert page.status_code == 200
    text = plain(page.text)
    assert text.count("HTTP 500") == 2 and text.count("HTTP 200") == 1, text
    assert hits[0].headers["webhook-id"] in text
    assert "Delivered" in text
    s.close()


def test_unreachable_endpoint_is_an_attempt_too(ap, new_account, smtp, rx, http, mariadb):
    """No HTTP answer (connection refused): logged with the error, retried."""
    from harness import util
    s, acct = account_browser(ap, new_account, smtp)
    url = f"http://127.0.0.1:{util.free_port()}/nobody"
    add_endpoint(s, ap, url, ("filing.status.changed",))
    ep = endpoint_id(mariadb, acct, url)
    emit(http, ap, acct, "filing.status.changed")
    rows = mariadb.wait_for(
        f"SELECT a.http_status, a.error FROM mc_webhook_attempt a JOIN mc_webhook_delivery d "
        f"ON d.id = a.delivery_id WHERE d.endpoint_id = {ep}", bool)
    assert rows[0][0] is None and rows[0][1], rows
    assert deliveries(mariadb, ep, "status")[0][0] == "retrying"
    text = plain(s.get(ap.url(f"/account/webhooks/{ep}"), timeout=30).text)
    assert "No response" in text and "Failing" in text
    s.close()


def test_private_addresses_refused(ap, new_account, smtp, rx, http, mariadb):
    """An https endpoint must be a public address (no way into the court's
    network), an http one a loopback address: checked where curl connects."""
    s, acct = account_browser(ap, new_account, smtp)
    urls = ("https://10.255.255.1/hook", f"https://127.0.0.1:{rx.port}/tls",
            "https://[fd00::1]/hook", "https://169.254.169.254/latest/meta-data")
    for url in urls:
        add_endpoint(s, ap, url, ("hearing.scheduled",))
    emit(http, ap, acct, "hearing.scheduled")
    rows = mariadb.wait_for(
        f"SELECT e.url, a.http_status, a.error FROM mc_webhook_attempt a JOIN mc_webhook_delivery "
        f"d ON d.id = a.delivery_id JOIN mc_webhook_endpoint e ON e.id = d.endpoint_id WHERE "
        f"e.account_id = {acct.id} ORDER BY e.id", lambda r: len(r) == len(urls))
    assert rows == [(url, None, "the endpoint's address is not a public one") for url in urls]
    assert not rx.hits("/tls")
    s.close()


def test_redirect_not_followed_and_10s_timeout(ap, new_account, smtp, rx, http, mariadb):
    """A redirect is an answer that is not 2xx (its target gets nothing); an
    endpoint that takes longer than 10 seconds is a failed attempt."""
    s, acct, path, ep, _ = _endpoint(ap, new_account, smtp, rx, mariadb)
    target = unique_path()
    rx.fail(path, status=307, location=rx.url(target))
    emit(http, ap, acct)
    rows = mariadb.wait_for(
        f"SELECT a.http_status, a.error FROM mc_webhook_attempt a JOIN mc_webhook_delivery d ON "
        f"d.id = a.delivery_id WHERE d.endpoint_id = {ep}", bool)
    assert rows == [("307", "HTTP 307")]
    assert not rx.hits(target)
    slow = unique_path()
    _, secret = add_endpoint(s, ap, rx.url(slow))
    rx.delay(slow, 12)
    slow_ep = endpoint_id(mariadb, acct, rx.url(slow))
    emit(http, ap, acct)
    rows = mariadb.wait_for(
        f"SELECT a.http_status, a.error, a.duration_ms FROM mc_webhook_attempt a JOIN "
        f"mc_webhook_delivery d ON d.id = a.delivery_id WHERE d.endpoint_id = {slow_ep}", bool,
        timeout=30)
    status, error, ms = rows[0]
    assert status is None and "timed out" in error, rows
    assert 9500 <= int(ms) <= 12000, ms
    # No retry of it may hold the module's later tests' rounds for 10 s.
    mariadb.sql(f"DELETE FROM mc_webhook_endpoint WHERE id = {slow_ep}")
    rx.succeed(path)
    s.close()


def test_gives_up_after_24_hours(ap, new_account, smtp, rx, http, mariadb):
    s, acct, path, ep, _ = _endpoint(ap, new_account, smtp, rx, mariadb)
    rx.fail(path, status=503)
    emit(http, ap, acct)
    rx.wait_for(path, 1)
    mariadb.wait_for(f"SELECT status FROM mc_webhook_delivery WHERE endpoint_id = {ep}",
                     lambda r: r == [("retrying",)])
    # Queued 25 hours ago: the next failure is its last.
    mariadb.sql(f"UPDATE mc_webhook_delivery SET created_at = UTC_TIMESTAMP() - INTERVAL 25 HOUR "
                f"WHERE endpoint_id = {ep}")
    due_now(mariadb, f"endpoint_id = {ep}")
    rx.wait_for(path, 2)
    rows = mariadb.wait_for(f"SELECT status, attempts, last_error FROM mc_webhook_delivery "
                            f"WHERE endpoint_id = {ep}", lambda r: r and r[0][0] == "failed")
    assert rows == [("failed", "2", "HTTP 503")]
    rx.succeed(path)
    s.close()


def test_endpoint_disabled_after_24_hours_failing(ap, new_account, smtp, rx, http, mariadb):
    s, acct, path, ep, _ = _endpoint(ap, new_account, smtp, rx, mariadb)
    rx.fail(path, status=500)
    emit(http, ap, acct)
    emit(http, ap, acct)
    rx.wait_for(path, 2)
    rows = mariadb.wait_for(f"SELECT enabled, failing_since IS NOT NULL FROM mc_webhook_endpoint "
                            f"WHERE id = {ep}", lambda r: r == [("1", "1")])
    # Failing for 25 hours: the next failed attempt disables it.
    mariadb.sql(f"UPDATE mc_webhook_endpoint SET failing_since = UTC_TIMESTAMP() - INTERVAL 25 "
                f"HOUR WHERE id = {ep}")
    due_now(mariadb, f"endpoint_id = {ep} AND status = 'retrying'")
    rows = mariadb.wait_for(f"SELECT enabled, disabled_at IS NOT NULL FROM mc_webhook_endpoint "
                            f"WHERE id = {ep}", lambda r: r == [("0", "1")], timeout=20)
    mail = smtp.wait_for(to=acct.email, subject="Webhook endpoint disabled", timeout=20)
    assert rx.url(path) in mail.body
    assert "/account/webhooks" in mail.body
    assert audited(mariadb, "webhook-disabled", account_id=acct.id) == 1
    # Its waiting deliveries were dropped; nothing new is queued for it.
    assert {r[0] for r in deliveries(mariadb, ep, "status")} == {"failed"}
    emit(http, ap, acct)
    assert count_rows(mariadb, "mc_webhook_delivery", f"endpoint_id = {ep}") == 2
    text = plain(s.get(ap.url("/account/webhooks"), timeout=30).text)
    assert "Disabled on" in text
    # Enabled again by its owner, it receives the next event.
    from helpers_webhooks import page_action
    rx.succeed(path)
    page_action(s, ap, f"/account/webhooks/{ep}/enable")
    assert audited(mariadb, "webhook-enabled", account_id=acct.id) == 1
    assert mariadb.sql(f"SELECT enabled, failing_since, disabled_at FROM mc_webhook_endpoint "
                       f"WHERE id = {ep}") == [("1", None, None)]
    before = len(rx.hits(path))
    emit(http, ap, acct, data={"again": True})
    hit = rx.wait_for(path, before + 1)[-1]
    assert hit.status == 200 and hit.json["data"] == {"again": True}
    assert len(smtp.find(to=acct.email, subject="Webhook endpoint disabled")) == 1
    s.close()


def test_confidential_case_dropped(ap, new_account, smtp, rx, http, mariadb):
    s, acct, path, ep, _ = _endpoint(ap, new_account, smtp, rx, mariadb)
    rx.fail(path, status=500)
    emit(http, ap, acct, case_ref="22SECRET-01", data={"secret": 1})
    rx.wait_for(path, 1)
    mariadb.wait_for(f"SELECT status FROM mc_webhook_delivery WHERE endpoint_id = {ep}",
                     lambda r: r == [("retrying",)])
    r = http.post(ap.url("/whprobe/drop"), data={"case_ref": "22SECRET-01"}, timeout=30)
    assert r.status_code == 200
    assert count_rows(mariadb, "mc_webhook_delivery", "case_ref = '22SECRET-01'") == 0
    assert count_rows(mariadb, "mc_webhook_attempt a JOIN mc_webhook_delivery d ON "
                      "d.id = a.delivery_id", f"d.endpoint_id = {ep}") == 0
    rx.succeed(path)
    emit(http, ap, acct, case_ref="22OTHER-02", data={"other": 1})
    hits = rx.wait_for(path, 2)
    assert [h.json["data"] for h in hits] == [{"secret": 1}, {"other": 1}]
    assert [h.status for h in hits] == [500, 200], "the dropped one was never sent again"
    s.close()


def test_each_delivery_once_with_two_workers(make_apache, new_account, smtp, rx, mariadb):
    """Forty events delivered by two `mocourts-admin deliver` processes at
    once (each with two worker processes) on a site whose own watchdog is
    off, beside the module site's watchdog on the same database: every
    delivery arrives exactly once."""
    quiet = site(make_apache, overrides={**SITE_OVERRIDES, "MoCourtsDelivery": "Off"},
                 extra_conf=WHPROBE_CONF)
    s, acct = account_browser(quiet, new_account, smtp)
    path = unique_path()
    _, secret = add_endpoint(s, quiet, rx.url(path))
    rx.set_secret(path, secret)
    rx.delay(path, 0.05)
    ep = endpoint_id(mariadb, acct, rx.url(path))
    http = s
    for i in range(40):
        emit(http, quiet, acct, data={"i": i})
    assert count_rows(mariadb, "mc_webhook_delivery", f"endpoint_id = {ep}") == 40
    admin = Admin(quiet.mocourts_conf)
    cmd = [str(admin.binary), "-c", str(admin.conf), "deliver", "--once", "--workers", "2"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    hits = rx.wait_for(path, 40)
    ids = [h.headers["webhook-id"] for h in hits]
    assert len(ids) == 40 and len(set(ids)) == 40, "each delivery exactly once"
    assert sorted(h.json["data"]["i"] for h in hits) == list(range(40))
    assert all(h.valid for h in hits)
    assert deliveries(mariadb, ep, "DISTINCT status, attempts") == [("delivered", "1")]
    assert count_rows(mariadb, "mc_webhook_attempt a JOIN mc_webhook_delivery d ON "
                      "d.id = a.delivery_id", f"d.endpoint_id = {ep}") == 40
    s.close()


def test_body_is_json_of_the_event(ap, new_account, smtp, rx, http, mariadb):
    """The body is exactly {"type","timestamp","data"} (no other field)."""
    s, acct, path, _, _ = _endpoint(ap, new_account, smtp, rx, mariadb)
    emit(http, ap, acct, data={"a": [1, 2, {"b": None}]})
    hit = rx.wait_for(path)[0]
    assert set(json.loads(hit.body)) == {"type", "timestamp", "data"}
    assert hit.json["data"] == {"a": [1, 2, {"b": None}]}
    s.close()


def tried_once_of_three(mariadb, ep):
    """Once the round is over: one attempt at endpoint ep's three deliveries,
    the other two back for 5 seconds with no attempt counted."""
    rows = mariadb.wait_for(
        f"SELECT status, attempts, next_attempt_at > UTC_TIMESTAMP() FROM mc_webhook_delivery "
        f"WHERE endpoint_id = {ep} ORDER BY attempts DESC, id",
        lambda r: all(row[0] != "sending" for row in r) and any(row[1] == "1" for row in r))
    assert rows == [("retrying", "1", "1"), ("queued", "0", "1"), ("queued", "0", "1")], rows
    assert count_rows(mariadb, "mc_webhook_attempt a JOIN mc_webhook_delivery d ON "
                      "d.id = a.delivery_id", f"d.endpoint_id = {ep}") == 1


def test_dead_endpoint_tried_once_a_round(ap, new_account, smtp, mariadb, http):
    """Three deliveries to an endpoint that does not answer, due at the same
    moment (one transaction), so one round takes all three, whichever
    worker runs it: one attempt; the other two go back for 5 seconds
    without an attempt counted (a dead endpoint cannot hold the round for
    10 s a delivery)."""
    from harness import util
    s, acct = account_browser(ap, new_account, smtp)
    url = f"http://127.0.0.1:{util.free_port()}/dead"
    add_endpoint(s, ap, url)
    ep = endpoint_id(mariadb, acct, url)
    emit(http, ap, acct, count=3)
    tried_once_of_three(mariadb, ep)
    s.close()


def test_dead_endpoint_tried_once_though_a_full_batch_cuts_it(ap, new_account, mariadb):
    """A full batch of 20 cuts an endpoint's due deliveries: 19 older ones
    to another endpoint, then the first of three to a dead one. The round
    also takes the other two (every due delivery of the endpoints it takes),
    so the dead endpoint is tried once for the three, not again in the next
    round straight after."""
    from harness import util
    acct = new_account()
    urls = [f"http://127.0.0.1:{util.free_port()}/dead-{n}" for n in (1, 2)]
    for url in urls:
        mariadb.sql("INSERT INTO mc_webhook_endpoint (account_id, url, events, secret, "
                    f"created_at) VALUES ({acct.id}, {sql_quote(url)}, 'hearing.scheduled', "
                    "'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', UTC_TIMESTAMP())")
    filler, ep = (endpoint_id(mariadb, acct, url) for url in urls)
    tag = secrets.token_hex(4)
    rows = [(filler, n, 60) for n in range(19)] + [(ep, n, 30) for n in range(3)]
    mariadb.sql(
        "INSERT INTO mc_webhook_delivery (msg_id, endpoint_id, event, payload, status, "
        "attempts, created_at, next_attempt_at) VALUES " + ", ".join(
            f"('msg_{tag}_{e}_{n}', {e}, 'hearing.scheduled', '{{}}', 'queued', 0, "
            f"UTC_TIMESTAMP(), UTC_TIMESTAMP() - INTERVAL {age} SECOND)" for e, n, age in rows))
    tried_once_of_three(mariadb, ep)


def test_old_deliveries_purged(make_apache, new_account, mariadb):
    """The delivery worker's housekeeping (on its first round, then every
    five minutes) deletes delivered and failed deliveries last scheduled
    over 30 days ago, with their attempts; newer ones and one still being
    sent stay."""
    acct = new_account()
    mariadb.sql("INSERT INTO mc_webhook_endpoint (account_id, url, events, secret, created_at) "
                f"VALUES ({acct.id}, 'https://example.com/old', 'hearing.scheduled', "
                "'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', UTC_TIMESTAMP())")
    ep = endpoint_id(mariadb, acct, "https://example.com/old")
    rows = {"old-done": ("delivered", 31), "old-failed": ("failed", 40),
            "new-done": ("delivered", 29), "old-waiting": ("sending", 31)}
    for tag, (status, days) in rows.items():
        mariadb.sql(
            "INSERT INTO mc_webhook_delivery (msg_id, endpoint_id, event, payload, status, "
            f"attempts, created_at, next_attempt_at) VALUES ('msg_{tag}_{ep}', {ep}, "
            f"'hearing.scheduled', '{{}}', '{status}', 1, UTC_TIMESTAMP() - INTERVAL {days} DAY, "
            f"UTC_TIMESTAMP() - INTERVAL {days} DAY)")
        mariadb.sql("INSERT INTO mc_webhook_attempt (delivery_id, at, http_status) SELECT id, "
                    f"created_at, 200 FROM mc_webhook_delivery WHERE msg_id = 'msg_{tag}_{ep}'")
    # 'old-waiting' is being sent by a worker whose lease lasts an hour.
    mariadb.sql("UPDATE mc_webhook_delivery SET claimed_by = 'test', claimed_until = "
                f"UTC_TIMESTAMP() + INTERVAL 1 HOUR WHERE msg_id = 'msg_old-waiting_{ep}'")
    site(make_apache, overrides=SITE_OVERRIDES)
    left = mariadb.wait_for(
        f"SELECT msg_id FROM mc_webhook_delivery WHERE endpoint_id = {ep} ORDER BY msg_id",
        lambda r: len(r) <= 2, timeout=20)
    assert [r[0] for r in left] == [f"msg_new-done_{ep}", f"msg_old-waiting_{ep}"]
    assert count_rows(mariadb, "mc_webhook_attempt a JOIN mc_webhook_delivery d ON "
                      "d.id = a.delivery_id", f"d.endpoint_id = {ep}") == 2
