"""My Filings' filters (issue 14: case number, days of creation) keep the
statement on its indexes: with no filter the page is still read in index
order and stops (the plan test_perf_plans checks for the statement without
FILINGS_FILTER), and with filters no large table is scanned. The SQL is
read from plugins/efiling/menu.c, as test_perf_plans does, on its data."""
import json

from test_perf_plans import (assert_indexed, bind, data, explain, filesorts,  # noqa: F401
                             sql_of, tables)

MENU = "plugins/efiling/menu.c"


def no_filter():
    return ("", "", "", "", "", "")


def test_unfiltered_page_in_index_order(mariadb, data):  # noqa: F811
    for status, key in (("", "mc_ef_envelope_acct_updated"), ("accepted", "mc_ef_envelope_acct")):
        sql = bind(sql_of(MENU, "FILINGS_SELECT", "FILINGS_OWN", "FILINGS_FILTER", "FILINGS_ORDER"),
                   data["filer"], 0, status, status, *no_filter(), 26, 0)
        assert_indexed(explain(mariadb, sql), "e", key)
        plan = explain(mariadb, bind(sql_of(MENU, "FILINGS_COUNT", "FILINGS_OWN",
                                            "FILINGS_FILTER"),
                                     data["filer"], 0, status, status, *no_filter()))
        t = tables(plan)["e"]
        assert t["access_type"] == "ref" and t["key"].startswith("mc_ef_envelope_acct"), plan


def test_filtered_pages_scan_no_large_table(mariadb, data):  # noqa: F811
    number = mariadb.value("SELECT number FROM mc_case ORDER BY id LIMIT 1") or "22SL-CC00001"
    filters = [(number, number, "", "", "", ""),
               ("", "", "2025-01-01", "2025-01-01", "2025-12-31", "2025-12-31"),
               (number, number, "2025-01-01", "2025-01-01", "", "")]
    for f in filters:
        for names, acct, gid in (
                (("FILINGS_SELECT", "FILINGS_OWN"), data["filer"], 0),
                (("FILINGS_SELECT", "FILINGS_GROUP"), data["group_filer"], data["group"])):
            sql = bind(sql_of(MENU, *names, "FILINGS_FILTER", "FILINGS_ORDER"),
                       acct, gid, "", "", *f, 26, 0)
            plan = explain(mariadb, sql)
            for name, node in tables(plan).items():
                assert node["access_type"] != "ALL" or name.startswith("<"), \
                    f"full scan of {name} with {f}: {json.dumps(plan, indent=1)}"
            # With a case number the case's few envelopes may come from the
            # case_id key (its foreign key's), sorted; or none at all when
            # the number is no case's (a constant).
            e = tables(plan).get("e")
            assert e or f[0], json.dumps(plan, indent=1)
            if not gid and not f[0]:
                assert e["key"].startswith("mc_ef_envelope_acct"), plan
                assert not filesorts(plan), json.dumps(plan, indent=1)
