"""The harness itself: each receiver works, and Apache with mod_mocourts
serves a static file. The Apache tests fail (never skip) while
build/mod_mocourts.so is missing."""
import smtplib
import subprocess
from email.message import EmailMessage

import pytest

from harness import util


def test_mariadb_answers(mariadb):
    assert mariadb.sql("SELECT 1") == [("1",)]


def test_mariadb_app_account(mariadb):
    """The module's account logs on through the socket with the password
    file and sees its database."""
    password = mariadb.password_file.read_text().strip()
    r = subprocess.run(
        ["/usr/bin/mariadb", "--no-defaults", f"--socket={mariadb.socket}",
         f"--user={mariadb.app_user}", f"--password={password}", "--batch",
         "--skip-column-names", "-e", "SELECT DATABASE()", mariadb.database],
        capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == mariadb.database


def test_mariadb_sql_values(mariadb):
    rows = mariadb.sql("SELECT NULL, 'a\\tb', 'line1\\nline2', 'back\\\\slash'", database="")
    assert rows == [(None, "a\tb", "line1\nline2", "back\\slash")]


@pytest.mark.allow_errors(r"\[mocourts:error\]")
def test_mariadb_survives_kill(mariadb):
    """kill -9 and a restart on the same datadir keep committed data."""
    mariadb.sql("CREATE DATABASE IF NOT EXISTS harness_check;"
                "CREATE TABLE IF NOT EXISTS harness_check.t (v INT);"
                "INSERT INTO harness_check.t VALUES (42)", database="")
    port = mariadb.port
    mariadb.kill()
    assert not mariadb.is_running()
    assert not util.port_open(port)
    mariadb.start()
    try:
        assert mariadb.value("SELECT v FROM harness_check.t", database="") == "42"
    finally:
        mariadb.sql("DROP DATABASE harness_check", database="")


def test_smtp_sink(smtp):
    def send(to, subject):
        msg = EmailMessage()
        msg["From"] = "noreply@court.test"
        msg["To"] = to
        msg["Subject"] = subject
        msg.set_content("Your code is 123456.\n")
        with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as s:
            s.send_message(msg)

    smtp.clear()
    send("jdoe@example.test", "New device code")
    mail = smtp.wait_for(to="jdoe@example.test", subject="device code", timeout=5)
    assert mail.mail_from == "noreply@court.test"
    assert "123456" in mail.body

    # Down and back up on the same port.
    smtp.stop()
    with pytest.raises(OSError):
        send("x@example.test", "while down")
    smtp.start()
    send("y@example.test", "after restart")
    smtp.wait_for(to="y@example.test", timeout=5)

    # A temporary failure on demand.
    smtp.reject_with("451 4.3.0 Try again later")
    try:
        with pytest.raises(smtplib.SMTPDataError):
            send("z@example.test", "rejected")
    finally:
        smtp.reject_with(None)
    assert not smtp.find(to="z@example.test")
    smtp.clear()


def test_gateway_recorder(gateway):
    """The gateway script works for Apache's user (nobody) too."""
    def call(channel, recipient, body):
        cmd = [str(gateway.path), channel, recipient]
        if util.is_root():
            cmd = ["runuser", "-u", util.APACHE_USER, "--"] + cmd
        return subprocess.run(cmd, input=body, capture_output=True, text=True, timeout=30)

    gateway.clear()
    r = call("sms", "+15735550100", "Case 22CV-1: new docket entry\n\"quoted\"")
    assert r.returncode == 0, r.stderr
    c = gateway.wait_for(recipient="+15735550100", channel="sms", timeout=5)
    assert c["body"] == "Case 22CV-1: new docket entry\n\"quoted\""

    gateway.fail()
    try:
        r = call("voice", "+15735550101", "hello")
        assert r.returncode == 3
    finally:
        gateway.fail(False)
    assert not gateway.find(recipient="+15735550101")
    gateway.clear()


def test_apache_configtest(apache):
    rc, out = apache.configtest()
    assert rc == 0, out


def test_apache_serves_static(apache, http):
    r = http.get(apache.url("/static.html"), timeout=10)
    assert r.status_code == 200
    assert len(r.content) == 1024
    assert "Static page" in r.text
