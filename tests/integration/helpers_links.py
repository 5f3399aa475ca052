"""E-mailed links that change something (SECURITY.md, e-mailed codes and
links): opening one (GET, HEAD) changes nothing and shows a page with one
button, whose form POSTs; only that POST acts.

    page = open_link(http, link, state=lambda: account_row(...))
    r = press(http, page)            # the page's one button
    r = post_without_token(link)     # refused: the site's anti-CSRF check

open_link fetches the link as a mail scanner does (HEAD, then GET, from a
client with no cookies) and as the person does (GET in their browser),
asserting after each that state() returned what it did before.
"""
from harness import web
from helpers_core import CSRF_FIELD, MSG_FORM_EXPIRED


def main_of(html):
    """The page's <main> (the layout's header holds the Logoff form when
    logged on)."""
    assert "<main" in html, html[:2000]
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def the_form(page):
    """The one form of the page's main part: a POST with one button, and
    the anti-CSRF token."""
    main = main_of(page.text)
    assert main.count("<button") == 1, main
    forms = web.forms(main)
    assert len(forms) == 1, forms
    assert forms[0]["method"] == "post", forms
    assert forms[0]["fields"].get(CSRF_FIELD), forms
    return forms[0]


def open_link(session, url, state, status=200):
    """Fetch url as a scanner and then as the person; state() unchanged
    throughout. The person's page (status as given), with its one form."""
    before = state()
    scanner = web.new_session()
    r = scanner.head(url, timeout=30)
    assert r.status_code == status, (r.status_code, url)
    assert state() == before, "HEAD changed something"
    r = scanner.get(url, timeout=30)
    assert r.status_code == status, (r.status_code, r.text[:2000])
    assert state() == before, "a scanner's GET changed something"
    page = session.get(url, timeout=30)
    assert page.status_code == status, (page.status_code, page.text[:2000])
    assert state() == before, "GET changed something"
    the_form(page)
    return page


def press(session, page, **kw):
    """Submit the page's one form (its button)."""
    form = the_form(page)
    return web.submit(session, page, {}, action_contains=form["action"], timeout=30, **kw)


def post_without_token(url, state):
    """A POST to url without the form's token (a forged form, a scanner
    that posts): refused, and state() unchanged."""
    before = state()
    r = web.new_session().post(url, data={"go": "1"}, timeout=30)
    assert r.status_code == 403 and MSG_FORM_EXPIRED in r.text, (r.status_code, r.text[:2000])
    assert state() == before
    return r
