-- Case.net, version 4: the Scheduled Hearings search reads its court's
-- hearings from one index (issue 13).
--
-- (court_code, hearing_at) found a court's week of hearings, but each of
-- them (2,940 for the busiest court's week at 1,000,000 cases) was then
-- read from the table for the case, the judge and the location: 8,830 page
-- reads before the count or the sort could start. With the case, judge
-- and location in the key the count and the filters read the index alone
-- (12 pages for that week). It serves every use of the old key, which
-- goes (one fewer index for the import and the clerk's entries to keep).
ALTER TABLE mc_hearing
  DROP KEY mc_hearing_court_at,
  ADD KEY mc_hearing_court_cover (court_code, hearing_at, case_id, judge_id, location);
