"""The harness itself: each receiver works, and Apache with mod_mocourts
serves a static file. The Apache tests fail (never skip) while
build/mod_mocourts.so is missing."""
import smtplib
import subprocess
import threading
from email.message import EmailMessage

import pytest

from harness import util
from harness.mariadb import SQLError


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


def test_mariadb_sql_reads_as_the_client_printed(mariadb):
    """sql() over its connection returns the text the `mariadb --batch`
    client printed: dates, decimals, doubles, binary bytes (as UTF-8 with
    U+FFFD), bits, JSON, escapes, several statements' rows in order."""
    mariadb.sql("CREATE DATABASE IF NOT EXISTS harness_values;"
                "CREATE OR REPLACE TABLE harness_values.t (d DATETIME, dc DECIMAL(10,2),"
                " f DOUBLE, b VARBINARY(8), bl BLOB, bt BIT(3), tx TEXT, j JSON)", database="")
    try:
        mariadb.sql("INSERT INTO harness_values.t VALUES ('2024-02-29 23:59:58', 12.5, 0.1,"
                    " UNHEX('00FF41E9'), UNHEX('C3A90A5C09'), b'101', 'caf\u00e9 \\\\ x\ty',"
                    " JSON_OBJECT('k', '\u00e9'));"
                    "INSERT INTO harness_values.t VALUES (NULL, NULL, NULL, NULL, NULL, NULL,"
                    " NULL, NULL)", database="")
        queries = ["SELECT * FROM harness_values.t ORDER BY d IS NULL",
                   "SELECT 1, 'two'; DO 0; SELECT 3 UNION SELECT 4",
                   "SELECT NOW() = NOW(), 1e100, -0.0, 0.1 + 0.2, 'x' = 'X'"]
        for query in queries:
            assert mariadb.sql(query, database="") == mariadb._sql_cli(query, database="")
        assert mariadb.sql(queries[0], database="")[0][:7] == (
            "2024-02-29 23:59:58", "12.50", "0.1", "\x00\ufffdA\ufffd", "\u00e9\n\\\t", "\x05",
            "caf\u00e9 \\ x\ty")
        # Where the client's output was ambiguous, sql() is not.
        assert mariadb.sql("SELECT 'NULL', NULL; SELECT ''", database="") == [
            ("NULL", None), ("",)]
    finally:
        mariadb.sql("DROP DATABASE harness_values", database="")


def test_mariadb_sql_statements_and_errors(mariadb):
    """Several statements in one call, the rows of those that yield rows;
    an error raises SQLError with the server's message, and the next call
    works; a transaction left open is rolled back, as by a client's exit."""
    mariadb.sql("CREATE DATABASE IF NOT EXISTS harness_stmts;"
                "CREATE OR REPLACE TABLE harness_stmts.t (id INT AUTO_INCREMENT PRIMARY KEY,"
                " v VARCHAR(9) UNIQUE)", database="")
    try:
        rows = mariadb.sql("INSERT INTO t (v) VALUES ('a'); SELECT LAST_INSERT_ID()",
                           database="harness_stmts")
        assert rows == [("1",)]
        with pytest.raises(SQLError, match=r"Duplicate entry 'a'") as e:
            mariadb.sql("INSERT INTO t (v) VALUES ('b'); INSERT INTO t (v) VALUES ('a');"
                        " INSERT INTO t (v) VALUES ('c')", database="harness_stmts")
        assert e.value.errno == 1062
        with pytest.raises(SQLError, match="syntax"):
            mariadb.sql("SELEKT 1")
        mariadb.sql("START TRANSACTION; INSERT INTO t (v) VALUES ('d')", database="harness_stmts")
        assert mariadb.sql("SELECT v FROM t ORDER BY id", database="harness_stmts") == [
            ("a",), ("b",)]
        # Its database dropped and created again under a kept connection.
        mariadb.sql("DROP DATABASE harness_stmts; CREATE DATABASE harness_stmts;"
                    " CREATE TABLE harness_stmts.t (v INT)", database="")
        assert mariadb.sql("SELECT COUNT(*) FROM t", database="harness_stmts") == [("0",)]
        with pytest.raises(SQLError, match="Unknown database"):
            mariadb.sql("SELECT 1", database="harness_none")
    finally:
        mariadb.sql("DROP DATABASE IF EXISTS harness_stmts", database="")


def test_mariadb_sql_threads_and_timeout(mariadb):
    """Threads at once each get their own connection and their own rows; a
    query that takes too long raises SQLError, and the next one works."""
    results, errors = {}, []

    def worker(n):
        try:
            ids = set()
            for i in range(25):
                rows = mariadb.sql(f"SELECT {n}, {i}, CONNECTION_ID()", database="")
                assert rows[0][:2] == (str(n), str(i))
                ids.add(rows[0][2])
            results[n] = ids
        except Exception as e:  # reported below, in the test's thread
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and len(results) == 8
    assert all(len(ids) == 1 for ids in results.values())
    ids = set().union(*results.values())
    assert len(ids) == 8
    # The threads have ended: their connections are closed.
    mariadb.wait_for("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID IN "
                     f"({', '.join(ids)})", lambda rows: rows == [("0",)], database="")

    with pytest.raises(SQLError, match="Lost connection"):
        mariadb.sql("SELECT SLEEP(5)", timeout=1)
    assert mariadb.sql("SELECT 2") == [("2",)]


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
