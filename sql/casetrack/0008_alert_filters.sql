-- Case.net, version 8: alert filters (issue 16). A tracking may alert for
-- chosen kinds of docket entry only, on every channel (e-mail, text, call,
-- the daily digest, webhooks).
--
-- alert_types: NULL alerts for every entry (the default, as before); else
-- the kinds chosen, at least one. An entry's kind comes from its
-- entry_type (free text: the clerk's list, the feed's, eFiling's filing
-- codes) by MC_CASE_ENTRY_KIND in mod_mocourts/lib/mc_case.h:
--   orders    orders and judgments ("Order", "Judgment Entered", "Decree")
--   hearings  hearings set or moved ("Hearing Scheduled", "Notice of
--             Hearing", "Trial Setting", "Continuance Granted"); a tracking
--             with this kind also gets the hearing reminders
--   filings   filings ("Petition Filed", "Motion Filed", "Answer Filed",
--             "Summons Issued", "Memorandum Filed")
--   other     everything else ("Notice", "Other")
-- An entry is queued for a tracking (notice, digest item, webhook) only
-- when its kind is chosen: filtered when it is docketed, so changing the
-- filter changes the alerts of later entries.
--
-- May run again (see 0005).
ALTER TABLE mc_track
  ADD COLUMN IF NOT EXISTS alert_types SET('orders','hearings','filings','other') NULL DEFAULT NULL
  AFTER frequency;
