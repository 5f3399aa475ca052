"""Case.net: `mocourts-admin import FILE.xml` (docs/casenet-feed.xsd) and
`mocourts-admin generate`.

Hand-written feeds use a court of their own (a unique code and case
prefix), so they share the session's database with the other tests; the
generated feed uses the generator's fixed Missouri courts ("22", "21"...),
which no other test uses."""
import os
import secrets
import subprocess
from pathlib import Path

from harness import util
from helpers_casenet import unique_tag

NS = "urn:mocourts:casenet-feed:1"
XSD = util.REPO / "docs" / "casenet-feed.xsd"
TIME = "/usr/bin/time"
COURT_TABLES = ["mc_court", "mc_case_type", "mc_judge", "mc_case", "mc_party",
                "mc_case_attorney", "mc_docket", "mc_hearing", "mc_judgment"]
TYPES = ('<case-type code="CC" name="Circuit Civil"/>\n'
         '<case-type code="AC" name="Associate Civil"/>\n')


def q(s):
    return "'" + str(s).replace("\\", "\\\\").replace("'", "\\'") + "'"


def new_court(mariadb):
    """A court code and a case prefix nobody uses yet."""
    while True:
        tag = unique_tag(6)
        prefix = f"{secrets.randbelow(90) + 10}{unique_tag(2)}"
        if mariadb.value(f"SELECT COUNT(*) FROM mc_court WHERE code = {q(tag)} OR "
                         f"case_prefix = {q(prefix)}") == "0":
            return tag, prefix


def write_feed(path, body):
    """body's lines go after line 2 (the XML declaration, then the root)."""
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                    f'<casenet-feed xmlns="{NS}">\n{body}</casenet-feed>\n', encoding="utf-8")
    return path


def fingerprint(mariadb):
    """Every court-data table's checksum, and the outbox's size. mc_party is
    compared by content: CHECKSUM TABLE of a table with a PERSISTENT
    generated column (last_soundex) was seen to change in MariaDB 10.11
    with no row written (Handler_update unchanged)."""
    sums = {}
    for t in COURT_TABLES:
        if t == "mc_party":
            sums[t] = mariadb.value(
                "SELECT CONCAT(COUNT(*), '/', BIT_XOR(CRC32(CONCAT_WS('|', id, case_id, ref, kind, "
                "role, last_name, first_name, middle_name, IFNULL(birth_year, '-'), city)))) "
                "FROM mc_party")
        else:
            sums[t] = mariadb.sql(f"CHECKSUM TABLE {t}")[0][1]
    sums["mc_outbox"] = mariadb.value("SELECT CONCAT(COUNT(*), '/', IFNULL(MAX(id), 0)) "
                                      "FROM mc_outbox")
    return sums


def max_rss_kb(admin, *args):
    """Run the admin tool under GNU time; (CompletedProcess, max RSS in KB)."""
    out = Path(os.environ.get("TMPDIR", "/tmp")) / f"rss-{secrets.token_hex(4)}"
    cmd = [TIME, "-f", "%M", "-o", str(out), str(admin.binary), "-c", str(admin.conf)]
    r = subprocess.run(cmd + [str(a) for a in args], capture_output=True, text=True,
                       timeout=120, stdin=subprocess.DEVNULL)
    try:
        kb = int(out.read_text().strip().splitlines()[-1])
    finally:
        out.unlink(missing_ok=True)
    return r, kb


def known_feed(code, prefix, judge):
    return (TYPES +
            f'<court code="{code}" circuit="45" county="Test County" '
            f'name="45th Judicial Circuit \u2013 {code}" case-prefix="{prefix}" efiling="yes"/>\n'
            f'<judge id="{judge}" court="{code}" name="Hon. Jane Roe"/>\n'
            f'<case number="{prefix}-CC01234" court="{code}" type="CC" filed="2025-03-04" '
            f'status="open" judge="{judge}" confidential="no">\n'
            f'  <caption>{code} SMITH V JONES &amp; ACME</caption>\n'
            '  <party id="1" role="plaintiff" kind="person" last="SMITH" first="JOHN" '
            'middle="A" birth-year="1970" city="ST LOUIS"/>\n'
            '  <party id="2" role="defendant" kind="business" name="ACME INC" city="KANSAS CITY"/>\n'
            '  <attorney id="1" party="1" name="JANE LAWYER" bar="12345" firm="LAWYER LLC"/>\n'
            '  <docket id="1" date="2025-03-04" type="Petition Filed" filed-by="JANE LAWYER">'
            'Petition filed.</docket>\n'
            '  <docket id="2" date="2025-05-20" type="Order">Order entered.\nSecond line.</docket>\n'
            f'  <hearing id="1" at="2025-04-01T09:00" type="Case Review" location="Division 1" '
            f'judge="{judge}"/>\n'
            '  <judgment id="1" debtor="JONES, ROBERT" creditor="SMITH, JOHN" amount="1234.5" '
            'entered="2025-06-01" satisfied="yes"/>\n'
            '</case>\n'
            f'<case number="{prefix}-AC00007" court="{code}" type="AC" filed="2024-12-31" '
            'status="disposed" confidential="yes"><caption>IN RE DOE</caption></case>\n')


def test_import_known_rows_then_idempotent(admin, mariadb, tmp_path):
    code, prefix = new_court(mariadb)
    judge = f"J-{code}-1"
    feed = write_feed(tmp_path / "known.xml", known_feed(code, prefix, judge))
    r = admin.run("import", feed)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert r.stdout == (
        "imported 2 cases (2 new), 2 parties (2 new), 1 attorneys (1 new), 2 docket entries "
        "(2 new), 1 hearings (1 new), 1 judgments (1 new), 1 courts (1 new), 2 case types "
        f"({r.stdout.split('case types (')[1].split(' new')[0]} new), 1 judges (1 new); "
        "0 bad records\n")

    assert mariadb.sql(f"SELECT circuit, county, name, case_prefix, efiling FROM mc_court "
                       f"WHERE code = {q(code)}") == [
        ("45", "Test County", f"45th Judicial Circuit \u2013 {code}", prefix, "1")]
    assert mariadb.sql(f"SELECT court_code, name FROM mc_judge WHERE ref = {q(judge)}") == [
        (code, "Hon. Jane Roe")]
    # Each hearing carries its case's court (the hearings search's index).
    assert mariadb.sql("SELECT h.court_code FROM mc_hearing h JOIN mc_case c ON c.id = h.case_id "
                       f"WHERE c.court_code = {q(code)}") == [(code,)]
    assert mariadb.sql(
        "SELECT c.number, c.court_code, c.case_type, c.caption, c.filed_on, c.status, j.ref, "
        "c.confidential, c.last_activity FROM mc_case c LEFT JOIN mc_judge j ON j.id = c.judge_id "
        f"WHERE c.court_code = {q(code)} ORDER BY c.number") == [
        (f"{prefix}-AC00007", code, "AC", "IN RE DOE", "2024-12-31", "disposed", None, "1",
         "2024-12-31 00:00:00"),
        (f"{prefix}-CC01234", code, "CC", f"{code} SMITH V JONES & ACME", "2025-03-04", "open",
         judge, "0", "2025-05-20 00:00:00")]
    case = f"(SELECT id FROM mc_case WHERE number = {q(prefix + '-CC01234')})"
    assert mariadb.sql(
        "SELECT ref, kind, role, last_name, first_name, middle_name, birth_year, city, "
        f"last_soundex FROM mc_party WHERE case_id = {case} ORDER BY ref") == [
        ("1", "person", "plaintiff", "SMITH", "JOHN", "A", "1970", "ST LOUIS", "S530"),
        ("2", "business", "defendant", "ACME INC", "", "", None, "KANSAS CITY", "A252")]
    assert mariadb.sql(
        "SELECT a.ref, p.ref, a.name, a.bar_number, a.firm FROM mc_case_attorney a "
        f"LEFT JOIN mc_party p ON p.id = a.party_id WHERE a.case_id = {case}") == [
        ("1", "1", "JANE LAWYER", "12345", "LAWYER LLC")]
    assert mariadb.sql(
        "SELECT ref, entry_date, entry_type, REPLACE(text, '\\n', '|'), filed_by FROM mc_docket "
        f"WHERE case_id = {case} ORDER BY ref") == [
        ("1", "2025-03-04", "Petition Filed", "Petition filed.", "JANE LAWYER"),
        ("2", "2025-05-20", "Order", "Order entered.|Second line.", "")]
    assert mariadb.sql(
        "SELECT h.ref, h.hearing_at, h.hearing_type, h.location, j.ref FROM mc_hearing h "
        f"LEFT JOIN mc_judge j ON j.id = h.judge_id WHERE h.case_id = {case}") == [
        ("1", "2025-04-01 09:00:00", "Case Review", "Division 1", judge)]
    assert mariadb.sql(
        "SELECT ref, debtor, creditor, amount, entered_on, satisfied FROM mc_judgment "
        f"WHERE case_id = {case}") == [
        ("1", "JONES, ROBERT", "SMITH, JOHN", "1234.50", "2025-06-01", "1")]

    # The same feed again changes nothing and queues nothing.
    before = fingerprint(mariadb)
    r = admin.run("import", feed)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert "imported 2 cases (0 new), 2 parties (0 new), 1 attorneys (0 new), " \
           "2 docket entries (0 new), 1 hearings (0 new), 1 judgments (0 new), 1 courts (0 new)" \
           in r.stdout
    assert fingerprint(mariadb) == before

    # A changed record is updated in place; nothing is deleted.
    feed.write_text(feed.read_text().replace('status="open"', 'status="closed"')
                    .replace('name="ACME INC"', 'name="ACME CORP"'))
    r = admin.run("import", feed)
    assert "imported 2 cases (0 new), 2 parties (0 new)" in r.stdout, r.stdout
    assert mariadb.value(f"SELECT status FROM mc_case WHERE id = {case}") == "closed"
    assert mariadb.sql(f"SELECT last_name FROM mc_party WHERE case_id = {case} AND ref = '2'") \
        == [("ACME CORP",)]
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_docket WHERE case_id = {case}") == "2"

    # Participation in eFiling is read from the feed only for a new court:
    # afterwards it belongs to the eFiling set-up, and a re-import keeps it.
    mariadb.sql(f"UPDATE mc_court SET efiling = 0 WHERE code = {q(code)}")
    r = admin.run("import", feed)
    assert r.returncode == 0, r.stderr
    assert mariadb.value(f"SELECT efiling FROM mc_court WHERE code = {q(code)}") == "0"


def test_bad_records_reported_and_skipped(admin, mariadb, tmp_path):
    code, prefix = new_court(mariadb)
    other_code, other_prefix = new_court(mariadb)
    judge = f"J-{code}-1"
    nosuch = "Z" + unique_tag(9)   # 10 letters: no court has such a code
    c = f'court="{code}" type="CC" filed="2025-01-02"'
    lines = [
        TYPES.splitlines()[0],                                                      # 3
        f'<court code="{code}" circuit="12" county="C" name="N {code}" case-prefix="{prefix}"/>',
        f'<court code="{other_code}" circuit="0" county="C" name="N" '
        f'case-prefix="{other_prefix}"/>',                                          # 5
        f'<judge id="{judge}" court="{code}" name="Hon. A"/>',                      # 6
        f'<judge id="J-{code}-X" court="{nosuch}" name="Hon. B"/>',             # 7
        f'<case number="{prefix}-CC00001" {c}><caption>GOOD ONE</caption></case>',  # 8
        f'<case number="{prefix}-CC0002" {c}><caption>X</caption></case>',          # 9
        f'<case number="{prefix}-CC00003" court="{code}" type="CC" filed="2025-02-30">'
        '<caption>X</caption></case>',                                              # 10
        f'<case number="{prefix}-CC00004" {c}>',                                    # 11
        '  <caption>X</caption>',                                                   # 12
        '  <party id="1" role="witness" last="X"/>',                                # 13
        '</case>',                                                                  # 14
        f'<case number="{prefix}-CC00005" court="{nosuch}" type="CC" filed="2025-01-02">'
        '<caption>X</caption></case>',                                              # 15
        f'<case number="{other_prefix}-CC00006" {c}><caption>X</caption></case>',   # 16
        f'<case number="{prefix}-CC00007" court="{code}" type="CC"><caption>X</caption></case>',
        f'<case number="{prefix}-CC00008" {c} judge="J-NOBODY"><caption>X</caption></case>',
        f'<case number="{prefix}-CC00009" {c}><caption>GOOD TWO</caption>'         # 19
        f'<hearing id="1" at="2026-01-05T10:30" type="Trial" judge="{judge}"/></case>',
    ]
    feed = write_feed(tmp_path / "bad.xml", "\n".join(lines) + "\n")
    r = admin.run("import", feed, check=False)
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stderr.splitlines() == [
        f"{feed}:5: court {other_code}: circuit must be a number from 1 to 65535, not '0'",
        f"{feed}:7: judge J-{code}-X: unknown court '{nosuch}'",
        f"{feed}:9: case {prefix}-CC0002: malformed case number (99AA-AA99999, such as "
        "22SL-CC01234)",
        f"{feed}:10: case {prefix}-CC00003: attribute 'filed' is not a date (YYYY-MM-DD): "
        "'2025-02-30'",
        f"{feed}:13: case {prefix}-CC00004: party 1: unknown role 'witness'",
        f"{feed}:15: case {prefix}-CC00005: unknown court '{nosuch}'",
        f"{feed}:16: case {other_prefix}-CC00006: the number does not start with court {code}'s "
        f"prefix {prefix}",
        f"{feed}:17: case {prefix}-CC00007: attribute 'filed' is missing",
        f"{feed}:18: case {prefix}-CC00008: unknown judge 'J-NOBODY'",
    ]
    assert r.stdout.startswith("imported 2 cases (2 new), 0 parties (0 new)"), r.stdout
    assert r.stdout.endswith("; 9 bad records\n"), r.stdout
    assert mariadb.sql(f"SELECT number, caption FROM mc_case WHERE court_code = {q(code)} "
                       "ORDER BY number") == [(f"{prefix}-CC00001", "GOOD ONE"),
                                              (f"{prefix}-CC00009", "GOOD TWO")]
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_court WHERE code = {q(other_code)}") == "0"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_hearing h JOIN mc_case c ON c.id = h.case_id "
                         f"WHERE c.number = {q(prefix + '-CC00009')}") == "1"


def test_not_well_formed(admin, mariadb, tmp_path):
    code, prefix = new_court(mariadb)
    feed = write_feed(tmp_path / "nwf.xml",
                      f'<court code="{code}" circuit="3" county="C" name="N {code}" '
                      f'case-prefix="{prefix}"/>\n'
                      # the reader reads ahead: the error must be a bit further on
                      + "<!-- padding -->\n" * 1000 +
                      f'<case number="{prefix}-CC00001" court="{code}" type="CC" '
                      'filed="2025-01-02"><caption>A</caption>\n'
                      '<party id="1" role="plaintiff" last="A"></case>\n')
    r = admin.run("import", feed, check=False)
    assert r.returncode == 1
    err = r.stderr.splitlines()
    assert err == [f"{feed}:1005: not well-formed XML: Opening and ending tag mismatch: party "
                   "line 1005 and case"], r.stderr
    assert "stopped early" in r.stdout
    # What came before the error is in; the broken case is not.
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_court WHERE code = {q(code)}") == "1"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_case WHERE court_code = {q(code)}") == "0"

    r = admin.run("import", tmp_path / "missing.xml", check=False)
    assert r.returncode == 1 and "cannot open" in r.stderr
    (tmp_path / "other.xml").write_text("<feed><court/></feed>")
    r = admin.run("import", tmp_path / "other.xml", check=False)
    assert r.returncode == 1 and "not a Case.net feed" in r.stderr, r.stderr


def test_xxe_and_entity_expansion_refused(admin, mariadb, tmp_path):
    tag = unique_tag(2)
    xxe = tmp_path / "xxe.xml"
    xxe.write_text('<?xml version="1.0"?>\n'
                   '<!DOCTYPE casenet-feed [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n'
                   f'<casenet-feed xmlns="{NS}"><case-type code="{tag}" name="&xxe;"/>'
                   '</casenet-feed>\n')
    # Billion laughs: 10^9 "lol"s, several GB if it were ever expanded,
    # after a long internal subset.
    ents = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    laughs = tmp_path / "laughs.xml"
    laughs.write_text('<?xml version="1.0"?>\n<!DOCTYPE casenet-feed [\n' +
                      "\n".join(ents) + "\n" + "<!-- padding -->\n" * 100000 + "]>\n"
                      f'<casenet-feed xmlns="{NS}"><case-type code="{tag}" name="&lol9;"/>'
                      '</casenet-feed>\n')
    # Without a DOCTYPE, an entity reference is simply undefined.
    undeclared = write_feed(tmp_path / "undeclared.xml",
                            f'<case-type code="{tag}" name="&xxe;"/>\n')
    for path, line, why in [
            (xxe, 2, "the feed has a DOCTYPE: DTDs and entity declarations are refused"),
            (laughs, 2, "the feed has a DOCTYPE: DTDs and entity declarations are refused"),
            (undeclared, 3, "not well-formed XML: Entity 'xxe' not defined")]:
        r, kb = max_rss_kb(admin, "import", path)
        assert r.returncode == 1, r.stdout + r.stderr
        assert r.stderr == f"{path}:{line}: {why}\n"
        assert "root:" not in r.stdout + r.stderr
        assert kb < 64 * 1024, f"{path.name}: max RSS {kb} KB"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_case_type WHERE code = {q(tag)}") == "0"


def generate(admin, *args):
    r = subprocess.run([str(admin.binary), "generate", *[str(a) for a in args]],
                       capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_generator_deterministic_and_valid(admin, tmp_path):
    a = generate(admin, "--seed", 7, "--cases", 300)
    assert a == generate(admin, "--seed", 7, "--cases", 300)
    assert a != generate(admin, "--seed", 8, "--cases", 300)
    text = a.decode("utf-8")
    assert text.count("<case ") == 300 and text.count("<party ") == 900
    assert '<court code="22" circuit="22" county="City of St. Louis" ' \
           'name="22nd Judicial Circuit \u2013 City of St. Louis" case-prefix="22SL" ' \
           'efiling="yes"/>' in text
    assert text.count("<court ") == 24
    assert 'last="SMYTHE"' in generate(admin, "--seed", 7, "--cases", 3000).decode()
    # The sizes are honoured; the first court is always "22".
    small = generate(admin, "--seed", 1, "--cases", 50, "--courts", 2, "--parties", 70).decode()
    assert small.count("<court ") == 2 and small.count("<party ") == 70
    assert small.count('court="22"') + small.count('court="21"') > 50
    # The output follows the shipped schema.
    path = tmp_path / "gen.xml"
    path.write_bytes(a)
    r = subprocess.run(["xmllint", "--noout", "--schema", str(XSD), str(path)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(admin.binary), "generate", "--cases", "x"], capture_output=True,
                       text=True)
    assert r.returncode == 2 and "--cases needs a number" in r.stderr


def test_generated_feed_imports_cleanly(admin, mariadb, tmp_path):
    feed = tmp_path / "gen.xml"
    feed.write_bytes(generate(admin, "--seed", 42, "--cases", 2000))
    r, kb = max_rss_kb(admin, "import", feed)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert "imported 2000 cases (" in r.stdout and r.stdout.endswith("; 0 bad records\n")
    assert kb < 64 * 1024
    n = int(mariadb.value("SELECT COUNT(*) FROM mc_case WHERE court_code = '22' AND number "
                          "LIKE '22SL-%'"))
    assert n > 100
    before = fingerprint(mariadb)
    r = admin.run("import", feed)
    assert "imported 2000 cases (0 new), 6000 parties (0 new)" in r.stdout, r.stdout
    assert fingerprint(mariadb) == before


def test_new_entries_on_existing_cases_notify(admin, mariadb, new_account, tmp_path):
    """A docket entry new to a case that existed before the import goes
    through mc_case_docket_add: the case's tracker gets one notice; the
    entries of a case new in this import notify nobody; a case the feed
    makes confidential stops its trackings before its new entries."""
    code, prefix = new_court(mariadb)
    a, b = f"{prefix}-CC00001", f"{prefix}-CC00002"
    head = (TYPES + f'<court code="{code}" circuit="7" county="C" name="N {code}" '
            f'case-prefix="{prefix}"/>\n')

    def case(number, dockets, conf="no"):
        return (f'<case number="{number}" court="{code}" type="CC" filed="2026-01-05" '
                f'confidential="{conf}"><caption>{code} V ACME</caption>' +
                "".join(f'<docket id="{i}" date="2026-02-0{i}" type="Order">Entry {i}.</docket>'
                        for i in dockets) + "</case>\n")

    feed = tmp_path / "feed.xml"
    admin.run("import", write_feed(feed, head + case(a, [1])))
    acct = new_account()
    case_id = int(mariadb.value(f"SELECT id FROM mc_case WHERE number = {q(a)}"))
    mariadb.sql("INSERT INTO mc_mycase (account_id, case_id, added_at) VALUES "
                f"({acct.id}, {case_id}, UTC_TIMESTAMP());"
                "INSERT INTO mc_track (account_id, case_id, channel, recipient, frequency, "
                f"created_at) VALUES ({acct.id}, {case_id}, 'email', {q(acct.email)}, "
                "'each', UTC_TIMESTAMP())")
    notices = f"SELECT COUNT(*) FROM mc_outbox WHERE recipient = {q(acct.email)}"
    assert mariadb.value(notices) == "0"

    r = admin.run("import", write_feed(feed, head + case(a, [1, 2]) + case(b, [1, 2])))
    assert "imported 2 cases (1 new)" in r.stdout and "4 docket entries (3 new)" in r.stdout, \
        r.stdout
    assert mariadb.value(notices) == "1"
    assert mariadb.sql(f"SELECT ref, entry_type, text FROM mc_docket WHERE case_id = {case_id} "
                       "ORDER BY ref") == [("1", "Order", "Entry 1."), ("2", "Order", "Entry 2.")]
    assert mariadb.value(f"SELECT last_activity >= '2026-02-02' FROM mc_case "
                         f"WHERE id = {case_id}") == "1"
    # Again: nothing new, no notice.
    before = fingerprint(mariadb)
    r = admin.run("import", feed)
    assert "4 docket entries (0 new)" in r.stdout
    assert fingerprint(mariadb) == before and mariadb.value(notices) == "1"

    # Made confidential, with a new entry: the tracking stops, no notice.
    r = admin.run("import", write_feed(feed, head + case(a, [1, 2, 3], conf="yes")))
    assert "3 docket entries (1 new)" in r.stdout, r.stdout + r.stderr
    assert mariadb.sql(f"SELECT confidential FROM mc_case WHERE id = {case_id}") == [("1",)]
    assert mariadb.sql(f"SELECT active, stopped_why FROM mc_track WHERE case_id = {case_id}") \
        == [("0", "confidential")]
    assert mariadb.value(notices) == "1"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_docket WHERE case_id = {case_id}") == "3"


def test_huge_elements_stay_bounded(admin, mariadb, tmp_path):
    """Elements are never expanded whole: 3 million children inside one
    record, 5 MB of docket text and 20,000 elements in one case are
    refused as bad records with memory bounded; the next case is imported."""
    code, prefix = new_court(mariadb)
    tag = unique_tag(2)
    path = tmp_path / "huge.xml"
    with open(path, "w") as f:
        f.write(f'<casenet-feed xmlns="{NS}">\n{TYPES}<case-type code="{tag}" name="x">')
        f.write('<x a="1"/>' * 3_000_000)
        f.write(f'</case-type>\n<court code="{code}" circuit="9" county="C" name="N {code}" '
                f'case-prefix="{prefix}"/>\n')
        case = f'<case number="{prefix}-CC0000%d" court="{code}" type="CC" filed="2025-01-01">' \
               '<caption>A</caption>'
        f.write(case % 1 + '<docket id="1" date="2025-01-01" type="T">' + "y" * 5_000_000 +
                "</docket></case>\n")
        f.write(case % 2 + "".join(f'<party id="{i}" role="other" last="Q"/>'
                                   for i in range(20_000)) + "</case>\n")
        f.write(case % 3 + "</case>\n</casenet-feed>\n")
    r, kb = max_rss_kb(admin, "import", path)
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        f"{path}:4: case-type {tag}: unexpected element <x> inside <case-type>",
        f"{path}:6: case {prefix}-CC00001: docket 1: the text of <docket> is longer than "
        "65535 bytes",
        f"{path}:7: case {prefix}-CC00002: more than 10000 elements in one case"]
    assert kb < 64 * 1024, f"max RSS {kb} KB"
    assert mariadb.sql(f"SELECT number FROM mc_case WHERE court_code = {q(code)}") == [
        (f"{prefix}-CC00003",)]
