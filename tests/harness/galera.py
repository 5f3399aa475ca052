"""A 3-node MariaDB Galera cluster on loopback (Debian galera-4), every
node under root/node<i> with its own ports, for the cross-node tests of
issue 15 (tests/cluster/, `make test-cluster`).

    cluster = GaleraCluster(Path("/tmp/x/galera"))
    cluster.start()            # node 0 bootstraps, 1 and 2 join (rsync SST)
    cluster.nodes[0].sql("SELECT 1")
    cluster.hosts()            # "127.0.0.1:P0, 127.0.0.1:P1, 127.0.0.1:P2"
    cluster.nodes[1].kill(); cluster.nodes[1].start()   # a crash, a rejoin (IST)
    cluster.stop()

Each node is a harness MariaDB (mariadb.py) with the wsrep settings added:
ROW binlog format, interleaved auto-increment locks, a small gcache, and
failure detection tuned for loopback: a dead node is evicted in about 3 s
instead of the default 5 to 15 s, since the cluster's writes wait for that
(INSTALL, "More than one machine"). Shorter (1 s) evicted live nodes on a
loaded 2-CPU machine and left the cluster without a primary component.
"""
import shutil
import subprocess
from pathlib import Path

from . import util
from .mariadb import MariaDB

PROVIDER = "/usr/lib/galera/libgalera_smm.so"
NODES = 3
START_WAIT = 180      # seconds for a joiner's state transfer
RUN_AS = "nobody"     # the servers' user when the tests run as root


class GaleraNode(MariaDB):
    def __init__(self, root, port, index, cluster):
        super().__init__(root, port)
        self.index = index
        self.cluster = cluster
        self.gcomm_port = util.free_port()
        self.ist_port = util.free_port()
        self.sst_port = util.free_port()
        self.bootstrap = False

    def _server_args(self):
        c = self.cluster
        args = super()._server_args() + [
            "--wsrep-on=ON",
            f"--wsrep-provider={PROVIDER}",
            f"--wsrep-cluster-name={c.name}",
            f"--wsrep-cluster-address=gcomm://{c.gcomm_addresses()}",
            f"--wsrep-node-name=node{self.index}",
            f"--wsrep-node-address=127.0.0.1:{self.gcomm_port}",
            f"--wsrep-sst-receive-address=127.0.0.1:{self.sst_port}",
            "--wsrep-sst-method=rsync",
            "--wsrep-provider-options=" + ";".join([
                f"gmcast.listen_addr=tcp://127.0.0.1:{self.gcomm_port}",
                f"ist.recv_addr=127.0.0.1:{self.ist_port}",
                "gcache.size=64M",
                "evs.suspect_timeout=PT2S",
                "evs.inactive_timeout=PT3S",
                "evs.install_timeout=PT3S",
                "evs.keepalive_period=PT0.25S",
                "evs.inactive_check_period=PT0.25S",
                "pc.wait_prim_timeout=PT30S",
            ]),
            "--binlog-format=ROW",
            "--default-storage-engine=InnoDB",
            "--innodb-autoinc-lock-mode=2",
            "--wsrep-slave-threads=2",
        ]
        if self.bootstrap:
            args.append("--wsrep-new-cluster")
        if util.is_root():
            # Not as root: the rsync daemon of a state transfer, started by
            # the server, would write as nobody into root's folders.
            args = [a for a in args if a != "--user=root"] + [f"--user={RUN_AS}"]
        return args

    def _own(self):
        if util.is_root():
            subprocess.run(["chown", "-R", f"{RUN_AS}:", str(self.root)], check=True)

    def _install(self):
        super()._install()
        self._own()

    def start(self, timeout=60):
        if self.datadir.exists():
            (self.root / "tmp").mkdir(exist_ok=True)
            self._own()
        super().start(timeout=timeout)

    def status(self, name):
        rows = self.sql(f"SHOW GLOBAL STATUS LIKE '{name}'", database="")
        return rows[0][1] if rows else None

    def synced(self):
        try:
            return (self.status("wsrep_ready") == "ON"
                    and self.status("wsrep_local_state_comment") == "Synced")
        except Exception:  # noqa: BLE001 - not answering: not synced
            return False

    def wait_synced(self, timeout=START_WAIT):
        util.wait_until(self.synced, timeout, interval=0.2,
                        what=f"Galera node{self.index} to be synced")


class GaleraCluster:
    def __init__(self, root, name="mocourts-test"):
        self.root = Path(root)
        self.name = name
        self.nodes = [GaleraNode(self.root / f"node{i}", util.free_port(), i, self)
                      for i in range(NODES)]

    def gcomm_addresses(self):
        return ",".join(f"127.0.0.1:{n.gcomm_port}" for n in self.nodes)

    def hosts(self, order=None):
        """MoCourtsDBHost's list: the nodes in order (indexes)."""
        order = range(NODES) if order is None else order
        return ", ".join(f"127.0.0.1:{self.nodes[i].port}" for i in order)

    def start(self):
        """Node 0 bootstraps a cluster alone, gets the application's
        database and account, and stops cleanly; its datadir is copied to
        the others, so all three start from the same state and join by IST
        (a few events) instead of a full state transfer. A node that rejoins
        later catches up by IST from the others' gcache too."""
        first = self.nodes[0]
        first.bootstrap = True
        first.start()
        first.wait_synced()
        first.create_app_db()
        first.stop()
        for node in self.nodes[1:]:
            node.root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(first.datadir, node.datadir, symlinks=True)
            shutil.copy(first.password_file, node.password_file)
            util.chown_apache(node.password_file, 0o640)
            node.app_password = first.app_password
        first.start()
        first.wait_synced()
        first.bootstrap = False        # a later restart joins the others
        for node in self.nodes[1:]:
            node.start(timeout=START_WAIT)
        for node in self.nodes[1:]:
            node.wait_synced()
        return self

    def size(self, via=0):
        return int(self.nodes[via].status("wsrep_cluster_size"))

    def stop(self):
        for node in reversed(self.nodes):
            node.stop()
