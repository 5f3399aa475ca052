-- Core schema, version 6 (issue 16): personal API tokens.
--
-- A token is shown once, when it is made; only its SHA-256 is kept, as a
-- session's. scopes: a comma-separated subset of casenet:read, tracking,
-- filings:read, filings:write, clerk. A revoked or expired token is refused
-- at once on every node: each API request looks its token up here.
CREATE TABLE mc_api_token (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id    BIGINT UNSIGNED NOT NULL,
  name          VARCHAR(100) NOT NULL,
  token_hash    CHAR(64)     NOT NULL,
  prefix        CHAR(12)     NOT NULL,                -- the first characters, to tell tokens apart
  scopes        VARCHAR(200) NOT NULL,
  created_at    DATETIME     NOT NULL,
  expires_at    DATETIME     NOT NULL,
  last_used_at  DATETIME     NULL,
  last_used_ip  VARCHAR(45)  NULL,
  revoked_at    DATETIME     NULL,
  UNIQUE KEY mc_api_token_hash (token_hash),
  KEY mc_api_token_account (account_id, revoked_at),
  CONSTRAINT mc_api_token_acct FOREIGN KEY (account_id) REFERENCES mc_account(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Requests per token in fixed windows (MoCourtsAPILimit), shared by nodes.
CREATE TABLE mc_api_rate (
  token_id      BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  window_start  DATETIME     NOT NULL,
  requests      INT UNSIGNED NOT NULL,
  CONSTRAINT mc_api_rate_token FOREIGN KEY (token_id) REFERENCES mc_api_token(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii;
