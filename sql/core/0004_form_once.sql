-- Core, version 4: one-time form tokens (ABI 1.8). The claim of a form
-- that created something, by the SHA-256 of its token and the path it was
-- sent to, made in the transaction that created it. A copy of the form
-- sent meanwhile waits on the key, then finds the row and is sent to
-- result_url (the page that shows what the first copy made). Purged two
-- days on.
CREATE TABLE mc_form_once (
  token_hash  CHAR(64) NOT NULL PRIMARY KEY,
  account_id  BIGINT UNSIGNED NULL,
  created_at  DATETIME NOT NULL,
  result_url  VARCHAR(2000) CHARACTER SET utf8mb4 NOT NULL DEFAULT '',
  KEY mc_form_once_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;
