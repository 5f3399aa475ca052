-- Core, version 3: an e-mail may name its RFC 8058 one-click unsubscribe
-- address (issue 11). The delivery sends it as List-Unsubscribe: <url> with
-- List-Unsubscribe-Post: List-Unsubscribe=One-Click; NULL for mail that is
-- not a subscription (codes, notices about the account).
ALTER TABLE mc_outbox ADD COLUMN list_unsubscribe VARCHAR(1000) NULL;
