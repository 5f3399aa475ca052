-- Core schema, version 5 (issue 11): attempts reserved before they are
-- checked, logon by verified e-mail only, and the key of e-mailed codes.

-- A logon (or code) is checked only once it has taken one of the
-- lock-out's places: failures + pending stays below MoCourtsLockout's count,
-- however many attempts arrive at once and on however many nodes. pending
-- is the number of attempts being checked right now; each gives its place
-- back as a failure or, when right, as nothing. first_failure is when the
-- window began (the first reservation of it).
ALTER TABLE mc_logon_throttle ADD COLUMN pending INT NOT NULL DEFAULT 0 AFTER failures;

-- Only a verified address identifies an account at logon, and a verified
-- address belongs to one account (compared ignoring case, as e-mail is
-- everywhere here). Where several accounts had the same address verified,
-- the oldest keeps it; the others log on by username.
UPDATE mc_account a JOIN mc_account b
    ON b.email = a.email AND b.email_verified = 1 AND b.id < a.id
   SET a.email_verified = 0
 WHERE a.email_verified = 1;
ALTER TABLE mc_account
  ADD COLUMN verified_email VARCHAR(254) AS (IF(email_verified = 1, email, NULL)) STORED,
  ADD UNIQUE KEY mc_account_verified_email (verified_email);

-- Secrets the module keeps in the database, the same for every node. The
-- key of short e-mailed codes (device codes: a keyed BLAKE2b of the code,
-- never a plain digest of six digits) is here unless MoCourtsSecretFile
-- names a file that holds it outside the database.
CREATE TABLE mc_secret (
  name  VARCHAR(32) NOT NULL PRIMARY KEY,
  value VARBINARY(64) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=ascii;
INSERT INTO mc_secret (name, value) VALUES ('code-key', RANDOM_BYTES(32));
