-- Registration plugin, version 4: "Create an account" under a limit per
-- client address (MoCourtsSignupLimit), and a CAPTCHA whose picture has a
-- spoken alternative (issue 11).

-- Requests per client address in fixed windows: credentials submitted
-- ('signup') and spoken phrases fetched ('audio').
CREATE TABLE mc_reg_rate (
  client_ip    VARCHAR(45) NOT NULL,
  kind         ENUM('signup','audio') NOT NULL,
  window_start DATETIME NOT NULL,
  hits         INT NOT NULL DEFAULT 0,
  PRIMARY KEY (client_ip, kind),
  KEY mc_reg_rate_window (window_start)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- The phrase the picture shows, kept (beside its hash) until it is
-- answered or expires, so that the recording says the same phrase.
ALTER TABLE mc_reg_pending ADD COLUMN captcha_phrase VARCHAR(8) NULL AFTER captcha_hash;
