"""Case.net: each hearing's copies of its case's court, number, confidential
flag and judge (sql/casetrack/0005_hearing_case_copies.sql), which the
Scheduled Hearings search counts, filters and sorts from without reading the
case (issue 13). The copies are written with the hearing and follow every
change of its case in the same transaction: the clerk's hearing form and
confidential toggle, the feed import. A case made confidential has its hearings gone
from the search at once, and back when it is public again."""
import html as htmllib
import re
import secrets
from urllib.parse import urlencode

from harness import web
from harness.util import REPO
from helpers_casenet import CASENET, seed_case, seed_court, seed_judge, unique_tag
from helpers_core import account_browser, module_site

ap = module_site("cthcopies", {"MoCourtsCaseNetSearchLimit": "Off",
                               "MoCourtsNewDeviceCode": "Off"})

NS = "urn:mocourts:casenet-feed:1"
COPIES = ("SELECT court_code, case_number, case_confidential, IFNULL(case_judge_id, '') "
          "FROM mc_hearing WHERE id = {}")


def q(s):
    return "'" + str(s).replace("\\", "\\\\").replace("'", "\\'") + "'"


def plain(page):
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def hearings_found(http, ap, court, frm, to, **extra):
    """(the count the page shows, the case numbers of its rows)."""
    params = dict({"court": court, "from": frm, "to": to}, **extra)
    r = http.get(ap.url(f"{CASENET}/search/hearings") + "?" + urlencode(params), timeout=30)
    assert r.status_code == 200, r.text[:2000]
    m = re.search(r"(\d+) hearing\(s\) found\.", r.text)
    numbers = re.findall(r'href="[^"]*/case/([^"/?]+)"', r.text)
    return (int(m.group(1)) if m else 0), numbers


def copies(mariadb, hearing_id):
    return list(mariadb.sql(COPIES.format(int(hearing_id)))[0])


def schedule(s, ap, number, date, time):
    """The clerk's hearing form, without a judge of its own."""
    r = s.get(ap.url(f"{CASENET}/clerk/case/{number}"), timeout=30)
    assert r.status_code == 200, r.text[:1500]
    r = web.submit(s, r, {"h_date": date, "h_time": time, "h_type": "Case Review",
                          "h_location": "Division 3", "h_judge": ""},
                   action_contains="/hearing", timeout=30)
    assert r.status_code == 200 and "Hearing scheduled" in plain(r.text), plain(r.text)[:1500]


def test_clerk_confidential_hides_the_hearings_at_once(ap, mariadb, new_account, smtp, http):
    """The clerk schedules a hearing (the form), then marks the case
    confidential: the Scheduled Hearings search no longer finds it, not
    even in the count, at once; public again, it is found again. The
    case's judge stands for a hearing without one (filter by judge)."""
    court = seed_court(mariadb)
    tag = unique_tag()
    judge = seed_judge(mariadb, court, f"Hon. {tag} Case Judge")
    case_id, number = seed_case(mariadb, court, caption=f"{tag} V SEALED", judge_id=judge)
    _, public_number = seed_case(mariadb, court, caption=f"{tag} V OPEN")
    s, _ = account_browser(ap, new_account, smtp, ["clerk"], court["code"], prefix="clerk")
    schedule(s, ap, number, "2099-03-04", "09:30")
    schedule(s, ap, public_number, "2099-03-05", "10:00")
    hid = int(mariadb.value(f"SELECT id FROM mc_hearing WHERE case_id = {case_id}"))
    assert copies(mariadb, hid) == [court["code"], number, "0", str(judge)]
    week = (court["code"], "2099-03-02", "2099-03-08")
    assert hearings_found(http, ap, *week) == (2, [number, public_number])
    assert hearings_found(http, ap, *week, judge=f"{tag} case judge") == (1, [number])
    assert hearings_found(http, ap, *week, sort="case", dir="desc")[1] == \
        sorted([number, public_number], reverse=True)

    page = s.get(ap.url(f"{CASENET}/clerk/case/{number}"), timeout=30)
    r = web.submit(s, page, {"c_on": "1", "c_confirm": "1"}, action_contains="/confidential",
                   timeout=30)
    assert r.status_code == 200 and "The case is now confidential" in plain(r.text)
    assert copies(mariadb, hid)[2] == "1"
    assert hearings_found(http, ap, *week) == (1, [public_number])
    assert hearings_found(http, ap, *week, judge=f"{tag} case judge") == (0, [])

    r = web.submit(s, r, {"c_on": "0", "c_confirm": "1"}, action_contains="/confidential",
                   timeout=30)
    assert "The case is no longer confidential" in plain(r.text)
    assert hearings_found(http, ap, *week) == (2, [number, public_number])


def write_feed(path, body):
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                    f'<casenet-feed xmlns="{NS}">\n{body}</casenet-feed>\n', encoding="utf-8")
    return path


def test_import_that_makes_a_case_confidential_hides_its_hearings(ap, admin, mariadb, http,
                                                                  tmp_path):
    """A feed that makes an existing case confidential (its hearing itself
    unchanged) takes the hearing out of the search in the same import; a
    new judge of the case is the judge of its hearings without one."""
    while True:
        code = unique_tag(6)
        prefix = f"{secrets.randbelow(90) + 10}{unique_tag(2)}"
        if mariadb.value(f"SELECT COUNT(*) FROM mc_court WHERE code = {q(code)} OR "
                         f"case_prefix = {q(prefix)}") == "0":
            break
    number = f"{prefix}-CC00001"
    head = ('<case-type code="CC" name="Circuit Civil"/>\n'
            f'<court code="{code}" circuit="7" county="C" name="N {code}" '
            f'case-prefix="{prefix}"/>\n'
            f'<judge id="{code}-J1" court="{code}" name="Hon. {code} One"/>\n'
            f'<judge id="{code}-J2" court="{code}" name="Hon. {code} Two"/>\n')

    def case(conf, judge):
        return (f'<case number="{number}" court="{code}" type="CC" filed="2026-01-05" '
                f'judge="{judge}" confidential="{conf}"><caption>{code} V ACME</caption>'
                '<hearing id="1" at="2099-04-06T09:00" type="Trial" location="Division 1"/>'
                "</case>\n")

    feed = tmp_path / "feed.xml"
    week = (code, "2099-04-05", "2099-04-11")
    admin.run("import", write_feed(feed, head + case("no", f"{code}-J1")))
    assert hearings_found(http, ap, *week) == (1, [number])
    assert hearings_found(http, ap, *week, judge=f"{code} one") == (1, [number])
    admin.run("import", write_feed(feed, head + case("no", f"{code}-J2")))
    assert hearings_found(http, ap, *week, judge=f"{code} one") == (0, [])
    assert hearings_found(http, ap, *week, judge=f"{code} two") == (1, [number])
    admin.run("import", write_feed(feed, head + case("yes", f"{code}-J2")))
    assert mariadb.value(f"SELECT confidential FROM mc_case WHERE number = {q(number)}") == "1"
    assert hearings_found(http, ap, *week) == (0, [])
    admin.run("import", write_feed(feed, head + case("no", f"{code}-J2")))
    assert hearings_found(http, ap, *week) == (1, [number])


def test_the_migration_runs_again_after_a_run_cut_short(ap, mariadb):
    """MariaDB's DDL is not transactional: a 0005 cut short (a statement over
    MoCourtsDBTimeout on a large table) is left partly applied and not
    recorded, and migrate runs the file again from its start. Every
    statement of it must then succeed and change nothing."""
    sql = (REPO / "sql/casetrack/0005_hearing_case_copies.sql").read_text()
    shape = ("SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, IFNULL(COLUMN_DEFAULT, '') FROM "
             "information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND "
             "TABLE_NAME = 'mc_hearing' ORDER BY ORDINAL_POSITION; "
             "SELECT INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME FROM information_schema.STATISTICS "
             "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'mc_hearing' "
             "ORDER BY INDEX_NAME, SEQ_IN_INDEX")
    before = mariadb.sql(shape)
    assert ("mc_hearing_public_cover", "1", "court_code") in before
    assert not any(row[0] == "mc_hearing_court_cover" for row in before)
    mariadb.sql(sql)
    assert mariadb.sql(shape) == before
