-- Case.net, version 3: each hearing carries its case's court (issue 13).
--
-- The Scheduled Hearings search asks for one court's hearings between two
-- dates. With only the date index it read every court's hearings of those
-- days and joined each to its case to learn the court (37,561 rows for a
-- week at 1,000,000 cases); with the court beside the date it reads that
-- court's alone. The column is a copy of mc_case.court_code, written by
-- every INSERT into mc_hearing (the import, the clerk's docket entry); the
-- search still checks the case's own court and confidentiality, so a stale
-- copy can only leave a hearing out, never show one of another court.
ALTER TABLE mc_hearing
  ADD COLUMN court_code VARCHAR(10) NULL AFTER case_id,
  ADD KEY mc_hearing_court_at (court_code, hearing_at);

UPDATE mc_hearing h JOIN mc_case c ON c.id = h.case_id SET h.court_code = c.court_code;
