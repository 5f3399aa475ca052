-- mod_mocourts core schema, version 1.
-- Times are UTC (the connection sets time_zone '+00:00').

CREATE TABLE mc_account (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  username      VARCHAR(64)  NOT NULL,
  email         VARCHAR(254) NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  status        ENUM('active','disabled','pending') NOT NULL DEFAULT 'active',
  email_verified TINYINT(1)  NOT NULL DEFAULT 0,
  must_change_password TINYINT(1) NOT NULL DEFAULT 0,
  first_name    VARCHAR(100) NOT NULL DEFAULT '',
  last_name     VARCHAR(100) NOT NULL DEFAULT '',
  created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  password_changed_at DATETIME NULL,
  last_logon_at DATETIME NULL,
  UNIQUE KEY mc_account_username (username),
  KEY mc_account_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Roles: security (the court's Security unit), clerk, attorney,
-- group_admin, group_user; scope is '' or, e.g., a court id for a clerk.
CREATE TABLE mc_account_role (
  account_id BIGINT UNSIGNED NOT NULL,
  role       VARCHAR(32) NOT NULL,
  scope      VARCHAR(64) NOT NULL DEFAULT '',
  granted_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (account_id, role, scope),
  CONSTRAINT mc_account_role_acct FOREIGN KEY (account_id) REFERENCES mc_account(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Sessions: only the SHA-256 of the 32-byte token is stored.
-- stage: 'full', or a limited stage: 'password' (forced change) or 'device'
-- (waiting for the e-mailed new-device code).
CREATE TABLE mc_session (
  token_hash  CHAR(64) NOT NULL PRIMARY KEY,
  account_id  BIGINT UNSIGNED NOT NULL,
  stage       ENUM('full','password','device') NOT NULL DEFAULT 'full',
  csrf        CHAR(43) NOT NULL,
  created_at  DATETIME NOT NULL,
  last_seen   DATETIME NOT NULL,
  expires_at  DATETIME NOT NULL,
  client_ip   VARCHAR(45) NOT NULL DEFAULT '',
  KEY mc_session_account (account_id),
  KEY mc_session_expires (expires_at),
  CONSTRAINT mc_session_acct FOREIGN KEY (account_id) REFERENCES mc_account(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- Failed logons, counted per account (or per typed identifier when no
-- account matches, so a lock-out says nothing about existence).
CREATE TABLE mc_logon_throttle (
  subject      CHAR(64) NOT NULL PRIMARY KEY,
  failures     INT NOT NULL DEFAULT 0,
  first_failure DATETIME NOT NULL,
  locked_until DATETIME NULL
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- Devices an account has confirmed with an e-mailed code.
CREATE TABLE mc_device (
  account_id  BIGINT UNSIGNED NOT NULL,
  device_hash CHAR(64) NOT NULL,
  created_at  DATETIME NOT NULL,
  last_used   DATETIME NOT NULL,
  PRIMARY KEY (account_id, device_hash),
  CONSTRAINT mc_device_acct FOREIGN KEY (account_id) REFERENCES mc_account(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- Codes and links sent by e-mail: stored hashed, single use, bound to a
-- purpose, expiring, attempts counted.
CREATE TABLE mc_code (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id  BIGINT UNSIGNED NOT NULL,
  purpose     VARCHAR(32) NOT NULL,
  code_hash   CHAR(64) NOT NULL,
  bound_to    CHAR(64) NOT NULL DEFAULT '',
  created_at  DATETIME NOT NULL,
  expires_at  DATETIME NOT NULL,
  attempts    INT NOT NULL DEFAULT 0,
  used_at     DATETIME NULL,
  KEY mc_code_lookup (account_id, purpose),
  CONSTRAINT mc_code_acct FOREIGN KEY (account_id) REFERENCES mc_account(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- The notification outbox: one row per recipient and channel.
CREATE TABLE mc_outbox (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id    BIGINT UNSIGNED NULL,
  channel       ENUM('email','sms','voice') NOT NULL,
  recipient     VARCHAR(254) NOT NULL,
  cc            TEXT NULL,
  subject       VARCHAR(255) NOT NULL DEFAULT '',
  body          MEDIUMTEXT NOT NULL,
  kind          VARCHAR(40) NOT NULL DEFAULT '',
  case_ref      VARCHAR(40) NULL,
  status        ENUM('queued','sending','sent','retrying','failed') NOT NULL DEFAULT 'queued',
  attempts      INT NOT NULL DEFAULT 0,
  queued_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  next_attempt_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  claimed_by    VARCHAR(100) NULL,
  claimed_until DATETIME NULL,
  sent_at       DATETIME NULL,
  last_error    VARCHAR(500) NULL,
  KEY mc_outbox_due (status, next_attempt_at),
  KEY mc_outbox_account (account_id, queued_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The audit log. Never a password, token, code or PIN.
CREATE TABLE mc_audit (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at          DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  event       VARCHAR(40) NOT NULL,
  account_id  BIGINT UNSIGNED NULL,
  actor_id    BIGINT UNSIGNED NULL,
  client_ip   VARCHAR(45) NOT NULL DEFAULT '',
  detail      VARCHAR(500) NOT NULL DEFAULT '',
  KEY mc_audit_account (account_id, at),
  KEY mc_audit_event (event, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
