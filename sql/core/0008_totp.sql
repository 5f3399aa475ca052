-- Core, version 8 (issue 17): two-step verification with an authenticator
-- app (TOTP, RFC 6238).

-- Two more limited stages of a session: 'totp' (the password was right;
-- the authentication code is asked for) and 'enrol' (a role that
-- MoCourtsTwoStepRequired names, without two-step verification yet: only
-- its set-up page answers).
ALTER TABLE mc_session
  MODIFY stage ENUM('full','password','device','totp','enrol') NOT NULL DEFAULT 'full';

-- An account's authenticator key: 20 random bytes, kept encrypted
-- (libsodium crypto_secretbox, a key derived from the code key: README,
-- Two-step verification) as hex of nonce, MAC and ciphertext. enabled_at
-- NULL: set up but not yet confirmed with a code. last_step: the last
-- accepted time step (Unix time / 30), so no code is accepted twice.
CREATE TABLE mc_totp (
  account_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  secret     VARCHAR(160) NOT NULL,
  created_at DATETIME NOT NULL,
  enabled_at DATETIME NULL,
  last_step  BIGINT NOT NULL DEFAULT 0,
  CONSTRAINT mc_totp_acct FOREIGN KEY (account_id) REFERENCES mc_account(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- Ten single-use recovery codes per account, stored as their keyed hash
-- (mc_code_hash, purpose 'recovery').
CREATE TABLE mc_totp_recovery (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT UNSIGNED NOT NULL,
  code_hash  CHAR(64) NOT NULL,
  used_at    DATETIME NULL,
  UNIQUE KEY mc_totp_recovery_code (account_id, code_hash),
  CONSTRAINT mc_totp_recovery_acct FOREIGN KEY (account_id) REFERENCES mc_account(id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii;
