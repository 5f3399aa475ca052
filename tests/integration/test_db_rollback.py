"""The pool hands a connection back without a ROLLBACK when no transaction
is open (issue 13: one statement fewer on every read-only request), and
with one when a request's transaction is left open."""
import requests

from helpers_casenet import CASENET, seed_case, seed_court, seed_party, unique_tag
from helpers_recovery import general_log

# One process, one connection: every request uses the same MariaDB thread.
ONE_CONNECTION = ("ServerLimit 1\nStartServers 1\nThreadsPerChild 25\nMaxRequestWorkers 25\n"
                  "MinSpareThreads 5\nMaxSpareThreads 25\n")


def _thread_of(mariadb, tag):
    rows = mariadb.sql("SELECT DISTINCT thread_id FROM mysql.general_log WHERE command_type IN "
                       f"('Query', 'Execute') AND argument LIKE '%{tag}%' "
                       "AND argument NOT LIKE '%general_log%'")  # (not this query)
    assert len(rows) == 1, rows
    return rows[0][0]


def _statements(mariadb, thread):
    rows = mariadb.sql("SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log WHERE "
                       f"thread_id = {thread} AND command_type IN ('Query', 'Execute') "
                       "ORDER BY event_time")
    return [r[0] or "" for r in rows]


def test_read_only_requests_send_no_rollback(make_apache, mariadb):
    ap = make_apache(overrides={"MoCourtsDBPoolMax": "1", "MoCourtsDBPoolMin": "0",
                                "MoCourtsDelivery": "Off"},
                     extra_conf=ONE_CONNECTION)
    court = seed_court(mariadb)
    first, second = f"Aa{unique_tag()}", f"Bb{unique_tag()}"
    for last in (first, second):
        seed_party(mariadb, seed_case(mariadb, court)[0], last)
    with general_log(mariadb):
        for last in (first, second):
            r = requests.get(ap.url(f"{CASENET}/search/name"), params={"last": last},
                             timeout=30)
            assert r.status_code == 200 and last in r.text, r.status_code
        # The second search ran on the same connection, so the first had
        # handed it back (and done whatever it does then) before it.
        thread = _thread_of(mariadb, first)
        assert _thread_of(mariadb, second) == thread
        ran = _statements(mariadb, thread)
    between = ran[max(i for i, s in enumerate(ran) if first in s) + 1:
                  min(i for i, s in enumerate(ran) if second in s)]
    assert not any(s.strip().upper().startswith("ROLLBACK") for s in between), between
