"""The pieces of `make run` (scripts/run.sh) that reuse the test harness,
so the demo site is configured exactly as the tests configure theirs.

    PYTHONPATH=tests python3 -m harness.runconf --var var COMMAND

Commands:
    db-start        start MariaDB (127.0.0.1:3307) unless running; create
                    the database and its user when new
    db-stop
    apache-config   write var/apache/httpd.conf and mocourts.conf
    apache-start    (re)start Apache (127.0.0.1:8080) with the current build
    apache-stop
    demo-accounts   create the demo accounts that do not exist yet; print them
    status          what is running
"""
import argparse
import secrets
import sys
from pathlib import Path

from . import util
from .admin import Admin, create_user
from .apache import PROTECTED_CONF, Apache, ApacheError
from .gateway import Gateway
from .mariadb import MariaDB, sql_quote

DB_PORT = 3307
HTTP_PORT = 8080
SMTP_PORT = 2525

# username, e-mail, password, roles, scope, must change, who
DEMO_ACCOUNTS = [
    ("osca.admin", "osca.admin@court.test", "Demo-Admin1", ["security"], None, False,
     "Security unit administrator"),
    ("clerk.stl", "clerk.stl@court.test", "Demo-Clerk1", ["clerk"], "22", False,
     "court clerk, 22nd Circuit (St. Louis City)"),
    ("testadmin04", "testadmin04@lawfirm.test", "Demo-Temp1", ["group_admin"], None, True,
     "group administrator, provisioned: must change the temporary password"),
    ("jdoe", "jdoe@example.test", "Demo-User1", [], None, False, "account holder"),
    ("atty.demo", "atty.demo@lawyer.test", "Demo-Atty1", ["attorney"], None, False,
     "attorney (MOBAR verified), subscribed to eFiling: may file"),
]
# Accounts that have subscribed to Electronic Case Filing and accepted the
# User Agreement (MC_REG_AGREEMENT_VERSION) already.
DEMO_EFILERS = ("atty.demo",)
AGREEMENT_VERSION = "2024-1"


class _Smtp:
    """Where the mail catcher listens (started by run.sh, not here)."""
    host = "127.0.0.1"

    def __init__(self, port):
        self.port = port


def _site(var, db_port, http_port, smtp_port):
    var = Path(var).resolve()
    db = MariaDB(var / "db", db_port, log_path=var / "log" / "mariadb.log")
    if db.password_file.exists():
        db.app_password = db.password_file.read_text().strip()
    gateway = Gateway(var / "gateway", log_path=var / "log" / "gateway.jsonl")
    apache = Apache(var / "apache", http_port, db=db, smtp=_Smtp(smtp_port), gateway=gateway,
                    log_dir=var / "log", password_cost="interactive",
                    overrides={"MoCourtsCourtName": '"Missouri Courts (demo)"',
                               "MoCourtsMailFrom": "noreply@courts.demo.test"},
                    extra_conf=PROTECTED_CONF)
    return db, apache


DEMO_GROUP, DEMO_PIN = "Demo Law Firm", "Demo1234"


def _demo_group(db, apache):
    """Seed 000: testadmin04 administers a law firm, whose users join with
    the association URL and the Group PIN (when the groups plugin is there)."""
    from .sodium import pwhash
    if db.value("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
                "'mocourts' AND table_name = 'mc_group'") != "1":
        return
    key = db.value("SELECT assoc_key FROM mc_group WHERE name = " + sql_quote(DEMO_GROUP))
    if key is None:
        key = secrets.token_urlsafe(16)[:22]
        admin = db.value("SELECT id FROM mc_account WHERE username = 'testadmin04'")
        db.sql("INSERT INTO mc_group (name, kind, address_line1, city, state, zip, phone, "
               "pin_hash, pin_changed_at, assoc_key, created_at) VALUES ("
               f"{sql_quote(DEMO_GROUP)}, 'firm', '2112 Industrial Drive', 'Jefferson City', "
               f"'MO', '65101', '(573) 526-8842', {sql_quote(pwhash(DEMO_PIN))}, "
               f"UTC_TIMESTAMP(), {sql_quote(key)}, UTC_TIMESTAMP())", database="mocourts")
        gid = db.value("SELECT id FROM mc_group WHERE name = " + sql_quote(DEMO_GROUP))
        db.sql("INSERT INTO mc_group_member (account_id, group_id, is_admin, status, "
               f"status_date, joined_at) VALUES ({admin}, {gid}, 1, 'active', "
               "UTC_TIMESTAMP(), UTC_TIMESTAMP());"
               "UPDATE mc_account_role SET scope = " + sql_quote(gid) +
               f" WHERE account_id = {admin} AND role = 'group_admin'", database="mocourts")
    print(f"Demo group: {DEMO_GROUP}, Group PIN {DEMO_PIN}, association URL "
          f"{apache.base_url}/groups/join/{key}")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="runconf", description="make run helper")
    ap.add_argument("--var", default=str(util.REPO / "var"))
    ap.add_argument("--db-port", type=int, default=DB_PORT)
    ap.add_argument("--http-port", type=int, default=HTTP_PORT)
    ap.add_argument("--smtp-port", type=int, default=SMTP_PORT)
    ap.add_argument("command", choices=["db-start", "db-stop", "apache-config", "apache-start",
                                        "apache-stop", "demo-accounts", "status"])
    args = ap.parse_args(argv)
    for sub in ("db", "apache", "mail", "log", "gateway"):
        (Path(args.var) / sub).mkdir(parents=True, exist_ok=True)
    util.make_reachable(args.var)
    util.make_reachable(Path(args.var) / "log")
    db, apache = _site(args.var, args.db_port, args.http_port, args.smtp_port)

    if args.command == "db-start":
        state = "already running" if db.is_running() else "started"
        db.start()
        db.create_app_db()
        print(f"MariaDB   {state} on 127.0.0.1:{db.port} (socket {db.socket})")
    elif args.command == "db-stop":
        db.stop()
        print("MariaDB   stopped")
    elif args.command == "apache-config":
        apache.write_config()
        print(f"Apache    configuration in {apache.conf_path}")
    elif args.command == "apache-start":
        restarted = apache.is_running()
        apache.stop()
        try:
            apache.start()
        except ApacheError as e:
            print(f"Apache did not start: {e}", file=sys.stderr)
            return 1
        print(f"Apache    {'restarted' if restarted else 'started'} on {apache.base_url}")
    elif args.command == "apache-stop":
        apache.stop()
        print("Apache    stopped")
    elif args.command == "demo-accounts":
        admin = Admin(apache.mocourts_conf)
        for user, email, pw, roles, scope, must_change, who in DEMO_ACCOUNTS:
            exists = db.value("SELECT COUNT(*) FROM mc_account WHERE username = "
                              + sql_quote(user)) != "0"
            if not exists:
                # The provisioned group administrator has only what the
                # Security unit gave it: seed 000 leads it through
                # "Missing Information" after the forced password change.
                create_user(admin, db, user, email, pw, roles=roles, scope=scope,
                            must_change=must_change, complete=not must_change)
            if user in DEMO_EFILERS:
                u = sql_quote(user)
                db.sql("INSERT IGNORE INTO mc_reg_subscription (account_id, application, "
                       f"subscribed_at) SELECT id, 'efiling', UTC_TIMESTAMP() FROM mc_account "
                       f"WHERE username = {u}; INSERT IGNORE INTO mc_reg_agreement (account_id, "
                       f"version, accepted_at) SELECT id, {sql_quote(AGREEMENT_VERSION)}, "
                       f"UTC_TIMESTAMP() FROM mc_account WHERE username = {u}")
            print(f"  {user:<13} {pw:<12} {who}")
        _demo_group(db, apache)
    elif args.command == "status":
        print(f"MariaDB   {'running' if db.is_running() else 'stopped'}")
        print(f"Apache    {'running on ' + apache.base_url if apache.is_running() else 'stopped'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
