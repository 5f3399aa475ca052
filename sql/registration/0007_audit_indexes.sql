-- Registration plugin, version 7 (issue 17): the Security unit's audit log
-- viewer (audit.c) and `mocourts-admin audit` search the core's mc_audit,
-- newest first, by account, event type, days and client address.
--
-- The core has (account_id, at) and (event, at). An account's events also
-- count what it did to other accounts (actor_id: the Security unit's
-- actions, a group administrator's), read through (actor_id, at) beside
-- (account_id, at); an address (a prefix of it) through (client_ip, at);
-- a range of days alone, or no filter, through (at), in order.
ALTER TABLE mc_audit
  ADD KEY mc_audit_actor (actor_id, at),
  ADD KEY mc_audit_ip (client_ip, at),
  ADD KEY mc_audit_at (at);
