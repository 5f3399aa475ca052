-- Core, version 7 (issue 16): webhooks. An account's endpoints, the
-- deliveries queued for them in the transaction of the event
-- (mc_webhook_emit), and every attempt to deliver one.

-- An endpoint: an https URL (http only for a loopback address: a test
-- site), the events it receives (a SET: FIND_IN_SET picks the endpoints of
-- an event), and its signing secret, "whsec_" and the base64 of 32 random
-- bytes (Standard Webhooks). The secret is kept as it is: the worker signs
-- every delivery with it, so it must be readable; a hash would not do
-- (README, Webhooks). failing_since: the first failed attempt since the
-- last success; 24 hours of failing disable the endpoint (disabled_at).
CREATE TABLE mc_webhook_endpoint (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id    BIGINT UNSIGNED NOT NULL,
  url           VARCHAR(2000) CHARACTER SET utf8mb4 NOT NULL,
  events        SET('docket.entry.created','hearing.scheduled','filing.status.changed') NOT NULL,
  secret        VARCHAR(64) NOT NULL,
  enabled       TINYINT(1) NOT NULL DEFAULT 1,
  failing_since DATETIME NULL,
  disabled_at   DATETIME NULL,
  created_at    DATETIME NOT NULL,
  KEY mc_webhook_endpoint_account (account_id, enabled),
  CONSTRAINT mc_webhook_endpoint_acct FOREIGN KEY (account_id) REFERENCES mc_account(id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- A delivery: one event for one endpoint. msg_id is the webhook-id header,
-- the same on every attempt, so a receiver can drop a repeat; payload is the
-- whole body sent (and signed), the same bytes on every attempt. Claimed by
-- a worker like the outbox: status 'sending' with a lease (claimed_by,
-- claimed_until), FOR UPDATE SKIP LOCKED, so several nodes deliver each
-- once. Retried with backoff until 24 hours after it was queued.
CREATE TABLE mc_webhook_delivery (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  msg_id          VARCHAR(40) NOT NULL,
  endpoint_id     BIGINT UNSIGNED NOT NULL,
  event           VARCHAR(40) NOT NULL,
  case_ref        VARCHAR(40) CHARACTER SET utf8mb4 NULL,
  payload         MEDIUMTEXT CHARACTER SET utf8mb4 NOT NULL,
  status          ENUM('queued','sending','delivered','retrying','failed') NOT NULL DEFAULT 'queued',
  attempts        INT NOT NULL DEFAULT 0,
  created_at      DATETIME NOT NULL,
  next_attempt_at DATETIME NOT NULL,
  claimed_by      VARCHAR(100) NULL,
  claimed_until   DATETIME NULL,
  delivered_at    DATETIME NULL,
  last_error      VARCHAR(500) CHARACTER SET utf8mb4 NULL,
  UNIQUE KEY mc_webhook_delivery_msg (msg_id),
  KEY mc_webhook_delivery_due (status, next_attempt_at),
  KEY mc_webhook_delivery_endpoint (endpoint_id, id),
  KEY mc_webhook_delivery_case (case_ref, status),
  CONSTRAINT mc_webhook_delivery_ep FOREIGN KEY (endpoint_id) REFERENCES mc_webhook_endpoint(id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- Every attempt: when, the HTTP status (NULL when none came back) or the
-- error, and how long it took. Shown to the endpoint's owner.
CREATE TABLE mc_webhook_attempt (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  delivery_id BIGINT UNSIGNED NOT NULL,
  at          DATETIME NOT NULL,
  http_status INT NULL,
  error       VARCHAR(300) CHARACTER SET utf8mb4 NULL,
  duration_ms INT NOT NULL DEFAULT 0,
  KEY mc_webhook_attempt_delivery (delivery_id, id),
  CONSTRAINT mc_webhook_attempt_dl FOREIGN KEY (delivery_id) REFERENCES mc_webhook_delivery(id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii;
