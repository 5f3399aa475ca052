-- Case.net, version 7 (issue 16): the calendar feed of an account's tracked
-- cases' hearings.
--
-- One secret per account; its URL (/casenet/calendar/<secret>.ics) is all a
-- calendar program needs, so the secret is the credential: 32 random bytes,
-- base64url, shown on the Manage My Case page, stored here only as its
-- SHA-256 (hex), as a session's. Resetting it replaces the hash in place, so
-- the old URL answers 404 at once on every node; removing it deletes the
-- row. created_at: when the feed was first made; reset_at: when its secret
-- was last replaced (NULL: never).
--
-- Every statement may run again (see 0005).
CREATE TABLE IF NOT EXISTS mc_ct_calendar (
  account_id    BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  secret_hash   CHAR(64)     NOT NULL,
  created_at    DATETIME     NOT NULL,
  reset_at      DATETIME     NULL,
  UNIQUE KEY mc_ct_calendar_hash (secret_hash),
  CONSTRAINT mc_ct_calendar_acct FOREIGN KEY (account_id) REFERENCES mc_account(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii;
