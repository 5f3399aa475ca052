"""Case.net: Track This Case (seed 002), the account's phone numbers and
their verification codes, and the e-mailed Stop Tracking link (a page whose
button POSTs, and the RFC 8058 one-click POST), stored only hashed.

Court data is written straight into the database (helpers_casenet); the
phone codes are read from the gateway recorder, as a person reads the text.
"""
import hashlib
import html as html_mod
import re
import secrets
from urllib.parse import quote

from harness import util, web
from helpers_casenet import CASENET, seed_case, seed_court, set_confidential
from helpers_core import (LOGON, MSG_FORM_EXPIRED, account_browser, code_mails, location,
                          logon_full, new_browser, path_of, sha256_hex, submit_code, wait_code)
from helpers_links import main_of, open_link, post_without_token, press

CODE_RE = re.compile(r"verification code is (\d{6})")
MSG_NOT_VALID = "This link is not valid."


def plain(html):
    return html_mod.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def q(s):
    return "'" + str(s).replace("\\", "\\\\").replace("'", "\\'") + "'"


def new_case(mariadb, **kw):
    court = seed_court(mariadb)
    case_id, number = seed_case(mariadb, court, caption=kw.pop("caption", "STATE V TRACKER"), **kw)
    return court, case_id, number


def holder(apache, new_account, smtp):
    return account_browser(apache, new_account, smtp, prefix="trk")


def track_row(mariadb, account, case_id):
    rows = mariadb.sql("SELECT id, channel, recipient, frequency, active, "
                       "stopped_why, stopped_at FROM mc_track WHERE account_id = "
                       f"{account.id} AND case_id = {case_id}")
    assert len(rows) <= 1
    if not rows:
        return None
    keys = ("id", "channel", "recipient", "frequency", "active", "stopped_why", "stopped_at")
    return dict(zip(keys, rows[0]))


def mailed_token(mariadb, track_id):
    """A Stop Tracking token as a notice e-mail carries one: only its hash
    is stored (mc_track_stop)."""
    token = secrets.token_urlsafe(32)[:43]
    mariadb.sql("INSERT INTO mc_track_stop (track_id, token_hash, created_at) VALUES "
                f"({track_id}, '{sha256_hex(token)}', UTC_TIMESTAMP())")
    return token


def tracked_case(ap, mariadb, new_account, smtp):
    """A new case that a new account, logged on, tracks by e-mail (each
    entry), and a Stop Tracking token mailed for it: (case id, case number,
    browser, account, tracking row, token)."""
    _, case_id, number = new_case(mariadb)
    s, acct = holder(ap, new_account, smtp)
    assert track(s, ap, number, method="email", frequency="each").status_code == 303
    row = track_row(mariadb, acct, case_id)
    return case_id, number, s, acct, row, mailed_token(mariadb, row["id"])


def track_state(mariadb, *track_ids):
    """What a Stop Tracking link may change: the trackings and the audit."""
    ids = ", ".join(str(i) for i in track_ids)
    return (mariadb.sql(f"SELECT id, active, stopped_at, stopped_why FROM mc_track WHERE id IN "
                        f"({ids}) ORDER BY id"),
            mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'case-track-stop'"))


ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def one_click(url, **kw):
    """A mail receiver's RFC 8058 POST: no cookies, no form token, no Origin."""
    return web.new_session().post(url, timeout=30, **kw)


def all_db_text(mariadb):
    out = []
    for (t,) in mariadb.sql("SHOW TABLES"):
        for row in mariadb.sql(f"SELECT * FROM `{t}`"):
            out.append(f"{t}: " + "|".join("" if v is None else v for v in row))
    return out


def track(s, ap, number, **fields):
    """Open the track page and submit it with fields (no redirects)."""
    page = s.get(ap.url(f"{CASENET}/track/{number}"), timeout=30)
    assert page.status_code == 200, plain(page.text)[:1500]
    return web.submit(s, page, fields, action_contains=f"/track/{number}", timeout=30,
                      allow_redirects=False)


def random_phone():
    """A US number nobody else in the run uses: (typed form, E.164)."""
    exch = secrets.randbelow(800) + 200
    line = secrets.randbelow(10000)
    return f"(573) {exch}-{line:04d}", f"+1573{exch}{line:04d}"


def add_phone(s, ap, typed, **kw):
    page = s.get(ap.url(f"{CASENET}/phones"), timeout=30)
    assert page.status_code == 200
    return web.submit(s, page, {"number": typed}, action_contains=f"{CASENET}/phones",
                      with_field="number", timeout=30, **kw)


def texted_code(gateway, e164, count=1):
    calls = gateway.wait_for(recipient=e164, channel="sms", count=count, timeout=30)
    call = calls if count == 1 else calls[count - 1]
    m = CODE_RE.search(call["body"])
    assert m, call["body"]
    return m.group(1)


def phone_id(mariadb, account, e164):
    return int(mariadb.value(f"SELECT id FROM mc_track_phone WHERE account_id = {account.id} "
                             f"AND number = {q(e164)}"))


def verify(s, ap, pid, code):
    page = s.get(ap.url(f"{CASENET}/phones"), timeout=30)
    return web.submit(s, page, {"code": code}, action_contains=f"/phones/{pid}/verify",
                      timeout=30)


def verified_phone(s, ap, mariadb, gateway, account):
    typed, e164 = random_phone()
    r = add_phone(s, ap, typed)
    assert r.status_code == 200 and "We sent a 6-digit code" in r.text, plain(r.text)[:1500]
    r = verify(s, ap, phone_id(mariadb, account, e164), texted_code(gateway, e164))
    assert r.status_code == 200 and "The phone number was verified" in r.text
    return e164


# ---- Track This Case ----------------------------------------------------------------

def test_track_by_email_update_and_unique(apache, new_account, smtp, mariadb):
    ap = apache
    _, case_id, number = new_case(mariadb, caption="SMITH V <b>JONES</b>")
    s, acct = holder(ap, new_account, smtp)
    page = s.get(ap.url(f"{CASENET}/track/{number}"), timeout=30)
    assert page.status_code == 200
    t = plain(page.text)
    assert "<title>Track This Case</title>" in page.text
    assert number in t and "SMITH V <b>JONES</b>" in t and "<b>JONES" not in page.text
    assert acct.email in t
    for label in ("E-mail", "Text/SMS message", "Automated phone call",
                  "Each entry as it is docketed", "Daily digest"):
        assert f">{label}</label>" in page.text, label
    assert "Add or verify a phone number" in t
    assert "You have no verified phone number yet" in t
    assert track_row(mariadb, acct, case_id) is None

    # E-mail, each entry: a new tracking, the case in the folder, a 303 to the confirmation.
    r = track(s, ap, number, method="email", frequency="each")
    assert r.status_code == 303
    assert location(r) == f"{CASENET}/track/{number}?done=1"
    done = s.get(ap.url(location(r)), timeout=30)
    assert f"You are now tracking case {number}" in plain(done.text)
    assert f"E-mail to {acct.email}" in plain(done.text)
    row = track_row(mariadb, acct, case_id)
    assert row["channel"] == "email" and row["recipient"] == acct.email
    assert row["frequency"] == "each" and row["active"] == "1"
    # No stop token in clear: each notice e-mail gets one, stored as its hash.
    assert mariadb.sql("SHOW COLUMNS FROM mc_track LIKE 'stop_token'") == []
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_track_stop WHERE track_id = {row['id']}") \
        == "0"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_mycase WHERE account_id = {acct.id} AND "
                         f"case_id = {case_id}") == "1"
    assert int(mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'case-track' AND "
                             f"account_id = {acct.id}")) == 1

    # The page now shows the tracking; changing to a daily digest updates the same row.
    page = s.get(ap.url(f"{CASENET}/track/{number}"), timeout=30)
    assert "You are tracking this case" in plain(page.text)
    assert ">Update Tracking</button>" in page.text
    assert 'value="each" data-selected' not in page.text
    assert re.search(r'<input[^>]*value="each"[^>]*checked', page.text)
    r = track(s, ap, number, method="email", frequency="daily")
    assert r.status_code == 303
    row2 = track_row(mariadb, acct, case_id)
    assert row2["id"] == row["id"] and row2["frequency"] == "daily"
    assert "Daily digest" in plain(s.get(ap.url(location(r)), timeout=30).text)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_track WHERE account_id = {acct.id}") == "1"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_mycase WHERE account_id = {acct.id}") == "1"


def test_track_bad_input_keeps_choices(apache, new_account, smtp, mariadb):
    ap = apache
    _, case_id, number = new_case(mariadb)
    s, acct = holder(ap, new_account, smtp)
    page = s.get(ap.url(f"{CASENET}/track/{number}"), timeout=30)
    form = web.find_form(page.text, action_contains=f"/track/{number}")
    base = {k: v for k, v in form["fields"].items() if k not in ("method", "frequency")}
    url = ap.url(f"{CASENET}/track/{number}")

    r = s.post(url, data=dict(base, frequency="daily"), timeout=30)
    assert r.status_code == 400
    assert "Choose how to be notified" in plain(r.text)
    assert re.search(r'<input[^>]*value="daily"[^>]*checked', r.text)   # kept

    r = s.post(url, data=dict(base, method="email", frequency="weekly"), timeout=30)
    assert r.status_code == 400
    assert "Choose how often to be notified" in plain(r.text)
    assert re.search(r'<input[^>]*value="email"[^>]*checked', r.text)

    r = s.post(url, data=dict(base, method="fax", frequency="each"), timeout=30)
    assert r.status_code == 400
    # A text without a phone number, or to a number that is not the account's.
    r = s.post(url, data=dict(base, method="sms", frequency="each"), timeout=30)
    assert r.status_code == 400 and "verified phone numbers" in plain(r.text)
    r = s.post(url, data=dict(base, method="voice", frequency="each", phone="+15735550123"),
               timeout=30)
    assert r.status_code == 400 and "not one of yours" in plain(r.text)
    assert re.search(r'<input[^>]*value="voice"[^>]*checked', r.text)
    assert track_row(mariadb, acct, case_id) is None
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_mycase WHERE account_id = {acct.id}") == "0"


def test_track_unknown_malformed_and_confidential(apache, new_account, smtp, mariadb):
    ap = apache
    court, _, number = new_case(mariadb)
    conf_id, conf_number = seed_case(mariadb, court, caption="SEALED V SEALED",
                                     confidential=True)
    s, acct = holder(ap, new_account, smtp)
    unknown = number[:-5] + ("00000" if not number.endswith("00000") else "00001")
    answers = []
    for n in (conf_number, unknown, "not-a-number", "22SL-CC1234"):
        r = s.get(ap.url(f"{CASENET}/track/{quote(n)}"), timeout=30)
        assert r.status_code == 404, n
        assert "Case not found" in r.text and "SEALED" not in r.text
        answers.append(plain(r.text))
    assert answers[0] == answers[1]      # confidential and unknown: the same answer
    page = s.get(ap.url(f"{CASENET}/track/{number}"), timeout=30)
    csrf = web.find_form(page.text, action_contains="/track/")["fields"]["mc_csrf"]
    r = s.post(ap.url(f"{CASENET}/track/{conf_number}"),
               data={"mc_csrf": csrf, "method": "email", "frequency": "each"}, timeout=30)
    assert r.status_code == 404
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_track WHERE case_id = {conf_id}") == "0"
    # Lower case is the same case.
    assert s.get(ap.url(f"{CASENET}/track/{number.lower()}"), timeout=30).status_code == 200


def test_anonymous_goes_through_logon_and_comes_back(apache, new_account, smtp, mariadb):
    ap = apache
    _, case_id, number = new_case(mariadb)
    acct = new_account(prefix="trkanon")
    s = new_browser()
    r = s.get(ap.url(f"{CASENET}/track/{number}"), allow_redirects=False, timeout=30)
    assert r.status_code == 303
    assert location(r) == f"{LOGON}?return={quote(f'{CASENET}/track/{number}', safe='')}"
    page = s.get(ap.url(f"{CASENET}/track/{number}"), timeout=30)   # to the logon page
    assert path_of(page.url) == LOGON
    seen = len(code_mails(smtp, acct.email))
    r = web.submit(s, page, {"username": acct.username, "password": acct.password},
                   with_field="password", timeout=30)
    if path_of(r.url) == "/account/device":
        r = submit_code(s, r, wait_code(smtp, acct.email, seen))
    assert path_of(r.url) == f"{CASENET}/track/{number}", r.url
    assert "<title>Track This Case</title>" in r.text and number in r.text
    r = web.submit(s, r, {"method": "email", "frequency": "each"},
                   action_contains=f"/track/{number}", timeout=30)
    assert f"You are now tracking case {number}" in plain(r.text)
    assert track_row(mariadb, acct, case_id)["active"] == "1"
    # A POST without a session is refused and changes nothing.
    anon = new_browser()
    r = anon.post(ap.url(f"{CASENET}/track/{number}"), data={"method": "email",
                  "frequency": "each"}, allow_redirects=False, timeout=30)
    assert r.status_code in (303, 403)


# ---- phone numbers --------------------------------------------------------------------

def test_phone_verification_then_sms_and_voice(apache, new_account, smtp, mariadb, gateway):
    ap = apache
    _, case_id, number = new_case(mariadb)
    s, acct = holder(ap, new_account, smtp)
    typed, e164 = random_phone()
    r = add_phone(s, ap, typed)
    assert r.status_code == 200
    assert "We sent a 6-digit code by text message" in plain(r.text)
    assert typed in plain(r.text) and "Not verified yet" in plain(r.text)
    row = mariadb.sql(f"SELECT number, verified_at, code_hash, code_attempts FROM mc_track_phone "
                      f"WHERE account_id = {acct.id}")
    assert row[0][0] == e164 and row[0][1] is None and len(row[0][2]) == 64
    code = texted_code(gateway, e164)
    assert code not in row[0][2]
    # Stored as a keyed hash: a digest of the code alone (a million values)
    # would be read back from a copy of the database at once.
    assert row[0][2] != hashlib.sha256(code.encode()).hexdigest()
    assert mariadb.value(f"SELECT kind FROM mc_outbox WHERE account_id = {acct.id} AND "
                         f"recipient = {q(e164)}") == "phone-code"
    pid = phone_id(mariadb, acct, e164)
    assert row[0][2] != hashlib.sha256(f"phone:{pid}:{code}".encode()).hexdigest()

    # Unverified: refused for tracking.
    page = s.get(ap.url(f"{CASENET}/track/{number}"), timeout=30)
    assert f'value="{e164}"' not in page.text
    form = web.find_form(page.text, action_contains="/track/")
    r = s.post(ap.url(f"{CASENET}/track/{number}"),
               data=dict(form["fields"], method="sms", frequency="each", phone=e164), timeout=30)
    assert r.status_code == 400 and "has not been verified yet" in plain(r.text)
    assert track_row(mariadb, acct, case_id) is None

    # A wrong code counts; a malformed one is refused without counting.
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    r = verify(s, ap, pid, wrong)
    assert r.status_code == 400 and "That code is not right" in plain(r.text)
    assert "4 attempts left" in plain(r.text)
    r = verify(s, ap, pid, "12ab")
    assert r.status_code == 400 and "Enter the 6-digit code" in plain(r.text)
    assert 'value="12ab"' in r.text
    assert mariadb.value(f"SELECT code_attempts FROM mc_track_phone WHERE id = {pid}") == "1"
    r = verify(s, ap, pid, code)
    assert r.status_code == 200 and "The phone number was verified" in plain(r.text)
    assert mariadb.value(f"SELECT verified_at IS NOT NULL AND code_hash IS NULL FROM "
                         f"mc_track_phone WHERE id = {pid}") == "1"
    assert "Verified" in plain(r.text)

    # Now a text, daily; then a call, each entry: the same tracking.
    r = track(s, ap, number, method="sms", frequency="daily", phone=e164)
    assert r.status_code == 303
    row = track_row(mariadb, acct, case_id)
    assert (row["channel"], row["recipient"], row["frequency"]) == ("sms", e164, "daily")
    done = plain(s.get(ap.url(location(r)), timeout=30).text)
    assert f"Text/SMS message to {typed}" in done and "Daily digest" in done
    r = track(s, ap, number, method="voice", frequency="each", phone=e164)
    assert r.status_code == 303
    row2 = track_row(mariadb, acct, case_id)
    assert (row2["channel"], row2["frequency"], row2["id"]) == ("voice", "each", row["id"])
    # Adding the verified number again is refused, the number kept in the box.
    r = add_phone(s, ap, typed)
    assert r.status_code == 400 and "already on your account and verified" in plain(r.text)
    assert f'value="{typed}"' in r.text


def test_phone_numbers_refused(apache, new_account, smtp, mariadb, gateway):
    ap = apache
    s, acct = holder(ap, new_account, smtp)
    for typed in ("+44 20 7946 0958", "555-0100", "(073) 555-0100", "(573) 155-0100",
                  "573-555-01000", "+2 573 555 0100", "573 555 0100 ext 5", "call me"):
        r = add_phone(s, ap, typed)
        assert r.status_code == 400, typed
        assert "Enter a US phone number with its area code" in plain(r.text), typed
        assert f'value="{typed}"' in r.text
    r = add_phone(s, ap, "")
    assert r.status_code == 400 and "Enter a phone number." in plain(r.text)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_track_phone WHERE account_id = {acct.id}") \
        == "0"
    # Accepted spellings all become E.164: +1 and ten digits.
    _, e164 = random_phone()
    r = add_phone(s, ap, "1." + e164[2:5] + "." + e164[5:8] + "." + e164[8:])
    assert r.status_code == 200
    assert mariadb.value(f"SELECT number FROM mc_track_phone WHERE account_id = {acct.id}") \
        == e164


def test_phone_code_expiry_attempts_and_resend(apache, new_account, smtp, mariadb, gateway):
    ap = apache
    s, acct = holder(ap, new_account, smtp)
    typed, e164 = random_phone()
    add_phone(s, ap, typed)
    code = texted_code(gateway, e164)
    pid = phone_id(mariadb, acct, e164)

    # Expired: the right code is refused.
    mariadb.sql("UPDATE mc_track_phone SET code_expires = UTC_TIMESTAMP() - INTERVAL 1 SECOND "
                f"WHERE id = {pid}")
    page = s.get(ap.url(f"{CASENET}/phones"), timeout=30)
    assert "send a new code" in plain(page.text)
    csrf = web.find_form(page.text, action_contains=f"/phones/{pid}/resend")["fields"]["mc_csrf"]
    r = s.post(ap.url(f"{CASENET}/phones/{pid}/verify"), data={"mc_csrf": csrf, "code": code},
               timeout=30)
    assert r.status_code == 400 and "This code has expired" in plain(r.text)
    assert mariadb.value(f"SELECT verified_at FROM mc_track_phone WHERE id = {pid}") is None

    # A new code; asking again within a minute is refused.
    r = web.submit(s, page, {}, action_contains=f"/phones/{pid}/resend", timeout=30)
    assert r.status_code == 200 and "We sent a 6-digit code" in plain(r.text)
    code2 = texted_code(gateway, e164, count=2)
    r = web.submit(s, r, {}, action_contains=f"/phones/{pid}/resend", timeout=30)
    assert r.status_code == 400 and "less than a minute ago" in plain(r.text)
    assert len(gateway.find(recipient=e164, channel="sms")) == 2
    r = add_phone(s, ap, typed)
    assert r.status_code == 400 and "less than a minute ago" in plain(r.text)

    # Five wrong codes: the sixth try, even right, is refused until a new code.
    wrong = f"{(int(code2) + 7) % 1000000:06d}"
    for i in range(5):
        r = verify(s, ap, pid, wrong)
        assert r.status_code == 400
    assert "too many wrong codes" in plain(r.text)
    r = s.post(ap.url(f"{CASENET}/phones/{pid}/verify"), data={"mc_csrf": csrf, "code": code2},
               timeout=30)
    assert r.status_code == 400 and "Too many wrong codes" in plain(r.text)
    assert mariadb.value(f"SELECT verified_at FROM mc_track_phone WHERE id = {pid}") is None
    mariadb.sql("UPDATE mc_track_phone SET code_expires = code_expires - INTERVAL 2 MINUTE "
                f"WHERE id = {pid}")
    page = s.get(ap.url(f"{CASENET}/phones"), timeout=30)
    r = web.submit(s, page, {}, action_contains=f"/phones/{pid}/resend", timeout=30)
    assert r.status_code == 200
    code3 = texted_code(gateway, e164, count=3)
    r = verify(s, ap, pid, code3)
    assert r.status_code == 200 and "The phone number was verified" in plain(r.text)
    # Verified: the code is gone; no code was ever written to the audit log.
    assert mariadb.value(f"SELECT code_hash FROM mc_track_phone WHERE id = {pid}") is None
    for c in (code, code2, code3):
        assert int(mariadb.value(f"SELECT COUNT(*) FROM mc_audit WHERE account_id = {acct.id} "
                                 f"AND detail LIKE {q('%' + c + '%')}")) == 0


def test_phone_limits(apache, new_account, smtp, mariadb, gateway):
    """At most 5 numbers an account; at most 10 codes an account an hour,
    however the numbers come and go."""
    ap = apache
    s, acct = holder(ap, new_account, smtp)
    for _ in range(5):
        assert add_phone(s, ap, random_phone()[0]).status_code == 200
    typed, e164 = random_phone()
    r = add_phone(s, ap, typed)
    assert r.status_code == 400 and "You have 5 phone numbers already" in plain(r.text)
    assert f'value="{typed}"' in r.text
    mariadb.sql(f"DELETE FROM mc_track_phone WHERE account_id = {acct.id}")
    # 5 codes went out; 5 more are allowed this hour, then none.
    for _ in range(5):
        page = s.get(ap.url(f"{CASENET}/phones"), timeout=30)
        for f in web.forms(page.text):
            if f["action"].endswith("/remove"):
                s.post(ap.url(f["action"]), data=f["fields"], timeout=30)
        assert add_phone(s, ap, random_phone()[0]).status_code == 200
    r = add_phone(s, ap, typed)
    assert r.status_code == 400 and "too many codes in the last hour" in plain(r.text)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_outbox WHERE account_id = {acct.id} AND "
                         "kind = 'phone-code'") == "10"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_track_phone WHERE account_id = {acct.id} "
                         f"AND number = {q(e164)}") == "0"


def test_phone_return_to_track_page_and_remove(apache, new_account, smtp, mariadb, gateway):
    ap = apache
    _, case_id, number = new_case(mariadb)
    _, case2_id, number2 = new_case(mariadb)
    s, acct = holder(ap, new_account, smtp)
    page = s.get(ap.url(f"{CASENET}/track/{number}"), timeout=30)
    m = re.search(r'href="([^"]*/phones\?return=[^"]*)"', page.text)
    assert m, "no link to add a phone number"
    phones = s.get(ap.url(m.group(1).replace("&amp;", "&")), timeout=30)
    assert "Back to Track This Case" in phones.text
    typed, e164 = random_phone()
    r = web.submit(s, phones, {"number": typed}, with_field="number", timeout=30)
    assert "We sent a 6-digit code" in plain(r.text) and "Back to Track This Case" in r.text
    pid = phone_id(mariadb, acct, e164)
    r = web.submit(s, r, {"code": texted_code(gateway, e164)},
                   action_contains=f"/phones/{pid}/verify", timeout=30)
    assert path_of(r.url) == f"{CASENET}/track/{number}"      # back where it started
    assert f'value="{e164}"' in r.text
    # Two trackings use the number, one uses e-mail; removing the number stops the two.
    assert track(s, ap, number, method="sms", frequency="each", phone=e164).status_code == 303
    assert track(s, ap, number2, method="voice", frequency="daily",
                 phone=e164).status_code == 303
    _, case3_id, number3 = new_case(mariadb)
    assert track(s, ap, number3, method="email", frequency="each").status_code == 303
    page = s.get(ap.url(f"{CASENET}/phones"), timeout=30)
    r = web.submit(s, page, {}, action_contains=f"/phones/{pid}/remove", timeout=30)
    assert r.status_code == 200 and "trackings that used it were stopped" in plain(r.text)
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_track_phone WHERE id = {pid}") == "0"
    for cid in (case_id, case2_id):
        row = track_row(mariadb, acct, cid)
        assert row["active"] == "0" and row["stopped_why"] == "phone-removed"
    assert track_row(mariadb, acct, case3_id)["active"] == "1"
    # Removing it again: not found.
    csrf = web.find_form(r.text, with_field="number")["fields"]["mc_csrf"]
    r = s.post(ap.url(f"{CASENET}/phones/{pid}/remove"), data={"mc_csrf": csrf}, timeout=30)
    assert r.status_code == 404


# ---- the Stop Tracking link -------------------------------------------------------------

def test_stop_link(apache, new_account, smtp, mariadb):
    ap = apache
    _, case_id, number = new_case(mariadb)
    _, case2_id, number2 = new_case(mariadb)
    s, acct = holder(ap, new_account, smtp)
    assert track(s, ap, number, method="email", frequency="each").status_code == 303
    assert track(s, ap, number2, method="email", frequency="daily").status_code == 303
    row = track_row(mariadb, acct, case_id)
    row2 = track_row(mariadb, acct, case2_id)
    tok, tok2 = mailed_token(mariadb, row["id"]), mailed_token(mariadb, row2["id"])
    other_s, other = holder(ap, new_account, smtp)
    assert track(other_s, ap, number, method="email", frequency="each").status_code == 303
    other_row = track_row(mariadb, other, case_id)
    other_tok = mailed_token(mariadb, other_row["id"])
    ids = (row["id"], row2["id"], other_row["id"])

    def state():
        return track_state(mariadb, *ids)

    # Refused, all alike, by GET and by a one-click POST: a wrong token,
    # another tracking's token, an unknown id, a malformed token or id.
    # Nothing changes.
    anon = new_browser()
    refusals = []
    before = state()
    bad_paths = [f"/stop/{row['id']}/{tok2}",
                 f"/stop/{row['id']}/{other_tok}",
                 f"/stop/{row['id']}/{secrets.token_urlsafe(32)[:43]}",
                 f"/stop/{int(row['id']) + 10_000_000}/{tok}",
                 f"/stop/{row['id']}/{tok[:-1]}",
                 f"/stop/{row['id']}/{tok}x",
                 f"/stop/0/{tok}",
                 f"/stop/-{row['id']}/{tok}",
                 f"/stop/99999999999999999999999/{tok}"]
    for p in bad_paths:
        r = anon.get(ap.url(CASENET + p), allow_redirects=False, timeout=30)
        assert r.status_code == 404, p
        assert MSG_NOT_VALID in r.text, p
        refusals.append(plain(r.text))
        r = one_click(ap.url(CASENET + p), data=ONE_CLICK)
        assert r.status_code == 404 and MSG_NOT_VALID in r.text, p
    assert len(set(refusals)) == 1, "the refusals differ"
    assert state() == before

    # Opening the right link (a mail scanner's HEAD and GET, the person's
    # GET) stops nothing: a page asks, without logon.
    url = ap.url(f"{CASENET}/stop/{row['id']}/{tok}")
    page = open_link(anon, url, state)
    assert (f"Stop tracking case {number} ? You will receive no more notices about it."
            in plain(main_of(page.text)))
    assert ">Stop Tracking</button>" in page.text
    assert page.headers.get("Cache-Control") == "no-store"
    assert page.headers.get("Referrer-Policy") == "same-origin"
    post_without_token(url, state)
    # Its button stops that tracking only.
    r = press(anon, page, allow_redirects=False)
    assert r.status_code == 200
    assert f"Tracking stopped for case {number}" in plain(r.text)
    assert f'href="{CASENET}/track/{number}"' in r.text
    stopped = track_row(mariadb, acct, case_id)
    assert stopped["active"] == "0" and stopped["stopped_why"] == "link" and stopped["stopped_at"]
    assert track_row(mariadb, acct, case2_id)["active"] == "1"
    assert track_row(mariadb, other, case_id)["active"] == "1"
    assert int(mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'case-track-stop' "
                             f"AND account_id = {acct.id}")) == 1
    # Idempotent: the link now says so (no button); the button again changes nothing.
    mariadb.sql(f"UPDATE mc_track SET stopped_at = '2026-01-01 00:00:00' WHERE id = {row['id']}")
    r = anon.get(url, timeout=30)
    assert r.status_code == 200 and f"Tracking stopped for case {number}" in plain(r.text)
    assert "<button" not in main_of(r.text)
    r = press(anon, page)
    assert r.status_code == 200 and f"Tracking stopped for case {number}" in plain(r.text)
    assert track_row(mariadb, acct, case_id)["stopped_at"] == "2026-01-01 00:00:00"
    assert int(mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'case-track-stop' "
                             f"AND account_id = {acct.id}")) == 1
    # The logged-on owner's pages show it stopped; tracking again reactivates the
    # same row, and the old link stops it again.
    page = s.get(ap.url(f"{CASENET}/track/{number}"), timeout=30)
    assert "You tracked this case before and stopped" in plain(page.text)
    assert track(s, ap, number, method="email", frequency="daily").status_code == 303
    again = track_row(mariadb, acct, case_id)
    assert again["id"] == row["id"] and again["active"] == "1"
    assert again["stopped_at"] is None and again["stopped_why"] is None
    assert again["frequency"] == "daily"
    r = press(anon, open_link(anon, url, state))
    assert r.status_code == 200
    assert track_row(mariadb, acct, case_id)["active"] == "0"


def test_stop_link_one_click(apache, new_account, smtp, mariadb):
    """RFC 8058: a mail program's POST of List-Unsubscribe=One-Click to the
    link (urlencoded or multipart/form-data; no cookies, no form token, any
    origin) stops the tracking; the core lets exactly that body through,
    on that route only."""
    ap = apache
    case_id, number, s, acct, row, tok = tracked_case(ap, mariadb, new_account, smtp)
    url = ap.url(f"{CASENET}/stop/{row['id']}/{tok}")

    def state():
        return track_state(mariadb, row["id"])

    # Not quite the one-click body: the usual anti-CSRF refusal, nothing stopped.
    cross = {"Origin": "https://mail.example.net", "Sec-Fetch-Site": "cross-site"}
    before = state()
    for data in ({"List-Unsubscribe": "One-Click", "x": "1"},
                 {"List-Unsubscribe": "one-click"},
                 {"List-Unsubscribe": "One-Click", "List-Unsubscribe ": "One-Click"},
                 {"Unsubscribe": "One-Click"}):
        r = one_click(url, data=data)
        assert r.status_code == 403 and MSG_FORM_EXPIRED in r.text, data
    r = one_click(url, data="List-Unsubscribe=One-Click&List-Unsubscribe=One-Click",
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 403
    # The one-click body on a route not marked for it: refused there.
    r = one_click(ap.url(f"{CASENET}/mycases/add"), data=ONE_CLICK)
    assert r.status_code == 403 and MSG_FORM_EXPIRED in r.text
    assert state() == before

    # The one-click POST, from another site's server, stops the tracking.
    r = one_click(url, data=ONE_CLICK, headers=cross)
    assert r.status_code == 200, (r.status_code, plain(r.text)[:1500])
    assert track_row(mariadb, acct, case_id)["stopped_why"] == "link"
    assert mariadb.value("SELECT detail FROM mc_audit WHERE event = 'case-track-stop' AND "
                         f"account_id = {acct.id}").endswith("(one-click)")
    # Multipart/form-data, as RFC 8058 recommends, works the same.
    assert track(s, ap, number, method="email", frequency="each").status_code == 303
    r = one_click(url, files={"List-Unsubscribe": (None, "One-Click")})
    assert r.request.headers["Content-Type"].startswith("multipart/form-data")
    assert r.status_code == 200, (r.status_code, plain(r.text)[:1500])
    assert track_row(mariadb, acct, case_id)["active"] == "0"
    # A multipart body with anything else is refused.
    assert track(s, ap, number, method="email", frequency="each").status_code == 303
    before = state()
    r = one_click(url, files={"List-Unsubscribe": (None, "One-Click"),
                              "more": (None, "x")})
    assert r.status_code == 403
    r = one_click(url, files={"List-Unsubscribe": ("f.txt", "One-Click")})
    assert r.status_code == 400
    assert state() == before


def test_stop_link_of_a_confidential_case(apache, new_account, smtp, mariadb):
    ap = apache
    case_id, number, s, acct, row, tok = tracked_case(ap, mariadb, new_account, smtp)
    set_confidential(mariadb, case_id)
    anon = new_browser()
    page = open_link(anon, ap.url(f"{CASENET}/stop/{row['id']}/{tok}"),
                     lambda: track_state(mariadb, row["id"]))
    r = press(anon, page)
    assert r.status_code == 200 and "Tracking stopped" in r.text
    assert f"/track/{number}" not in r.text        # no offer to track it again
    assert track_row(mariadb, acct, case_id)["active"] == "0"


def test_clerk_entry_notifies_and_the_mailed_link_stops(apache, new_account, smtp, mariadb,
                                                        gateway):
    """End to end with the clerk page (mc_case_docket_add): one e-mail to the
    e-mail tracker, one text to the SMS tracker, none to a stopped tracker;
    the e-mail's Stop Tracking link works without logon; the notices show
    in each tracker's history."""
    ap = apache
    court, case_id, number = new_case(mariadb, caption="PEOPLE V NOTICE")
    by_mail_s, by_mail = holder(ap, new_account, smtp)
    by_text_s, by_text = holder(ap, new_account, smtp)
    stopped_s, stopped = holder(ap, new_account, smtp)
    assert track(by_mail_s, ap, number, method="email", frequency="each").status_code == 303
    _, e164 = random_phone()
    mariadb.sql("INSERT INTO mc_track_phone (account_id, number, verified_at, created_at) VALUES "
                f"({by_text.id}, {q(e164)}, UTC_TIMESTAMP(), UTC_TIMESTAMP())")
    assert track(by_text_s, ap, number, method="sms", frequency="each",
                 phone=e164).status_code == 303
    assert track(stopped_s, ap, number, method="email", frequency="each").status_code == 303
    page = stopped_s.get(ap.url(f"{CASENET}/mycases/{number}"), timeout=30)
    web.submit(stopped_s, page, {}, action_contains="/stop", timeout=30)

    clerk = new_account(prefix="trkclerk", roles=("clerk",), scope=court["code"])
    cs = new_browser()
    logon_full(cs, ap, clerk, smtp)
    page = cs.get(ap.url(f"{CASENET}/clerk/case/{number}"), timeout=30)
    assert page.status_code == 200, page.status_code
    r = web.submit(cs, page, {"d_date": "2026-04-01", "d_type": "Order",
                              "d_text": "Order of continuance", "d_filed_by": "Judge"},
                   action_contains="/docket", timeout=30)
    assert r.status_code == 200, plain(r.text)[:1500]

    def entry_mail(m):
        return number in m.body and "Order of continuance" in m.body

    mail = smtp.wait_for(entry_mail, to=by_mail.email, timeout=30)
    text = gateway.wait_for(recipient=e164, channel="sms", timeout=30)
    assert number in text["body"]
    assert smtp.find(entry_mail, to=stopped.email) == []
    m = re.search(r"https?://\S+(/casenet/stop/(\d+)/([A-Za-z0-9_-]{43}))", mail.body)
    assert m, mail.body
    row = track_row(mariadb, by_mail, case_id)
    assert m.group(2) == row["id"]
    # The database holds the link's token only hashed: nowhere but in the
    # e-mail it queued (the outbox row).
    assert mariadb.value("SELECT COUNT(*) FROM mc_track_stop WHERE track_id = "
                         f"{row['id']} AND token_hash = '{sha256_hex(m.group(3))}'") == "1"
    holders = {line.split(":", 1)[0] for line in all_db_text(mariadb) if m.group(3) in line}
    assert holders == {"mc_outbox"}, holders

    # History: the notice, sent, with its case.
    hist = by_mail_s.get(ap.url(f"{CASENET}/history"), params={"case": number}, timeout=30)
    t = plain(hist.text)
    assert f"1 notice(s) about case {number}" in t and "Sent" in t and "E-mail" in t
    assert f'href="{CASENET}/case/{number}"' in hist.text
    hist2 = plain(by_text_s.get(ap.url(f"{CASENET}/history"), params={"case": number},
                                timeout=30).text)
    assert "Text/SMS" in hist2 and "New docket entry" in hist2

    # The e-mailed link, anonymous: a page, then its button.
    anon = new_browser()
    page = open_link(anon, ap.url(m.group(1)), lambda: track_state(mariadb, row["id"]))
    r = press(anon, page)
    assert r.status_code == 200 and f"Tracking stopped for case {number}" in plain(r.text)
    assert track_row(mariadb, by_mail, case_id)["active"] == "0"
    assert track_row(mariadb, by_text, case_id)["active"] == "1"


def test_old_stop_links_are_forgotten(apache, make_apache, new_account, smtp, mariadb):
    """Every notice stores its Stop Tracking token's hash: the delivery
    worker's rounds forget those past 90 days (their links then say "not
    valid"; Manage My Case still stops tracking), so the table does not grow
    with every notice ever sent."""
    ap = apache
    case_id, number, s, acct, row, tok = tracked_case(ap, mariadb, new_account, smtp)
    old, recent = secrets.token_hex(32), secrets.token_hex(32)
    mariadb.sql("INSERT INTO mc_track_stop (track_id, token_hash, created_at) VALUES "
                f"({row['id']}, {q(old)}, UTC_TIMESTAMP() - INTERVAL 91 DAY), "
                f"({row['id']}, {q(recent)}, UTC_TIMESTAMP() - INTERVAL 89 DAY)")

    def hashes():
        return {r[0] for r in mariadb.sql("SELECT token_hash FROM mc_track_stop "
                                          f"WHERE track_id = {row['id']}")}

    # A node's delivery worker purges on its first round (then hourly).
    make_apache()
    util.wait_until(lambda: old not in hashes(), timeout=30, what="the 91-day-old link purged")
    assert recent in hashes()
    r = new_browser().get(ap.url(f"{CASENET}/stop/{row['id']}/{tok}"), timeout=30)
    assert r.status_code == 200 and "<button" in main_of(r.text)
