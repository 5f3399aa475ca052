/* tags.c: Manage My Case's tags (see tags.h). A name is trimmed, 1 to 40
 * characters of text; unique per account ignoring case (the unique key on
 * name_key, LOWER(name), decides; a check first gives the sentence). */
#include "tags.h"

#include "apr_strings.h"

static const char MSG_DUP[] = "You have a tag with that name already. Choose another name.";

const char *ct_tag_name_error(apr_pool_t *p, const char *name)
{
    apr_size_t n;
    if (!name || !*name)
        return "Enter a name for the tag.";
    if (!mc_text_printable(name, 0))
        return "The name holds characters that are not valid text. Type it again.";
    if ((n = mc_text_chars(name)) > CT_TAG_CHARS)
        return apr_psprintf(p,
                            "The name is too long: at most 40 characters (it has %lu). Shorten "
                            "it.",
                            (unsigned long)n);
    return NULL;
}

/* 1 when another tag of the account (not id) has name, ignoring case. */
static apr_status_t name_taken(mc_db *db, apr_pool_t *p, long long account_id, long long id,
                               const char *name, int *taken)
{
    mc_dbres *res;
    apr_status_t rv =
        mc_db_query(db, p, &res,
                    "SELECT id FROM mc_mycase_tag WHERE account_id = ? AND name_key = "
                    "LOWER(?) AND id <> ?",
                    "isi", account_id, name, id);
    *taken = rv == APR_SUCCESS && res->nrows > 0;
    return rv;
}

apr_status_t ct_tag_create(mc_db *db, apr_pool_t *p, long long account_id, const char *name,
                           long long *id, const char **refusal)
{
    mc_dbres *res;
    apr_status_t rv;
    int taken = 0;
    long long have;
    *refusal = NULL;
    /* Lock the account's tags, so two creates at once count right. */
    rv = mc_db_query(db, p, &res, "SELECT id FROM mc_mycase_tag WHERE account_id = ? FOR UPDATE",
                     "i", account_id);
    have = rv == APR_SUCCESS ? res->nrows : 0;
    if (rv == APR_SUCCESS)
        rv = name_taken(db, p, account_id, 0, name, &taken);
    if (rv != APR_SUCCESS)
        return rv;
    if (taken)
        *refusal = MSG_DUP;
    else if (have >= CT_TAGS_MAX)
        *refusal = "You have 50 tags already, the most an account may have. Delete one before "
                   "adding another.";
    if (*refusal)
        return APR_EGENERAL;
    rv = mc_db_exec(db, NULL, id,
                    "INSERT INTO mc_mycase_tag (account_id, name, created_at) VALUES (?, ?, "
                    "UTC_TIMESTAMP())",
                    "is", account_id, name);
    if (rv == MC_DB_EDUP) {
        *refusal = MSG_DUP;
        return APR_EGENERAL;
    }
    return rv;
}

apr_status_t ct_tag_rename(mc_db *db, apr_pool_t *p, long long account_id, long long id,
                           const char *name, int *found, const char **refusal)
{
    apr_status_t rv;
    const char *old;
    int taken = 0;
    *refusal = NULL;
    rv = ct_tag_get(db, p, account_id, id, &old);
    *found = rv == APR_SUCCESS && old;
    if (rv != APR_SUCCESS || !*found)
        return rv;
    if ((rv = name_taken(db, p, account_id, id, name, &taken)) != APR_SUCCESS)
        return rv;
    if (taken) {
        *refusal = MSG_DUP;
        return APR_EGENERAL;
    }
    rv = mc_db_exec(db, NULL, NULL,
                    "UPDATE mc_mycase_tag SET name = ? WHERE id = ? AND account_id = ?", "sii",
                    name, id, account_id);
    if (rv == MC_DB_EDUP) {
        *refusal = MSG_DUP;
        return APR_EGENERAL;
    }
    return rv;
}

apr_status_t ct_tag_delete(mc_db *db, long long account_id, long long id, int *found)
{
    long long n = 0;
    apr_status_t rv =
        mc_db_exec(db, &n, NULL, "DELETE FROM mc_mycase_tag WHERE id = ? AND account_id = ?", "ii",
                   id, account_id);
    *found = n > 0;
    return rv;
}

apr_status_t ct_tag_get(mc_db *db, apr_pool_t *p, long long account_id, long long id,
                        const char **name)
{
    mc_dbres *res;
    apr_status_t rv =
        mc_db_query(db, p, &res, "SELECT name FROM mc_mycase_tag WHERE id = ? AND account_id = ?",
                    "ii", id, account_id);
    *name = rv == APR_SUCCESS && res->nrows == 1 ? mc_dbres_get(res, 0, 0) : NULL;
    return rv;
}

apr_status_t ct_tags_list(mc_db *db, apr_pool_t *p, long long account_id, mc_dbres **res)
{
    return mc_db_query(db, p, res,
                       "SELECT t.id, t.name, (SELECT COUNT(*) FROM mc_mycase_tagged g WHERE "
                       "g.tag_id = t.id) FROM mc_mycase_tag t WHERE t.account_id = ? ORDER BY "
                       "t.name_key, t.id",
                       "i", account_id);
}

apr_status_t ct_case_tags(mc_db *db, apr_pool_t *p, long long account_id, long long case_id,
                          mc_dbres **res)
{
    return mc_db_query(db, p, res,
                       "SELECT t.id, t.name FROM mc_mycase_tagged g JOIN mc_mycase_tag t ON t.id "
                       "= g.tag_id WHERE g.account_id = ? AND g.case_id = ? ORDER BY t.name_key, "
                       "t.id",
                       "ii", account_id, case_id);
}

apr_status_t ct_folder_tags(mc_db *db, apr_pool_t *p, long long account_id, mc_dbres **res)
{
    return mc_db_query(db, p, res,
                       "SELECT g.case_id, t.id, t.name FROM mc_mycase_tagged g JOIN mc_mycase_tag "
                       "t ON t.id = g.tag_id WHERE g.account_id = ? ORDER BY g.case_id, "
                       "t.name_key, t.id",
                       "i", account_id);
}

apr_status_t ct_tag_attach(mc_db *db, apr_pool_t *p, long long account_id, long long id,
                           long long case_id, int *found)
{
    long long n = 0;
    apr_status_t rv = mc_db_exec(db, &n, NULL,
                                 "INSERT IGNORE INTO mc_mycase_tagged (tag_id, account_id, "
                                 "case_id) SELECT id, account_id, ? FROM mc_mycase_tag WHERE id = "
                                 "? AND account_id = ?",
                                 "iii", case_id, id, account_id);
    const char *name = NULL;
    if (rv != APR_SUCCESS || n > 0) {
        *found = n > 0;
        return rv;
    }
    /* Nothing inserted: on the case already, or not the account's tag. */
    rv = ct_tag_get(db, p, account_id, id, &name);
    *found = name != NULL;
    return rv;
}

apr_status_t ct_tag_detach(mc_db *db, apr_pool_t *p, long long account_id, long long id,
                           long long case_id, int *found)
{
    const char *name = NULL;
    apr_status_t rv = ct_tag_get(db, p, account_id, id, &name);
    *found = name != NULL;
    if (rv != APR_SUCCESS || !*found)
        return rv;
    return mc_db_exec(db, NULL, NULL,
                      "DELETE FROM mc_mycase_tagged WHERE tag_id = ? AND account_id = ? AND "
                      "case_id = ?",
                      "iii", id, account_id, case_id);
}
