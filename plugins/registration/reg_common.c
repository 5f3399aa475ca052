/* reg_common.c: the rules every part of the registration plugin applies,
 * the security-questions form's slots, the e-mailed links' codes, and the
 * profile's storage. See registration.h. */
#include "registration.h"

#include "apr_lib.h"

#include <ctype.h>

const char *const mc_reg_questions[] = {
    "What is the first and last name of your all-time favorite musician?",
    "What is the first and last name of your all-time favorite movie actor?",
    "What famous, now deceased person would you like to have met?",
    "What is the name of the street you grew up on?",
    "What was the make and model of your first car?",
    "What is the name of the city where your mother was born?",
    "What was the name of your first pet?",
    "What is the name of the elementary school you attended?",
    "In what city did you meet your spouse or partner?",
    "What was your childhood nickname?",
};
const int mc_reg_question_count = sizeof(mc_reg_questions) / sizeof(mc_reg_questions[0]);

void mc_reg_question_slots(mc_vars *vars, const char *const *fields, const char *mark, const int *q,
                           const char *const *a, const char *const *v)
{
    int i, k;
    for (i = 0; i < 3; i++) {
        mc_vars *s = mc_vars_row(vars, "slots");
        mc_vars_setf(s, "n", "%d", i + 1);
        mc_vars_setf(s, "qid", "%s%d", fields[0], i + 1);
        mc_vars_setf(s, "aid", "%s%d", fields[1], i + 1);
        mc_vars_setf(s, "vid", "%s%d", fields[2], i + 1);
        mc_vars_setf(s, "qlabel", "Question %d%s", i + 1, mark);
        mc_vars_setf(s, "alabel", "Answer %d%s", i + 1, mark);
        mc_vars_setf(s, "vlabel", "Verify Answer %d%s", i + 1, mark);
        for (k = 0; k < 3; k++) { /* qinvalid, ainvalid, vinvalid: FIELD_invalid */
            char key[64], inv[] = "?invalid";
            snprintf(key, sizeof(key), "%s%d_invalid", fields[k], i + 1);
            inv[0] = "qav"[k];
            mc_vars_set(s, inv, mc_vars_get(vars, key));
        }
        if (q[i] >= 0)
            mc_vars_setf(s, "qsel", "%d", q[i]);
        mc_vars_set(s, "answer", a ? a[i] : NULL);
        mc_vars_set(s, "verify", v ? v[i] : NULL);
        for (k = 0; k < mc_reg_question_count; k++) {
            mc_vars *o = mc_vars_row(s, "options");
            mc_vars_setf(o, "idx", "%d", k);
            mc_vars_set(o, "text", mc_reg_questions[k]);
            if (k == q[i])
                mc_vars_set(o, "selected", "1");
        }
    }
}

/* Not well-formed UTF-8, or a control character: what the database would
 * refuse with an error, or store to no one's benefit. */
static int has_control(const char *s)
{
    return !mc_text_printable(s, 0);
}

/* "Label: at most N characters." when v has more than max characters
 * (UTF-8 characters, as the VARCHAR(max) columns of utf8mb4 count them). */
static const char *too_long(apr_pool_t *p, const char *label, const char *v, apr_size_t max)
{
    if (mc_text_chars(v) <= max)
        return NULL;
    return apr_psprintf(p, "%s: at most %" APR_SIZE_T_FMT " characters.", label, max);
}

const char *mc_reg_username_rules(void)
{
    return "6 to 30 characters: letters, digits, and . _ - (starting with a letter). "
           "Usernames are not case-sensitive and cannot be changed later.";
}

const char *mc_reg_check_username(apr_pool_t *p, const char *u)
{
    size_t n = strlen(u), i;
    if (n == 0)
        return "Username: enter a username.";
    if (n < 6 || n > 30)
        return "Username: it must be 6 to 30 characters long.";
    if (!apr_isalpha(u[0]))
        return "Username: it must start with a letter.";
    for (i = 0; i < n; i++)
        if (!(apr_isalnum(u[i]) || u[i] == '.' || u[i] == '_' || u[i] == '-'))
            return apr_psprintf(p,
                                "Username: '%c' is not allowed; use letters, digits, "
                                "'.', '_' and '-'.",
                                apr_isprint(u[i]) ? u[i] : '?');
    return NULL;
}

const char *mc_reg_check_name(apr_pool_t *p, const char *label, const char *v, int required,
                              apr_size_t max)
{
    const char *s;
    if (!*v)
        return required ? apr_psprintf(p, "%s: this field is required.", label) : NULL;
    if ((s = too_long(p, label, v, max)))
        return s;
    if (has_control(v))
        return apr_psprintf(p, "%s: it contains a character that is not allowed.", label);
    for (s = v; *s; s++)
        if (*s == '<' || *s == '>' || *s == '"' || *s == ';' || *s == '@')
            return apr_psprintf(p, "%s: '%c' is not allowed in a name.", label, *s);
    return NULL;
}

const char *mc_reg_check_email(apr_pool_t *p, const char *label, const char *v)
{
    if (!*v)
        return apr_psprintf(p, "%s: this field is required.", label);
    if (mc_text_chars(v) > MC_REG_EMAIL_MAX)
        return too_long(p, label, v, MC_REG_EMAIL_MAX);
    if (!mc_email_ok(v))
        return apr_psprintf(p, "%s: enter an address such as name@example.com.", label);
    return NULL;
}

const char *mc_reg_check_phone(apr_pool_t *p, const char *label, const char *v, int required)
{
    int digits = 0;
    const char *s;
    if (!*v)
        return required ? apr_psprintf(p, "%s: this field is required.", label) : NULL;
    if ((s = too_long(p, label, v, MC_REG_PHONE_MAX)))
        return s;
    for (s = v; *s; s++) {
        if (apr_isdigit(*s))
            digits++;
        else if (!strchr(" ()-.+x", *s))
            return apr_psprintf(p, "%s: use digits, spaces and ( ) - . + only.", label);
    }
    if (digits < 10 || digits > 15)
        return apr_psprintf(p, "%s: enter 10 digits, e.g. (573) 526-8842.", label);
    return NULL;
}

static const char *const us_states[] = {
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
    "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
    "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
    "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP"};

static int us_state_ok(const char *s)
{
    size_t i;
    if (strlen(s) == 2) {
        for (i = 0; i < sizeof(us_states) / sizeof(us_states[0]); i++)
            if (!strcasecmp(s, us_states[i]))
                return 1;
        return 0;
    }
    return !strcasecmp(s, "Missouri") || strlen(s) >= 4; /* a state's name */
}

const char *mc_reg_check_address(apr_pool_t *p, const char *prefix, const char *line1,
                                 const char *line2, const char *city, const char *state,
                                 const char *zip, const char *country, const char **part)
{
    int us = !*country || !strcasecmp(country, "United States") || !strcasecmp(country, "USA");
    /* The labels of the sign-up page; the columns' sizes (mc_reg_profile). */
    const struct {
        const char *label, *v, *part;
        apr_size_t max;
    } f[] = {{"Line 1", line1, "line1", 200}, {"Line 2", line2, "line2", 200},
             {"City", city, "city", 100},     {"State", state, "state", 50},
             {"ZIP Code", zip, "zip", 20},    {"Country", country, "country", 60}};
    const char *why;
    size_t i;
    for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        const char *label = apr_pstrcat(p, prefix, " ", f[i].label, NULL);
        *part = f[i].part;
        if ((why = too_long(p, label, f[i].v, f[i].max)))
            return why;
        if (has_control(f[i].v))
            return apr_psprintf(p, "%s: it contains a character that is not allowed.", label);
    }
    *part = "line1";
    if (!*line1)
        return apr_psprintf(p, "%s: enter the street address.", prefix);
    *part = "city";
    if (!*city)
        return apr_psprintf(p, "%s: enter the city.", prefix);
    *part = "state";
    if (!*state)
        return apr_psprintf(p, "%s: enter the state.", prefix);
    if (us && !us_state_ok(state))
        return apr_psprintf(p, "%s: '%s' is not a state; use the two-letter code, e.g. MO.", prefix,
                            state);
    *part = "zip";
    if (!*zip)
        return apr_psprintf(p, "%s: enter the ZIP code.", prefix);
    if (us) {
        size_t n = strlen(zip);
        int ok = (n == 5 || n == 10);
        for (i = 0; ok && i < n; i++)
            ok = (i == 5 && n == 10) ? zip[i] == '-' : apr_isdigit(zip[i]);
        if (!ok)
            return apr_psprintf(p, "%s: the ZIP code must be 5 digits, or 5+4 like 65101-1234.",
                                prefix);
    }
    *part = NULL;
    return NULL;
}

/* ---- errors linked to their fields ---------------------------------------- */

/* The length of the label error starts with ("Label: why"), 0 if none. */
static size_t label_len(const char *error)
{
    const char *colon = error ? strstr(error, ": ") : NULL;
    return colon ? (size_t)(colon - error) : 0;
}

const char *mc_reg_error_field(const char *error, const char *const *map)
{
    size_t n = label_len(error);
    for (; n && map && *map; map += 2)
        if (strlen(*map) == n && !strncmp(error, *map, n))
            return map[1];
    return NULL;
}

const char *mc_reg_slot_error_field(apr_pool_t *p, const char *error, const char *const *fields)
{
    static const char *const labels[] = {"Question ", "Answer ", "Verify Answer "};
    size_t n = label_len(error), k;
    for (k = 0; k < 3; k++) {
        size_t m = strlen(labels[k]);
        if (n == m + 1 && !strncmp(error, labels[k], m) && error[m] >= '1' && error[m] <= '3')
            return apr_psprintf(p, "%s%c", fields[k], error[m]);
    }
    return NULL;
}

void mc_reg_field_error(apr_pool_t *p, mc_vars *vars, const char *list, const char *text,
                        const char *field)
{
    mc_vars *row = list ? mc_vars_row(vars, list) : vars;
    mc_vars_set(row, list ? "text" : "error", text);
    if (!field)
        return;
    mc_vars_set(row, list ? "field" : "error_field", field);
    mc_vars_setf(row, list ? "href" : "error_href", "#%s", field);
    mc_vars_set(vars, apr_pstrcat(p, field, "_invalid", NULL), "true");
}

const char *mc_reg_normalise_answer(apr_pool_t *p, const char *a)
{
    char *out = apr_palloc(p, strlen(a ? a : "") + 1), *o = out;
    int space = 0;
    for (a = mc_text_trim(p, a); *a; a++) {
        if (apr_isspace(*a)) {
            space = 1;
            continue;
        }
        if (space && o > out)
            *o++ = ' ';
        space = 0;
        *o++ = (char)apr_tolower(*a);
    }
    *o = '\0';
    return out;
}

/* 1 when the normalised answer contains a word (4+ letters) of the question. */
static int uses_question(apr_pool_t *p, const char *question, const char *answer)
{
    const char *q = mc_reg_normalise_answer(p, question);
    while (*q) {
        const char *w = q;
        while (*q && apr_isalpha(*q))
            q++;
        if (q - w >= 4 && strstr(answer, apr_pstrmemdup(p, w, q - w)))
            return 1;
        while (*q && !apr_isalpha(*q))
            q++;
    }
    return 0;
}

const char *mc_reg_check_answers(apr_pool_t *p, const int *questions, const char *const *answers,
                                 int n)
{
    const char *norm[8];
    int i, j;
    for (i = 0; i < n && i < 8; i++) {
        if (questions[i] < 0 || questions[i] >= mc_reg_question_count)
            return apr_psprintf(p, "Question %d: choose a question from the list.", i + 1);
        for (j = 0; j < i; j++)
            if (questions[j] == questions[i])
                return apr_psprintf(p, "Question %d: choose three different questions.", i + 1);
        norm[i] = mc_reg_normalise_answer(p, answers[i]);
        if (mc_text_chars(answers[i]) > MC_REG_ANSWER_MAX)
            return apr_psprintf(p, "Answer %d: at most %d characters.", i + 1, MC_REG_ANSWER_MAX);
        if (has_control(answers[i]))
            return apr_psprintf(p, "Answer %d: it contains a character that is not allowed.",
                                i + 1);
        if (strlen(norm[i]) < 3)
            return apr_psprintf(p, "Answer %d: answers must be at least 3 characters in length.",
                                i + 1);
        if (uses_question(p, mc_reg_questions[questions[i]], norm[i]))
            return apr_psprintf(p, "Answer %d: answers may not contain part of the question.",
                                i + 1);
        for (j = 0; j < i; j++)
            if (!strcmp(norm[j], norm[i]))
                return apr_psprintf(p,
                                    "Answer %d: the same answer should not be provided for "
                                    "more than one question.",
                                    i + 1);
    }
    return NULL;
}

/* ---- the profile ------------------------------------------------------------ */

static const char SQL_PROFILE[] =
    "SELECT a.username, a.email, a.first_name, a.last_name, p.middle_name, p.suffix, p.firm, "
    "p.mail_line1, p.mail_line2, p.mail_city, p.mail_state, p.mail_zip, p.mail_country, "
    "p.bill_line1, p.bill_line2, p.bill_city, p.bill_state, p.bill_zip, p.bill_country, "
    "p.business_phone, p.cell_phone, p.mobar_number, p.mobar_verified_at IS NOT NULL, "
    "(SELECT COUNT(*) FROM mc_reg_answer q WHERE q.account_id = a.id) "
    "FROM mc_account a LEFT JOIN mc_reg_profile p ON p.account_id = a.id WHERE a.id = ?";

apr_status_t mc_reg_profile_load(mc_db *db, apr_pool_t *p, long long account_id,
                                 mc_reg_profile *out)
{
    mc_dbres *res;
    apr_status_t rv = mc_db_query(db, p, &res, SQL_PROFILE, "i", account_id);
    const char **f[] = {&out->username,     &out->email,          &out->first_name,
                        &out->last_name,    &out->middle_name,    &out->suffix,
                        &out->firm,         &out->mail_line1,     &out->mail_line2,
                        &out->mail_city,    &out->mail_state,     &out->mail_zip,
                        &out->mail_country, &out->bill_line1,     &out->bill_line2,
                        &out->bill_city,    &out->bill_state,     &out->bill_zip,
                        &out->bill_country, &out->business_phone, &out->cell_phone};
    size_t i;
    if (rv != APR_SUCCESS)
        return rv;
    if (res->nrows != 1)
        return APR_ENOENT;
    memset(out, 0, sizeof(*out));
    out->account_id = account_id;
    for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        const char *v = mc_dbres_get(res, 0, (int)i);
        *f[i] = v ? v : "";
    }
    if (!*out->mail_country)
        out->mail_country = "United States";
    if (!*out->bill_country)
        out->bill_country = "United States";
    out->mobar_number = mc_dbres_get(res, 0, 21);
    out->mobar_verified = (int)mc_dbres_int(res, 0, 22);
    out->answers = (int)mc_dbres_int(res, 0, 23);
    return APR_SUCCESS;
}

apr_status_t mc_reg_profile_save(mc_db *db, const mc_reg_profile *pr)
{
    return mc_db_exec(
        db, NULL, NULL,
        "INSERT INTO mc_reg_profile (account_id, middle_name, suffix, firm, mail_line1, "
        "mail_line2, mail_city, mail_state, mail_zip, mail_country, bill_line1, bill_line2, "
        "bill_city, bill_state, bill_zip, bill_country, business_phone, cell_phone, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP()) "
        "ON DUPLICATE KEY UPDATE middle_name = VALUES(middle_name), suffix = VALUES(suffix), "
        "firm = VALUES(firm), mail_line1 = VALUES(mail_line1), mail_line2 = VALUES(mail_line2), "
        "mail_city = VALUES(mail_city), mail_state = VALUES(mail_state), mail_zip = "
        "VALUES(mail_zip), mail_country = VALUES(mail_country), bill_line1 = VALUES(bill_line1), "
        "bill_line2 = VALUES(bill_line2), bill_city = VALUES(bill_city), bill_state = "
        "VALUES(bill_state), bill_zip = VALUES(bill_zip), bill_country = VALUES(bill_country), "
        "business_phone = VALUES(business_phone), cell_phone = VALUES(cell_phone), updated_at = "
        "UTC_TIMESTAMP()",
        "isssssssssssssssss", pr->account_id, pr->middle_name, pr->suffix, pr->firm, pr->mail_line1,
        pr->mail_line2, pr->mail_city, pr->mail_state, pr->mail_zip, pr->mail_country,
        pr->bill_line1, pr->bill_line2, pr->bill_city, pr->bill_state, pr->bill_zip,
        pr->bill_country, pr->business_phone, pr->cell_phone);
}

apr_array_header_t *mc_reg_profile_missing(apr_pool_t *p, const mc_reg_profile *pr)
{
    apr_array_header_t *m = apr_array_make(p, 8, sizeof(const char *));
#define MISSING(cond, label)                                                                       \
    if (cond)                                                                                      \
    APR_ARRAY_PUSH(m, const char *) = (label)
    MISSING(!*pr->first_name, "First Name");
    MISSING(!*pr->last_name, "Last Name");
    MISSING(!*pr->email, "E-mail Address");
    MISSING(!*pr->mail_line1 || !*pr->mail_city || !*pr->mail_zip, "Mailing Address");
    MISSING(!*pr->bill_line1 || !*pr->bill_city || !*pr->bill_zip, "Billing Address");
    MISSING(!*pr->business_phone, "Business Phone");
    MISSING(pr->answers < 3, "Security Questions");
#undef MISSING
    return m;
}

const char *mc_reg_mobar_syntax(const char *number)
{
    const char *s;
    if (!*number)
        return "MOBAR Number: enter your Missouri Bar number.";
    for (s = number; *s; s++)
        if (!apr_isdigit(*s))
            return "MOBAR Number: use digits only.";
    if (strlen(number) > 10)
        return "MOBAR Number: at most 10 digits.";
    return NULL;
}

const char *mc_reg_mobar_check(mc_db *db, apr_pool_t *p, const char *number, const char *last_name,
                               long long account_id, apr_status_t *rv)
{
    mc_dbres *res;
    const char *why = mc_reg_mobar_syntax(number);
    *rv = APR_SUCCESS;
    if (why)
        return why;
    *rv = mc_db_query(db, p, &res,
                      "SELECT status FROM mc_bar_roster WHERE bar_number = ? AND last_name = ?",
                      "ss", number, last_name);
    if (*rv != APR_SUCCESS)
        return NULL;
    if (res->nrows == 0)
        return "MOBAR Number: this number and last name do not match the Missouri Bar roster. "
               "Check both, or contact the court's Help Desk.";
    if (strcasecmp(mc_dbres_get(res, 0, 0), "active"))
        return apr_psprintf(p,
                            "MOBAR Number: the Missouri Bar roster lists this number as "
                            "'%s', not active.",
                            mc_dbres_get(res, 0, 0));
    *rv = mc_db_query(db, p, &res,
                      "SELECT 1 FROM mc_reg_profile WHERE mobar_number = ? AND account_id <> ?",
                      "si", number, account_id);
    if (*rv != APR_SUCCESS)
        return NULL;
    if (res->nrows > 0)
        return "MOBAR Number: this number is already used by another account. Contact the "
               "court's Help Desk.";
    return NULL;
}

apr_status_t mc_reg_code_new(mc_db *db, apr_pool_t *p, long long account_id, const char *purpose,
                             const char *token, long long ttl, int void_earlier, long long *code_id)
{
    apr_status_t rv = APR_SUCCESS;
    if (void_earlier)
        rv = mc_db_exec(db, NULL, NULL,
                        "UPDATE mc_code SET used_at = UTC_TIMESTAMP() WHERE account_id = ? AND "
                        "purpose = ? AND used_at IS NULL",
                        "is", account_id, purpose);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, NULL, code_id,
                        "INSERT INTO mc_code (account_id, purpose, code_hash, created_at, "
                        "expires_at) VALUES (?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP() + "
                        "INTERVAL ? SECOND)",
                        "issi", account_id, purpose, mc_sha256_hex(p, token, strlen(token)), ttl);
    return rv;
}

apr_status_t mc_reg_mail(mc_db *db, apr_pool_t *p, long long account_id, const char *to,
                         const char *kind, const char *subject, const char *file, mc_vars *v)
{
    mc_notice n = {0};
    const char *err;
    char *body;
    apr_status_t rv;
    mc_vars_set(v, "court_name", mc_site_court_name());
    rv = mc_tmpl_text(mc_site_templates(), p, apr_pstrcat(p, MC_REG_TEMPLATES, "/", file, NULL), v,
                      &body, &err);
    if (rv != APR_SUCCESS)
        return rv;
    n.account_id = account_id;
    n.channel = MC_CHANNEL_EMAIL;
    n.recipient = to;
    n.subject = subject;
    n.kind = kind;
    n.body = body;
    return mc_outbox_add(db, &n, NULL);
}

void mc_reg_steps(mc_vars *vars, const char *const *labels, int current)
{
    static const char segment[] = "usa-step-indicator__segment";
    int i;
    for (i = 0; labels[i]; i++) {
        mc_vars *row = mc_vars_row(vars, "steps");
        mc_vars_set(row, "label", labels[i]);
        if (i + 1 < current) {
            mc_vars_setf(row, "class", "%s %s--complete", segment, segment);
            mc_vars_set(row, "sr", "completed");
        }
        else if (i + 1 == current) {
            mc_vars_setf(row, "class", "%s %s--current", segment, segment);
            mc_vars_set(row, "current", "true");
        }
        else {
            mc_vars_set(row, "class", segment);
            mc_vars_set(row, "sr", "not completed");
        }
    }
}
