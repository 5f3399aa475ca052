"""eFiling court set-up: `mocourts-admin efiling-setup FILE`
(docs/efiling-setup.md, docs/efiling-setup.xsd) and the eFiling schema's
place in the migration order.

Every test sets up courts of its own (helpers_casenet.seed_court's random
codes), so the session's database is shared safely; the example file's
court "22" is rewritten to a seeded court's code, since the Case.net tests
use the real "22"."""
import re
import subprocess

from harness import util
from helpers_casenet import seed_court, unique_tag

NS = "urn:mocourts:efiling-setup:1"
XSD = util.REPO / "docs" / "efiling-setup.xsd"
EXAMPLE = util.REPO / "conf" / "efiling-setup.example.xml"
SETUP_TABLES = ["mc_ef_court", "mc_ef_case_type", "mc_ef_filing_code", "mc_court"]


def q(s):
    return "'" + str(s).replace("\\", "\\\\").replace("'", "\\'") + "'"


def write(tmp_path, body, name=None):
    """A set-up file: the XML declaration (line 1), the root (line 2), then
    body's lines from line 3."""
    path = tmp_path / (name or f"setup-{unique_tag(5)}.xml")
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                    f'<efiling-setup xmlns="{NS}">\n{body}</efiling-setup>\n')
    return path


def court_xml(code, participates="yes", size="10MB", text="no", types=("CC", "AC"),
              codes=(("PET", "Petition", "95.00", "yes"), ("MOT", "Motion", "0", "no")),
              active=None):
    lines = [f'<court code="{code}" participates="{participates}" max-document-size="{size}" '
             f'text-searchable="{text}"' +
             (f' active-content="{active}"' if active is not None else "") + ">"]
    lines += [f'  <initiate case-type="{t}"/>' for t in types]
    lines += [f'  <filing-code code="{c}" name="{n}" fee="{f}" initiating="{i}"/>'
              for c, n, f, i in codes]
    lines.append("</court>")
    return "\n".join(lines) + "\n"


def setup_state(mariadb, code):
    """Everything the loader writes for court code, ids aside."""
    return {
        "efiling": mariadb.value(f"SELECT efiling FROM mc_court WHERE code = {q(code)}"),
        "court": mariadb.sql("SELECT max_doc_bytes, text_pdf_only FROM mc_ef_court "
                             f"WHERE court_code = {q(code)}"),
        "types": mariadb.sql("SELECT case_type FROM mc_ef_case_type "
                             f"WHERE court_code = {q(code)} ORDER BY case_type"),
        "codes": mariadb.sql("SELECT code, name, fee_cents, initiating, active "
                             f"FROM mc_ef_filing_code WHERE court_code = {q(code)} ORDER BY code"),
    }


def code_ids(mariadb, code):
    return dict(mariadb.sql("SELECT code, id FROM mc_ef_filing_code "
                            f"WHERE court_code = {q(code)}"))


def checksums(mariadb):
    rows = mariadb.sql("CHECKSUM TABLE " + ", ".join(SETUP_TABLES) + " EXTENDED")
    return {r[0]: r[1] for r in rows}


def load(admin, path, check=True):
    r = admin.run("efiling-setup", path, check=False)
    if check:
        assert r.returncode == 0, r.stdout + r.stderr
        assert r.stderr == "", r.stderr
    return r


# ---- loading -----------------------------------------------------------------

def test_load_writes_exact_rows(admin, mariadb, tmp_path):
    court = seed_court(mariadb, efiling=False)
    other = seed_court(mariadb, efiling=True)   # not in the file: left alone
    path = write(tmp_path, court_xml(court["code"], size="10 MB", text="yes", codes=(
        ("PET", "Petition", "95.00", "yes"),
        ("MOT", "Motion", "0", "no"),
        ("EXH", "Exhibit", "1.5", "no"),
        ("NOA", "Notice of Appeal", "70.05", "no"))))
    r = load(admin, path)
    assert r.stdout.strip() == "set up 1 court(s) (1 changed, 0 unchanged), refused 0"
    assert setup_state(mariadb, court["code"]) == {
        "efiling": "1",
        "court": [(str(10 * 1024 * 1024), "1")],
        "types": [("AC",), ("CC",)],
        "codes": [("EXH", "Exhibit", "150", "0", "1"),
                  ("MOT", "Motion", "0", "0", "1"),
                  ("NOA", "Notice of Appeal", "7005", "0", "1"),
                  ("PET", "Petition", "9500", "1", "1")],
    }
    assert setup_state(mariadb, other["code"]) == {
        "efiling": "1", "court": [], "types": [], "codes": []}
    assert mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'efiling-setup' AND "
                         f"detail LIKE {q('court ' + court['code'] + ':%')}") == "1"


def test_reload_changes_nothing(admin, mariadb, tmp_path):
    a, b = seed_court(mariadb), seed_court(mariadb, efiling=False)
    path = write(tmp_path, court_xml(a["code"]) + court_xml(b["code"], participates="no",
                                                             size="1GB", types=()))
    load(admin, path)
    before = checksums(mariadb)
    stamps = mariadb.sql("SELECT court_code, updated_at FROM mc_ef_court WHERE court_code IN "
                         f"({q(a['code'])}, {q(b['code'])}) ORDER BY court_code")
    audits = mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'efiling-setup'")
    r = load(admin, path)
    assert r.stdout.strip() == "set up 2 court(s) (0 changed, 2 unchanged), refused 0"
    assert checksums(mariadb) == before
    assert mariadb.sql("SELECT court_code, updated_at FROM mc_ef_court WHERE court_code IN "
                       f"({q(a['code'])}, {q(b['code'])}) ORDER BY court_code") == stamps
    assert mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'efiling-setup'") == audits


def test_replace_deactivates_and_reactivates(admin, mariadb, tmp_path):
    court = seed_court(mariadb)
    code = court["code"]
    first = write(tmp_path, court_xml(code, codes=(
        ("PET", "Petition", "95.00", "yes"), ("MOT", "Motion", "0", "no"),
        ("EXH", "Exhibit", "0", "no"))))
    load(admin, first)
    ids = code_ids(mariadb, code)

    second = write(tmp_path, court_xml(code, participates="no", size="2048KB", types=("CC",),
                                       codes=(("PET", "Petition (Civil)", "128.50", "yes"),
                                              ("ANS", "Answer", "0", "no"))))
    r = load(admin, second)
    assert "(1 changed" in r.stdout
    assert setup_state(mariadb, code) == {
        "efiling": "0",
        "court": [(str(2 * 1024 * 1024), "0")],
        "types": [("CC",)],
        "codes": [("ANS", "Answer", "0", "0", "1"),
                  ("EXH", "Exhibit", "0", "0", "0"),         # dropped: inactive, kept
                  ("MOT", "Motion", "0", "0", "0"),
                  ("PET", "Petition (Civil)", "12850", "1", "1")],
    }
    assert {k: v for k, v in code_ids(mariadb, code).items() if k != "ANS"} == ids

    load(admin, first)                                       # back again: reactivated
    assert setup_state(mariadb, code)["codes"] == [
        ("ANS", "Answer", "0", "0", "0"),
        ("EXH", "Exhibit", "0", "0", "1"),
        ("MOT", "Motion", "0", "0", "1"),
        ("PET", "Petition", "9500", "1", "1")]
    assert setup_state(mariadb, code)["types"] == [("AC",), ("CC",)]
    assert setup_state(mariadb, code)["efiling"] == "1"
    assert {k: v for k, v in code_ids(mariadb, code).items() if k != "ANS"} == ids


def test_court_code_spelled_as_casenet(admin, mariadb, tmp_path):
    """A court code in another case is the same court, stored as Case.net
    spells it."""
    court = seed_court(mariadb, efiling=False)
    load(admin, write(tmp_path, court_xml(court["code"].lower())))
    assert setup_state(mariadb, court["code"])["efiling"] == "1"
    assert mariadb.sql("SELECT court_code FROM mc_ef_court WHERE court_code = "
                       f"{q(court['code'])} COLLATE utf8mb4_bin") == [(court["code"],)]
    assert mariadb.value("SELECT COUNT(*) FROM mc_ef_filing_code WHERE court_code = "
                         f"{q(court['code'])} COLLATE utf8mb4_bin") == "2"


def test_example_file_loads(admin, mariadb, tmp_path):
    """conf/efiling-setup.example.xml is valid against the schema and loads
    once its court exists (its "22" rewritten to a court of this test)."""
    r = subprocess.run(["xmllint", "--noout", "--schema", str(XSD), str(EXAMPLE)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    text = EXAMPLE.read_text()
    assert text.count('<court code="22"') == 1
    court = seed_court(mariadb, efiling=False)
    path = tmp_path / "example.xml"
    path.write_text(text.replace('<court code="22"', f'<court code="{court["code"]}"'))
    load(admin, path)
    state = setup_state(mariadb, court["code"])
    assert state["efiling"] == "1"
    assert state["court"] == [(str(25 * 1024 * 1024), "0")]
    assert state["types"] == [("AC",), ("CC",), ("DR",), ("SC",)]
    codes = {c[0]: c for c in state["codes"]}
    assert len(codes) == text.count("<filing-code ") >= 12
    assert codes["PET"][1:] == ("Petition", "12850", "1", "1")
    assert codes["EOA"][1:] == ("Entry of Appearance", "0", "0", "1")
    assert {"MOT", "ANS", "NOT", "EXH", "PO"} <= set(codes)


def test_active_content_choice(admin, mariadb, tmp_path):
    """Issue 11 §11: active-content="flag" makes the court accept PDFs with
    active content and flag them for the clerk; "refuse", or no attribute
    (the default), refuses them. Loading the same choice again changes
    nothing."""
    court = seed_court(mariadb, efiling=False)
    code = court["code"]

    def choice():
        return mariadb.value(f"SELECT active_content FROM mc_ef_court WHERE court_code = {q(code)}")

    load(admin, write(tmp_path, court_xml(code)))
    assert choice() == "refuse"
    path = write(tmp_path, court_xml(code, active="flag"))
    r = load(admin, path)
    assert r.stdout.strip() == "set up 1 court(s) (1 changed, 0 unchanged), refused 0"
    assert choice() == "flag"
    assert load(admin, path).stdout.strip() == \
        "set up 1 court(s) (0 changed, 1 unchanged), refused 0"
    load(admin, write(tmp_path, court_xml(code, active="refuse")))
    assert choice() == "refuse"
    load(admin, write(tmp_path, court_xml(code, active="flag")))
    load(admin, write(tmp_path, court_xml(code)))
    assert choice() == "refuse"
    # The schema knows the attribute and its two values.
    for value, ok in (("flag", True), ("refuse", True), ("allow", False)):
        r = subprocess.run(["xmllint", "--noout", "--schema", str(XSD),
                            str(write(tmp_path, court_xml(code, active=value)))],
                           capture_output=True, text=True)
        assert (r.returncode == 0) == ok, (value, r.stderr)


# ---- bad input -----------------------------------------------------------------

def _bad_cases(code):
    """(name, court XML, line of the error, words of the message). The court
    starts at line 3 of the file; its first child is line 4."""
    ok_codes = '  <filing-code code="PET" name="Petition" fee="95.00" initiating="yes"/>\n'
    head = f'<court code="{code}" participates="yes" max-document-size="10MB">\n'
    return [
        ("unknown case type", head + '  <initiate case-type="QZ"/>\n' + ok_codes + "</court>\n",
         4, "unknown case type 'QZ'"),
        ("size too large", head.replace("10MB", "2GB") + ok_codes + "</court>\n",
         3, "at most 1 GB"),
        ("size too small", head.replace("10MB", "512KB") + ok_codes + "</court>\n",
         3, "at least 1 MB"),
        ("size not a size", head.replace("10MB", "25TB") + ok_codes + "</court>\n",
         3, "max-document-size '25TB'"),
        ("negative fee", head + ok_codes.replace("95.00", "-1.00") + "</court>\n",
         4, "may not be negative"),
        ("three decimals", head + ok_codes.replace("95.00", "9.995") + "</court>\n",
         4, "at most two decimals"),
        ("duplicate code", head + ok_codes +
         '  <filing-code code="MOT" name="Motion" fee="0"/>\n'
         '  <filing-code code="MOT" name="Motion again" fee="0"/>\n</court>\n',
         6, "code MOT is listed twice (first at line 5)"),
        ("duplicate case type", head + '  <initiate case-type="CC"/>\n'
         '  <initiate case-type="CC"/>\n' + ok_codes + "</court>\n",
         5, "case type CC is listed twice"),
        ("missing name", head + '  <filing-code code="PET" fee="95.00" initiating="yes"/>\n'
         "</court>\n", 4, "attribute 'name' is missing"),
        ("missing participates", head.replace(' participates="yes"', "") + ok_codes +
         "</court>\n", 3, "attribute 'participates' is missing"),
        ("unknown attribute", head + ok_codes.replace("/>", ' color="red"/>') + "</court>\n",
         4, "unknown attribute 'color'"),
        ("bad yes/no", head.replace('participates="yes"', 'participates="maybe"') + ok_codes +
         "</court>\n", 3, "must be yes or no"),
        ("lower-case code", head + ok_codes.replace('code="PET"', 'code="pet"') + "</court>\n",
         4, "code 'pet' is not"),
        ("no initiating code", head + '  <initiate case-type="CC"/>\n'
         '  <filing-code code="MOT" name="Motion" fee="0"/>\n</court>\n',
         3, "initiating=\"yes\""),
        ("unknown element", head + ok_codes + "  <fee-waiver/>\n</court>\n",
         5, "unexpected element <fee-waiver>"),
        ("bad active-content", head.replace('10MB"', '10MB" active-content="allow"') + ok_codes +
         "</court>\n", 3, "active-content must be refuse or flag, not 'allow'"),
    ]


def test_each_bad_court_is_refused_alone(admin, mariadb, tmp_path):
    """Each bad court: FILE:LINE: why on stderr, exit 1, nothing of it
    applied (its earlier set-up intact); the good court after it applied."""
    for name, xml, line, words in _bad_cases("BADCOURT"):
        bad, good = seed_court(mariadb, efiling=False), seed_court(mariadb, efiling=False)
        load(admin, write(tmp_path, court_xml(bad["code"], participates="no", types=("SC",),
                                              codes=(("OLD", "Old code", "5", "yes"),))))
        before = setup_state(mariadb, bad["code"])
        path = write(tmp_path, xml.replace("BADCOURT", bad["code"]) + court_xml(good["code"]))
        r = load(admin, path, check=False)
        assert r.returncode == 1, f"{name}: {r.stdout}{r.stderr}"
        assert f"{path}:{line}: " in r.stderr and words in r.stderr, f"{name}: {r.stderr}"
        assert all(ln.startswith(f"{path}:") for ln in r.stderr.splitlines()), r.stderr
        assert r.stdout.strip() == "set up 1 court(s) (1 changed, 0 unchanged), refused 1", name
        assert setup_state(mariadb, bad["code"]) == before, name
        assert setup_state(mariadb, good["code"])["efiling"] == "1", name
        assert len(setup_state(mariadb, good["code"])["codes"]) == 2, name


def test_unknown_court_refused(admin, mariadb, tmp_path):
    good = seed_court(mariadb, efiling=False)
    missing = "X" + unique_tag(8)
    path = write(tmp_path, court_xml(missing) + court_xml(good["code"]))
    r = load(admin, path, check=False)
    assert r.returncode == 1
    assert f"{path}:3: unknown court '{missing}'" in r.stderr, r.stderr
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_court WHERE court_code = {q(missing)}") \
        == "0"
    assert setup_state(mariadb, good["code"])["efiling"] == "1"


def test_court_twice_refused(admin, mariadb, tmp_path):
    court, good = seed_court(mariadb, efiling=False), seed_court(mariadb, efiling=False)
    one = court_xml(court["code"])
    path = write(tmp_path, one + court_xml(good["code"]) + one)
    r = load(admin, path, check=False)
    assert r.returncode == 1
    second = 3 + one.count("\n") + court_xml(good["code"]).count("\n")
    assert f"{path}:{second}: court {court['code']} appears twice (first at line 3)" in r.stderr
    assert setup_state(mariadb, court["code"])["court"] == []
    assert setup_state(mariadb, good["code"])["efiling"] == "1"


def test_not_well_formed_refused_whole(admin, mariadb, tmp_path):
    court = seed_court(mariadb, efiling=False)
    path = write(tmp_path, court_xml(court["code"]) + "<court code='x'>\n</courtt>\n")
    before = checksums(mariadb)
    r = load(admin, path, check=False)
    assert r.returncode == 1
    line = 3 + court_xml(court["code"]).count("\n") + 1
    assert re.search(rf"^{re.escape(str(path))}:{line}: not well-formed XML: ", r.stderr, re.M), \
        r.stderr
    assert "the file was refused" in r.stdout
    assert checksums(mariadb) == before


def test_doctype_refused(admin, mariadb, tmp_path):
    """An entity-expansion file: refused before parsing, nothing applied."""
    court = seed_court(mariadb, efiling=False)
    path = tmp_path / "doctype.xml"
    path.write_text('<?xml version="1.0"?>\n'
                    '<!-- set-up -->\n'
                    '<!DOCTYPE efiling-setup [\n'
                    '  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">\n'
                    '  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n'
                    '  <!ENTITY x SYSTEM "file:///etc/passwd">\n]>\n'
                    f'<efiling-setup xmlns="{NS}">\n'
                    + court_xml(court["code"]).replace('name="Motion"', 'name="&b;&x;"')
                    + "</efiling-setup>\n")
    before = checksums(mariadb)
    r = load(admin, path, check=False)
    assert r.returncode == 1
    assert f"{path}:3: the file has a DOCTYPE" in r.stderr, r.stderr
    assert "root:" not in r.stdout + r.stderr
    assert checksums(mariadb) == before
    assert setup_state(mariadb, court["code"])["codes"] == []


def test_wrong_root_and_unreadable(admin, tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text('<casenet-feed xmlns="urn:mocourts:casenet-feed:1"/>\n')
    r = load(admin, path, check=False)
    assert r.returncode == 1
    assert f"{path}:1: the root element must be <efiling-setup" in r.stderr
    r = load(admin, tmp_path / "missing.xml", check=False)
    assert r.returncode == 1 and "cannot be read" in r.stderr


def test_usage(admin):
    assert admin.run("efiling-setup", check=False).returncode == 2
    assert admin.run("efiling-setup", "a.xml", "b.xml", check=False).returncode == 2
    assert "efiling-setup FILE" in admin.run("--help").stdout


# ---- the schema ------------------------------------------------------------------

def test_migration_order_and_schema(admin, mariadb):
    """efiling comes after the components its REQUIRES file names (casetrack
    and groups; groups would sort after it by name), and its tables exist."""
    r = admin.migrate()
    comps = re.findall(r"^([a-z_-]+): applied", r.stdout, re.M)
    assert comps[0] == "core"
    assert comps.index("casetrack") < comps.index("efiling")
    assert comps.index("groups") < comps.index("efiling")
    assert mariadb.value("SELECT MAX(version) FROM mc_schema WHERE component = 'efiling'") \
        == "5"
    tables = {t for (t,) in mariadb.sql(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
        "AND table_name LIKE 'mc\\_ef\\_%'")}
    assert tables == {"mc_ef_court", "mc_ef_case_type", "mc_ef_filing_code", "mc_ef_envelope",
                      "mc_ef_party", "mc_ef_document", "mc_ef_history", "mc_ef_charge",
                      "mc_ef_sequence", "mc_ef_redaction_hit"}
