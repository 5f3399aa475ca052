"""The outbox: notices queued in mc_outbox are delivered by the watchdog to
the SMTP relay or the SMS/voice gateway, retried while the relay is down,
and no CR/LF reaches a mail header."""
import secrets

import pytest

from harness.mariadb import sql_quote
from helpers_core import (NO_DEVICE, delivery_settled, logged_on_csrf, logon_full, module_site,
                          new_browser, post_form, queue_notice)


ap = module_site("outbox", NO_DEVICE)


def _notify(s, ap, subject=None):
    fields = {"mc_csrf": logged_on_csrf(s, ap)}
    if subject is not None:
        fields["subject"] = subject
    return post_form(s, ap, "/probe/notify", fields)


def _mine(acct, subject):
    """The SQL condition for acct's notice with subject."""
    return f"account_id = {acct.id} AND subject = {sql_quote(subject)}"


def _row_when(mariadb, where, status, columns="", timeout=15):
    """Until the notice where says has status: its rows (status, columns...)."""
    return mariadb.wait_for(f"SELECT status{columns and ', ' + columns} FROM mc_outbox "
                            f"WHERE {where}", lambda rows: rows and rows[0][0] == status,
                            timeout=timeout)


def _logged_on(ap, new_account):
    acct = new_account()
    s = new_browser()
    logon_full(s, ap, acct)
    return acct, s


def _due_now(mariadb, where):
    """The rows where says sent again at once, as if their backoff was over."""
    mariadb.sql(f"UPDATE mc_outbox SET next_attempt_at = UTC_TIMESTAMP() WHERE {where}")


def test_mail_delivered(ap, new_account, smtp, mariadb):
    acct, s = _logged_on(ap, new_account)
    subject = f"Probe notice {secrets.token_hex(4)}"
    r = _notify(s, ap, subject)
    assert r.status_code == 200 and "Notice queued." in r.text
    mail = smtp.wait_for(to=acct.email, subject=subject, timeout=15)
    assert mail.subject == subject
    assert "This is a probe notice." in mail.body
    assert mail.mail_from == "noreply@court.test"
    assert "noreply@court.test" in str(mail.message["From"])
    rows = _row_when(mariadb, _mine(acct, subject), "sent",
                     "attempts, sent_at IS NOT NULL, last_error", timeout=10)
    assert rows == [("sent", "1", "1", None)], rows
    # Sent once only.
    delivery_settled(mariadb, smtp, acct.email)
    assert len(smtp.find(to=acct.email, subject=subject)) == 1
    s.close()


def test_retry_after_smtp_outage(ap, new_account, smtp, mariadb):
    acct, s = _logged_on(ap, new_account)
    subject = f"Retry notice {secrets.token_hex(4)}"
    smtp.stop()
    try:
        assert _notify(s, ap, subject).status_code == 200
        rows = _row_when(mariadb, _mine(acct, subject), "retrying",
                         "attempts, last_error, next_attempt_at > UTC_TIMESTAMP()")
        status, attempts, last_error, later = rows[0]
        assert int(attempts) >= 1
        assert last_error, rows
        assert later == "1", "the retry must wait (backoff)"
        assert "probe notice" not in last_error.lower()
    finally:
        smtp.start()
    assert not smtp.find(to=acct.email, subject=subject)
    _due_now(mariadb, _mine(acct, subject))
    smtp.wait_for(to=acct.email, subject=subject, timeout=15)
    rows = _row_when(mariadb, _mine(acct, subject), "sent", "sent_at IS NOT NULL, last_error",
                     timeout=10)
    assert rows == [("sent", "1", None)]
    s.close()


def test_temporary_smtp_refusal_is_retried(ap, new_account, smtp, mariadb):
    acct, s = _logged_on(ap, new_account)
    subject = f"451 notice {secrets.token_hex(4)}"
    smtp.reject_with("451 4.3.0 Try again later")
    try:
        assert _notify(s, ap, subject).status_code == 200
        rows = _row_when(mariadb, _mine(acct, subject), "retrying", "last_error")
        assert "451" in (rows[0][1] or ""), rows
    finally:
        smtp.reject_with(None)
    _due_now(mariadb, _mine(acct, subject))
    smtp.wait_for(to=acct.email, subject=subject, timeout=15)
    s.close()


@pytest.mark.parametrize("subject", ["x\r\nBcc: evil@example.test", "x\nBcc: evil@example.test",
                                     "x\rBcc: evil@example.test"])
def test_crlf_subject_refused(ap, new_account, smtp, mariadb, subject):
    acct, s = _logged_on(ap, new_account)
    before = mariadb.value(f"SELECT COUNT(*) FROM mc_outbox WHERE account_id = {acct.id}")
    r = _notify(s, ap, subject)
    assert r.status_code == 400, r.status_code
    assert "That notice was refused." in r.text
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_outbox WHERE account_id = {acct.id}") == before
    delivery_settled(mariadb, smtp, acct.email, "evil@example.test")
    assert not smtp.find(to="evil@example.test")
    assert not smtp.find(lambda m: any("evil@" in r for r in m.rcpt_tos))
    s.close()


def test_sms_via_gateway(ap, gateway, mariadb):
    number = "+1573555" + f"{secrets.randbelow(10000):04d}"
    body = f"Case 22CV-{secrets.token_hex(3)}: new docket entry\n\"quoted\" & more"
    queue_notice(mariadb, number, body=body, channel="sms")
    call = gateway.wait_for(recipient=number, channel="sms", timeout=15)
    assert call["body"] == body
    rows = _row_when(mariadb, f"recipient = {sql_quote(number)}", "sent",
                     "attempts, sent_at IS NOT NULL", timeout=10)
    assert rows == [("sent", "1", "1")]
    assert len(gateway.find(recipient=number)) == 1


def test_gateway_outage_retried(ap, gateway, mariadb):
    number = "+1573556" + f"{secrets.randbelow(10000):04d}"
    gateway.fail()
    try:
        queue_notice(mariadb, number, body="Your hearing moved", channel="voice")
        rows = _row_when(mariadb, f"recipient = {sql_quote(number)}", "retrying", "last_error")
        assert "status 3" in rows[0][1], rows
    finally:
        gateway.fail(False)
    _due_now(mariadb, f"recipient = {sql_quote(number)}")
    call = gateway.wait_for(recipient=number, channel="voice", timeout=15)
    assert call["body"] == "Your hearing moved"
    mariadb.wait_for(f"SELECT status FROM mc_outbox WHERE recipient = {sql_quote(number)}",
                     lambda rows: rows == [("sent",)], timeout=10)



def test_mail_body_transparency(ap, smtp, mariadb):
    """Lines starting with '.' (SMTP's end of data), a lone '.', and
    non-ASCII text arrive intact; nothing after a '.' line is taken for SMTP
    commands."""
    to = f"body{secrets.token_hex(3)}@example.test"
    subject = f"Transparency Jürgen {secrets.token_hex(3)}"
    body = ("first line\n.\n..two dots\n.hidden\nMAIL FROM:<evil@example.test>\n"
            "Grüße aus Jefferson City – § 1\nlast line\n")
    queue_notice(mariadb, to, subject, body)
    mail = smtp.wait_for(to=to, timeout=15)
    assert mail.subject == subject
    assert mail.body.replace("\r\n", "\n") == body
    assert not smtp.find(to="evil@example.test")
    mariadb.wait_for(f"SELECT status FROM mc_outbox WHERE recipient = {sql_quote(to)}",
                     lambda rows: rows == [("sent",)], timeout=10)


def test_mail_long_line_not_broken(ap, smtp, mariadb):
    """A paragraph longer than SMTP's 998-octet line limit arrives as it was
    written (e.g. quoted-printable soft breaks), never with a hard line break
    inserted inside a word or a link."""
    to = f"long{secrets.token_hex(3)}@example.test"
    link = "https://courts.example.gov/casenet/doc?id=" + "a1b2c3d4" * 20
    paragraph = ("The court entered the following docket text. " * 30) + link + " end."
    assert len(paragraph) > 1200
    body = "Header line\n" + paragraph + "\nFooter line\n"
    queue_notice(mariadb, to, f"Long line {secrets.token_hex(3)}", body)
    mail = smtp.wait_for(to=to, timeout=15)
    got = mail.body.replace("\r\n", "\n")
    assert got == body, [len(line) for line in got.split("\n")]
