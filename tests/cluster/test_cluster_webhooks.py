"""Issue 16 on the cluster (issue 15's, conftest.py): webhook deliveries
queued on all three Galera servers are delivered by both Apache nodes'
delivery workers at once, each exactly once and correctly signed. On Galera
a row lock is the server's own, so two nodes may claim the same row; the
loser's claim fails certification at commit and is tried again, which the
outbox's claims rely on too."""
import base64
import secrets
import sys

from harness import util
from harness.webhook_receiver import WebhookReceiver

sys.path.insert(0, str(util.REPO / "tests" / "integration"))

DELIVERIES = 300


def test_both_nodes_deliver_300_webhooks_once(nodes, cluster, cluster_account):
    acct = cluster_account(prefix="clwh")
    rx = WebhookReceiver().start()
    try:
        path = f"/cluster-{secrets.token_hex(4)}"
        secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
        rx.set_secret(path, secret)
        db = cluster.nodes[0]
        db.sql("INSERT INTO mc_webhook_endpoint (account_id, url, events, secret, created_at) "
               f"VALUES ({acct.id}, '{rx.url(path)}', 'hearing.scheduled', '{secret}', "
               "UTC_TIMESTAMP())")
        ep = int(db.value(f"SELECT id FROM mc_webhook_endpoint WHERE account_id = {acct.id}"))
        for node in cluster.nodes:    # replicated to every server before its deliveries
            util.wait_until(lambda node=node: node.value(
                f"SELECT COUNT(*) FROM mc_webhook_endpoint WHERE id = {ep}") == "1", 10,
                what="the endpoint on every server")
        tag = secrets.token_hex(4)
        for start in range(0, DELIVERIES, 100):
            values = ",".join(
                f"('msg_{tag}{i:04d}', {ep}, 'hearing.scheduled', "
                f"'{{\"type\":\"hearing.scheduled\",\"timestamp\":\"2026-01-01T00:00:00Z\","
                f"\"data\":{{\"i\":{i}}}}}', 'queued', 0, UTC_TIMESTAMP(), UTC_TIMESTAMP())"
                for i in range(start, start + 100))
            cluster.nodes[start // 100 % 3].sql(
                "INSERT INTO mc_webhook_delivery (msg_id, endpoint_id, event, payload, status, "
                "attempts, created_at, next_attempt_at) VALUES " + values)
        hits = rx.wait_for(path, DELIVERIES, timeout=180)
        ids = [h.headers["webhook-id"] for h in hits]
        assert len(ids) == DELIVERIES and len(set(ids)) == DELIVERIES, \
            f"{len(ids)} requests, {len(set(ids))} different, for {DELIVERIES} deliveries"
        assert all(h.valid for h in hits)
        assert sorted(h.json["data"]["i"] for h in hits) == list(range(DELIVERIES))
        util.wait_until(lambda: cluster.nodes[2].value(
            f"SELECT COUNT(*) FROM mc_webhook_delivery WHERE endpoint_id = {ep} AND "
            "(status <> 'delivered' OR attempts <> 1)") == "0", 60,
            what="every delivery marked delivered after one attempt")
        assert cluster.nodes[1].value(
            "SELECT COUNT(*) FROM mc_webhook_attempt a JOIN mc_webhook_delivery d ON "
            f"d.id = a.delivery_id WHERE d.endpoint_id = {ep}") == str(DELIVERIES)
    finally:
        rx.stop()
