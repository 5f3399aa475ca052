"""The JSON API's eFiling lists (issue 16) read their pages in index order
(sql/efiling/0004_api_indexes.sql): an account's envelopes newest first by
id from (account_id, id), whatever the status asked for, and a court's
queue of one status oldest first by id from (court_code, status, id), on
the first page and below or above a cursor alike. The SQL is read from the
C files (their macros), on test_perf_plans' data, as test_perf_plans does."""
import json

import pytest

from test_perf_plans import (assert_indexed, bind, data, explain, sql_of,  # noqa: F401
                             tables)

ENVELOPES = "plugins/efiling/api_envelopes.c"
CLERK = "plugins/efiling/api_clerk.c"


@pytest.mark.parametrize("status", ["", "submitted", "accepted", "draft"])
def test_envelopes_page_in_index_order(mariadb, data, status):  # noqa: F811
    top = int(mariadb.value(f"SELECT MAX(id) FROM mc_ef_envelope WHERE account_id = "
                            f"{data['filer']}"))
    for after in (0, top):
        sql = bind(sql_of(ENVELOPES, "API_ENVELOPES_PAGE"), data["filer"], status, status, after,
                   after, 26)
        assert_indexed(explain(mariadb, sql), "e", "mc_ef_envelope_acct_id")


@pytest.mark.parametrize("status", ["submitted", "review", "accepted", "rejected"])
def test_queue_page_of_one_status_in_index_order(mariadb, data, status):  # noqa: F811
    for after in (0, 1):
        sql = bind(sql_of(CLERK, "API_QUEUE_PAGE"), data["court"], status, status, after, 26)
        assert_indexed(explain(mariadb, sql), "e", "mc_ef_envelope_court_id")


def test_queue_page_of_two_statuses_reads_those_only(mariadb, data):  # noqa: F811
    """The default filter (submitted and Under Review: the court's open
    queue) reads those two statuses' rows from the index and sorts them,
    never the court's history."""
    sql = bind(sql_of(CLERK, "API_QUEUE_PAGE"), data["court"], "submitted", "review", 0, 26)
    plan = explain(mariadb, sql)
    e = tables(plan)["e"]
    assert e["access_type"] == "range" and e["key"] in ("mc_ef_envelope_court_id",
                                                        "mc_ef_envelope_queue"), \
        json.dumps(plan, indent=1)
