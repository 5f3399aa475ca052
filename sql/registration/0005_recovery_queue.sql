-- Registration plugin, version 5 (issue 11 §5): Forgot Password and Forgot
-- Username queue the request, whatever was typed, and answer; the delivery
-- worker's round does the lookups and the mails (recovery_mail.c).

-- One row per pending request, deleted when the round has done its work
-- (the limits per account and per address apply then).
CREATE TABLE mc_reg_recovery (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind         ENUM('password','username') NOT NULL,
  ident        VARCHAR(254) NOT NULL,
  client_ip    VARCHAR(45) NOT NULL DEFAULT '',
  -- The addresses the mail links to, of the site that was asked.
  reset_base   VARCHAR(500) NOT NULL,
  logon_url    VARCHAR(500) NOT NULL,
  requested_at DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- When a worker's round last ran (any node): with none for a minute, the
-- pages do the queue's work themselves.
CREATE TABLE mc_reg_worker (
  name    VARCHAR(32) NOT NULL PRIMARY KEY,
  seen_at DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=ascii;
