"""Case.net's cache of public search results (plugins/casetrack/search_cache.c,
issue 13): a repeated search is answered from the process's cache, and every
write that changes a result (the clerk pages, the import, making a case
confidential) shows in the very next search, on this Apache and on another
one on the same database; MoCourtsCaseNetCacheTTL 0 turns the cache off; the
key tells every parameter apart; the cache stays within its bounds.

The proof that an answer came from the cache: a row changed straight in the
database WITHOUT the generation bump every writer makes (what no writer in
the code does) is not seen by a repeated search, and is seen at once after
the bump. The debug log line "Case.net search cache: hit|miss|stale|stored"
(LogLevel mocourts_casetrack:debug) says the same."""
import re
import secrets
from urllib.parse import urlencode

from harness import web
from harness.admin import Admin
from helpers_casenet import (CASENET, search_changed, seed_case, seed_court, seed_hearing,
                             seed_judge, seed_judgment, seed_party, unique_tag)
from helpers_core import account_browser, module_site, plain

SITE = {"MoCourtsCaseNetSearchLimit": "Off", "MoCourtsNewDeviceCode": "Off"}
# One child: a repeated search meets the cache of the process that stored it.
ONE_CHILD = ("ServerLimit 1\nStartServers 1\nThreadsPerChild 25\nMaxRequestWorkers 25\n"
             "MinSpareThreads 5\nMaxSpareThreads 25\n")
DEBUG = "info mocourts:debug mocourts_casetrack:debug"
CACHE_LINE = re.compile(r"Case\.net search cache: (\w+) (\S+) \(generation (\d+); (\d+) entries, "
                        r"(\d+) bytes\)")
CACHE_ENTRIES = 256            # search_cache.h
CACHE_BYTES = 4 << 20

ap = module_site("ctcache", SITE, extra_conf=ONE_CHILD, log_level=DEBUG)
off = module_site("ctcacheoff", dict(SITE, MoCourtsCaseNetCacheTTL="0"), extra_conf=ONE_CHILD,
                  log_level=DEBUG, fixture="off")


def get(http, site, what, **params):
    r = http.get(site.url(f"{CASENET}/search/{what}") + "?" + urlencode(params), timeout=30)
    assert r.status_code == 200, (r.status_code, r.text[:1500])
    return r


def answer(r):
    """What a search page says: its count sentence and its result rows (the
    per-visitor parts, e.g. the CSRF token of the logon link, left out)."""
    m = re.search(r'<div id="results">(.*?)</div>', r.text, re.S)
    count = re.search(r"(\d+ \w+\(s\) found\.|More than \d+ \w+\(s\) found\.)", r.text)
    return (count.group(1) if count else None, plain(m.group(1)).strip() if m else None)


def cache_events(site, since):
    """(event, path, generation, entries, bytes) of each cache log line."""
    return [m.groups() for m in map(CACHE_LINE.search, site.error_log_lines(since)) if m]


def events(site, since):
    return [e[0] for e in cache_events(site, since)]


def people(mariadb, court, tag, n=1):
    case_id, number = seed_case(mariadb, court, caption=f"{tag} V ACME")
    for i in range(n):
        seed_party(mariadb, case_id, last=f"{tag}SMITH", first=f"ANN{i:02d}")
    return case_id, number


def clerk(site, new_account, smtp, court):
    s, _ = account_browser(site, new_account, smtp, ["clerk"], court["code"], prefix="ccclerk")
    return s


def clerk_page(s, site, number):
    r = s.get(site.url(f"{CASENET}/clerk/case/{number}"), timeout=30)
    assert r.status_code == 200, (r.status_code, r.text[:1500])
    return r


def test_repeated_search_is_answered_from_the_cache(ap, http, mariadb):
    court, tag = seed_court(mariadb), unique_tag()
    case_id, _ = people(mariadb, court, tag)
    since = ap.error_log_offset()
    first = get(http, ap, "name", last=f"{tag}SMITH")
    assert answer(first)[0] == "1 case(s) found." and "ANN00" in answer(first)[1]
    assert events(ap, since) == ["miss", "stored"]
    # A write that skips the bump: the cached answer still stands...
    mariadb.sql(f"UPDATE mc_party SET first_name = 'ZOE' WHERE case_id = {case_id}")
    since = ap.error_log_offset()
    again = get(http, ap, "name", last=f"{tag}SMITH")
    assert answer(again) == answer(first)
    assert events(ap, since) == ["hit"]
    # ...the bump (what every writer does) makes it stale at once.
    search_changed(mariadb)
    since = ap.error_log_offset()
    after = get(http, ap, "name", last=f"{tag}SMITH")
    assert "ZOE" in answer(after)[1] and "ANN00" not in answer(after)[1]
    assert events(ap, since) == ["stale", "stored"]


def test_ttl_0_turns_the_cache_off(off, http, mariadb):
    court, tag = seed_court(mariadb), unique_tag()
    case_id, _ = people(mariadb, court, tag)
    since = off.error_log_offset()
    assert "ANN00" in answer(get(http, off, "name", last=f"{tag}SMITH"))[1]
    mariadb.sql(f"UPDATE mc_party SET first_name = 'ZOE' WHERE case_id = {case_id}")
    assert "ZOE" in answer(get(http, off, "name", last=f"{tag}SMITH"))[1]
    assert events(off, since) == []


def test_a_case_made_confidential_by_the_clerk_is_gone_from_the_next_search(
        ap, http, mariadb, new_account, smtp):
    court, tag = seed_court(mariadb), unique_tag()
    case_id, number = people(mariadb, court, tag)
    seed_hearing(mariadb, case_id, "2099-05-05 09:00:00")
    seed_judgment(mariadb, case_id, f"{tag} DEBTOR", "BANK")
    searches = [("name", {"last": f"{tag}SMITH"}),
                ("number", {"number": number}),
                ("date", {"court": court["code"], "date": "2026-01-05"}),
                ("hearings", {"court": court["code"], "from": "2099-05-01", "to": "2099-05-07"}),
                ("judgments", {"name": f"{tag} DEBTOR"})]
    for what, params in searches:
        for _ in range(2):  # stored, then answered from the cache
            assert number in answer(get(http, ap, what, **params))[1], what
    s = clerk(ap, new_account, smtp, court)
    r = web.submit(s, clerk_page(s, ap, number), {"c_on": "1", "c_confirm": "1"},
                   action_contains="/confidential", timeout=30)
    assert r.status_code == 200 and "The case is now confidential" in plain(r.text)
    since = ap.error_log_offset()
    for what, params in searches:
        count, rows = answer(get(http, ap, what, **params))
        assert count.startswith("0 ") and number not in (rows or ""), (what, count, rows)
    assert "hit" not in events(ap, since)


def test_a_hearing_and_a_judgment_from_the_clerk_show_at_once(ap, http, mariadb, new_account,
                                                               smtp):
    court, tag = seed_court(mariadb), unique_tag()
    judge = seed_judge(mariadb, court, f"Judge {tag}")
    case_id, number = seed_case(mariadb, court, caption=f"{tag} V ACME")
    week = {"court": court["code"], "from": "2099-03-01", "to": "2099-03-07"}
    debtor = {"name": f"{tag} DEBTOR"}
    for _ in range(2):
        assert answer(get(http, ap, "hearings", **week))[0] == "0 hearing(s) found."
        assert answer(get(http, ap, "judgments", **debtor))[0] == "0 judgment(s) found."
    s = clerk(ap, new_account, smtp, court)
    r = web.submit(s, clerk_page(s, ap, number),
                   {"h_date": "2099-03-04", "h_time": "09:30", "h_type": "Case Review",
                    "h_location": "Division 3", "h_judge": str(judge)},
                   action_contains="/hearing", timeout=30)
    assert r.status_code == 200 and "Hearing scheduled" in plain(r.text)
    r = get(http, ap, "hearings", **week)
    assert answer(r)[0] == "1 hearing(s) found." and number in r.text
    r = web.submit(s, clerk_page(s, ap, number),
                   {"j_debtor": f"{tag} DEBTOR", "j_creditor": "BANK", "j_amount": "10.00",
                    "j_date": "2026-01-15"}, action_contains="/judgment", timeout=30)
    assert r.status_code == 200, r.text[:1000]
    r = get(http, ap, "judgments", **debtor)
    assert answer(r)[0] == "1 judgment(s) found." and number in r.text


def test_an_import_shows_at_once(ap, http, mariadb, tmp_path):
    tag = unique_tag(8)
    while True:  # a court code and case prefix nobody uses yet
        code, prefix = unique_tag(6), f"{secrets.randbelow(90) + 10}{unique_tag(2)}"
        if mariadb.value(f"SELECT COUNT(*) FROM mc_court WHERE code = '{code}' OR "
                         f"case_prefix = '{prefix}'") == "0":
            break
    for _ in range(2):
        assert answer(get(http, ap, "name", last=tag))[0] == "0 case(s) found."
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<casenet-feed xmlns="urn:mocourts:casenet-feed:1">\n'
        '<case-type code="CC" name="Circuit Civil"/>\n'
        f'<court code="{code}" circuit="45" county="Test County" name="Court {code}" '
        f'case-prefix="{prefix}" efiling="no"/>\n'
        f'<case number="{prefix}-CC00001" court="{code}" type="CC" filed="2025-03-04" '
        'status="open" confidential="no"><caption>IMPORTED V ACME</caption>\n'
        f'  <party id="1" role="plaintiff" kind="person" last="{tag}" first="JOHN"/>\n'
        '</case>\n</casenet-feed>\n', encoding="utf-8")
    r = Admin(ap.mocourts_conf).run("import", feed)
    assert r.returncode == 0, r.stderr
    r = get(http, ap, "name", last=tag)
    assert answer(r)[0] == "1 case(s) found." and f"{prefix}-CC00001" in r.text


def test_two_apaches_on_one_database_serve_nothing_stale(ap, http, mariadb, make_apache,
                                                          new_account, smtp):
    other = make_apache(overrides=SITE, extra_conf=ONE_CHILD, log_level=DEBUG)
    court, tag = seed_court(mariadb), unique_tag()
    case_id, number = people(mariadb, court, tag)
    for site in (ap, other):
        since = site.error_log_offset()
        for _ in range(2):
            assert answer(get(http, site, "name", last=f"{tag}SMITH"))[0] == "1 case(s) found."
        assert events(site, since) == ["miss", "stored", "hit"]
    # Made confidential through this Apache: the other one's cache is stale.
    s = clerk(ap, new_account, smtp, court)
    r = web.submit(s, clerk_page(s, ap, number), {"c_on": "1", "c_confirm": "1"},
                   action_contains="/confidential", timeout=30)
    assert r.status_code == 200 and "The case is now confidential" in plain(r.text)
    for site in (other, ap):
        r = get(http, site, "name", last=f"{tag}SMITH")
        assert answer(r)[0] == "0 case(s) found." and number not in r.text


def test_the_key_tells_every_parameter_apart(ap, off, http, mariadb):
    """Searches that differ in one field, the sort, the direction or the
    page: each answered twice by the caching Apache (the second from its
    cache) as the uncached one answers it."""
    a, b = seed_court(mariadb), seed_court(mariadb)
    tag = unique_tag()
    for i in range(30):
        court = a if i % 3 else b
        case_id, _ = seed_case(mariadb, court, caption=f"{tag} V NO{i:02d}",
                               case_type="CC" if i % 2 else "AC",
                               filed_on=f"2026-01-{i % 28 + 1:02d}")
        seed_party(mariadb, case_id, last=f"{tag}SMITH", first=f"ANN{i % 4}",
                   middle=f"M{i % 5}", birth_year=1950 + i)
        seed_hearing(mariadb, case_id, f"2099-04-{i % 7 + 1:02d} {9 + i % 8:02d}:00:00",
                     location=f"Division {i % 3}")
        seed_judgment(mariadb, case_id, f"{tag} DEBTOR {i:02d}", f"{tag} BANK {i % 2}",
                      satisfied=bool(i % 2))
    name = {"last": f"{tag}SMITH"}
    searches = [("name", name)] + [("name", dict(name, **d)) for d in (
        {"first": "ANN1"}, {"middle": "M2"}, {"birth_from": "1960"}, {"birth_to": "1960"},
        {"case_type": "AC"}, {"filed_from": "2026-01-10"}, {"filed_to": "2026-01-10"},
        {"court": a["code"]}, {"court": b["code"]}, {"sounds": "1"}, {"sort": "birth"},
        {"sort": "birth", "dir": "desc"}, {"dir": "desc"}, {"page": "2"}, {"sort": "case"},
        {"first": "ANN1", "sort": "filed", "dir": "desc"})]
    searches += [("hearings", dict({"court": a["code"], "from": "2099-04-01", "to": "2099-04-07"},
                                   **d))
                 for d in ({}, {"to": "2099-04-03"}, {"location": "Division 1"},
                           {"sort": "location"}, {"dir": "desc"}, {"sort": "case"})]
    searches += [("hearings", {"court": b["code"], "from": "2099-04-01", "to": "2099-04-07"})]
    searches += [("judgments", dict({"name": f"{tag} DEBTOR"}, **d))
                 for d in ({}, {"satisfied": "yes"}, {"satisfied": "no"}, {"court": b["code"]},
                           {"from": "2026-02-01", "to": "2026-02-01"}, {"sort": "amount"},
                           {"dir": "desc"}, {"page": "2"})]
    searches += [("judgments", {"name": f"{tag} BANK 1", "party": "creditor"})]
    searches += [("date", {"court": a["code"], "date": "2026-01-02"}),
                 ("date", {"court": a["code"], "date": "2026-01-03"}),
                 ("date", {"court": a["code"], "date": "2026-01-03", "case_type": "AC"})]
    answers = set()
    for what, params in searches:
        want = answer(get(http, off, what, **params))
        for _ in range(2):
            assert answer(get(http, ap, what, **params)) == want, (what, params)
        answers.add(want)
    assert len(answers) > len(searches) // 2  # they are different searches indeed


def test_the_cache_stays_within_its_bounds(ap, http, mariadb):
    """More distinct searches than it holds, and the longest fields a search
    takes with a long query string of fields it does not know: never more
    than CACHE_ENTRIES entries or CACHE_BYTES bytes; the least recently used
    go first."""
    tag = unique_tag(8)
    since = ap.error_log_offset()
    junk = {f"x{i}": "y" * 500 for i in range(10)}  # 5 KB of fields it does not know
    assert answer(get(http, ap, "name", last=f"{tag}00"))[0] == "0 case(s) found."
    for i in range(1, CACHE_ENTRIES + 20):
        get(http, ap, "name", last=f"{tag}{i:03d}" + "Q" * 80, first="F" * 100,
            middle="M" * 100, **junk)
    seen = cache_events(ap, since)
    assert len([e for e in seen if e[0] == "stored"]) == CACHE_ENTRIES + 20
    assert max(int(e[3]) for e in seen) <= CACHE_ENTRIES
    assert max(int(e[4]) for e in seen) <= CACHE_BYTES
    since = ap.error_log_offset()
    get(http, ap, "name", last=f"{tag}00")  # the first, evicted
    assert events(ap, since) == ["miss", "stored"]


def test_the_ttl_directive_is_checked_when_read(make_apache):
    for value in ("30s", "0", "1h"):
        rc, out = make_apache(overrides={"MoCourtsCaseNetCacheTTL": value},
                              start=False).configtest()
        assert rc == 0 and "Syntax OK" in out, (value, out)
    for value, why in (("soon", "'soon'"), ("2h", "at most 1h"), ("-5", "'-5'")):
        rc, out = make_apache(overrides={"MoCourtsCaseNetCacheTTL": value},
                              start=False).configtest()
        assert rc != 0 and "Invalid value for directive 'MoCourtsCaseNetCacheTTL'" in out, out
        assert why in out, (value, out)


def test_a_new_case_from_efiling_shows_at_once(ap, http, mariadb, new_account, smtp):
    from helpers_efiling import ef_court, filer
    from test_ef_review import act, clerk_session, make_envelope
    court, tag = ef_court(mariadb), unique_tag()
    for _ in range(2):
        assert answer(get(http, ap, "name", last=f"{tag}SMITH"))[0] == "0 case(s) found."
    env_id, _ = make_envelope(mariadb, court, filer(mariadb, new_account), kind="new",
                              case_type="CC", caption=f"{tag}SMITH V STATE",
                              docs=(("PET", True),),
                              parties=(("petitioner", "person", f"{tag}SMITH", "JANE"),))
    s, _ = clerk_session(ap, new_account, smtp, court)
    act(s, ap, env_id, "open")
    act(s, ap, env_id, "accept")
    r = get(http, ap, "name", last=f"{tag}SMITH")
    assert answer(r)[0] == "1 case(s) found." and f"{tag}SMITH V STATE" in answer(r)[1]


def test_the_api_name_search_uses_the_cache_under_its_own_keys(ap, http, mariadb, new_account):
    """The JSON API's name search (issue 16) is answered from the same cache,
    under keys of its own (its rows are a cursor's, not a page's), and a
    bump shows at once there too."""
    from api_client import ApiClient, make_token
    court, tag = seed_court(mariadb), unique_tag()
    case_id, _ = people(mariadb, court, tag, n=3)
    api = ApiClient(ap, make_token(mariadb, new_account(), ["casenet:read"]))
    get(http, ap, "name", last=f"{tag}SMITH")              # the page's entry first

    def names(**extra):
        r = api.get("/casenet/search/name", params={"last": f"{tag}SMITH", **extra}, expect=200)
        return [i["first_name"] for i in r.json()["items"]]

    since = ap.error_log_offset()
    assert names(limit=2) == ["ANN00", "ANN01"]
    assert [e[0] for e in cache_events(ap, since)] == ["miss", "stored"]
    mariadb.sql(f"UPDATE mc_party SET first_name = 'ZOE' WHERE case_id = {case_id}")
    since = ap.error_log_offset()
    assert names(limit=2) == ["ANN00", "ANN01"]            # from the cache
    assert events(ap, since) == ["hit"]
    since = ap.error_log_offset()
    assert names(limit=3) == ["ZOE"] * 3                   # another limit: another key
    assert events(ap, since) == ["miss", "stored"]
    search_changed(mariadb)
    since = ap.error_log_offset()
    assert names(limit=2) == ["ZOE", "ZOE"]
    assert events(ap, since) == ["stale", "stored"]
