/* rules.c: the filing rules the wizard's pages and the JSON API share (see
 * rules.h): a new draft, its court and case, its parties, a document's
 * filing code, the payment, and the submit. */
#include "rules.h"
#include "payment.h"

#include "apr_lib.h"

#define CAPTION_MAX 500
#define PARTY_NAME_MAX 200

apr_status_t ef_draft_create(mc_req *mr, mc_db *db, const char *kind, long long group_id,
                             long long *id)
{
    apr_status_t rv = mc_db_exec(db, NULL, id,
                                 "INSERT INTO mc_ef_envelope (account_id, group_id, kind, status, "
                                 "step, created_at, updated_at) VALUES (?, NULLIF(?, 0), ?, "
                                 "'draft', 'case', UTC_TIMESTAMP(), UTC_TIMESTAMP())",
                                 "iis", mr->account->id, group_id, kind);
    if (rv == APR_SUCCESS)
        rv = ef_history_add(db, *id, "draft", mr->account->id, "Draft started");
    return rv;
}

apr_status_t ef_wiz_advance(mc_db *db, const ef_env *e, const char *next)
{
    const char *to = ef_wiz_step_index(next) > ef_wiz_step_index(e->step) ? next : e->step;
    return mc_db_exec(db, NULL, NULL,
                      "UPDATE mc_ef_envelope SET step = ?, updated_at = UTC_TIMESTAMP() WHERE id "
                      "= ? AND status = 'draft'",
                      "si", to, e->id);
}

/* ---- court and case -------------------------------------------------------------- */

/* 1 when s has the shape of a case number (99AA-AA99999); *out upper-cased. */
static int case_number_ok(apr_pool_t *p, const char *s, const char **out)
{
    static const char shape[] = "99AA-AA99999";
    char buf[sizeof(shape)];
    size_t i;
    if (strlen(s) != sizeof(shape) - 1)
        return 0;
    for (i = 0; i < sizeof(shape) - 1; i++) {
        char c = s[i];
        if ((shape[i] == '9' && !apr_isdigit(c)) || (shape[i] == 'A' && !apr_isalpha(c)) ||
            (shape[i] == '-' && c != '-'))
            return 0;
        buf[i] = (char)apr_toupper(c);
    }
    buf[i] = '\0';
    *out = apr_pstrdup(p, buf);
    return 1;
}

apr_status_t ef_case_set(mc_req *mr, mc_db *db, const ef_env *e, const ef_case_in *in,
                         int court_only_ok, int *court_only, const char **field,
                         const char **refusal)
{
    apr_pool_t *p = mr->r->pool;
    const char *court = in->court ? in->court : "", *ct = in->case_type;
    const char *caption = in->caption ? in->caption : "";
    const char *number = in->case_number ? in->case_number : "", *num;
    int is_new = !strcmp(e->kind, "new"), found;
    mc_dbres *res;
    apr_status_t rv;
    ef_court c;

    *court_only = 0;
    *refusal = NULL;
#define REFUSE(f, msg)                                                                             \
    do {                                                                                           \
        *field = (f);                                                                              \
        *refusal = (msg);                                                                          \
        return APR_SUCCESS;                                                                        \
    } while (0)
    if (!*court)
        REFUSE("court", "Choose the court.");
    if ((rv = ef_court_get(db, p, court, &c, &found)) != APR_SUCCESS)
        return rv;
    if (!found) {
        rv = mc_db_query(db, p, &res, "SELECT name FROM mc_court WHERE code = ?", "s", court);
        if (rv != APR_SUCCESS)
            return rv;
        if (!res->nrows)
            REFUSE("court", "Choose the court from the list.");
        REFUSE("court", apr_pstrcat(p, mc_dbres_get(res, 0, 0),
                                    " does not accept electronic filings.", NULL));
    }
    if (strcmp(court, e->court_code)) {
        rv = mc_db_query(db, p, &res, "SELECT COUNT(*) FROM mc_ef_document WHERE envelope_id = ?",
                         "i", e->id);
        if (rv != APR_SUCCESS)
            return rv;
        if (mc_dbres_int(res, 0, 0))
            REFUSE("court", "Remove the documents before you change the court: their filing "
                            "codes are the court's.");
    }
    if (is_new) {
        if (strlen(caption) > CAPTION_MAX)
            REFUSE("caption", "The caption is too long (500 characters at most).");
        if (court_only_ok && (!ct || (!*ct && strcmp(court, e->court_code)))) {
            /* The court was just chosen: keep it and offer its case types. */
            *court_only = 1;
            return mc_db_exec(db, NULL, NULL,
                              "UPDATE mc_ef_envelope SET court_code = ?, case_type = NULL, "
                              "caption = ?, updated_at = UTC_TIMESTAMP() WHERE id = ? AND status "
                              "= 'draft'",
                              "ssi", court, caption, e->id);
        }
        if (!ct || !*ct)
            REFUSE("case_type", "Choose the case type.");
        rv = mc_db_query(db, p, &res,
                         "SELECT t.name FROM mc_ef_case_type x JOIN mc_case_type t ON t.code = "
                         "x.case_type WHERE x.court_code = ? AND x.case_type = ?",
                         "ss", court, ct);
        if (rv != APR_SUCCESS)
            return rv;
        if (!res->nrows)
            REFUSE("case_type", apr_pstrcat(p, c.name,
                                            " does not accept new cases of that type "
                                            "electronically: choose a case type from the list.",
                                            NULL));
        if (!*caption)
            REFUSE("caption", "Enter the case caption (for example, SMITH V JONES).");
        return mc_db_exec(db, NULL, NULL,
                          "UPDATE mc_ef_envelope SET court_code = ?, case_type = ?, caption = ?, "
                          "updated_at = UTC_TIMESTAMP() WHERE id = ? AND status = 'draft'",
                          "sssi", court, ct, caption, e->id);
    }
    if (!*number)
        REFUSE("case_number", "Enter the case number.");
    if (!case_number_ok(p, number, &num))
        REFUSE("case_number", "Enter the case number in the form 99AA-AA99999 (for example, "
                              "22SL-CC01234).");
    rv = mc_db_query(db, p, &res,
                     "SELECT id, caption, case_type FROM mc_case WHERE number = ? AND court_code "
                     "= ? AND confidential = 0",
                     "ss", num, court);
    if (rv != APR_SUCCESS)
        return rv;
    if (!res->nrows)
        REFUSE("case_number", apr_pstrcat(p, "No case ", num, " was found in ", c.name, ".", NULL));
#undef REFUSE
    return mc_db_exec(db, NULL, NULL,
                      "UPDATE mc_ef_envelope SET court_code = ?, case_id = ?, case_type = ?, "
                      "caption = LEFT(?, 500), updated_at = UTC_TIMESTAMP() WHERE id = ? AND "
                      "status = 'draft'",
                      "sissi", court, mc_dbres_int(res, 0, 0), mc_dbres_get(res, 0, 2),
                      mc_dbres_get(res, 0, 1), e->id);
}

/* ---- parties ------------------------------------------------------------------------ */

static int valid_role(const char *r)
{
    return r && (!strcmp(r, "plaintiff") || !strcmp(r, "petitioner") || !strcmp(r, "defendant") ||
                 !strcmp(r, "respondent"));
}

const char *ef_party_check(const ef_party_in *in, const char **field)
{
    const char *kind = in->kind;
    if (!kind || (strcmp(kind, "person") && strcmp(kind, "business")))
        return *field = "kind", "Choose whether the party is a person or a business.";
    if (!valid_role(in->role))
        return *field = "role", "Choose the party's role: plaintiff, petitioner, defendant or "
                                "respondent.";
    if (!strcmp(kind, "person")) {
        const char *last = in->last_name ? in->last_name : "";
        const char *first = in->first_name ? in->first_name : "";
        const char *middle = in->middle_name ? in->middle_name : "";
        if (!*last)
            return *field = "last_name", "Enter the party's last name.";
        if (!*first)
            return *field = "first_name", "Enter the party's first name.";
        if (strlen(last) > PARTY_NAME_MAX || strlen(first) > 100 || strlen(middle) > 100)
            return *field = strlen(last) > PARTY_NAME_MAX ? "last_name"
                            : strlen(first) > 100         ? "first_name"
                                                          : "middle_name",
                   "A name is too long (last name 200 characters, first and middle name 100 "
                   "characters at most).";
        return NULL;
    }
    if (!in->business_name || !*in->business_name)
        return *field = "business_name", "Enter the business name.";
    if (strlen(in->business_name) > PARTY_NAME_MAX)
        return *field = "business_name", "The business name is too long (200 characters at most).";
    return NULL;
}

apr_status_t ef_party_add(mc_req *mr, mc_db *db, long long env_id, const ef_party_in *in, int *full)
{
    int person = !strcmp(in->kind, "person");
    mc_dbres *res;
    apr_status_t rv =
        mc_db_query(db, mr->r->pool, &res, "SELECT COUNT(*) FROM mc_ef_party WHERE envelope_id = ?",
                    "i", env_id);
    if (rv != APR_SUCCESS)
        return rv;
    if ((*full = mc_dbres_int(res, 0, 0) >= EF_PARTIES_MAX))
        return APR_EGENERAL;
    rv = mc_db_exec(db, NULL, NULL,
                    "INSERT INTO mc_ef_party (envelope_id, kind, role, last_name, first_name, "
                    "middle_name) SELECT id, ?, ?, ?, ?, ? FROM mc_ef_envelope WHERE id = ? AND "
                    "status = 'draft'",
                    "sssssi", in->kind, in->role, person ? in->last_name : in->business_name,
                    person ? in->first_name : "", person && in->middle_name ? in->middle_name : "",
                    env_id);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, NULL, NULL,
                        "UPDATE mc_ef_envelope SET updated_at = UTC_TIMESTAMP() WHERE id = ?", "i",
                        env_id);
    return rv;
}

/* ---- filing codes --------------------------------------------------------------------- */

apr_status_t ef_code_check(mc_db *db, apr_pool_t *p, const ef_court *c, const ef_env *e,
                           const char *code, int lead, long long *code_id, const char **field,
                           const char **refusal)
{
    mc_dbres *res;
    apr_status_t rv;
    *refusal = NULL;
    *field = "filing_code";
    if (!code || !*code) {
        *refusal = "Choose the filing code.";
        return APR_SUCCESS;
    }
    rv = mc_db_query(db, p, &res,
                     "SELECT id, initiating, name FROM mc_ef_filing_code WHERE court_code = ? "
                     "AND code = ? AND active = 1",
                     "ss", c->code, code);
    if (rv != APR_SUCCESS)
        return rv;
    if (!res->nrows) {
        *refusal = apr_pstrcat(p, "Choose one of ", c->name, "'s filing codes.", NULL);
        return APR_SUCCESS;
    }
    if (!strcmp(e->kind, "new") && lead && !mc_dbres_int(res, 0, 1)) {
        *field = "lead";
        *refusal = apr_pstrcat(p,
                               "The lead document of a new case must be one that starts a case "
                               "(such as a petition); ",
                               mc_dbres_get(res, 0, 2),
                               " does not. Choose another filing code, or upload this document "
                               "as an attachment.",
                               NULL);
        return APR_SUCCESS;
    }
    *code_id = mc_dbres_int(res, 0, 0);
    return APR_SUCCESS;
}

/* ---- payment and submit -------------------------------------------------------------- */

apr_status_t ef_payment_choose(mc_req *mr, mc_db *db, const ef_env *e, const char *choice,
                               const char *reason, const char **field, const char **refusal)
{
    const ef_payment_provider *pp;
    const char *keep = "";
    long long fees;
    apr_status_t rv;
    *refusal = NULL;
    if ((rv = ef_fees(db, mr->r->pool, e->id, &fees)) != APR_SUCCESS)
        return rv;
    if (fees == 0) {
        choice = "none";
    }
    else {
        if (!(pp = ef_payment_find(choice))) {
            *field = "payment";
            *refusal = "Choose how the fees will be paid.";
            return APR_SUCCESS;
        }
        if ((*refusal = pp->check(mr->r->pool, reason, &keep)) != NULL) {
            *field = "waiver_reason";
            return APR_SUCCESS;
        }
    }
    return mc_db_exec(db, NULL, NULL,
                      "UPDATE mc_ef_envelope SET payment = ?, waiver_reason = ?, updated_at = "
                      "UTC_TIMESTAMP() WHERE id = ? AND status = 'draft'",
                      "ssi", choice, keep, e->id);
}

apr_status_t ef_submit(mc_req *mr, mc_db *db, ef_submit_req *b)
{
    apr_pool_t *p = mr->r->pool;
    ef_wiz z;
    const ef_payment_provider *pp = NULL;
    const char *first, *why, *ref = "";
    apr_status_t rv;
    apr_time_exp_t now;
    long long fees, seq, gid;
    int found, redact_docs = 0;

    b->not_found = b->submitted = 0;
    b->incomplete = b->redaction = NULL;
    if ((rv = ef_env_load(mr, db, b->id, 1, &z.e, &found)) != APR_SUCCESS)
        return rv;
    if (!found || z.e.account_id != mr->account->id) {
        b->not_found = 1;
        return APR_SUCCESS;
    }
    if (strcmp(z.e.status, "draft")) {
        /* Submitted already (a double click, a retry): the same receipt. */
        b->number = z.e.number;
        return APR_SUCCESS;
    }
    z.db = db;
    z.who = *b->who;
    if ((rv = ef_wiz_incomplete(mr, &z, &first, &why)) != APR_SUCCESS)
        return rv;
    if (strcmp(first, "review")) {
        b->incomplete = why;
        return APR_SUCCESS;
    }
    if ((rv = ef_fees(db, p, z.e.id, &fees)) != APR_SUCCESS)
        return rv;
    if (fees > 0 && !(pp = ef_payment_find(z.e.payment))) {
        b->incomplete = "Choose how the fees will be paid.";
        return APR_SUCCESS;
    }
    /* The redaction check's hits (redact.c): confirmed, or no submit. */
    if ((rv = ef_redact_pending(db, p, z.e.id, &redact_docs)) != APR_SUCCESS)
        return rv;
    if (redact_docs && !b->redaction_confirmed) {
        b->redaction = EF_REDACT_REFUSAL;
        return APR_SUCCESS;
    }

    apr_time_exp_gmt(&now, apr_time_now());
    if ((rv = ef_sequence_take(db, p, apr_psprintf(p, "EF%d", now.tm_year + 1900), 1, &seq)) !=
        APR_SUCCESS)
        return rv;
    z.e.number = apr_psprintf(p, "EF%d-%07" APR_INT64_T_FMT, now.tm_year + 1900, (apr_int64_t)seq);
    if (pp && (rv = pp->charge(mr, db, &z.e, fees, &ref)) != APR_SUCCESS)
        return rv;
    gid = ef_wiz_group(b->who);
    rv = mc_db_exec(db, NULL, NULL,
                    "UPDATE mc_ef_envelope SET number = ?, fee_cents = ?, payment = ?, "
                    "waiver_reason = ?, payment_ref = ?, group_id = NULLIF(?, 0) WHERE id = ?",
                    "sisssii", z.e.number, fees, pp ? pp->name : "none",
                    pp ? z.e.waiver_reason : "", ref, gid, z.e.id);
    if (rv != APR_SUCCESS)
        return rv;
    z.e.group_id = gid;
    z.e.fee_cents = fees;
    if ((rv = ef_status_set(mr, db, &z.e, "submitted",
                            apr_pstrcat(p, "Submitted; fees ", ef_money(p, fees),
                                        pp ? apr_pstrcat(p, " (", pp->label, ")", NULL) : "",
                                        NULL))) != APR_SUCCESS)
        return rv;
    if ((rv = mc_audit(mr, db, "efiling-submitted", mr->account->id,
                       apr_pstrcat(p, "Envelope ", z.e.number, " submitted", NULL))) != APR_SUCCESS)
        return rv;
    if (redact_docs && (rv = ef_redact_confirm(mr, db, &z.e, redact_docs)) != APR_SUCCESS)
        return rv;
    b->number = z.e.number;
    b->submitted = 1;
    return APR_SUCCESS;
}
