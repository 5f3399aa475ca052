"""The JSON API's test client (issue 16): every answer it receives is checked
against the OpenAPI document the site serves, so an undocumented status,
content type or body shape fails the test that met it.

    token = make_token(mariadb, account, ["casenet:read"])   # by SQL, as the page would
    api = ApiClient(apache, token)
    r = api.get("/casenet/cases/" + number)                 # checked against the document
    r = api.post("/tracked-cases", json={...})
    api.get(path, expect=200)                               # also asserts the status

Checks made on each answer (ApiClient.check):
- the path matches one of the document's path templates and the method is
  one of its operations (a 404/405 problem from the core is checked against
  the Problem schema instead: there is no operation for a path that does
  not exist);
- the status is one the operation lists, else its "default";
- the content type is the one the response names (application/json or
  application/problem+json), and the body validates against its JSON
  schema (draft 2020-12, with the document's components resolvable);
- a 304 only answers a request that sent If-None-Match, with no body;
- a HEAD's answer has no body.
"""
import hashlib
import json
import re
import secrets

import jsonschema
import requests

from harness import util
from harness.mariadb import sql_quote

API = "/api/v1"
_docs = {}   # base URL -> the OpenAPI document


def make_token(mariadb, account, scopes, days=30, revoked=False, name="test token"):
    """A token for account (an object with .id, or an id) holding scopes,
    stored as the API tokens page stores it (its SHA-256 only)."""
    account_id = getattr(account, "id", account)
    token = "mct_" + secrets.token_urlsafe(32)      # 43 base64url characters
    digest = hashlib.sha256(token.encode()).hexdigest()
    mariadb.sql(
        "INSERT INTO mc_api_token (account_id, name, token_hash, prefix, scopes, created_at, "
        f"expires_at, revoked_at) VALUES ({int(account_id)}, {sql_quote(name)}, '{digest}', "
        f"'{token[:12]}', '{','.join(scopes)}', UTC_TIMESTAMP(), "
        f"UTC_TIMESTAMP() + INTERVAL {int(days)} DAY, "
        f"{'UTC_TIMESTAMP()' if revoked else 'NULL'})")
    return token


def openapi_doc(base_url):
    if base_url not in _docs:
        r = requests.get(base_url + API + "/openapi.json", timeout=30)
        assert r.status_code == 200, r.text[:500]
        doc = r.json()
        _docs[base_url] = doc
    return _docs[base_url]


def _template_regex(template):
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile("^" + "".join("[^/]+" if p.startswith("{") else re.escape(p)
                                    for p in parts) + "$")


class ApiClient:
    def __init__(self, site, token=None, base_url=None):
        self.base = base_url or site.base_url
        self.token = token
        self.session = requests.Session()
        self.doc = openapi_doc(self.base)
        self._paths = [(_template_regex(t), t) for t in self.doc["paths"]]
        # Literal paths first, so /x/search wins over /x/{id}.
        self._paths.sort(key=lambda p: p[1].count("{"))

    def headers(self, extra=None):
        h = {}
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        h.update(extra or {})
        return h

    def request(self, method, path, expect=None, check=True, **kw):
        kw["headers"] = self.headers(kw.get("headers"))
        kw.setdefault("timeout", 60)
        kw.setdefault("allow_redirects", False)
        r = self.session.request(method, self.base + API + path, **kw)
        if check:
            self.check(method, path, r, kw["headers"])
        if expect is not None:
            assert r.status_code == expect, (method, path, r.status_code, r.text[:800])
        return r

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def head(self, path, **kw):
        return self.request("HEAD", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    # ---- the check --------------------------------------------------------

    def operation(self, method, path):
        """(template, operation) for the request, or (None, None)."""
        bare = path.split("?", 1)[0]
        for rx, template in self._paths:
            if rx.match(bare):
                item = self.doc["paths"][template]
                m = "get" if method.upper() == "HEAD" else method.lower()
                return template, item.get(m)
        return None, None

    def _validate(self, schema, body, where):
        resolver = jsonschema.RefResolver.from_schema(self.doc)
        v = jsonschema.Draft202012Validator(schema, resolver=resolver,
                                            format_checker=jsonschema.FormatChecker())
        errors = sorted(v.iter_errors(body), key=lambda e: list(e.path))
        assert not errors, f"{where}: body does not match the OpenAPI schema: " + "; ".join(
            f"{'/'.join(map(str, e.path)) or '(root)'}: {e.message}" for e in errors[:5])

    def _resolve(self, obj):
        while isinstance(obj, dict) and "$ref" in obj:
            node = self.doc
            for part in obj["$ref"].lstrip("#/").split("/"):
                node = node[part]
            obj = node
        return obj

    def check(self, method, path, r, sent_headers):
        where = f"{method} {path} -> {r.status_code}"
        if method.upper() == "HEAD":
            assert not r.content, f"{where}: HEAD answered with a body"
        if r.status_code == 304:
            assert "If-None-Match" in sent_headers, f"{where}: 304 without If-None-Match"
            assert not r.content, f"{where}: 304 with a body"
            assert r.headers.get("ETag"), f"{where}: 304 without ETag"
            return
        template, op = self.operation(method, path)
        ctype = r.headers.get("Content-Type", "").split(";")[0].strip()
        if op is None:
            assert r.status_code in (404, 405), f"{where}: no such operation in the OpenAPI document"
            assert ctype == "application/problem+json", f"{where}: {ctype}"
            self._validate({"$ref": "#/components/schemas/Problem"}, r.json(), where)
            return
        responses = op["responses"]
        resp = responses.get(str(r.status_code)) or responses.get("default")
        assert resp is not None, f"{where}: status not documented for {method} {template}"
        resp = self._resolve(resp)
        content = resp.get("content")
        if not content:
            assert not r.content or method.upper() == "HEAD", f"{where}: undocumented body"
            return
        assert ctype in content, f"{where}: content type {ctype!r} not in {list(content)}"
        if method.upper() == "HEAD":
            return
        schema = content[ctype].get("schema")
        if schema is None:
            return
        if ctype.endswith("json"):
            try:
                body = r.json()
            except ValueError:
                raise AssertionError(f"{where}: body is not JSON: {r.text[:200]!r}")
            self._validate(schema, body, where)
        if r.status_code >= 400:
            body = r.json()
            assert body["status"] == r.status_code, where
            assert body["type"].startswith(self.base + API + "/problems/"), body["type"]


def assert_problem(r, status, type_slug=None):
    """r is a problem of that status (and type slug)."""
    assert r.status_code == status, (r.status_code, r.text[:500])
    assert r.headers["Content-Type"].startswith("application/problem+json"), r.headers
    body = r.json()
    if type_slug:
        assert body["type"].endswith("/problems/" + type_slug), body
    return body


def check_webhook(body):
    """A webhook's body (parsed) matches the OpenAPI document's description
    of its event (the "webhooks" section of templates/core/openapi.json,
    which the site serves as it is: test_api_core checks); returns body."""
    doc = json.loads((util.REPO / "templates" / "core" / "openapi.json").read_text())
    event = body.get("type")
    assert event in doc.get("webhooks", {}), f"webhook type {event!r} not in the OpenAPI document"
    schema = doc["webhooks"][event]["post"]["requestBody"]["content"]["application/json"]["schema"]
    resolver = jsonschema.RefResolver.from_schema(doc)
    errors = list(jsonschema.Draft202012Validator(
        schema, resolver=resolver, format_checker=jsonschema.FormatChecker()).iter_errors(body))
    assert not errors, f"webhook {event}: " + "; ".join(e.message for e in errors[:5])
    return body
