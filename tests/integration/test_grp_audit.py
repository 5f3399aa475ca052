"""Groups (issue 17): the group administrator's actions are audited, each
with the administrator as actor and the group named (PIN changed, member
disabled / activated / removed, Notification E-mail added / removed), and
the Security unit finds them in the audit log viewer by the administrator's
account."""
import re
import secrets

import pytest

from harness import web
from helpers_efiling import add_member
from test_grp_admin import G, act, admin_of_new_group, q
from test_reg_audit import security_browser, table_rows

AUDIT = "/registration/security/audit"


def audit_rows(mariadb, actor, event):
    """(account_id, detail) of the actor's events of that type."""
    return mariadb.sql(f"SELECT COALESCE(account_id, 0), detail FROM mc_audit WHERE actor_id = "
                       f"{actor.id} AND event = {q(event)} ORDER BY id")


def test_group_actions_audited(apache, new_account, smtp, mariadb):
    ap = apache
    s, adm, gid, name, _ = admin_of_new_group(ap, mariadb, new_account, smtp)
    # The Group PIN.
    r = s.get(ap.url(G + "/admin/preferences"), timeout=30)
    pin = "Pin" + secrets.token_hex(3)[:5] + "7"
    r = web.submit(s, r, {"pin": pin, "pin2": pin}, action_contains="/pin", timeout=30)
    assert "The Group PIN was changed" in r.text
    assert audit_rows(mariadb, adm, "group-pin-changed") == [
        (str(adm.id), f"Group PIN of group {gid} changed")]
    # A Notification E-mail added, then removed.
    addr = f"gaud{secrets.token_hex(3)}@example.test"
    r = web.submit(s, r, {"email": addr}, action_contains="/notify", timeout=30)
    assert r.status_code == 200 and addr in r.text
    assert audit_rows(mariadb, adm, "group-notify-added") == [
        (str(adm.id), f"Notification E-mail added to group {gid}")]
    nid = mariadb.value(f"SELECT id FROM mc_group_notify WHERE email = {q(addr)}")
    r = s.get(ap.url(f"{G}/admin/preferences/notify/{nid}/remove"), timeout=30)
    r = web.submit(s, r, {}, action_contains="/remove", timeout=30)
    assert r.status_code == 200 and "was removed" in r.text
    assert audit_rows(mariadb, adm, "group-notify-removed") == [
        (str(adm.id), f"Notification E-mail removed from group {gid}")]
    # No address is written into the log.
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_audit WHERE detail LIKE {q('%' + addr + '%')}") \
        == "0"
    # A member disabled, activated, removed.
    user = new_account(prefix="gaum")
    add_member(mariadb, gid, user)
    for action, said in (("disable", "The user was disabled"),
                         ("activate", "The user was activated")):
        assert said in act(s, ap, user.id, action).text
    r = s.get(ap.url(f"{G}/admin/members/{user.id}/remove"), timeout=30)
    r = web.submit(s, r, {}, action_contains=f"/{user.id}/remove", timeout=30)
    assert "removed from the group" in r.text
    for event, state in (("group-user-disabled", "disabled"), ("group-user-activated", "active"),
                         ("group-user-removed", "removed from")):
        rows = audit_rows(mariadb, adm, event)
        assert len(rows) == 1 and rows[0][0] == str(user.id), (event, rows)
        assert f"{user.username} {state}" in rows[0][1] and str(gid) in rows[0][1], rows
    # The Security unit sees them all under the administrator's account.
    sec_s, _ = security_browser(ap, new_account, smtp)
    r = sec_s.get(ap.url(AUDIT), params={"account": adm.username}, timeout=30)
    assert r.status_code == 200
    seen = [(row[1], row[2], row[3]) for row in table_rows(r)]
    for event, whose in (("group-user-removed", user.username),
                         ("group-user-activated", user.username),
                         ("group-user-disabled", user.username),
                         ("group-notify-removed", adm.username),
                         ("group-notify-added", adm.username),
                         ("group-pin-changed", adm.username)):
        assert (event, whose, adm.username) in seen, (event, seen)
    order = [e for e, _, _ in seen if e.startswith("group-")]
    assert order == ["group-user-removed", "group-user-activated", "group-user-disabled",
                     "group-notify-removed", "group-notify-added", "group-pin-changed"], order
    assert re.search(r'<option value="group-pin-changed"', r.text)


def refuse_audit(mariadb, name, event, detail):
    """A trigger that makes the audit row of event with detail fail."""
    mariadb.sql(f"CREATE TRIGGER {name} BEFORE INSERT ON mc_audit FOR EACH ROW "
                f"IF NEW.event = {q(event)} AND NEW.detail = {q(detail)} THEN "
                "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit refused by the test'; "
                "END IF", database="mocourts")


@pytest.mark.allow_errors(r"audit refused by the test|45000|MC\d+")
def test_change_and_its_audit_are_one(apache, new_account, smtp, mariadb):
    """The PIN change and the address removal are undone when their audit
    row cannot be written: they and their audit are one transaction."""
    ap = apache
    s, adm, gid, name, _ = admin_of_new_group(ap, mariadb, new_account, smtp)
    tag = secrets.token_hex(3)
    old_pin = mariadb.value(f"SELECT pin_hash FROM mc_group WHERE id = {gid}")
    mariadb.sql(f"INSERT INTO mc_group_notify (group_id, email, created_at) VALUES "
                f"({gid}, 'gone{tag}@example.test', UTC_TIMESTAMP())", database="mocourts")
    nid = mariadb.value(f"SELECT id FROM mc_group_notify WHERE email = 'gone{tag}@example.test'")
    refuse_audit(mariadb, f"t_pin_{tag}", "group-pin-changed", f"Group PIN of group {gid} changed")
    refuse_audit(mariadb, f"t_rm_{tag}", "group-notify-removed",
                 f"Notification E-mail removed from group {gid}")
    try:
        r = s.get(ap.url(G + "/admin/preferences"), timeout=30)
        pin = "Pin" + tag[:5] + "7"
        r = web.submit(s, r, {"pin": pin, "pin2": pin}, action_contains="/pin", timeout=30)
        assert r.status_code >= 500, r.status_code
        assert mariadb.value(f"SELECT pin_hash FROM mc_group WHERE id = {gid}") == old_pin
        r = s.get(ap.url(f"{G}/admin/preferences/notify/{nid}/remove"), timeout=30)
        r = web.submit(s, r, {}, action_contains="/remove", timeout=30)
        assert r.status_code >= 500, r.status_code
        assert mariadb.value(f"SELECT COUNT(*) FROM mc_group_notify WHERE id = {nid}") == "1"
    finally:
        mariadb.sql(f"DROP TRIGGER t_pin_{tag}; DROP TRIGGER t_rm_{tag}", database="mocourts")
