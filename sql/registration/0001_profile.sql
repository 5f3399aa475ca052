-- Registration plugin, version 1: the Missouri Judiciary Account beyond the
-- core's mc_account (seed 000 step 13's My Account table, seed 001).

-- Profile of an account: names beyond first/last, firm, addresses, phones,
-- MOBAR number.
CREATE TABLE mc_reg_profile (
  account_id     BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  middle_name    VARCHAR(100) NOT NULL DEFAULT '',
  suffix         VARCHAR(20)  NOT NULL DEFAULT '',
  firm           VARCHAR(200) NOT NULL DEFAULT '',
  mail_line1     VARCHAR(200) NOT NULL DEFAULT '',
  mail_line2     VARCHAR(200) NOT NULL DEFAULT '',
  mail_city      VARCHAR(100) NOT NULL DEFAULT '',
  mail_state     VARCHAR(50)  NOT NULL DEFAULT '',
  mail_zip       VARCHAR(20)  NOT NULL DEFAULT '',
  mail_country   VARCHAR(60)  NOT NULL DEFAULT 'United States',
  bill_line1     VARCHAR(200) NOT NULL DEFAULT '',
  bill_line2     VARCHAR(200) NOT NULL DEFAULT '',
  bill_city      VARCHAR(100) NOT NULL DEFAULT '',
  bill_state     VARCHAR(50)  NOT NULL DEFAULT '',
  bill_zip       VARCHAR(20)  NOT NULL DEFAULT '',
  bill_country   VARCHAR(60)  NOT NULL DEFAULT 'United States',
  business_phone VARCHAR(30)  NOT NULL DEFAULT '',
  cell_phone     VARCHAR(30)  NOT NULL DEFAULT '',
  mobar_number   VARCHAR(20)  NULL,
  mobar_verified_at DATETIME  NULL,
  updated_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE KEY mc_reg_profile_mobar (mobar_number),
  CONSTRAINT mc_reg_profile_acct FOREIGN KEY (account_id) REFERENCES mc_account(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Three security questions and their answers, hashed like passwords after
-- normalising (trim, lower case, single spaces).
CREATE TABLE mc_reg_answer (
  account_id  BIGINT UNSIGNED NOT NULL,
  slot        TINYINT NOT NULL,
  question    SMALLINT NOT NULL,
  answer_hash VARCHAR(255) NOT NULL,
  PRIMARY KEY (account_id, slot),
  CONSTRAINT mc_reg_answer_acct FOREIGN KEY (account_id) REFERENCES mc_account(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The bar roster the court loads (mocourts-admin import-bar).
CREATE TABLE mc_bar_roster (
  bar_number  VARCHAR(20) NOT NULL PRIMARY KEY,
  last_name   VARCHAR(100) NOT NULL,
  first_name  VARCHAR(100) NOT NULL DEFAULT '',
  status      VARCHAR(30) NOT NULL,
  updated_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- My Applications: Electronic Case Filing, Supreme Court Publications.
CREATE TABLE mc_reg_subscription (
  account_id    BIGINT UNSIGNED NOT NULL,
  application   ENUM('efiling','publications') NOT NULL,
  subscribed_at DATETIME NOT NULL,
  PRIMARY KEY (account_id, application),
  CONSTRAINT mc_reg_subscription_acct FOREIGN KEY (account_id) REFERENCES mc_account(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- User Agreement acceptances, by agreement version.
CREATE TABLE mc_reg_agreement (
  account_id  BIGINT UNSIGNED NOT NULL,
  version     VARCHAR(20) NOT NULL,
  accepted_at DATETIME NOT NULL,
  client_ip   VARCHAR(45) NOT NULL DEFAULT '',
  PRIMARY KEY (account_id, version),
  CONSTRAINT mc_reg_agreement_acct FOREIGN KEY (account_id) REFERENCES mc_account(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
