"""Registration: the Security unit turns off another account's two-step
verification (ABI 1.17, mc_two_step_reset) when its holder has lost the
authenticator app and the recovery codes: confirmed, audited with the
Security user as actor, the account's sessions ended, its holder told by
e-mail, and the next logon back to the e-mailed device code."""
import concurrent.futures

from harness import web
from helpers_core import is_logged_on, logon, logon_full, new_browser, path_of, plain
from integration.test_totp import enrolled, enter, to_code_step
from test_reg_security import (CONFIRM_ERROR, REG, account_page, act, audited,
                               security_browser)

ACTION = "two-step-off"
BUTTON = "Turn off two-step verification"
DONE = ("Two-step verification was turned off, the account's sessions ended and its holder "
        "told by e-mail.")
SUBJECT = "Two-step verification was turned off"


def test_security_unit_turns_it_off(apache, new_account, smtp, mariadb):
    ap = apache
    target, holder, app, _ = enrolled(ap, new_account, smtp)
    enter(holder, to_code_step(ap, holder, target, smtp), app.code())
    assert is_logged_on(holder, ap)
    s, sec = security_browser(ap, new_account, smtp)
    page = account_page(s, ap, target.id)
    assert "Two-step verification On" in plain(page.text) and BUTTON in page.text
    # Not without "I confirm".
    r = act(s, ap, target.id, ACTION, confirm=False)
    assert CONFIRM_ERROR in r.text
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_totp WHERE account_id = {target.id}") == "1"
    r = act(s, ap, target.id, ACTION)
    assert path_of(r.url) == f"{REG}/security/account/{target.id}" and DONE in r.text
    assert "Two-step verification Off" in plain(r.text) and BUTTON not in r.text
    for table in ("mc_totp", "mc_totp_recovery"):
        assert mariadb.value(f"SELECT COUNT(*) FROM {table} WHERE account_id = {target.id}") == "0"
    assert audited(mariadb, "security-two-step-off", target.id, sec.id) == 1
    assert not is_logged_on(holder, ap)       # every session of the account ended
    mail = smtp.wait_for(to=target.email, subject=SUBJECT)
    assert target.username in mail.body and "help desk" in mail.body
    # The next logon, from a new browser, asks for the e-mailed code, not the app's.
    r = logon_full(new_browser(), ap, target, smtp)
    assert path_of(r.url) != "/account/two-step-code"


def test_refused_when_it_is_off(apache, new_account, smtp, mariadb):
    """Off already (or turned off by its holder meanwhile): no button, and a
    form sent anyway is refused with a sentence, nothing audited."""
    ap = apache
    s, sec = security_browser(ap, new_account, smtp)
    target = new_account()
    page = account_page(s, ap, target.id)
    assert "Two-step verification Off" in plain(page.text) and BUTTON not in page.text
    form = web.find_form(page.text, with_field="mc_csrf")
    r = s.post(ap.url(f"{REG}/security/account/{target.id}/{ACTION}"),
               data={"mc_csrf": form["fields"]["mc_csrf"], "confirm": "1"}, timeout=30)
    assert r.status_code == 200
    assert "Two-step verification is not on for this account." in r.text
    assert audited(mariadb, "security-two-step-off", target.id, sec.id) == 0


def test_only_the_security_unit(apache, new_account, smtp, mariadb):
    """Another account holder (even one logged on) gets 403; a GET changes
    nothing."""
    ap = apache
    target, _, _, _ = enrolled(ap, new_account, smtp)
    other = new_account()
    o = new_browser()
    logon_full(o, ap, other, smtp)
    page = o.get(ap.url("/account/"), timeout=30)
    form = web.find_form(page.text, with_field="mc_csrf")
    url = ap.url(f"{REG}/security/account/{target.id}/{ACTION}")
    r = o.post(url, data={"mc_csrf": form["fields"]["mc_csrf"], "confirm": "1"}, timeout=30,
               allow_redirects=False)
    assert r.status_code == 403
    assert o.get(url, timeout=30, allow_redirects=False).status_code in (404, 405)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_totp WHERE account_id = {target.id}") == "1"
    # And the holder still logs on with the app.
    assert path_of(logon(new_browser(), ap, target.username, target.password).url) == \
        "/account/two-step-code"


def test_ten_at_once_act_once(apache, new_account, smtp, mariadb):
    """The confirmed form sent ten times at once: one turns it off (one
    audit row, one e-mail); the others answer the page, done or refused."""
    ap = apache
    target, _, _, _ = enrolled(ap, new_account, smtp)
    s, sec = security_browser(ap, new_account, smtp)
    form = web.find_form(account_page(s, ap, target.id).text,
                         action_contains=f"/{target.id}/{ACTION}")
    data = dict(form["fields"], confirm="1")
    url = ap.url(f"{REG}/security/account/{target.id}/{ACTION}")

    def one(_):
        c = new_browser()
        c.cookies.update(s.cookies)
        return c.post(url, data=data, timeout=60)

    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(one, range(10)))
    assert all(r.status_code == 200 for r in answers), [r.status_code for r in answers]
    assert all(DONE in r.text or "Two-step verification is not on for this account." in r.text
               for r in answers)
    assert audited(mariadb, "security-two-step-off", target.id, sec.id) == 1
    assert mariadb.value("SELECT COUNT(*) FROM mc_outbox WHERE kind = 'security-two-step-off' "
                         f"AND recipient = '{target.email}'") == "1"
