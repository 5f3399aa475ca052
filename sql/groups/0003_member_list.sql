-- Groups, version 3: Group Maintenance reads its page in index order (issue 13).
--
-- The member list shows a group's members (is_admin = 0) newest status
-- first (ORDER BY m.status_date DESC, a.id DESC, a.id being
-- m.account_id). With only (group_id, status, status_date) a list of both
-- statuses read every member of the group and sorted them (2,000 rows for
-- a page of 25); (group_id, is_admin, status_date), followed in InnoDB by
-- the primary key account_id, gives them in that order: the page is read
-- in order and the read stops. (Nothing may follow status_date in the
-- key: the order would then no longer end in account_id.)
ALTER TABLE mc_group_member
  ADD KEY mc_group_member_list (group_id, is_admin, status_date);
