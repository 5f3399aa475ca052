"""Every kind of dynamic page for `make bench` (issue 13): the data each
needs, written in bulk into the bench database, the URLs wrk rotates
through, and the check that each answers 200 with what it should show.

  name-common   /casenet/search/name, common surname prefixes (SMI, JOHNS...)
  name-rare     /casenet/search/name, surnames only a few parties have
  name-sounds   /casenet/search/name?sounds=1 ("sounds like")
  number        /casenet/search/number, cases across the database
  date          /casenet/search/date, the busiest filing days of court 21
  hearings      /casenet/search/hearings, a full week in the busiest courts
  judgments     /casenet/search/judgments, debtor name prefixes
  case          /casenet/case/99BN-CC00001, a case with 200 docket entries
  myaccount     /registration/myaccount
  mycases       /casenet/mycases, Manage My Case: 500 cases in the folder
  history       /casenet/history, Notification History: 10,000 notices
  members       /groups/admin/members, Group Maintenance: 2,000 members
  filings       /ecf/filings, My Filings: 1,000 envelopes
  clerk-queue   /ecf/clerk, the clerk's eFiling queue: 1,000 envelopes
  api-name      /api/v1/casenet/search/name, the JSON API's name search (common
                names), with bench.user's API token (issue 16)
  api-case      /api/v1/casenet/cases/99BN-CC00001, the JSON API's case (200
                docket entries)

The generated cases (bench/casenet.py's import) serve the searches; the rest
is the bench's own court "99" (prefix 99BN), its cases, one group and three
accounts (bench.user: My Account, Manage My Case, Notification History, My
Filings; bench.gadmin: the group's administrator; bench.clerk: clerk of
court 99). seed() removes what an earlier run left (cleanup(): the cached
database then holds the import again, as casenet.check_db expects) and
writes it all anew: a few seconds.
"""
import re
from dataclasses import dataclass, field

from harness.admin import create_user
from harness.mariadb import sql_quote

COURT = "99"
PREFIX = "99BN"
CASE = f"{PREFIX}-CC00001"          # the case page: 200 docket entries
DOCKET_ENTRIES = 200
FOLDER_CASES = 500                  # Manage My Case
NOTICES = 10000                     # Notification History
MEMBERS = 2000                      # Group Maintenance
ENVELOPES = 1000                    # My Filings and the clerk's queue
GROUP = "Bench Group (make bench)"
MEMBER = "bench-member-"
ENVELOPE_YEAR = "2099"              # EF2099-0000001...: no real submit makes these
HEARING_WEEK = ("2026-11-02", "2026-11-08")   # Monday to Sunday after the feed's base date

# Surnames no generated party has (bench/casenet.py's feed draws from
# mod_mocourts/admin/generate.c's list): two parties each, on the bench
# court's cases 2 to 11.
RARE = ["QUIMBLEY", "ZANDVOORT", "VUKOVICH", "UTTERBACK", "YBARRA", "IZZARD", "OYELARAN",
        "KWIATKOWSKI", "FAIRWEATHER", "DELACROIX"]
# "Sounds like": whole surnames (the index holds SOUNDEX(last_name)).
SOUNDS = ["SMITH", "JOHNSON", "WILLIAMS", "BROWN", "MILLER", "DAVIS", "WILSON", "MOORE",
          "TAYLOR", "ANDERSON", "THOMAS", "WHITE", "HARRIS", "MARTIN", "CLARK", "LEWIS",
          "ROBINSON", "WALKER", "MEYER", "SCHMIDT"]
DEBTORS = ["SMI", "JOHNS", "WILLIAM", "BRO", "MILL", "DAVI", "WILS", "MOOR", "TAYL", "ANDERS",
           "THOM", "WHIT", "HARR", "MART", "CLAR", "LEWI", "MIDLAND", "PORTFOLIO", "ACME", "OZARK"]

# The pages' keys, in the order they run (pages() below).
KEYS = ["name-common", "name-rare", "name-sounds", "number", "date", "hearings", "judgments",
        "case", "myaccount", "mycases", "history", "members", "filings", "clerk-queue",
        "api-name", "api-case"]

ACCOUNTS = {   # key -> (username, roles, scope)
    "user": ("bench.user", (), None),
    "gadmin": ("bench.gadmin", (), None),
    "clerk": ("bench.clerk", ("clerk",), COURT),
}
PASSWORD = "Bench-Pass-2024x"


class PagesError(Exception):
    pass


@dataclass
class Page:
    key: str
    label: str
    account: str = None        # ACCOUNTS key, None: anonymous
    paths: list = field(default_factory=list)    # wrk rotates through them
    marks: list = field(default_factory=list)    # per path: text the page must hold
    note: str = ""


def _q(v):
    return "NULL" if v is None else sql_quote(str(v))


def _ids(db, sql):
    return [r[0] for r in db.sql(sql)]


# ---- the data -------------------------------------------------------------------

def cleanup(db):
    """Remove every row seed() writes (the accounts stay: their sessions and
    passwords are the bench's; their group and role rows go)."""
    user = db.value("SELECT id FROM mc_account WHERE username = 'bench.user'")
    if user:
        db.sql(f"DELETE FROM mc_api_token WHERE account_id = {int(user)}")
    gadmin = db.value("SELECT id FROM mc_account WHERE username = 'bench.gadmin'")
    stmts = [
        f"DELETE d FROM mc_ef_document d JOIN mc_ef_envelope e ON e.id = d.envelope_id"
        f" WHERE e.court_code = '{COURT}'",
        f"DELETE FROM mc_ef_envelope WHERE court_code = '{COURT}'",
        f"DELETE FROM mc_ef_filing_code WHERE court_code = '{COURT}'",
        f"DELETE FROM mc_ef_case_type WHERE court_code = '{COURT}'",
        f"DELETE FROM mc_ef_court WHERE court_code = '{COURT}'",
        f"DELETE FROM mc_case WHERE court_code = '{COURT}'",
        f"DELETE FROM mc_judge WHERE court_code = '{COURT}'",
        f"DELETE FROM mc_court WHERE code = '{COURT}'",
        f"DELETE FROM mc_account WHERE username LIKE '{MEMBER}%'",
        f"DELETE FROM mc_group WHERE name = {_q(GROUP)}",
    ]
    if user:
        stmts += [f"DELETE FROM mc_outbox WHERE account_id = {int(user)}",
                  f"DELETE FROM mc_mycase WHERE account_id = {int(user)}"]
    if gadmin:
        stmts.append(f"DELETE FROM mc_account_role WHERE account_id = {int(gadmin)}"
                     " AND role = 'group_admin'")
    for s in stmts:
        db.sql(s, timeout=600)


def accounts(admin, db):
    """The three bench accounts (created once; kept in a cached database):
    {key: account id}."""
    out = {}
    for key, (username, roles, scope) in ACCOUNTS.items():
        acct_id = db.value(f"SELECT id FROM mc_account WHERE username = {_q(username)}")
        if not acct_id:
            acct_id = create_user(admin, db, username, f"{username}@example.test", PASSWORD,
                                  roles=roles, scope=scope).id
        out[key] = int(acct_id)
    return out


def seed(admin, db):
    """Write the bench court, its cases, the folder, the notices, the group
    and the envelopes. Returns the account ids."""
    cleanup(db)
    ids = accounts(admin, db)
    user, gadmin = ids["user"], ids["gadmin"]
    db.sql("INSERT IGNORE INTO mc_case_type (code, name) VALUES ('CC', 'Circuit Civil')")
    db.sql("INSERT INTO mc_court (code, circuit, county, name, case_prefix, efiling) VALUES "
           f"('{COURT}', 99, 'Bench County', 'Bench Circuit Court', '{PREFIX}', 1)")
    db.sql("INSERT INTO mc_judge (ref, court_code, name) VALUES "
           f"('J{COURT}-1', '{COURT}', 'Hon. Bench Judge')")
    judge = int(db.value(f"SELECT id FROM mc_judge WHERE ref = 'J{COURT}-1'"))

    # Case 1 (the case page) and cases 2-11 (the rare names).
    db.sql("INSERT INTO mc_case (number, court_code, case_type, caption, filed_on, status,"
           " judge_id, confidential, last_activity)"
           f" SELECT CONCAT('{PREFIX}-CC', LPAD(seq, 5, '0')), '{COURT}', 'CC',"
           f" IF(seq = 1, 'QUIMBLEY V DELACROIX', CONCAT('BENCH CASE ', seq)), '2020-01-06',"
           f" 'open', {judge}, 0, UTC_TIMESTAMP() FROM seq_1_to_{len(RARE) + 1}")
    case1 = int(db.value(f"SELECT id FROM mc_case WHERE number = '{CASE}'"))
    parties = []
    for i, last in enumerate(RARE):
        for j, (first, role) in enumerate((("ANNA", "plaintiff"), ("PIOTR", "defendant"))):
            number = f"{PREFIX}-CC{(i + 5 * j) % len(RARE) + 2:05d}"
            parties.append(f"((SELECT id FROM mc_case WHERE number = '{number}'), 'P{i}-{j}',"
                           f" 'person', '{role}', '{last}', '{first}', 'B', 1970 + {i},"
                           " 'ST LOUIS', 0)")
    db.sql("INSERT INTO mc_party (case_id, ref, kind, role, last_name, first_name,"
           " middle_name, birth_year, city, case_confidential) VALUES " + ", ".join(parties))
    db.sql("INSERT INTO mc_party (case_id, ref, kind, role, last_name, first_name, middle_name,"
           " birth_year, city, case_confidential) VALUES"
           f" ({case1}, 'P1', 'person', 'plaintiff', 'QUIMBLEY', 'ANNA', 'B', 1970, 'ST LOUIS', 0),"
           f" ({case1}, 'P2', 'person', 'defendant', 'DELACROIX', 'PIOTR', '', 1981, 'ROLLA', 0)")
    db.sql("INSERT INTO mc_case_attorney (case_id, ref, party_id, name, bar_number, firm)"
           f" SELECT {case1}, 'A1', id, 'JANE COUNSEL', '54321', 'COUNSEL LAW LLC' FROM mc_party"
           f" WHERE case_id = {case1} AND ref = 'P1'")
    db.sql("INSERT INTO mc_docket (case_id, ref, entry_date, entry_type, text, filed_by,"
           " created_at)"
           f" SELECT {case1}, CONCAT('bench-', seq), '2020-01-06' + INTERVAL seq DAY,"
           " IF(seq = 1, 'Petition Filed', 'Motion Filed'),"
           " CONCAT('Bench docket entry ', seq, ': filed and noted; copies to counsel of"
           " record.'), IF(seq % 3 = 0, 'CLERK', 'JANE COUNSEL'), UTC_TIMESTAMP()"
           f" FROM seq_1_to_{DOCKET_ENTRIES}")
    db.sql("INSERT INTO mc_hearing (case_id, court_code, ref, hearing_at, hearing_type, location,"
           " judge_id, case_number, case_confidential, case_judge_id) SELECT"
           f" {case1}, court_code, 'H1', '2026-11-20 09:30:00', 'Case Review', 'Division 1',"
           f" {judge}, number, confidential, judge_id FROM mc_case WHERE id = {case1} UNION ALL"
           f" SELECT {case1}, court_code, 'H2', '2026-12-18 13:00:00', 'Trial Setting',"
           " 'Division 1', NULL, number, confidential, judge_id"
           f" FROM mc_case WHERE id = {case1}")
    db.sql("INSERT INTO mc_judgment (case_id, ref, debtor, creditor, amount, entered_on,"
           f" satisfied) VALUES ({case1}, 'G1', 'DELACROIX, PIOTR', 'QUIMBLEY, ANNA',"
           " '12500.00', '2020-09-01', 0)")

    # Manage My Case: the newest 500 public generated cases (never the
    # first case, which the docket-entry part gives 100,000 trackers).
    db.sql("INSERT INTO mc_mycase (account_id, case_id, note, added_at)"
           f" SELECT {user}, id, IF(id % 4 = 0, 'Bench note: call the client.', ''),"
           f" UTC_TIMESTAMP() FROM mc_case WHERE confidential = 0 AND court_code <> '{COURT}'"
           f" ORDER BY id DESC LIMIT {FOLDER_CASES}")

    # Notification History: 10,000 notices, sent (some failed): never
    # 'queued', so no delivery run sends them.
    db.sql("INSERT INTO mc_outbox (account_id, channel, recipient, subject, body, kind,"
           " case_ref, status, attempts, queued_at, next_attempt_at, sent_at, last_error)"
           f" SELECT {user}, 'email', 'bench.user@example.test',"
           f" CONCAT('Case {CASE}: bench notice ', seq), 'A bench notice.', 'track-entry',"
           f" '{CASE}', IF(seq % 50 = 0, 'failed', 'sent'), 1,"
           f" UTC_TIMESTAMP() - INTERVAL ({NOTICES} + 1 - seq) MINUTE,"
           f" UTC_TIMESTAMP() - INTERVAL ({NOTICES} + 1 - seq) MINUTE,"
           f" IF(seq % 50 = 0, NULL, UTC_TIMESTAMP() - INTERVAL ({NOTICES} + 1 - seq) MINUTE"
           " + INTERVAL 2 SECOND), IF(seq % 50 = 0, '550 mailbox unavailable (bench)', NULL)"
           f" FROM seq_1_to_{NOTICES}", timeout=600)

    # Group Maintenance: a group of 2,000 members and its administrator.
    db.sql("INSERT INTO mc_group (name, kind, pin_hash, pin_changed_at, assoc_key, created_at)"
           f" VALUES ({_q(GROUP)}, 'firm', '!', UTC_TIMESTAMP(), 'benchgroupmakebench000',"
           " UTC_TIMESTAMP())")
    gid = int(db.value(f"SELECT id FROM mc_group WHERE name = {_q(GROUP)}"))
    db.sql("INSERT INTO mc_account (username, email, password_hash, status, email_verified,"
           " first_name, last_name, created_at)"
           f" SELECT CONCAT('{MEMBER}', LPAD(seq, 4, '0')),"
           f" CONCAT('{MEMBER}', LPAD(seq, 4, '0'), '@example.test'), '!', 'active', 0,"
           f" 'Member', CONCAT('Bench', seq), UTC_TIMESTAMP() FROM seq_1_to_{MEMBERS}",
           timeout=600)
    db.sql("INSERT INTO mc_group_member (account_id, group_id, is_admin, status, status_date,"
           " joined_at)"
           f" SELECT id, {gid}, 0, IF(id % 10 = 0, 'disabled', 'active'),"
           " UTC_TIMESTAMP() - INTERVAL CAST(SUBSTRING(username, 14) AS UNSIGNED) MINUTE,"
           f" UTC_TIMESTAMP() FROM mc_account WHERE username LIKE '{MEMBER}%'", timeout=600)
    db.sql("INSERT INTO mc_account_role (account_id, role, scope, granted_at)"
           f" SELECT id, 'group_user', '{gid}', UTC_TIMESTAMP() FROM mc_account"
           f" WHERE username LIKE '{MEMBER}%'", timeout=600)
    db.sql("INSERT INTO mc_group_member (account_id, group_id, is_admin, status, status_date,"
           f" joined_at) VALUES ({gadmin}, {gid}, 1, 'active', UTC_TIMESTAMP(),"
           " UTC_TIMESTAMP());"
           "INSERT INTO mc_account_role (account_id, role, scope, granted_at) VALUES"
           f" ({gadmin}, 'group_admin', '{gid}', UTC_TIMESTAMP())")

    # My Filings and the clerk's queue: 1,000 envelopes of bench.user in
    # court 99, submitted (every tenth under review), one document each.
    db.sql("INSERT INTO mc_ef_court (court_code, max_doc_bytes, text_pdf_only, updated_at)"
           f" VALUES ('{COURT}', 26214400, 0, UTC_TIMESTAMP());"
           f"INSERT INTO mc_ef_case_type (court_code, case_type) VALUES ('{COURT}', 'CC');"
           "INSERT INTO mc_ef_filing_code (court_code, code, name, fee_cents, initiating)"
           f" VALUES ('{COURT}', 'PET', 'Petition', 9500, 1)")
    code = int(db.value(f"SELECT id FROM mc_ef_filing_code WHERE court_code = '{COURT}'"))
    db.sql("INSERT INTO mc_ef_envelope (number, account_id, court_code, kind, case_id,"
           " case_type, caption, status, step, fee_cents, payment, payment_ref, created_at,"
           " updated_at, submitted_at)"
           f" SELECT CONCAT('EF{ENVELOPE_YEAR}-', LPAD(seq, 7, '0')), {user}, '{COURT}',"
           f" IF(seq % 2, 'new', 'existing'), IF(seq % 2, NULL, {case1}),"
           " IF(seq % 2, 'CC', NULL), IF(seq % 2, CONCAT('BENCH FILER V RESPONDENT ', seq), ''),"
           " IF(seq % 10 = 0, 'review', 'submitted'), 'review', 9500, 'court_account',"
           " CONCAT('BENCH-', seq),"
           f" UTC_TIMESTAMP() - INTERVAL ({ENVELOPES} + 1 - seq) MINUTE,"
           f" UTC_TIMESTAMP() - INTERVAL ({ENVELOPES} + 1 - seq) MINUTE,"
           f" UTC_TIMESTAMP() - INTERVAL ({ENVELOPES} + 1 - seq) MINUTE"
           f" FROM seq_1_to_{ENVELOPES}", timeout=600)
    db.sql("INSERT INTO mc_ef_document (envelope_id, is_lead, filing_code_id, client_name,"
           " bytes, sha256, stored_name, created_at)"
           f" SELECT id, 1, {code}, 'petition.pdf', 48213, SHA2(id, 256), CONCAT('bench-', id),"
           f" created_at FROM mc_ef_envelope WHERE court_code = '{COURT}'", timeout=600)
    db.sql("ANALYZE TABLE mc_outbox, mc_mycase, mc_group_member, mc_ef_envelope,"
           " mc_ef_document, mc_docket, mc_account", timeout=600)
    return ids


# ---- the pages ------------------------------------------------------------------

def pages(db, names):
    """The page list (Page objects) for the data in db; names: the common
    name searches (bench/casenet.py's SEARCHES)."""
    out = []
    out.append(Page("name-common", "name search, common names", None,
                    [f"/casenet/search/name?{q}" for q in names],
                    ["/casenet/case/" if "&" not in q else "found" for q in names],
                    f"{len(names)} prefixes (SMI, JOHNS, ...)"))
    out.append(Page("name-rare", "name search, rare names", None,
                    [f"/casenet/search/name?last={n[:5]}" for n in RARE],
                    [f"{n}, ANNA" for n in RARE], f"{len(RARE)} surnames, 2 parties each"))
    out.append(Page("name-sounds", 'name search, "sounds like"', None,
                    [f"/casenet/search/name?last={n}&sounds=1" for n in SOUNDS],
                    ["/casenet/case/"] * len(SOUNDS), f"{len(SOUNDS)} surnames"))
    numbers = _ids(db, "SELECT number FROM mc_case WHERE confidential = 0 AND court_code <> "
                       f"'{COURT}' AND id % 97 = 5 ORDER BY id LIMIT 50")
    out.append(Page("number", "case number search", None,
                    [f"/casenet/search/number?number={n}" for n in numbers],
                    [f"/casenet/case/{n}" for n in numbers], f"{len(numbers)} numbers"))
    days = db.sql("SELECT court_code, filed_on FROM mc_case WHERE court_code = '21' AND"
                  " confidential = 0 GROUP BY court_code, filed_on ORDER BY COUNT(*) DESC,"
                  " filed_on LIMIT 20")
    out.append(Page("date", "filing date search", None,
                    [f"/casenet/search/date?court={c}&date={d}" for c, d in days],
                    ["/casenet/case/"] * len(days),
                    f"court 21, its {len(days)} busiest days"))
    frm, to = HEARING_WEEK
    courts = db.sql("SELECT c.court_code, COUNT(*) FROM mc_hearing h JOIN mc_case c ON"
                    f" c.id = h.case_id WHERE h.hearing_at >= '{frm}' AND h.hearing_at <"
                    f" '{to}' + INTERVAL 1 DAY AND c.confidential = 0 AND c.court_code <>"
                    f" '{COURT}' GROUP BY c.court_code ORDER BY COUNT(*) DESC LIMIT 5")
    out.append(Page("hearings", "hearings search, a full week", None,
                    [f"/casenet/search/hearings?court={c}&from={frm}&to={to}" for c, _ in courts],
                    ["/casenet/case/"] * len(courts),
                    f"{frm} to {to}, courts " + ", ".join(f"{c} ({n})" for c, n in courts)))
    # (A small database has no judgment against some of them.)
    debtors = [n for n in DEBTORS if db.value(
        "SELECT 1 FROM mc_judgment g JOIN mc_case c ON c.id = g.case_id WHERE g.debtor LIKE"
        f" '{n}%' AND c.confidential = 0 LIMIT 1")]
    out.append(Page("judgments", "judgment index search", None,
                    [f"/casenet/search/judgments?party=debtor&name={n}" for n in debtors],
                    ["/casenet/case/"] * len(debtors), f"{len(debtors)} debtor prefixes"))
    out.append(Page("case", f"case page, {DOCKET_ENTRIES} docket entries", None,
                    [f"/casenet/case/{CASE}"],
                    [f"Bench docket entry {DOCKET_ENTRIES}:|Bench docket entry 1:"], CASE))
    out.append(Page("myaccount", "My Account", "user", ["/registration/myaccount"],
                    ["bench.user"]))
    user = int(db.value("SELECT id FROM mc_account WHERE username = 'bench.user'"))
    first = db.value("SELECT c.number FROM mc_mycase m JOIN mc_case c ON c.id = m.case_id"
                     f" WHERE m.account_id = {user} ORDER BY c.confidential, c.last_activity"
                     " DESC, c.number LIMIT 1")
    out.append(Page("mycases", f"Manage My Case, {FOLDER_CASES} cases", "user",
                    ["/casenet/mycases"], [f"/casenet/mycases/{first}"]))
    out.append(Page("history", f"Notification History, {NOTICES:,} notices", "user",
                    ["/casenet/history"], [f"bench notice {NOTICES}<"]))
    gid = db.value(f"SELECT id FROM mc_group WHERE name = {_q(GROUP)}")
    top = db.value("SELECT a.username FROM mc_group_member m JOIN mc_account a ON"
                   f" a.id = m.account_id WHERE m.group_id = {int(gid)} AND m.is_admin = 0"
                   " ORDER BY m.status_date DESC, a.id DESC LIMIT 1")
    out.append(Page("members", f"Group Maintenance, {MEMBERS:,} members", "gadmin",
                    ["/groups/admin/members"], [f">{top}<"]))
    newest = db.value(f"SELECT number FROM mc_ef_envelope WHERE account_id = {user}"
                      " ORDER BY updated_at DESC, id DESC LIMIT 1")
    out.append(Page("filings", f"My Filings, {ENVELOPES:,} envelopes", "user",
                    ["/ecf/filings"], [f">{newest}<"]))
    oldest = db.value(f"SELECT number FROM mc_ef_envelope WHERE court_code = '{COURT}' AND"
                      " status IN ('submitted', 'review') ORDER BY submitted_at, id LIMIT 1")
    out.append(Page("clerk-queue", f"clerk's queue, {ENVELOPES:,} envelopes", "clerk",
                    ["/ecf/clerk"], [f">{oldest}<"]))
    api = "/api/v1/casenet"
    out.append(Page("api-name", "API: name search, common names", "api",
                    [f"{api}/search/name?{q}" for q in names],
                    ['"case_number"' if "&" not in q else '"items"' for q in names],
                    "JSON, Bearer token"))
    out.append(Page("api-case", f"API: case, {DOCKET_ENTRIES} docket entries", "api",
                    [f"{api}/cases/{CASE}"],
                    [f"Bench docket entry {DOCKET_ENTRIES}:|Bench docket entry 1:"], CASE))
    if [p.key for p in out] != KEYS:
        raise PagesError("bench/pages.py: KEYS and pages() disagree")
    for p in out:
        if not p.paths:
            raise PagesError(f"{p.key}: the database gives no URL to measure (no data?)")
    return out


def check(session, apache, page, cookie=None):
    """Every URL of page answers 200 with its mark (a page of results, not
    the form again, an error or the logon page); PagesError if not.
    Returns the mean size of the answers in bytes."""
    sizes = []
    headers = dict([credential_header(cookie)]) if cookie else {}
    for path, mark in zip(page.paths, page.marks):
        r = session.get(apache.url(path), headers=headers, allow_redirects=False, timeout=120)
        if r.status_code != 200:
            raise PagesError(f"{page.key}: {path} answered {r.status_code}"
                             + (f" (to {r.headers.get('Location')})" if r.is_redirect else ""))
        text = r.text
        if "captcha" in text.lower() and "/search/" in path:
            raise PagesError(f"{page.key}: {path} asked for the CAPTCHA: is the rate limit Off?")
        for m in mark.split("|"):
            if m not in text:
                raise PagesError(f"{page.key}: {path} answered 200 without {m!r}: not the "
                                 f"page to measure:\n{_text_of(text)[:1500]}")
        sizes.append(len(r.content))
    return sum(sizes) / len(sizes)


def credential_header(cred):
    """(name, value) of the header carrying cred: a session's cookie, or an
    API token given as "Bearer mct_..."."""
    if cred.startswith("Bearer "):
        return ("Authorization", cred)
    return ("Cookie", cred)


def api_token(db, username, scopes="casenet:read"):
    """A JSON API token of the account, stored as the API tokens page
    stores it (its SHA-256); as "Bearer ..."."""
    import hashlib
    import secrets
    token = "mct_" + secrets.token_urlsafe(32)
    db.sql("INSERT INTO mc_api_token (account_id, name, token_hash, prefix, scopes, created_at,"
           " expires_at) SELECT id, 'make bench', "
           f"{_q(hashlib.sha256(token.encode()).hexdigest())}, {_q(token[:12])}, {_q(scopes)},"
           f" UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL 1 DAY FROM mc_account"
           f" WHERE username = {_q(username)}")
    return "Bearer " + token


def _text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def write_paths(page, path):
    """The file bench/search.lua reads: one URL path a line."""
    with open(path, "w") as f:
        f.write("\n".join(page.paths) + "\n")
    return path
