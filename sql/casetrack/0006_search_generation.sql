-- Case.net, version 6: the generation of the public search results, which
-- each Apache process's cache of them (plugins/casetrack/search_cache.c,
-- issue 13) is checked against.
--
-- One row. Every write that can change what a public search finds bumps it
-- in its own transaction: the import (mod_mocourts/admin/import_write.c,
-- import_cases.c), the clerk's hearing and judgment forms
-- (plugins/casetrack/clerk.c), mc_case_set_confidential
-- (mod_mocourts/lib/mc_case.c) and eFiling's new case
-- (plugins/efiling/review.c). A search reads it (one primary-key SELECT)
-- and uses a cached result only when it was stored under the same
-- generation, so no process and no node on this database serves a result
-- from before the write. Docket entries change no search result.
--
-- Every statement may run again (see 0005).
CREATE TABLE IF NOT EXISTS mc_ct_generation (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  gen BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB;

INSERT IGNORE INTO mc_ct_generation (id, gen) VALUES (1, 1);
