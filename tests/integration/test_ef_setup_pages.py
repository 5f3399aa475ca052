"""eFiling: the Security unit's court set-up pages (issue 6, "Court set-up":
editable by the Security unit). The list of Case.net courts with their
set-up; one court's page edits whether it participates, the maximum
document size, text-searchable only, whether PDFs with active content are
refused or flagged, the case types that may be initiated and the filing codes (name, fee, initiating, active; add one). Values are
refused with the sentences of mc_efsetup.h (the file loader's), status 400,
what was typed kept and nothing saved; each save is audited and renews
mc_ef_court.updated_at."""
import re

from harness import web
from helpers_casenet import seed_court
from helpers_core import account_browser, logged_on_csrf, logon_full, new_browser
from helpers_efiling import ECF, ef_court, _q


def plain(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&quot;", '"').replace(
        "&#39;", "'")


def security_session(ap, new_account, smtp):
    return account_browser(ap, new_account, smtp, ["security"], prefix="efsec")


def state(mariadb, code):
    return {
        "efiling": mariadb.value(f"SELECT efiling FROM mc_court WHERE code = {_q(code)}"),
        "court": [list(r) for r in mariadb.sql(
            "SELECT max_doc_bytes, text_pdf_only FROM mc_ef_court WHERE court_code = "
            f"{_q(code)}")],
        "types": [t for t, in mariadb.sql("SELECT case_type FROM mc_ef_case_type WHERE "
                                          f"court_code = {_q(code)} ORDER BY case_type")],
        "codes": [list(r) for r in mariadb.sql(
            "SELECT code, name, fee_cents, initiating, active FROM mc_ef_filing_code WHERE "
            f"court_code = {_q(code)} ORDER BY code")],
    }


def court_page(s, ap, code):
    r = s.get(ap.url(f"{ECF}/security/courts/{code}"), timeout=30)
    assert r.status_code == 200, (r.status_code, r.text[:1500])
    return r


def save(s, ap, code, fields, expect=200):
    r = web.submit(s, court_page(s, ap, code), fields, action_contains=f"/security/courts/{code}",
                   timeout=30)
    assert r.status_code == expect, (r.status_code, plain(r.text)[:2000])
    return r


def field(mariadb, code, fc, what):
    fid = mariadb.value(f"SELECT id FROM mc_ef_filing_code WHERE court_code = {_q(code)} AND "
                        f"code = {_q(fc)}")
    return f"fc_{fid}_{what}"


def value_of(html, name):
    m = re.search(r'<input[^>]*name="%s"[^>]*>' % re.escape(name), html)
    assert m, name
    v = re.search(r'value="([^"]*)"', m.group(0))
    return v.group(1) if v else ""


def test_list_and_access(apache, new_account, smtp, mariadb):
    ap = apache
    court = ef_court(mariadb, max_bytes=5 * 1024 * 1024, text_only=True)
    bare = seed_court(mariadb, efiling=False)
    s, _ = security_session(ap, new_account, smtp)
    r = s.get(ap.url(f"{ECF}/security/courts?q={court['code']}"), timeout=30)
    assert r.status_code == 200
    row = re.search(r"<tr>(?:(?!</tr>).)*%s(?:(?!</tr>).)*</tr>" % re.escape(court["name"]),
                    r.text, re.S)
    assert row, r.text[:3000]
    cells = re.findall(r"<td>(.*?)</td>", row.group(0), re.S)
    assert [plain(c).strip() for c in cells] == [court["code"], court["name"], "Yes", "5MB",
                                                 "Yes", "2", "4"]
    assert f'href="{ECF}/security/courts/{court["code"]}"' in row.group(0)
    r = s.get(ap.url(f"{ECF}/security/courts?q={bare['name']}"), timeout=30)
    t = plain(r.text)
    assert bare["name"] in t and "(no set-up yet)" in t
    # Every court, paged.
    r = s.get(ap.url(f"{ECF}/security/courts"), timeout=30)
    total = int(re.search(r"(\d+) court\(s\)", plain(r.text)).group(1))
    assert total == int(mariadb.value("SELECT COUNT(*) FROM mc_court"))
    r = s.get(ap.url(f"{ECF}/security/courts?page=x"), timeout=30)
    assert r.status_code == 400 and "Page: a page number is a whole number." in plain(r.text)
    # Unknown court: 404.
    assert s.get(ap.url(f"{ECF}/security/courts/NOPE9"), timeout=30).status_code == 404
    assert s.get(ap.url(f"{ECF}/security/courts/a%2Fb"), timeout=30).status_code == 404

    # Not the Security unit: 403 on every route, nothing changed.
    before = state(mariadb, court["code"])
    for roles in ([], ["clerk"]):
        other = new_account(roles=roles, scope=court["code"] if roles else None, prefix="efnot")
        s2 = new_browser()
        logon_full(s2, ap, other, smtp)
        assert s2.get(ap.url(f"{ECF}/security/courts"), timeout=30).status_code == 403
        assert s2.get(ap.url(f"{ECF}/security/courts/{court['code']}"),
                      timeout=30).status_code == 403
        rr = s2.post(ap.url(f"{ECF}/security/courts/{court['code']}"),
                     data={"mc_csrf": logged_on_csrf(s2, ap), "max_size": "10MB"}, timeout=30)
        assert rr.status_code == 403
    assert state(mariadb, court["code"]) == before


def test_edit_every_field(apache, new_account, smtp, mariadb):
    ap = apache
    court = ef_court(mariadb)
    code = court["code"]
    mariadb.sql("UPDATE mc_ef_court SET updated_at = '2020-01-01 00:00:00' WHERE court_code = "
                f"{_q(code)}")
    s, sec = security_session(ap, new_account, smtp)
    r = court_page(s, ap, code)
    assert value_of(r.text, "max_size") == "5MB"
    assert value_of(r.text, field(mariadb, code, "PET", "fee")) == "95.00"
    assert value_of(r.text, field(mariadb, code, "PET", "name")) == "Petition"

    r = save(s, ap, code, {
        "participates": None, "max_size": "10 mb", "text_only": "1",
        "type_AC": None, "type_DR": "1",
        field(mariadb, code, "PET", "name"): "Petition for Dissolution",
        field(mariadb, code, "PET", "fee"): "128.5",
        field(mariadb, code, "EXH", "active"): None,
        field(mariadb, code, "MOT", "initiating"): "1",
        "new_code": "MOT-SJ", "new_name": "Motion for Summary Judgment", "new_fee": "0",
    })
    assert "The court's set-up was saved." in plain(r.text)
    assert state(mariadb, code) == {
        "efiling": "0",
        "court": [[str(10 * 1024 * 1024), "1"]],
        "types": ["CC", "DR"],
        "codes": [["ANS", "Answer", "0", "0", "1"], ["EXH", "Exhibit", "500", "0", "0"],
                  ["MOT", "Motion", "0", "1", "1"],
                  ["MOT-SJ", "Motion for Summary Judgment", "0", "0", "1"],
                  ["PET", "Petition for Dissolution", "12850", "1", "1"]]}
    assert mariadb.value("SELECT updated_at > '2020-01-01 00:00:00' FROM mc_ef_court WHERE "
                         f"court_code = {_q(code)}") == "1"
    audit = mariadb.sql("SELECT actor_id, detail FROM mc_audit WHERE event = 'efiling-setup' "
                        f"AND detail LIKE 'court {code}:%' ORDER BY id")
    assert len(audit) == 1 and int(audit[0][0]) == sec.id
    assert "by the Security unit" in audit[0][1] and "MOT-SJ added" in audit[0][1]
    # The page shows what was saved.
    r = court_page(s, ap, code)
    assert value_of(r.text, "max_size") == "10MB"
    assert value_of(r.text, field(mariadb, code, "PET", "fee")) == "128.50"
    assert not re.search(r'name="participates"[^>]*checked', r.text)
    assert re.search(r'name="text_only"[^>]*checked', r.text)

    # Saving the same values changes nothing and audits nothing.
    mariadb.sql("UPDATE mc_ef_court SET updated_at = '2020-01-01 00:00:00' WHERE court_code = "
                f"{_q(code)}")
    r = save(s, ap, code, {})
    assert "Nothing was changed" in plain(r.text)
    assert mariadb.value("SELECT updated_at FROM mc_ef_court WHERE court_code = "
                         f"{_q(code)}") == "2020-01-01 00:00:00"
    assert mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'efiling-setup' AND "
                         f"detail LIKE 'court {code}:%'") == "1"
    # Participation back on; a reactivated code.
    save(s, ap, code, {"participates": "1", field(mariadb, code, "EXH", "active"): "1"})
    st = state(mariadb, code)
    assert st["efiling"] == "1" and ["EXH", "Exhibit", "500", "0", "1"] in st["codes"]


def test_active_content_choice(apache, new_account, smtp, mariadb):
    """Issue 11 §11: the court's page chooses what becomes of PDFs with
    active content: refused (the default) or accepted and flagged for the
    clerk. The choice is saved, shown, audited, and a made-up value is
    refused with nothing saved."""
    ap = apache
    court = ef_court(mariadb)
    code = court["code"]

    def choice():
        return mariadb.value(f"SELECT active_content FROM mc_ef_court WHERE court_code = "
                             f"{_q(code)}")

    def checked(html):
        return [v for v in ("refuse", "flag")
                if re.search(r'<input[^>]*value="%s"[^>]*checked' % v, html)]

    s, sec = security_session(ap, new_account, smtp)
    r = court_page(s, ap, code)
    assert "PDFs with active content (JavaScript, Launch actions, embedded files)" in plain(r.text)
    assert checked(r.text) == ["refuse"]
    r = save(s, ap, code, {"active_content": "flag"})
    assert "The court's set-up was saved." in plain(r.text)
    assert choice() == "flag" and checked(court_page(s, ap, code).text) == ["flag"]
    audit = mariadb.value("SELECT detail FROM mc_audit WHERE event = 'efiling-setup' AND "
                          f"detail LIKE 'court {code}:%' ORDER BY id DESC LIMIT 1")
    assert "active content flag" in audit, audit
    r = save(s, ap, code, {"active_content": "allow"}, expect=400)
    assert ("PDFs with active content: choose whether they are refused or accepted and flagged "
            "for the clerk.") in plain(r.text)
    assert choice() == "flag"
    save(s, ap, code, {"active_content": "refuse"})
    assert choice() == "refuse" and checked(court_page(s, ap, code).text) == ["refuse"]


def test_court_without_setup_gets_one(apache, new_account, smtp, mariadb):
    ap = apache
    court = seed_court(mariadb, efiling=False)
    s, _ = security_session(ap, new_account, smtp)
    r = court_page(s, ap, court["code"])
    assert "has no eFiling set-up yet" in plain(r.text)
    assert value_of(r.text, "max_size") == "25MB"
    # Participating needs a filing code (the loader's rule).
    r = save(s, ap, court["code"], {"participates": "1"}, expect=400)
    assert (f"Court {court['code']} participates but has no active filing code: nothing could "
            "be filed.") in plain(r.text)
    assert state(mariadb, court["code"])["court"] == []
    save(s, ap, court["code"], {"participates": "1", "type_CC": "1", "new_code": "PET",
                                "new_name": "Petition", "new_fee": "95", "new_initiating": "1"})
    assert state(mariadb, court["code"]) == {
        "efiling": "1", "court": [[str(25 * 1024 * 1024), "0"]], "types": ["CC"],
        "codes": [["PET", "Petition", "9500", "1", "1"]]}


def test_bad_values_refused(apache, new_account, smtp, mariadb):
    ap = apache
    court = ef_court(mariadb)
    code = court["code"]
    s, _ = security_session(ap, new_account, smtp)
    before = state(mariadb, code)
    pet_fee, pet_name = field(mariadb, code, "PET", "fee"), field(mariadb, code, "PET", "name")
    cases = [
        ({"max_size": "512KB"}, "Maximum document size: '512KB' is refused: a size is at least "
                                "1 MB."),
        ({"max_size": "2GB"}, "Maximum document size: '2GB' is refused: a size is at most 1 GB."),
        ({"max_size": "lots"}, "Maximum document size: 'lots' is refused: a size is a whole "
                               "number of bytes, KB, MB or GB (e.g. 25MB)."),
        ({"max_size": ""}, "Maximum document size: enter a size from 1 MB to 1 GB"),
        ({pet_fee: "9.995"}, "Filing code PET: fee '9.995' is refused: a fee is dollars and "
                             "cents with at most two decimals (e.g. 95.00)."),
        ({pet_fee: "-1"}, "Filing code PET: fee '-1' is refused: a fee may not be negative."),
        ({pet_fee: "100000.01"}, "Filing code PET: fee '100000.01' is refused: a fee is at most "
                                 "100000.00."),
        ({pet_name: ""}, "Filing code PET: the name is empty"),
        ({pet_name: "x" * 201}, "Filing code PET: the name is longer than 200 characters."),
        ({"new_code": "bad code", "new_name": "X", "new_fee": "1"},
         "New filing code: code 'bad code' is not 1 to 20 upper-case letters, digits and '-'."),
        ({"new_code": "PET", "new_name": "Again", "new_fee": "1"},
         "New filing code: code PET already exists in this court"),
        ({"new_code": "NEW", "new_name": "", "new_fee": ""}, "New filing code: the name is empty"),
        ({field(mariadb, code, "PET", "initiating"): None},
         f"Court {code} lets cases be initiated but no active filing code is initiating"),
        ({field(mariadb, code, c, "active"): None for c in ("PET", "MOT", "ANS", "EXH")},
         f"Court {code} participates but has no active filing code: nothing could be filed."),
    ]
    for fields, msg in cases:
        r = save(s, ap, code, fields, expect=400)
        t = plain(r.text)
        assert "The set-up was not saved" in t and msg in t, (fields, t[:2000])
        # What was typed is kept.
        for k, v in fields.items():
            if v and not k.endswith(("_initiating", "_active")):
                assert value_of(r.text, k) == v.replace("&", "&amp;"), k
        assert state(mariadb, code) == before, fields
    # Several at once: every sentence.
    r = save(s, ap, code, {"max_size": "1KB", pet_fee: "abc"}, expect=400)
    t = plain(r.text)
    assert "a size is at least 1 MB" in t and "Filing code PET: fee 'abc' is refused" in t
    assert state(mariadb, code) == before
    assert mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'efiling-setup' AND "
                         f"detail LIKE 'court {code}:%'") == "0"
