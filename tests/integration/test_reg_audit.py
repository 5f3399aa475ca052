"""Registration: the Security unit's audit log viewer (issue 17): search by
account, event type, days and IP address, newest first, paging, each
event's page, the CSV export (RFC 4180 quoting, the formula guard), only
for the Security unit, GET only, and each viewing and export audited."""
import csv
import io
import re
import secrets
from urllib.parse import parse_qs, urljoin, urlsplit

from helpers_core import account_browser, logon_full, new_browser, plain

REG = "/registration"
AUDIT = REG + "/security/audit"


def q(s):
    return "'" + str(s).replace("\\", "\\\\").replace("'", "\\'") + "'"


def security_browser(ap, new_account, smtp):
    return account_browser(ap, new_account, smtp, ["security"], prefix="secaudit")


def put_events(mariadb, rows):
    """rows: (at, event, account_id, actor_id, ip, detail) into mc_audit."""
    values = ", ".join(
        f"({q(at)}, {q(ev)}, {acct if acct else 'NULL'}, {actor if actor else 'NULL'}, "
        f"{q(ip)}, {q(detail)})" for at, ev, acct, actor, ip, detail in rows)
    mariadb.sql("INSERT INTO mc_audit (at, event, account_id, actor_id, client_ip, detail) "
                f"VALUES {values}", database="mocourts")


def listing(s, ap, status=200, **params):
    """The list page. The events a test puts are in 2025: unless the test
    says otherwise, the later ones (its accounts' creation) are left out."""
    params.setdefault("to", "2025-12-31")
    params = {k: v for k, v in params.items() if v is not None}
    r = s.get(ap.url(AUDIT), params=params, timeout=30)
    assert r.status_code == status, (r.status_code, plain(r.text)[-1500:])
    return r


def table_rows(r):
    """The result table's rows: (time, event, account, by, ip, detail), as text."""
    body = re.search(r'<table class="usa-table" id="events".*?<tbody>(.*?)</tbody>', r.text, re.S)
    if not body:
        return []
    out = []
    for tr in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S):
        out.append(tuple(plain(td).strip() for td in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)))
    return out


def viewed(mariadb, sec, like=""):
    return int(mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'audit-viewed' AND "
                             f"account_id = {sec.id} AND actor_id = {sec.id} AND detail LIKE "
                             f"{q('%' + like + '%')}"))


def the_events(mariadb, new_account, sec):
    """A target account with five events of its own (one done to it by the
    Security user)."""
    t = new_account(prefix="audt")
    put_events(mariadb, [
        ("2025-01-10 10:00:00", "logon", t.id, 0, "192.0.2.10", "full"),
        ("2025-01-12 08:30:00", "logon-failed", t.id, 0, "198.51.100.7", "wrong password"),
        ("2025-01-15 23:59:59", "password-changed", t.id, 0, "192.0.2.10",
         '=HYPERLINK("http://evil.example/","x")'),
        ("2025-01-16 00:00:00", "email-changed", t.id, 0, "192.0.2.99", "-2+3, @SUM(1)"),
        ("2025-01-20 12:00:00", "security-disable", t.id, sec.id, "2001:db8::1",
         'disabled, "quoted"\nsecond line'),
    ])
    return t


def test_search_by_each_filter(apache, new_account, smtp, mariadb):
    ap = apache
    s, sec = security_browser(ap, new_account, smtp)
    t = the_events(mariadb, new_account, sec)
    # The Security Unit page links to the viewer.
    page = s.get(ap.url(REG + "/security"), timeout=30)
    assert f'href="{AUDIT}"' in page.text and ">Audit log</a>" in page.text
    # By username: the five, newest first, with their columns.
    rows = table_rows(listing(s, ap, account=t.username))
    assert [r[1] for r in rows] == ["security-disable", "email-changed", "password-changed",
                                    "logon-failed", "logon"], rows
    assert rows[0][0] == "2025-01-20 12:00:00" and rows[0][2] == t.username
    assert rows[0][3] == sec.username and rows[0][4] == "2001:db8::1"
    assert rows[4][3] == "" and rows[4][4] == "192.0.2.10" and rows[4][5] == "full"
    # By id: the same.
    assert table_rows(listing(s, ap, account=str(t.id))) == rows
    # What the Security user did shows under its name too (By).
    mine = table_rows(listing(s, ap, account=sec.username, event="security-disable"))
    assert [(r[2], r[3]) for r in mine] == [(t.username, sec.username)]
    # By event type (one of the types present, offered in the select).
    r = listing(s, ap, account=t.username, event="logon-failed")
    assert '<option value="logon-failed" selected' in r.text
    assert [x[1] for x in table_rows(r)] == ["logon-failed"]
    assert 'value="audit-viewed"' in r.text
    # By days: both included, UTC.
    r = listing(s, ap, account=t.username, **{"from": "2025-01-12", "to": "2025-01-15"})
    assert [x[1] for x in table_rows(r)] == ["password-changed", "logon-failed"]
    assert [x[1] for x in table_rows(listing(s, ap, account=t.username,
                                              **{"from": "2025-01-16"}))] == \
        ["security-disable", "email-changed"]
    assert [x[1] for x in table_rows(listing(s, ap, account=t.username, to="2025-01-10"))] == \
        ["logon"]
    # By IP address, whole or its beginning; a LIKE wildcard is a character.
    assert [x[1] for x in table_rows(listing(s, ap, account=t.username, ip="192.0.2."))] == \
        ["email-changed", "password-changed", "logon"]
    assert [x[1] for x in table_rows(listing(s, ap, ip="2001:db8::1", account=t.id))] == \
        ["security-disable"]
    assert table_rows(listing(s, ap, account=t.username, ip="192.0.2.1")) != []
    assert table_rows(listing(s, ap, account=t.username, ip="192.0.2.10")) != []
    assert "No events match." in listing(s, ap, account=t.username, ip="203.0.113.").text
    # Everything at once.
    r = listing(s, ap, account=t.username, event="logon", ip="192.0.2.10",
                **{"from": "2025-01-10", "to": "2025-01-10"})
    assert [x[1] for x in table_rows(r)] == ["logon"]
    # The filters are kept in the form.
    assert f'value="{t.username}"' in r.text and 'value="2025-01-10"' in r.text
    assert 'value="192.0.2.10"' in r.text


def test_filter_mistakes(apache, new_account, smtp, mariadb):
    ap = apache
    s, sec = security_browser(ap, new_account, smtp)
    for params, sentence, field in (
            ({"from": "2025-02-30", "to": None}, 'Enter the From date as a day of the calendar', "from"),
            ({"to": "yesterday"}, 'Enter the To date as a day of the calendar', "to"),
            ({"from": "2025-02-02", "to": "2025-02-01"}, "The To date is before the From date.",
             "to"),
            ({"account": "nosuch" + secrets.token_hex(4)}, "No account has the username", "account"),
            ({"account": "a'b"}, "Enter the account as its username or its number", "account"),
            ({"ip": "10.0.0.1' OR 1=1"}, "Enter an IP address", "ip"),
            ({"event": "<b>"}, "Choose an event type from the list.", "event")):
        r = listing(s, ap, status=400, **params)
        assert sentence in plain(r.text), (params, plain(r.text)[-800:])
        assert f'href="#{field}"' in r.text and 'aria-invalid="true"' in r.text
        assert 'id="events"' not in r.text


def test_paging_and_detail(apache, new_account, smtp, mariadb):
    ap = apache
    s, sec = security_browser(ap, new_account, smtp)
    t = new_account(prefix="audp")
    put_events(mariadb, [(f"2025-03-01 10:{i:02d}:00", "logon", t.id, 0, "192.0.2.5", f"n{i:02d}")
                         for i in range(30)])
    r = listing(s, ap, account=t.username)
    assert re.search(r"30 event\(s\)\. Page 1 of 2 ?\.", plain(r.text)), plain(r.text)[-500:]
    rows = table_rows(r)
    assert [x[5] for x in rows] == [f"n{i:02d}" for i in range(29, 4, -1)]
    nxt = re.search(r'<a href="([^"]+)" rel="next">', r.text).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(nxt).query)["account"] == [t.username]
    r2 = s.get(urljoin(r.url, nxt), timeout=30)
    assert re.search(r"Page 2 of 2", plain(r2.text))
    assert [x[5] for x in table_rows(r2)] == [f"n{i:02d}" for i in range(4, -1, -1)]
    assert 'rel="prev"' in r2.text and 'rel="next"' not in r2.text
    # A page past the end shows the last.
    assert [x[5] for x in table_rows(listing(s, ap, account=t.username, page="9"))] == \
        [f"n{i:02d}" for i in range(4, -1, -1)]
    # Each row's page: every field, and back to the list as it was.
    link = re.findall(r'<td data-label="Time \(UTC\)" class="nowrap"><a href="([^"]+)"', r2.text)[0]
    d = s.get(urljoin(r2.url, link.replace("&amp;", "&")), timeout=30)
    assert d.status_code == 200
    text = plain(d.text)
    for part in ("Time (UTC) 2025-03-01 10:04:00", "Event logon", f"Account {t.username}",
                 "IP address 192.0.2.5", "Detail n04"):
        assert part in text, (part, text[-800:])
    eid = int(re.search(r"/security/audit/(\d+)", link).group(1))
    assert viewed(mariadb, sec, f"audit event {eid}") == 1
    back = re.search(r'<a href="([^"]+)" id="back">', d.text).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(back).query)["account"] == [t.username]
    assert parse_qs(urlsplit(back).query)["page"] == ["2"]
    # An event that does not exist, and a path that is no event.
    assert s.get(ap.url(f"{AUDIT}/999999999"), timeout=30).status_code == 404
    assert s.get(ap.url(f"{AUDIT}/abc"), timeout=30).status_code == 404


def test_viewing_is_audited(apache, new_account, smtp, mariadb):
    ap = apache
    s, sec = security_browser(ap, new_account, smtp)
    t = new_account(prefix="audv")
    assert viewed(mariadb, sec) == 0
    listing(s, ap, to=None)
    assert viewed(mariadb, sec, "filter: none") == 1
    listing(s, ap, account=t.username, event="logon", ip="192.0.2.")
    assert viewed(mariadb, sec, f"account={t.username} event=logon to=2025-12-31 ip=192.0.2.") == 1
    # The viewing is itself in the log, under the Security user.
    rows = table_rows(listing(s, ap, account=sec.username, event="audit-viewed", to=None))
    assert len(rows) == 2 and all(r[2] == sec.username for r in rows), rows
    assert viewed(mariadb, sec) == 3


def test_csv_export(apache, new_account, smtp, mariadb):
    ap = apache
    s, sec = security_browser(ap, new_account, smtp)
    t = the_events(mariadb, new_account, sec)
    r = listing(s, ap, account=t.username, **{"from": "2025-01-12", "to": "2025-06-30"})
    link = re.search(r'<a href="([^"]+)" id="export">Export these events as CSV</a>', r.text)
    assert link, r.text[-2000:]
    e = s.get(urljoin(r.url, link.group(1).replace("&amp;", "&")), timeout=30)
    assert e.status_code == 200
    assert e.headers["Content-Type"].startswith("text/csv")
    assert re.match(r'attachment; filename="audit-log-\d{8}-\d{6}\.csv"',
                    e.headers["Content-Disposition"]), e.headers["Content-Disposition"]
    assert e.headers.get("Cache-Control") == "no-store"
    body = e.content.decode("utf-8")
    assert body.endswith("\r\n") and "\r\n" in body.split("\n")[0] + "\n"
    got = list(csv.reader(io.StringIO(body, newline="")))
    assert got[0] == ["id", "time_utc", "event", "account_id", "account", "actor_id", "actor",
                      "ip", "detail"]
    data = got[1:]
    assert [x[2] for x in data] == ["security-disable", "email-changed", "password-changed",
                                    "logon-failed"]
    first = data[0]
    assert first[1] == "2025-01-20 12:00:00" and first[3] == str(t.id) and first[4] == t.username
    assert first[5] == str(sec.id) and first[6] == sec.username and first[7] == "2001:db8::1"
    # Quoting (RFC 4180): a comma, quotes and a line break survive.
    assert first[8] == 'disabled, "quoted"\nsecond line'
    assert '"disabled, ""quoted""\nsecond line"' in body
    # The formula guard: a cell starting with = + - @ gets a single quote.
    assert data[2][8] == '\'=HYPERLINK("http://evil.example/","x")'
    assert data[1][8] == "'-2+3, @SUM(1)"
    assert data[3][5] == "" and data[3][6] == ""   # no actor: empty cells
    # The export is audited with its filter.
    assert int(mariadb.value(
        "SELECT COUNT(*) FROM mc_audit WHERE event = 'audit-exported' AND "
        f"account_id = {sec.id} AND actor_id = {sec.id} AND detail LIKE "
        f"{q('%account=' + t.username + ' from=2025-01-12 to=2025-06-30%')}")) == 1


def test_csv_export_of_many(apache, new_account, smtp, mariadb):
    """More events than a part (500) with one time shared across the parts'
    edges: each once, in order."""
    ap = apache
    s, sec = security_browser(ap, new_account, smtp)
    t = new_account(prefix="audm")
    put_events(mariadb, [(f"2025-04-0{1 + i // 400} 09:00:00", "logon", t.id, 0, "192.0.2.8",
                          f"m{i}") for i in range(1201)])
    e = s.get(ap.url(AUDIT + "/export"), params={"account": t.username, "to": "2025-12-31"},
              timeout=60)
    assert e.status_code == 200
    data = list(csv.reader(io.StringIO(e.content.decode(), newline="")))[1:]
    assert len(data) == 1201 and len({x[0] for x in data}) == 1201
    keys = [(x[1], int(x[0])) for x in data]
    assert keys == sorted(keys, reverse=True)


def test_only_the_security_unit(apache, new_account, smtp, mariadb):
    ap = apache
    user = new_account(prefix="audn")
    s = new_browser()
    logon_full(s, ap, user, smtp)
    eid = mariadb.value("SELECT MAX(id) FROM mc_audit")
    for path in (AUDIT, AUDIT + "/export", f"{AUDIT}/{eid}"):
        r = s.get(ap.url(path), params={"account": user.username}, timeout=30)
        assert r.status_code == 403, (path, r.status_code)
        assert "time_utc" not in r.text
    assert int(mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event IN ('audit-viewed', "
                             f"'audit-exported') AND actor_id = {user.id}")) == 0
    r = new_browser().get(ap.url(AUDIT), allow_redirects=False, timeout=30)
    assert r.status_code in (302, 303, 401, 403) and "Event type" not in r.text


def test_get_only(apache, new_account, smtp, mariadb):
    """No method but GET (and HEAD) reaches the viewer; it changes nothing
    but its own audit row."""
    ap = apache
    s, sec = security_browser(ap, new_account, smtp)
    t = the_events(mariadb, new_account, sec)
    csrf = re.search(r'name="mc_csrf" value="([^"]+)"', s.get(ap.url("/probe/mine")).text).group(1)
    eid = mariadb.value(f"SELECT MAX(id) FROM mc_audit WHERE account_id = {t.id}")
    before = mariadb.sql(f"SELECT * FROM mc_audit WHERE account_id = {t.id} ORDER BY id")
    for path in (AUDIT, AUDIT + "/export", f"{AUDIT}/{eid}"):
        r = s.post(ap.url(path), data={"mc_csrf": csrf, "account": t.username},
                   allow_redirects=False, timeout=30)
        assert r.status_code in (404, 405), (path, r.status_code)
    n = viewed(mariadb, sec)
    listing(s, ap, account=t.username)
    s.get(ap.url(f"{AUDIT}/{eid}"), timeout=30)
    s.get(ap.url(AUDIT + "/export"), params={"account": t.username}, timeout=30)
    assert mariadb.sql(f"SELECT * FROM mc_audit WHERE account_id = {t.id} ORDER BY id") == before
    assert viewed(mariadb, sec) == n + 2
    assert mariadb.value(f"SELECT status FROM mc_account WHERE id = {t.id}") == "active"
