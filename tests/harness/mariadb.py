"""A private MariaDB server on loopback, with its own datadir and socket.

    db = MariaDB(Path("/tmp/x/db"), port=free_port())
    db.start()
    db.create_app_db()            # database + user for the module
    db.sql("SELECT 1")            # -> [("1",)]
    db.kill(); db.start()         # a crash, then recovery on the same datadir
    db.stop()
"""
import os
import secrets
import signal
import subprocess
import time
from pathlib import Path

from . import util

MARIADBD = "/usr/sbin/mariadbd"
INSTALL_DB = "/usr/bin/mariadb-install-db"
CLIENT = "/usr/bin/mariadb"

APP_GRANTS = ("SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, "
              "REFERENCES, LOCK TABLES")

# mariadb --batch escapes these in values; NULL is printed as NULL.
_UNESCAPE = {"n": "\n", "t": "\t", "\\": "\\", "0": "\0", "b": "\b"}


class SQLError(Exception):
    pass


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
        except (SQLError, subprocess.TimeoutExpired):
            return False

    def _pid(self):
        if self.proc is not None and self.proc.poll() is None:
            return self.proc.pid
        return util.read_pidfile(self.pidfile)

    def _wait_gone(self, pid, timeout):
        if self.proc is not None and self.proc.pid == pid:
            try:
                self.proc.wait(timeout)
                return True
            except subprocess.TimeoutExpired:
                return False
        try:
            util.wait_until(lambda: not util.pid_alive(pid), timeout,
                            what="mariadbd to exit")
            return True
        except TimeoutError:
            return False

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
        """Run query (one or more statements) as the MariaDB administrator
        through the socket. Returns the rows of the output as tuples of str
        (None for NULL; note a string 'NULL' reads back as None too).
        database: None means the app database once created, "" none."""
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
