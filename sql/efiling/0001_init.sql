-- eFiling plugin, version 1 (seed 001 steps 25-26, seed 000): electronic
-- filing under a court's electronic filing rule. Courts, cases and docket
-- entries are Case.net's (sql/casetrack/); accepted documents become docket
-- entries through the library's mc_case_docket_add.
--
-- Requires the components listed in sql/efiling/REQUIRES (casetrack: mc_court,
-- mc_case_type, mc_case, mc_docket; groups: mc_group), which the migration
-- runner applies first. Every string key shares mc_court's collation
-- (utf8mb4_unicode_ci): InnoDB refuses a foreign key across collations.

-- A court's set-up (mocourts-admin efiling-setup FILE, docs/efiling-setup.md;
-- editable by the Security unit). Participation itself is mc_court.efiling.
-- Nothing can be filed in a court before it has filing codes. max_doc_bytes:
-- 1 MiB to 1 GiB (mc_efsetup.h's bounds). updated_at: when the court's
-- set-up (this row, its case types or filing codes) last changed.
CREATE TABLE mc_ef_court (
  court_code      VARCHAR(10)  NOT NULL PRIMARY KEY,
  max_doc_bytes   BIGINT UNSIGNED NOT NULL DEFAULT 26214400,   -- 25 MiB
  text_pdf_only   TINYINT(1)   NOT NULL DEFAULT 0,             -- documents must be text-searchable
  updated_at      DATETIME     NOT NULL,
  CONSTRAINT mc_ef_court_court FOREIGN KEY (court_code) REFERENCES mc_court(code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Case types that may be initiated (new cases) in a court. Replaced as a
-- whole by each set-up load (envelopes name mc_case_type, not these rows).
CREATE TABLE mc_ef_case_type (
  court_code      VARCHAR(10)  NOT NULL,
  case_type       CHAR(2)      NOT NULL,
  PRIMARY KEY (court_code, case_type),
  CONSTRAINT mc_ef_case_type_court FOREIGN KEY (court_code) REFERENCES mc_court(code),
  CONSTRAINT mc_ef_case_type_type FOREIGN KEY (case_type) REFERENCES mc_case_type(code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Filing codes (document types) with their fees. initiating: may be the
-- lead document of a new case (a petition). code: 1-20 upper-case letters,
-- digits and '-'. A code left out of a later set-up becomes inactive (never
-- deleted: documents refer to it) and is reactivated when it comes back;
-- inactive codes are not offered for new filings.
CREATE TABLE mc_ef_filing_code (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  court_code      VARCHAR(10)  NOT NULL,
  code            VARCHAR(20)  NOT NULL,
  name            VARCHAR(200) NOT NULL,
  fee_cents       BIGINT UNSIGNED NOT NULL DEFAULT 0,
  initiating      TINYINT(1)   NOT NULL DEFAULT 0,
  active          TINYINT(1)   NOT NULL DEFAULT 1,
  UNIQUE KEY mc_ef_filing_code_code (court_code, code),
  CONSTRAINT mc_ef_filing_code_court FOREIGN KEY (court_code) REFERENCES mc_court(code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An envelope: one submission (a new case, or documents into an existing
-- case). number is given at submit ("EF2026-0000123"). submit_key makes the
-- same submit sent twice one envelope. group_id: the filer's group when the
-- filer files as a group member (its notification addresses are told).
CREATE TABLE mc_ef_envelope (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  number          VARCHAR(20)  NULL,
  account_id      BIGINT UNSIGNED NOT NULL,
  group_id        BIGINT UNSIGNED NULL,
  court_code      VARCHAR(10)  NULL,
  kind            ENUM('new','existing') NOT NULL,
  case_id         BIGINT UNSIGNED NULL,             -- existing case, or the case an accepted new case made
  case_type       CHAR(2)      NULL,                -- new case
  caption         VARCHAR(500) NOT NULL DEFAULT '', -- new case
  status          ENUM('draft','submitted','review','accepted','rejected','cancelled') NOT NULL DEFAULT 'draft',
  step            VARCHAR(20)  NOT NULL DEFAULT 'court',  -- where the draft resumes
  fee_cents       BIGINT UNSIGNED NOT NULL DEFAULT 0,
  payment         ENUM('none','waiver','court_account') NOT NULL DEFAULT 'none',
  waiver_reason   VARCHAR(500) NOT NULL DEFAULT '',
  payment_ref     VARCHAR(100) NOT NULL DEFAULT '',
  submit_key      CHAR(43)     NULL,
  reject_code     VARCHAR(40)  NULL,
  reject_text     VARCHAR(2000) NULL,
  clerk_id        BIGINT UNSIGNED NULL,
  copied_from     BIGINT UNSIGNED NULL,
  created_at      DATETIME     NOT NULL,
  updated_at      DATETIME     NOT NULL,
  submitted_at    DATETIME     NULL,
  decided_at      DATETIME     NULL,
  UNIQUE KEY mc_ef_envelope_number (number),
  UNIQUE KEY mc_ef_envelope_submit (submit_key),
  KEY mc_ef_envelope_acct (account_id, status, updated_at),
  KEY mc_ef_envelope_queue (court_code, status, submitted_at),
  KEY mc_ef_envelope_group (group_id, status, updated_at),
  CONSTRAINT mc_ef_envelope_acct FOREIGN KEY (account_id) REFERENCES mc_account(id),
  CONSTRAINT mc_ef_envelope_grp FOREIGN KEY (group_id) REFERENCES mc_group(id),
  CONSTRAINT mc_ef_envelope_court FOREIGN KEY (court_code) REFERENCES mc_court(code),
  CONSTRAINT mc_ef_envelope_case FOREIGN KEY (case_id) REFERENCES mc_case(id),
  CONSTRAINT mc_ef_envelope_type FOREIGN KEY (case_type) REFERENCES mc_case_type(code),
  CONSTRAINT mc_ef_envelope_clerk FOREIGN KEY (clerk_id) REFERENCES mc_account(id),
  CONSTRAINT mc_ef_envelope_copy FOREIGN KEY (copied_from) REFERENCES mc_ef_envelope(id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Parties of a new case.
CREATE TABLE mc_ef_party (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  envelope_id     BIGINT UNSIGNED NOT NULL,
  kind            ENUM('person','business') NOT NULL,
  role            ENUM('plaintiff','petitioner','defendant','respondent','other') NOT NULL,
  last_name       VARCHAR(200) NOT NULL,
  first_name      VARCHAR(100) NOT NULL DEFAULT '',
  middle_name     VARCHAR(100) NOT NULL DEFAULT '',
  KEY mc_ef_party_env (envelope_id),
  CONSTRAINT mc_ef_party_env FOREIGN KEY (envelope_id) REFERENCES mc_ef_envelope(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A document of an envelope. The file is in the document store under its
-- SHA-256 (stored_name), written to a temporary name and renamed when
-- complete, so no half-written document is ever visible. client_name is the
-- uploader's file name, metadata only (never a path).
CREATE TABLE mc_ef_document (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  envelope_id     BIGINT UNSIGNED NOT NULL,
  is_lead         TINYINT(1)   NOT NULL DEFAULT 0,
  filing_code_id  BIGINT UNSIGNED NOT NULL,
  client_name     VARCHAR(255) NOT NULL DEFAULT '',
  bytes           BIGINT UNSIGNED NOT NULL,
  sha256          CHAR(64)     NOT NULL,
  stored_name     VARCHAR(100) NOT NULL,
  docket_id       BIGINT UNSIGNED NULL,             -- once accepted
  created_at      DATETIME     NOT NULL,
  KEY mc_ef_document_env (envelope_id),
  CONSTRAINT mc_ef_document_env FOREIGN KEY (envelope_id) REFERENCES mc_ef_envelope(id) ON DELETE CASCADE,
  CONSTRAINT mc_ef_document_code FOREIGN KEY (filing_code_id) REFERENCES mc_ef_filing_code(id),
  CONSTRAINT mc_ef_document_docket FOREIGN KEY (docket_id) REFERENCES mc_docket(id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An envelope's history: every status change, who, when, and a note.
CREATE TABLE mc_ef_history (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  envelope_id     BIGINT UNSIGNED NOT NULL,
  at              DATETIME     NOT NULL,
  status          VARCHAR(20)  NOT NULL,
  actor_id        BIGINT UNSIGNED NULL,
  note            VARCHAR(2000) NOT NULL DEFAULT '',
  KEY mc_ef_history_env (envelope_id, at),
  CONSTRAINT mc_ef_history_env FOREIGN KEY (envelope_id) REFERENCES mc_ef_envelope(id) ON DELETE CASCADE,
  CONSTRAINT mc_ef_history_actor FOREIGN KEY (actor_id) REFERENCES mc_account(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Charges recorded by the "court account" payment provider.
CREATE TABLE mc_ef_charge (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  envelope_id     BIGINT UNSIGNED NOT NULL,
  provider        VARCHAR(20)  NOT NULL,
  amount_cents    BIGINT UNSIGNED NOT NULL,
  reference       VARCHAR(100) NOT NULL,
  at              DATETIME     NOT NULL,
  UNIQUE KEY mc_ef_charge_env (envelope_id, provider),
  CONSTRAINT mc_ef_charge_env FOREIGN KEY (envelope_id) REFERENCES mc_ef_envelope(id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The next envelope number per year.
CREATE TABLE mc_ef_sequence (
  name            VARCHAR(20)  NOT NULL PRIMARY KEY,
  next_value      BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
