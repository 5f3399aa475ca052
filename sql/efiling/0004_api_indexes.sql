-- eFiling, version 4: the JSON API's lists read their rows in index order
-- (issue 16).
--
-- The API pages by cursor, the cursor being the last id given: an
-- account's envelopes newest first (ORDER BY id DESC, below an id) and a
-- court's queue oldest first (ORDER BY id, above an id). (account_id, id)
-- gives the account's in order, whatever the status asked for; (court_code,
-- status, id) gives one status of a court's in order. Without them a page
-- sorted every envelope of the account, or of the court in that status (a
-- court's accepted envelopes are its whole history).
ALTER TABLE mc_ef_envelope
  ADD KEY mc_ef_envelope_acct_id (account_id, id),
  ADD KEY mc_ef_envelope_court_id (court_code, status, id);
