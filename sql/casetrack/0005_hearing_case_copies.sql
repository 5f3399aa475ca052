-- Case.net, version 5: each hearing carries copies of its case's number,
-- confidential flag and judge, so the Scheduled Hearings search counts,
-- filters and sorts a court's week from one index without reading a case
-- per hearing (issue 13).
--
-- With 0004 the week's hearings came from the index, but each was still
-- joined to mc_case for its number (the sort), its confidential flag and
-- court (the filter) and its judge (the judge filter and sort): about
-- 11 ms of MariaDB per request at 1,000,000 cases. Now mc_case is read for
-- the page's rows only.
--
-- The copies (and 0003's court_code) are written with each hearing and
-- rewritten in the transaction that changes its case: the clerk's hearing
-- form and confidential toggle (plugins/casetrack/clerk.c), the import
-- (mod_mocourts/admin/import_write.c, which also changes a case's court and
-- judge). A case's number never changes (the import finds a case by it).
-- A hearing written without them is hidden (case_confidential defaults to
-- 1), never shown for a confidential case.
--
-- Every statement may run again: MariaDB's DDL is not transactional, so a
-- run cut short (MoCourtsDBTimeout on a large table, see INSTALL) leaves
-- part of the file applied and unrecorded, and `migrate` runs the file again
-- from its start.
ALTER TABLE mc_hearing
  ADD COLUMN IF NOT EXISTS case_number VARCHAR(20) NULL AFTER court_code,
  ADD COLUMN IF NOT EXISTS case_confidential TINYINT(1) NOT NULL DEFAULT 1 AFTER case_number,
  ADD COLUMN IF NOT EXISTS case_judge_id BIGINT UNSIGNED NULL AFTER judge_id;

UPDATE mc_hearing h JOIN mc_case c ON c.id = h.case_id
   SET h.court_code = c.court_code, h.case_number = c.number,
       h.case_confidential = c.confidential, h.case_judge_id = c.judge_id;

-- A public court's week, in the order of either sort, with everything the
-- count, the judge and location filters and the page's ids need.
ALTER TABLE mc_hearing
  DROP KEY IF EXISTS mc_hearing_court_cover,
  ADD KEY IF NOT EXISTS mc_hearing_public_cover (court_code, case_confidential, hearing_at, case_number,
                                   judge_id, case_judge_id, location);
