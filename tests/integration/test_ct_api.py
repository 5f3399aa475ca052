"""Case.net's part of the JSON API (issue 16; plugins/casetrack/api_*.c,
templates/casetrack/openapi.json): the five searches and a case (scope
casenet:read), the tracked cases, Manage My Case notes and the notification
history (scope tracking). Every answer goes through ApiClient, which checks
it against the served OpenAPI document. Checked here: every endpoint,
scope refusal (403), another account's token (404), bad input (422 with the
field), cursor paging, 304 on If-None-Match, a confidential case never
appearing, the alert filter stored as the page stores it."""
import re
from pathlib import Path

import jsonschema

from api_client import ApiClient, assert_problem, make_token, openapi_doc
from helpers_casenet import (seed_attorney, seed_case, seed_court, seed_docket, seed_hearing,
                             seed_judgment, seed_party, set_confidential, unique_tag)
from test_ct_track import q

READ, TRACK = ["casenet:read"], ["tracking"]


def field_error(r, field):
    body = assert_problem(r, 422, "invalid-field")
    assert [e["field"] for e in body["errors"]] == [field], body
    return body["errors"][0]["detail"]


def all_pages(api, path, limit):
    """Every item of a list, following next_cursor; (items, pages)."""
    items, pages, cursor = [], 0, None
    while True:
        sep = "&" if "?" in path else "?"
        url = f"{path}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        body = api.get(url, expect=200).json()
        items += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return items, pages
        assert len(body["items"]) == limit


def court_data(mariadb):
    court = seed_court(mariadb)
    tag = unique_tag()
    public = []
    for i in range(3):
        cid, number = seed_case(mariadb, court, caption=f"{tag} V ACME {i}", filed_on="2026-02-03")
        seed_party(mariadb, cid, f"{tag}SMITH", first="JOHN", birth_year=1970, city="ST LOUIS")
        public.append((cid, number))
    hidden_id, hidden = seed_case(mariadb, court, caption=f"{tag} V SEALED", filed_on="2026-02-03",
                                  confidential=True)
    seed_party(mariadb, hidden_id, f"{tag}SMITH", first="JOHN")
    seed_judgment(mariadb, hidden_id, f"{tag}DEBTOR", "BANK", amount="99.00")
    seed_hearing(mariadb, hidden_id, "2026-03-02 09:00:00")
    cid, number = public[0]
    seed_attorney(mariadb, cid, "JANE LAWYER", bar_number="12345", firm="LAWYER LLC")
    seed_docket(mariadb, cid, "2026-02-03", "Petition Filed", "Petition filed.", "JANE LAWYER")
    seed_docket(mariadb, cid, "2026-02-10", "Order", "Order entered.")
    seed_hearing(mariadb, cid, "2026-03-02 10:30:00", hearing_type="Trial Setting",
                 location="Division 4")
    seed_judgment(mariadb, cid, f"{tag}DEBTOR", "ACME INC", amount="1234.50", satisfied=True)
    return court, tag, public, hidden


def test_searches_and_case(apache, new_account, mariadb):
    court, tag, public, hidden = court_data(mariadb)
    acct = new_account(prefix="api")
    api = ApiClient(apache, make_token(mariadb, acct, READ))
    numbers = sorted(n for _, n in public)

    # Litigant name: the public cases, paged by cursor; never the sealed one.
    items, pages = all_pages(api, f"/casenet/search/name?last={tag}SM", 2)
    assert pages == 2 and sorted(i["case_number"] for i in items) == numbers
    assert hidden not in {i["case_number"] for i in items}
    assert items[0]["last_name"] == f"{tag}SMITH" and items[0]["birth_year"] == 1970
    assert items[0]["role"] == "plaintiff" and items[0]["court"] == court["name"]
    detail = field_error(api.get(f"/casenet/search/name?last={tag[0]}"), "last")
    assert detail == "Last Name or Business Name: enter at least 2 letters."
    field_error(api.get(f"/casenet/search/name?last={tag}&birth_from=19x"), "birth_from")
    field_error(api.get(f"/casenet/search/name?last={tag}&court=NOPE99"), "court")

    # Case number, filing date.
    r = api.get(f"/casenet/search/number?number={public[1][1].lower()}", expect=200).json()
    assert [i["case_number"] for i in r["items"]] == [public[1][1]] and r["next_cursor"] is None
    assert api.get(f"/casenet/search/number?number={hidden}", expect=200).json()["items"] == []
    field_error(api.get("/casenet/search/number?number=12"), "number")
    r = api.get(f"/casenet/search/date?court={court['code']}&date=2026-02-03", expect=200).json()
    assert sorted(i["case_number"] for i in r["items"]) == numbers
    assert r["items"][0]["status"] == "open" and r["items"][0]["case_type"] == "Circuit Civil"
    field_error(api.get(f"/casenet/search/date?court={court['code']}&date=2026-02-30"), "date")

    # Hearings (31 days at most), judgments (debtor by default).
    r = api.get(f"/casenet/search/hearings?court={court['code']}&from=2026-03-01&to=2026-03-05",
                expect=200).json()
    assert r["items"] == [{"at": "2026-03-02 10:30", "case_number": public[0][1],
                           "caption": f"{tag} V ACME 0", "hearing_type": "Trial Setting",
                           "location": "Division 4", "judge": ""}]
    field_error(api.get(f"/casenet/search/hearings?court={court['code']}&from=2026-03-01"
                        "&to=2026-04-15"), "to")
    r = api.get(f"/casenet/search/judgments?name={tag}DEB", expect=200).json()
    assert r["items"] == [{"debtor": f"{tag}DEBTOR", "creditor": "ACME INC", "amount": "1234.50",
                           "entered_on": "2026-02-01", "satisfied": True,
                           "case_number": public[0][1], "caption": f"{tag} V ACME 0"}]
    field_error(api.get(f"/casenet/search/judgments?name={tag}&party=judge"), "party")

    # One case, with its ETag; the sealed one is 404 like one that is not there.
    r = api.get(f"/casenet/cases/{public[0][1]}", expect=200)
    case = r.json()
    assert case["case_number"] == public[0][1] and case["court"]["code"] == court["code"]
    assert case["judge"] is None and case["status"] == "open"
    assert [(d["type"], d["kind"]) for d in case["docket"]] == [("Order", "orders"),
                                                                ("Petition Filed", "filings")]
    assert case["attorneys"] == [{"name": "JANE LAWYER", "bar_number": "12345",
                                  "firm": "LAWYER LLC", "for_party": ""}]
    assert case["judgments"][0]["amount"] == "1234.50" and case["judgments"][0]["satisfied"]
    assert case["parties"][0]["birth_year"] == 1970
    etag = r.headers["ETag"]
    api.get(f"/casenet/cases/{public[0][1]}", headers={"If-None-Match": etag}, expect=304)
    for number in (hidden, "22XX-CC99999", "bad"):
        assert_problem(api.get(f"/casenet/cases/{number}"), 404, "not-found")

    # Scope: a tracking token may not search.
    other = ApiClient(apache, make_token(mariadb, acct, TRACK))
    assert_problem(other.get(f"/casenet/search/name?last={tag}"), 403)
    assert_problem(other.get(f"/casenet/cases/{public[0][1]}"), 403)


def tracking_row(mariadb, acct, case_id):
    rows = mariadb.sql(f"SELECT channel, frequency, alert_types, active FROM mc_track WHERE "
                       f"account_id = {acct.id} AND case_id = {case_id}")
    return rows[0] if rows else None


def test_tracked_cases(apache, new_account, mariadb):
    court, tag, public, hidden = court_data(mariadb)
    acct, stranger = new_account(prefix="apt"), new_account(prefix="apx")
    api = ApiClient(apache, make_token(mariadb, acct, TRACK))
    theirs = ApiClient(apache, make_token(mariadb, stranger, TRACK + READ))
    (cid, number), (cid2, number2), (cid3, number3) = public

    r = api.post("/tracked-cases", json={"case_number": number, "method": "email",
                                         "alert_types": ["orders", "hearings"]}, expect=201)
    t = r.json()
    assert t["case_number"] == number and t["method"] == "email"
    assert t["recipient"] == acct.email and t["frequency"] == "each"
    assert t["alert_types"] == ["orders", "hearings"]
    assert tracking_row(mariadb, acct, cid) == ("email", "each", "orders,hearings", "1")
    # In My Cases too, as the page does.
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_mycase WHERE account_id = {acct.id} AND "
                         f"case_id = {cid}") == "1"
    assert_problem(api.post("/tracked-cases", json={"case_number": number, "method": "email"}),
                   409, "conflict")
    api.post("/tracked-cases", json={"case_number": number2, "method": "email"}, expect=201)
    api.post("/tracked-cases", json={"case_number": number3, "method": "email",
                                     "frequency": "daily", "alert_types": "all"}, expect=201)
    assert tracking_row(mariadb, acct, cid3) == ("email", "daily", None, "1")

    # Bad input: 422 naming the field, nothing saved.
    assert_problem(api.post("/tracked-cases", json={"case_number": "22XX-CC99999",
                                                    "method": "email"}), 404, "not-found")
    assert_problem(api.post("/tracked-cases", json={"case_number": hidden, "method": "email"}),
                   404, "not-found")
    field_error(api.post("/tracked-cases", json={"method": "email"}), "case_number")
    field_error(api.patch(f"/tracked-cases/{number}", json={"method": "fax"}), "method")
    field_error(api.patch(f"/tracked-cases/{number}", json={"frequency": "weekly"}), "frequency")
    field_error(api.patch(f"/tracked-cases/{number}", json={"alert_types": []}), "alert_types")
    field_error(api.patch(f"/tracked-cases/{number}", json={"alert_types": ["memos"]}),
                "alert_types")
    assert "verified phone" in field_error(
        api.patch(f"/tracked-cases/{number}", json={"method": "sms", "phone": "+15735550100"}),
        "phone")
    assert tracking_row(mariadb, acct, cid) == ("email", "each", "orders,hearings", "1")
    assert_problem(api.post("/tracked-cases", data="case=1",
                            headers={"Content-Type": "application/x-www-form-urlencoded"}), 415)

    # Change: the filter, the frequency; the rest kept.
    r = api.patch(f"/tracked-cases/{number}", json={"frequency": "daily",
                                                     "alert_types": ["other"]}, expect=200)
    assert r.json()["alert_types"] == ["other"] and r.json()["frequency"] == "daily"
    assert tracking_row(mariadb, acct, cid) == ("email", "daily", "other", "1")
    r = api.patch(f"/tracked-cases/{number}", json={"alert_types": "all"}, expect=200)
    assert r.json()["alert_types"] == ["orders", "hearings", "filings", "other"]
    assert tracking_row(mariadb, acct, cid)[2] is None

    # The list, by cursor; one, with its ETag.
    items, pages = all_pages(api, "/tracked-cases", 2)
    assert pages == 2 and [i["case_number"] for i in items] == [number, number2, number3]
    r = api.get(f"/tracked-cases/{number2}", expect=200)
    api.get(f"/tracked-cases/{number2}", headers={"If-None-Match": r.headers["ETag"]}, expect=304)

    # Another account's token: nothing of these is there.
    assert theirs.get("/tracked-cases", expect=200).json() == {"items": [], "next_cursor": None}
    for call in (theirs.get, theirs.delete):
        assert_problem(call(f"/tracked-cases/{number}"), 404, "not-found")
    assert_problem(theirs.patch(f"/tracked-cases/{number}", json={"frequency": "each"}), 404)
    assert tracking_row(mariadb, acct, cid)[3] == "1"
    assert tracking_row(mariadb, stranger, cid) is None

    # Scope: a casenet:read token may not track.
    reader = ApiClient(apache, make_token(mariadb, acct, READ))
    assert_problem(reader.get("/tracked-cases"), 403)
    assert_problem(reader.post("/tracked-cases", json={"case_number": number,
                                                       "method": "email"}), 403)

    # Stop: 204, audited, then 404.
    api.delete(f"/tracked-cases/{number}", expect=204)
    assert tracking_row(mariadb, acct, cid)[3] == "0"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_audit WHERE event = 'case-track-stop' AND "
                         f"account_id = {acct.id}") == "1"
    assert_problem(api.get(f"/tracked-cases/{number}"), 404, "not-found")
    assert_problem(api.delete(f"/tracked-cases/{number}"), 404, "not-found")
    # Tracked again after a stop: 201.
    api.post("/tracked-cases", json={"case_number": number, "method": "email"}, expect=201)


def test_notes(apache, new_account, mariadb):
    court, tag, public, hidden = court_data(mariadb)
    acct, stranger = new_account(prefix="apn"), new_account(prefix="apy")
    api = ApiClient(apache, make_token(mariadb, acct, TRACK))
    theirs = ApiClient(apache, make_token(mariadb, stranger, TRACK))
    (cid, number), (cid2, number2), _ = public

    assert_problem(api.get(f"/my-cases/{number}/note"), 404, "not-found")
    r = api.put(f"/my-cases/{number}/note", json={"note": "Call the clerk \u2013 Monday"},
                expect=200)
    assert {k: v for k, v in r.json().items() if k != "last_activity"} == {
        "case_number": number, "caption": f"{tag} V ACME 0", "court": court["name"],
        "note": "Call the clerk \u2013 Monday", "tracked": False, "tags": []}
    api.put(f"/my-cases/{number2}/note", json={"note": "second"}, expect=200)
    assert api.get(f"/my-cases/{number}/note", expect=200).json()["note"] == \
        "Call the clerk \u2013 Monday"
    r = api.put(f"/my-cases/{number}/note", json={"note": "changed"}, expect=200)
    assert mariadb.value(f"SELECT note FROM mc_mycase WHERE account_id = {acct.id} AND "
                         f"case_id = {cid}") == "changed"
    assert "at most 2,000 characters (it has 2001)" in field_error(
        api.put(f"/my-cases/{number}/note", json={"note": "x" * 2001}), "note")
    field_error(api.put(f"/my-cases/{number}/note", json={"note": 5}), "note")
    assert_problem(api.put(f"/my-cases/{hidden}/note", json={"note": "x"}), 404, "not-found")

    items, pages = all_pages(api, "/my-cases", 1)
    assert pages == 2 and sorted(i["case_number"] for i in items) == sorted([number, number2])

    # Another account: 404, nothing changed.
    assert_problem(theirs.get(f"/my-cases/{number}/note"), 404, "not-found")
    assert_problem(theirs.delete(f"/my-cases/{number}/note"), 404, "not-found")
    assert theirs.get("/my-cases", expect=200).json()["items"] == []

    api.delete(f"/my-cases/{number}/note", expect=204)
    assert api.get(f"/my-cases/{number}/note", expect=200).json()["note"] == ""


def test_notifications(apache, new_account, mariadb):
    acct, stranger = new_account(prefix="aph"), new_account(prefix="apz")
    api = ApiClient(apache, make_token(mariadb, acct, TRACK))
    tag = unique_tag()
    for i in range(5):
        mariadb.sql("INSERT INTO mc_outbox (account_id, channel, recipient, subject, body, kind, "
                    "case_ref, status, attempts, queued_at, next_attempt_at) VALUES "
                    f"({acct.id}, 'email', {q(acct.email)}, 'Notice {tag} {i}', 'x', "
                    f"'track-entry', {q('22AP-CC0000' + str(i % 2))}, 'failed', 1, "
                    f"UTC_TIMESTAMP() - INTERVAL {10 - i} MINUTE, UTC_TIMESTAMP())")
    items, pages = all_pages(api, "/notifications", 2)
    assert pages == 3
    assert [i["subject"] for i in items] == [f"Notice {tag} {i}" for i in (4, 3, 2, 1, 0)]
    assert items[0]["status"] == "failed" and items[0]["sent_at"] is None
    r = api.get("/notifications?case=22ap-cc00001", expect=200).json()
    assert [i["subject"] for i in r["items"]] == [f"Notice {tag} 3", f"Notice {tag} 1"]
    field_error(api.get("/notifications?case=nope"), "case")
    assert_problem(api.get("/notifications?limit=500"), 400, "invalid-cursor")
    assert_problem(api.get("/notifications?cursor=zzz"), 400, "invalid-cursor")
    theirs = ApiClient(apache, make_token(mariadb, stranger, TRACK))
    assert theirs.get("/notifications", expect=200).json()["items"] == []
    assert_problem(ApiClient(apache, make_token(mariadb, acct, READ)).get("/notifications"), 403)


def test_a_case_made_confidential_disappears(apache, new_account, mariadb):
    """Tracked, in My Cases with a note, then confidential: gone from every
    read (the list, the one, the note, the search, the case), as if it never
    was; nothing can be changed through it."""
    court, tag, public, hidden = court_data(mariadb)
    acct = new_account(prefix="apc")
    api = ApiClient(apache, make_token(mariadb, acct, TRACK + READ))
    cid, number = public[0]
    api.post("/tracked-cases", json={"case_number": number, "method": "email"}, expect=201)
    api.put(f"/my-cases/{number}/note", json={"note": "before"}, expect=200)
    set_confidential(mariadb, cid)
    assert api.get("/tracked-cases", expect=200).json()["items"] == []
    assert api.get("/my-cases", expect=200).json()["items"] == []
    for path in (f"/tracked-cases/{number}", f"/my-cases/{number}/note",
                 f"/casenet/cases/{number}"):
        assert_problem(api.get(path), 404, "not-found")
    assert_problem(api.patch(f"/tracked-cases/{number}", json={"frequency": "daily"}), 404)
    assert_problem(api.put(f"/my-cases/{number}/note", json={"note": "after"}), 404)
    assert_problem(api.delete(f"/tracked-cases/{number}"), 404)
    found = api.get(f"/casenet/search/name?last={tag}SM&limit=100", expect=200).json()["items"]
    assert number not in {i["case_number"] for i in found}
    assert mariadb.value(f"SELECT note FROM mc_mycase WHERE account_id = {acct.id} AND "
                         f"case_id = {cid}") == "before"


def test_openapi_documents_every_casenet_route(apache):
    """Each route of plugins/casetrack/api_track.c's table is an operation
    of the served document with its error answer; Case.net's schemas are
    valid JSON Schema."""
    doc = openapi_doc(apache.base_url)
    src = (Path(__file__).resolve().parents[2] / "plugins/casetrack/api_track.c").read_text()
    routes = re.findall(r'\{"(GET|POST|PUT|PATCH|DELETE)", "(/[^"]*)"', src)
    assert len(routes) == 22, routes
    for method, pattern in routes:
        template = re.sub(r":(\w+)", r"{\1}", pattern)
        op = doc["paths"].get(template, {}).get(method.lower())
        assert op and "default" in op["responses"], (method, template)
    for name in ("CaseNameHit", "CaseHit", "HearingHit", "JudgmentHit", "AlertTypes", "Case",
                 "TrackedCase", "TrackingChoice", "MyCase", "Notification", "Tag"):
        jsonschema.Draft202012Validator.check_schema(doc["components"]["schemas"][name])
