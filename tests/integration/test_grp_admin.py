"""Groups: the Group Administrator Menu (seed 000 step 15 onwards): My
Preferences (Group PIN, Notification E-mail), Group Maintenance (search,
DISABLE / ACTIVATE / REMOVE) and the carbon-copy rule."""
import re
import secrets

from harness import web
from helpers_core import delivery_settled, logon_full, new_browser, plain
from helpers_efiling import add_member, new_group
from helpers_links import main_of, open_link, post_without_token, press

G = "/groups"


def q(s):
    return "'" + str(s).replace("\\", "\\\\").replace("'", "\\'") + "'"


def admin_of_new_group(ap, mariadb, new_account, smtp):
    gid, name, key = new_group(mariadb)
    adm = new_account(prefix="gadm")
    add_member(mariadb, gid, adm, admin=True)
    s = new_browser()
    logon_full(s, ap, adm, smtp)
    return s, adm, gid, name, key


def admin_page(s, ap, path):
    """GET a page of the Group Administrator Menu: (response, its text)."""
    r = s.get(ap.url(G + path), timeout=30)
    assert r.status_code == 200, (path, r.status_code)
    return r, plain(r.text)


def member_status(mariadb, account):
    return mariadb.value(f"SELECT status FROM mc_group_member WHERE account_id = {account.id}")


# ---- the menu ----------------------------------------------------------------------

def test_menu(apache, new_account, smtp, mariadb):
    ap = apache
    s, adm, gid, name, key = admin_of_new_group(ap, mariadb, new_account, smtp)
    r, t = admin_page(s, ap, "/admin")
    assert "Group Administrator Menu" in t
    assert ">My Preferences</a>" in r.text and ">Group Maintenance</a>" in r.text
    assert ("As group administrator you will be automatically carbon copied on any e-mails "
            "sent to your group users by the court.") in t
    assert f'href="{G}/procedure"' in r.text
    assert f"{G}/join/{key}" in r.text
    assert "the PIN you set" in t
    # An ordinary account, a group user, and an administrator whose membership
    # is disabled are refused.
    other = new_account(prefix="gnot")
    s2 = new_browser()
    logon_full(s2, ap, other, smtp)
    assert s2.get(ap.url(G + "/admin"), timeout=30).status_code in (403, 404)
    user = new_account(prefix="gusr")
    add_member(mariadb, gid, user)
    s3 = new_browser()
    logon_full(s3, ap, user, smtp)
    assert s3.get(ap.url(G + "/admin"), timeout=30).status_code in (403, 404)
    # The role alone is not enough: the membership is checked in the database.
    mariadb.sql(f"UPDATE mc_group_member SET is_admin = 0 WHERE account_id = {adm.id}")
    assert s.get(ap.url(G + "/admin"), timeout=30).status_code == 403
    mariadb.sql(f"UPDATE mc_group_member SET is_admin = 1 WHERE account_id = {adm.id}")
    mariadb.sql(f"UPDATE mc_group SET status = 'inactive' WHERE id = {gid}")
    assert s.get(ap.url(G + "/admin/members"), timeout=30).status_code == 403


# ---- My Preferences: Group PIN -------------------------------------------------------

def test_pin_change(apache, new_account, smtp, mariadb):
    ap = apache
    s, adm, gid, _, _ = admin_of_new_group(ap, mariadb, new_account, smtp)
    r, t = admin_page(s, ap, "/admin/preferences")
    for sentence in ("The Group PIN number is required for users to join your group. The PIN "
                     "number can be updated.",
                     "It is recommended that you update your PIN often and when a user has been "
                     "disabled or removed from your group.",
                     "All e-mail addresses added below will receive notifications regarding "
                     "electronic filings sent to the court and updates made by the court.",
                     "only verified addresses receive notifications"):
        assert sentence in t, sentence
    # Refused: too short, mismatch.
    r = web.submit(s, r, {"pin": "ab1", "pin2": "ab1"}, action_contains="/pin", timeout=30)
    assert "6 to 12 characters" in r.text
    assert mariadb.value(f"SELECT pin_hash FROM mc_group WHERE id = {gid}") == "!"
    r = web.submit(s, r, {"pin": "abc123", "pin2": "abc124"}, action_contains="/pin",
                   timeout=30)
    assert "New PIN and Verify PIN do not match." in r.text
    assert mariadb.value(f"SELECT pin_hash FROM mc_group WHERE id = {gid}") == "!"
    pin = "Pin" + secrets.token_hex(3)[:5] + "7"
    r = web.submit(s, r, {"pin": pin, "pin2": pin}, action_contains="/pin", timeout=30)
    assert r.status_code == 200 and "The Group PIN was changed" in r.text
    assert pin not in r.text
    h = mariadb.value(f"SELECT pin_hash FROM mc_group WHERE id = {gid}")
    assert h != "!" and pin not in h and len(h) > 20
    assert pin not in s.get(ap.url(G + "/admin"), timeout=30).text
    assert int(mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'group-pin-changed' "
                             f"AND account_id = {adm.id}")) == 1


# ---- My Preferences: Notification E-mail ----------------------------------------------

def test_notify_email(apache, new_account, smtp, mariadb):
    ap = apache
    s, adm, gid, name, _ = admin_of_new_group(ap, mariadb, new_account, smtp)
    r = s.get(ap.url(G + "/admin/preferences"), timeout=30)
    r = web.submit(s, r, {"email": "not-an-address"}, action_contains="/notify", timeout=30)
    assert "enter a valid e-mail address" in r.text
    addr = f"notify{secrets.token_hex(3)}@example.test"
    r = web.submit(s, r, {"email": addr}, action_contains="/notify", timeout=30)
    assert r.status_code == 200 and addr in r.text and "waiting for confirmation" in r.text, plain(r.text)[-1500:]
    mail = smtp.wait_for(to=addr, subject="Notification E-mail", timeout=20)
    m = re.search(r"(https?://\S+/groups/notify/confirm/\S+)", mail.body)
    assert m and name in mail.body
    link = m.group(1)
    path = "/" + link.split("/", 3)[3]
    # Anyone with the link confirms it, once, with the button of the page
    # the link opens; opening it (a mail scanner's HEAD and GET too)
    # confirms nothing.
    anon = new_browser()
    state = ("SELECT verified_at, code_hash, code_expires FROM mc_group_notify WHERE "
             f"email = {q(addr)}")
    page = open_link(anon, ap.url(path), lambda: mariadb.sql(state))
    assert addr in main_of(page.text) and name in main_of(page.text)
    assert mariadb.value("SELECT verified_at IS NULL FROM mc_group_notify WHERE "
                         f"email = {q(addr)}") == "1"
    post_without_token(ap.url(path), lambda: mariadb.sql(state))
    r = press(anon, page)
    assert r.status_code == 200 and "Confirmed" in r.text
    assert mariadb.value("SELECT verified_at IS NOT NULL FROM mc_group_notify WHERE "
                         f"email = {q(addr)}") == "1"
    assert anon.get(ap.url(path), timeout=30).status_code == 404
    assert press(anon, page).status_code == 404
    r = s.get(ap.url(G + "/admin/preferences"), timeout=30)
    assert "verified" in plain(r.text)
    # A duplicate is refused.
    r = web.submit(s, r, {"email": addr}, action_contains="/notify", timeout=30)
    assert "already in the list" in r.text
    # Remove: asks first.
    nid = mariadb.value(f"SELECT id FROM mc_group_notify WHERE email = {q(addr)}")
    r = s.get(ap.url(f"{G}/admin/preferences/notify/{nid}/remove"), timeout=30)
    assert "Are you sure" in r.text and addr in r.text
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_group_notify WHERE id = {nid}") == "1"
    r = web.submit(s, r, {}, action_contains="/remove", timeout=30)
    assert r.status_code == 200 and "was removed" in r.text
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_group_notify WHERE id = {nid}") == "0"


# ---- Group Maintenance ------------------------------------------------------------------

def seed_members(mariadb, new_account, gid):
    tag = secrets.token_hex(2)
    rows = [("Alice", f"Zeta{tag}", "active", "'2014-09-09 11:17:59'"),
            ("Bob", f"Young{tag}", "disabled", "'2015-03-01 15:00:00'"),
            ("alicia", f"Xray{tag}", "active", "'2016-07-04 09:30:00'")]
    out = []
    for first, last, status, date in rows:
        a = new_account(prefix="gmem")
        add_member(mariadb, gid, a, status=status, date=date, first=first, last=last)
        out.append(a)
    return out


def search(s, ap, **params):
    r = s.get(ap.url(G + "/admin/members"), params=params, timeout=30)
    assert r.status_code == 200
    return r


def shown(r, accounts):
    return [a for a in accounts if f">{a.username}</td>" in r.text]


def test_maintenance_search(apache, new_account, smtp, mariadb):
    ap = apache
    s, adm, gid, _, _ = admin_of_new_group(ap, mariadb, new_account, smtp)
    a, b, c = members = seed_members(mariadb, new_account, gid)
    # Another group's users never appear.
    gid2, _, _ = new_group(mariadb)
    stranger = new_account(prefix="gstr")
    add_member(mariadb, gid2, stranger)
    r = search(s, ap)
    t = plain(r.text)
    assert "Search Options" in t
    assert "Enter values in one or more fields below to narrow your search results." in t
    assert f"Displaying 3 records for {adm.username}" in t
    assert shown(r, members) == members and stranger.username not in r.text
    assert adm.username + "</td>" not in r.text   # the administrator is not a group user
    for head in ("Status Date", "Username", "First Name", "Last Name", "Email Address",
                 "Status"):
        assert f">{head}</a></th>" in r.text
    assert ">Actions</th>" in r.text
    assert "09/09/2014 11:17:59 AM" in r.text and "03/01/2015 03:00:00 PM" in r.text
    assert ">ACTIVE</span></td>" in r.text and ">DISABLED</span></td>" in r.text
    assert f"/admin/members/{a.id}/disable" in r.text
    assert f"/admin/members/{b.id}/activate" in r.text
    assert f"/admin/members/{b.id}/disable" not in r.text
    assert f"/admin/members/{c.id}/remove" in r.text
    # Dates (inclusive).
    r = search(s, ap, **{"from": "09/09/2014", "to": "03/01/2015"})
    assert shown(r, members) == [b, a] or set(map(id, shown(r, members))) == {id(a), id(b)}
    assert f"Displaying 2 records for {adm.username}" in plain(r.text)
    assert shown(search(s, ap, **{"from": "01/01/2016"}), members) == [c]
    assert shown(search(s, ap, to="12/31/2014"), members) == [a]
    # Names: prefix, case-insensitive.
    assert set(u.id for u in shown(search(s, ap, first_name="ALI"), members)) == {a.id, c.id}
    assert shown(search(s, ap, last_name=f"young"), members) == [b]
    assert shown(search(s, ap, first_name="%"), members) == []
    # Status.
    assert shown(search(s, ap, status="disabled"), members) == [b]
    assert set(u.id for u in shown(search(s, ap, status="active"), members)) == {a.id, c.id}
    # Bad dates are refused with the field's name.
    for params, field in (({"from": "13/01/2015"}, "Status Date From"),
                          ({"to": "02/30/2015"}, "Status Date To"),
                          ({"from": "2015-01-01"}, "Status Date From"),
                          ({"from": "03/01/2016", "to": "03/01/2015"}, "Status Date From")):
        r = search(s, ap, **params)
        m = re.search(r'class="error"[^>]*>([^<]*)<', r.text)
        assert m and field in m.group(1), params
        assert "Displaying" not in r.text


def test_maintenance_sort_and_paging(apache, new_account, smtp, mariadb):
    ap = apache
    s, adm, gid, _, _ = admin_of_new_group(ap, mariadb, new_account, smtp)
    a, b, c = members = seed_members(mariadb, new_account, gid)

    def order(r):
        return sorted(members, key=lambda m: r.text.index(f">{m.username}</td>"))

    assert order(search(s, ap)) == [c, b, a]                       # newest first
    assert order(search(s, ap, sort="date", dir="asc")) == [a, b, c]
    assert order(search(s, ap, sort="last", dir="asc")) == [c, b, a]
    assert order(search(s, ap, sort="last", dir="desc")) == [a, b, c]
    assert order(search(s, ap, sort="first", dir="asc"))[0] == a   # Alice < alicia < Bob
    assert order(search(s, ap, sort="status", dir="asc"))[-1] == b
    assert order(search(s, ap, sort="username", dir="asc")) == sorted(members,
                                                                      key=lambda m: m.username)
    # Sorting never takes SQL from the request.
    r = search(s, ap, sort="a.id; DROP TABLE mc_group", dir="x")
    assert order(r) == [c, b, a]
    # Sort links in the headings.
    assert "sort=last&amp;dir=asc" in search(s, ap).text
    # Paging: 25 per page.
    for i in range(25):
        mariadb.sql(f"INSERT INTO mc_account (username, email, password_hash, first_name, "
                    f"last_name, status, email_verified, created_at) SELECT "
                    f"CONCAT('gpage', id, '{i}x'), CONCAT('gpage', id, '{i}@example.test'), '!', "
                    f"'Page', 'Filler', 'active', 1, UTC_TIMESTAMP() FROM mc_group WHERE id = {gid}")
    mariadb.sql(f"INSERT INTO mc_group_member (account_id, group_id, is_admin, status, "
                f"status_date, joined_at) SELECT id, {gid}, 0, 'active', '2010-01-01', "
                f"UTC_TIMESTAMP() FROM mc_account WHERE username LIKE 'gpage{gid}%'")
    r = search(s, ap)
    assert f"Displaying 28 records for {adm.username}" in plain(r.text)
    assert r.text.count(">Page</td>") == 22 and "Page 1 of 2" in plain(r.text)
    nxt = re.search(r'href="([^"]+)" rel="next"', r.text).group(1).replace("&amp;", "&")
    r2 = s.get(ap.url(nxt), timeout=30)
    assert r2.text.count(">Page</td>") == 3 and "Page 2 of 2" in plain(r2.text)
    assert 'rel="prev"' in r2.text


# ---- actions -------------------------------------------------------------------------

def act(s, ap, account_id, action):
    r = s.get(ap.url(f"{G}/admin/members/{account_id}/{action}"), timeout=30)
    assert r.status_code == 200 and "Are you sure" in r.text
    return web.submit(s, r, {}, action_contains=f"/{account_id}/{action}", timeout=30)


def test_disable_activate(apache, new_account, smtp, mariadb):
    ap = apache
    s, adm, gid, _, _ = admin_of_new_group(ap, mariadb, new_account, smtp)
    user = new_account(prefix="gdis")
    add_member(mariadb, gid, user, date="'2014-09-09 11:17:59'")
    # The GET only asks.
    r = s.get(ap.url(f"{G}/admin/members/{user.id}/disable"), timeout=30)
    assert "Are you sure you want to disable the user " + user.username in plain(r.text)
    assert member_status(mariadb, user) == "active"
    # A POST without the form's CSRF token is refused.
    bad = s.post(ap.url(f"{G}/admin/members/{user.id}/disable"), data={"x": "1"}, timeout=30)
    assert bad.status_code in (400, 403) and member_status(mariadb, user) == "active"
    before = len(smtp.find(to=user.email))
    r = act(s, ap, user.id, "disable")
    assert r.status_code == 200 and "The user was disabled" in r.text
    assert member_status(mariadb, user) == "disabled"
    assert mariadb.value(f"SELECT status_date > '2020-01-01' FROM mc_group_member WHERE "
                         f"account_id = {user.id}") == "1"
    assert ">DISABLED</span></td>" in search(s, ap, status="disabled").text
    # Still associated, still holding the role, and no e-mail.
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_account_role WHERE account_id = {user.id} "
                         f"AND role = 'group_user' AND scope = '{gid}'") == "1"
    if before == 0:
        delivery_settled(mariadb, smtp, user.email)
        smtp.assert_none(to=user.email)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_outbox WHERE account_id = {user.id}") == "0"
    assert int(mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = "
                             f"'group-user-disabled' AND account_id = {user.id}")) == 1
    mariadb.sql(f"UPDATE mc_group_member SET status_date = '2014-01-01' WHERE "
                f"account_id = {user.id}")
    r = act(s, ap, user.id, "activate")
    assert r.status_code == 200 and "The user was activated" in r.text
    assert member_status(mariadb, user) == "active"
    assert mariadb.value(f"SELECT status_date > '2020-01-01' FROM mc_group_member WHERE "
                         f"account_id = {user.id}") == "1"
    assert int(mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = "
                             f"'group-user-activated' AND account_id = {user.id}")) == 1


def test_remove_mails_user_and_copies_admin(apache, new_account, smtp, mariadb):
    ap = apache
    s, adm, gid, name, _ = admin_of_new_group(ap, mariadb, new_account, smtp)
    user = new_account(prefix="grem")
    add_member(mariadb, gid, user)
    r = s.get(ap.url(f"{G}/admin/members/{user.id}/remove"), timeout=30)
    assert "Are you sure" in r.text
    assert member_status(mariadb, user) == "active"
    r = web.submit(s, r, {}, action_contains=f"/{user.id}/remove", timeout=30)
    assert r.status_code == 200 and "removed from the group" in r.text
    assert member_status(mariadb, user) is None
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_account_role WHERE account_id = {user.id} "
                         f"AND role = 'group_user'") == "0"
    subject = f"You have been removed from the group {name}"
    mail = smtp.wait_for(to=user.email, subject=subject, timeout=20)
    assert adm.email.lower() in [x.lower() for x in mail.rcpt_tos] or \
        adm.email in str(mail.message.get("Cc", ""))
    assert adm.email in str(mail.message.get("Cc", ""))
    assert user.username not in search(s, ap).text
    assert int(mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = "
                             f"'group-user-removed' AND account_id = {user.id}")) == 1


def test_cross_group_refused(apache, new_account, smtp, mariadb):
    ap = apache
    s, adm, gid, _, _ = admin_of_new_group(ap, mariadb, new_account, smtp)
    gid2, _, _ = new_group(mariadb)
    other = new_account(prefix="gxy")
    add_member(mariadb, gid2, other)
    for action in ("disable", "remove", "activate"):
        assert s.get(ap.url(f"{G}/admin/members/{other.id}/{action}"),
                     timeout=30).status_code in (403, 404)
    # A form of our own group, aimed at the other group's user.
    mine = new_account(prefix="gmine")
    add_member(mariadb, gid, mine)
    page = s.get(ap.url(f"{G}/admin/members/{mine.id}/remove"), timeout=30)
    csrf = [f for f in web.forms(page.text) if "/remove" in (f.get("action") or "")][0]
    token = csrf["fields"].get("mc_csrf") if isinstance(csrf, dict) and "fields" in csrf else None
    for action in ("disable", "remove"):
        data = {"mc_csrf": token} if token else {"x": "1"}
        r = s.post(ap.url(f"{G}/admin/members/{other.id}/{action}"), data=data, timeout=30)
        assert r.status_code == (404 if token else 403) or r.status_code in (400, 403, 404)
        if token:
            assert r.status_code == 404
    assert member_status(mariadb, other) == "active"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_group_member WHERE account_id = {other.id} "
                         f"AND group_id = {gid2}") == "1"
    # Another group's administrator is not ours either.
    adm2 = new_account(prefix="gadm2")
    add_member(mariadb, gid2, adm2, admin=True)
    assert s.get(ap.url(f"{G}/admin/members/{adm2.id}/disable"),
                 timeout=30).status_code == 404


def test_cc_rule(apache, new_account, smtp, mariadb):
    ap = apache
    gid, _, _ = new_group(mariadb)
    adm = new_account(prefix="gccadm")
    add_member(mariadb, gid, adm, admin=True)
    user = new_account(prefix="gccusr")
    add_member(mariadb, gid, user)
    s = new_browser()
    logon_full(s, ap, user, smtp)
    page = s.get(ap.url("/probe/mine"), timeout=30)
    subject = f"Probe notice {secrets.token_hex(3)}"
    from helpers_core import csrf_of
    r = s.post(ap.url("/probe/notify"), data={"subject": subject, "mc_csrf": csrf_of(page.text)},
               timeout=30)
    assert r.status_code == 200, r.text
    mail = smtp.wait_for(to=user.email, subject=subject, timeout=20)
    assert adm.email in str(mail.message.get("Cc", ""))
    assert adm.email.lower() in [x.lower() for x in mail.rcpt_tos]


# ---- logon landings (seed 000 step 15, seed 001 step 25) ----------------------------

def test_logon_landings(apache, new_account, smtp, mariadb):
    """A DISABLEd group user is told at logon; a subscribed group user lands
    on the eFiling Menu, a subscribed administrator on the Group
    Administrator Menu; an unsubscribed one goes to the usual home page."""
    from helpers_core import path_of
    gid, name, _ = new_group(mariadb)
    user, adm, newbie = new_account(prefix="gusr"), new_account(prefix="gadm"), \
        new_account(prefix="gnew")
    add_member(mariadb, gid, user, status="disabled")
    add_member(mariadb, gid, adm, admin=True)
    add_member(mariadb, gid, newbie)
    for a in (user, adm):
        mariadb.sql("INSERT INTO mc_reg_subscription (account_id, application, subscribed_at) "
                    f"VALUES ({a.id}, 'efiling', UTC_TIMESTAMP())")

    r = logon_full(new_browser(), apache, user, smtp)
    assert path_of(r.url) == "/groups/efiling", r.url
    assert f"You have been disabled from the group {name}" in plain(r.text)

    r = logon_full(new_browser(), apache, adm, smtp)
    assert path_of(r.url) == "/groups/admin", r.url

    r = logon_full(new_browser(), apache, newbie, smtp)
    assert path_of(r.url) == "/account/", r.url

    mariadb.sql(f"UPDATE mc_group_member SET status = 'active' WHERE account_id = {user.id}")
    r = logon_full(new_browser(), apache, user, smtp)
    assert path_of(r.url) == "/groups/efiling", r.url
    assert "disabled from the group" not in plain(r.text)


# ---- a page asked for before logon wins over the landing pages (issue 10 §5) ---------

def test_logon_return_path_wins_for_group_members(apache, new_account, smtp, mariadb):
    """A group administrator and a group user, both subscribed (so a plain
    logon lands on their menus), follow a link that needs logon: a Case.net
    case to track, the "See the envelope" link of an eFiling e-mail, a
    protected static file. After Logon (and the new-device code) they reach
    that page, not their menu."""
    from urllib.parse import quote
    from helpers_core import COOKIE, location, logon_post, path_of, wait_code
    gid, _, _ = new_group(mariadb)
    adm, user = new_account(prefix="gadm"), new_account(prefix="gusr")
    add_member(mariadb, gid, adm, admin=True)
    add_member(mariadb, gid, user)
    for a in (adm, user):
        mariadb.sql("INSERT INTO mc_reg_subscription (account_id, application, subscribed_at) "
                    f"VALUES ({a.id}, 'efiling', UTC_TIMESTAMP())")
    targets = ["/casenet/track/22AC-CC00123", "/ecf/envelopes/4711", "/protected/static.html"]
    for acct in (adm, user):
        s = new_browser()
        for n, target in enumerate(targets):
            for c in [c for c in s.cookies if c.name == COOKIE]:   # logged off, same device
                s.cookies.clear(c.domain, c.path, c.name)
            # The link, followed without a session, asks for Logon and names itself.
            r = s.get(apache.url(target), allow_redirects=False, timeout=30)
            assert r.status_code in (302, 303), (target, r.status_code)
            assert location(r).endswith("/account/logon?return=" + quote(target, safe="")), \
                location(r)
            seen = len(smtp.find(to=acct.email, subject="Your verification code"))
            r = logon_post(s, apache, acct.username, acct.password, extra={"return": target})
            assert r.status_code == 303
            if n == 0:   # a new browser: the e-mailed code first, then the page
                assert path_of(location(r)) == "/account/device", location(r)
                page = s.get(apache.url(location(r)), timeout=30)
                r = web.submit(s, page, {"code": wait_code(smtp, acct.email, seen)},
                               with_field="code", allow_redirects=False, timeout=30)
                assert r.status_code == 303
            assert location(r) == target, (acct.username, target, location(r))
        s.close()
    # Without a return path the landings stay as they were (seed 000 step 15).
    r = logon_full(new_browser(), apache, adm, smtp)
    assert path_of(r.url) == "/groups/admin", r.url


def test_agreement_leads_admin_to_menu(apache, new_account, smtp, mariadb):
    """Seed 000 steps 13-15: a group administrator clicks Subscribe next to
    Electronic Case Filing, accepts the User Agreement and is directed to the
    Group Administrator Menu at once (not only at the next logon)."""
    from helpers_core import location, path_of
    gid, name, _ = new_group(mariadb)
    adm = new_account(prefix="gadm")
    add_member(mariadb, gid, adm, admin=True)
    s = new_browser()
    r = logon_full(s, apache, adm, smtp)
    assert path_of(r.url) == "/account/", r.url      # not subscribed yet
    page = s.get(apache.url("/registration/myaccount"), timeout=30)
    r = web.submit(s, page, {}, action_contains="/subscribe/efiling", allow_redirects=False,
                   timeout=30)
    assert r.status_code == 303 and location(r) == "/registration/agreement", location(r)
    page = s.get(apache.url(location(r)), timeout=30)
    assert "I acknowledge" in page.text
    r = web.submit(s, page, {"acknowledge": "1"}, action_contains="/agreement",
                   allow_redirects=False, timeout=30)
    assert r.status_code == 303 and location(r) == "/groups/admin", location(r)
    r = s.get(apache.url(location(r)), timeout=30)
    assert "Group Administrator Menu" in plain(r.text)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_reg_agreement WHERE account_id = {adm.id}") \
        == "1"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_reg_subscription WHERE account_id = "
                         f"{adm.id} AND application = 'efiling'") == "1"
