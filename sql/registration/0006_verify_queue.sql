-- Registration plugin, version 6 (issue 11 §5): Resend the verification
-- e-mail queues the request too, whatever was typed, and answers; the
-- delivery worker's round makes the link and the mail (recovery_mail.c).
-- The links' address up to the token is now that of either page: the reset
-- link's (<mount>/reset/) or the verification link's (<mount>/verify/).
ALTER TABLE mc_reg_recovery
  MODIFY kind ENUM('password','username','verify') NOT NULL,
  CHANGE reset_base link_base VARCHAR(500) NOT NULL;
