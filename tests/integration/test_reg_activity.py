"""My Account's Recent activity (issue 17): the account's logons (time in
UTC, address, browser family from the User-Agent, new device or not),
failed logons, password and e-mail changes of the last 90 days, newest
first, and "This wasn't me" (a POST: every session of the account ended,
audited, then Forgot Password). The logon's audit detail records the
User-Agent (at most 200 bytes, control characters dropped) and the device.

The same site runs the strict password preset, so My Account's password
page shows libpwquality's verdicts in our sentences."""
import re

from harness import web
from integration.helpers_core import (NO_DEVICE, audited, csrf_of, location, logon_full,
                                      logon_post, module_site, new_browser, path_of, plain, site)
from integration.helpers_links import main_of

ap = module_site("regactivity", {"MoCourtsPasswordPolicy": "strict"})

UA = {
    "Chrome": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/124.0.0.0 Safari/537.36",
    "Firefox": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 "
               "Firefox/126.0",
    "Safari": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like "
              "Gecko) Version/17.4 Safari/605.1.15",
    "Edge": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
    "Other": "curl/8.5.0",
}
ACTIVITY = "/registration/myaccount/activity"


def browser(family):
    s = new_browser()
    s.headers["User-Agent"] = UA[family]
    return s


def rows_of(html):
    """The activity table's rows: [(time, what, ip, browser, new device)]."""
    body = main_of(html)
    out = []
    for tr in re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S):
        out.append(tuple(plain(td).strip() for td in re.findall(r"<td\b[^>]*>(.*?)</td>", tr, re.S)))
    return out


def activity(s, ap):
    r = s.get(ap.url(ACTIVITY), timeout=30)
    assert r.status_code == 200 and path_of(r.url) == ACTIVITY, (r.status_code, r.url)
    return r


def sessions(mariadb, acct):
    return int(mariadb.value(f"SELECT COUNT(*) FROM mc_session WHERE account_id = {acct.id}"))


def test_logons_and_changes_newest_first(ap, new_account, mariadb, smtp):
    acct, other = new_account(), new_account()
    firefox = browser("Firefox")
    logon_full(firefox, ap, acct, smtp)                      # a new device: the e-mailed code
    edge = browser("Edge")
    assert logon_post(edge, ap, acct.username, "not-the-password").status_code == 200
    r = firefox.post(ap.url("/account/logoff"), data={web.CSRF_FIELD: csrf_of(
        firefox.get(ap.url("/registration/myaccount"), timeout=30).text)}, timeout=30)
    assert path_of(r.url) == "/account/logon", r.url
    logon_full(firefox, ap, acct, smtp)                      # the same browser: a known device
    safari = browser("Safari")
    logon_full(safari, ap, acct, smtp)
    # My Account's password page (strict preset): a passphrase is taken.
    page = safari.get(ap.url("/registration/myaccount/password"), timeout=30)
    new_pw = "quiet lanterns over the river"
    r = web.submit(safari, page, {"current_password": acct.password, "new_password": new_pw,
                                  "verify_password": new_pw},
                   action_contains="/myaccount/password", allow_redirects=False, timeout=60)
    assert r.status_code == 303, r.text[:2000]
    # Older than 90 days, and another account's: not shown.
    mariadb.sql("INSERT INTO mc_audit (at, event, account_id, client_ip, detail) VALUES "
                f"(UTC_TIMESTAMP() - INTERVAL 91 DAY, 'logon', {acct.id}, '10.9.9.9', "
                "'full; device=known; ua=curl/8.5.0')")
    chrome = browser("Chrome")
    logon_full(chrome, ap, other, smtp)

    rows = rows_of(activity(safari, ap).text)
    assert [(what, browser_, new) for _, what, _, browser_, new in rows] == [
        ("Password changed", "", ""),
        ("Logon", "Safari", "Yes"),
        ("Logon", "Firefox", "No"),
        ("Failed logon (wrong password)", "Edge", ""),
        ("Logon", "Firefox", "Yes"),
    ], rows
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", t) for t, *_ in rows), rows
    assert {ip for _, _, ip, _, _ in rows} == {"127.0.0.1"}, rows
    assert "10.9.9.9" not in activity(safari, ap).text
    # A GET changes nothing.
    n = int(mariadb.value(f"SELECT COUNT(*) FROM mc_audit WHERE account_id = {acct.id}"))
    activity(safari, ap)
    assert int(mariadb.value(f"SELECT COUNT(*) FROM mc_audit WHERE account_id = {acct.id}")) == n
    for s in (firefox, edge, safari, chrome):
        s.close()


def test_user_agent_recorded_truncated_and_clean(ap, new_account, mariadb, smtp):
    """The logon's audit detail carries the User-Agent: at most 200 bytes,
    control characters dropped, other bytes than ASCII as '?'; no secret."""
    acct = new_account()
    s = new_browser()
    raw = "Mozilla/5.0 tab\there caf\u00e9 " + "x" * 300   # (httpd refuses other controls)
    s.headers["User-Agent"] = raw
    assert logon_post(s, ap, acct.username, "wrong-" + acct.password).status_code == 200
    logon_full(s, ap, acct, smtp)
    clean = ("Mozilla/5.0 tabhere caf? " + "x" * 300)[:200]
    failed = mariadb.value(f"SELECT detail FROM mc_audit WHERE account_id = {acct.id} AND "
                           "event = 'logon-failed'")
    assert failed == "wrong password; ua=" + clean, failed
    ok = mariadb.value(f"SELECT detail FROM mc_audit WHERE account_id = {acct.id} AND "
                       "event = 'logon'")
    assert ok == "new device confirmed; device=new; ua=" + clean, ok
    assert acct.password not in failed and acct.password not in ok
    rows = rows_of(activity(s, ap).text)
    assert [r[1:] for r in rows] == [("Logon", "127.0.0.1", "Other", "Yes"),
                                     ("Failed logon (wrong password)", "127.0.0.1", "Other", "")]
    s.close()


def test_this_wasnt_me_ends_every_session(ap, new_account, mariadb, smtp):
    acct = new_account()
    mine, theirs = browser("Chrome"), browser("Firefox")
    logon_full(mine, ap, acct, smtp)
    logon_full(theirs, ap, acct, smtp)
    assert sessions(mariadb, acct) == 2
    page = activity(mine, ap)
    main = main_of(page.text)
    form = web.find_form(main, action_contains="/myaccount/activity/disown")
    assert form["method"] == "post" and form["fields"].get(web.CSRF_FIELD), form
    assert ">This wasn't me</button>" in main
    disown = ap.url("/registration/myaccount/activity/disown")
    # A GET is no way to it; a POST without the form's token is refused.
    assert mine.get(disown, allow_redirects=False, timeout=30).status_code in (404, 405)
    r = mine.post(disown, data={"go": "1"}, allow_redirects=False, timeout=30)
    assert r.status_code == 403, r.status_code
    assert sessions(mariadb, acct) == 2 and audited(mariadb, "activity-disowned",
                                                     account_id=acct.id) == 0

    r = web.submit(mine, page, {}, action_contains="/myaccount/activity/disown",
                   allow_redirects=False, timeout=30)
    assert r.status_code == 303, (r.status_code, r.text[:2000])
    assert location(r) == "/registration/forgot-password?disowned=1", location(r)
    assert sessions(mariadb, acct) == 0
    assert audited(mariadb, "activity-disowned", account_id=acct.id, actor_id=acct.id) == 1
    # Forgot Password, with the notice, anonymously; both browsers logged off.
    fp = mine.get(ap.url(location(r)), timeout=30)
    assert fp.status_code == 200 and "Your account was logged off everywhere" in fp.text
    assert web.find_form(main_of(fp.text), with_field="ident")
    for s in (mine, theirs):
        r = s.get(ap.url("/registration/myaccount"), allow_redirects=False, timeout=30)
        assert r.status_code in (302, 303) and "/account/logon" in location(r), r.status_code
    # The row is on the page once logged on again (and the notice is not
    # on Forgot Password without the query).
    logon_full(mine, ap, acct, smtp)
    assert rows_of(activity(mine, ap).text)[1][1] == "\"This wasn't me\": every session ended"
    assert "logged off everywhere" not in mine.get(ap.url("/registration/forgot-password"),
                                                   timeout=30).text
    mine.close()
    theirs.close()


def test_my_account_links_recent_activity(ap, new_account, smtp):
    acct = new_account()
    s = browser("Chrome")
    logon_full(s, ap, acct, smtp)
    page = s.get(ap.url("/registration/myaccount"), timeout=30)
    m = re.search(r'<a href="([^"]+)">Recent activity</a>', main_of(page.text))
    assert m and m.group(1) == ACTIVITY, main_of(page.text)[:3000]
    s.close()


def test_strict_password_page_dictionary_and_patterns(ap, new_account, smtp):
    """The strict preset's libpwquality checks through My Account's
    password page, in our own sentences."""
    acct = new_account()
    s = browser("Chrome")
    logon_full(s, ap, acct, smtp)
    path = "/registration/myaccount/password"
    page = s.get(ap.url(path), timeout=30)
    assert "a dictionary word, a simple pattern or contain your username" in page.text
    for pw, sentence in (
            ("Courthouses!", "Your password is based on a dictionary word"),
            ("attorneys123", "Your password is based on a dictionary word"),
            ("a quiet abcdef garden", "must not contain more than 5 characters in sequence"),
            ("good 11111 morning", "must not repeat one character more than 4 times in a row"),
            (f"hello {acct.username} today", "must not contain your username"),
            (f"x {acct.username[::-1]} y", "must not contain your username"),
            ("password1234", "too common")):
        r = web.submit(s, page, {"current_password": acct.password, "new_password": pw,
                                 "verify_password": pw},
                       action_contains=path, allow_redirects=False, timeout=60)
        assert r.status_code == 200, (pw, r.status_code)
        assert sentence in r.text, (pw, plain(main_of(r.text))[:600])
        assert "fails the dictionary check" not in r.text
        page = r
    pw = "seven quiet lanterns drift"
    r = web.submit(s, page, {"current_password": acct.password, "new_password": pw,
                             "verify_password": pw},
                   action_contains=path, allow_redirects=False, timeout=60)
    assert r.status_code == 303 and location(r).endswith("/myaccount?updated=password"), \
        (r.status_code, plain(main_of(r.text))[:600])
    s.close()


def test_activity_needs_logon(ap):
    s = new_browser()
    r = s.get(ap.url(ACTIVITY), allow_redirects=False, timeout=30)
    assert r.status_code in (302, 303) and "/account/logon" in location(r)
    s.close()


def test_fifty_rows_at_most_and_the_user_agent_escaped(ap, new_account, mariadb, smtp):
    acct = new_account()
    values = ", ".join(f"(UTC_TIMESTAMP() - INTERVAL {n + 1} MINUTE, 'password-changed', "
                       f"{acct.id}, '127.0.0.1', 'My Account')" for n in range(60))
    mariadb.sql(f"INSERT INTO mc_audit (at, event, account_id, client_ip, detail) VALUES {values}")
    s = new_browser()
    s.headers["User-Agent"] = '<script>alert(1)</script>" Firefox/126.0'
    logon_full(s, ap, acct, smtp)
    page = activity(s, ap)
    rows = rows_of(page.text)
    assert len(rows) == 50, len(rows)
    assert rows[0][1:] == ("Logon", "127.0.0.1", "Firefox", "Yes"), rows[0]
    assert {r[1] for r in rows[1:]} == {"Password changed"}
    assert "<script>alert(1)" not in page.text
    assert "title='&lt;script&gt;alert(1)&lt;/script&gt;\" Firefox/126.0'" in page.text
    s.close()


def test_without_device_codes_new_device_is_not_checked(make_apache, new_account, smtp):
    """MoCourtsNewDeviceCode Off: no device is ever confirmed, so the page
    says "Not checked" rather than guess."""
    ap2 = site(make_apache, NO_DEVICE)
    acct = new_account()
    s = browser("Edge")
    logon_full(s, ap2, acct, smtp)
    assert [r[1:] for r in rows_of(activity(s, ap2).text)] == [
        ("Logon", "127.0.0.1", "Edge", "Not checked")]
    s.close()
