"""Manage My Case's tags through the JSON API (issue 17, "Case folders";
plugins/casetrack/api_tags.c, api_track.c): GET/POST /tags, PATCH/DELETE
/tags/{id}, PUT/DELETE /my-cases/{number}/tags/{id}, and GET
/my-cases?tag=&sort= with each case's tags. Every answer goes through
ApiClient, which checks it against the served OpenAPI document. Checked:
create, rename, delete; a duplicate name (any case) and the 51st tag 409;
bad names 422; the filter and the sorts; another account's tag 404; a GET
changes nothing."""
from api_client import ApiClient, assert_problem, make_token
from helpers_casenet import seed_case, seed_court, unique_tag

TRACK = ["tracking"]


def field_error(r, field):
    body = assert_problem(r, 422, "invalid-field")
    assert [e["field"] for e in body["errors"]] == [field], body
    return body["errors"][0]["detail"]


def state(mariadb, account):
    return (mariadb.sql(f"SELECT id, name FROM mc_mycase_tag WHERE account_id = {account.id} "
                        "ORDER BY id"),
            mariadb.sql(f"SELECT tag_id, case_id FROM mc_mycase_tagged WHERE account_id = "
                        f"{account.id} ORDER BY tag_id, case_id"))


def test_tags_crud_and_limits(apache, new_account, mariadb):
    acct = new_account(prefix="apt")
    api = ApiClient(apache, make_token(mariadb, acct, TRACK))
    assert api.get("/tags", expect=200).json() == {"items": [], "next_cursor": None}
    r = api.post("/tags", json={"name": "  Appeals "}, expect=201)
    appeals = r.json()["id"]
    assert r.json() == {"id": appeals, "name": "Appeals", "cases": 0}
    assert r.headers["Location"].endswith(f"tags/{appeals}")
    assert "You have a tag with that name already." in assert_problem(
        api.post("/tags", json={"name": "APPEALS"}), 409, "conflict")["detail"]
    assert field_error(api.post("/tags", json={"name": " "}), "name") == \
        "Enter a name for the tag."
    assert "at most 40 characters (it has 41)" in field_error(
        api.post("/tags", json={"name": "x" * 41}), "name")
    field_error(api.post("/tags", json={"name": 5}), "name")
    billing = api.post("/tags", json={"name": "Billing"}, expect=201).json()["id"]
    assert [t["name"] for t in api.get("/tags", expect=200).json()["items"]] == \
        ["Appeals", "Billing"]

    assert_problem(api.patch(f"/tags/{billing}", json={"name": "appeals"}), 409, "conflict")
    r = api.patch(f"/tags/{billing}", json={"name": "Accounts"}, expect=200)
    assert r.json() == {"id": billing, "name": "Accounts", "cases": 0}
    assert api.patch(f"/tags/{billing}", json={"name": "ACCOUNTS"}, expect=200).json()["name"] \
        == "ACCOUNTS"
    api.delete(f"/tags/{billing}", expect=204)
    assert_problem(api.delete(f"/tags/{billing}"), 404, "not-found")
    assert_problem(api.patch(f"/tags/{billing}", json={"name": "x"}), 404, "not-found")

    mariadb.sql("INSERT INTO mc_mycase_tag (account_id, name, created_at) SELECT "
                f"{acct.id}, CONCAT('T', seq), UTC_TIMESTAMP() FROM seq_1_to_49")
    assert len(api.get("/tags", expect=200).json()["items"]) == 50
    assert "You have 50 tags already" in assert_problem(
        api.post("/tags", json={"name": "One more"}), 409, "conflict")["detail"]
    assert len(state(mariadb, acct)[0]) == 50


def test_tag_cases_filter_sort_and_another_account(apache, new_account, mariadb):
    acct, stranger = new_account(prefix="apt"), new_account(prefix="apu")
    api = ApiClient(apache, make_token(mariadb, acct, TRACK))
    theirs = ApiClient(apache, make_token(mariadb, stranger, TRACK))
    court = seed_court(mariadb)
    tag = unique_tag()
    numbers = []
    for i, hours in enumerate((2, 0, 1)):
        cid, number = seed_case(mariadb, court, caption=f"{tag} V ACME {i}")
        mariadb.sql(f"UPDATE mc_case SET last_activity = '2026-03-01 00:00:00' + INTERVAL {hours} "
                    f"HOUR WHERE id = {cid}")
        api.put(f"/my-cases/{number}/note", json={"note": ""}, expect=200)
        numbers.append(number)
    n0, n1, n2 = numbers
    appeals = api.post("/tags", json={"name": "Appeals"}, expect=201).json()["id"]
    billing = api.post("/tags", json={"name": "Billing"}, expect=201).json()["id"]

    r = api.put(f"/my-cases/{n0}/tags/{appeals}", expect=200)
    assert r.json()["tags"] == [{"id": appeals, "name": "Appeals"}]
    api.put(f"/my-cases/{n0}/tags/{appeals}", expect=200)          # twice is once
    r = api.put(f"/my-cases/{n0}/tags/{billing}", expect=200)
    assert [t["name"] for t in r.json()["tags"]] == ["Appeals", "Billing"]
    api.put(f"/my-cases/{n2}/tags/{appeals}", expect=200)
    api.delete(f"/my-cases/{n0}/tags/{billing}", expect=204)
    assert {t["name"]: t["cases"] for t in api.get("/tags", expect=200).json()["items"]} == \
        {"Appeals": 2, "Billing": 0}
    hidden = seed_case(mariadb, court, caption=f"{tag} V OTHER")[1]
    assert_problem(api.put(f"/my-cases/{hidden}/tags/{appeals}"), 404, "not-found")

    def listed(query):
        return [(i["case_number"], [t["name"] for t in i["tags"]])
                for i in api.get(f"/my-cases{query}", expect=200).json()["items"]]

    assert listed("") == [(n0, ["Appeals"]), (n1, []), (n2, ["Appeals"])]
    assert [n for n, _ in listed("?sort=activity")] == [n0, n2, n1]
    assert [n for n, _ in listed("?sort=number")] == sorted(numbers)
    assert listed(f"?tag={appeals}") == [(n0, ["Appeals"]), (n2, ["Appeals"])]
    assert [n for n, _ in listed(f"?tag={appeals}&sort=activity")] == [n0, n2]
    assert listed(f"?tag={billing}") == []
    body = api.get("/my-cases?sort=activity&limit=2", expect=200).json()
    assert [i["case_number"] for i in body["items"]] == [n0, n2] and body["next_cursor"]
    body = api.get(f"/my-cases?sort=activity&limit=2&cursor={body['next_cursor']}",
                   expect=200).json()
    assert [i["case_number"] for i in body["items"]] == [n1] and body["next_cursor"] is None
    field_error(api.get("/my-cases?sort=caption"), "sort")
    assert_problem(api.get("/my-cases?tag=abc"), 404, "not-found")

    # Another account: my tag is 404 everywhere, nothing of mine changes; GETs change nothing.
    before = state(mariadb, acct)
    theirs.put(f"/my-cases/{n0}/note", json={"note": ""}, expect=200)
    assert theirs.get("/tags", expect=200).json()["items"] == []
    assert_problem(theirs.get(f"/my-cases?tag={appeals}"), 404, "not-found")
    assert_problem(theirs.patch(f"/tags/{appeals}", json={"name": "Mine"}), 404, "not-found")
    assert_problem(theirs.delete(f"/tags/{appeals}"), 404, "not-found")
    assert_problem(theirs.put(f"/my-cases/{n0}/tags/{appeals}"), 404, "not-found")
    assert_problem(theirs.delete(f"/my-cases/{n0}/tags/{appeals}"), 404, "not-found")
    for path in ("/tags", f"/my-cases?tag={appeals}&sort=activity", f"/my-cases/{n0}/note"):
        api.get(path, expect=200)
    assert state(mariadb, acct) == before

    api.delete(f"/tags/{appeals}", expect=204)
    assert listed("") == [(n0, []), (n1, []), (n2, [])]
