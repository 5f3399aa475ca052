"""Groups: association by URL and Group PIN ("Group User Authentication",
seed 001 steps 16-26): logon and back, User Agreement, eFiling Menu; wrong
PINs locked out per account and per client address, while a group with many
wrong PINs asks for the CAPTCHA instead of locking its members out (issue
11); one group at a time; deactivated groups refuse."""
import re
import secrets

import pytest

from harness import web
from helpers_core import (account_browser, audited, count_rows, location, logon_full, new_browser,
                          path_of, plain, sha256_hex, submit_code, wait_code)
from helpers_efiling import subscribe

G = "/groups"
WRONG = "The Group Name or the PIN is not correct."
LOCKED = "Too many wrong PINs"
CAPTCHA = "Many wrong PINs were entered for this group recently."


def make_group(ap, new_account, smtp, mariadb):
    """A group created by the Security unit; returns (id, name, key, pin, admin email)."""
    s, _ = account_browser(ap, new_account, smtp, ["security"], prefix="asec")
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


def join(s, ap, key, pin, info="Paralegal, Litigation, supervisor J. Doe", **extra):
    page = join_page(s, ap, key)
    return web.submit(s, page, {"pin": pin, "user_info": info, **extra}, with_field="pin",
                      allow_redirects=False, timeout=30)


def logged_on(ap, account, smtp):
    s = new_browser()
    logon_full(s, ap, account, smtp)
    return s


def group_and_subscriber(ap, new_account, smtp, mariadb, prefix):
    """A new group (make_group's tuple), and a new account subscribed to
    eFiling (the User Agreement not yet accepted), logged on: (group,
    account, browser)."""
    group = make_group(ap, new_account, smtp, mariadb)
    user = new_account(prefix=prefix)
    subscribe(mariadb, user, agreement=False)
    return group, user, logged_on(ap, user, smtp)


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
    (gid, name, key, pin, _), user, s = group_and_subscriber(ap, new_account, smtp, mariadb,
                                                             "adrop")
    page = s.get(ap.url(G + "/join"), timeout=30)
    assert page.status_code == 200 and f">{name}</option>" in page.text
    r = web.submit(s, page, {"group_id": str(gid), "pin": pin, "user_info": ""},
                   with_field="pin", allow_redirects=False, timeout=30)
    assert r.status_code == 303 and location(r) == f"{G}/efiling", location(r)
    # Already subscribed (no agreement to go through): a member now, and a
    # group user of that group, not merely sent to its eFiling Menu.
    assert mariadb.sql(f"SELECT group_id, is_admin, status, user_info FROM mc_group_member "
                       f"WHERE account_id = {user.id}", database="mocourts") == \
        [(str(gid), "0", "active", "")]
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_account_role WHERE account_id = {user.id} "
                         f"AND role = 'group_user' AND scope = '{gid}'") == "1"


def _clear_address(mariadb):
    subjects = ", ".join(f"'{sha256_hex('ip:' + ip)}'" for ip in ("127.0.0.1", "::1"))
    mariadb.sql(f"DELETE FROM mc_group_pin_throttle WHERE subject IN ({subjects})",
                database="mocourts")


@pytest.fixture
def fresh_address(apache, mariadb):
    """Every client here is 127.0.0.1: wrong PINs counted for that address
    start (and end) at zero in the tests that make them."""
    _clear_address(mariadb)
    yield
    _clear_address(mariadb)


def test_wrong_pins_lock_the_account(apache, new_account, smtp, mariadb, fresh_address):
    ap = apache
    gid, name, key, pin, _ = make_group(ap, new_account, smtp, mariadb)
    gid2, _, key2, pin2, _ = make_group(ap, new_account, smtp, mariadb)
    # 5 wrong PINs lock this account, for every group, even with the right PIN.
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
    # Another account joins the same group with its PIN: the group is not locked.
    other = logged_on(ap, new_account(prefix="aother"), smtp)
    assert join(other, ap, key2, pin2).status_code == 303
    # The lock ended: the right PIN is accepted again (for the other group:
    # the first had five wrong PINs, and asks for the CAPTCHA now).
    mariadb.sql("UPDATE mc_group_pin_throttle SET locked_until = UTC_TIMESTAMP() - INTERVAL 1 "
                "MINUTE WHERE locked_until IS NOT NULL", database="mocourts")
    assert CAPTCHA in plain(join(s, ap, key, pin).text)
    assert join(s, ap, key2, pin2).status_code == 303


def _phrase(s, ap, mariadb, account):
    """Fetch the CAPTCHA's picture as the browser does; its phrase."""
    img = s.get(ap.url(G + "/captcha/image"), timeout=30)
    assert img.status_code == 200 and img.content[:2] == b"BM"
    assert "no-store" in img.headers["Cache-Control"]
    return mariadb.value(f"SELECT phrase FROM mc_group_captcha WHERE account_id = {account.id}",
                         database="mocourts")


def test_wrong_pins_for_a_group_ask_for_the_captcha(apache, new_account, smtp, mariadb,
                                                     fresh_address):
    """Five wrong PINs for a group, from anyone, do not lock its members out:
    joining it asks for the CAPTCHA as well as the PIN."""
    ap = apache
    gid, name, key, pin, _ = make_group(ap, new_account, smtp, mariadb)
    x = logged_on(ap, new_account(prefix="agx"), smtp)
    y = logged_on(ap, new_account(prefix="agy"), smtp)
    for i in range(3):
        assert WRONG in join(x, ap, key, "Wrong1234").text
    for i in range(2):   # the group's fifth: y itself is not locked
        r = join(y, ap, key, "Wrong1234")
        assert WRONG in r.text and LOCKED not in r.text
    third = new_account(prefix="athird")
    t = logged_on(ap, third, smtp)
    page = join_page(t, ap, key)
    assert ">Enter the phrase that shows in the box<" in page.text
    assert re.search(rf'<img src="{G}/captcha/image\?r=\d+"', page.text)
    audio = re.search(r"<audio\b[^>]*>", page.text).group(0)
    assert "controls" in audio and f'src="{G}/captcha/audio?r=' in audio
    assert 'aria-labelledby="captcha_audio_label"' in audio
    # The right PIN without the phrase: not looked at, nothing counted.
    r = join(t, ap, key, pin)
    assert r.status_code == 200 and CAPTCHA in plain(r.text) and LOCKED not in r.text
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_group_member WHERE account_id = {third.id}") \
        == "0"
    # A wrong phrase: refused, and that phrase is spent.
    phrase = _phrase(t, ap, mariadb, third)
    r = join(t, ap, key, pin, captcha="QQQQQ")
    assert "the phrase is not correct" in plain(r.text)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_group_captcha WHERE account_id = {third.id}",
                         database="mocourts") == "0"
    r = join(t, ap, key, pin, captcha=phrase)
    assert r.status_code == 200 and "the phrase is not correct" in plain(r.text)
    # The recording says the picture's phrase; with it and the PIN, t joins.
    phrase = _phrase(t, ap, mariadb, third)
    a = t.get(ap.url(G + "/captcha/audio"), timeout=30)
    assert a.status_code == 200 and a.headers["Content-Type"] == "audio/wav"
    assert a.content[:4] == b"RIFF" and len(a.content) > 100_000
    assert mariadb.value(f"SELECT phrase FROM mc_group_captcha WHERE account_id = {third.id}",
                         database="mocourts") == phrase
    r = join(t, ap, key, pin, captcha=" ".join(phrase.lower()))
    assert r.status_code == 303, plain(r.text)[:600]
    assert mariadb.value(f"SELECT group_id FROM mc_group_member WHERE account_id = {third.id}") \
        == str(gid)
    # A wrong PIN with the right phrase still counts (for the account too).
    z_acct = new_account(prefix="agz")
    z = logged_on(ap, z_acct, smtp)
    r = join(z, ap, key, "Wrong1234", captcha=_phrase(z, ap, mariadb, z_acct))
    assert WRONG in r.text
    assert mariadb.value("SELECT failures FROM mc_group_pin_throttle WHERE subject = "
                         f"'{sha256_hex(f'account:{z_acct.id}')}'", database="mocourts") == "1"
    assert mariadb.value("SELECT failures >= 6 AND locked_until IS NULL AND captcha_until > "
                         "UTC_TIMESTAMP() FROM mc_group_pin_throttle WHERE subject = "
                         f"'{sha256_hex(f'group:{gid}')}'", database="mocourts") == "1"


def test_wrong_pins_lock_the_client_address(apache, new_account, smtp, mariadb, fresh_address):
    """20 wrong PINs from one address, whatever the accounts (each of them
    locked after its 5), lock that address out of joining."""
    ap = apache
    gid, name, key, pin, _ = make_group(ap, new_account, smtp, mariadb)
    for n in range(4):
        s = logged_on(ap, new_account(prefix=f"aip{n}"), smtp)
        page = s.get(ap.url(G + "/join"), timeout=30)
        for i in range(5):   # a group that does not exist: no group is counted
            r = web.submit(s, page, {"group_id": "999999999", "pin": "Wrong1234"},
                           with_field="pin", timeout=30)
            assert (LOCKED if i == 4 else WRONG) in r.text, (n, i)
    assert mariadb.value("SELECT locked_until > UTC_TIMESTAMP() FROM mc_group_pin_throttle "
                         f"WHERE subject = '{sha256_hex('ip:127.0.0.1')}'",
                         database="mocourts") == "1"
    fresh = new_account(prefix="aipnew")
    r = join(logged_on(ap, fresh, smtp), ap, key, pin)
    assert r.status_code == 200 and LOCKED in r.text
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_group_member WHERE account_id = {fresh.id}") \
        == "0"


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
    (gid, name, key, pin, admin_email), user, s = group_and_subscriber(
        ap, new_account, smtp, mariadb, "aprefs")
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
    assert count_rows(mariadb, "mc_group_member", f"account_id = {user.id}") == 0
    assert count_rows(mariadb, "mc_account_role",
                      f"account_id = {user.id} AND role = 'group_user'") == 0
    assert audited(mariadb, "group-left", account_id=user.id) == 1
    mail = smtp.wait_for(to=admin_email, subject="removed their association", timeout=20)
    assert user.username in mail.body and name in mail.body
    assert s.get(ap.url(G + "/efiling"), timeout=30).status_code == 403
    # A group administrator has no group-user preferences here.
    a = new_browser()
    # (the administrator's forced password change is the core's; not needed here)
    assert a.get(ap.url(G + "/preferences"), allow_redirects=False, timeout=30).status_code \
        in (302, 303)
