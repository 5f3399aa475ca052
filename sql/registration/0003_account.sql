-- Registration plugin, version 3: My Account (seed 000 step 13).

-- A pending change of e-mail address: takes effect when the link (an
-- mc_code of purpose 'email-change') sent to the new address is followed.
CREATE TABLE mc_reg_email_change (
  code_id     BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  account_id  BIGINT UNSIGNED NOT NULL,
  new_email   VARCHAR(254) NOT NULL,
  KEY mc_reg_email_change_acct (account_id),
  CONSTRAINT mc_reg_email_change_code FOREIGN KEY (code_id) REFERENCES mc_code(id) ON DELETE CASCADE,
  CONSTRAINT mc_reg_email_change_acct FOREIGN KEY (account_id) REFERENCES mc_account(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
