"""Running build/mocourts-admin against a test configuration.

    adm = Admin(apache.mocourts_conf)
    adm.migrate()
    adm.create_account("jdoe", "jdoe@example.test", "Secret-Pass1", roles=["clerk"],
                       scope="22", must_change=True)
    adm.run("deliver", "--once")           # CompletedProcess (text)
    create_user(adm, db, "jdoe", "jdoe@example.test", "Secret-Pass1")   # -> Account
"""
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from . import util
from .mariadb import sql_quote


class AdminError(RuntimeError):
    pass


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
            args += ["--role", role]
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
