-- Case.net plugin, version 1 (seed 002): court data, Track This Case,
-- Manage My Case. Court data comes in through `mocourts-admin import`
-- (docs/casenet-feed.xsd) and the clerk pages; the eFiling plugin adds
-- docket entries through the library's mc_case_docket_add.

-- A court: one circuit court in one county (or a circuit's single court).
-- code is the clerk role's scope ("22"); case_prefix starts its case
-- numbers ("22SL" in 22SL-CC01234).
CREATE TABLE mc_court (
  code          VARCHAR(10)  NOT NULL PRIMARY KEY,
  circuit       SMALLINT UNSIGNED NOT NULL,
  county        VARCHAR(60)  NOT NULL,
  name          VARCHAR(200) NOT NULL,
  case_prefix   CHAR(4)      NOT NULL,
  efiling       TINYINT(1)   NOT NULL DEFAULT 0,   -- participates in eFiling
  UNIQUE KEY mc_court_prefix (case_prefix)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Case types: code as in the case number ("CC" in 22SL-CC01234).
CREATE TABLE mc_case_type (
  code          CHAR(2)      NOT NULL PRIMARY KEY,
  name          VARCHAR(100) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ref is the feed's stable id of the judge.
CREATE TABLE mc_judge (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ref           VARCHAR(40)  NOT NULL,
  court_code    VARCHAR(10)  NOT NULL,
  name          VARCHAR(200) NOT NULL,
  UNIQUE KEY mc_judge_ref (ref),
  KEY mc_judge_court (court_code, name),
  CONSTRAINT mc_judge_court FOREIGN KEY (court_code) REFERENCES mc_court(code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A case. number is unique across the state (it starts with the court's
-- prefix). A confidential case never appears in anything public.
CREATE TABLE mc_case (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  number        VARCHAR(20)  NOT NULL,
  court_code    VARCHAR(10)  NOT NULL,
  case_type     CHAR(2)      NOT NULL,
  caption       VARCHAR(500) NOT NULL,
  filed_on      DATE         NOT NULL,
  status        ENUM('open','closed','disposed') NOT NULL DEFAULT 'open',
  judge_id      BIGINT UNSIGNED NULL,
  confidential  TINYINT(1)   NOT NULL DEFAULT 0,
  last_activity DATETIME     NOT NULL,              -- newest docket entry / change
  UNIQUE KEY mc_case_number (number),
  KEY mc_case_filed (court_code, filed_on, case_type),
  CONSTRAINT mc_case_court FOREIGN KEY (court_code) REFERENCES mc_court(code),
  CONSTRAINT mc_case_type_fk FOREIGN KEY (case_type) REFERENCES mc_case_type(code),
  CONSTRAINT mc_case_judge FOREIGN KEY (judge_id) REFERENCES mc_judge(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A party. A person has last/first/middle; a business has its name in
-- last_name and kind 'business'. ref: the feed's id, unique in the case.
-- last_soundex serves "sounds like". case_confidential is a copy of the
-- case's flag (kept by mc_case_set_confidential and the importer), so a name
-- search counts its matches from the index alone.
CREATE TABLE mc_party (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  case_id       BIGINT UNSIGNED NOT NULL,
  ref           VARCHAR(40)  NOT NULL,
  kind          ENUM('person','business') NOT NULL,
  role          ENUM('plaintiff','petitioner','defendant','respondent','other') NOT NULL,
  last_name     VARCHAR(200) NOT NULL,
  first_name    VARCHAR(100) NOT NULL DEFAULT '',
  middle_name   VARCHAR(100) NOT NULL DEFAULT '',
  birth_year    SMALLINT UNSIGNED NULL,
  city          VARCHAR(100) NOT NULL DEFAULT '',
  case_confidential TINYINT(1) NOT NULL DEFAULT 0,
  last_soundex  VARCHAR(20) AS (SOUNDEX(last_name)) PERSISTENT,
  UNIQUE KEY mc_party_ref (case_id, ref),
  KEY mc_party_name (last_name, first_name, middle_name, case_confidential),
  KEY mc_party_soundex (last_soundex, first_name, case_confidential),
  CONSTRAINT mc_party_case FOREIGN KEY (case_id) REFERENCES mc_case(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An attorney of record, for a party of the case (party_id NULL: the case).
CREATE TABLE mc_case_attorney (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  case_id       BIGINT UNSIGNED NOT NULL,
  ref           VARCHAR(40)  NOT NULL,
  party_id      BIGINT UNSIGNED NULL,
  name          VARCHAR(200) NOT NULL,
  bar_number    VARCHAR(20)  NOT NULL DEFAULT '',
  firm          VARCHAR(200) NOT NULL DEFAULT '',
  UNIQUE KEY mc_case_attorney_ref (case_id, ref),
  CONSTRAINT mc_case_attorney_case FOREIGN KEY (case_id) REFERENCES mc_case(id) ON DELETE CASCADE,
  CONSTRAINT mc_case_attorney_party FOREIGN KEY (party_id) REFERENCES mc_party(id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A docket entry. ref: the feed's id; for entries made here, NULL or a
-- reference that makes a repeated form one entry ("clerk-docket-<nonce>").
CREATE TABLE mc_docket (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  case_id       BIGINT UNSIGNED NOT NULL,
  ref           VARCHAR(40)  NULL,
  entry_date    DATE         NOT NULL,
  entry_type    VARCHAR(100) NOT NULL,
  text          TEXT         NOT NULL,
  filed_by      VARCHAR(200) NOT NULL DEFAULT '',
  created_at    DATETIME     NOT NULL,
  UNIQUE KEY mc_docket_ref (case_id, ref),
  KEY mc_docket_case (case_id, entry_date),
  CONSTRAINT mc_docket_case FOREIGN KEY (case_id) REFERENCES mc_case(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE mc_hearing (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  case_id       BIGINT UNSIGNED NOT NULL,
  ref           VARCHAR(40)  NULL,
  hearing_at    DATETIME     NOT NULL,              -- court's local time as given
  hearing_type  VARCHAR(100) NOT NULL,
  location      VARCHAR(200) NOT NULL DEFAULT '',
  judge_id      BIGINT UNSIGNED NULL,
  UNIQUE KEY mc_hearing_ref (case_id, ref),
  KEY mc_hearing_at (hearing_at),
  CONSTRAINT mc_hearing_case FOREIGN KEY (case_id) REFERENCES mc_case(id) ON DELETE CASCADE,
  CONSTRAINT mc_hearing_judge FOREIGN KEY (judge_id) REFERENCES mc_judge(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE mc_judgment (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  case_id       BIGINT UNSIGNED NOT NULL,
  ref           VARCHAR(40)  NULL,
  debtor        VARCHAR(200) NOT NULL,
  creditor      VARCHAR(200) NOT NULL,
  amount        DECIMAL(14,2) NOT NULL,
  entered_on    DATE         NOT NULL,
  satisfied     TINYINT(1)   NOT NULL DEFAULT 0,
  UNIQUE KEY mc_judgment_ref (case_id, ref),
  KEY mc_judgment_debtor (debtor, entered_on),
  KEY mc_judgment_creditor (creditor, entered_on),
  CONSTRAINT mc_judgment_case FOREIGN KEY (case_id) REFERENCES mc_case(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Manage My Case: the account's case folder (seed 002). A tracked case is
-- always in the folder.
CREATE TABLE mc_mycase (
  account_id    BIGINT UNSIGNED NOT NULL,
  case_id       BIGINT UNSIGNED NOT NULL,
  note          VARCHAR(2000) NOT NULL DEFAULT '',
  added_at      DATETIME     NOT NULL,
  PRIMARY KEY (account_id, case_id),
  KEY mc_mycase_case (case_id),
  CONSTRAINT mc_mycase_acct FOREIGN KEY (account_id) REFERENCES mc_account(id) ON DELETE CASCADE,
  CONSTRAINT mc_mycase_case FOREIGN KEY (case_id) REFERENCES mc_case(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- A verified phone number of an account (for calls and texts). A number
-- is usable once verified_at is set; code_hash is the SHA-256 of the code
-- sent to it.
CREATE TABLE mc_track_phone (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id    BIGINT UNSIGNED NOT NULL,
  number        VARCHAR(20)  NOT NULL,               -- E.164, +1XXXXXXXXXX
  verified_at   DATETIME     NULL,
  code_hash     CHAR(64)     NULL,
  code_expires  DATETIME     NULL,
  code_attempts INT          NOT NULL DEFAULT 0,
  created_at    DATETIME     NOT NULL,
  UNIQUE KEY mc_track_phone_num (account_id, number),
  CONSTRAINT mc_track_phone_acct FOREIGN KEY (account_id) REFERENCES mc_account(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Track This Case: one tracking per account and case. channel and
-- recipient: the e-mail address or the verified phone number. frequency:
-- 'each' (every entry as it is docketed) or 'daily' (a digest).
-- stop_token: the single-purpose secret of the e-mailed "Stop Tracking"
-- link (32 random bytes, base64url); it can do nothing else.
CREATE TABLE mc_track (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id    BIGINT UNSIGNED NOT NULL,
  case_id       BIGINT UNSIGNED NOT NULL,
  channel       ENUM('email','sms','voice') NOT NULL,
  recipient     VARCHAR(254) NOT NULL,
  frequency     ENUM('each','daily') NOT NULL DEFAULT 'each',
  stop_token    CHAR(43)     NOT NULL,
  active        TINYINT(1)   NOT NULL DEFAULT 1,
  created_at    DATETIME     NOT NULL,
  stopped_at    DATETIME     NULL,
  stopped_why   VARCHAR(40)  NULL,                  -- 'account', 'link', 'confidential'
  digest_sent_at DATETIME    NULL,
  UNIQUE KEY mc_track_acct_case (account_id, case_id),
  KEY mc_track_case (case_id, active),
  CONSTRAINT mc_track_acct FOREIGN KEY (account_id) REFERENCES mc_account(id) ON DELETE CASCADE,
  CONSTRAINT mc_track_case FOREIGN KEY (case_id) REFERENCES mc_case(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Docket entries waiting for a tracker's daily digest.
CREATE TABLE mc_track_digest (
  track_id      BIGINT UNSIGNED NOT NULL,
  docket_id     BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (track_id, docket_id),
  CONSTRAINT mc_track_digest_track FOREIGN KEY (track_id) REFERENCES mc_track(id) ON DELETE CASCADE,
  CONSTRAINT mc_track_digest_docket FOREIGN KEY (docket_id) REFERENCES mc_docket(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Hearing reminders already queued (days_before 10 or 2), so each goes once.
CREATE TABLE mc_track_reminder (
  track_id      BIGINT UNSIGNED NOT NULL,
  hearing_id    BIGINT UNSIGNED NOT NULL,
  days_before   TINYINT UNSIGNED NOT NULL,
  queued_at     DATETIME     NOT NULL,
  PRIMARY KEY (track_id, hearing_id, days_before),
  CONSTRAINT mc_track_reminder_track FOREIGN KEY (track_id) REFERENCES mc_track(id) ON DELETE CASCADE,
  CONSTRAINT mc_track_reminder_hearing FOREIGN KEY (hearing_id) REFERENCES mc_hearing(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Anonymous search counting per client address (fixed windows), and the
-- passes a solved CAPTCHA gives (token hashed).
CREATE TABLE mc_search_rate (
  client_ip     VARCHAR(45)  NOT NULL PRIMARY KEY,
  window_start  DATETIME     NOT NULL,
  hits          INT          NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE mc_search_pass (
  token_hash    CHAR(64)     NOT NULL PRIMARY KEY,
  client_ip     VARCHAR(45)  NOT NULL,
  answer_hash   CHAR(64)     NULL,                  -- set while the CAPTCHA is unsolved
  solved        TINYINT(1)   NOT NULL DEFAULT 0,
  uses_left     INT          NOT NULL DEFAULT 0,
  expires_at    DATETIME     NOT NULL,
  KEY mc_search_pass_exp (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
