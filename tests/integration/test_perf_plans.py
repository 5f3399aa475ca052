"""The list pages' statements use their indexes (issue 13): against the test
database, seeded with enough rows of other accounts, groups and courts that
a full scan would be chosen only for want of an index, EXPLAIN FORMAT=JSON
of each list statement shows no full scan of a large table, no filesort
where the page can be read in index order, and the index named.

The SQL is read from the handlers themselves (the #define and
`static const char NAME[]` string constants of plugins/efiling/menu.c,
plugins/efiling/review.c, plugins/casetrack/history.c,
plugins/casetrack/mycases.c and plugins/groups/gadmin.c), so the plan
checked is the plan of the statement the page runs; the ? are filled with
the values the page binds.

Without sql/efiling/0003_list_indexes.sql, My Filings and the clerk's
decided lists sort all of the account's or court's envelopes (filesort);
without sql/groups/0003_member_list.sql, Group Maintenance sorts all of the
group's members."""
import json
import re
from pathlib import Path

import pytest

from harness.mariadb import sql_quote
from helpers_casenet import seed_court, unique_tag
from helpers_efiling import new_group

REPO = Path(__file__).resolve().parents[2]

ACCOUNTS = 40          # accounts with envelopes and notices
ENVELOPES = 150        # per account: 6,000 in all
NOTICES = 100          # per account: 4,000 in all
GROUPS = 4
MEMBERS = 300          # per group: 1,200 in all
STATUSES = ("draft", "submitted", "review", "accepted", "rejected", "cancelled")


# ---- the handlers' SQL ------------------------------------------------------------

_TOKEN = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|([A-Za-z_][A-Za-z0-9_]*))')


def _constants(path):
    """NAME -> list of tokens (("s", text) or ("m", macro name)) for each
    string #define and `static const char NAME[] = ...;` of a C file."""
    text = (REPO / path).read_text()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S).replace("\\\n", " ")
    out = {}
    for m in re.finditer(r"^#define\s+([A-Z_][A-Z0-9_]*)[ \t]+(.+)$", text, re.M):
        out[m.group(1)] = m.group(2)
    for m in re.finditer(r"static const char ([A-Za-z_][A-Za-z0-9_]*)\[\]\s*=\s*(.*?);", text,
                         re.S):
        out[m.group(1)] = m.group(2)
    return out


def _expand(defs, name):
    body, pos, parts = defs[name].strip(), 0, []
    while pos < len(body):
        m = _TOKEN.match(body, pos)
        assert m, f"{name}: not a string constant: {body[pos:]!r}"
        if m.group(1) is not None:
            parts.append(bytes(m.group(1), "utf-8").decode("unicode_escape"))
        else:
            parts.append(_expand(defs, m.group(2)))
        pos = m.end()
        while pos < len(body) and body[pos].isspace():
            pos += 1
    return "".join(parts)


def sql_of(path, *names):
    """The concatenation of the named string constants of a C file, as the
    compiler joins adjacent literals."""
    defs = _constants(path)
    return "".join(_expand(defs, n) for n in names)


def bind(sql, *values):
    """sql with each ? replaced by the next value (as a literal)."""
    vals = list(values)

    def lit(_):
        v = vals.pop(0)
        return str(v) if isinstance(v, int) else sql_quote(str(v))
    out = re.sub(r"\?", lit, sql)
    assert not vals, f"{len(vals)} values left over for {sql}"
    return out


# ---- the plan -----------------------------------------------------------------------

def explain(mariadb, sql):
    return json.loads(mariadb.value("EXPLAIN FORMAT=JSON " + sql))


def _walk(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from _walk(v, path + (k,))
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v, path)


def tables(plan):
    """{table name (alias) : its access node} for every table of the plan."""
    out = {}
    for _, node in _walk(plan):
        t = node.get("table")
        if isinstance(t, dict) and "table_name" in t:
            out.setdefault(t["table_name"], t)
    return out


def filesorts(plan):
    """The paths of every filesort in the plan (MariaDB: a "filesort" node;
    MySQL style "using_filesort": true too)."""
    found = []
    for path, node in _walk(plan):
        if "filesort" in node or node.get("using_filesort") is True:
            found.append("/".join(path) or "query_block")
    return found


def assert_indexed(plan, table, key, sorted_from_index=True):
    t = tables(plan)
    assert table in t, f"{table} not in the plan: {json.dumps(plan, indent=1)}"
    assert t[table]["access_type"] != "ALL", json.dumps(plan, indent=1)
    assert t[table].get("key") == key, json.dumps(plan, indent=1)
    if sorted_from_index:
        assert not filesorts(plan), json.dumps(plan, indent=1)
    for name, node in t.items():
        assert node["access_type"] != "ALL" or name.startswith("<"), \
            f"full scan of {name}: {json.dumps(plan, indent=1)}"


# ---- the data -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def data(apache, mariadb):
    """Accounts with envelopes (several courts, every status) and notices,
    groups of members, a folder: returns the ids the statements bind."""
    tag = "perf" + unique_tag(6).lower()
    courts = [seed_court(mariadb) for _ in range(3)]
    mariadb.sql(
        "INSERT INTO mc_account (username, email, password_hash, status, email_verified, "
        "first_name, last_name, created_at) SELECT CONCAT('" + tag + "-', seq), "
        "CONCAT('" + tag + "-', seq, '@example.test'), '!', 'active', 1, 'First', "
        f"CONCAT('Last', seq), UTC_TIMESTAMP() FROM seq_1_to_{ACCOUNTS + GROUPS * MEMBERS}",
        timeout=120)
    ids = [int(r[0]) for r in mariadb.sql(
        f"SELECT id FROM mc_account WHERE username LIKE '{tag}-%' ORDER BY id")]
    filers, members = ids[:ACCOUNTS], ids[ACCOUNTS:]
    groups = [new_group(mariadb)[0] for _ in range(GROUPS)]
    # Envelopes: every filer's, spread over the courts and statuses; a
    # number on all but drafts; every other filer's in a group.
    status_sql = "ELT(1 + seq % 6, " + ", ".join(sql_quote(s) for s in STATUSES) + ")"
    for k, acct in enumerate(filers):
        court = courts[k % len(courts)]["code"]
        gid = groups[k % GROUPS] if k % 2 else None
        mariadb.sql(
            "INSERT INTO mc_ef_envelope (number, account_id, group_id, court_code, kind, "
            "caption, status, step, created_at, updated_at, submitted_at, decided_at) SELECT "
            f"IF(seq % 6 = 0, NULL, CONCAT('EF{tag[-6:]}', LPAD({k}, 3, '0'), '-', seq)), "
            f"{acct}, {'NULL' if gid is None else gid}, {sql_quote(court)}, 'new', "
            f"CONCAT('PERF V CASE ', seq), {status_sql}, 'review', "
            "UTC_TIMESTAMP() - INTERVAL seq HOUR, UTC_TIMESTAMP() - INTERVAL seq MINUTE, "
            "IF(seq % 6 = 0, NULL, UTC_TIMESTAMP() - INTERVAL seq MINUTE), "
            "IF(seq % 6 IN (3, 4), UTC_TIMESTAMP() - INTERVAL seq SECOND, NULL) "
            f"FROM seq_1_to_{ENVELOPES}", timeout=120)
        mariadb.sql(
            "INSERT INTO mc_outbox (account_id, channel, recipient, subject, body, kind, "
            "case_ref, status, attempts, queued_at, next_attempt_at, sent_at) SELECT "
            f"{acct}, 'email', 'perf@example.test', CONCAT('Notice ', seq), 'A notice.', "
            "'track-entry', CONCAT('22SL-CC', LPAD(seq % 7, 5, '0')), 'sent', 1, "
            "UTC_TIMESTAMP() - INTERVAL seq MINUTE, UTC_TIMESTAMP() - INTERVAL seq MINUTE, "
            f"UTC_TIMESTAMP() - INTERVAL seq MINUTE FROM seq_1_to_{NOTICES}", timeout=120)
    for g, gid in enumerate(groups):
        chunk = members[g * MEMBERS:(g + 1) * MEMBERS]
        mariadb.sql(
            "INSERT INTO mc_group_member (account_id, group_id, is_admin, status, status_date, "
            f"joined_at) SELECT id, {gid}, id = {chunk[0]}, IF(id % 10 = 0, 'disabled', "
            "'active'), UTC_TIMESTAMP() - INTERVAL id MINUTE, UTC_TIMESTAMP() FROM mc_account "
            f"WHERE id BETWEEN {chunk[0]} AND {chunk[-1]}", timeout=120)
    mariadb.sql("ANALYZE TABLE mc_ef_envelope, mc_outbox, mc_group_member, mc_account",
                timeout=120)
    yield {"filer": filers[2], "group_filer": filers[1], "group": groups[1],
           "court": courts[0]["code"], "members_group": groups[2]}
    mariadb.sql(f"DELETE FROM mc_ef_envelope WHERE account_id BETWEEN {ids[0]} AND {ids[-1]};"
                f"DELETE FROM mc_outbox WHERE account_id BETWEEN {ids[0]} AND {ids[-1]};"
                f"DELETE FROM mc_group_member WHERE account_id BETWEEN {ids[0]} AND {ids[-1]};"
                f"DELETE FROM mc_account WHERE id BETWEEN {ids[0]} AND {ids[-1]}", timeout=120)


# ---- My Filings (plugins/efiling/menu.c, filings_page) ---------------------------------

MENU = "plugins/efiling/menu.c"


@pytest.mark.parametrize("status", ["", "submitted"])
def test_my_filings_page_in_index_order(mariadb, data, status):
    sql = bind(sql_of(MENU, "FILINGS_SELECT", "FILINGS_OWN", "FILINGS_ORDER"),
               data["filer"], 0, status, status, 26, 0)
    plan = explain(mariadb, sql)
    key = "mc_ef_envelope_acct" if status else "mc_ef_envelope_acct_updated"
    assert_indexed(plan, "e", key)
    # ... and the page is the account's newest, as the old statement gave.
    rows = mariadb.sql(sql)
    assert len(rows) >= 25
    want = mariadb.sql(
        f"SELECT id FROM mc_ef_envelope WHERE account_id = {data['filer']} AND "
        f"({sql_quote(status)} = '' OR status = {sql_quote(status)}) "
        "ORDER BY updated_at DESC, id DESC LIMIT 26")
    assert [r[0] for r in rows] == [r[0] for r in want]


def test_my_filings_count_from_the_index(mariadb, data):
    plan = explain(mariadb, bind(sql_of(MENU, "FILINGS_COUNT", "FILINGS_OWN"),
                                 data["filer"], 0, "", ""))
    t = tables(plan)["e"]
    assert t["access_type"] == "ref" and t["key"].startswith("mc_ef_envelope_acct"), plan
    assert t.get("using_index") is True, json.dumps(plan, indent=1)


def test_my_filings_of_a_group_administrator_never_scan(mariadb, data):
    """The administrator's own and the group's: from the two indexes (an
    index merge), never the whole table."""
    sql = bind(sql_of(MENU, "FILINGS_SELECT", "FILINGS_GROUP", "FILINGS_ORDER"),
               data["group_filer"], data["group"], "", "", 26, 0)
    t = tables(explain(mariadb, sql))
    assert t["e"]["access_type"] != "ALL", t["e"]


# ---- the clerk's queue (plugins/efiling/review.c, queue_court) -------------------------

REVIEW = "plugins/efiling/review.c"


@pytest.mark.parametrize("status,macro,key", [
    ("submitted", "QUEUE_PAGE_SUBMITTED", "mc_ef_envelope_queue"),
    ("review", "QUEUE_PAGE_SUBMITTED", "mc_ef_envelope_queue"),
    ("accepted", "QUEUE_PAGE_DECIDED", "mc_ef_envelope_decided"),
    ("rejected", "QUEUE_PAGE_DECIDED", "mc_ef_envelope_decided"),
])
def test_clerk_queue_one_status_in_index_order(mariadb, data, status, macro, key):
    sql = bind(sql_of(REVIEW, macro), data["court"], status, status, 26, 0)
    assert_indexed(explain(mariadb, sql), "e", key)


def test_clerk_queue_two_statuses_read_a_page_of_each(mariadb, data):
    """The default queue: each status's first page from the index in order
    (no filesort there); only those rows are sorted together. Same rows,
    same order as the one statement over both statuses."""
    c = data["court"]
    for offset, n in ((0, 26), (25, 25), (50, 25)):
        sql = bind(sql_of(REVIEW, "QUEUE_PAGE_TWO"), c, "submitted", offset + n, c, "review",
                   offset + n, n, offset)
        plan = explain(mariadb, sql)
        branches = [node for path, node in _walk(plan) if "union_result" in path
                    and isinstance(node.get("table"), dict)
                    and node["table"].get("table_name") == "e"]
        assert len(branches) == 2, json.dumps(plan, indent=1)
        for b in branches:
            assert b["table"]["key"] == "mc_ef_envelope_queue", json.dumps(plan, indent=1)
            assert b["table"]["access_type"] in ("ref", "range"), json.dumps(plan, indent=1)
        # Only the outer sort (of at most 2 x (offset + n) rows) remains.
        sorts = filesorts(plan)
        assert all("union_result" not in s for s in sorts), sorts
        old = bind(sql_of(REVIEW, "QUEUE_SELECT") + " FROM mc_ef_envelope e"
                   + sql_of(REVIEW, "QUEUE_JOIN", "QUEUE_WHERE", "QUEUE_SUBMITTED", "QUEUE_LIMIT"),
                   c, "submitted", "review", n, offset)
        got = mariadb.sql(sql)
        assert got and got == mariadb.sql(old)


def test_clerk_queue_count_needs_no_join(mariadb, data):
    sql = bind(sql_of(REVIEW, "QUEUE_COUNT"), data["court"], "accepted", "accepted")
    t = tables(explain(mariadb, sql))
    assert set(t) == {"e"} and t["e"]["access_type"] != "ALL", t


# ---- Notification History (plugins/casetrack/history.c, ct_history_page) --------------

HISTORY = "plugins/casetrack/history.c"


def test_history_page_in_index_order_and_count_from_the_index(mariadb, data):
    acct = data["filer"]
    sql = bind(sql_of(HISTORY, "HISTORY_SELECT", "HISTORY_ALL", "HISTORY_ORDER"), acct, 26, 0)
    assert_indexed(explain(mariadb, sql), "mc_outbox", "mc_outbox_account")
    plan = explain(mariadb, bind(sql_of(HISTORY, "HISTORY_COUNT", "HISTORY_ALL"), acct))
    t = tables(plan)["mc_outbox"]
    assert t["key"] == "mc_outbox_account" and t.get("using_index") is True, plan
    sql = bind(sql_of(HISTORY, "HISTORY_SELECT", "HISTORY_CASE", "HISTORY_ORDER"),
               acct, "22SL-CC00003", 26, 0)
    assert_indexed(explain(mariadb, sql), "mc_outbox", "mc_outbox_account")


# ---- Manage My Case (plugins/casetrack/mycases.c, folder_page) -------------------------

def test_my_cases_count_reads_the_folder_keys_alone(mariadb, data):
    sql = bind(sql_of("plugins/casetrack/mycases.c", "FOLDER_COUNT"), data["filer"],
               data["filer"])
    t = tables(explain(mariadb, sql))
    assert "c" not in t and "co" not in t, t
    assert t["mc_mycase"]["access_type"] == "ref" and t["mc_track"]["access_type"] == "ref", t


# ---- Group Maintenance (plugins/groups/gadmin.c, admin_members) ------------------------

# SORTS[0].desc of gadmin.c: the default order (newest status first).
MEMBERS_ORDER = " ORDER BY m.status_date DESC, a.id DESC LIMIT ? OFFSET ?"
MEMBERS_SELECT = ("SELECT a.id, DATE_FORMAT(m.status_date, '%m/%d/%Y %h:%i:%s %p'), a.username, "
                  "a.first_name, a.last_name, a.email, m.status")


@pytest.mark.parametrize("status,key", [("", "mc_group_member_list"),
                                        ("active", "mc_group_member_group")])
def test_group_members_page_in_index_order(mariadb, data, status, key):
    """Both statuses: (group_id, is_admin, status_date); one status:
    (group_id, status, status_date). Each ends in the primary key
    account_id, the order's tie-break."""
    where = sql_of("plugins/groups/gadmin.c", "SQL_WHERE")
    sql = bind(MEMBERS_SELECT + where + MEMBERS_ORDER, data["members_group"], "", "1900-01-01",
               "", "1900-01-01", "", "%", "", "%", status, status, 25, 0)
    assert_indexed(explain(mariadb, sql), "m", key)


# ---- Scheduled Hearings (plugins/casetrack/search.c, search_hearings) ------------------

SEARCH = "plugins/casetrack/search.c"
# hearing_sort of search.c: "when" ascending (the default) and "case"; each
# beside the same order on the case's own number (the statement before
# sql/casetrack/0005_hearing_case_copies.sql).
HEARING_ORDERS = [("h.hearing_at, h.case_number, h.id", "h.hearing_at, c.number, h.id"),
                  ("h.case_number, h.hearing_at, h.id", "c.number, h.hearing_at, h.id")]
HEARINGS = 1500        # per court, over four weeks
HEARING_INDEX = "mc_hearing_public_cover"
# The hearings' FROM before 0005: every hearing of the week joined to its
# case for its court, confidential flag, number and judge.
HEARING_FROM_JOINED = (
    " FROM mc_hearing h JOIN mc_case c ON c.id = h.case_id LEFT JOIN mc_judge j ON j.id = "
    "COALESCE(h.judge_id, c.judge_id) WHERE h.court_code = ? AND h.hearing_at >= ? AND "
    "h.hearing_at < DATE_ADD(?, INTERVAL 1 DAY) AND c.court_code = h.court_code AND "
    "c.confidential = 0 AND (? = '' OR j.name LIKE ?) AND (? = '' OR h.location LIKE ?)")


@pytest.fixture(scope="module")
def hearings(apache, mariadb):
    """Two courts, 3,000 cases each (every tenth confidential), 1,500
    hearings each from 2031-03-03 on (about 270 a week, far fewer than the
    court's cases, as in a real court): returns the first court's code."""
    courts = [seed_court(mariadb) for _ in range(2)]
    for court in courts:
        code, prefix = sql_quote(court["code"]), court["prefix"]
        mariadb.sql(
            "INSERT INTO mc_case (number, court_code, case_type, caption, filed_on, status, "
            f"confidential, last_activity) SELECT CONCAT('{prefix}-PH', LPAD(seq, 5, '0')), "
            f"{code}, 'CC', CONCAT('PERF V HEARING ', seq), '2030-01-06', 'open', seq % 10 = 0, "
            "UTC_TIMESTAMP() FROM seq_1_to_3000", timeout=120)
        mariadb.sql(
            "INSERT INTO mc_hearing (case_id, court_code, case_number, case_confidential, "
            "case_judge_id, ref, hearing_at, hearing_type, location) SELECT c.id, c.court_code, "
            "c.number, c.confidential, c.judge_id, CONCAT('PH', s.seq), '2031-03-03 08:00:00' "
            "+ INTERVAL (s.seq * 37) MINUTE, 'Case Review', CONCAT('Division ', s.seq % 4) "
            f"FROM seq_1_to_{HEARINGS} s JOIN mc_case c ON c.number = "
            f"CONCAT('{prefix}-PH', LPAD(s.seq % 3000 + 1, 5, '0'))", timeout=120)
    mariadb.sql("ANALYZE TABLE mc_hearing, mc_case", timeout=120)
    yield courts[0]["code"]
    for court in courts:
        mariadb.sql(f"DELETE FROM mc_case WHERE court_code = {sql_quote(court['code'])}",
                    timeout=120)


@pytest.mark.parametrize("order,joined_order", HEARING_ORDERS)
def test_hearings_page_ids_from_the_covering_index(mariadb, hearings, order, joined_order):
    """The page's ids from (court_code, case_confidential, hearing_at,
    case_number, judge_id, case_judge_id, location) alone, without mc_case;
    mc_case read for the page's rows only; the same rows in the same order
    as the statement that joined every hearing to its case."""
    defs = _constants(SEARCH)
    frm = _expand(defs, "HEARING_FROM")
    assert "mc_case" not in frm and "c." not in frm, frm
    binds = (hearings, "2031-03-03", "2031-03-09", "", "%%", "", "%")
    for limit, offset in ((26, 0), (25, 50)):
        sql = bind(_expand(defs, "HEARING_SELECT") + _expand(defs, "HEARING_PAGE_IDS") + frm
                   + " ORDER BY " + order + _expand(defs, "HEARING_PAGE_ROWS") + order,
                   *binds, limit, offset)
        plan = explain(mariadb, sql)
        inner = [(path, node["table"]) for path, node in _walk(plan)
                 if "materialized" in path and isinstance(node.get("table"), dict)]
        assert [t["table_name"] for _, t in inner if t["table_name"] in ("h", "c")] == ["h"], \
            json.dumps(plan, indent=1)
        h = [t for _, t in inner if t["table_name"] == "h"][0]
        assert h["key"] == HEARING_INDEX, json.dumps(plan, indent=1)
        assert h.get("using_index") is True, json.dumps(plan, indent=1)
        for name, t in tables(plan).items():
            assert t["access_type"] != "ALL" or name.startswith("<"), json.dumps(plan, indent=1)
        # mc_case: once, by its key, for the page's rows
        outer_c = [node["table"] for path, node in _walk(plan)
                   if "materialized" not in path and isinstance(node.get("table"), dict)
                   and node["table"].get("table_name") == "c"]
        assert len(outer_c) == 1 and outer_c[0]["access_type"] == "eq_ref", \
            json.dumps(plan, indent=1)
        old = bind("SELECT DATE_FORMAT(h.hearing_at, '%Y-%m-%d %H:%i'), c.number, c.caption, "
                   "h.hearing_type, h.location, COALESCE(j.name, '')" + HEARING_FROM_JOINED
                   + " ORDER BY " + joined_order + " LIMIT ? OFFSET ?", *binds, limit, offset)
        got = mariadb.sql(sql)
        assert len(got) == limit and got == mariadb.sql(old)


def test_hearings_count_from_the_covering_index(mariadb, hearings):
    """The count reads the index alone: no mc_case, and the same number as
    the statement that joined every hearing to its case."""
    frm = sql_of(SEARCH, "HEARING_FROM")
    binds = (hearings, "2031-03-03", "2031-03-09", "", "%%", "", "%")
    sql = bind("SELECT COUNT(*) FROM (SELECT 1" + frm + " LIMIT 501) t", *binds)  # count_sql
    t = tables(explain(mariadb, sql))
    assert "c" not in t, t
    h = t["h"]
    assert h["key"] == HEARING_INDEX and h.get("using_index") is True, h
    old = bind("SELECT COUNT(*) FROM (SELECT 1" + HEARING_FROM_JOINED + " LIMIT 501) t", *binds)
    assert mariadb.value(sql) == mariadb.value(old)


# The statement FOLDER_PAGE replaced (plugins/casetrack/mycases.c before
# issue 13's deferred join): the same rows in the same order.
FOLDER_PAGE_BEFORE = (
    "SELECT c.id, c.number, c.caption, co.name, c.last_activity, c.confidential, t.active, "
    "t.channel, t.frequency, COALESCE(m.note, '') FROM (SELECT case_id FROM mc_mycase WHERE "
    "account_id = ? UNION SELECT case_id FROM mc_track WHERE account_id = ? AND active = 1) f "
    "JOIN mc_case c ON c.id = f.case_id JOIN mc_court co ON co.code = c.court_code LEFT JOIN "
    "mc_mycase m ON m.account_id = ? AND m.case_id = c.id LEFT JOIN mc_track t ON "
    "t.account_id = ? AND t.case_id = c.id ORDER BY c.confidential, c.last_activity DESC, "
    "c.number LIMIT ? OFFSET ?")


def test_my_cases_page_joins_the_page_rows_only(mariadb, data, hearings):
    """The page's case ids are sorted from the folder's keys and the cases'
    rows; only those rows are joined to court, note and tracking."""
    acct = data["filer"]
    mariadb.sql("INSERT INTO mc_mycase (account_id, case_id, note, added_at) SELECT "
                f"{acct}, id, IF(id % 3 = 0, 'a note', ''), UTC_TIMESTAMP() FROM mc_case "
                f"WHERE court_code = {sql_quote(hearings)} ORDER BY id LIMIT 80")
    try:
        page = sql_of("plugins/casetrack/mycases.c", "FOLDER_PAGE")
        for limit, offset in ((26, 0), (25, 25), (25, 75)):
            sql = bind(page, acct, acct, limit, offset, acct, acct)
            got = mariadb.sql(sql)
            assert got and got == mariadb.sql(
                bind(FOLDER_PAGE_BEFORE, acct, acct, acct, acct, limit, offset))
            plan = explain(mariadb, sql)
            # (co, mc_court: the courts, a small table a join buffer may read whole)
            for name, t in tables(plan).items():
                assert t["access_type"] != "ALL" or name.startswith("<") or name == "co", \
                    json.dumps(plan, indent=1)
            outer = [n["table"] for p, n in _walk(plan) if "materialized" not in p
                     and isinstance(n.get("table"), dict) and n["table"].get("table_name") == "m"]
            assert outer and outer[0]["access_type"] == "eq_ref", json.dumps(plan, indent=1)
    finally:
        mariadb.sql(f"DELETE FROM mc_mycase WHERE account_id = {acct}")


@pytest.mark.parametrize("status", ["", "disabled"])
def test_group_members_count_without_names_reads_the_members_alone(mariadb, data, status):
    """No name asked: the count (SQL_COUNT_MEMBERS) reads mc_group_member
    alone (no account row per member), and counts what the count over
    SQL_WHERE counts. (Whether it reads the group's key or, in this small
    table of four groups, the whole table is the optimizer's choice.)"""
    gadmin = "plugins/groups/gadmin.c"
    g = data["members_group"]
    sql = bind(sql_of(gadmin, "SQL_COUNT_MEMBERS"), g, "", "1900-01-01", "", "1900-01-01",
               status, status)
    t = tables(explain(mariadb, sql))
    assert set(t) == {"m"}, t
    joined = bind("SELECT COUNT(*)" + sql_of(gadmin, "SQL_WHERE"), g, "", "1900-01-01", "",
                  "1900-01-01", "", "%", "", "%", status, status)
    assert mariadb.value(sql) == mariadb.value(joined) and int(mariadb.value(sql)) > 0
