"""Court data for the Case.net tests, written straight into the database
(sql/casetrack/0001_init.sql), so a test states exactly the data its answer
depends on. Every name a test makes carries its own unique tag, so tests can
share the session's database without seeing each other's rows.

    tag = unique_tag()                      # e.g. "QX7K" (letters only)
    court = seed_court(mariadb)             # a new court with its own prefix
    case_id, number = seed_case(mariadb, court, caption=f"{tag} V ACME")
    seed_party(mariadb, case_id, last=f"{tag}SMITH", first="JOHN")
    seed_docket(mariadb, case_id, "2026-01-05", "Petition Filed", "text")
"""
import itertools
import secrets
import string

from harness.mariadb import SQLError, sql_quote

CASENET = "/casenet"

_letters = string.ascii_uppercase
_counter = itertools.count(1)


def unique_tag(n=6):
    """Upper-case letters only (a name prefix no other test shares)."""
    return "".join(secrets.choice(_letters) for _ in range(n))


def _q(v):
    return "NULL" if v is None else sql_quote(str(v))


# What every writer of searchable court data runs after its writes (the
# import, the clerk pages, mc_case_set_confidential: MC_CASE_SEARCH_CHANGED in
# mod_mocourts/lib/mc_case.h): the processes' cached search results become
# stale (plugins/casetrack/search_cache.c).
SEARCH_CHANGED = "UPDATE mc_ct_generation SET gen = gen + 1 WHERE id = 1"


def search_changed(mariadb):
    mariadb.sql(SEARCH_CHANGED)


def ensure_case_types(mariadb):
    mariadb.sql(
        "INSERT IGNORE INTO mc_case_type (code, name) VALUES "
        "('CC','Circuit Civil'),('AC','Associate Civil'),('CR','Criminal'),"
        "('DR','Domestic Relations'),('PR','Probate'),('SC','Small Claims')")


def seed_court(mariadb, code=None, prefix=None, name=None, efiling=True, circuit=None):
    """A new court; returns its dict (code, prefix, name). The code is the
    clerk role's scope."""
    ensure_case_types(mariadb)
    n = next(_counter)
    chosen = prefix is not None
    # A random prefix (90 x 676 of them) may already be taken by another
    # test's court in the session's database: pick again until one is free.
    for _ in range(50):
        if not chosen:
            prefix = f"{secrets.randbelow(90) + 10}" + unique_tag(2)
        c = code or prefix
        nm = name or f"Circuit Court {prefix} {unique_tag(4)}"
        try:
            mariadb.sql(
                "INSERT INTO mc_court (code, circuit, county, name, case_prefix, efiling) VALUES "
                f"({_q(c)}, {int(circuit or n % 46 + 1)}, 'Test County', {_q(nm)}, {_q(prefix)}, "
                f"{1 if efiling else 0});" + SEARCH_CHANGED)
        except SQLError as e:
            if chosen or "Duplicate entry" not in str(e):
                raise
            continue
        return {"code": c, "prefix": prefix, "name": nm}
    raise RuntimeError("no free court prefix after 50 tries")


def seed_judge(mariadb, court, name):
    ref = "J-" + unique_tag(8)
    mariadb.sql(f"INSERT INTO mc_judge (ref, court_code, name) VALUES "
                f"({_q(ref)}, {_q(court['code'])}, {_q(name)});" + SEARCH_CHANGED)
    return int(mariadb.value(f"SELECT id FROM mc_judge WHERE ref = {_q(ref)}"))


_case_seq = itertools.count(secrets.randbelow(50000) + 1)


def seed_case(mariadb, court, caption="STATE V DOE", case_type="CC", filed_on="2026-01-05",
              status="open", confidential=False, judge_id=None, number=None):
    """A case of court; returns (id, number)."""
    number = number or f"{court['prefix']}-{case_type}{next(_case_seq) % 100000:05d}"
    mariadb.sql(
        "INSERT INTO mc_case (number, court_code, case_type, caption, filed_on, status, "
        "judge_id, confidential, last_activity) VALUES "
        f"({_q(number)}, {_q(court['code'])}, {_q(case_type)}, {_q(caption)}, {_q(filed_on)}, "
        f"{_q(status)}, {_q(judge_id)}, {1 if confidential else 0}, UTC_TIMESTAMP());"
        + SEARCH_CHANGED)
    return int(mariadb.value(f"SELECT id FROM mc_case WHERE number = {_q(number)}")), number


def seed_party(mariadb, case_id, last, first="", middle="", role="plaintiff", kind="person",
               birth_year=None, city=""):
    ref = "P-" + unique_tag(8)
    mariadb.sql(
        "INSERT INTO mc_party (case_id, ref, kind, role, last_name, first_name, middle_name, "
        f"birth_year, city, case_confidential) SELECT {int(case_id)}, {_q(ref)}, {_q(kind)}, "
        f"{_q(role)}, {_q(last)}, {_q(first)}, {_q(middle)}, {_q(birth_year)}, {_q(city)}, "
        f"confidential FROM mc_case WHERE id = {int(case_id)};" + SEARCH_CHANGED)
    return int(mariadb.value(f"SELECT id FROM mc_party WHERE case_id = {int(case_id)} "
                             f"AND ref = {_q(ref)}"))


def set_confidential(mariadb, case_id, on=True):
    """What mc_case_set_confidential and the clerk's toggle do to the data
    (without the effect on trackings): the case's flag and its parties' and
    hearings' copies of it."""
    mariadb.sql(f"UPDATE mc_case SET confidential = {1 if on else 0} WHERE id = {int(case_id)};"
                f"UPDATE mc_party SET case_confidential = {1 if on else 0} "
                f"WHERE case_id = {int(case_id)};"
                f"UPDATE mc_hearing SET case_confidential = {1 if on else 0} "
                f"WHERE case_id = {int(case_id)};" + SEARCH_CHANGED)


def seed_attorney(mariadb, case_id, name, party_id=None, bar_number="", firm=""):
    ref = "A-" + unique_tag(8)
    mariadb.sql(
        "INSERT INTO mc_case_attorney (case_id, ref, party_id, name, bar_number, firm) VALUES "
        f"({int(case_id)}, {_q(ref)}, {_q(party_id)}, {_q(name)}, {_q(bar_number)}, {_q(firm)})")


def seed_docket(mariadb, case_id, entry_date, entry_type, text, filed_by=""):
    """A docket entry written directly (no notices: use the clerk page or
    mc_case_docket_add for those)."""
    mariadb.sql(
        "INSERT INTO mc_docket (case_id, entry_date, entry_type, text, filed_by, created_at) "
        f"VALUES ({int(case_id)}, {_q(entry_date)}, {_q(entry_type)}, {_q(text)}, "
        f"{_q(filed_by)}, UTC_TIMESTAMP())")


def seed_hearing(mariadb, case_id, hearing_at, hearing_type="Case Review", location="Division 1",
                 judge_id=None):
    """hearing_at: 'YYYY-MM-DD HH:MM:SS'. Returns the id."""
    ref = "H-" + unique_tag(8)
    mariadb.sql(
        "INSERT INTO mc_hearing (case_id, court_code, case_number, case_confidential, "
        "case_judge_id, ref, hearing_at, hearing_type, location, judge_id) SELECT id, "
        f"court_code, number, confidential, judge_id, {_q(ref)}, {_q(hearing_at)}, "
        f"{_q(hearing_type)}, {_q(location)}, {_q(judge_id)} FROM mc_case "
        f"WHERE id = {int(case_id)};" + SEARCH_CHANGED)
    return int(mariadb.value(f"SELECT id FROM mc_hearing WHERE ref = {_q(ref)}"))


def seed_judgment(mariadb, case_id, debtor, creditor, amount="1000.00", entered_on="2026-02-01",
                  satisfied=False):
    ref = "G-" + unique_tag(8)
    mariadb.sql(
        "INSERT INTO mc_judgment (case_id, ref, debtor, creditor, amount, entered_on, satisfied) "
        f"VALUES ({int(case_id)}, {_q(ref)}, {_q(debtor)}, {_q(creditor)}, {_q(amount)}, "
        f"{_q(entered_on)}, {1 if satisfied else 0});" + SEARCH_CHANGED)
