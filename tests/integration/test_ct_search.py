"""Case.net's five public searches and the case page (seed 002: "Public
searches — litigant name, case number, filing date, scheduled hearings, and
judgment index — require no login and no account"). Each test seeds its own
courts and names (unique_tag) and asserts the exact answers; confidential
cases never show. The module runs on its own Apache with the anonymous
search limit Off (test_ct_ratelimit.py covers the limit)."""
import html as htmllib
import re
from urllib.parse import urlencode, urlparse, parse_qs

import pytest

from harness import web
from helpers_casenet import (CASENET, seed_attorney, seed_case, seed_court, seed_docket,
                             seed_hearing, seed_judge, seed_judgment, seed_party, unique_tag)
from helpers_core import logon_full, module_site

MSG_NUMBER = ("Enter the case number as it appears on court papers, for example "
              "22SL-CC01234.")


ap = module_site("ctsearch", {"MoCourtsCaseNetSearchLimit": "Off",
                             "MoCourtsNewDeviceCode": "Off"})


def text(fragment):
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def search(http, ap, what, **params):
    return http.get(ap.url(f"{CASENET}/search/{what}") + "?" + urlencode(params), timeout=30)


def results(page):
    """The result table's rows, each a list of cell texts."""
    m = re.search(r'<div id="results">(.*?)</div>', page, re.S)
    assert m, "no results block:\n" + page[:3000]
    body = re.search(r"<tbody>(.*?)</tbody>", m.group(1), re.S)
    if not body:
        return []
    return [[text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
            for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)]


def found(page):
    m = re.search(r"(\d+) (case|hearing|judgment)\(s\) found\.", page)
    assert m, "no count in page:\n" + page[:3000]
    return int(m.group(1))


def col(rows, i):
    return [r[i] for r in rows]


def refused(r, message):
    assert r.status_code == 400, r.text[:2000]
    assert message in htmllib.unescape(r.text), r.text[:3000]
    assert 'id="results"' not in r.text


def value_of(page, name):
    m = re.search(r'<input[^>]*name="%s"[^>]*>' % name, page)
    assert m, f"no input {name}"
    v = re.search(r'value="([^"]*)"', m.group(0))
    return htmllib.unescape(v.group(1)) if v else ""


# ---- the search home ----------------------------------------------------------------

def test_home_lists_five_searches(ap, http):
    r = http.get(ap.url(CASENET + "/"), timeout=30)
    assert r.status_code == 200
    page = htmllib.unescape(r.text)
    assert ("Public searches — litigant name, case number, filing date, scheduled hearings, "
            "and judgment index — require no login and no account.") in page
    for label, path in (("Litigant Name", "name"), ("Case Number", "number"),
                        ("Filing Date", "date"), ("Scheduled Hearings", "hearings"),
                        ("Judgment Index", "judgments")):
        assert re.search(r'<a href="%s/search/%s">%s</a>' % (CASENET, path, label), page), label
    for path in ("name", "number", "date", "hearings", "judgments"):
        r = http.get(ap.url(f"{CASENET}/search/{path}"), timeout=30)
        assert r.status_code == 200 and "<form" in r.text and 'id="results"' not in r.text


# ---- 1. litigant name ----------------------------------------------------------------

@pytest.fixture
def people(mariadb):
    t = unique_tag()
    a = seed_court(mariadb)
    b = seed_court(mariadb)
    c1 = seed_case(mariadb, a, caption=f"{t}SMITH V ACME", case_type="CC", filed_on="2026-01-05")
    c2 = seed_case(mariadb, b, caption=f"IN RE {t}SMITH", case_type="AC", filed_on="2026-02-10")
    c3 = seed_case(mariadb, a, caption=f"{t}SMYTH V STATE", case_type="CC",
                   filed_on="2026-01-20")
    c4 = seed_case(mariadb, a, caption=f"{t}SMITHERS V DOE", confidential=True,
                   filed_on="2026-01-06")
    seed_party(mariadb, c1[0], f"{t}SMITH", "JOHN", "ALAN", birth_year=1970, city="Clayton")
    seed_party(mariadb, c1[0], f"{t}SMITH HOLDINGS LLC", role="defendant", kind="business")
    seed_party(mariadb, c2[0], f"{t}SMITH", "JANE", birth_year=1985, role="petitioner")
    seed_party(mariadb, c3[0], f"{t}SMYTH", "JOHN", birth_year=1970)
    seed_party(mariadb, c4[0], f"{t}SMITHERS", "BOB", birth_year=1970)
    return dict(t=t, a=a, b=b, c1=c1[1], c2=c2[1], c3=c3[1], c4=c4[1])


def test_name_prefix_and_columns(ap, http, people):
    t, p = people["t"], people
    r = search(http, ap, "name", last=f"{t.lower()}smi")
    assert r.status_code == 200
    rows = results(r.text)
    assert found(r.text) == 3
    assert sorted(col(rows, 0)) == sorted([f"{t}SMITH, JOHN ALAN", f"{t}SMITH, JANE",
                                           f"{t}SMITH HOLDINGS LLC"])
    john = next(x for x in rows if x[0] == f"{t}SMITH, JOHN ALAN")
    assert john == [f"{t}SMITH, JOHN ALAN", "Plaintiff", "1970", p["c1"], f"{t}SMITH V ACME",
                    p["a"]["name"], "2026-01-05"]
    assert f'href="{CASENET}/case/{p["c1"]}"' in r.text
    # The confidential case's party is nowhere, not even in the count.
    assert p["c4"] not in r.text and "SMITHERS" not in r.text
    r = search(http, ap, "name", last=f"{t}SMITHE")
    assert found(r.text) == 0 and results(r.text) == []
    # What was typed is shown again.
    assert value_of(r.text, "last") == f"{t}SMITHE"


@pytest.mark.parametrize("params,expect", [
    ({"first": "jo"}, ["SMITH, JOHN ALAN"]),
    ({"middle": "AL"}, ["SMITH, JOHN ALAN"]),
    ({"birth_from": "1980"}, ["SMITH, JANE"]),
    ({"birth_to": "1975"}, ["SMITH, JOHN ALAN"]),
    ({"birth_from": "1970", "birth_to": "1970"}, ["SMITH, JOHN ALAN"]),
    ({"case_type": "AC"}, ["SMITH, JANE"]),
    ({"filed_from": "2026-02-01"}, ["SMITH, JANE"]),
    ({"filed_to": "2026-01-31"}, ["SMITH HOLDINGS LLC", "SMITH, JOHN ALAN"]),
    ({"filed_from": "2026-01-05", "filed_to": "2026-01-05"},
     ["SMITH HOLDINGS LLC", "SMITH, JOHN ALAN"]),
    ({"court": "B"}, ["SMITH, JANE"]),
])
def test_name_filters(ap, http, people, params, expect):
    t = people["t"]
    if params.get("court") == "B":
        params = dict(params, court=people["b"]["code"])
    r = search(http, ap, "name", last=f"{t}SMITH", **params)
    assert r.status_code == 200, r.text[:2000]
    names = sorted(n[len(t):] for n in col(results(r.text), 0))
    assert names == sorted(expect)
    assert found(r.text) == len(expect)
    for k, v in params.items():
        if k not in ("case_type", "court"):
            assert value_of(r.text, k) == v
    if "case_type" in params:
        assert re.search(r'<option value="AC" selected', r.text)


def test_name_sounds_like(ap, http, people):
    t, a, b = people["t"], people["a"], people["b"]
    r = search(http, ap, "name", last=f"{t}SMITH", sounds="1", court=a["code"])
    assert col(results(r.text), 0) == [f"{t}SMITH, JOHN ALAN", f"{t}SMYTH, JOHN"]
    r = search(http, ap, "name", last=f"{t}SMITH", sounds="1", court=a["code"], dir="desc")
    assert col(results(r.text), 0) == [f"{t}SMYTH, JOHN", f"{t}SMITH, JOHN ALAN"]
    assert found(r.text) == 2
    assert re.search(r'<input type="checkbox" id="sounds" name="sounds" value="1" checked',
                     r.text)
    r = search(http, ap, "name", last=f"{t}SMITH", sounds="1", court=b["code"])
    assert col(results(r.text), 0) == [f"{t}SMITH, JANE"]
    # Without "sounds like", SMYTH is not a prefix of SMITH.
    r = search(http, ap, "name", last=f"{t}SMITH", court=a["code"])
    assert f"{t}SMYTH" not in r.text


def test_name_paging_and_sorting(ap, http, mariadb):
    t = unique_tag()
    court = seed_court(mariadb)
    for i in range(30):
        cid, _ = seed_case(mariadb, court, caption=f"{t} CASE {i:02d}",
                           filed_on=f"2025-{i % 12 + 1:02d}-{i % 28 + 1:02d}")
        seed_party(mariadb, cid, f"{t}PAGE", f"F{i:02d}", birth_year=1950 + i)
    r = search(http, ap, "name", last=f"{t}PAGE")
    rows = results(r.text)
    assert found(r.text) == 30 and len(rows) == 25
    assert col(rows, 0) == [f"{t}PAGE, F{i:02d}" for i in range(25)]
    assert "Page 1 of 2" in text(r.text)
    assert 'rel="prev"' not in r.text
    nxt = htmllib.unescape(re.search(r'<a href="([^"]+)" rel="next">Next</a>', r.text).group(1))
    q = parse_qs(urlparse(nxt).query)
    assert q["last"] == [f"{t}PAGE"] and q["page"] == ["2"] and q["sort"] == ["name"]
    r2 = http.get(ap.url(nxt), timeout=30)
    rows2 = results(r2.text)
    assert col(rows2, 0) == [f"{t}PAGE, F{i:02d}" for i in range(25, 30)]
    assert 'rel="next"' not in r2.text and "Page 2 of 2" in text(r2.text)
    prev = htmllib.unescape(re.search(r'<a href="([^"]+)" rel="prev">', r2.text).group(1))
    assert col(results(http.get(ap.url(prev), timeout=30).text), 0) == col(rows, 0)
    # A page past the end shows the last page.
    r3 = search(http, ap, "name", last=f"{t}PAGE", page="99")
    assert len(results(r3.text)) == 5
    # Sorting: name descending, then by year of birth (descending), via the
    # header links; an unknown sort key falls back to the name.
    r = search(http, ap, "name", last=f"{t}PAGE", sort="name", dir="desc")
    assert col(results(r.text), 0)[:3] == [f"{t}PAGE, F29", f"{t}PAGE, F28", f"{t}PAGE, F27"]
    r = search(http, ap, "name", last=f"{t}PAGE", sort="birth", dir="desc")
    assert col(results(r.text), 2)[:2] == ["1979", "1978"]
    link = htmllib.unescape(re.search(r'<a href="([^"]+)">Filing Date</a>', r.text).group(1))
    r = http.get(ap.url(link), timeout=30)
    dates = col(results(r.text), 6)
    assert dates == sorted(dates) and len(dates) == 25
    r = search(http, ap, "name", last=f"{t}PAGE", sort="p.id; DROP TABLE mc_case", dir="x")
    assert r.status_code == 200
    assert col(results(r.text), 0)[0] == f"{t}PAGE, F00"


def test_name_bad_input(ap, http):
    refused(search(http, ap, "name", last="", first="JOHN"),
            "Enter a last name or business name (at least 2 letters) to search.")
    r = search(http, ap, "name", last="S", first="JOHN")
    refused(r, "Last Name or Business Name: enter at least 2 letters.")
    assert value_of(r.text, "first") == "JOHN" and value_of(r.text, "last") == "S"
    r = search(http, ap, "name", last="SMITH", filed_from="2026-03-01", filed_to="2026-02-01")
    refused(r, 'Filing Date: the "to" date (2026-02-01) is before the "from" date (2026-03-01).')
    assert value_of(r.text, "filed_from") == "2026-03-01"
    r = search(http, ap, "name", last="SMITH", filed_from="2026-02-30")
    refused(r, 'Filing Date from: "2026-02-30" is not a real date.')
    # Quoted in the sentence, not put back in the date field (which cannot hold it).
    assert value_of(r.text, "filed_from") == ""
    refused(search(http, ap, "name", last="SMITH", birth_from="19x0"),
            'Year of Birth from: "19x0" is not a year.')
    refused(search(http, ap, "name", last="SMITH", birth_from="1990", birth_to="1980"),
            'Year of Birth: the "to" year is before the "from" year.')
    refused(search(http, ap, "name", last="SMITH", court="NOPE"),
            "Court: choose one from the list.")
    refused(search(http, ap, "name", last="X" * 101), "enter at most 100 characters.")


# ---- 2. case number ------------------------------------------------------------------

def test_number_search(ap, http, mariadb):
    t = unique_tag()
    a, b = seed_court(mariadb), seed_court(mariadb)
    _, n1 = seed_case(mariadb, a, caption=f"{t} V ONE", filed_on="2026-03-03")
    _, n2 = seed_case(mariadb, a, caption=f"{t} V SECRET", confidential=True)
    r = search(http, ap, "number", number=n1.lower())
    assert r.status_code == 200
    assert found(r.text) == 1
    assert results(r.text) == [[n1, f"{t} V ONE", a["name"], "Circuit Civil", "2026-03-03",
                                "open"]]
    assert f'href="{CASENET}/case/{n1}"' in r.text
    assert found(search(http, ap, "number", number=n1, court=a["code"]).text) == 1
    assert found(search(http, ap, "number", number=n1, court=b["code"]).text) == 0
    r = search(http, ap, "number", number=n2)
    assert found(r.text) == 0 and n2 not in r.text.replace(value_of(r.text, "number"), "")
    r = search(http, ap, "number", number="22SL-CC1234")
    refused(r, MSG_NUMBER)
    assert value_of(r.text, "number") == "22SL-CC1234"
    refused(search(http, ap, "number", number="SMITH"), MSG_NUMBER)
    refused(search(http, ap, "number", number=""),
            "Enter a case number to search, for example 22SL-CC01234.")


# ---- 3. filing date ---------------------------------------------------------------------

def test_date_search(ap, http, mariadb):
    t = unique_tag()
    a, b = seed_court(mariadb), seed_court(mariadb)
    _, n1 = seed_case(mariadb, a, caption=f"{t} B", case_type="CC", filed_on="2026-04-01")
    _, n2 = seed_case(mariadb, a, caption=f"{t} A", case_type="SC", filed_on="2026-04-01")
    seed_case(mariadb, a, caption=f"{t} C", case_type="CC", filed_on="2026-04-02")
    seed_case(mariadb, b, caption=f"{t} D", case_type="CC", filed_on="2026-04-01")
    _, n5 = seed_case(mariadb, a, caption=f"{t} E", filed_on="2026-04-01", confidential=True)
    r = search(http, ap, "date", court=a["code"], date="2026-04-01")
    assert r.status_code == 200
    assert found(r.text) == 2 and sorted(col(results(r.text), 0)) == sorted([n1, n2])
    assert n5 not in r.text
    r = search(http, ap, "date", court=a["code"], date="2026-04-01", case_type="SC")
    assert col(results(r.text), 0) == [n2] and found(r.text) == 1
    r = search(http, ap, "date", court=a["code"], date="2026-04-01", sort="caption")
    assert col(results(r.text), 1) == [f"{t} A", f"{t} B"]
    r = search(http, ap, "date", court=a["code"], date="2026-04-01", sort="caption", dir="desc")
    assert col(results(r.text), 1) == [f"{t} B", f"{t} A"]
    r = search(http, ap, "date", court="", date="")
    refused(r, "Court: choose one from the list.")
    refused(r, "Filing Date: enter a date, for example 2026-01-05.")
    r = search(http, ap, "date", court=a["code"], date="2026-13-01")
    refused(r, 'Filing Date: "2026-13-01" is not a real date.')
    assert re.search(r'<option value="%s" selected' % a["code"], r.text)


# ---- 4. scheduled hearings -----------------------------------------------------------------

def test_hearings_search(ap, http, mariadb):
    t = unique_tag()
    a, b = seed_court(mariadb), seed_court(mariadb)
    judge = seed_judge(mariadb, a, f"Hon. {t} Carter")
    other = seed_judge(mariadb, a, f"Hon. {t} Baker")
    c1, n1 = seed_case(mariadb, a, caption=f"{t} ONE", judge_id=judge)
    c2, n2 = seed_case(mariadb, a, caption=f"{t} TWO", judge_id=other)
    c3, n3 = seed_case(mariadb, a, caption=f"{t} SECRET", confidential=True)
    c4, _ = seed_case(mariadb, b, caption=f"{t} OTHER COURT")
    seed_hearing(mariadb, c1, "2026-05-04 09:00:00", "Case Review", f"{t} Division 1")
    seed_hearing(mariadb, c2, "2026-05-05 13:30:00", "Trial", f"{t} Division 2",
                 judge_id=other)
    seed_hearing(mariadb, c1, "2026-05-20 10:00:00", "Motion", f"{t} Division 1")
    seed_hearing(mariadb, c3, "2026-05-05 09:00:00", "Trial", f"{t} Division 1")
    seed_hearing(mariadb, c4, "2026-05-05 09:00:00", "Trial", f"{t} Division 1")
    r = search(http, ap, "hearings", court=a["code"], **{"from": "2026-05-04", "to": "2026-05-05"})
    assert r.status_code == 200
    assert results(r.text) == [
        ["2026-05-04 09:00", n1, f"{t} ONE", "Case Review", f"{t} Division 1", f"Hon. {t} Carter"],
        ["2026-05-05 13:30", n2, f"{t} TWO", "Trial", f"{t} Division 2", f"Hon. {t} Baker"]]
    assert found(r.text) == 2 and n3 not in r.text
    # The court's judges are offered for the Judge field.
    datalist = re.search(r'<datalist id="judges">(.*?)</datalist>', r.text, re.S).group(1)
    assert re.findall(r'<option value="([^"]+)">', datalist) == [f"Hon. {t} Baker",
                                                                 f"Hon. {t} Carter"]
    rng = {"from": "2026-05-01", "to": "2026-05-31"}
    r = search(http, ap, "hearings", court=a["code"], judge=f"{t} carter", **rng)
    assert col(results(r.text), 1) == [n1, n1] and found(r.text) == 2
    r = search(http, ap, "hearings", court=a["code"], location=f"{t} Division 2", **rng)
    assert col(results(r.text), 1) == [n2]
    r = search(http, ap, "hearings", court=a["code"], sort="when", dir="desc", **rng)
    assert col(results(r.text), 0) == ["2026-05-20 10:00", "2026-05-05 13:30", "2026-05-04 09:00"]
    r = search(http, ap, "hearings", court=a["code"], **{"from": "2026-05-10", "to": "2026-05-01"})
    refused(r, 'Hearing Date: the "to" date (2026-05-01) is before the "from" date (2026-05-10).')
    assert value_of(r.text, "from") == "2026-05-10" and value_of(r.text, "to") == "2026-05-01"
    refused(search(http, ap, "hearings", court=a["code"],
                   **{"from": "2026-05-01", "to": "2026-07-01"}),
            "Hearing Date: the range can be at most 31 days.")
    r = search(http, ap, "hearings", court="", judge="x")
    refused(r, "Court: choose one from the list.")
    refused(r, "Hearing Date from: enter a date")


# ---- 5. judgment index ------------------------------------------------------------------------

def test_judgments_search(ap, http, mariadb):
    t = unique_tag()
    a, b = seed_court(mariadb), seed_court(mariadb)
    c1, n1 = seed_case(mariadb, a, caption=f"{t} BANK V JONES")
    c2, n2 = seed_case(mariadb, b, caption=f"{t} BANK V JONAS")
    c3, n3 = seed_case(mariadb, a, caption=f"{t} SECRET", confidential=True)
    seed_judgment(mariadb, c1, f"{t}JONES, PAT", f"{t}BANK NA", "1500.00", "2026-02-01")
    seed_judgment(mariadb, c2, f"{t}JONAS, KIM", f"{t}BANK NA", "250.50", "2026-03-15",
                  satisfied=True)
    seed_judgment(mariadb, c3, f"{t}JONES, SECRET", f"{t}BANK NA", "9.99", "2026-02-01")
    r = search(http, ap, "judgments", name=f"{t}jon", party="debtor")
    assert r.status_code == 200
    assert results(r.text) == [
        [f"{t}JONAS, KIM", f"{t}BANK NA", "$250.50", "2026-03-15", "Yes", n2],
        [f"{t}JONES, PAT", f"{t}BANK NA", "$1500.00", "2026-02-01", "No", n1]]
    assert found(r.text) == 2 and "SECRET" not in r.text and n3 not in r.text
    r = search(http, ap, "judgments", name=f"{t}BANK", party="creditor")
    assert sorted(col(results(r.text), 5)) == sorted([n1, n2])
    assert re.search(r'id="party_creditor" name="party" value="creditor" checked', r.text)
    assert found(search(http, ap, "judgments", name=f"{t}BANK", party="debtor").text) == 0
    r = search(http, ap, "judgments", name=f"{t}JON", satisfied="yes")
    assert col(results(r.text), 5) == [n2]
    r = search(http, ap, "judgments", name=f"{t}JON", satisfied="no")
    assert col(results(r.text), 5) == [n1]
    r = search(http, ap, "judgments", name=f"{t}JON", court=b["code"])
    assert col(results(r.text), 5) == [n2]
    r = search(http, ap, "judgments", name=f"{t}JON", **{"from": "2026-03-01"})
    assert col(results(r.text), 5) == [n2]
    r = search(http, ap, "judgments", name=f"{t}JON", **{"to": "2026-02-28"})
    assert col(results(r.text), 5) == [n1]
    r = search(http, ap, "judgments", name=f"{t}JON", sort="amount", dir="desc")
    assert col(results(r.text), 2) == ["$1500.00", "$250.50"]
    refused(search(http, ap, "judgments", name="", party="debtor"),
            "Enter a debtor's or creditor's name (at least 2 letters) to search.")
    r = search(http, ap, "judgments", name=f"{t}JON", **{"from": "2026-04-01", "to": "2026-01-01"})
    refused(r, 'Date Entered: the "to" date (2026-01-01) is before the "from" date (2026-04-01).')
    assert value_of(r.text, "name") == f"{t}JON"


# ---- the case page ------------------------------------------------------------------------------

def test_case_page(ap, http, mariadb):
    t = unique_tag()
    court = seed_court(mariadb)
    judge = seed_judge(mariadb, court, f"Hon. {t} Rivera")
    cid, number = seed_case(mariadb, court, caption=f"{t} V STATE", case_type="DR",
                            filed_on="2026-01-05", judge_id=judge)
    pid = seed_party(mariadb, cid, f"{t}DOE", "JANE", birth_year=1980, city="Clayton",
                     role="petitioner")
    seed_party(mariadb, cid, f"{t}DOE", "JOHN", role="respondent", city="Ladue")
    seed_attorney(mariadb, cid, f"{t} Counsel", party_id=pid, bar_number="12345",
                  firm="Counsel LLC")
    seed_docket(mariadb, cid, "2026-01-05", "Petition Filed", f"{t} petition", "Jane Doe")
    seed_docket(mariadb, cid, "2026-02-01", "Order", f"{t} order entered", "Court")
    seed_hearing(mariadb, cid, "2026-06-01 09:30:00", "Case Review", "Division 3",
                 judge_id=judge)
    seed_judgment(mariadb, cid, f"{t}DOE, JOHN", f"{t}DOE, JANE", "700.00", "2026-03-01")
    r = http.get(ap.url(f"{CASENET}/case/{number}"), timeout=30)
    assert r.status_code == 200
    page = r.text
    assert f"<h1>Case {number}</h1>" in page
    header = text(re.search(r'<dl class="case-header">(.*?)</dl>', page, re.S).group(1))
    for v in (number, f"{t} V STATE", court["name"], "Domestic Relations", "2026-01-05",
              "Open", f"Hon. {t} Rivera"):
        assert v in header

    def section(name):
        m = re.search(r'<section[^>]*id="%s">(.*?)</section>' % name, page, re.S)
        return [[text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
                for tr in re.findall(r"<tr>(.*?)</tr>", m.group(1), re.S)][1:]

    assert section("parties") == [[f"{t}DOE, JANE", "Petitioner", "Clayton", "1980"],
                                  [f"{t}DOE, JOHN", "Respondent", "Ladue", ""]]
    assert section("attorneys") == [[f"{t} Counsel", "12345", "Counsel LLC", f"{t}DOE, JANE"]]
    # The docket: a timeline, newest first (tests/integration/test_ct_look.py):
    # each entry's date, type, text and filer.
    docket = re.search(r'<section[^>]*id="docket">(.*?)</section>', page, re.S).group(1)
    parts = (r'<time[^>]*>(.*?)</time>|<strong class="entry-type">(.*?)</strong>|'
             r'<div class="entry-text">(.*?)</div>|<div class="filed-by[^"]*">Filed By: (.*?)</div>')
    entries = [[text(g) for m in re.findall(parts, li, re.S) for g in m if g]
               for li in re.findall(r"<li>(.*?)</li>", docket, re.S)]
    assert entries == [["2026-02-01", "Order", f"{t} order entered", "Court"],
                       ["2026-01-05", "Petition Filed", f"{t} petition", "Jane Doe"]], entries
    assert section("hearings") == [["2026-06-01 09:30", "Case Review", "Division 3",
                                    f"Hon. {t} Rivera"]]
    assert section("judgments") == [[f"{t}DOE, JOHN", f"{t}DOE, JANE", "$700.00", "2026-03-01",
                                     "No"]]
    assert re.search(r'<a href="%s/track/%s"[^>]*>Track This Case</a>' % (CASENET, number), page)
    form = [f for f in web.forms(page) if f["action"] == f"{CASENET}/mycases/add"]
    assert form and form[0]["method"].lower() == "post" and form[0]["fields"]["case"] == number
    assert "Add to Manage My Case" in page
    assert "Clerk actions" not in page
    # Lower case in the address finds the same case.
    assert http.get(ap.url(f"{CASENET}/case/{number.lower()}"), timeout=30).status_code == 200


def test_case_page_clerk_link(ap, mariadb, new_account, smtp):
    court, other = seed_court(mariadb), seed_court(mariadb)
    _, number = seed_case(mariadb, court)
    clerk = new_account(roles=("clerk",), scope=court["code"])
    elsewhere = new_account(roles=("clerk",), scope=other["code"])
    s = web.new_session()
    logon_full(s, ap, clerk, smtp)
    page = s.get(ap.url(f"{CASENET}/case/{number}"), timeout=30).text
    assert re.search(r'<a href="%s/clerk/case/%s"[^>]*>Clerk actions</a>' % (CASENET, number),
                     page)
    s2 = web.new_session()
    logon_full(s2, ap, elsewhere, smtp)
    r = s2.get(ap.url(f"{CASENET}/case/{number}"), timeout=30)
    assert r.status_code == 200 and "Clerk actions" not in r.text


def test_confidential_case_is_not_found(ap, http, mariadb):
    t = unique_tag()
    court = seed_court(mariadb)
    cid, number = seed_case(mariadb, court, caption=f"{t} SEALED", confidential=True)
    seed_party(mariadb, cid, f"{t}SEALED", "ANN")
    gone = http.get(ap.url(f"{CASENET}/case/{number}"), timeout=30)
    # A number of the same shape that no case has.
    missing = number[:7] + ("99999" if number[7:] != "99999" else "99998")
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_case WHERE number = '{missing}'") in (0, "0")
    none = http.get(ap.url(f"{CASENET}/case/{missing}"), timeout=30)
    assert gone.status_code == none.status_code == 404
    assert "Case not found" in gone.text
    assert gone.text == none.text
    assert t not in gone.text
    # And in no search.
    assert found(search(http, ap, "name", last=f"{t}SEALED").text) == 0
    assert found(search(http, ap, "number", number=number).text) == 0
    assert found(search(http, ap, "date", court=court["code"], date="2026-01-05").text) == 0


def test_name_count_is_capped(ap, http, mariadb):
    """Past 500 rows the count stops: the page says so, paging ends at page
    20, and another sort orders the first 500 by name."""
    t = unique_tag()
    court = seed_court(mariadb)
    cid, number = seed_case(mariadb, court, caption=f"{t} MANY")
    mariadb.sql(
        "INSERT INTO mc_party (case_id, ref, kind, role, last_name, first_name, birth_year) "
        f"SELECT {cid}, CONCAT('P', seq), 'person', 'other', '{t}MANY', "
        "CONCAT('F', LPAD(seq, 4, '0')), IF(seq > 500, 2005, 1900 + seq % 100) "
        "FROM seq_1_to_510")
    r = search(http, ap, "name", last=f"{t}MANY")
    assert r.status_code == 200
    assert ("More than 500 case(s) found. Only the first 500 are shown: add letters or "
            "filters to narrow the search.") in r.text
    assert "Page 1 of 20" in text(r.text)
    r = search(http, ap, "name", last=f"{t}MANY", page="21")
    assert "Page 20 of 20" in text(r.text) and 'rel="next"' not in r.text
    assert col(results(r.text), 0)[-1] == f"{t}MANY, F0500"
    # Sorted by year of birth, descending: among F0001..F0500 the 99s
    # (F0099, ..., F0499) come first; F0501..F0510 (born 2005) are past the
    # first 500 by name, so they are not in the sorted set.
    r = search(http, ap, "name", last=f"{t}MANY", sort="birth", dir="desc")
    rows = results(r.text)
    assert col(rows, 2)[:5] == ["1999"] * 5 and col(rows, 2)[5] == "1998" and len(rows) == 25
    assert sorted(col(rows, 0)[:5]) == [f"{t}MANY, F{i * 100 + 99:04d}" for i in range(5)]
