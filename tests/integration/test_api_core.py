"""The JSON API's core (issue 16, ABI 1.16): the api mount, Bearer tokens and
their scopes, problem+json errors, cursor paging, ETags, Idempotency-Key,
the per-token rate limit, and My Account's API tokens page.

The probe test plugin's api_routes (tests/plugins/probe/probe_api.c) stand in
for a plugin: they are not in the served OpenAPI document, so their answers
are checked here by hand; the core's own errors are checked against the
document's Problem schema.
"""
import concurrent.futures
import json
import re

import pytest
import requests

from api_client import API, ApiClient, assert_problem, make_token
from helpers_core import NO_DEVICE, audited, count_rows, logon_full, module_site, new_browser, site
from harness import util, web

ap = module_site("api", NO_DEVICE)


def _raw(ap, method, path, token=None, **kw):
    h = kw.pop("headers", {})
    if token:
        h["Authorization"] = "Bearer " + token
    return requests.request(method, ap.url(API + path), headers=h, timeout=60,
                            allow_redirects=False, **kw)


def _problem(api, r, status, slug):
    """r is that problem, and its body matches the document's Problem schema."""
    body = assert_problem(r, status, slug)
    api._validate({"$ref": "#/components/schemas/Problem"}, body, f"{r.url} -> {r.status_code}")
    assert body["instance"] == requests.utils.urlparse(r.url).path
    return body


def _walk_refs(doc, node, seen):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if ref is not None:
            target = doc
            for part in ref.lstrip("#/").split("/"):
                assert part in target, f"dangling $ref {ref}"
                target = target[part]
            seen.add(ref)
        for v in node.values():
            _walk_refs(doc, v, seen)
    elif isinstance(node, list):
        for v in node:
            _walk_refs(doc, v, seen)


def test_openapi_document_served_with_etag(ap):
    api = ApiClient(ap)
    r = api.get("/openapi.json", expect=200)
    doc = r.json()
    assert doc["openapi"] == "3.1.0"
    assert doc["servers"] == [{"url": ap.base_url + API}]
    assert "/openapi.json" in doc["paths"]
    seen = set()
    _walk_refs(doc, doc, seen)
    assert "#/components/schemas/Problem" in seen
    for template, item in doc["paths"].items():
        for method, op in item.items():
            if method in ("parameters", "summary", "description"):
                continue
            assert "responses" in op and op["responses"], (template, method)
            assert "operationId" in op, (template, method)
    etag = r.headers["ETag"]
    assert etag.startswith('"') and r.headers["Cache-Control"] == "private, no-cache"
    r2 = api.get("/openapi.json", headers={"If-None-Match": etag}, expect=304)
    assert r2.headers["ETag"] == etag
    assert api.get("/openapi.json", headers={"If-None-Match": '"other"'}).status_code == 200
    h = api.head("/openapi.json", expect=200)
    assert not h.content and h.headers["ETag"] == etag
    # The webhooks' payloads (checked by api_client.check_webhook) are served as written.
    core = json.loads((util.REPO / "templates" / "core" / "openapi.json").read_text())
    assert doc["webhooks"] == core["webhooks"]
    assert set(doc["webhooks"]) == {"docket.entry.created", "hearing.scheduled",
                                    "filing.status.changed"}
    api.get("/problems/not-found", expect=200)
    api.get("/problems/no-such-type", expect=404)


def test_unknown_path_and_method_are_problems(ap):
    api = ApiClient(ap)
    _problem(api, _raw(ap, "GET", "/no/such/thing"), 404, "not-found")
    r = _raw(ap, "DELETE", "/openapi.json")
    _problem(api, r, 405, "method-not-allowed")
    assert "GET" in r.headers["Allow"]


def test_token_required_and_checked(ap, new_account, mariadb):
    api = ApiClient(ap)
    acct = new_account()
    r = _raw(ap, "GET", "/probe/whoami")
    _problem(api, r, 401, "unauthorized")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    _problem(api, _raw(ap, "GET", "/probe/whoami", headers={"Authorization": "Basic eDp5"}), 401,
             "unauthorized")
    for bad in ("mct_short", "mct_" + "A" * 43, "x" * 47, ""):
        r = _raw(ap, "GET", "/probe/whoami", token=bad)
        _problem(api, r, 401, "unauthorized")
    good = make_token(mariadb, acct, ["casenet:read"])
    r = _raw(ap, "GET", "/probe/whoami", token=good)
    assert r.status_code == 200, r.text
    me = r.json()
    assert me["id"] == acct.id and me["username"] == acct.username and me["token_id"] > 0
    assert r.headers["Content-Type"] == "application/json"
    revoked = make_token(mariadb, acct, ["casenet:read"], revoked=True)
    _problem(api, _raw(ap, "GET", "/probe/whoami", token=revoked), 401, "unauthorized")
    expired = make_token(mariadb, acct, ["casenet:read"], days=-1)
    _problem(api, _raw(ap, "GET", "/probe/whoami", token=expired), 401, "unauthorized")
    # The token's account disabled: refused at once.
    mariadb.sql(f"UPDATE mc_account SET status = 'disabled' WHERE id = {acct.id}")
    _problem(api, _raw(ap, "GET", "/probe/whoami", token=good), 401, "unauthorized")
    # last_used was written on the first use.
    assert count_rows(mariadb, "mc_api_token",
                      f"account_id = {acct.id} AND last_used_at IS NOT NULL") == 1


def test_scopes(ap, new_account, mariadb):
    api = ApiClient(ap)
    acct = new_account()
    t = make_token(mariadb, acct, ["casenet:read", "filings:read"])
    r = _raw(ap, "GET", "/probe/scoped", token=t)
    body = _problem(api, r, 403, "insufficient-scope")
    assert "tracking" in body["detail"]
    assert 'scope="tracking"' in r.headers["WWW-Authenticate"]
    assert _raw(ap, "GET", "/probe/scoped",
                token=make_token(mariadb, acct, ["tracking"])).status_code == 200
    # "clerk" needs the scope and the role.
    with_scope = make_token(mariadb, acct, ["clerk"])
    _problem(api, _raw(ap, "GET", "/probe/clerk", token=with_scope), 403, "insufficient-scope")
    clerk = new_account(roles=("clerk",), scope="X1")
    assert _raw(ap, "GET", "/probe/clerk",
                token=make_token(mariadb, clerk, ["clerk"])).status_code == 200
    _problem(api, _raw(ap, "GET", "/probe/clerk", token=make_token(mariadb, clerk, ["tracking"])),
             403, "insufficient-scope")


def test_sessions_and_tokens_never_mix(ap, new_account, mariadb):
    acct = new_account()
    s = new_browser()
    logon_full(s, ap, acct)
    # A logged-on browser's cookie is no credential on the API ...
    r = s.get(ap.url(API + "/probe/whoami"), allow_redirects=False, timeout=30)
    assert r.status_code == 401
    # ... and a token is none on the pages.
    token = make_token(mariadb, acct, ["tracking"])
    r = requests.get(ap.url("/probe/mine"), headers={"Authorization": "Bearer " + token},
                     allow_redirects=False, timeout=30)
    assert r.status_code == 303 and "/account/logon" in r.headers["Location"]
    # No anti-CSRF token is asked of an API POST (a token is the proof).
    r = _raw(ap, "POST", "/probe/things", token=token, json={"name": "x"},
             headers={"Idempotency-Key": "no-csrf", "Origin": "https://elsewhere.example"})
    assert r.status_code == 201, r.text


def test_cursor_paging(ap, new_account, mariadb):
    api = ApiClient(ap)
    t = make_token(mariadb, new_account(), ["tracking"])
    got, cursor, pages = [], None, 0
    while True:
        r = _raw(ap, "GET", "/probe/items", token=t,
                 params={"limit": 25, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        body = r.json()
        got += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
        pages += 1
        if cursor is None:
            break
        assert not cursor.isdigit()          # opaque
    assert got == list(range(1, 61)) and pages == 3
    for bad in ({"limit": "0"}, {"limit": "101"}, {"limit": "x"}, {"cursor": "!!"},
                {"cursor": "a3ViYmxl"}, {"cursor": "x" * 60}):
        _problem(api, _raw(ap, "GET", "/probe/items", token=t, params=bad), 400, "invalid-cursor")


def test_json_bodies(ap, new_account, mariadb):
    api = ApiClient(ap)
    t = make_token(mariadb, new_account(), ["tracking"])
    key = {"Idempotency-Key": "k-bodies"}
    _problem(api, _raw(ap, "POST", "/probe/things", token=t, data="name=x",
                       headers={**key, "Content-Type": "application/x-www-form-urlencoded"}),
             415, "unsupported-media-type")
    for text in ("{", "[1,2]", '"x"', '{"a":1,"a":2}'):
        _problem(api, _raw(ap, "POST", "/probe/things", token=t, data=text,
                           headers={**key, "Content-Type": "application/json"}),
                 400, "invalid-json")
    big = json.dumps({"name": "x" * (1024 * 1024)})
    _problem(api, _raw(ap, "POST", "/probe/things", token=t, data=big,
                       headers={**key, "Content-Type": "application/json"}),
             413, "body-too-large")
    body = _problem(api, _raw(ap, "POST", "/probe/things", token=t, json={"name": ""},
                              headers=key), 422, "invalid-field")
    assert body["errors"] == [{"field": "name", "detail": "Enter a name."}]


def test_idempotency_key(ap, new_account, mariadb):
    api = ApiClient(ap)
    acct = new_account()
    t = make_token(mariadb, acct, ["tracking"])
    _problem(api, _raw(ap, "POST", "/probe/things", token=t, json={"name": "none"}), 428,
             "idempotency-key-required")
    _problem(api, _raw(ap, "POST", "/probe/things", token=t, json={"name": "long"},
                       headers={"Idempotency-Key": "k" * 256}), 428, "idempotency-key-required")

    def send(_):
        return _raw(ap, "POST", "/probe/things", token=t, json={"name": "ten"},
                    headers={"Idempotency-Key": "same-key"})

    with concurrent.futures.ThreadPoolExecutor(10) as ex:
        answers = list(ex.map(send, range(10)))
    codes = sorted(r.status_code for r in answers)
    assert codes == [200] * 9 + [201], [(r.status_code, r.text) for r in answers]
    ids = {r.json()["id"] for r in answers}
    assert len(ids) == 1
    assert audited(mariadb, "probe-thing", account_id=acct.id) == 1
    # Another key acts again; the same key from another account is its own.
    assert _raw(ap, "POST", "/probe/things", token=t, json={"name": "b"},
                headers={"Idempotency-Key": "other-key"}).status_code == 201
    other = new_account()
    assert _raw(ap, "POST", "/probe/things", token=make_token(mariadb, other, ["tracking"]),
                json={"name": "c"}, headers={"Idempotency-Key": "same-key"}).status_code == 201
    assert audited(mariadb, "probe-thing", account_id=acct.id) == 2


def test_errors_of_handlers_are_problems(ap, new_account, mariadb):
    api = ApiClient(ap)
    t = make_token(mariadb, new_account(), ["tracking"])
    r = _raw(ap, "GET", "/probe/lost", token=t)
    _problem(api, r, 503, "unavailable")
    assert r.headers["Retry-After"]
    _problem(api, _raw(ap, "GET", "/probe/bare", token=t), 409, "conflict")
    body = _problem(api, _raw(ap, "GET", "/probe/message", token=t), 403, "forbidden")
    assert body["detail"] == "A page's message, as a problem."
    ap.check_error_log(allowed_patterns=(r"database unreachable",))


def test_rate_limit_per_token(make_apache, new_account, mariadb):
    ap2 = site(make_apache, {**NO_DEVICE, "MoCourtsAPILimit": "5 1h"})
    api = ApiClient(ap2)
    acct = new_account()
    t1 = make_token(mariadb, acct, ["tracking"])
    t2 = make_token(mariadb, acct, ["tracking"])
    for _ in range(5):
        assert _raw(ap2, "GET", "/probe/whoami", token=t1).status_code == 200
    r = _raw(ap2, "GET", "/probe/whoami", token=t1)
    _problem(api, r, 429, "rate-limited")
    assert 3000 < int(r.headers["Retry-After"]) <= 3600
    assert _raw(ap2, "GET", "/probe/whoami", token=t2).status_code == 200
    # The window over: counted afresh.
    mariadb.sql("UPDATE mc_api_rate SET window_start = UTC_TIMESTAMP() - INTERVAL 2 HOUR "
                f"WHERE token_id = (SELECT id FROM mc_api_token WHERE prefix = '{t1[:12]}')")
    assert _raw(ap2, "GET", "/probe/whoami", token=t1).status_code == 200


def test_api_limit_directive_checked(make_apache):
    for bad in ("0 1m", "5", "5 0s", "x 1m", "5 forever"):
        a = make_apache(overrides={"MoCourtsAPILimit": bad}, start=False)
        rc, out = a.configtest()
        assert rc != 0 and "MoCourtsAPILimit" in out, (bad, out)


# ---- My Account: API tokens -----------------------------------------------------

def _tokens_page(s, ap):
    r = s.get(ap.url("/account/api-tokens"), timeout=30)
    assert r.status_code == 200, r.text[:500]
    return r


def test_tokens_page_creates_shows_once_and_revokes(ap, new_account, mariadb):
    acct = new_account()
    s = new_browser()
    logon_full(s, ap, acct)
    page = _tokens_page(s, ap)
    assert "You have no API tokens." in page.text
    assert 'value="clerk"' not in page.text          # not a clerk: not offered
    form = web.find_form(page.text, action_contains="api-tokens", with_field="mc_once")
    data = dict(form["fields"])
    data.update({"name": "Firm calendar", "lifetime": "30"})
    data = list(data.items()) + [("scope", "tracking"), ("scope", "casenet:read")]
    r = s.post(ap.url("/account/api-tokens"), data=data, timeout=30)
    assert r.status_code == 200, r.text[:1000]
    token = re.search(r'id="new_token"[^>]*value="([^"]+)"', r.text).group(1)
    assert token.startswith("mct_") and len(token) == 47
    assert "shown only this once" in r.text
    row = mariadb.sql(f"SELECT scopes, prefix, DATEDIFF(expires_at, created_at) FROM mc_api_token "
                      f"WHERE account_id = {acct.id}")
    assert row == [("casenet:read,tracking", token[:12], "30")]
    assert token not in json.dumps(mariadb.sql(f"SELECT * FROM mc_api_token "
                                               f"WHERE account_id = {acct.id}"))
    assert audited(mariadb, "api-token-created", account_id=acct.id) == 1
    # The same form sent again (a double click) makes no second token.
    r2 = s.post(ap.url("/account/api-tokens"), data=data, timeout=30)
    assert r2.status_code == 200 and token not in r2.text
    assert count_rows(mariadb, "mc_api_token", f"account_id = {acct.id}") == 1
    # It works, and is listed without its secret.
    assert _raw(ap, "GET", "/probe/scoped", token=token).status_code == 200
    page = _tokens_page(s, ap)
    assert "Firm calendar" in page.text and token not in page.text and token[:12] in page.text
    # Revoked: refused at once.
    revoke = web.find_form(page.text, action_contains="/revoke")
    r = s.post(ap.url(revoke["action"]), data=revoke["fields"], timeout=30)
    assert r.status_code == 200 and "The token was revoked" in r.text
    assert _raw(ap, "GET", "/probe/scoped", token=token).status_code == 401
    assert audited(mariadb, "api-token-revoked", account_id=acct.id) == 1


def test_tokens_page_refuses_bad_input_and_others_tokens(ap, new_account, mariadb):
    acct, other = new_account(), new_account()
    s = new_browser()
    logon_full(s, ap, acct)
    cases = [({"name": "", "lifetime": "30"}, ["tracking"], "Enter a name"),
             ({"name": "x" * 101, "lifetime": "30"}, ["tracking"], "at most 100 characters"),
             ({"name": "ok", "lifetime": "30"}, [], "Choose at least one"),
             ({"name": "ok", "lifetime": "30"}, ["clerk"], "Choose at least one"),
             ({"name": "ok", "lifetime": "30"}, ["admin"], "Choose at least one"),
             ({"name": "ok", "lifetime": "9999"}, ["tracking"], "how long")]
    for fields, scopes, msg in cases:
        page = _tokens_page(s, ap)
        form = web.find_form(page.text, action_contains="api-tokens", with_field="mc_once")
        data = list({**form["fields"], **fields}.items()) + [("scope", x) for x in scopes]
        r = s.post(ap.url("/account/api-tokens"), data=data, timeout=30)
        assert r.status_code == 400 and msg in r.text, (fields, scopes, r.text[:800])
    assert count_rows(mariadb, "mc_api_token", f"account_id = {acct.id}") == 0
    # Another account's token cannot be revoked from here.
    theirs = make_token(mariadb, other, ["tracking"])
    tid = mariadb.sql(f"SELECT id FROM mc_api_token WHERE account_id = {other.id}")[0][0]
    page = _tokens_page(s, ap)
    csrf = web.find_form(page.text, action_contains="api-tokens")["fields"]["mc_csrf"]
    s.post(ap.url(f"/account/api-tokens/{tid}/revoke"), data={"mc_csrf": csrf}, timeout=30)
    assert _raw(ap, "GET", "/probe/scoped", token=theirs).status_code == 200
    # A GET never revokes (a mail scanner following links).
    r = s.get(ap.url(f"/account/api-tokens/{tid}/revoke"), allow_redirects=False, timeout=30)
    assert r.status_code == 405
    # Logged off: the page asks for a logon.
    r = requests.get(ap.url("/account/api-tokens"), allow_redirects=False, timeout=30)
    assert r.status_code == 303 and "/account/logon" in r.headers["Location"]


def test_clerk_may_make_a_clerk_token(ap, new_account, mariadb):
    clerk = new_account(roles=("clerk",), scope="X2")
    s = new_browser()
    logon_full(s, ap, clerk)
    page = _tokens_page(s, ap)
    assert 'value="clerk"' in page.text
    form = web.find_form(page.text, action_contains="api-tokens", with_field="mc_once")
    data = list({**form["fields"], "name": "queue", "lifetime": "90"}.items()) + [("scope", "clerk")]
    r = s.post(ap.url("/account/api-tokens"), data=data, timeout=30)
    assert r.status_code == 200 and "mct_" in r.text
    assert mariadb.sql(f"SELECT scopes FROM mc_api_token WHERE account_id = {clerk.id}") == \
        [("clerk",)]


def test_revoked_token_refused_on_every_node(make_apache, new_account, mariadb):
    a = site(make_apache, NO_DEVICE)
    b = site(make_apache, NO_DEVICE)
    acct = new_account()
    t = make_token(mariadb, acct, ["tracking"])
    assert _raw(a, "GET", "/probe/whoami", token=t).status_code == 200
    assert _raw(b, "GET", "/probe/whoami", token=t).status_code == 200
    mariadb.sql(f"UPDATE mc_api_token SET revoked_at = UTC_TIMESTAMP() WHERE account_id = {acct.id}")
    assert _raw(a, "GET", "/probe/whoami", token=t).status_code == 401
    assert _raw(b, "GET", "/probe/whoami", token=t).status_code == 401
