"""My Account -> Webhooks (issue 16): adding an endpoint (https only; http
only to a loopback address), its secret shown once, a new secret that
signs the next delivery, deleting, another account's endpoint 404, the
form acting once, and every change audited."""
import secrets

from helpers_core import (account_browser, audited, count_rows, csrf_of, module_site, new_browser,
                          once_of, plain, send_copies)
from helpers_webhooks import (PAGE, SITE_OVERRIDES, WHPROBE_CONF, add_endpoint, emit,
                              endpoint_id, page_action, rx, unique_path)

ap = module_site("webhook-pages", SITE_OVERRIDES, extra_conf=WHPROBE_CONF)
__all__ = ["rx"]

REFUSED_URLS = {
    "http://example.com/hook": "must start with https://",
    "http://localhost:8080/hook": "must start with https://",
    "http://10.1.2.3/hook": "must start with https://",
    "ftp://example.com/hook": "must start with https://",
    "https://user:pw@example.com/hook": "user name or password",
    "example.com/hook": "Enter a full URL",
    "": "Enter the endpoint's URL.",
}


def test_https_only(ap, new_account, smtp, mariadb):
    s, acct = account_browser(ap, new_account, smtp)
    for url, why in REFUSED_URLS.items():
        r, secret = add_endpoint(s, ap, url, expect=400)
        assert secret is None
        assert why in plain(r.text), (url, plain(r.text)[:600])
    assert count_rows(mariadb, "mc_webhook_endpoint", f"account_id = {acct.id}") == 0
    # No event ticked.
    r, _ = add_endpoint(s, ap, "https://example.com/hook", events=(), expect=400)
    assert "Choose at least one event to receive." in plain(r.text)
    # An event that is not one of ours.
    r, _ = add_endpoint(s, ap, "https://example.com/hook", events=("case.deleted",), expect=400)
    assert count_rows(mariadb, "mc_webhook_endpoint", f"account_id = {acct.id}") == 0
    for url in ("https://example.com/hooks/court", "http://127.0.0.1:9/hook",
                "http://[::1]:9/hook"):
        r, secret = add_endpoint(s, ap, url, events=("hearing.scheduled",))
        assert secret and secret.startswith("whsec_"), url
    rows = mariadb.sql(f"SELECT url, events, enabled FROM mc_webhook_endpoint WHERE account_id = "
                       f"{acct.id} ORDER BY id")
    assert rows == [("https://example.com/hooks/court", "hearing.scheduled", "1"),
                    ("http://127.0.0.1:9/hook", "hearing.scheduled", "1"),
                    ("http://[::1]:9/hook", "hearing.scheduled", "1")]
    assert audited(mariadb, "webhook-added", account_id=acct.id) == 3
    s.close()


def test_secret_shown_once_and_rotated(ap, new_account, smtp, rx, http, mariadb):
    s, acct = account_browser(ap, new_account, smtp)
    path = unique_path()
    r, secret = add_endpoint(s, ap, rx.url(path), events=("filing.status.changed",))
    assert secret and len(secret) == len("whsec_") + 44
    ep = endpoint_id(mariadb, acct, rx.url(path))
    page = s.get(ap.url(PAGE), timeout=30)
    assert secret not in page.text, "the secret is shown only once"
    assert rx.url(path) in plain(page.text) and "Active" in plain(page.text)
    # A new secret: shown once; the next delivery is signed with it.
    r = page_action(s, ap, f"{PAGE}/{ep}/rotate", expect=200)
    new = __import__("re").search(r'id="webhook-secret"[^>]*value="(whsec_[^"]+)"', r.text).group(1)
    assert new != secret
    assert audited(mariadb, "webhook-secret-rotated", account_id=acct.id) == 1
    rx.set_secret(path, new)
    emit(http, ap, acct, "filing.status.changed", data={"envelope": 7})
    hit = rx.wait_for(path)[0]
    assert hit.valid is True
    from harness.webhook_receiver import signature_valid
    assert not signature_valid(secret, hit.headers, hit.body), "the old secret no longer signs"
    s.close()


def test_delete(ap, new_account, smtp, rx, http, mariadb):
    s, acct = account_browser(ap, new_account, smtp)
    path = unique_path()
    add_endpoint(s, ap, rx.url(path))
    ep = endpoint_id(mariadb, acct, rx.url(path))
    rx.fail(path, status=500)
    emit(http, ap, acct)
    rx.wait_for(path)
    mariadb.wait_for(f"SELECT COUNT(*) FROM mc_webhook_attempt a JOIN mc_webhook_delivery d ON "
                     f"d.id = a.delivery_id WHERE d.endpoint_id = {ep}", lambda r: r == [("1",)])
    r = page_action(s, ap, f"{PAGE}/{ep}/delete")
    assert r.headers["Location"].endswith("/account/webhooks?done=deleted")
    assert "The endpoint was deleted." in plain(s.get(ap.url(r.headers["Location"])).text)
    assert count_rows(mariadb, "mc_webhook_endpoint", f"id = {ep}") == 0
    assert count_rows(mariadb, "mc_webhook_delivery", f"endpoint_id = {ep}") == 0
    assert audited(mariadb, "webhook-deleted", account_id=acct.id) == 1
    emit(http, ap, acct)
    assert count_rows(mariadb, "mc_webhook_delivery", f"endpoint_id = {ep}") == 0
    rx.succeed(path)
    s.close()


def test_other_accounts_endpoint_is_404(ap, new_account, smtp, mariadb):
    owner, a = account_browser(ap, new_account, smtp)
    url = f"https://example.com/{secrets.token_hex(4)}"
    add_endpoint(owner, ap, url)
    ep = endpoint_id(mariadb, a, url)
    other, b = account_browser(ap, new_account, smtp)
    assert other.get(ap.url(f"{PAGE}/{ep}"), timeout=30).status_code == 404
    for action in ("delete", "rotate", "enable"):
        page_action(other, ap, f"{PAGE}/{ep}/{action}", expect=404)
    assert url not in other.get(ap.url(PAGE), timeout=30).text
    assert mariadb.sql(f"SELECT account_id FROM mc_webhook_endpoint WHERE id = {ep}") == \
        [(str(a.id),)]
    for event in ("webhook-deleted", "webhook-secret-rotated", "webhook-enabled"):
        assert audited(mariadb, event, account_id=b.id) == 0
    assert owner.get(ap.url(f"{PAGE}/{ep}"), timeout=30).status_code == 200
    assert owner.get(ap.url(f"{PAGE}/{ep + 100000}"), timeout=30).status_code == 404
    # Logged off: the pages ask for logon.
    anon = new_browser()
    r = anon.get(ap.url(PAGE), timeout=30, allow_redirects=False)
    assert r.status_code in (302, 303) and "/account/logon" in r.headers["Location"]
    owner.close()
    other.close()


def test_add_acts_once(ap, new_account, smtp, mariadb):
    """Ten copies of the same Add form: one endpoint."""
    s, acct = account_browser(ap, new_account, smtp)
    page = s.get(ap.url(PAGE), timeout=30)
    url = f"https://example.com/{secrets.token_hex(4)}"
    data = {"mc_csrf": csrf_of(page.text), "mc_once": once_of(page.text, PAGE), "url": url,
            "event": ["docket.entry.created"]}
    answers = send_copies(s, ap.url(PAGE), data)
    assert all(r.status_code in (200, 303) for r in answers), [r.status_code for r in answers]
    assert count_rows(mariadb, "mc_webhook_endpoint", f"account_id = {acct.id}") == 1
    assert audited(mariadb, "webhook-added", account_id=acct.id) == 1
    # Without the anti-CSRF token: refused.
    r = s.post(ap.url(PAGE), data={"url": url, "event": "docket.entry.created"}, timeout=30)
    assert r.status_code == 403
    assert count_rows(mariadb, "mc_webhook_endpoint", f"account_id = {acct.id}") == 1
    s.close()


def test_ten_endpoints_at_most(ap, new_account, smtp, mariadb):
    s, acct = account_browser(ap, new_account, smtp)
    for i in range(10):
        add_endpoint(s, ap, f"https://example.com/{i}", events=("hearing.scheduled",))
    r, secret = add_endpoint(s, ap, "https://example.com/11", expect=400)
    assert secret is None and "You have 10 endpoints already." in plain(r.text)
    assert count_rows(mariadb, "mc_webhook_endpoint", f"account_id = {acct.id}") == 10
    s.close()
