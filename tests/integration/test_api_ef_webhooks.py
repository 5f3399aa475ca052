"""eFiling's webhook (issue 16): every status change of an envelope (the
submit, the clerk's open, accept and reject, the filer's cancel), through the
API or the pages, queues filing.status.changed for the filer's endpoints
subscribed to it, in the change's transaction (ef_status_set). Signing and
delivery are the core's (test_webhooks); the endpoints here point at a
closed loopback port, so the deliveries stay for the test to read."""
import json

from api_client import ApiClient, check_webhook, make_token
from helpers_casenet import seed_case, unique_tag
from helpers_core import logged_on_csrf, logon_full, new_browser
from helpers_efiling import ECF, clerk_of, ef_court, filer, make_pdf
from test_ct_alert_webhooks import endpoint
from test_ct_track import q
from test_ef_review import make_envelope

EVENT = "filing.status.changed"


def hooks(mariadb, account):
    """[(case_ref, data), ...] of the filer's filing.status.changed deliveries."""
    return [(ref, check_webhook(json.loads(payload))) for ref, payload in mariadb.sql(
        "SELECT COALESCE(d.case_ref, ''), d.payload FROM mc_webhook_delivery d JOIN "
        f"mc_webhook_endpoint e ON e.id = d.endpoint_id WHERE e.account_id = {account.id} AND "
        f"d.event = {q(EVENT)} ORDER BY d.id")]


def test_status_changes_emit_filing_status_changed(apache, mariadb, new_account):
    court = ef_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption=f"{unique_tag()} V HOOKS")
    acct = filer(mariadb, new_account)
    endpoint(mariadb, acct, events=(EVENT,))
    other = filer(mariadb, new_account)
    endpoint(mariadb, other, events=("docket.entry.created",))   # not subscribed to it
    api = ApiClient(apache, make_token(mariadb, acct, ["filings:read", "filings:write"]))

    env = api.post("/envelopes", json={"kind": "existing", "court": court["code"],
                                       "case_number": number}, expect=201).json()
    api.post(f"/envelopes/{env['id']}/documents", data=make_pdf("motion"), expect=201,
             params={"filing_code": "MOT", "lead": "true"},
             headers={"Content-Type": "application/pdf"})
    assert hooks(mariadb, acct) == []                     # a draft changes no status
    env = api.post(f"/envelopes/{env['id']}/submit", json={}, expect=200,
                   headers={"Idempotency-Key": "hook-1"}).json()
    [(ref, body)] = hooks(mariadb, acct)
    assert ref == number and body["type"] == EVENT
    assert body["data"] == {"envelope_id": env["id"], "number": env["number"],
                            "status": "submitted", "status_label": "Submitted",
                            "previous_status": "draft", "court_code": court["code"],
                            "case_number": number, "note": "Submitted; fees $0.00"}

    clerk = ApiClient(apache, make_token(mariadb, clerk_of(new_account, court), ["clerk"]))
    clerk.post(f"/clerk/envelopes/{env['id']}/open", expect=200)
    clerk.post(f"/clerk/envelopes/{env['id']}/reject", expect=200,
               json={"reason": "Missing signature", "text": "Sign page 2."})
    got = [b["data"] for _, b in hooks(mariadb, acct)]
    assert [(d["previous_status"], d["status"]) for d in got] == \
        [("draft", "submitted"), ("submitted", "review"), ("review", "rejected")]
    assert got[2]["note"] == "Reason: Missing signature. Sign page 2."
    assert hooks(mariadb, other) == []


def test_page_cancel_and_new_case_accept_emit_too(apache, mariadb, new_account, smtp):
    court = ef_court(mariadb)
    acct = filer(mariadb, new_account)
    endpoint(mariadb, acct, events=(EVENT,))
    # The filer cancels on the envelope page.
    env_id, num = make_envelope(mariadb, court, acct)
    http = new_browser()
    logon_full(http, apache, acct, smtp)
    csrf = logged_on_csrf(http, apache)
    r = http.post(apache.url(f"{ECF}/envelopes/{env_id}/cancel"), data={"mc_csrf": csrf},
                  timeout=30, allow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    [(ref, body)] = hooks(mariadb, acct)
    assert (ref, body["data"]["status"], body["data"]["number"]) == ("", "cancelled", num)
    # A new case accepted: the hook names the number it got.
    new_id, _ = make_envelope(mariadb, court, acct, kind="new", case_type="CC",
                              caption=f"{unique_tag()} V NEW", docs=(("PET", True),),
                              parties=(("plaintiff", "person", "Doe", "Jane"),
                                       ("defendant", "business", "Acme", "")),
                              status="review")
    clerk = ApiClient(apache, make_token(mariadb, clerk_of(new_account, court), ["clerk"]))
    env = clerk.post(f"/clerk/envelopes/{new_id}/accept", expect=200).json()
    ref, body = hooks(mariadb, acct)[-1]
    assert env["case_number"] and ref == env["case_number"]
    assert (body["data"]["status"], body["data"]["case_number"]) == ("accepted",
                                                                     env["case_number"])
