/* account_questions.c: Update Account - Security Questions (GET/POST
 * /myaccount/questions, routes in account.c): the current password, then
 * new questions and answers (reg_common.c's rules; answers kept hashed).
 * See registration.h. */
#include "registration.h"

#define Q_TITLE "Update Account - Security Questions"

static int questions_page(mc_req *mr, const int *q, const char *const *a, const char *const *va,
                          const char *error)
{
    static const char *const fields[] = {"question", "answer", "verify"};
    const char *field = mc_reg_slot_error_field(mr->r->pool, error, fields);
    if (error && !field && !strncmp(error, "Current Password: ", 18))
        field = "current_password";
    if (error)
        mc_reg_field_error(mr->r->pool, mr->vars, NULL, error, field);
    mc_reg_question_slots(mr->vars, fields, " *", q, a, va);
    mc_vars_set(mr->vars, "action", mc_url(mr, "/myaccount/questions"));
    mc_vars_set(mr->vars, "back", mc_url(mr, "/myaccount"));
    return mc_render(mr, HTTP_OK, "account-questions.html", Q_TITLE);
}

int mc_reg_account_questions_get(mc_req *mr)
{
    int q[3] = {0, 1, 2}, i;
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv = mc_req_db(mr, &db);
    if (rv == APR_SUCCESS)
        rv = mc_db_query(db, mr->r->pool, &res,
                         "SELECT slot, question FROM mc_reg_answer WHERE account_id = ?", "i",
                         mr->account->id);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        long long slot = mc_dbres_int(res, i, 0), qn = mc_dbres_int(res, i, 1);
        if (slot >= 1 && slot <= 3 && qn >= 0 && qn < mc_reg_question_count)
            q[slot - 1] = (int)qn;
    }
    return questions_page(mr, q, NULL, NULL, NULL);
}

typedef struct questions_baton {
    int q[3];
    const char *h[3]; /* the answers' hashes */
} questions_baton;

/* The three questions and answers replace the account's. */
static apr_status_t questions_tx(mc_req *mr, mc_db *db, void *baton)
{
    questions_baton *b = baton;
    mc_vars *v = mc_vars_make(mr->r->pool, NULL);
    apr_status_t rv;
    int i;
    mc_vars_set(v, "username", mr->account->username);
    rv = mc_db_exec(db, NULL, NULL, "DELETE FROM mc_reg_answer WHERE account_id = ?", "i",
                    mr->account->id);
    for (i = 0; i < 3 && rv == APR_SUCCESS; i++)
        rv = mc_db_exec(db, NULL, NULL,
                        "INSERT INTO mc_reg_answer (account_id, slot, question, answer_hash) "
                        "VALUES (?, ?, ?, ?)",
                        "iiis", mr->account->id, (long long)(i + 1), (long long)b->q[i], b->h[i]);
    if (rv == APR_SUCCESS &&
        (rv = mc_email_queue(mr, db, mr->account->id, mr->account->email, "questions-changed",
                             "Your security questions were changed",
                             "account-questions-changed.txt", v)) == APR_SUCCESS)
        rv = mc_audit(mr, db, "security-questions-changed", mr->account->id, "");
    return rv;
}

int mc_reg_account_questions_post(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    questions_baton b;
    int *q = b.q, i, ok, rc;
    const char *a[3], *va[3], *why = NULL, *cur = mc_field(mr, "current_password"), **h = b.h;
    mc_db *db;
    apr_status_t rv;
    for (i = 0; i < 3; i++) {
        const char *qs = mc_field(mr, apr_psprintf(p, "question%d", i + 1));
        char *end;
        long n = qs && *qs ? strtol(qs, &end, 10) : -1;
        q[i] = (qs && *qs && !*end && n >= 0 && n < mc_reg_question_count) ? (int)n : -1;
        a[i] = mc_reg_account_field(mr, apr_psprintf(p, "answer%d", i + 1));
        va[i] = mc_reg_account_field(mr, apr_psprintf(p, "verify%d", i + 1));
    }
    for (i = 0; i < 3 && !why; i++) {
        if (!*a[i])
            why = apr_psprintf(p, "Answer %d: this field is required.", i + 1);
        else if (strcmp(mc_reg_normalise_answer(p, a[i]), mc_reg_normalise_answer(p, va[i])))
            why = apr_psprintf(p, "Verify Answer %d: it does not match Answer %d.", i + 1, i + 1);
    }
    if (!why)
        why = mc_reg_check_answers(p, q, a, 3);
    if (!why && (!cur || !*cur))
        why = "Current Password: enter your current password to change any questions or "
              "answers.";
    if (why)
        return questions_page(mr, q, a, va, why);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if ((ok = mc_reg_account_password_ok(mr, db, cur, "security questions", &rc)) < 0)
        return rc;
    if (!ok)
        return questions_page(mr, q, a, va,
                              "Current Password: the password you entered is incorrect.");
    for (i = 0; i < 3; i++)
        if ((rv = mc_password_make(mr, mc_reg_normalise_answer(p, a[i]), &h[i])) != APR_SUCCESS)
            return rv == APR_EAGAIN ? mc_busy(mr) : mc_fail(mr, rv);
    return mc_reg_account_save(mr, questions_tx, &b, "questions");
}
