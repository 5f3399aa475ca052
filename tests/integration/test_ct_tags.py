"""Case.net: Manage My Case's tags (issue 17, "Case folders"): create,
rename and delete (a duplicate name refused ignoring case, the name's and
the account's limits), tags put on and taken off a folder's case, the
folder filtered by a tag (?tag=) and sorted (?sort=), another account's tag
404, and a GET that changes nothing."""
import html as html_mod
import re

from harness import web
from helpers_casenet import CASENET, seed_case, seed_court
from helpers_core import account_browser

MYCASES = CASENET + "/mycases"
TAGS = CASENET + "/tags"


def plain(html):
    return html_mod.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def holder(ap, new_account, smtp):
    return account_browser(ap, new_account, smtp, prefix="tag")


def tags_of(mariadb, account):
    return [r[1] for r in mariadb.sql(f"SELECT id, name FROM mc_mycase_tag WHERE account_id = "
                                      f"{account.id} ORDER BY name")]


def tag_id(mariadb, account, name):
    return int(mariadb.value(f"SELECT id FROM mc_mycase_tag WHERE account_id = {account.id} AND "
                             f"name = '{name}'"))


def create(s, ap, name):
    page = s.get(ap.url(TAGS), timeout=30)
    return web.submit(s, page, {"name": name}, action_contains=f"{TAGS}", with_field="mc_once",
                      timeout=30, allow_redirects=False)


def csrf(s, ap):
    page = s.get(ap.url(TAGS), timeout=30)
    return web.find_form(page.text, with_field="mc_once")["fields"]["mc_csrf"]


def shown(html):
    return re.findall(r'href="/casenet/mycases/([0-9A-Z-]+)"', html)


def set_tags(s, ap, number, ids):
    data = {"mc_csrf": csrf(s, ap)}
    data.update({f"tag_{i}": "1" for i in ids})
    return s.post(ap.url(f"{MYCASES}/{number}/tags"), data=data, timeout=30,
                  allow_redirects=False)


def state(mariadb, account):
    return (mariadb.sql(f"SELECT id, name FROM mc_mycase_tag WHERE account_id = {account.id} "
                        "ORDER BY id"),
            mariadb.sql(f"SELECT tag_id, case_id FROM mc_mycase_tagged WHERE account_id = "
                        f"{account.id} ORDER BY tag_id, case_id"))


def test_create_rename_delete_and_limits(apache, new_account, smtp, mariadb):
    ap = apache
    s, acct = holder(ap, new_account, smtp)
    page = s.get(ap.url(TAGS), timeout=30)
    assert page.status_code == 200 and "<title>Manage Tags</title>" in page.text
    assert "You have no tags yet." in plain(page.text)
    assert 'data-once' not in page.text and 'name="mc_once"' in page.text

    r = create(s, ap, "  Appeals  ")
    assert r.status_code == 303 and r.headers["Location"].endswith("/casenet/tags?done=created")
    assert tags_of(mariadb, acct) == ["Appeals"]
    page = s.get(ap.url(TAGS + "?done=created"), timeout=30)
    assert "The tag was created." in plain(page.text) and "Appeals" in plain(page.text)

    # Duplicates ignoring case, empty and too long names refused; the name typed stays.
    for name, why in (("aPPEALS", "You have a tag with that name already."),
                      ("   ", "Enter a name for the tag."),
                      ("é" * 41, "The name is too long: at most 40 characters (it has 41)")):
        r = create(s, ap, name)
        assert r.status_code == 400 and why in plain(r.text), plain(r.text)[:800]
    assert tags_of(mariadb, acct) == ["Appeals"]
    r = create(s, ap, "é" * 40)
    assert r.status_code == 303
    assert tags_of(mariadb, acct) == ["Appeals", "é" * 40]

    # The same form sent twice creates one tag.
    page = s.get(ap.url(TAGS), timeout=30)
    for _ in range(2):
        r = web.submit(s, page, {"name": "Twice"}, with_field="mc_once", timeout=30,
                       allow_redirects=False)
        assert r.status_code == 303
    assert tags_of(mariadb, acct).count("Twice") == 1

    # Rename: a duplicate refused (another tag's name in any case), then done.
    appeals = tag_id(mariadb, acct, "Appeals")
    page = s.get(ap.url(TAGS), timeout=30)
    r = web.submit(s, page, {"name": "TWICE"}, action_contains=f"/tags/{appeals}/rename",
                   timeout=30)
    assert r.status_code == 400 and "You have a tag with that name already." in plain(r.text)
    assert 'value="TWICE"' in r.text
    r = web.submit(s, page, {"name": "APPEALS"}, action_contains=f"/tags/{appeals}/rename",
                   timeout=30)
    assert r.status_code == 200 and "The tag was renamed." in plain(r.text)
    assert "APPEALS" in tags_of(mariadb, acct)

    # Delete.
    twice = tag_id(mariadb, acct, "Twice")
    r = web.submit(s, s.get(ap.url(TAGS), timeout=30), {},
                   action_contains=f"/tags/{twice}/delete", timeout=30)
    assert r.status_code == 200 and "The tag was deleted" in plain(r.text)
    assert "Twice" not in tags_of(mariadb, acct)

    # At most 50 tags.
    mariadb.sql("INSERT INTO mc_mycase_tag (account_id, name, created_at) SELECT "
                f"{acct.id}, CONCAT('T', seq), UTC_TIMESTAMP() FROM seq_1_to_48")
    assert len(tags_of(mariadb, acct)) == 50
    r = create(s, ap, "One more")
    assert r.status_code == 400 and "You have 50 tags already" in plain(r.text)
    assert len(tags_of(mariadb, acct)) == 50


def test_tag_cases_filter_and_sort(apache, new_account, smtp, mariadb):
    ap = apache
    court = seed_court(mariadb)
    s, acct = holder(ap, new_account, smtp)
    cases = []
    for i, caption in enumerate(("CHARLIE V X", "ALPHA V X", "BRAVO V X")):
        cid, number = seed_case(mariadb, court, caption=caption)
        mariadb.sql(f"UPDATE mc_case SET last_activity = '2026-03-01 00:00:00' + INTERVAL {i} "
                    f"HOUR WHERE id = {cid}")
        mariadb.sql(f"INSERT INTO mc_mycase (account_id, case_id, added_at) VALUES "
                    f"({acct.id}, {cid}, UTC_TIMESTAMP())")
        cases.append((cid, number, caption))
    (c1, n1, _), (c2, n2, _), (c3, n3, _) = cases
    assert create(s, ap, "Appeals").status_code == 303
    assert create(s, ap, "Billing").status_code == 303
    appeals, billing = tag_id(mariadb, acct, "Appeals"), tag_id(mariadb, acct, "Billing")

    # The case page's checkboxes put tags on and take them off.
    page = s.get(ap.url(f"{MYCASES}/{n1}"), timeout=30)
    assert f'name="tag_{appeals}"' in page.text and "Save Tags" in page.text
    r = set_tags(s, ap, n1, [appeals, billing])
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/mycases/{n1}?done=tags")
    assert set_tags(s, ap, n3, [appeals]).status_code == 303
    assert set_tags(s, ap, n1, [billing]).status_code == 303
    assert state(mariadb, acct)[1] == sorted([(str(appeals), str(c3)), (str(billing), str(c1))],
                                             key=lambda t: (int(t[0]), int(t[1])))
    page = s.get(ap.url(f"{MYCASES}/{n1}"), timeout=30)
    assert re.search(rf'name="tag_{billing}"[^>]*checked', page.text)
    assert not re.search(rf'name="tag_{appeals}"[^>]*checked', page.text)

    # The folder: every case, most recent activity first, with its tags.
    page = s.get(ap.url(MYCASES), timeout=30)
    assert shown(page.text) == [n3, n2, n1]
    assert "Billing" in plain(page.text) and "Most recent activity first." in plain(page.text)
    # Sorted by caption, by number.
    page = s.get(ap.url(f"{MYCASES}?sort=caption"), timeout=30)
    assert shown(page.text) == [n2, n3, n1]
    page = s.get(ap.url(f"{MYCASES}?sort=number"), timeout=30)
    assert shown(page.text) == sorted([n1, n2, n3])
    page = s.get(ap.url(f"{MYCASES}?sort=activity"), timeout=30)
    assert shown(page.text) == [n3, n2, n1]
    # Filtered by a tag.
    page = s.get(ap.url(f"{MYCASES}?tag={appeals}"), timeout=30)
    assert page.status_code == 200 and shown(page.text) == [n3]
    assert "1 case(s)" in plain(page.text)
    page = s.get(ap.url(f"{MYCASES}?tag={billing}&sort=caption"), timeout=30)
    assert shown(page.text) == [n1]
    assert s.get(ap.url(f"{MYCASES}?tag=abc"), timeout=30).status_code == 404

    # Deleting a tag takes it off its cases; removing a case, its tags.
    r = web.submit(s, s.get(ap.url(TAGS), timeout=30), {},
                   action_contains=f"/tags/{appeals}/delete", timeout=30)
    assert r.status_code == 200
    assert state(mariadb, acct)[1] == [(str(billing), str(c1))]
    r = web.submit(s, s.get(ap.url(f"{MYCASES}/{n1}"), timeout=30), {},
                   action_contains=f"/mycases/{n1}/remove", timeout=30)
    assert r.status_code == 200
    assert state(mariadb, acct)[1] == []


def test_another_accounts_tag_and_get_changes_nothing(apache, new_account, smtp, mariadb):
    ap = apache
    court = seed_court(mariadb)
    cid, number = seed_case(mariadb, court)
    mine, me = holder(ap, new_account, smtp)
    assert create(mine, ap, "Private").status_code == 303
    mine_tag = tag_id(mariadb, me, "Private")
    mariadb.sql(f"INSERT INTO mc_mycase (account_id, case_id, added_at) VALUES ({me.id}, {cid}, "
                "UTC_TIMESTAMP())")
    assert set_tags(mine, ap, number, [mine_tag]).status_code == 303

    theirs, them = holder(ap, new_account, smtp)
    mariadb.sql(f"INSERT INTO mc_mycase (account_id, case_id, added_at) VALUES ({them.id}, "
                f"{cid}, UTC_TIMESTAMP())")
    before = state(mariadb, me)
    c = csrf(theirs, ap)
    assert "Private" not in theirs.get(ap.url(TAGS), timeout=30).text
    assert theirs.get(ap.url(f"{MYCASES}?tag={mine_tag}"), timeout=30).status_code == 404
    for action, data in (("rename", {"name": "Mine now"}), ("delete", {})):
        r = theirs.post(ap.url(f"{TAGS}/{mine_tag}/{action}"), data=dict(data, mc_csrf=c),
                        timeout=30)
        assert r.status_code == 404, action
    # Their case page's form with my tag's id: nothing of mine changes.
    r = theirs.post(ap.url(f"{MYCASES}/{number}/tags"),
                    data={"mc_csrf": c, f"tag_{mine_tag}": "1"}, timeout=30,
                    allow_redirects=False)
    assert r.status_code == 303
    assert state(mariadb, me) == before
    assert state(mariadb, them) == ([], [])
    # Without the anti-CSRF token: refused.
    assert theirs.post(ap.url(TAGS), data={"name": "x"}, timeout=30).status_code == 403
    assert mine.post(ap.url(f"{TAGS}/{mine_tag}/delete"), data={"x": "1"},
                     timeout=30).status_code == 403

    # GETs change nothing (the pages, the filter, a GET on a POST-only path).
    for path in (TAGS, f"{MYCASES}?tag={mine_tag}", f"{MYCASES}/{number}",
                 f"{TAGS}/{mine_tag}/delete", f"{TAGS}/{mine_tag}/rename?name=x",
                 f"{MYCASES}/{number}/tags"):
        mine.get(ap.url(path), timeout=30)
    assert state(mariadb, me) == before
