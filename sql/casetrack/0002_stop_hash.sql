-- Case.net, version 2: the Stop Tracking links are stored hashed (issue 11).
--
-- Each e-mailed notice carries a Stop Tracking link with a token of its own
-- (32 bytes of randomness, or derived from a per-notice-run secret that is
-- never stored; base64url, 43 characters). Only the SHA-256 of a token is
-- kept (lower-case hex), so a copy of the database cannot stop anyone's
-- tracking. A link is looked up by its tracking's id and its token's hash.
CREATE TABLE mc_track_stop (
  track_id      BIGINT UNSIGNED NOT NULL,
  token_hash    CHAR(64) CHARACTER SET ascii NOT NULL,
  created_at    DATETIME NOT NULL,
  PRIMARY KEY (track_id, token_hash),
  CONSTRAINT mc_track_stop_track FOREIGN KEY (track_id) REFERENCES mc_track(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- The links already sent keep working: their tokens, hashed here.
INSERT INTO mc_track_stop (track_id, token_hash, created_at)
  SELECT id, SHA2(stop_token, 256), created_at FROM mc_track WHERE stop_token <> '';

ALTER TABLE mc_track DROP COLUMN stop_token;
