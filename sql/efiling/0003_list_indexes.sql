-- eFiling, version 3: the list pages read their rows in index order (issue 13).
--
-- My Filings lists an account's envelopes newest first (ORDER BY
-- updated_at DESC, id DESC); with only (account_id, status, updated_at) a
-- list of every status read all of the account's envelopes and sorted them
-- (a filesort of 1,000 rows for a page of 25). With (account_id,
-- updated_at) it reads the page in order and stops.
--
-- The clerk's queue of accepted or rejected envelopes lists a court's
-- newest decisions first (ORDER BY decided_at DESC, id DESC): the court and
-- status beside the decision date give them in order. (Submitted and Under
-- Review already come in order from (court_code, status, submitted_at).)
ALTER TABLE mc_ef_envelope
  ADD KEY mc_ef_envelope_acct_updated (account_id, updated_at),
  ADD KEY mc_ef_envelope_decided (court_code, status, decided_at);
