"""eFiling's part of the JSON API (issue 16), scopes filings:read and
filings:write: a new case and a filing into an existing case from the draft
to the submit, with the wizard's rules and sentences; the account's
envelopes (cursor pages, status filter, ETag); scope refusals (403), another
account's envelope (404), bad input (422); ten parallel submits with one
Idempotency-Key make one envelope. Every answer is checked against the
served OpenAPI document (api_client.py). Uploads: test_api_ef_upload.py;
the clerk: test_api_ef_clerk.py."""
import concurrent.futures
import hashlib
import re
import secrets
from pathlib import Path

import jsonschema

from api_client import ApiClient, assert_problem, make_token, openapi_doc
from helpers_casenet import seed_case, unique_tag
from helpers_efiling import ef_court, filer, make_pdf, subscribe
from test_ef_review import make_envelope

READ, WRITE = "filings:read", "filings:write"


def api_of(apache, mariadb, account, scopes=(READ, WRITE)):
    return ApiClient(apache, make_token(mariadb, account, list(scopes)))


def upload(api, env_id, pdf, code, lead=False, filename="doc.pdf", expect=201):
    return api.post(f"/envelopes/{env_id}/documents", data=pdf, expect=expect,
                    params={"filing_code": code, "lead": "true" if lead else "false",
                            "filename": filename},
                    headers={"Content-Type": "application/pdf"})


def field_error(r, status=422):
    body = assert_problem(r, status, "invalid-field")
    [err] = body["errors"]
    return err["field"], err["detail"]


def submit(api, env_id, key=None, expect=200, **body):
    headers = {"Idempotency-Key": key or secrets.token_hex(16)}
    return api.post(f"/envelopes/{env_id}/submit", json=body, headers=headers, expect=expect)


def existing_ready(api, court, number, docs=(("MOT", True),)):
    """A draft into existing case number with its documents: its id."""
    env = api.post("/envelopes", json={"kind": "existing", "court": court["code"],
                                       "case_number": number}, expect=201).json()
    for i, (code, lead) in enumerate(docs):
        upload(api, env["id"], make_pdf(f"{code} {i} {unique_tag(4)}"), code, lead,
               filename=f"{code.lower()}{i}.pdf")
    return env["id"]


def test_new_case_from_draft_to_submit(apache, mariadb, new_account):
    court = ef_court(mariadb)
    acct = filer(mariadb, new_account)
    api = api_of(apache, mariadb, acct)

    # The wizard's first step, refused as the page refuses it.
    r = api.post("/envelopes", json={"kind": "appeal", "court": court["code"]}, expect=422)
    assert field_error(r)[0] == "kind"
    r = api.post("/envelopes", json={"kind": "new"}, expect=422)
    assert field_error(r) == ("court", "Choose the court.")
    r = api.post("/envelopes", json={"kind": "new", "court": court["code"], "case_type": "XX",
                                     "caption": "A V B"}, expect=422)
    assert field_error(r) == ("case_type", f"{court['name']} does not accept new cases of that "
                              "type electronically: choose a case type from the list.")
    r = api.post("/envelopes", json={"kind": "new", "court": court["code"], "case_type": "CC"},
                 expect=422)
    assert field_error(r) == ("caption", "Enter the case caption (for example, SMITH V JONES).")
    r = api.post("/envelopes", json={"kind": "new", "court": court["code"], "case_type": 7},
                 expect=422)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_envelope WHERE account_id = {acct.id}") == "0"

    caption = f"{unique_tag()} V ACME"
    r = api.post("/envelopes", json={"kind": "new", "court": court["code"], "case_type": "CC",
                                     "caption": caption}, expect=201)
    env = r.json()
    assert r.headers["Location"].endswith(f"/api/v1/envelopes/{env['id']}")
    assert (env["status"], env["kind"], env["court_code"], env["case_type"], env["caption"]) == \
        ("draft", "new", court["code"], "CC", caption)
    assert env["number"] is None and env["history"][0]["note"] == "Draft started"
    env_id = env["id"]

    # Parties: checked one by one, then all saved at once.
    r = api.put(f"/envelopes/{env_id}/parties", expect=422, json={"parties": [
        {"kind": "person", "role": "plaintiff", "last_name": "Doe", "first_name": "Jane"},
        {"kind": "person", "role": "defendant", "last_name": "", "first_name": "John"}]})
    assert field_error(r) == ("parties[1].last_name", "Enter the party's last name.")
    r = api.put(f"/envelopes/{env_id}/parties", expect=422,
                json={"parties": [{"kind": "robot", "role": "plaintiff"}]})
    assert field_error(r)[0] == "parties[0].kind"
    r = api.put(f"/envelopes/{env_id}/parties", expect=200, json={"parties": [
        {"kind": "person", "role": "plaintiff", "last_name": "Doe", "first_name": "Jane"},
        {"kind": "business", "role": "defendant", "business_name": "Acme Widgets LLC"}]})
    parties = r.json()["parties"]
    assert [(p["role"], p.get("last_name"), p.get("business_name")) for p in parties] == \
        [("plaintiff", "Doe", None), ("defendant", None, "Acme Widgets LLC")]

    # Not yet complete: no lead document.
    r = submit(api, env_id, expect=422, payment="court_account")
    assert assert_problem(r, 422, "incomplete")["detail"] == \
        "This envelope cannot be submitted yet: Upload the lead document before you continue."
    # The lead of a new case must start one.
    r = upload(api, env_id, make_pdf("motion"), "MOT", lead=True, expect=422)
    assert field_error(r)[0] == "lead"
    pdf = make_pdf(f"Petition {unique_tag(6)}")
    doc = upload(api, env_id, pdf, "PET", lead=True, filename="petition.pdf").json()
    assert doc["sha256"] == hashlib.sha256(pdf).hexdigest() and doc["bytes"] == len(pdf)
    assert (doc["filing_code"], doc["lead"], doc["filename"], doc["fee_cents"]) == \
        ("PET", True, "petition.pdf", 9500)
    fees = api.get(f"/envelopes/{env_id}/fees", expect=200).json()
    assert (fees["total_cents"], fees["total"], fees["charged"]) == (9500, "$95.00", False)
    assert {c["name"] for c in fees["payment_choices"]} == {"court_account", "waiver"}

    # Submit: the key is required; the payment is checked as on the page.
    r = api.post(f"/envelopes/{env_id}/submit", json={"payment": "court_account"}, expect=428)
    assert_problem(r, 428, "idempotency-key-required")
    r = submit(api, env_id, expect=422, payment="cash")
    assert field_error(r) == ("payment", "Choose how the fees will be paid.")
    r = submit(api, env_id, expect=422, payment="waiver", waiver_reason="  ")
    assert field_error(r) == ("waiver_reason", "State the reason for the fee waiver.")
    assert mariadb.value(f"SELECT status FROM mc_ef_envelope WHERE id = {env_id}") == "draft"
    env = submit(api, env_id, payment="court_account").json()
    assert env["status"] == "submitted" and env["number"].startswith("EF")
    assert env["fee_cents"] == 9500 and env["payment"] == "court_account"
    assert env["payment_ref"].startswith(f"CA-{env_id}-")
    assert [h["status"] for h in env["history"]] == ["draft", "submitted"]
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_charge WHERE envelope_id = {env_id}") == "1"
    # Submitted: no more changes.
    r = api.put(f"/envelopes/{env_id}/parties", json={"parties": []}, expect=409)
    assert_problem(r, 409, "conflict")
    r = upload(api, env_id, make_pdf("late"), "EXH", expect=409)
    assert assert_problem(r, 409, "conflict")["detail"] == \
        "This envelope is Submitted; only a draft can be changed."
    # Read back.
    got = api.get(f"/envelopes/{env_id}", expect=200).json()
    assert got["number"] == env["number"] and got["documents"][0]["sha256"] == doc["sha256"]
    assert api.get(f"/envelopes/{env_id}/documents", expect=200).json()["items"] == got["documents"]
    fees = api.get(f"/envelopes/{env_id}/fees", expect=200).json()
    assert (fees["total_cents"], fees["charged"]) == (9500, True)


def test_existing_case_filing_codes_lead_and_waiver(apache, mariadb, new_account):
    court = ef_court(mariadb)
    _, number = seed_case(mariadb, court, caption=f"{unique_tag()} V ACME")
    acct = filer(mariadb, new_account)
    api = api_of(apache, mariadb, acct)

    r = api.post("/envelopes", json={"kind": "existing", "court": court["code"],
                                     "case_number": "22-1234"}, expect=422)
    assert field_error(r)[0] == "case_number"
    r = api.post("/envelopes", json={"kind": "existing", "court": court["code"],
                                     "case_number": "99ZZ-CC99999"}, expect=422)
    assert field_error(r) == ("case_number", f"No case 99ZZ-CC99999 was found in {court['name']}.")
    env = api.post("/envelopes", json={"kind": "existing", "court": court["code"],
                                       "case_number": number.lower()}, expect=201).json()
    assert env["case_number"] == number
    env_id = env["id"]
    # An existing case names no parties.
    assert_problem(api.put(f"/envelopes/{env_id}/parties", json={"parties": []}, expect=409), 409)

    mot = upload(api, env_id, make_pdf("motion"), "MOT", lead=True).json()
    exh = upload(api, env_id, make_pdf("exhibit"), "EXH").json()
    # Filing codes and the lead.
    r = api.patch(f"/envelopes/{env_id}/documents/{exh['id']}", json={"filing_code": "NOPE"},
                  expect=422)
    assert field_error(r) == ("filing_code", f"Choose one of {court['name']}'s filing codes.")
    r = api.patch(f"/envelopes/{env_id}/documents/{exh['id']}", json={"lead": "yes"}, expect=422)
    assert field_error(r)[0] == "lead"
    r = api.patch(f"/envelopes/{env_id}/documents/999999999", json={"lead": True}, expect=404)
    d = api.patch(f"/envelopes/{env_id}/documents/{exh['id']}",
                  json={"filing_code": "ANS", "lead": True}, expect=200).json()
    assert (d["id"], d["filing_code"], d["lead"]) == (exh["id"], "ANS", True)
    docs = api.get(f"/envelopes/{env_id}/documents", expect=200).json()["items"]
    assert [(x["id"], x["lead"]) for x in docs] == [(exh["id"], True), (mot["id"], False)]
    api.patch(f"/envelopes/{env_id}/documents/{exh['id']}", json={"filing_code": "EXH"},
              expect=200)
    # Change the case: refused while documents are there, as on the page.
    other = ef_court(mariadb)
    _, other_num = seed_case(mariadb, other)
    r = api.put(f"/envelopes/{env_id}/case", json={"court": other["code"],
                                                   "case_number": other_num}, expect=422)
    assert field_error(r) == ("court", "Remove the documents before you change the court: "
                              "their filing codes are the court's.")

    env = submit(api, env_id, payment="waiver", waiver_reason="Indigent: affidavit").json()
    assert (env["status"], env["payment"], env["waiver_reason"], env["fee_cents"]) == \
        ("submitted", "waiver", "Indigent: affidavit", 500)
    assert env["payment_ref"] == "WAIVER-" + env["number"]


def test_scopes_tokens_and_other_accounts(apache, mariadb, new_account):
    court = ef_court(mariadb)
    _, number = seed_case(mariadb, court)
    acct = filer(mariadb, new_account)
    api = api_of(apache, mariadb, acct)
    env_id = existing_ready(api, court, number)

    # No token, a bad one, a revoked one: 401.
    for token in (None, "mct_" + secrets.token_urlsafe(32),
                  make_token(mariadb, acct, [READ, WRITE], revoked=True)):
        assert_problem(ApiClient(apache, token).get("/envelopes", expect=401), 401, "unauthorized")
    # A scope missing: 403.
    read_only = api_of(apache, mariadb, acct, [READ])
    write_only = api_of(apache, mariadb, acct, [WRITE])
    tracking = api_of(apache, mariadb, acct, ["tracking", "casenet:read"])
    read_only.get(f"/envelopes/{env_id}", expect=200)
    for r in (read_only.post("/envelopes", json={"kind": "new"}),
              read_only.put(f"/envelopes/{env_id}/parties", json={"parties": []}),
              read_only.patch(f"/envelopes/{env_id}/documents/1", json={}),
              read_only.post(f"/envelopes/{env_id}/documents", data=b"%PDF",
                             params={"filing_code": "MOT"},
                             headers={"Content-Type": "application/pdf"}),
              read_only.post(f"/envelopes/{env_id}/submit", json={},
                             headers={"Idempotency-Key": "k1"}),
              write_only.get("/envelopes"),
              write_only.get(f"/envelopes/{env_id}"),
              tracking.get(f"/envelopes/{env_id}/fees"),
              tracking.get(f"/envelopes/{env_id}/documents")):
        assert_problem(r, 403, "insufficient-scope")
    assert mariadb.value(f"SELECT status FROM mc_ef_envelope WHERE id = {env_id}") == "draft"

    # Another account's envelope is not found, whatever the scope.
    other = api_of(apache, mariadb, filer(mariadb, new_account))
    for r in (other.get(f"/envelopes/{env_id}"),
              other.get(f"/envelopes/{env_id}/documents"),
              other.get(f"/envelopes/{env_id}/fees"),
              other.put(f"/envelopes/{env_id}/case", json={"court": court["code"]}),
              other.put(f"/envelopes/{env_id}/parties", json={"parties": []}),
              other.patch(f"/envelopes/{env_id}/documents/1", json={"lead": True}),
              other.post(f"/envelopes/{env_id}/documents", data=make_pdf("x"),
                         params={"filing_code": "MOT"},
                         headers={"Content-Type": "application/pdf"}),
              other.post(f"/envelopes/{env_id}/submit", json={},
                         headers={"Idempotency-Key": "k2"}),
              other.get("/envelopes/999999999")):
        assert_problem(r, 404, "not-found")
    assert other.get("/envelopes", expect=200).json()["items"] == []
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_document WHERE envelope_id = {env_id}") == "1"
    assert mariadb.value(f"SELECT status FROM mc_ef_envelope WHERE id = {env_id}") == "draft"

    # An account that may not file (not subscribed) is told what it lacks.
    lacking = new_account(roles=["attorney"], prefix="efapino")
    r = api_of(apache, mariadb, lacking).post(
        "/envelopes", json={"kind": "existing", "court": court["code"], "case_number": number},
        expect=403)
    assert "Subscribe to Electronic Case Filing" in assert_problem(r, 403, "may-not-file")["detail"]
    # Bad JSON and no JSON.
    r = api.post("/envelopes", data="{not json", headers={"Content-Type": "application/json"},
                 expect=400)
    r = api.post("/envelopes", data="kind=new", expect=415,
                 headers={"Content-Type": "application/x-www-form-urlencoded"})


def test_list_paging_filter_and_etag(apache, mariadb, new_account):
    court = ef_court(mariadb)
    _, number = seed_case(mariadb, court)
    acct = filer(mariadb, new_account)
    api = api_of(apache, mariadb, acct, [READ])
    submitted = [make_envelope(mariadb, court, acct)[0] for _ in range(2)]
    drafts = [make_envelope(mariadb, court, acct, status="draft", number=False)[0]
              for _ in range(3)]
    everyone = sorted(submitted + drafts, reverse=True)

    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = api.get("/envelopes", params=params, expect=200).json()
        assert len(page["items"]) <= 2
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == everyone
    page = api.get("/envelopes", params={"status": "submitted"}, expect=200).json()
    assert [e["id"] for e in page["items"]] == sorted(submitted, reverse=True)
    assert all(e["number"] and e["status"] == "submitted" for e in page["items"])
    assert page["next_cursor"] is None
    r = api.get("/envelopes", params={"status": "lost"}, expect=422)
    assert field_error(r)[0] == "status"
    assert_problem(api.get("/envelopes", params={"cursor": "nonsense"}, expect=400), 400)
    assert_problem(api.get("/envelopes", params={"limit": "500"}, expect=400), 400)

    # ETag: 304 while nothing changed, 200 once the envelope did.
    r = api.get(f"/envelopes/{drafts[0]}", expect=200)
    etag = r.headers["ETag"]
    api.get(f"/envelopes/{drafts[0]}", headers={"If-None-Match": etag}, expect=304)
    mariadb.sql(f"UPDATE mc_ef_envelope SET caption = 'CHANGED V X' WHERE id = {drafts[0]}")
    r = api.get(f"/envelopes/{drafts[0]}", headers={"If-None-Match": etag}, expect=200)
    assert r.json()["caption"] == "CHANGED V X"


def test_ten_parallel_submits_with_one_key_make_one_envelope(apache, mariadb, new_account):
    court = ef_court(mariadb)
    _, number = seed_case(mariadb, court)
    acct = filer(mariadb, new_account)
    token = make_token(mariadb, acct, [READ, WRITE])
    api = ApiClient(apache, token)
    env_id = existing_ready(api, court, number, docs=(("MOT", True), ("EXH", False)))
    key = "submit-" + secrets.token_hex(8)

    def one(_):
        c = ApiClient(apache, token)
        r = c.post(f"/envelopes/{env_id}/submit", json={"payment": "court_account"},
                   headers={"Idempotency-Key": key}, timeout=120)
        return r.status_code, r.json()

    with concurrent.futures.ThreadPoolExecutor(10) as ex:
        results = list(ex.map(one, range(10)))
    assert [st for st, _ in results] == [200] * 10, results
    assert {(b["id"], b["number"], b["status"]) for _, b in results} == \
        {(env_id, results[0][1]["number"], "submitted")}
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_envelope WHERE account_id = {acct.id} "
                         "AND number IS NOT NULL") == "1"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_charge WHERE envelope_id = {env_id}") == "1"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_history WHERE envelope_id = {env_id} "
                         "AND status = 'submitted'") == "1"
    assert mariadb.value("SELECT COUNT(*) FROM mc_outbox WHERE kind = 'efiling-status' AND "
                         f"account_id = {acct.id}") == "1"
    # Another key later: the same envelope, nothing taken again.
    again = submit(api, env_id, payment="court_account").json()
    assert (again["id"], again["number"]) == (env_id, results[0][1]["number"])
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_charge WHERE envelope_id = {env_id}") == "1"


def test_a_refused_submit_leaves_the_key_free(apache, mariadb, new_account):
    """A submit refused (422) rolls its key's claim back: the corrected
    request with the same key submits."""
    court = ef_court(mariadb)
    _, number = seed_case(mariadb, court)
    acct = filer(mariadb, new_account)
    subscribe(mariadb, acct)
    api = api_of(apache, mariadb, acct)
    env_id = existing_ready(api, court, number, docs=(("EXH", True),))
    key = secrets.token_hex(8)
    submit(api, env_id, key=key, expect=422)          # fees due, no payment chosen
    env = submit(api, env_id, key=key, payment="court_account").json()
    assert env["status"] == "submitted"


def test_change_the_case_of_a_draft(apache, mariadb, new_account):
    court = ef_court(mariadb)
    _, first = seed_case(mariadb, court)
    _, second = seed_case(mariadb, court)
    api = api_of(apache, mariadb, filer(mariadb, new_account))
    env = api.post("/envelopes", json={"kind": "existing", "court": court["code"],
                                       "case_number": first}, expect=201).json()
    r = api.put(f"/envelopes/{env['id']}/case", json={"court": court["code"],
                                                      "case_number": "bad"}, expect=422)
    assert field_error(r)[0] == "case_number"
    got = api.put(f"/envelopes/{env['id']}/case", json={"court": court["code"],
                                                        "case_number": second},
                  expect=200).json()
    assert (got["id"], got["case_number"], got["status"]) == (env["id"], second, "draft")
    assert api.get(f"/envelopes/{env['id']}", expect=200).json()["case_number"] == second


def test_openapi_documents_every_efiling_route(apache):
    """Each route in plugins/efiling/api_*.c is an operation of the served
    document, and each schema of eFiling's part is a valid JSON Schema."""
    doc = openapi_doc(apache.base_url)
    src = "".join(p.read_text() for p in
                  (Path(__file__).resolve().parents[2] / "plugins" / "efiling").glob("api_*.c"))
    routes = re.findall(r'\{"(GET|POST|PUT|PATCH|DELETE)", "(/[^"]*)"', src)
    assert len(routes) >= 15, routes
    for method, pattern in routes:
        template = re.sub(r":(\w+)", r"{\1}", pattern)
        assert method.lower() in doc["paths"].get(template, {}), (method, template)
        op = doc["paths"][template][method.lower()]
        assert op["security"] and "default" in op["responses"], (method, template)
    for name, schema in doc["components"]["schemas"].items():
        if name.startswith("Ef"):
            jsonschema.Draft202012Validator.check_schema(schema)
