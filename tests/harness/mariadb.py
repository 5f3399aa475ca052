"""A private MariaDB server on loopback, with its own datadir and socket.

    db = MariaDB(Path("/tmp/x/db"), port=free_port())
    db.start()
    db.create_app_db()            # database + user for the module
    db.sql("SELECT 1")            # -> [("1",)]
    db.kill(); db.start()         # a crash, then recovery on the same datadir
    db.stop()

The tests' queries go over one persistent connection per thread (PyMySQL,
Debian python3-pymysql) rather than one `mariadb` client process each; the
rows are the same text the client printed (sql()).
"""
import os
import secrets
import select
import signal
import subprocess
import threading
import time
from pathlib import Path

import pymysql
from pymysql.constants import CLIENT as CLIENT_FLAGS, SERVER_STATUS

from . import util

MARIADBD = "/usr/sbin/mariadbd"
INSTALL_DB = "/usr/bin/mariadb-install-db"
CLIENT = "/usr/bin/mariadb"

APP_GRANTS = ("SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, "
              "REFERENCES, LOCK TABLES")

# mariadb --batch escapes these in values; NULL is printed as NULL.
_UNESCAPE = {"n": "\n", "t": "\t", "\\": "\\", "0": "\0", "b": "\b"}


class SQLError(Exception):
    """A query failed: the server's message ("ERROR 1062: Duplicate entry
    ..."), or the server could not be reached or did not answer in time.
    errno is the server's (or client's, 2002/2013...) error number;
    first_statement whether the first statement of the query failed (so
    none of it ran)."""

    def __init__(self, message, errno=None):
        super().__init__(message)
        self.errno = errno
        self.first_statement = False


# The server's errors that mean the session's database is gone (dropped,
# perhaps created again since): a fresh connection selects it again.
_NO_DATABASE = (1046, 1049)


def _unescape(value):
    if value == "NULL":
        return None
    if "\\" not in value:
        return value
    out, i = [], 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            out.append(_UNESCAPE.get(value[i + 1], value[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _decode(value):
    """A value as the client printed it: the bytes as UTF-8, NULL None."""
    if value is None:
        return None
    return value.decode("utf-8", errors="replace")


def _sql_error(e):
    """SQLError for a PyMySQL error: (errno, message) from the server, or
    the client's own (2002 no server, 2013 connection lost or timed out)."""
    if len(e.args) >= 2 and isinstance(e.args[0], int):
        return SQLError(f"ERROR {e.args[0]}: {e.args[1]}", e.args[0])
    return SQLError(f"{type(e).__name__}: {e}")


def _usable(conn):
    """Whether conn is still open and idle: a server that has exited or
    closed it (a restart, a kill) has left it readable at end of file,
    which poll() tells without a round trip."""
    if not conn.open:
        return False
    p = select.poll()
    p.register(conn._sock, select.POLLIN | select.POLLERR | select.POLLHUP)
    return not p.poll(0)


class _Connections(dict):
    """One thread's connections (database -> connection): closed, with a
    goodbye to the server, when the thread ends and this goes."""

    def __del__(self):
        for conn in self.values():
            try:
                conn.close()
            except Exception:  # the server is gone already: nothing to say
                pass


def sql_quote(value):
    """A SQL string literal for value (for the tests' own ad-hoc queries)."""
    if value is None:
        return "NULL"
    s = str(value).replace("\\", "\\\\").replace("'", "\\'").replace("\0", "\\0")
    return "'" + s + "'"


class MariaDB:
    def __init__(self, root, port, log_path=None, database="mocourts", app_user="mocourts"):
        self.root = Path(root)
        self.port = port
        self.datadir = self.root / "data"
        self.socket = self.root / "mysqld.sock"
        self.pidfile = self.root / "mysqld.pid"
        self.log_path = Path(log_path) if log_path else self.root / "mariadb.log"
        self.password_file = self.root / "app-password"
        self.database = database
        self.app_user = app_user
        self.app_password = None
        self.proc = None
        # The MariaDB account the client logs on as through the socket
        # (unix_socket authentication of the OS user, set by install-db).
        self.admin_user = "root" if util.is_root() else util.current_user()
        # sql()'s connections: per thread, a dict database -> connection.
        self._local = threading.local()

    # ---- lifecycle ----------------------------------------------------------

    def _server_args(self):
        args = [
            "--no-defaults",
            f"--datadir={self.datadir}",
            f"--socket={self.socket}",
            f"--pid-file={self.pidfile}",
            f"--log-error={self.log_path}",
            f"--port={self.port}",
            "--bind-address=127.0.0.1",
            "--skip-name-resolve",
            "--innodb-buffer-pool-size=64M",
            "--innodb-log-file-size=16M",
            "--innodb-flush-log-at-trx-commit=2",
            "--innodb-doublewrite=0",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_unicode_ci",
            "--max-connections=300",
            f"--tmpdir={self.root / 'tmp'}",
        ]
        if util.is_root():
            args.append("--user=root")
        return args

    def _install(self):
        self.datadir.mkdir(parents=True, exist_ok=True)
        args = [INSTALL_DB, "--no-defaults", f"--datadir={self.datadir}",
                "--auth-root-authentication-method=socket", "--skip-test-db",
                # --force: never look the host name up (resolveip), which
                # fails where the host name is not in /etc/hosts, e.g. a
                # fresh container or chroot; the grants use no host names.
                "--skip-name-resolve", "--force"]
        if util.is_root():
            args.append("--user=root")
        args += ["--innodb-buffer-pool-size=64M", "--innodb-log-file-size=16M",
                 f"--tmpdir={self.root / 'tmp'}"]
        with open(self.log_path, "ab") as log:
            r = subprocess.run(args, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, timeout=120)
        if r.returncode != 0:
            raise RuntimeError(f"mariadb-install-db failed (rc {r.returncode}):\n"
                               + util.tail(self.log_path))

    def is_running(self):
        if self.proc is not None:
            return self.proc.poll() is None
        return util.read_pidfile(self.pidfile) is not None

    def start(self, timeout=60):
        """Start the server (installing the datadir first if new) and wait
        until it answers queries."""
        if self.is_running():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        # Apache's children (nobody) must reach the socket in this folder.
        util.make_reachable(self.root)
        (self.root / "tmp").mkdir(exist_ok=True)
        if not (self.datadir / "mysql").is_dir():
            self._install()
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([MARIADBD] + self._server_args(),
                                         stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT,
                                         start_new_session=True)

        def ready():
            if self.proc.poll() is not None:
                raise RuntimeError(f"mariadbd exited with {self.proc.returncode}:\n"
                                   + util.tail(self.log_path))
            return self.socket.exists() and self._ping()

        util.wait_until(ready, timeout, what="MariaDB to accept connections")

    def _ping(self):
        try:
            self.sql("SELECT 1", database="", timeout=5)
            return True
        except SQLError:
            return False

    def _pid(self):
        if self.proc is not None and self.proc.poll() is None:
            return self.proc.pid
        return util.read_pidfile(self.pidfile)

    def _wait_gone(self, pid, timeout):
        return util.wait_exit(pid, timeout, self.proc, what="mariadbd to exit")

    def stop(self, timeout=60):
        """A clean shutdown (SIGTERM), SIGKILL if it takes too long."""
        pid = self._pid()
        if pid is not None:
            os.kill(pid, signal.SIGTERM)
            if not self._wait_gone(pid, timeout):
                os.kill(pid, signal.SIGKILL)
                self._wait_gone(pid, 10)
        self.proc = None

    def kill(self):
        """Crash it: SIGKILL, as a power cut would. start() recovers."""
        pid = self._pid()
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            self._wait_gone(pid, 30)
        self.proc = None

    def restart(self, kill=False):
        """Stop (or kill -9) and start again on the same datadir and port."""
        if kill:
            self.kill()
        else:
            self.stop()
        self.start()

    # ---- SQL ----------------------------------------------------------------

    def sql(self, query, database=None, timeout=30):
        """Run query (one or more statements, autocommitted) as the MariaDB
        administrator through the socket. Returns the rows of every
        statement that yields rows, in order, as tuples of str: the
        server's text as the `mariadb --batch` client printed it (numbers,
        dates as the server writes them; binary values decoded as UTF-8
        with U+FFFD for invalid bytes), None for NULL.
        database: None means the app database once created, "" none.
        Raises SQLError (the server's message) on an error, when the server
        cannot be reached, or after timeout seconds without an answer.

        Unlike the client's output, a string 'NULL' reads back as 'NULL'
        and a row of one empty string as ("",) (see _sql_cli).

        Each thread has its own connection per database, kept between
        calls, made again when the server has closed it (a restart). As
        with a client process per call, a transaction left open is rolled
        back at the end of the call; session variables are not reset."""
        if database is None:
            database = self.database if self.app_password else ""
        conn = self._connection(database, timeout)
        try:
            return self._run(conn, query, timeout)
        except SQLError as e:
            if e.errno in _NO_DATABASE and database and e.first_statement:
                # The database was dropped (and perhaps created again) after
                # this connection selected it; nothing ran: once more anew.
                self._discard(database)
                return self._run(self._connection(database, timeout), query, timeout)
            raise

    def _connection(self, database, timeout):
        """This thread's open connection to database, made if needed."""
        conns = getattr(self._local, "conns", None)
        if conns is None:
            conns = self._local.conns = _Connections()
        conn = conns.get(database)
        if conn is not None and not _usable(conn):
            self._discard(database)
            conn = None
        if conn is None:
            try:
                conn = pymysql.connect(
                    unix_socket=str(self.socket), user=self.admin_user,
                    database=database or None, charset="utf8mb4",
                    # Every value as the server's bytes (no conversion),
                    # decoded in _decode as the client's output was.
                    conv={}, use_unicode=False, autocommit=True,
                    client_flag=CLIENT_FLAGS.MULTI_STATEMENTS,
                    connect_timeout=timeout, read_timeout=timeout,
                    write_timeout=timeout)
            except pymysql.err.MySQLError as e:
                raise _sql_error(e) from None
            conns[database] = conn
        return conn

    def _discard(self, database):
        conn = self._local.conns.pop(database, None)
        if conn is not None:
            try:
                conn.close()
            except Exception:  # already closed or broken: nothing to do
                pass

    def _run(self, conn, query, timeout):
        # Per call: a socket timeout on every read and write of this query.
        conn._read_timeout = conn._write_timeout = timeout
        rows, first = [], True
        try:
            cur = conn.cursor()
            cur.execute(query)
            while True:
                first = False
                rows.extend(tuple(_decode(v) for v in row) for row in cur.fetchall())
                if not cur.nextset():
                    break
            if conn.server_status & SERVER_STATUS.SERVER_STATUS_IN_TRANS:
                conn.rollback()
            # The last result refers back to the connection: without it, a
            # finished thread's connections go (and close) at once.
            conn._result = None
        except pymysql.err.MySQLError as e:
            err = _sql_error(e)
            err.first_statement = first
            if conn.open and err.errno is not None and err.errno < 2000:
                # A server error: the connection is fine, but roll back what
                # a client process would have by exiting.
                try:
                    if conn.server_status & SERVER_STATUS.SERVER_STATUS_IN_TRANS:
                        conn.rollback()
                except pymysql.err.MySQLError:
                    conn.close()
            elif conn.open:
                conn.close()
            raise err from None
        except BaseException:
            # Interrupted half-way: the rest of the answer is unread.
            if conn.open:
                conn.close()
            raise
        return rows

    def _sql_cli(self, query, database=None, timeout=30):
        """sql() through a `mariadb --batch` client process, as the harness
        did before: only to check that sql() returns what it printed. Note
        its quirks: a string 'NULL' reads back as None, a row of one empty
        string is lost."""
        if database is None:
            database = self.database if self.app_password else ""
        args = [CLIENT, "--no-defaults", f"--socket={self.socket}",
                f"--user={self.admin_user}", "--batch", "--skip-column-names",
                "--default-character-set=utf8mb4", "-e", query]
        if database:
            args.append(database)
        r = subprocess.run(args, capture_output=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            raise SQLError(r.stderr.decode(errors="replace").strip() or
                           f"mariadb client exited {r.returncode}")
        text = r.stdout.decode("utf-8", errors="replace")
        return [tuple(_unescape(v) for v in line.split("\t"))
                for line in text.split("\n") if line != ""]

    def value(self, query, database=None):
        """The first column of the first row, or None when no row."""
        rows = self.sql(query, database)
        return rows[0][0] if rows else None

    def create_app_db(self):
        """Create the module's database and account (idempotent). The
        password is kept in password_file (MoCourtsDBPasswordFile), readable
        by Apache's group; an existing file is reused."""
        if self.password_file.exists():
            self.app_password = self.password_file.read_text().strip()
        else:
            self.app_password = secrets.token_urlsafe(18)
            fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(self.app_password)
        util.chown_apache(self.password_file, 0o640)
        db, user, pw = self.database, self.app_user, self.app_password
        stmts = [f"CREATE DATABASE IF NOT EXISTS `{db}` "
                 "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"]
        for host in ("localhost", "127.0.0.1"):
            stmts += [f"CREATE USER IF NOT EXISTS '{user}'@'{host}' IDENTIFIED BY '{pw}'",
                      f"ALTER USER '{user}'@'{host}' IDENTIFIED BY '{pw}'",
                      f"GRANT {APP_GRANTS} ON `{db}`.* TO '{user}'@'{host}'"]
        self.sql(";\n".join(stmts), database="")

    def connection_conf(self, via="socket"):
        """The MoCourtsDB* directives for this server (socket or tcp)."""
        conf = {"MoCourtsDBUser": self.app_user,
                "MoCourtsDBPasswordFile": f'"{self.password_file}"',
                "MoCourtsDBName": self.database}
        if via == "socket":
            conf["MoCourtsDBHost"] = "localhost"
            conf["MoCourtsDBSocket"] = f'"{self.socket}"'
        else:
            conf["MoCourtsDBHost"] = "127.0.0.1"
            conf["MoCourtsDBPort"] = str(self.port)
        return conf

    def wait_for(self, query, predicate=bool, timeout=10, database=None):
        """Poll query until predicate(rows) holds; returns the rows."""
        last = []

        def check():
            nonlocal last
            last = self.sql(query, database)
            return predicate(last)

        try:
            util.wait_until(check, timeout, interval=0.1, what=query)
        except TimeoutError:
            raise AssertionError(f"{query!r} never satisfied the condition "
                                 f"in {timeout}s; last rows: {last!r}") from None
        return last


def main():  # pragma: no cover - manual use: python3 -m harness.mariadb DIR PORT
    import sys
    db = MariaDB(Path(sys.argv[1]), int(sys.argv[2]))
    t = time.monotonic()
    db.start()
    db.create_app_db()
    print(db.sql("SELECT VERSION()"), f"{time.monotonic() - t:.1f}s")
    db.stop()


if __name__ == "__main__":
    main()
