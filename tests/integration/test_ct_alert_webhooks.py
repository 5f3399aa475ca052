"""Case.net's webhooks (issue 16) and the alert filter: a docket entry of a
tracked case queues docket.entry.created for each tracking account whose
filter takes the entry's kind and that has an endpoint subscribed to it
(mod_mocourts/lib/mc_case.c, in the entry's transaction); a hearing new to
an existing tracked case in `mocourts-admin import`, or one the clerk
schedules, queues hearing.scheduled to the filters with hearings; making a case confidential
drops its undelivered deliveries. (Signing, delivery and retries are the
core's: the webhook tests of mc_webhook.)

The endpoints are written by SQL and point at a closed loopback port, so
the deliveries stay undelivered (queued or retrying) for the test to read."""
import json
import secrets

from api_client import check_webhook
from harness import web
from helpers_casenet import seed_case, seed_court, unique_tag
from test_ct_alert_filters import filtered
from test_ct_clerk import add_tracker, clerk_session
from test_ct_import import TYPES, write_feed
from test_ct_notify import add_entry, plain
from test_ct_track import q

DOCKET, HEARING = "docket.entry.created", "hearing.scheduled"


def endpoint(mariadb, account, events=(DOCKET, HEARING), enabled=True):
    mariadb.sql("INSERT INTO mc_webhook_endpoint (account_id, url, events, secret, enabled, "
                f"created_at) VALUES ({account.id}, 'http://127.0.0.1:9/hook', "
                f"{q(','.join(events))}, 'whsec_dGVzdA==', {1 if enabled else 0}, "
                "UTC_TIMESTAMP())")
    return int(mariadb.value(f"SELECT MAX(id) FROM mc_webhook_endpoint WHERE account_id = "
                             f"{account.id}"))


def deliveries(mariadb, number, event):
    """{account id: [data, ...]} of the case's deliveries of event."""
    out = {}
    for acct, payload in mariadb.sql(
            "SELECT e.account_id, d.payload FROM mc_webhook_delivery d JOIN mc_webhook_endpoint "
            f"e ON e.id = d.endpoint_id WHERE d.case_ref = {q(number)} AND d.event = {q(event)} "
            "ORDER BY d.id"):
        body = check_webhook(json.loads(payload))
        assert body["type"] == event
        out.setdefault(int(acct), []).append(body["data"])
    return out


def test_docket_entry_webhooks_follow_the_filter(apache, new_account, smtp, mariadb):
    ap = apache
    court = seed_court(mariadb)
    tag = unique_tag()
    case_id, number = seed_case(mariadb, court, caption=f"{tag} V HOOKS")
    s, _ = clerk_session(ap, new_account, smtp, court)
    orders, every, other, no_hook, off, hearings_only, stopped = (
        new_account(prefix="cwh") for _ in range(7))
    filtered(mariadb, add_tracker(mariadb, orders, case_id), ["orders"])
    add_tracker(mariadb, every, case_id, frequency="daily")
    filtered(mariadb, add_tracker(mariadb, other, case_id, channel="sms",
                                  recipient="+15735550199"), ["other"])
    add_tracker(mariadb, no_hook, case_id)
    add_tracker(mariadb, off, case_id)
    add_tracker(mariadb, hearings_only, case_id)
    add_tracker(mariadb, stopped, case_id, active=False)
    for a in (orders, every, other, stopped):
        endpoint(mariadb, a)
    endpoint(mariadb, off, enabled=False)
    endpoint(mariadb, hearings_only, events=(HEARING,))

    add_entry(s, ap, number, f"Notice {tag}", entry_type="Notice")
    got = deliveries(mariadb, number, DOCKET)
    assert sorted(got) == sorted([every.id, other.id])
    add_entry(s, ap, number, f"Order {tag}", entry_type="Order")
    got = deliveries(mariadb, number, DOCKET)
    assert sorted(got) == sorted([every.id, other.id, orders.id])
    assert len(got[every.id]) == 2 and len(got[other.id]) == 1 and len(got[orders.id]) == 1
    data = got[orders.id][0]
    entry_id = int(mariadb.value(f"SELECT MAX(id) FROM mc_docket WHERE case_id = {case_id}"))
    assert data == {"case_number": number, "caption": f"{tag} V HOOKS", "court": court["name"],
                    "entry": {"id": entry_id, "date": data["entry"]["date"], "type": "Order",
                              "kind": "orders", "text": f"Order {tag}", "filed_by": ""}}
    assert got[other.id][0]["entry"]["kind"] == "other"

    # Confidential: the undelivered deliveries of the case are gone.
    page = s.get(ap.url(f"/casenet/clerk/case/{number}"), timeout=30)
    r = web.submit(s, page, {"c_on": "1", "c_confirm": "1"}, action_contains="/confidential",
                   timeout=30)
    assert "The case is now confidential" in plain(r.text)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_webhook_delivery WHERE case_ref = "
                         f"{q(number)} AND status <> 'delivered'") == "0"
    add_entry(s, ap, number, f"Sealed {tag}", entry_type="Order")
    assert deliveries(mariadb, number, DOCKET) == {}


def test_imported_hearing_webhooks(admin, mariadb, new_account, tmp_path):
    """A hearing new to a case that existed before the import: to the
    trackers with hearings in their filter (or none) and an endpoint for
    hearing.scheduled; a case new in the import, or a hearing already
    there, tells nobody."""
    court = seed_court(mariadb)
    code, prefix = court["code"], court["prefix"]
    number = f"{prefix}-CC{secrets.randbelow(90000) + 10000}"
    head = TYPES + (f'<court code="{code}" circuit="7" county="C" name="{court["name"]}" '
                    f'case-prefix="{prefix}"/>\n')

    def case(hearings):
        return (f'<case number="{number}" court="{code}" type="CC" filed="2026-01-05">'
                f'<caption>HEARING V HOOKS</caption>' +
                "".join(f'<hearing id="{i}" at="2027-03-0{i}T09:30" type="Trial Setting" '
                        f'location="Division {i}"/>' for i in hearings) + "</case>\n")

    tmp = tmp_path
    admin.run("import", write_feed(tmp / "a.xml", head + case([1])))
    case_id = int(mariadb.value(f"SELECT id FROM mc_case WHERE number = {q(number)}"))
    assert deliveries(mariadb, number, HEARING) == {}
    hear, orders, every = (new_account(prefix="cwi") for _ in range(3))
    filtered(mariadb, add_tracker(mariadb, hear, case_id), ["hearings"])
    filtered(mariadb, add_tracker(mariadb, orders, case_id), ["orders"])
    add_tracker(mariadb, every, case_id)
    for a in (hear, orders, every):
        endpoint(mariadb, a)

    admin.run("import", write_feed(tmp / "b.xml", head + case([1, 2])))
    got = deliveries(mariadb, number, HEARING)
    assert sorted(got) == sorted([hear.id, every.id])
    hid = int(mariadb.value(f"SELECT id FROM mc_hearing WHERE case_id = {case_id} AND ref = '2'"))
    assert got[hear.id] == [{"case_number": number, "caption": "HEARING V HOOKS",
                             "court": court["name"],
                             "hearing": {"id": hid, "at": "2027-03-02T09:30",
                                         "type": "Trial Setting", "location": "Division 2",
                                         "judge": ""}}]
    # The same feed again: nothing new.
    admin.run("import", write_feed(tmp / "c.xml", head + case([1, 2])))
    assert sum(len(v) for v in deliveries(mariadb, number, HEARING).values()) == 2


def test_clerk_hearing_webhooks(apache, new_account, smtp, mariadb):
    """The clerk's Schedule a Hearing: hearing.scheduled to the trackers
    with hearings in their filter (or none), and its docket entry (Hearing
    Scheduled, kind hearings) as docket.entry.created to the same."""
    ap = apache
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption=f"{unique_tag()} V CLERKHOOK")
    s, _ = clerk_session(ap, new_account, smtp, court)
    hear, orders, every = (new_account(prefix="cwc") for _ in range(3))
    filtered(mariadb, add_tracker(mariadb, hear, case_id), ["hearings"])
    filtered(mariadb, add_tracker(mariadb, orders, case_id), ["orders"])
    add_tracker(mariadb, every, case_id)
    for a in (hear, orders, every):
        endpoint(mariadb, a)
    page = s.get(ap.url(f"/casenet/clerk/case/{number}"), timeout=30)
    r = web.submit(s, page, {"h_date": "2099-05-06", "h_time": "13:30", "h_type": "Trial Setting",
                             "h_location": "Division 9", "h_judge": ""},
                   action_contains="/hearing", timeout=30)
    assert "Hearing scheduled" in plain(r.text), plain(r.text)[:1000]
    hid = int(mariadb.value(f"SELECT id FROM mc_hearing WHERE case_id = {case_id}"))
    got = deliveries(mariadb, number, HEARING)
    assert sorted(got) == sorted([hear.id, every.id])
    assert got[every.id] == [{"case_number": number, "caption": got[every.id][0]["caption"],
                              "court": court["name"],
                              "hearing": {"id": hid, "at": "2099-05-06T13:30",
                                          "type": "Trial Setting", "location": "Division 9",
                                          "judge": ""}}]
    entries = deliveries(mariadb, number, DOCKET)
    assert sorted(entries) == sorted([hear.id, every.id])
    assert entries[hear.id][0]["entry"]["type"] == "Hearing Scheduled"
    assert entries[hear.id][0]["entry"]["kind"] == "hearings"
