"""Running build/mocourts-admin against a test configuration.

    adm = Admin(apache.mocourts_conf)
    adm.migrate()
    adm.create_account("jdoe", "jdoe@example.test", "Secret-Pass1", roles=["clerk"],
                       scope="22", must_change=True)
    adm.run("deliver", "--once")           # CompletedProcess (text)
    adm.run_on_tty("generate")             # (exit status, stderr as a terminal saw it)
    create_user(adm, db, "jdoe", "jdoe@example.test", "Secret-Pass1")   # -> Account
"""
import os
import select
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import util
from .mariadb import sql_quote


class AdminError(RuntimeError):
    pass


# The roles the shipped modules check: create-admin takes them with --role;
# any other (a test plugin's own) is granted with --new-role.
SHIPPED_ROLES = {"security", "clerk", "attorney", "group_admin", "group_user"}


@dataclass
class Account:
    """An account a test created (see the new_account fixture)."""
    username: str
    email: str
    password: str
    id: int = None
    roles: list = field(default_factory=list)
    scope: str = None


class Admin:
    def __init__(self, conf, binary=None):
        """conf: the file holding the MoCourts* directives (an Apache's
        mocourts_conf; httpd.conf also works, the tool follows Include)."""
        self.conf = Path(conf)
        self.binary = Path(binary) if binary else util.BUILD / "mocourts-admin"

    def run(self, *args, env=None, check=True, timeout=120, input=None):
        """Run `mocourts-admin -c CONF args...`. With check, a non-zero exit
        raises AdminError showing the output. env: extra variables."""
        if not self.binary.exists():
            raise AdminError(f"{self.binary} does not exist: run `make` first")
        full_env = dict(os.environ)
        full_env.pop("MOCOURTS_PASSWORD", None)
        full_env.update(env or {})
        cmd = [str(self.binary), "-c", str(self.conf)] + [str(a) for a in args]
        r = subprocess.run(cmd, capture_output=True, text=True, env=full_env,
                           timeout=timeout, input=input,
                           stdin=None if input is not None else subprocess.DEVNULL)
        if check and r.returncode != 0:
            raise AdminError(f"{' '.join(cmd)} exited {r.returncode}\n"
                             f"--- stdout:\n{r.stdout}--- stderr:\n{r.stderr}")
        return r

    def run_on_tty(self, *args, conf=True, stdout=subprocess.DEVNULL, timeout=120,
                   terminate_after=None):
        """Run `mocourts-admin [-c CONF] args...` with stderr on a pseudo-
        terminal (where the progress line shows); returns (exit status,
        everything written to stderr, as bytes: the terminal turns \n into
        \r\n). terminate_after: seconds after which it gets SIGTERM."""
        cmd = [str(self.binary)] + (["-c", str(self.conf)] if conf else []) + \
            [str(a) for a in args]
        master, slave = os.openpty()
        try:
            p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=stdout, stderr=slave)
        finally:
            os.close(slave)
        out, deadline = b"", time.monotonic() + timeout
        stop_at = time.monotonic() + terminate_after if terminate_after else None
        try:
            while time.monotonic() < deadline:
                if stop_at and time.monotonic() >= stop_at:
                    p.terminate()
                    stop_at = None
                exited = p.poll() is not None   # before select: nothing left unread
                if not select.select([master], [], [], 0 if exited else 0.2)[0]:
                    if exited:
                        break
                    continue
                try:
                    data = os.read(master, 65536)
                except OSError:   # EIO: the child closed the terminal
                    break
                if not data:
                    break
                out += data
        finally:
            os.close(master)
        try:
            rc = p.wait(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            raise AdminError(f"{' '.join(cmd)} did not end in {timeout}s")
        return rc, out

    def migrate(self):
        return self.run("migrate")

    def check(self, check=True):
        return self.run("check", check=check)

    def deliver_once(self):
        return self.run("deliver", "--once")

    def purge(self):
        return self.run("purge")

    def create_account(self, username, email, password, roles=(), scope=None,
                       must_change=False, check=True):
        """`create-admin USERNAME EMAIL [--role R]... [--scope S] [--must-change]`
        with the password in MOCOURTS_PASSWORD (never on the command line)."""
        args = ["create-admin", username, email]
        for role in roles:
            args += ["--role" if role in SHIPPED_ROLES else "--new-role", role]
        if not roles:
            args.append("--no-role")
        if scope is not None:
            args += ["--scope", scope]
        if must_change:
            args.append("--must-change")
        return self.run(*args, env={"MOCOURTS_PASSWORD": password}, check=check)


def create_user(admin, db, username, email, password, roles=(), scope=None,
                must_change=False, complete=True):
    """Create an account through the admin tool and return it as an Account
    with its id. With no roles the account is an ordinary account holder
    (create-admin --no-role).

    complete: when the registration plugin's schema is there, give the
    account a complete profile (names, addresses, phone, three security
    answers on file: unusable placeholders, for recovery tests set real ones)
    so a logon is not sent to "Missing Information"."""
    admin.create_account(username, email, password, roles=roles, scope=scope,
                         must_change=must_change)
    account_id = db.value("SELECT id FROM mc_account WHERE username = "
                          + sql_quote(username))
    if account_id is None:
        raise AdminError(f"create-admin reported success but {username} is not in mc_account")
    if complete and db.value(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'mocourts' "
            "AND table_name = 'mc_reg_profile'") == "1":
        i = int(account_id)
        db.sql(f"UPDATE mc_account SET first_name = 'Test', last_name = 'User{i}' "
               f"WHERE id = {i} AND first_name = '';"
               "INSERT INTO mc_reg_profile (account_id, mail_line1, mail_city, mail_state, "
               "mail_zip, bill_line1, bill_city, bill_state, bill_zip, business_phone) VALUES "
               f"({i}, '2112 Industrial Drive', 'Jefferson City', 'MO', '65101', "
               "'2112 Industrial Drive', 'Jefferson City', 'MO', '65101', '(573) 526-8842');"
               "INSERT INTO mc_reg_answer (account_id, slot, question, answer_hash) VALUES "
               f"({i}, 1, 0, '!'), ({i}, 2, 1, '!'), ({i}, 3, 2, '!')", database="mocourts")
    return Account(username, email, password, int(account_id), list(roles), scope)
