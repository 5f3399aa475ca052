-- Groups plugin, version 2 (issue 11): wrong Group PINs no longer lock a
-- group's members out. They are throttled per account and per client
-- address ("ip:<address>" subjects); a group's own count only makes joining
-- it need the CAPTCHA, until captcha_until.
ALTER TABLE mc_group_pin_throttle ADD COLUMN captcha_until DATETIME NULL;

-- The CAPTCHA of Group User Authentication: one phrase per account at a
-- time, its hash checked, the phrase itself kept for the spoken version.
CREATE TABLE mc_group_captcha (
  account_id  BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  phrase_hash CHAR(64) NOT NULL,
  phrase      VARCHAR(8) NOT NULL,
  plays       INT NOT NULL DEFAULT 0,
  expires_at  DATETIME NOT NULL,
  CONSTRAINT mc_group_captcha_acct FOREIGN KEY (account_id) REFERENCES mc_account(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii;
