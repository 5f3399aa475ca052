"""eFiling's clerk review through the JSON API (issue 16), scope clerk: a
court's queue (cursor pages, status filter), an envelope, open, accept (its
documents onto the docket), reject with a reason; limited to the clerk's
courts as the clerk's pages are (another court's queue 403, its envelope
404); the scope needs the clerk role; decisions the status does not allow
409; bad reasons 422. Envelopes are written by SQL (test_ef_review's
make_envelope), as the page tests do."""
from api_client import ApiClient, assert_problem, make_token
from helpers_casenet import seed_case, unique_tag
from helpers_efiling import clerk_of, ef_court, filer
from test_ef_review import env_row, make_envelope


def clerk_api(apache, mariadb, new_account, court, scopes=("clerk",)):
    clerk = clerk_of(new_account, court)
    return ApiClient(apache, make_token(mariadb, clerk, list(scopes))), clerk


def test_queue_is_the_clerks_courts_only(apache, mariadb, new_account):
    court, other = ef_court(mariadb), ef_court(mariadb)
    acct = filer(mariadb, new_account)
    _, number = seed_case(mariadb, court)
    ids = [make_envelope(mariadb, court, acct)[0] for _ in range(3)]
    reviewing = make_envelope(mariadb, court, acct, status="review")[0]
    make_envelope(mariadb, court, acct, status="draft", number=False)
    decided = make_envelope(mariadb, court, acct, status="accepted")[0]
    theirs = make_envelope(mariadb, other, acct)[0]
    api, _ = clerk_api(apache, mariadb, new_account, court)

    seen, cursor = [], None
    while True:
        page = api.get(f"/clerk/courts/{court['code']}/envelopes",
                       params={"limit": 2} | ({"cursor": cursor} if cursor else {}),
                       expect=200).json()
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(ids + [reviewing])
    page = api.get(f"/clerk/courts/{court['code']}/envelopes", params={"status": "review"},
                   expect=200).json()
    assert [e["id"] for e in page["items"]] == [reviewing]
    page = api.get(f"/clerk/courts/{court['code']}/envelopes", params={"status": "accepted"},
                   expect=200).json()
    assert [e["id"] for e in page["items"]] == [decided]
    r = api.get(f"/clerk/courts/{court['code']}/envelopes", params={"status": "draft"},
                expect=422)
    assert r.json()["errors"][0]["field"] == "status"
    # Another court: its queue refused, its envelope not found.
    assert_problem(api.get(f"/clerk/courts/{other['code']}/envelopes", expect=403),
                   403, "not-your-court")
    for path in (f"/clerk/envelopes/{theirs}", f"/clerk/envelopes/{theirs}/open",
                 f"/clerk/envelopes/{theirs}/accept"):
        r = api.get(path) if path.endswith(str(theirs)) else api.post(path)
        assert_problem(r, 404, "not-found")
    r = api.post(f"/clerk/envelopes/{theirs}/reject", json={"reason": "Wrong court"})
    assert_problem(r, 404, "not-found")
    assert env_row(mariadb, theirs)[0] == "submitted"

    # The scope: a clerk's token without it, and a filer's token with it.
    no_scope, _ = clerk_api(apache, mariadb, new_account, court, scopes=("filings:read",))
    assert_problem(no_scope.get(f"/clerk/courts/{court['code']}/envelopes", expect=403),
                   403, "insufficient-scope")
    not_clerk = ApiClient(apache, make_token(mariadb, acct, ["clerk", "filings:read"]))
    assert_problem(not_clerk.get(f"/clerk/envelopes/{ids[0]}", expect=403), 403,
                   "insufficient-scope")
    assert_problem(not_clerk.post(f"/clerk/envelopes/{ids[0]}/open", expect=403), 403,
                   "insufficient-scope")


def test_open_accept_and_reject(apache, mariadb, new_account):
    court = ef_court(mariadb)
    acct = filer(mariadb, new_account)
    case_id, number = seed_case(mariadb, court, caption=f"{unique_tag()} V ACME")
    env_id, env_num = make_envelope(mariadb, court, acct, case_id=case_id)
    api, clerk = clerk_api(apache, mariadb, new_account, court)

    env = api.get(f"/clerk/envelopes/{env_id}", expect=200).json()
    assert (env["number"], env["status"], env["case_number"]) == (env_num, "submitted", number)
    assert [d["filing_code"] for d in env["documents"]] == ["MOT", "EXH"]
    r = api.post(f"/clerk/envelopes/{env_id}/accept", expect=409)
    assert assert_problem(r, 409, "conflict")["detail"] == \
        "Open the envelope for review before accepting it; nothing was changed."
    env = api.post(f"/clerk/envelopes/{env_id}/open", expect=200).json()
    assert env["status"] == "review" and env["history"][-1]["status"] == "review"
    assert_problem(api.post(f"/clerk/envelopes/{env_id}/open", expect=409), 409, "conflict")
    env = api.post(f"/clerk/envelopes/{env_id}/accept", expect=200).json()
    assert env["status"] == "accepted" and env["decided_at"]
    assert all(d["docketed"] for d in env["documents"])
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_docket WHERE case_id = {case_id} AND ref "
                         "LIKE 'ef-doc-%'") == "2"
    assert env_row(mariadb, env_id)[4] == str(clerk.id)
    r = api.post(f"/clerk/envelopes/{env_id}/reject", json={"reason": "Wrong court"}, expect=409)
    assert "already Accepted" in assert_problem(r, 409, "conflict")["detail"]
    # The filer sees the decision.
    mine = ApiClient(apache, make_token(mariadb, acct, ["filings:read"]))
    got = mine.get(f"/envelopes/{env_id}", expect=200).json()
    assert [h["status"] for h in got["history"]] == ["submitted", "review", "accepted"]

    # Reject: the reason from the list, an explanation with Other.
    env2, _ = make_envelope(mariadb, court, acct, case_id=case_id)
    for body, field in (({"reason": ""}, "reason"), ({"reason": "Because"}, "reason"),
                        ({"reason": "Other"}, "text"),
                        ({"reason": "Other", "text": "x" * 2001}, "text"),
                        ({"reason": 5}, "reason")):
        r = api.post(f"/clerk/envelopes/{env2}/reject", json=body, expect=422)
        assert assert_problem(r, 422, "invalid-field")["errors"][0]["field"] == field, body
    assert env_row(mariadb, env2)[0] == "submitted"
    env = api.post(f"/clerk/envelopes/{env2}/reject",
                   json={"reason": "Other", "text": "The exhibit is unreadable."},
                   expect=200).json()
    assert (env["status"], env["reject_reason"], env["reject_text"]) == \
        ("rejected", "Other", "The exhibit is unreadable.")
    assert list(env_row(mariadb, env2)[:4]) == ["rejected", str(case_id), "Other",
                                          "The exhibit is unreadable."]
    # A draft is no clerk's to see.
    draft = make_envelope(mariadb, court, acct, status="draft", number=False)[0]
    assert_problem(api.get(f"/clerk/envelopes/{draft}", expect=404), 404, "not-found")
