"""Registration: the Security unit's tools (role security): find accounts,
Unlock, Disable, Enable, Resend verification; each confirmed, audited with
the Security user as actor, and protected against CSRF."""
import re
import secrets
from datetime import datetime, timedelta

from harness import web
from helpers_core import (MSG_BAD, MSG_DISABLED, MSG_LOCKED, account_browser, is_logged_on, logon,
                          logon_full, new_browser, plain, sha256_hex)

REG = "/registration"
CONFIRM_ERROR = "Check \"I confirm\" beside the action"


def security_browser(ap, new_account, smtp):
    return account_browser(ap, new_account, smtp, ["security"], prefix="secunit")


def found(page, account):
    """account is a row of the result table."""
    return f">{account.username}</a>" in page.text


def search(s, ap, **q):
    params = {"search": "1", "username": "", "email": "", "last_name": "", "status": ""}
    params.update(q)
    r = s.get(ap.url(REG + "/security"), params=params, timeout=30)
    assert r.status_code == 200, r.status_code
    return r


def account_page(s, ap, account_id):
    r = s.get(ap.url(f"{REG}/security/account/{account_id}"), timeout=30)
    assert r.status_code == 200, r.status_code
    return r


def act(s, ap, account_id, action, confirm=True):
    page = account_page(s, ap, account_id)
    fields = {"confirm": "1"} if confirm else {}
    return web.submit(s, page, fields, action_contains=f"/{account_id}/{action}", timeout=30)


def audited(mariadb, event, account_id, actor_id):
    return int(mariadb.value(f"SELECT COUNT(*) FROM mc_audit WHERE event = '{event}' AND "
                             f"account_id = {account_id} AND actor_id = {actor_id}"))


def test_search_and_paging(apache, new_account, smtp, mariadb):
    ap = apache
    s, _ = security_browser(ap, new_account, smtp)
    target = new_account(prefix="secfind")
    # The navigation offers the Security unit to its members.
    assert f'href="{REG}/security"' in s.get(ap.url("/probe/mine")).text
    # By username prefix, in another case.
    r = search(s, ap, username=target.username[:10].upper())
    assert found(r, target) and f">{target.email}</td>" in r.text
    for head in ("Username", "Name", "E-mail", "Status", "Locked?", "Verified?"):
        assert f">{head}</th>" in r.text
    # By e-mail prefix and by last name.
    assert found(search(s, ap, email=target.email[:12]), target)
    r = search(s, ap, last_name=f"user{target.id}")
    assert found(r, target) and f"Test User{target.id}" in plain(r.text)
    # By status.
    mariadb.sql(f"UPDATE mc_account SET status = 'pending' WHERE id = {target.id}",
                database="mocourts")
    assert found(search(s, ap, username=target.username, status="pending"), target)
    assert not found(search(s, ap, username=target.username, status="active"), target)
    # A LIKE wildcard is a plain character.
    assert not found(search(s, ap, username="%"), target)
    # 27 accounts: 25 on page 1, 2 on page 2.
    tag = "pg" + secrets.token_hex(3)
    rows = ", ".join(f"('{tag}{i:02d}', '{tag}{i:02d}@example.test', '!')" for i in range(27))
    mariadb.sql(f"INSERT INTO mc_account (username, email, password_hash) VALUES {rows}",
                database="mocourts")
    p1 = search(s, ap, username=tag)
    assert re.search(r"27 account\(s\) found\. Page 1 of 2 ?\.", plain(p1.text))
    assert len(re.findall(rf">{tag}\d\d<", p1.text)) == 25
    nxt = re.search(r'<a href="([^"]+)" rel="next">', p1.text)
    assert nxt, p1.text[-3000:]
    p2 = s.get(ap.url(nxt.group(1).replace("&amp;", "&")), timeout=30)
    assert re.search(r"Page 2 of 2 ?\.", plain(p2.text))
    assert len(re.findall(rf">{tag}\d\d<", p2.text)) == 2
    assert f">{tag}26<" in p2.text


def test_unlock(apache, new_account, smtp, mariadb):
    ap = apache
    s, sec = security_browser(ap, new_account, smtp)
    target = new_account()
    for _ in range(5):
        r = logon(new_browser(), ap, target.username, "Wrong-Passw0rd")
    assert MSG_LOCKED in r.text
    assert MSG_LOCKED in logon(new_browser(), ap, target.username, target.password).text
    page = account_page(s, ap, target.id)
    assert "Locked? Yes" in plain(page.text)
    # Not without "I confirm".
    r = act(s, ap, target.id, "unlock", confirm=False)
    assert CONFIRM_ERROR in r.text
    assert MSG_LOCKED in logon(new_browser(), ap, target.username, target.password).text
    r = act(s, ap, target.id, "unlock")
    assert "The account was unlocked." in r.text and "Locked? No" in plain(r.text)
    logon_full(new_browser(), ap, target, smtp)
    assert audited(mariadb, "security-unlock", target.id, sec.id) == 1


def test_disable_and_enable(apache, new_account, smtp, mariadb):
    ap = apache
    s, sec = security_browser(ap, new_account, smtp)
    target = new_account()
    t = new_browser()
    logon_full(t, ap, target, smtp)
    assert is_logged_on(t, ap)
    r = act(s, ap, target.id, "disable")
    assert "The account was disabled and its sessions ended." in r.text
    assert "Status disabled" in plain(r.text)
    assert not is_logged_on(t, ap)
    r = logon(new_browser(), ap, target.username, target.password)
    assert MSG_DISABLED in r.text
    assert audited(mariadb, "security-disable", target.id, sec.id) == 1
    r = act(s, ap, target.id, "enable")
    assert "The account was enabled." in r.text and "Status active" in plain(r.text)
    logon_full(new_browser(), ap, target, smtp)
    assert audited(mariadb, "security-enable", target.id, sec.id) == 1
    # No action on oneself that locks oneself out.
    assert f"/{sec.id}/disable" not in account_page(s, ap, sec.id).text


def test_resend_verification(apache, new_account, smtp, mariadb):
    ap = apache
    s, sec = security_browser(ap, new_account, smtp)
    target = new_account()
    # Only for a pending account.
    assert f"/{target.id}/resend" not in account_page(s, ap, target.id).text
    mariadb.sql(f"UPDATE mc_account SET status = 'pending', email_verified = 0 WHERE id = "
                f"{target.id}", database="mocourts")
    r = act(s, ap, target.id, "resend")
    assert "A new verification e-mail was queued." in r.text
    mail = smtp.wait_for(to=target.email, subject="Verify your e-mail address", timeout=15)
    m = re.search(r"http://\S+/registration/verify/([A-Za-z0-9_-]{43})", mail.body)
    assert m, mail.body
    row = mariadb.value("SELECT CONCAT(purpose, ' ', expires_at) FROM mc_code WHERE code_hash = "
                        f"'{sha256_hex(m.group(1))}' AND account_id = {target.id}")
    purpose, expires = row.split(" ", 1)
    assert purpose == "verify-email"
    now = datetime.strptime(mariadb.value("SELECT UTC_TIMESTAMP()"), "%Y-%m-%d %H:%M:%S")
    left = datetime.strptime(expires, "%Y-%m-%d %H:%M:%S") - now
    assert timedelta(hours=23, minutes=58) < left <= timedelta(hours=24)
    assert audited(mariadb, "security-resend-verify", target.id, sec.id) == 1


def test_only_the_security_unit(apache, new_account, smtp, mariadb):
    ap = apache
    user = new_account()
    target = new_account()
    s = new_browser()
    logon_full(s, ap, user, smtp)
    assert s.get(ap.url(REG + "/security"), timeout=30).status_code == 403
    assert s.get(ap.url(f"{REG}/security/account/{target.id}"), timeout=30).status_code == 403
    csrf = re.search(r'name="mc_csrf" value="([^"]+)"', s.get(ap.url("/probe/mine")).text).group(1)
    r = s.post(ap.url(f"{REG}/security/account/{target.id}/disable"),
               data={"mc_csrf": csrf, "confirm": "1"}, allow_redirects=False, timeout=30)
    assert r.status_code == 403
    assert mariadb.value(f"SELECT status FROM mc_account WHERE id = {target.id}") == "active"
    # Anonymous: not the page.
    r = new_browser().get(ap.url(REG + "/security"), allow_redirects=False, timeout=30)
    assert r.status_code in (302, 303, 401, 403) and "Username" not in r.text


def test_actions_need_csrf(apache, new_account, smtp, mariadb):
    ap = apache
    s, sec = security_browser(ap, new_account, smtp)
    target = new_account()
    for fields in ({"confirm": "1"}, {"confirm": "1", "mc_csrf": "x" * 43}):
        r = s.post(ap.url(f"{REG}/security/account/{target.id}/disable"), data=fields,
                   allow_redirects=False, timeout=30)
        assert r.status_code == 403
    assert mariadb.value(f"SELECT status FROM mc_account WHERE id = {target.id}") == "active"
    assert audited(mariadb, "security-disable", target.id, sec.id) == 0
    # With the token (through the page) it is carried out.
    act(s, ap, target.id, "disable")
    assert mariadb.value(f"SELECT status FROM mc_account WHERE id = {target.id}") == "disabled"
    assert MSG_DISABLED in logon(new_browser(), ap, target.username, target.password).text
