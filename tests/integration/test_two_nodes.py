"""Issue 15 on one database: two Apache nodes (A and B) with their own
session caches (shmcb, the default TTL) share everything through MariaDB. A
session works on either; a logoff on A is refused on B within 1 s; failed
logons count toward the lock-out whichever node they reach; ten copies of
one form split over both act once. (The same over a Galera cluster, with a
node killed: tests/cluster/, `make test-cluster`.)"""
import pytest

from harness import util
from harness.apache import TEST_START_SERVERS, Apache
from harness.apache import test_site_conf as site_conf  # not a test: no test_ name here
from helpers_core import NO_DEVICE, start_checked
from helpers_nodes import (failed_logons_lock_on_both, logoff_refused_on_the_other_within_1s,
                           once_rows, session_works_on_both, ten_copies_split)

NODE = {**NO_DEVICE, "MoCourtsSessionCache": "shmcb"}


@pytest.fixture(scope="module")
def nodes(tmp_root, mariadb, smtp, gateway):
    made = []
    try:
        for name in ("node-a", "node-b"):
            ap = Apache(tmp_root / f"{name}-{util.free_port()}", util.free_port(), db=mariadb,
                        smtp=smtp, gateway=gateway, extra_conf=site_conf(),
                        overrides=dict(NODE), start_servers=TEST_START_SERVERS)
            start_checked(ap, migrate=not made)
            made.append(ap)
        yield made
    finally:
        for ap in made:
            ap.stop()


def test_a_session_works_alternately_on_both_nodes(nodes, new_account):
    session_works_on_both(*nodes, new_account())


def test_logoff_on_one_node_is_refused_on_the_other_within_1s(nodes, new_account):
    logoff_refused_on_the_other_within_1s(*nodes, new_account())


def test_failed_logons_count_across_nodes(nodes, new_account):
    failed_logons_lock_on_both(*nodes, new_account())


def test_ten_copies_split_across_nodes_act_once(nodes, mariadb):
    assert once_rows(mariadb, ten_copies_split(*nodes)) == "1"
