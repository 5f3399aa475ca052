"""The audit log viewer's statements (plugins/registration/lib/mc_audit_log.c,
issue 17) use mc_audit's indexes (sql/registration/0007_audit_indexes.sql):
against 12,000 events of 300 accounts, EXPLAIN FORMAT=JSON of the page and
count statements, the values bound as the viewer binds them, shows no full
scan of mc_audit and, where one index gives the order, no filesort. (The
count of every event, or of a common type, may read the table: it runs only
when the list is longer than a page, and the page itself does not.)

Without 0007 (checked by dropping its keys): the unfiltered list, a range of
days and the export's parts read every event and sort them; an account's
events (what it did: actor_id) and an address's are found by reading every
event."""
import secrets

import pytest

from test_perf_plans import bind, explain, filesorts, sql_of, tables

LIB = "plugins/registration/lib/mc_audit_log.c"
ACCOUNTS = 300
EVENTS = 40            # per account
TYPES = ("logon", "logon-failed", "password-changed", "email-changed", "security-disable")


@pytest.fixture(scope="module")
def audit_data(apache, mariadb):
    tag = secrets.token_hex(3)
    mariadb.sql("INSERT INTO mc_account (username, email, password_hash) VALUES "
                + ", ".join(f"('apl{tag}{i:03d}', 'apl{tag}{i:03d}@example.test', '!')"
                            for i in range(ACCOUNTS)), database="mocourts")
    first = int(mariadb.value(f"SELECT MIN(id) FROM mc_account WHERE username LIKE 'apl{tag}%'"))
    for k in range(0, ACCOUNTS, 50):
        rows = []
        for i in range(k, k + 50):
            for j in range(EVENTS):
                rows.append(f"('2025-{1 + j % 12:02d}-{1 + (i + j) % 28:02d} {j % 24:02d}:00:00', "
                            f"'{TYPES[(i + j) % len(TYPES)]}', {first + i}, "
                            f"{first + (i + 1) % ACCOUNTS if j % 10 == 0 else 'NULL'}, "
                            f"'10.{i % 250}.{j}.{i % 7}', 'seed')")
        mariadb.sql("INSERT INTO mc_audit (at, event, account_id, actor_id, client_ip, detail) "
                    "VALUES " + ", ".join(rows), database="mocourts")
    mariadb.sql("ANALYZE TABLE mc_audit", database="mocourts")
    return {"account": first + 17}


def where_values(account=0, event="", since="", to_day="", ip="", ip_like="", after_at="",
                 after_id=0):
    return [account, account, account, event, event, since, since, to_day, to_day, ip, ip_like,
            after_at, after_at, after_at, after_id]


def page(mariadb, **f):
    sql = sql_of(LIB, "AUDIT_SELECT", "AUDIT_WHERE", "AUDIT_ORDER")
    return explain(mariadb, bind(sql, *where_values(**f), 26, 0))


def count(mariadb, **f):
    return explain(mariadb, bind(sql_of(LIB, "AUDIT_COUNT", "AUDIT_WHERE"), *where_values(**f)))


def access(plan):
    return tables(plan)["a"]


def assert_uses(plan, key, in_order):
    a = access(plan)
    assert a["access_type"] != "ALL", plan
    keys = [a.get("key")] + [part["range"]["key"] for part in
                             a.get("index_merge", {}).get("sort_union", [])]
    assert key in keys, plan
    if in_order:
        assert not filesorts(plan), plan
    for name, node in tables(plan).items():
        assert node["access_type"] != "ALL" or name.startswith("<"), (name, plan)


def test_no_filter_reads_the_newest_in_order(mariadb, audit_data):
    assert_uses(page(mariadb), "mc_audit_at", True)


def test_account_about_it_or_by_it(mariadb, audit_data):
    """An account's events: those about it and those it did, both from an
    index (an index merge), then its few rows sorted."""
    acct = audit_data["account"]
    for plan in (page(mariadb, account=acct), count(mariadb, account=acct)):
        assert_uses(plan, "mc_audit_account", False)
        assert_uses(plan, "mc_audit_actor", False)


def test_event_type_in_order(mariadb, audit_data):
    assert_uses(page(mariadb, event="logon-failed"), "mc_audit_event", True)


def test_address_prefix(mariadb, audit_data):
    for plan in (page(mariadb, ip="10.17.", ip_like="10.17.%"),
                 count(mariadb, ip="10.17.", ip_like="10.17.%")):
        assert_uses(plan, "mc_audit_ip", False)


def test_days_in_order(mariadb, audit_data):
    days = {"since": "2025-03-01", "to_day": "2025-03-02"}
    assert_uses(page(mariadb, **days), "mc_audit_at", True)
    assert_uses(count(mariadb, **days), "mc_audit_at", False)


def test_export_parts_continue_from_the_index(mariadb, audit_data):
    """The export's next part (the keyset after an event) reads on in order."""
    assert_uses(page(mariadb, after_at="2025-06-01 00:00:00", after_id=5000), "mc_audit_at", True)
