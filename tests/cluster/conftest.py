"""The cluster tests' fixtures (issue 15, `make test-cluster`): a 3-node
Galera cluster (harness/galera.py) and two Apache nodes on it, A naming the
database servers in the order 0, 1, 2 and B in the order 1, 2, 0 (so each
works on a server of its own; back on its first 2 s after that one returns:
MoCourtsDBFailback), sharing one eFiling document folder (what
INSTALL asks of several machines: shared storage). The SMTP sink and the
gateway recorder are the suite's (tests/conftest.py)."""
import grp
import os
import pwd
import sys

import pytest

from harness import util
from harness.admin import Admin, create_user
from harness.apache import TEST_START_SERVERS, Apache, test_site_conf
from harness.galera import GaleraCluster

sys.path.insert(0, str(util.REPO / "tests" / "integration"))
from helpers_core import start_checked  # noqa: E402

ORDERS = {"A": (0, 1, 2), "B": (1, 2, 0)}


@pytest.fixture(scope="session")
def cluster(tmp_root):
    c = GaleraCluster(tmp_root / "galera")
    try:
        c.start()
        yield c
    finally:
        c.stop()


def node_conf(cluster, order, documents):
    return {
        "MoCourtsDBHost": f'"{cluster.hosts(order)}"',
        "MoCourtsDBSocket": None,
        "MoCourtsDBPort": None,
        "MoCourtsDBConnectTimeout": "1s",
        "MoCourtsDBFailback": "2s",
        "MoCourtsNewDeviceCode": "Off",
        "MoCourtsSessionCache": "shmcb",
        "MoCourtsEFilingStore": f'"{documents}"',
    }


@pytest.fixture(scope="session")
def nodes(tmp_root, cluster, smtp, gateway):
    """{"A": Apache, "B": Apache} on the cluster."""
    documents = tmp_root / "shared-documents"
    documents.mkdir()
    os.chmod(documents, 0o750)
    if util.is_root():
        os.chown(documents, pwd.getpwnam(util.APACHE_USER).pw_uid,
                 grp.getgrnam(util.APACHE_GROUP).gr_gid)
    made = {}
    try:
        for name, order in ORDERS.items():
            ap = Apache(tmp_root / f"node-{name}", util.free_port(), db=cluster.nodes[order[0]],
                        smtp=smtp, gateway=gateway, extra_conf=test_site_conf(),
                        overrides=node_conf(cluster, order, documents),
                        start_servers=TEST_START_SERVERS)
            start_checked(ap, migrate=not made)
            made[name] = ap
        yield made
    finally:
        for ap in made.values():
            ap.stop()


@pytest.fixture(scope="session")
def cadmin(nodes):
    return Admin(nodes["A"].mocourts_conf)


@pytest.fixture()
def cluster_account(cadmin, cluster):
    """Factory: an account made through the admin tool (on the cluster)."""
    import secrets

    def make(roles=(), prefix="cl"):
        username = f"{prefix}{secrets.token_hex(4)}"
        return create_user(cadmin, cluster.nodes[0], username, f"{username}@example.test",
                           f"Correct-Horse-{secrets.token_hex(3)}-9x", roles=roles)

    return make
