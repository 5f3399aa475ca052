"""HTTP helpers for tests: read a page's forms, log on.

    s = requests.Session()
    r = logon(s, apache.base_url, "jdoe", "Secret-Pass1")
    s.cookies.get(COOKIE)
"""
import time
from html.parser import HTMLParser
from urllib.parse import urljoin

import requests

COOKIE = "mocourts_session"   # MoCourtsSessionCookie of the test configuration
CSRF_FIELD = "mc_csrf"


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = []       # [{"action", "method", "fields": {name: value}}]
        self._form = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "",
                          "method": (a.get("method") or "get").lower(),
                          "id": a.get("id"), "fields": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "button", "textarea", "select"):
            name = a.get("name")
            kind = (a.get("type") or "").lower()
            if not name or tag == "button" or kind == "submit":
                return   # a submit button's value is the caller's choice
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].setdefault(name, a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def forms(html):
    """The forms of a page: dicts with action, method, id and fields (the
    names and default values of its inputs; unchecked boxes and submit
    buttons left out)."""
    p = _FormParser()
    p.feed(html)
    return p.forms


def find_form(html, action_contains=None, with_field=None):
    """The first form whose action contains action_contains and/or that has
    a field named with_field; AssertionError when none."""
    for f in forms(html):
        if action_contains is not None and action_contains not in f["action"]:
            continue
        if with_field is not None and with_field not in f["fields"]:
            continue
        return f
    raise AssertionError(f"no form (action~{action_contains!r}, field {with_field!r}) in page:\n"
                         + html[:2000])


def submit(session, page, fields, action_contains=None, with_field=None, **kw):
    """Fill the matching form of response `page` (its hidden fields, e.g.
    the CSRF token, kept) with fields and submit it. Returns the response."""
    form = find_form(page.text, action_contains, with_field)
    data = dict(form["fields"])
    data.update(fields)
    url = urljoin(page.url, form["action"] or page.url)
    if form["method"] == "post":
        return session.post(url, data=data, **kw)
    return session.get(url, params=data, **kw)


def logon(session, base_url, username, password, path="/account/logon", **kw):
    """GET the logon page, then POST username, password and the form's
    hidden fields (mc_csrf). Returns the final response; whether the logon
    succeeded is for the caller to check (e.g. session.cookies)."""
    page = session.get(base_url + path, timeout=30)
    page.raise_for_status()
    return submit(session, page, {"username": username, "password": password},
                  with_field="password", timeout=30, **kw)


class Session(requests.Session):
    """A requests session that, like a browser, never sends a request on a
    kept-alive connection the server may be closing: a connection idle for
    IDLE seconds is dropped first. Debian's apache2.conf closes idle ones
    after KeepAliveTimeout 5; a test waiting that long for an e-mail and
    then posting on the old connection would meet the server's close
    ("Remote end closed connection without response"), which requests,
    unlike a browser, does not retry for a POST."""

    IDLE = 2.0

    def __init__(self):
        super().__init__()
        self.headers["User-Agent"] = "mocourts-tests"
        self._last = time.monotonic()

    def request(self, *args, **kw):
        if time.monotonic() - self._last > self.IDLE:
            for adapter in self.adapters.values():
                adapter.close()     # the pools empty; the next request opens afresh
        try:
            return super().request(*args, **kw)
        finally:
            self._last = time.monotonic()


def new_session():
    return Session()
