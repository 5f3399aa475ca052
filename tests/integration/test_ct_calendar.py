"""Case.net: the calendar feed (issue 16). An account makes a secret
address under Manage My Case (Calendar feed: create, reset, remove); the
address answers anonymously with RFC 5545 text/calendar of the hearings of
the cases it actively tracks, parsed here with Debian's python3-icalendar:
each event's UID, DTSTAMP, DTSTART/DTEND with TZID=America/Chicago and its
VTIMEZONE, SUMMARY, DESCRIPTION, LOCATION; the raw bytes' CRLF line ends,
folding at 75 octets (never inside a UTF-8 character) and TEXT escaping (a
caption with commas, a semicolon, a backslash). A confidential case, a case
no longer tracked and another account's cases are absent. ETag and 304,
HEAD; a reset address answers 404 at once; only the secret's SHA-256 is
stored."""
import hashlib
import html as html_mod
import re
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urljoin, urlparse

import icalendar

from harness import web
from helpers_casenet import (CASENET, seed_case, seed_court, seed_hearing, seed_judge,
                             set_confidential, unique_tag)
from helpers_core import LOGON, account_browser, audited, location, new_browser, path_of
from test_ct_clerk import add_tracker

CAL = CASENET + "/calendar"
SECRET_RE = re.compile(r"/casenet/calendar/([A-Za-z0-9_-]{43})\.ics$")


def plain(html):
    return html_mod.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def feed_url_of(html):
    """The address in the page's read-only "Calendar feed address" field."""
    m = re.search(r'<input\b[^>]*\bid="feed_url"[^>]*>', html)
    assert m, plain(html)[:2000]
    v = re.search(r'\bvalue="([^"]*)"', m.group(0))
    assert v and "readonly" in m.group(0), m.group(0)
    url = html_mod.unescape(v.group(1))
    assert SECRET_RE.search(urlparse(url).path), url
    return url


def press(s, ap, action, **kw):
    """The Calendar Feed page's form whose action ends with action, sent."""
    page = s.get(ap.url(CAL), timeout=30)
    assert page.status_code == 200, page.status_code
    return web.submit(s, page, {}, action_contains=f"/calendar/{action}", timeout=30,
                      allow_redirects=False, **kw)


def create(s, ap):
    r = press(s, ap, "create")
    assert r.status_code == 200, (r.status_code, plain(r.text)[:1000])
    assert "Copy its address now: it is shown only this once." in plain(r.text)
    assert r.headers["Cache-Control"] == "no-store"
    return feed_url_of(r.text)


def get(url, **kw):
    """The feed as a calendar program asks for it: no cookie, no session."""
    return new_browser().get(url, timeout=30, allow_redirects=False, **kw)


def sha256(s):
    return hashlib.sha256(s.encode()).hexdigest()


def day(offset, hm):
    return f"{date.today() + timedelta(days=offset)} {hm}:00"


def calendar_data(mariadb, acct, other):
    """A court, a judge, and: a tracked case with two hearings (one with its
    own judge, one with neither judge nor location: the case's judge and
    the court then), a tracked confidential case, a case whose tracking
    stopped, another account's tracked case, each with a hearing; and a
    hearing of the tracked case more than a year old."""
    tag = unique_tag()
    court = seed_court(mariadb, name=f"Circuit Court of {tag} County")
    judge = seed_judge(mariadb, court, f"Hon. {tag} Élodie Brandt")
    case_judge = seed_judge(mariadb, court, f"Hon. {tag} Case Judge")
    caption = (f"{tag} SMITH, JOHN; DOE\\ROE, MARY, ET AL. V. ACME HOLDINGS, INC., A MISSOURI "
               "CORPORATION, AND ÉLODIE DURAND-LÉVÊQUE, ET AL.")
    case_id, number = seed_case(mariadb, court, caption=caption, judge_id=case_judge)
    h1 = seed_hearing(mariadb, case_id, day(20, "09:30"), hearing_type="Motion Hearing, Contested",
                      location="Division 4; Room 2B, Courthouse", judge_id=judge)
    h2 = seed_hearing(mariadb, case_id, day(21, "23:30"), hearing_type="Case Review",
                      location="")
    old = seed_hearing(mariadb, case_id, day(-400, "10:00"), hearing_type="Old Review")
    # A caption whose "É" (2 octets) falls on octets 75-76 of its
    # DESCRIPTION line ("DESCRIPTION:Case number: 22XX-CC01234\nCaption: " is
    # 48 octets): the fold comes before it, not inside it.
    cut_id, cut_no = seed_case(mariadb, court, caption=f"{tag} {'A' * 19}É{'B' * 60}")
    h3 = seed_hearing(mariadb, cut_id, day(25, "08:00"), hearing_type="Status Conference")
    add_tracker(mariadb, acct, cut_id)
    secret_id, secret_no = seed_case(mariadb, court, caption=f"{tag} SEALED V SEALED")
    seed_hearing(mariadb, secret_id, day(22, "10:00"), hearing_type="Sealed Hearing")
    set_confidential(mariadb, secret_id)
    stopped_id, stopped_no = seed_case(mariadb, court, caption=f"{tag} STOPPED V CASE")
    seed_hearing(mariadb, stopped_id, day(23, "10:00"), hearing_type="Stopped Hearing")
    others_id, others_no = seed_case(mariadb, court, caption=f"{tag} OTHER V ACCOUNT")
    seed_hearing(mariadb, others_id, day(24, "10:00"), hearing_type="Other Hearing")
    add_tracker(mariadb, acct, case_id)
    add_tracker(mariadb, acct, secret_id)
    add_tracker(mariadb, acct, stopped_id, active=False)
    add_tracker(mariadb, other, others_id)
    return dict(tag=tag, court=court, case_id=case_id, number=number, caption=caption,
                h1=h1, h2=h2, h3=h3, cut_no=cut_no, old=old,
                others=(secret_no, stopped_no, others_no),
                judge=f"Hon. {tag} Élodie Brandt", case_judge=f"Hon. {tag} Case Judge")


def physical_lines(raw):
    """The feed's lines as sent: every one ended by CRLF, no bare CR or LF."""
    assert raw.endswith(b"\r\n"), raw[-20:]
    lines = raw[:-2].split(b"\r\n")
    for line in lines:
        assert b"\n" not in line and b"\r" not in line, line
    return lines


def unfolded(raw):
    """Content lines after unfolding (RFC 5545 3.1), as text."""
    out = []
    for line in physical_lines(raw):
        if line.startswith(b" "):
            out[-1] += line[1:]
        else:
            out.append(line)
    return [x.decode("utf-8") for x in out]


# ---- the feed -----------------------------------------------------------------------------

def test_feed_fields_folding_and_escaping(apache, mariadb, new_account, smtp):
    ap = apache
    s, acct = account_browser(ap, new_account, smtp, prefix="cal")
    other = new_account(prefix="calo")
    d = calendar_data(mariadb, acct, other)
    url = create(s, ap)
    secret = SECRET_RE.search(urlparse(url).path).group(1)
    assert url.startswith(ap.url(CAL + "/"))
    # Only its SHA-256 is kept.
    assert mariadb.sql(f"SELECT secret_hash FROM mc_ct_calendar WHERE account_id = {acct.id}") \
        == [(sha256(secret),)]
    assert audited(mariadb, "calendar-create", account_id=acct.id) == 1

    r = get(url)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert r.headers["Cache-Control"] == "private, no-cache"
    assert "Set-Cookie" not in r.headers
    raw = r.content
    assert int(r.headers["Content-Length"]) == len(raw)

    # Folding: at most 75 octets a line, a continuation starts with one
    # space, and each line is whole UTF-8 (no character cut in two).
    lines = physical_lines(raw)
    assert max(len(x) for x in lines) <= 75
    assert any(x.startswith(b" ") for x in lines), "nothing was folded"
    for x in lines:
        x.decode("utf-8")
    at = [i for i, x in enumerate(lines)
          if x.startswith(f"DESCRIPTION:Case number: {d['cut_no']}\\nCaption: ".encode())]
    assert len(at) == 1 and len(lines[at[0]]) == 74, lines[at[0]:at[0] + 2]
    assert lines[at[0] + 1].startswith(" É".encode()), lines[at[0] + 1]
    # Escaping, as sent: commas, the semicolon and the backslash of the
    # caption and the location, the description's line breaks as \n.
    content = unfolded(raw)
    desc = [x for x in content if x.startswith("DESCRIPTION:") and d["number"] in x
            and "Motion" in x]
    assert len(desc) == 1, content
    assert (f"Caption: {d['tag']} SMITH\\, JOHN\\; DOE\\\\ROE\\, MARY\\, ET AL. V. ACME "
            "HOLDINGS\\, INC.\\,") in desc[0]
    assert "\\nHearing type: Motion Hearing\\, Contested\\nJudge: " in desc[0]
    assert f"LOCATION:Division 4\\; Room 2B\\, Courthouse\\, {d['court']['name']}" in content

    # Parsed by python3-icalendar.
    cal = icalendar.Calendar.from_ical(raw)
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"]).startswith("-//mod_mocourts//")
    tz = cal.walk("VTIMEZONE")
    assert len(tz) == 1 and str(tz[0]["TZID"]) == "America/Chicago"
    assert {str(c["TZNAME"]) for c in tz[0].subcomponents} == {"CST", "CDT"}
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    host = urlparse(ap.url("/")).hostname
    assert set(events) == {f"hearing-{d[h]}@{host}" for h in ("h1", "h2", "h3")}, \
        [str(e["SUMMARY"]) for e in events.values()]

    e1, e2 = events[f"hearing-{d['h1']}@{host}"], events[f"hearing-{d['h2']}@{host}"]
    assert str(e1["SUMMARY"]) == f"Motion Hearing, Contested - {d['number']}"
    assert str(e2["SUMMARY"]) == f"Case Review - {d['number']}"
    assert str(e1["DESCRIPTION"]) == "\n".join([
        f"Case number: {d['number']}", f"Caption: {d['caption']}",
        "Hearing type: Motion Hearing, Contested", f"Judge: {d['judge']}",
        f"Court: {d['court']['name']}"])
    # No judge or location of its own: the case's judge, the court.
    assert f"Judge: {d['case_judge']}\n" in str(e2["DESCRIPTION"])
    assert str(e1["LOCATION"]) == f"Division 4; Room 2B, Courthouse, {d['court']['name']}"
    assert str(e2["LOCATION"]) == d["court"]["name"]
    assert str(e1["URL"]) == ap.url(f"{CASENET}/case/{d['number']}")
    for e, when in ((e1, day(20, "09:30")), (e2, day(21, "23:30"))):
        start, end = e.decoded("DTSTART"), e.decoded("DTEND")
        assert e["DTSTART"].params["TZID"] == "America/Chicago"
        assert e["DTEND"].params["TZID"] == "America/Chicago"
        assert start.replace(tzinfo=None) == datetime.strptime(when, "%Y-%m-%d %H:%M:%S")
        assert start.tzinfo is not None and "Chicago" in str(start.tzinfo)
        assert end - start == timedelta(hours=1)
        stamp = e.decoded("DTSTAMP")
        assert stamp.utcoffset() == timedelta(0)
        assert abs(stamp - datetime.now(timezone.utc)) < timedelta(days=1)
    # 23:30 + 1 h is the next day.
    assert e2.decoded("DTEND").date() == e2.decoded("DTSTART").date() + timedelta(days=1)
    # Absent: the confidential case, the stopped tracking, another account's.
    for n in d["others"]:
        assert n.encode() not in raw
    assert b"Old Review" not in raw and b"Sealed Hearing" not in raw

    # The same data gives the same bytes (stable UIDs and DTSTAMPs).
    again = get(url)
    assert again.content == raw and again.headers["ETag"] == r.headers["ETag"]


def test_etag_304_head_and_changes(apache, mariadb, new_account, smtp):
    ap = apache
    s, acct = account_browser(ap, new_account, smtp, prefix="cal")
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption="ETAG V TEST")
    seed_hearing(mariadb, case_id, day(30, "10:00"))
    add_tracker(mariadb, acct, case_id)
    url = create(s, ap)

    r = get(url)
    etag = r.headers["ETag"]
    assert r.status_code == 200 and re.fullmatch(r'"[0-9a-f]{32}"', etag), etag
    r304 = get(url, headers={"If-None-Match": etag})
    assert r304.status_code == 304 and r304.content == b""
    assert r304.headers["ETag"] == etag
    assert get(url, headers={"If-None-Match": f'"x", W/{etag}'}).status_code == 304
    assert get(url, headers={"If-None-Match": '"0123"'}).status_code == 200

    head = new_browser().head(url, timeout=30, allow_redirects=False)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["ETag"] == etag
    assert head.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert int(head.headers["Content-Length"]) == len(r.content)

    # A new hearing: a new ETag, the old one gets the whole feed.
    seed_hearing(mariadb, case_id, day(31, "11:00"), hearing_type="Trial Setting")
    r2 = get(url, headers={"If-None-Match": etag})
    assert r2.status_code == 200 and r2.headers["ETag"] != etag
    assert len(icalendar.Calendar.from_ical(r2.content).walk("VEVENT")) == 2
    # The case becomes confidential: its hearings leave the feed.
    set_confidential(mariadb, case_id)
    assert icalendar.Calendar.from_ical(get(url).content).walk("VEVENT") == []


def test_reset_remove_and_not_found(apache, mariadb, new_account, smtp):
    ap = apache
    s, acct = account_browser(ap, new_account, smtp, prefix="cal")
    page = s.get(ap.url(CAL), timeout=30)
    assert page.status_code == 200 and "<title>Calendar Feed</title>" in page.text
    assert "You have no calendar feed." in plain(page.text)
    assert 'id="feed_url"' not in page.text

    url = create(s, ap)
    assert get(url).status_code == 200
    page = s.get(ap.url(CAL), timeout=30)
    assert "Created " in plain(page.text) and 'id="feed_url"' not in page.text

    # Reset: a new address, shown once; the old one is 404 at once.
    r = press(s, ap, "reset")
    assert r.status_code == 200, plain(r.text)[:1000]
    assert "the old one no longer works" in plain(r.text)
    new = feed_url_of(r.text)
    assert new != url
    old = get(url)
    assert old.status_code == 404
    assert "text/calendar" not in old.headers.get("Content-Type", "")
    assert get(new).status_code == 200
    assert audited(mariadb, "calendar-reset", account_id=acct.id) == 1
    assert "address last reset" in plain(s.get(ap.url(CAL), timeout=30).text)

    # Not the feed: other names under /calendar/.
    secret = SECRET_RE.search(urlparse(new).path).group(1)
    for bad in (f"{secret}.ical", f"{secret}", f"{secret[:-1]}.ics", f"{secret}x.ics",
                f"{secret[:-1]}*.ics", "create"):
        assert get(ap.url(f"{CAL}/{bad}")).status_code == 404, bad

    # A disabled account's feed is 404 too.
    mariadb.sql(f"UPDATE mc_account SET status = 'disabled' WHERE id = {acct.id}")
    assert get(new).status_code == 404
    mariadb.sql(f"UPDATE mc_account SET status = 'active' WHERE id = {acct.id}")
    assert get(new).status_code == 200

    # Remove: the address is 404; the page offers Create again.
    r = press(s, ap, "remove")
    assert r.status_code == 303 and location(r) == f"{CAL}?done=removed"
    assert get(new).status_code == 404
    page = s.get(ap.url(location(r)), timeout=30)
    assert "Your calendar feed was removed." in plain(page.text)
    assert "You have no calendar feed." in plain(page.text)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ct_calendar WHERE account_id = {acct.id}") \
        in (0, "0")
    # Reset with no feed: said so.
    r = s.post(ap.url(f"{CAL}/reset"), data={"mc_csrf": web.find_form(
        page.text, action_contains="/calendar/create")["fields"]["mc_csrf"]}, timeout=30,
        allow_redirects=False)
    assert r.status_code == 404 and "You have no calendar feed to reset." in plain(r.text)


def test_create_once_and_forms_need_csrf(apache, mariadb, new_account, smtp):
    ap = apache
    s, acct = account_browser(ap, new_account, smtp, prefix="cal")
    page = s.get(ap.url(CAL), timeout=30)
    tab2 = s.get(ap.url(CAL), timeout=30)          # the page open in another tab
    form = web.find_form(page.text, action_contains="/calendar/create")
    assert "mc_once" in form["fields"]
    action = urljoin(page.url, form["action"])
    first = s.post(action, data=form["fields"], timeout=30, allow_redirects=False)
    assert first.status_code == 200
    # The same form again (a double click): the first's result, no second secret.
    again = s.post(action, data=form["fields"], timeout=30, allow_redirects=False)
    assert again.status_code == 303 and location(again) == f"{CAL}?done=created"
    assert "reset the feed to get a new address" in plain(
        s.get(ap.url(location(again)), timeout=30).text)
    rows = mariadb.sql(f"SELECT secret_hash FROM mc_ct_calendar WHERE account_id = {acct.id}")
    secret = SECRET_RE.search(urlparse(feed_url_of(first.text)).path).group(1)
    assert rows == [(sha256(secret),)]
    # The other tab's Create, with its own token: the feed is kept as it is.
    r = web.submit(s, tab2, {}, action_contains="/calendar/create", timeout=30,
                   allow_redirects=False)
    assert r.status_code == 303 and location(r) == f"{CAL}?done=exists"
    assert "You have a calendar feed already." in plain(s.get(ap.url(location(r)),
                                                               timeout=30).text)
    assert mariadb.sql(f"SELECT secret_hash FROM mc_ct_calendar WHERE account_id = {acct.id}") \
        == rows
    assert audited(mariadb, "calendar-create", account_id=acct.id) == 1

    # Without the anti-CSRF token: refused, nothing reset or removed.
    for what in ("reset", "remove", "create"):
        r = s.post(ap.url(f"{CAL}/{what}"), data={"x": "1"}, timeout=30,
                   allow_redirects=False)
        assert r.status_code == 403, what
    assert mariadb.sql(f"SELECT secret_hash FROM mc_ct_calendar WHERE account_id = {acct.id}") \
        == rows
    assert get(feed_url_of(first.text)).status_code == 200

    # Anonymous: the page sends to the Logon page.
    anon = new_browser()
    r = anon.get(ap.url(CAL), timeout=30, allow_redirects=False)
    assert r.status_code == 303 and path_of(location(r)).startswith(LOGON)


def test_manage_my_case_links_to_the_calendar_page(apache, new_account, smtp):
    ap = apache
    s, _ = account_browser(ap, new_account, smtp, prefix="cal")
    page = s.get(ap.url(f"{CASENET}/mycases"), timeout=30)
    links = re.findall(r'<a\b[^>]*href="([^"]*)"[^>]*>Calendar feed</a>', page.text)
    assert len(links) == 1, links
    r = s.get(urljoin(page.url, links[0]), timeout=30)
    assert r.status_code == 200 and urlparse(r.url).path == CAL
    assert re.search(r"<h1[^>]*>Calendar Feed</h1>", r.text)
