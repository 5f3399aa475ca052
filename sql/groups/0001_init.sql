-- Groups plugin, version 1 (seed 000, seed 001 steps 16-26).

-- A law firm, agency or other group, provisioned by the Security unit.
CREATE TABLE mc_group (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name          VARCHAR(200) NOT NULL,
  kind          ENUM('firm','agency','other') NOT NULL,
  address_line1 VARCHAR(200) NOT NULL DEFAULT '',
  address_line2 VARCHAR(200) NOT NULL DEFAULT '',
  city          VARCHAR(100) NOT NULL DEFAULT '',
  state         VARCHAR(50)  NOT NULL DEFAULT '',
  zip           VARCHAR(20)  NOT NULL DEFAULT '',
  phone         VARCHAR(30)  NOT NULL DEFAULT '',
  status        ENUM('active','inactive') NOT NULL DEFAULT 'active',
  pin_hash      VARCHAR(255) NOT NULL,          -- the Group PIN, hashed like a password
  pin_changed_at DATETIME NOT NULL,
  assoc_key     CHAR(22) NOT NULL,              -- names the group in its association URL
  created_at    DATETIME NOT NULL,
  UNIQUE KEY mc_group_name (name),
  UNIQUE KEY mc_group_assoc (assoc_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Membership: an account is in at most one group at a time. Group
-- administrators are members with is_admin = 1. status_date is when the
-- status last changed (Group Maintenance's "Status Date").
CREATE TABLE mc_group_member (
  account_id  BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  group_id    BIGINT UNSIGNED NOT NULL,
  is_admin    TINYINT(1) NOT NULL DEFAULT 0,
  status      ENUM('active','disabled') NOT NULL DEFAULT 'active',
  status_date DATETIME NOT NULL,
  user_info   VARCHAR(500) NOT NULL DEFAULT '',
  joined_at   DATETIME NOT NULL,
  KEY mc_group_member_group (group_id, status, status_date),
  CONSTRAINT mc_group_member_acct FOREIGN KEY (account_id) REFERENCES mc_account(id) ON DELETE CASCADE,
  CONSTRAINT mc_group_member_group FOREIGN KEY (group_id) REFERENCES mc_group(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- My Preferences: Notification E-mail addresses of a group, each verified
-- by a link before it receives anything.
CREATE TABLE mc_group_notify (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  group_id    BIGINT UNSIGNED NOT NULL,
  email       VARCHAR(254) NOT NULL,
  code_hash   CHAR(64) NULL,
  code_expires DATETIME NULL,
  verified_at DATETIME NULL,
  created_at  DATETIME NOT NULL,
  UNIQUE KEY mc_group_notify_email (group_id, email),
  KEY mc_group_notify_code (code_hash),
  CONSTRAINT mc_group_notify_group FOREIGN KEY (group_id) REFERENCES mc_group(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Wrong Group PINs, counted per account and per group (subject = SHA-256 of
-- "account:<id>" or "group:<id>").
CREATE TABLE mc_group_pin_throttle (
  subject       CHAR(64) NOT NULL PRIMARY KEY,
  failures      INT NOT NULL DEFAULT 0,
  first_failure DATETIME NOT NULL,
  locked_until  DATETIME NULL
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- A group user's eFiling defaults (seed 001: My Preferences).
CREATE TABLE mc_group_prefs (
  account_id     BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  default_court  VARCHAR(100) NOT NULL DEFAULT '',
  default_email  VARCHAR(254) NOT NULL DEFAULT '',
  CONSTRAINT mc_group_prefs_acct FOREIGN KEY (account_id) REFERENCES mc_account(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
