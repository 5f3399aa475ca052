"""Case.net's pages for issue 14, read from the HTML: a case's docket as a
timeline (<ol class="timeline">, each date a <time datetime> in span.when),
status words as labelled badges (a case's status, tracking, delivery
status), Notification History's filters kept in the URL (case, channel,
status, days queued; the paging links keep them; a bad filter named at the
top with a link to its field and shown again as typed), and the fields'
autocomplete and input modes."""
import html as html_mod
import re
from urllib.parse import parse_qs, urlparse

from harness import web
from helpers_casenet import CASENET, seed_case, seed_court, seed_docket
from helpers_core import account_browser
from test_ct_mycases import outbox
import test_perf_plans as perf

HISTORY = f"{CASENET}/history"
data = perf.data            # test_perf_plans' seeded accounts, notices ... (module fixture)


def plain(html):
    """The text as read: inline tags (span, a, time, strong) vanish, others are spaces."""
    html = re.sub(r"</?(?:span|a|time|strong)\b[^>]*>", "", html)
    return html_mod.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def section(page, sid):
    m = re.search(r'<section[^>]*id="%s">(.*?)</section>' % sid, page, re.S)
    assert m, page
    return m.group(1)


def badges(html):
    """(key, visible word) of every status badge, in order."""
    return [(k, plain(w)) for k, w in
            re.findall(r'<span class="mc-status mc-status--(\w+)">(.*?)</span>', html, re.S)]


def tag(html, id_):
    """The start tag of the element with that id."""
    m = re.search(r'<(?:input|select|textarea)\b[^>]*\bid="%s"[^>]*>' % re.escape(id_), html)
    assert m, f"no field {id_}"
    return m.group(0)


def attr(start_tag, name):
    m = re.search(r'\s%s(?:="([^"]*)")?(?=[\s>/])' % name, start_tag)
    return None if m is None else html_mod.unescape(m.group(1) or "")


# ---- the docket as a timeline ------------------------------------------------------------

def test_docket_is_a_timeline_on_the_case_page_and_the_clerks(apache, mariadb, new_account,
                                                               smtp):
    ap = apache
    court = seed_court(mariadb)
    cid, number = seed_case(mariadb, court)
    seed_docket(mariadb, cid, "2026-01-05", "Petition Filed", "Petition & exhibits.", "Jane Doe")
    seed_docket(mariadb, cid, "2026-02-01", "Order", "Order entered.")
    page = web.new_session().get(ap.url(f"{CASENET}/case/{number}"), timeout=30).text
    docket = section(page, "docket")
    assert "<table" not in docket and "<td" not in docket
    ol = re.search(r'<ol class="timeline[^"]*">(.*?)</ol>', docket, re.S)
    assert ol, docket
    items = re.findall(r"<li>(.*?)</li>", ol.group(1), re.S)
    assert len(items) == 2, ol.group(1)
    for li, day in zip(items, ("2026-02-01", "2026-01-05")):    # newest first
        assert re.search(r'<span class="when"><time datetime="%s">%s</time></span>' % (day, day),
                         li), li
    assert plain(items[0]) == "2026-02-01 Order Order entered."
    assert plain(items[1]) == "2026-01-05 Petition Filed Petition & exhibits. Filed By: Jane Doe"
    # The clerk's case page: the same timeline (no action per row there).
    s, _ = account_browser(ap, new_account, smtp, roles=("clerk",), scope=court["code"],
                           prefix="ctlook")
    clerk = s.get(ap.url(f"{CASENET}/clerk/case/{number}"), timeout=30)
    assert clerk.status_code == 200
    recent = clerk.text[clerk.text.index('id="recent-h"'):]
    ol = re.search(r'<ol class="timeline[^"]*">(.*?)</ol>', recent, re.S)
    assert ol and ol.start() < recent.index("Scheduled Hearings"), recent
    assert re.findall(r'<time datetime="([\d-]+)">', ol.group(1)) == ["2026-02-01", "2026-01-05"]
    assert badges(clerk.text) == [("active", "open")]


def test_case_status_is_a_badge(apache, mariadb):
    ap = apache
    court = seed_court(mariadb)
    _, open_number = seed_case(mariadb, court)
    _, closed_number = seed_case(mariadb, court, status="disposed")
    s = web.new_session()
    page = s.get(ap.url(f"{CASENET}/case/{open_number}"), timeout=30).text
    assert re.search(r'<dd id="case_status"><span class="mc-status mc-status--active">Open</span>'
                     r'</dd>', page), page
    page = s.get(ap.url(f"{CASENET}/case/{closed_number}"), timeout=30).text
    assert badges(page) == [("inactive", "Disposed")]
    # The searches' result rows too (the word as before).
    for number, badge in ((open_number, ("active", "open")),
                          (closed_number, ("inactive", "disposed"))):
        r = s.get(ap.url(f"{CASENET}/search/number"), params={"number": number}, timeout=30)
        row = re.search(r"<tr>\s*<td.*?</tr>", r.text, re.S).group(0)
        assert badges(row) == [badge], row
        assert re.search(r'<td data-label="Status"><span class="mc-status', row), row


# ---- tracking as badges: Manage My Case, Track This Case ---------------------------------

def test_tracking_badges(apache, mariadb, new_account, smtp):
    ap = apache
    court = seed_court(mariadb)
    _, tracked = seed_case(mariadb, court)
    _, kept = seed_case(mariadb, court)
    s, acct = account_browser(ap, new_account, smtp, prefix="ctlook")
    page = s.get(ap.url(f"{CASENET}/track/{tracked}"), timeout=30)
    # Not tracked yet: the header's Tracking row says so, as a badge.
    assert ("active", "Open") in badges(page.text)
    assert ("inactive", "Not tracked") in badges(page.text)
    r = web.submit(s, page, {"method": "email", "frequency": "daily"},
                   action_contains=f"/track/{tracked}", timeout=30)
    assert r.status_code == 200
    page = s.get(ap.url(f"{CASENET}/track/{tracked}"), timeout=30).text
    assert ("active", "E-mail") in badges(page) and ("inactive", "Not tracked") not in badges(page)
    assert f"Tracking E-mail to {acct.email}, Daily digest" in plain(page)
    # The folder: one row tracked, one not; each cell labelled for the phone's cards.
    page = s.get(ap.url(f"{CASENET}/mycases"), timeout=30)
    web.submit(s, page, {"case": kept}, action_contains="/mycases/add", timeout=30)
    page = s.get(ap.url(f"{CASENET}/mycases"), timeout=30).text
    rows = {plain(re.search(r"<a [^>]*>(.*?)</a>", tr).group(1)): tr
            for tr in re.findall(r"<tr>(.*?)</tr>", page, re.S) if "<td" in tr}
    assert badges(rows[tracked]) == [("active", "E-mail, Daily digest")]
    assert badges(rows[kept]) == [("inactive", "Not tracked")]
    assert re.search(r'<td data-label="Tracking">\s*<span class="mc-status', rows[kept])
    for label in ("Case Number", "Caption", "Court", "Last Activity", "Tracking"):
        assert f'data-label="{label}"' in rows[kept], label
    # The folder's case page: the header's Tracking row.
    page = s.get(ap.url(f"{CASENET}/mycases/{tracked}"), timeout=30).text
    assert ("active", "E-mail") in badges(page)
    page = s.get(ap.url(f"{CASENET}/mycases/{kept}"), timeout=30).text
    assert ("inactive", "Not tracked") in badges(page)


# ---- Notification History ----------------------------------------------------------------

def history_rows(html):
    rows = re.findall(r"<tr>\s*<td[^>]*>.*?</tr>", html, re.S)
    return [[plain(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


def errors(html):
    """(href, text) of each entry of the error summary at the top."""
    m = re.search(r'<div class="error" role="alert">(.*?)</div>', html, re.S)
    return [] if not m else [(h, plain(t)) for h, t in
                             re.findall(r'<li><a href="([^"]*)">(.*?)</a></li>', m.group(1), re.S)]


def test_history_badges_and_filters_in_the_url(apache, mariadb, new_account, smtp):
    ap = apache
    court = seed_court(mariadb)
    _, one = seed_case(mariadb, court)
    _, two = seed_case(mariadb, court)
    s, acct = account_browser(ap, new_account, smtp, prefix="ctlook")
    outbox(mariadb, acct.id, case_ref=one, status="sent", queued="2026-03-01 10:00:00",
           sent="2026-03-01 10:00:05")
    outbox(mariadb, acct.id, channel="sms", case_ref=one, status="retrying",
           last_error="gateway busy", queued="2026-03-02 10:00:00")
    outbox(mariadb, acct.id, channel="voice", case_ref=two, status="failed",
           last_error="no answer", queued="2026-03-03 23:59:59")
    outbox(mariadb, acct.id, channel="sms", case_ref=two, status="sending",
           queued="2026-03-04 00:00:00")
    outbox(mariadb, acct.id, subject="Queued one", status="queued", queued="2026-03-05 10:00:00")
    march = {"from": "2026-03-01", "to": "2026-03-31"}

    page = s.get(ap.url(HISTORY), params=march, timeout=30)
    assert page.status_code == 200
    form = re.search(r'<form method="get"[^>]*>(.*?)</form>', page.text, re.S)
    assert form, page.text
    for field in ("from", "to"):
        t = tag(page.text, field)
        assert attr(t, "type") == "date" and attr(t, "placeholder") is None
        assert attr(t, "value") == march[field]
        assert re.search(r'<label class="usa-label" for="%s">' % field, page.text)
    # The delivery status of each row: a badge, the word as before.
    assert [(r[0], r[5]) for r in history_rows(page.text)] == [
        ("\u2014", "Queued"), (two, "Sending"), (two, "Failed"), (one, "Retrying"),
        (one, "Sent")]
    assert badges(page.text) == [("queued", "Queued"), ("pending", "Sending"),
                                 ("failed", "Failed"), ("retry", "Retrying"), ("sent", "Sent")]
    assert "5 notice(s)" in plain(page.text)
    assert "Filters: Queued from 2026-03-01; Queued to 2026-03-31." in plain(page.text)

    def shown(params):
        r = s.get(ap.url(HISTORY), params=dict(march, **params), timeout=30)
        assert r.status_code == 200, plain(r.text)
        return r, [(row[0], row[2], row[5]) for row in history_rows(r.text)]

    r, rows = shown({"channel": "sms"})
    assert rows == [(two, "Text/SMS", "Sending"), (one, "Text/SMS", "Retrying")]
    assert 'selected' in re.search(r'<option value="sms"[^>]*>', r.text).group(0)
    assert "Filters: Channel: Text/SMS; Queued from 2026-03-01; Queued to 2026-03-31." \
        in plain(r.text)
    _, rows = shown({"status": "failed"})
    assert rows == [(two, "Phone call", "Failed")]
    r, rows = shown({"case": one.lower(), "channel": "sms"})
    assert rows == [(one, "Text/SMS", "Retrying")]
    assert f"1 notice(s) about case {one}" in plain(r.text)
    assert attr(tag(r.text, "case"), "value") == one.lower()          # as typed
    # The days are whole days, both included (UTC).
    _, rows = shown({"from": "2026-03-02", "to": "2026-03-03"})
    assert [x[2] for x in rows] == ["Failed", "Retrying"]
    _, rows = shown({"from": "2026-03-04", "to": "2026-03-04"})
    assert [x[2] for x in rows] == ["Sending"]
    r, rows = shown({"status": "sent", "from": "2026-03-02"})
    assert rows == [] and "No notice matches these filters." in plain(r.text)
    assert "Show every notice" in plain(r.text)

    # The paging links keep the filters.
    for i in range(30):
        outbox(mariadb, acct.id, channel="sms", subject=f"Paged {i:02d}", status="failed",
               last_error="x", queued=f"2026-03-10 00:{i:02d}:00")
    r, rows = shown({"channel": "sms", "status": "failed"})
    assert len(rows) == 25 and "30 notice(s)" in plain(r.text) and "Page 1 of 2" in plain(r.text)
    nxt = html_mod.unescape(re.search(r'href="([^"]*)" rel="next"', r.text).group(1))
    assert parse_qs(urlparse(nxt).query) == {"channel": ["sms"], "status": ["failed"],
                                             "from": ["2026-03-01"], "to": ["2026-03-31"],
                                             "page": ["2"]}
    r2 = s.get(ap.url(nxt), timeout=30)
    assert [(x[0], x[2], x[5]) for x in history_rows(r2.text)] == \
        [("\u2014", "Text/SMS", "Failed")] * 5
    prev = html_mod.unescape(re.search(r'href="([^"]*)" rel="prev"', r2.text).group(1))
    assert parse_qs(urlparse(prev).query)["channel"] == ["sms"]


def test_history_bad_filters_named_and_kept(apache, mariadb, new_account, smtp):
    ap = apache
    s, acct = account_browser(ap, new_account, smtp, prefix="ctlook")
    outbox(mariadb, acct.id, subject="Kept notice", queued="2026-03-01 10:00:00")
    r = s.get(ap.url(HISTORY), params={"from": "2026-02-30", "to": "March", "channel": "fax",
                                       "status": "lost", "case": "nonsense"}, timeout=30)
    assert r.status_code == 400
    assert errors(r.text) == [
        ("#case", "Enter a case number such as 22SL-CC01234, or leave it empty for every "
                  "notice."),
        ("#channel", "Channel: choose one from the list."),
        ("#status", "Status: choose one from the list."),
        ("#from", 'Queued from: "2026-02-30" is not a real date. Enter it as YYYY-MM-DD, for '
                  'example 2026-01-05.'),
        ("#to", 'Queued to: "March" is not a real date. Enter it as YYYY-MM-DD, for example '
                '2026-01-05.')]
    assert attr(tag(r.text, "case"), "value") == "nonsense"            # as typed
    for field in ("from", "to"):     # quoted above: a date field cannot hold what is no day
        assert attr(tag(r.text, field), "value") is None
    for field in ("case", "channel", "status", "from", "to"):
        assert attr(tag(r.text, field), "aria-invalid") == "true", field
    assert "Kept notice" in r.text                  # the good filters (none here) still apply
    r = s.get(ap.url(HISTORY), params={"from": "2026-03-02", "to": "2026-03-01"}, timeout=30)
    assert r.status_code == 400
    assert errors(r.text) == [("#to", 'Queued to: the "to" date (2026-03-01) is before the '
                                      '"from" date (2026-03-02). Enter the earlier date first.')]
    assert attr(tag(r.text, "from"), "value") == "2026-03-02"
    assert attr(tag(r.text, "to"), "value") == "2026-03-01"
    assert attr(tag(r.text, "to"), "aria-invalid") == "true"
    assert attr(tag(r.text, "from"), "aria-invalid") is None
    # The good ones still apply next to a bad one.
    outbox(mariadb, acct.id, channel="sms", subject="A text", queued="2026-03-01 11:00:00")
    r = s.get(ap.url(HISTORY), params={"channel": "sms", "from": "nope"}, timeout=30)
    assert r.status_code == 400 and [e[0] for e in errors(r.text)] == ["#from"]
    assert [row[1] for row in history_rows(r.text)] == ["A text"]


def test_history_filter_statement_uses_the_account_index(mariadb, data):
    acct = data["filer"]
    src = "plugins/casetrack/history.c"
    sql = perf.bind(perf.sql_of(src, "HISTORY_SELECT", "HISTORY_FILTER", "HISTORY_ORDER"),
                    acct, "2026-01-01", "2026-12-31", "", "", "sms", "sms", "failed", "failed",
                    26, 0)
    perf.assert_indexed(perf.explain(mariadb, sql), "mc_outbox", "mc_outbox_account")
    sql = perf.bind(perf.sql_of(src, "HISTORY_COUNT", "HISTORY_FILTER"), acct, "1000-01-01",
                    "9999-12-30", "22SL-CC00003", "22SL-CC00003", "", "", "", "")
    perf.assert_indexed(perf.explain(mariadb, sql), "mc_outbox", "mc_outbox_account")


# ---- autocomplete and input modes --------------------------------------------------------

def test_fields_autocomplete_and_input_modes(apache, new_account, smtp):
    ap = apache
    anon = web.new_session()
    page = anon.get(ap.url(f"{CASENET}/search/number"), timeout=30).text
    assert attr(tag(page, "number"), "autocomplete") == "off"
    page = anon.get(ap.url(f"{CASENET}/search/name"), timeout=30).text
    for f in ("birth_from", "birth_to"):
        assert attr(tag(page, f), "inputmode") == "numeric"
    for f in ("last", "first", "middle"):      # other people's names: not the user's own
        assert attr(tag(page, f), "autocomplete") == "off"
    s, _ = account_browser(ap, new_account, smtp, prefix="ctlook")
    for path in (HISTORY, f"{CASENET}/mycases"):
        assert attr(tag(s.get(ap.url(path), timeout=30).text, "case"), "autocomplete") == "off"
    phone = tag(s.get(ap.url(f"{CASENET}/phones"), timeout=30).text, "number")
    assert (attr(phone, "type"), attr(phone, "autocomplete"), attr(phone, "inputmode")) == \
        ("tel", "tel", "tel")


def test_phone_states_are_badges(apache, mariadb, new_account, smtp, gateway):
    ap = apache
    s, acct = account_browser(ap, new_account, smtp, prefix="ctlook")
    for number in ("(573) 555-0181", "(573) 555-0182"):
        page = s.get(ap.url(f"{CASENET}/phones"), timeout=30)
        r = web.submit(s, page, {"number": number}, with_field="number", timeout=30)
        assert r.status_code == 200, plain(r.text)
    mariadb.sql("UPDATE mc_track_phone SET verified_at = UTC_TIMESTAMP(), code_hash = NULL "
                f"WHERE account_id = {acct.id} AND number = '+15735550182'")
    page = s.get(ap.url(f"{CASENET}/phones"), timeout=30).text
    assert badges(page) == [("pending", "Not verified yet"), ("ok", "Verified")]
    assert "(573) 555-0181 Not verified yet: enter the code we sent" in plain(page)


# ---- the searches' errors: summarised at the top, each a link to its field ---------------

def test_search_errors_link_to_their_fields(apache):
    ap = apache
    s = web.new_session()
    for what, params, want in (
            ("name", {"last": "X", "birth_from": "19x0", "filed_from": "2026-02-30",
                      "filed_to": "2026-01-01"},
             ["#birth_from", "#filed_from", "#last"]),
            ("name", {"last": "Smith", "filed_from": "2026-02-01", "filed_to": "2026-01-01"},
             ["#filed_to"]),
            ("number", {"number": ""}, ["#number"]),
            ("hearings", {"court": "nope", "from": "2026-01-02", "to": "2026-01-01"},
             ["#court", "#to"]),
            ("judgments", {"name": "Ab", "party": "x", "satisfied": "maybe"},
             ["#party_debtor", "#satisfied"])):
        r = s.get(ap.url(f"{CASENET}/search/{what}"), params=params, timeout=30)
        assert r.status_code == 400, (what, params)
        got = errors(r.text)
        assert [h for h, _ in got] == want, (what, got)
        for href, _ in got:
            assert f'id="{href[1:]}"' in r.text, href
            if href != "#party_debtor":                      # a radio button: its fieldset
                assert attr(tag(r.text, href[1:]), "aria-invalid") == "true", href
        assert r.text.count('aria-invalid="true"') == \
            len([h for h, _ in got if h != "#party_debtor"]), what
