-- Case.net, version 9: tags in Manage My Case (issue 17, "Case folders").
-- An account names its own tags (1 to 40 characters, at most 50, unique
-- per account ignoring case: name_key, the name in lower case, is unique)
-- and puts them on the cases of its folder; the folder may be shown for
-- one tag. A tag on a case is an entry of mc_mycase: removing the case
-- from the folder (or the account, or the case) removes its tags, and
-- deleting a tag takes it off every case.
--
-- May run again (see 0005).
CREATE TABLE IF NOT EXISTS mc_mycase_tag (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id    BIGINT UNSIGNED NOT NULL,
  name          VARCHAR(40)  NOT NULL,
  name_key      VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin AS (LOWER(name)) STORED,
  created_at    DATETIME     NOT NULL,
  UNIQUE KEY mc_mycase_tag_name (account_id, name_key),
  CONSTRAINT mc_mycase_tag_acct FOREIGN KEY (account_id) REFERENCES mc_account(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS mc_mycase_tagged (
  tag_id        BIGINT UNSIGNED NOT NULL,
  account_id    BIGINT UNSIGNED NOT NULL,
  case_id       BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (tag_id, case_id),
  KEY mc_mycase_tagged_case (account_id, case_id),
  CONSTRAINT mc_mycase_tagged_tag FOREIGN KEY (tag_id) REFERENCES mc_mycase_tag(id) ON DELETE CASCADE,
  CONSTRAINT mc_mycase_tagged_case FOREIGN KEY (account_id, case_id)
    REFERENCES mc_mycase(account_id, case_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
