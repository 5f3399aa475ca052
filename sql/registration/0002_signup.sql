-- Registration plugin, version 2: "Create an account" (seed 001 steps 2-15).
-- A registration in progress lives here until its last step makes the
-- account in one transaction; nothing half-made is ever an account.
-- Found by a cookie of its own: only the SHA-256 of its token is stored.
CREATE TABLE mc_reg_pending (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  token_hash      CHAR(64) NOT NULL,
  step            TINYINT NOT NULL DEFAULT 0,
  created_at      DATETIME NOT NULL,
  expires_at      DATETIME NOT NULL,
  captcha_hash    CHAR(64) NULL,
  captcha_expires DATETIME NULL,
  captcha_tries   INT NOT NULL DEFAULT 0,
  question_hash   CHAR(64) NULL,
  question_text   VARCHAR(200) NULL,
  question_expires DATETIME NULL,
  UNIQUE KEY mc_reg_pending_token (token_hash),
  KEY mc_reg_pending_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- What each step saved (the password only as its hash).
CREATE TABLE mc_reg_pending_field (
  pending_id BIGINT UNSIGNED NOT NULL,
  name       VARCHAR(40) NOT NULL,
  value      TEXT NOT NULL,
  PRIMARY KEY (pending_id, name),
  CONSTRAINT mc_reg_pending_field_p FOREIGN KEY (pending_id) REFERENCES mc_reg_pending(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
