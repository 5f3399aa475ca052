"""Groups: association by URL and Group PIN ("Group User Authentication",
seed 001 steps 16-26): logon and back, User Agreement, eFiling Menu; wrong
PINs counted and locked per account and per group; one group at a time;
deactivated groups refuse."""
import re
import secrets

from harness import web
from helpers_core import location, logon_full, new_browser, path_of, submit_code, wait_code

G = "/groups"
WRONG = "The Group Name or the PIN is not correct."
LOCKED = "Too many wrong PINs"


def plain(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def make_group(ap, new_account, smtp, mariadb):
    """A group created by the Security unit; returns (id, name, key, pin, admin email)."""
    sec = new_account(roles=["security"], prefix="asec")
    s = new_browser()
    logon_full(s, ap, sec, smtp)
    tag = secrets.token_hex(3)
    f = {"name": f"Agency {tag}", "kind": "agency", "username": f"aadm.{tag}",
         "email": f"aadm{tag}@example.test", "first_name": "Ann", "last_name": "Admin",
         "password": f"Temp-Pass-{tag}-9x", "pin": f"Pin{tag}42"}
    page = s.get(ap.url(G + "/security/new"), timeout=30)
    r = web.submit(s, page, f, with_field="pin", timeout=30)
    assert "Group created" in r.text, plain(r.text)[:600]
    gid, key = mariadb.value(
        f"SELECT CONCAT(id, ' ', assoc_key) FROM mc_group WHERE name = '{f['name']}'").split()
    return int(gid), f["name"], key, f["pin"], f["email"]


def join_page(s, ap, key):
    r = s.get(ap.url(f"{G}/join/{key}"), timeout=30)
    assert r.status_code == 200, r.status_code
    assert "Group User Authentication" in r.text
    return r


def join(s, ap, key, pin, info="Paralegal, Litigation, supervisor J. Doe"):
    page = join_page(s, ap, key)
    return web.submit(s, page, {"pin": pin, "user_info": info}, with_field="pin",
                      allow_redirects=False, timeout=30)


def logged_on(ap, account, smtp):
    s = new_browser()
    logon_full(s, ap, account, smtp)
    return s


def test_join_by_url_agreement_and_efiling_menu(apache, new_account, smtp, mariadb):
    ap = apache
    gid, name, key, pin, _ = make_group(ap, new_account, smtp, mariadb)
    user = new_account(prefix="ajoin")
    s = new_browser()
    # Anonymous: the association URL sends to Logon, which comes back.
    r = s.get(ap.url(f"{G}/join/{key}"), allow_redirects=False, timeout=30)
    assert r.status_code in (302, 303) and "/account/logon" in location(r)
    r = s.get(ap.url(location(r)) if location(r).startswith("/") else location(r), timeout=30)
    r = web.submit(s, r, {"username": user.username, "password": user.password},
                   with_field="password", timeout=30)
    if path_of(r.url) == "/account/device":
        r = submit_code(s, r, wait_code(smtp, user.email, 0))
    assert path_of(r.url) == f"{G}/join/{key}", r.url
    assert "Group User Authentication" in r.text
    assert f'value="{name}"' in r.text and "readonly" in r.text
    for label in (">Group Name<", ">PIN<", ">User Information<", ">Submit<"):
        assert label in r.text, label
    r = web.submit(s, r, {"pin": pin, "user_info": "Clerk, Records, supervisor B. Boss"},
                   with_field="pin", allow_redirects=False, timeout=30)
    assert r.status_code == 303, plain(r.text)[:600]
    assert location(r).startswith("/registration/agreement?return="), location(r)
    assert mariadb.value(f"SELECT CONCAT(group_id, is_admin, status, '|', user_info) FROM "
                         f"mc_group_member WHERE account_id = {user.id}") == \
        f"{gid}0active|Clerk, Records, supervisor B. Boss"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_account_role WHERE account_id = {user.id} "
                         f"AND role = 'group_user' AND scope = '{gid}'") == "1"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_audit WHERE event = 'group-joined' AND "
                         f"account_id = {user.id}") == "1"
    r = s.get(ap.url(location(r)), timeout=30)
    assert "I acknowledge" in r.text
    r = web.submit(s, r, {"acknowledge": "1"}, with_field="return", timeout=30)
    assert path_of(r.url) == f"{G}/efiling", r.url
    assert "eFiling Menu" in r.text
    assert "You have completed registration and group authentication." in r.text
    # Seed 001 steps 25-26: the eFiling Menu's address, to save.
    assert name in r.text and "For easy access to eFiling save the following link" in r.text
    assert f'href="{ap.base_url.rstrip("/")}/ecf/">Open the eFiling Menu</a>' in r.text
    # Already a member: told so.
    r = join(s, ap, key, pin)
    assert r.status_code == 200
    assert (f"You are already a member of {name}. Remove your association to your current "
            "group under My Preferences first.") in plain(r.text)
    # A member disabled by the administrator, a deactivated group.
    mariadb.sql(f"UPDATE mc_group_member SET status = 'disabled' WHERE account_id = {user.id}",
                database="mocourts")
    r = s.get(ap.url(G + "/efiling"), timeout=30)
    assert (f"You have been disabled from the group {name}; you cannot file until your group "
            "administrator activates you.") in plain(r.text)
    mariadb.sql(f"UPDATE mc_group SET status = 'inactive' WHERE id = {gid}", database="mocourts")
    r = s.get(ap.url(G + "/efiling"), timeout=30)
    assert "is deactivated" in r.text
    # Not in a group: no eFiling Menu.
    o = logged_on(ap, new_account(prefix="anot"), smtp)
    assert o.get(ap.url(G + "/efiling"), timeout=30).status_code == 403


def test_join_without_key_drop_down_and_subscribed(apache, new_account, smtp, mariadb):
    ap = apache
    gid, name, key, pin, _ = make_group(ap, new_account, smtp, mariadb)
    user = new_account(prefix="adrop")
    mariadb.sql(f"INSERT INTO mc_reg_subscription (account_id, application, subscribed_at) "
                f"VALUES ({user.id}, 'efiling', UTC_TIMESTAMP())", database="mocourts")
    s = logged_on(ap, user, smtp)
    page = s.get(ap.url(G + "/join"), timeout=30)
    assert page.status_code == 200 and f">{name}</option>" in page.text
    r = web.submit(s, page, {"group_id": str(gid), "pin": pin, "user_info": ""},
                   with_field="pin", allow_redirects=False, timeout=30)
    assert r.status_code == 303 and location(r) == f"{G}/efiling", location(r)


def test_wrong_pin_lock_per_account_and_per_group(apache, new_account, smtp, mariadb):
    ap = apache
    gid, name, key, pin, _ = make_group(ap, new_account, smtp, mariadb)
    gid2, _, key2, pin2, _ = make_group(ap, new_account, smtp, mariadb)
    # Per account: 5 wrong PINs lock this account, even with the right PIN.
    user = new_account(prefix="awrong")
    s = logged_on(ap, user, smtp)
    for i in range(4):
        r = join(s, ap, key, "Wrong1234")
        assert r.status_code == 200 and WRONG in r.text, i
    r = join(s, ap, key, "Wrong1234")
    assert LOCKED in r.text
    r = join(s, ap, key2, pin2)
    assert r.status_code == 200 and LOCKED in r.text
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_group_member WHERE account_id = {user.id}") \
        == "0"
    # Per group: failures of several accounts add up (3 + 2), then even the
    # right PIN from a third account is refused.
    x = logged_on(ap, new_account(prefix="agx"), smtp)
    y = logged_on(ap, new_account(prefix="agy"), smtp)
    for i in range(3):
        assert WRONG in join(x, ap, key2, "Wrong1234").text
    assert WRONG in join(y, ap, key2, "Wrong1234").text
    assert LOCKED in join(y, ap, key2, "Wrong1234").text
    third = new_account(prefix="athird")
    t = logged_on(ap, third, smtp)
    r = join(t, ap, key2, pin2)
    assert r.status_code == 200 and LOCKED in r.text
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_group_member WHERE account_id = {third.id}") \
        == "0"
    # Locks that have ended: the right PIN is accepted again.
    mariadb.sql("UPDATE mc_group_pin_throttle SET locked_until = UTC_TIMESTAMP() - INTERVAL 1 "
                "MINUTE WHERE locked_until IS NOT NULL", database="mocourts")
    assert join(t, ap, key2, pin2).status_code == 303
    assert join(s, ap, key, pin).status_code == 303


def test_deactivated_group_refuses(apache, new_account, smtp, mariadb):
    ap = apache
    gid, name, key, pin, _ = make_group(ap, new_account, smtp, mariadb)
    mariadb.sql(f"UPDATE mc_group SET status = 'inactive' WHERE id = {gid}", database="mocourts")
    user = new_account(prefix="adeact")
    s = logged_on(ap, user, smtp)
    r = join(s, ap, key, pin)
    assert r.status_code == 200 and "is deactivated" in r.text
    page = s.get(ap.url(G + "/join"), timeout=30)
    assert f">{name}</option>" not in page.text
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_group_member WHERE account_id = {user.id}") \
        == "0"
    # A bad key: not valid.
    r = s.get(ap.url(G + "/join/" + "x" * 22), timeout=30)
    assert r.status_code == 404 and "not valid" in r.text


def test_preferences_and_remove_association(apache, new_account, smtp, mariadb):
    ap = apache
    gid, name, key, pin, admin_email = make_group(ap, new_account, smtp, mariadb)
    user = new_account(prefix="aprefs")
    mariadb.sql(f"INSERT INTO mc_reg_subscription (account_id, application, subscribed_at) "
                f"VALUES ({user.id}, 'efiling', UTC_TIMESTAMP())", database="mocourts")
    s = logged_on(ap, user, smtp)
    # Not in a group yet: no preferences.
    assert s.get(ap.url(G + "/preferences"), timeout=30).status_code == 403
    assert join(s, ap, key, pin).status_code == 303
    menu = s.get(ap.url(G + "/efiling"), timeout=30)
    assert f'href="{G}/preferences"' in menu.text and ">My Preferences<" in menu.text
    page = s.get(ap.url(G + "/preferences"), timeout=30)
    assert page.status_code == 200 and name in page.text
    # Refusals keep the values.
    r = web.submit(s, page, {"default_court": "Cole County", "default_email": "not-an-email"},
                   action_contains="/preferences", with_field="default_court", timeout=30)
    assert "Default Notification E-mail: enter a valid" in r.text
    assert 'value="Cole County"' in r.text
    r = web.submit(s, page, {"default_court": "x" * 101, "default_email": ""},
                   with_field="default_court", timeout=30)
    assert "Default Court: at most 100 characters." in r.text
    r = web.submit(s, page, {"default_court": "Cole County Circuit Court",
                             "default_email": "filings@example.test"},
                   with_field="default_court", timeout=30)
    assert "Your preferences were saved." in r.text
    assert 'value="Cole County Circuit Court"' in r.text
    assert mariadb.value(f"SELECT CONCAT(default_court, '|', default_email) FROM mc_group_prefs "
                         f"WHERE account_id = {user.id}") == \
        "Cole County Circuit Court|filings@example.test"
    # Remove the association: confirmation required.
    page = s.get(ap.url(G + "/preferences"), timeout=30)
    r = web.submit(s, page, {}, action_contains="/preferences/remove", timeout=30)
    assert 'Check "I confirm"' in r.text
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_group_member WHERE account_id = {user.id}") \
        == "1"
    old_cookie = dict(s.cookies)
    r = web.submit(s, page, {"confirm": "1"}, action_contains="/preferences/remove", timeout=30)
    assert r.status_code == 200 and "Association removed" in r.text
    assert dict(s.cookies) != old_cookie  # the session was rotated
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_group_member WHERE account_id = {user.id}") \
        == "0"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_account_role WHERE account_id = {user.id} "
                         f"AND role = 'group_user'") == "0"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_audit WHERE event = 'group-left' AND "
                         f"account_id = {user.id}") == "1"
    mail = smtp.wait_for(to=admin_email, subject="removed their association", timeout=20)
    assert user.username in mail.body and name in mail.body
    assert s.get(ap.url(G + "/efiling"), timeout=30).status_code == 403
    # A group administrator has no group-user preferences here.
    a = new_browser()
    # (the administrator's forced password change is the core's; not needed here)
    assert a.get(ap.url(G + "/preferences"), allow_redirects=False, timeout=30).status_code \
        in (302, 303)
