"""Case.net: Manage My Case (seed 002: My Account -> Manage My Case -> select
case -> Stop Tracking) and the notification history: the folder (add, note,
remove, Stop Tracking), a case that became confidential, another account's
rows, and the history's statuses, reasons and paging."""
import html as html_mod
import re
from urllib.parse import quote, urljoin

from harness import web
from helpers_casenet import CASENET, seed_case, seed_court, set_confidential
from helpers_core import (LOGON, account_browser, location, logon_full, new_browser, path_of,
                          submit_code, wait_code)

MYCASES = CASENET + "/mycases"


def plain(html):
    return html_mod.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def q(s):
    return "'" + str(s).replace("\\", "\\\\").replace("'", "\\'") + "'"


def holder(ap, new_account, smtp):
    return account_browser(ap, new_account, smtp, prefix="myc")


def csrf(s, ap):
    page = s.get(ap.url(MYCASES), timeout=30)
    return web.find_form(page.text, action_contains="/mycases/add")["fields"]["mc_csrf"]


def add(s, ap, number, **extra):
    page = s.get(ap.url(MYCASES), timeout=30)
    return web.submit(s, page, dict({"case": number}, **extra),
                      action_contains="/mycases/add", timeout=30, allow_redirects=False)


def track(s, ap, number, method="email", frequency="each"):
    page = s.get(ap.url(f"{CASENET}/track/{number}"), timeout=30)
    r = web.submit(s, page, {"method": method, "frequency": frequency},
                   action_contains=f"/track/{number}", timeout=30, allow_redirects=False)
    assert r.status_code == 303, plain(r.text)[:1000]


def folder_rows(mariadb, account):
    return mariadb.sql(f"SELECT case_id, note FROM mc_mycase WHERE account_id = {account.id} "
                       "ORDER BY case_id")


def active(mariadb, account, case_id):
    return mariadb.value(f"SELECT active FROM mc_track WHERE account_id = {account.id} AND "
                         f"case_id = {case_id}")


# ---- the folder -------------------------------------------------------------------------

def test_add_list_note_remove(apache, new_account, smtp, mariadb):
    ap = apache
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption="ACME V <script>X</script>")
    s, acct = holder(ap, new_account, smtp)
    page = s.get(ap.url(MYCASES), timeout=30)
    assert page.status_code == 200 and "<title>Manage My Case</title>" in page.text
    assert "Your folder is empty" in plain(page.text)

    # Bad input: the number typed stays in the box; nothing is added.
    r = add(s, ap, "22SL-CC1")
    assert r.status_code == 400 and "Enter a case number such as 22SL-CC01234." in plain(r.text)
    assert 'value="22SL-CC1"' in r.text
    unknown = number[:-5] + ("00000" if not number.endswith("00000") else "00001")
    r = add(s, ap, unknown)
    assert r.status_code == 404 and f"Case not found: there is no case numbered {unknown}" \
        in plain(r.text)
    assert folder_rows(mariadb, acct) == []

    # Added (lower case typed); twice is once.
    r = add(s, ap, number.lower())
    assert r.status_code == 303 and location(r) == f"{MYCASES}?done=added"
    r = add(s, ap, number)
    assert r.status_code == 303
    assert [row[0] for row in folder_rows(mariadb, acct)] == [str(case_id)]
    page = s.get(ap.url(f"{MYCASES}?done=added"), timeout=30)
    t = plain(page.text)
    assert "The case was added to My Cases." in t
    assert number in t and "ACME V <script>X</script>" in t and "<script>X" not in page.text
    assert court["name"] in t and "Not tracked" in t
    last = mariadb.value(f"SELECT last_activity FROM mc_case WHERE id = {case_id}")
    assert last in t
    assert f'href="{MYCASES}/{number}"' in page.text

    # From the case page: back to where it came from; never off the site.
    r = add(s, ap, number, **{"return": f"{CASENET}/case/{number}"})
    assert location(r) == f"{CASENET}/case/{number}"
    for bad in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        r = add(s, ap, number, **{"return": bad})
        assert location(r) == f"{MYCASES}?done=added", bad

    # The selected case: a note (kept on an error), Track This Case link.
    page = s.get(ap.url(f"{MYCASES}/{number}"), timeout=30)
    assert page.status_code == 200
    assert f'href="{CASENET}/track/{number}"' in page.text and ">Track This Case</a>" in page.text
    assert ">Stop Tracking</button>" not in page.text
    long_note = "é" * 2001
    r = web.submit(s, page, {"note": long_note}, action_contains="/note", timeout=30)
    assert r.status_code == 400 and "The note is too long: at most 2,000 characters" \
        in plain(r.text)
    assert long_note in html_mod.unescape(r.text)
    assert folder_rows(mariadb, acct)[0][1] == ""
    note = "Hearing moved; call Ms. O'Brien <b>soon</b>\n" + "é" * 1950
    r = web.submit(s, page, {"note": note}, action_contains="/note", timeout=30)
    assert r.status_code == 200 and "Your note was saved." in r.text
    assert folder_rows(mariadb, acct)[0][1] == note
    assert "<b>soon" not in r.text
    listing = s.get(ap.url(MYCASES), timeout=30)
    assert "Hearing moved; call Ms. O'Brien <b>soon</b>" in plain(listing.text)

    # Remove from My Cases.
    r = web.submit(s, r, {}, action_contains=f"/mycases/{number}/remove", timeout=30)
    assert r.status_code == 200 and "was removed from My Cases" in plain(r.text)
    assert folder_rows(mariadb, acct) == []
    assert s.get(ap.url(f"{MYCASES}/{number}"), timeout=30).status_code == 404


def test_stop_tracking_from_the_folder(apache, new_account, smtp, mariadb):
    """Seed 002: My Account -> Manage My Case -> select case -> Stop Tracking."""
    ap = apache
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court)
    s, acct = holder(ap, new_account, smtp)
    track(s, ap, number)                          # tracking puts it in the folder
    myaccount = s.get(ap.url("/registration/myaccount"), timeout=30)
    m = re.search(r'href="([^"]*/casenet/mycases)"', myaccount.text)
    assert m and "Manage My Case" in myaccount.text
    page = s.get(urljoin(myaccount.url, m.group(1)), timeout=30)
    assert "E-mail, Each entry as it is docketed" in plain(page.text)
    page = s.get(ap.url(f"{MYCASES}/{number}"), timeout=30)
    assert f"E-mail to {acct.email}, Each entry as it is docketed" in plain(page.text)
    r = web.submit(s, page, {}, action_contains=f"/mycases/{number}/stop", timeout=30,
                   allow_redirects=False)
    assert r.status_code == 303 and location(r) == f"{MYCASES}/{number}?done=stopped"
    page = s.get(ap.url(location(r)), timeout=30)
    assert "Tracking stopped." in plain(page.text) and ">Track This Case</a>" in page.text
    assert active(mariadb, acct, case_id) == "0"
    assert mariadb.value(f"SELECT stopped_why FROM mc_track WHERE account_id = {acct.id}") \
        == "account"
    assert "Not tracked" in plain(s.get(ap.url(MYCASES), timeout=30).text)
    # Still in the folder, and trackable again from there.
    assert len(folder_rows(mariadb, acct)) == 1
    track(s, ap, number, method="email", frequency="daily")
    assert active(mariadb, acct, case_id) == "1"
    # Stop again is harmless; removing the case also stops its tracking.
    c = csrf(s, ap)
    assert s.post(ap.url(f"{MYCASES}/{number}/stop"), data={"mc_csrf": c},
                  timeout=30).status_code == 200
    track(s, ap, number)
    r = s.post(ap.url(f"{MYCASES}/{number}/remove"), data={"mc_csrf": c}, timeout=30)
    assert r.status_code == 200
    assert active(mariadb, acct, case_id) == "0" and folder_rows(mariadb, acct) == []


def test_sorted_by_last_activity_and_paged(apache, new_account, smtp, mariadb):
    ap = apache
    court = seed_court(mariadb)
    s, acct = holder(ap, new_account, smtp)
    numbers = []
    for i in range(27):
        cid, number = seed_case(mariadb, court, caption=f"CASE {i:02d}")
        mariadb.sql(f"UPDATE mc_case SET last_activity = '2026-03-01 00:00:00' + INTERVAL {i} "
                    f"HOUR WHERE id = {cid}")
        mariadb.sql(f"INSERT INTO mc_mycase (account_id, case_id, added_at) VALUES "
                    f"({acct.id}, {cid}, UTC_TIMESTAMP())")
        numbers.append(number)
    page = s.get(ap.url(MYCASES), timeout=30)
    shown = re.findall(r'href="/casenet/mycases/([0-9A-Z-]+)"', page.text)
    assert shown == list(reversed(numbers))[:25]
    assert "27 case(s). Page 1 of 2" in plain(page.text)
    page2 = s.get(ap.url(f"{MYCASES}?page=2"), timeout=30)
    assert re.findall(r'href="/casenet/mycases/([0-9A-Z-]+)"', page2.text) == \
        [numbers[1], numbers[0]]
    assert "Previous page" in page2.text
    assert s.get(ap.url(f"{MYCASES}?page=abc"), timeout=30).status_code == 200


def test_confidential_case_in_the_folder(apache, new_account, smtp, mariadb):
    ap = apache
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption="IN RE SEALED MATTER")
    case2_id, number2 = seed_case(mariadb, court, caption="VISIBLE V CASE")
    s, acct = holder(ap, new_account, smtp)
    track(s, ap, number)
    assert add(s, ap, number2).status_code == 303
    set_confidential(mariadb, case_id)
    page = s.get(ap.url(MYCASES), timeout=30)
    t = plain(page.text)
    assert "This case is no longer available." in t
    assert number not in page.text and "SEALED" not in page.text
    assert number2 in t
    for path in (f"{MYCASES}/{number}", f"{CASENET}/track/{number}"):
        r = s.get(ap.url(path), timeout=30)
        assert r.status_code == 404 and "SEALED" not in r.text
    c = csrf(s, ap)
    r = s.post(ap.url(f"{MYCASES}/{number}/note"), data={"mc_csrf": c, "note": "x"},
               timeout=30)
    assert r.status_code == 404
    assert add(s, ap, number).status_code == 404
    # Removed from the list page (by its row, without its number).
    r = web.submit(s, page, {}, action_contains="/mycases/remove", timeout=30)
    assert r.status_code == 200 and "was removed from My Cases" in plain(r.text)
    assert [row[0] for row in folder_rows(mariadb, acct)] == [str(case2_id)]
    assert active(mariadb, acct, case_id) == "0"
    r = s.post(ap.url(f"{MYCASES}/remove"), data={"mc_csrf": c, "case_id": "abc"}, timeout=30)
    assert r.status_code == 400


def test_another_account_cannot_touch_my_folder(apache, new_account, smtp, mariadb):
    ap = apache
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court)
    mine, me = holder(ap, new_account, smtp)
    track(mine, ap, number)
    page = mine.get(ap.url(f"{MYCASES}/{number}"), timeout=30)
    web.submit(mine, page, {"note": "my private note"}, action_contains="/note", timeout=30)
    mariadb.sql(f"INSERT INTO mc_track_phone (account_id, number, created_at, code_hash, "
                f"code_expires) VALUES ({me.id}, '+15735550142', UTC_TIMESTAMP(), "
                f"SHA2('123456', 256), UTC_TIMESTAMP() + INTERVAL 10 MINUTE)")
    pid = mariadb.value(f"SELECT id FROM mc_track_phone WHERE account_id = {me.id}")

    theirs, them = holder(ap, new_account, smtp)
    t = theirs.get(ap.url(MYCASES), timeout=30)
    assert number not in t.text and "my private note" not in t.text
    assert theirs.get(ap.url(f"{MYCASES}/{number}"), timeout=30).status_code == 404
    c = csrf(theirs, ap)
    # Stop and remove on my case number touch only their own (absent) rows.
    assert theirs.post(ap.url(f"{MYCASES}/{number}/stop"), data={"mc_csrf": c},
                       timeout=30).status_code == 404
    assert theirs.post(ap.url(f"{MYCASES}/{number}/remove"), data={"mc_csrf": c},
                       timeout=30).status_code == 404
    assert theirs.post(ap.url(f"{MYCASES}/remove"), data={"mc_csrf": c, "case_id": case_id},
                       timeout=30).status_code == 404
    # A note of theirs is their own row.
    r = theirs.post(ap.url(f"{MYCASES}/{number}/note"), data={"mc_csrf": c, "note": "theirs"},
                    timeout=30)
    assert r.status_code == 200 and "my private note" not in r.text
    assert active(mariadb, me, case_id) == "1"
    assert folder_rows(mariadb, me) == [(str(case_id), "my private note")]
    assert folder_rows(mariadb, them) == [(str(case_id), "theirs")]
    # My phone number: not theirs to see, verify or remove.
    assert "555-0142" not in theirs.get(ap.url(f"{CASENET}/phones"), timeout=30).text
    for action, data in (("verify", {"code": "123456"}), ("resend", {}), ("remove", {})):
        r = theirs.post(ap.url(f"{CASENET}/phones/{pid}/{action}"),
                        data=dict(data, mc_csrf=c), timeout=30)
        assert r.status_code == 404, action
    assert mariadb.value(f"SELECT verified_at IS NULL FROM mc_track_phone WHERE id = {pid}") \
        == "1"
    # A POST without the anti-CSRF token is refused.
    r = theirs.post(ap.url(f"{MYCASES}/add"), data={"case": number}, timeout=30)
    assert r.status_code == 403


def test_add_from_the_case_page_before_logon(apache, new_account, smtp, mariadb):
    """The case page's "Add to Manage My Case" used anonymously: through the
    Logon page to the folder, the case number filled in."""
    ap = apache
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court)
    acct = new_account(prefix="mycanon")
    s = new_browser()
    page = s.get(ap.url(f"{CASENET}/case/{number}"), timeout=30)
    assert page.status_code == 200
    r = web.submit(s, page, {}, action_contains="/mycases/add", timeout=30,
                   allow_redirects=False)
    assert r.status_code == 303
    back = f"{MYCASES}?case={number}"
    assert location(r) == f"{LOGON}?return={quote(back, safe='')}"
    logon_page = s.get(ap.url(location(r)), timeout=30)
    seen = len(smtp.find(to=acct.email, subject=CODE_SUBJECT))
    r = web.submit(s, logon_page, {"username": acct.username, "password": acct.password},
                   with_field="password", timeout=30)
    if path_of(r.url) == "/account/device":
        r = submit_code(s, r, wait_code(smtp, acct.email, seen))
    assert path_of(r.url) == MYCASES, r.url
    assert f"To add case {number} to your folder" in plain(r.text)
    assert f'value="{number}"' in r.text
    assert folder_rows(mariadb, acct) == []
    r = web.submit(s, r, {}, action_contains="/mycases/add", timeout=30)
    assert r.status_code == 200 and "The case was added to My Cases." in r.text
    assert [row[0] for row in folder_rows(mariadb, acct)] == [str(case_id)]
    # Logged on, the case page's button adds at once.
    _, number2 = seed_case(mariadb, court)
    page = s.get(ap.url(f"{CASENET}/case/{number2}"), timeout=30)
    r = web.submit(s, page, {}, action_contains="/mycases/add", timeout=30)
    assert r.status_code == 200 and number2 in r.text
    assert len(folder_rows(mariadb, acct)) == 2


def test_anonymous_sent_to_logon(apache):
    s = new_browser()
    for path in (MYCASES, f"{CASENET}/history", f"{CASENET}/phones"):
        r = s.get(apache.url(path), allow_redirects=False, timeout=30)
        assert r.status_code == 303 and location(r).startswith(LOGON + "?return="), path


# ---- the notification history -----------------------------------------------------------

CODE_SUBJECT = "Your verification code"     # the logon's device code, a notice too


def history_cells(html):
    """The history table's rows as lists of cell texts."""
    rows = re.findall(r"<tr>\s*<td[^>]*>.*?</tr>", html, re.S)
    return [[plain(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in rows]


def outbox(mariadb, account_id, channel="email", recipient=None, subject="", kind="track-entry",
           case_ref=None, status="sent", last_error=None, queued="2026-03-01 10:00:00",
           sent=None, body="body"):
    recipient = recipient or ("x@example.test" if channel == "email" else "+15735550100")
    mariadb.sql(
        "INSERT INTO mc_outbox (account_id, channel, recipient, subject, body, kind, case_ref, "
        "status, attempts, queued_at, next_attempt_at, sent_at, last_error) VALUES "
        f"({account_id}, {q(channel)}, {q(recipient)}, {q(subject)}, {q(body)}, {q(kind)}, "
        f"{'NULL' if case_ref is None else q(case_ref)}, {q(status)}, 1, {q(queued)}, "
        f"{q(queued)}, {'NULL' if sent is None else q(sent)}, "
        f"{'NULL' if last_error is None else q(last_error)})")


def test_history_statuses_reasons_and_only_mine(apache, new_account, smtp, mariadb):
    ap = apache
    court = seed_court(mariadb)
    _, number = seed_case(mariadb, court)
    _, number2 = seed_case(mariadb, court)
    s, acct = holder(ap, new_account, smtp)
    other = new_account(prefix="mycoth")
    outbox(mariadb, acct.id, subject=f"Case.net: new entry on {number}", case_ref=number,
           status="sent", queued="2026-03-01 10:00:00", sent="2026-03-01 10:00:05")
    outbox(mariadb, acct.id, channel="sms", case_ref=number, status="retrying",
           last_error="gateway exited with status 3", queued="2026-03-02 10:00:00")
    outbox(mariadb, acct.id, channel="voice", case_ref=number2, kind="track-reminder",
           status="failed", last_error="the recipient is not a phone number",
           queued="2026-03-03 10:00:00")
    outbox(mariadb, acct.id, channel="email", subject="Your password was changed",
           kind="password-changed", status="queued", queued="2026-03-04 10:00:00")
    outbox(mariadb, other.id, subject="SECRET OF ANOTHER", case_ref=number,
           body="ANOTHER BODY", queued="2026-03-05 10:00:00")
    page = s.get(ap.url(f"{CASENET}/history"), timeout=30)
    assert page.status_code == 200 and "<title>Notification History</title>" in page.text
    t = plain(page.text)
    assert "SECRET OF ANOTHER" not in t and "ANOTHER BODY" not in t
    cells = history_cells(page.text)
    # Newest first.
    logon_codes = len([c for c in cells if c[1] == CODE_SUBJECT])
    cells = [c for c in cells if c[1] != CODE_SUBJECT]
    assert cells == [
        ["\u2014", "Your password was changed", "E-mail", "2026-03-04 10:00:00 UTC", "",
         "Queued", ""],
        [number2, "Hearing reminder", "Phone call", "2026-03-03 10:00:00 UTC", "", "Failed",
         "the recipient is not a phone number"],
        [number, "New docket entry", "Text/SMS", "2026-03-02 10:00:00 UTC", "", "Retrying",
         "gateway exited with status 3"],
        [number, f"Case.net: new entry on {number}", "E-mail", "2026-03-01 10:00:00 UTC",
         "2026-03-01 10:00:05 UTC", "Sent", ""],
    ], cells
    assert f'href="{CASENET}/case/{number}"' in page.text
    assert f"{4 + logon_codes} notice(s)" in t
    # One case only.
    r = s.get(ap.url(f"{CASENET}/history"), params={"case": number.lower()}, timeout=30)
    assert r.status_code == 200 and f"2 notice(s) about case {number}" in plain(r.text)
    r = s.get(ap.url(f"{CASENET}/history"), params={"case": "nonsense"}, timeout=30)
    assert r.status_code == 400 and "Enter a case number such as 22SL-CC01234" in plain(r.text)
    assert 'value="nonsense"' in r.text
    # The other account sees only its own.
    s2 = new_browser()
    logon_full(s2, ap, other, smtp)
    t2 = plain(s2.get(ap.url(f"{CASENET}/history"), timeout=30).text)
    assert "SECRET OF ANOTHER" in t2 and "Your password was changed" not in t2
    assert [c[1] for c in history_cells(s2.get(ap.url(f"{CASENET}/history"), timeout=30).text)
            if c[1] != CODE_SUBJECT] == ["SECRET OF ANOTHER"]


def test_history_real_phone_code_and_paging(apache, new_account, smtp, mariadb, gateway):
    ap = apache
    s, acct = holder(ap, new_account, smtp)
    page = s.get(ap.url(f"{CASENET}/phones"), timeout=30)
    web.submit(s, page, {"number": "(573) 555-0177"}, with_field="number", timeout=30)
    mariadb.wait_for(f"SELECT status FROM mc_outbox WHERE account_id = {acct.id} AND kind = "
                     "'phone-code'", lambda rows: rows and rows[0][0] == "sent", timeout=30)
    r = s.get(ap.url(f"{CASENET}/history"), timeout=30)
    t = plain(r.text)
    assert "Phone verification code" in t and "Text/SMS" in t and "Sent" in t
    body = mariadb.value(f"SELECT body FROM mc_outbox WHERE account_id = {acct.id} AND kind = "
                         "'phone-code'")
    assert body not in t                                 # the code itself is not shown
    for i in range(30):
        outbox(mariadb, acct.id, subject=f"Old notice {i:02d}",
               queued=f"2026-01-01 00:{i:02d}:00")
    r = s.get(ap.url(f"{CASENET}/history"), timeout=30)
    mine = int(mariadb.value(f"SELECT COUNT(*) FROM mc_outbox WHERE account_id = {acct.id}"))
    assert f"{mine} notice(s)" in plain(r.text) and "Page 1 of 2" in plain(r.text)
    newer = mine - 30                     # the phone code, the logon codes: newer than 2026-01
    assert len(re.findall(r"Old notice \d\d", r.text)) == 25 - newer
    assert "Old notice 29" in r.text
    m = re.search(r'href="([^"]*)" rel="next"', r.text)
    r2 = s.get(ap.url(html_mod.unescape(m.group(1))), timeout=30)
    assert path_of(r2.url) == f"{CASENET}/history"
    assert re.findall(r"Old notice (\d\d)", r2.text) == \
        [f"{i:02d}" for i in range(29 - (25 - newer), -1, -1)]
