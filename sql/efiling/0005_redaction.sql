-- eFiling plugin, version 5 (issue 17, "Filers and clerks"): what the kept
-- PDF tools found (plugins/efiling/redact.c, clerkdocs.c).
--
-- Each uploaded document's text is read by pdftotext (out of process) and
-- scanned for what court rules require redacting (Missouri Supreme Court
-- Operating Rule 2, FRCP 5.2). Only masked hits are kept (the page, the
-- kind, e.g. ***-**-1234): never the document's text.
--   text_pages: pages pdftotext read (NULL: not read, e.g. killed at its limit)
--   redaction:  clean (nothing found), hits (mc_ef_redaction_hit rows),
--               unchecked (the text could not be read: the filer must check)
--   qpdf_verdict, qpdf_output: qpdf --check's verdict (ok, warnings, errors)
--               and the first lines of its output, for the clerk (cached on
--               the first view of the envelope by a clerk)
ALTER TABLE mc_ef_document
  ADD COLUMN text_pages INT UNSIGNED NULL AFTER active_found,
  ADD COLUMN redaction ENUM('clean','hits','unchecked') NOT NULL DEFAULT 'clean' AFTER text_pages,
  ADD COLUMN qpdf_verdict VARCHAR(10) NULL AFTER redaction,
  ADD COLUMN qpdf_output VARCHAR(1000) NULL AFTER qpdf_verdict;

-- The filer's "I have redacted ..." at submit, when a document had hits or
-- could not be checked (also an audit row, ef-redaction-confirmed).
ALTER TABLE mc_ef_envelope
  ADD COLUMN redaction_confirmed_at DATETIME NULL;

CREATE TABLE mc_ef_redaction_hit (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  document_id     BIGINT UNSIGNED NOT NULL,
  page            INT UNSIGNED NOT NULL,
  kind            VARCHAR(16)  NOT NULL,   -- ssn, dob, card, account
  masked          VARCHAR(40)  NOT NULL,   -- ***-**-1234, **-**-1980, ****1234
  KEY mc_ef_redaction_hit_doc (document_id, page),
  CONSTRAINT mc_ef_redaction_hit_doc FOREIGN KEY (document_id) REFERENCES mc_ef_document(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
