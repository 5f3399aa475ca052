/* efiling_setup.c: `mocourts-admin efiling-setup FILE`, the eFiling set-up of
 * courts (docs/efiling-setup.md, docs/efiling-setup.xsd).
 *
 * The file is small XML, read whole (at most MC_EFS_MAX_FILE bytes) and
 * parsed safely: a DOCTYPE is refused before libxml2 sees the text, so no
 * entity is declared, substituted or loaded; no network (XML_PARSE_NONET).
 *
 * Each <court> is checked, then applied in its own transaction: its
 * mc_court.efiling flag, its mc_ef_court row, its initiating case types
 * (replaced) and its filing codes (replaced: a code left out becomes
 * inactive, never deleted; one that comes back is reactivated). A court with
 * any error is not touched at all; every error is printed as FILE:LINE: why.
 * Rows are only written when a value differs, so loading the same file again
 * changes nothing. Exit status 0 when every court was applied, 1 otherwise. */
#include "admin.h"
#include "mc_db.h"
#include "mc_efsetup.h"
#include "mc_form.h"

#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MC_EFS_NS "urn:mocourts:efiling-setup:1"
#define MC_EFS_MAX_FILE (4 * 1024 * 1024)
#define MC_EFS_TRIES 3 /* a deadlock is retried */

typedef struct {
    const char *code, *name;
    apr_int64_t fee;
    int initiating;
    long line;
} efs_code;

typedef struct {
    const char *type;
    long line;
} efs_type;

typedef struct {
    const char *code;
    int participates, text_only, flag_active;
    apr_int64_t max_bytes;
    long line;
    apr_array_header_t *types; /* efs_type */
    apr_array_header_t *codes; /* efs_code */
    int errors;
} efs_court;

typedef struct {
    apr_pool_t *p;
    const char *path;
    mc_db *db;
} efs;

static void efs_err(efs *e, efs_court *c, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void efs_err(efs *e, efs_court *c, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%ld: ", e->path, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (c)
        c->errors++;
}

/* ---- the file ------------------------------------------------------------ */

/* Reads path whole into *out (NUL-terminated); NULL or why. */
static const char *efs_read(efs *e, char **out, size_t *len)
{
    FILE *fp = fopen(e->path, "rb");
    if (!fp)
        return "cannot be read";
    char *buf = apr_palloc(e->p, MC_EFS_MAX_FILE + 1);
    size_t n = fread(buf, 1, MC_EFS_MAX_FILE + 1, fp);
    int bad = ferror(fp);
    fclose(fp);
    if (bad)
        return "cannot be read";
    if (n > MC_EFS_MAX_FILE)
        return "is larger than 4 MB; a set-up file is much smaller";
    if (memchr(buf, '\0', n))
        return "is not a text file (it contains a NUL byte)";
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return NULL;
}

/* Refuses a DOCTYPE (or any other "<!" declaration but a comment) before
 * the root element; *line: where. */
static const char *efs_prolog(const char *s, long *line)
{
    *line = 1;
    if (!strncmp(s, "\xEF\xBB\xBF", 3))
        s += 3;
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            if (*s++ == '\n')
                (*line)++;
        const char *end = NULL;
        if (!strncmp(s, "<?", 2) && (end = strstr(s + 2, "?>")) != NULL)
            end += 2;
        else if (!strncmp(s, "<!--", 4) && (end = strstr(s + 4, "-->")) != NULL)
            end += 3;
        else if (!strncmp(s, "<!", 2) && strncmp(s, "<!--", 4))
            return "the file has a DOCTYPE: DTDs and entity declarations are refused";
        if (!end)
            return NULL; /* the root element, or something libxml2 reports */
        for (; s < end; s++)
            if (*s == '\n')
                (*line)++;
    }
}

static int efs_is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           !strcmp((const char *)n->ns->href, MC_EFS_NS) && !strcmp((const char *)n->name, name);
}

static long efs_line(xmlNodePtr n)
{
    return xmlGetLineNo(n);
}

/* Refuses un-namespaced attributes not in names, child elements and text. */
static void efs_only(efs *e, efs_court *c, xmlNodePtr n, const char *const *names, int children)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        const char *const *k = names;
        if (a->ns)
            continue; /* another vocabulary's attribute (xsi:...) */
        while (*k && strcmp(*k, (const char *)a->name))
            k++;
        if (!*k)
            efs_err(e, c, efs_line(n), "<%s>: unknown attribute '%s'", (const char *)n->name,
                    (const char *)a->name);
    }
    if (children)
        return;
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (k->type == XML_ELEMENT_NODE) {
            efs_err(e, c, efs_line(k), "unexpected element <%s> inside <%s>", (const char *)k->name,
                    (const char *)n->name);
        }
        else if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
            const char *t = (const char *)k->content;
            if (t && t[strspn(t, " \t\r\n")])
                efs_err(e, c, efs_line(k), "unexpected text inside <%s>", (const char *)n->name);
        }
    }
}

/* The attribute's value, trimmed ("" when absent); a required one must be
 * there and not empty; at most max characters (0: any); no control
 * characters. *ok cleared on an error. */
static const char *efs_attr(efs *e, efs_court *c, xmlNodePtr n, const char *name, int required,
                            size_t max, int *ok)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    const char *s = "", *end;
    if (v) {
        s = (const char *)v;
        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        end = s + strlen(s);
        while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
            end--;
        s = apr_pstrmemdup(e->p, s, (apr_size_t)(end - s));
        xmlFree(v);
    }
    if (required && !*s) {
        efs_err(e, c, efs_line(n), "<%s>: attribute '%s' is %s", (const char *)n->name, name,
                v ? "empty" : "missing");
        *ok = 0;
        return s;
    }
    if (max && mc_text_chars(s) > max) {
        efs_err(e, c, efs_line(n), "<%s>: attribute '%s' is longer than %d characters",
                (const char *)n->name, name, (int)max);
        *ok = 0;
        return s;
    }
    for (const char *k = s; *k; k++)
        if ((unsigned char)*k < 0x20 || *k == 0x7f) {
            efs_err(e, c, efs_line(n), "<%s>: attribute '%s' holds a control character",
                    (const char *)n->name, name);
            *ok = 0;
            break;
        }
    return s;
}

/* yes/no; dflt when absent (-1: required). */
static int efs_yesno(efs *e, efs_court *c, xmlNodePtr n, const char *name, int dflt)
{
    int ok = 1;
    const char *v = efs_attr(e, c, n, name, dflt < 0, 0, &ok);
    if (!ok)
        return 0;
    if (!*v)
        return dflt;
    if (!strcmp(v, "yes") || !strcmp(v, "no"))
        return v[0] == 'y';
    efs_err(e, c, efs_line(n), "<%s>: attribute '%s' must be yes or no, not '%s'",
            (const char *)n->name, name, v);
    return 0;
}

static void efs_read_initiate(efs *e, efs_court *c, xmlNodePtr n, apr_hash_t *seen)
{
    static const char *const names[] = {"case-type", NULL};
    int ok = 1;
    efs_only(e, c, n, names, 0);
    const char *t = efs_attr(e, c, n, "case-type", 1, 0, &ok);
    if (!ok)
        return;
    if (strlen(t) != 2 || !apr_isupper(t[0]) || !apr_isupper(t[1])) {
        efs_err(e, c, efs_line(n), "<initiate>: case-type '%s' is not two upper-case letters", t);
        return;
    }
    long *first = apr_hash_get(seen, t, APR_HASH_KEY_STRING);
    if (first) {
        efs_err(e, c, efs_line(n), "<initiate>: case type %s is listed twice (first at line %ld)",
                t, *first);
        return;
    }
    efs_type *et = apr_array_push(c->types);
    et->type = t;
    et->line = efs_line(n);
    apr_hash_set(seen, t, APR_HASH_KEY_STRING, apr_pmemdup(e->p, &et->line, sizeof(long)));
}

static void efs_read_code(efs *e, efs_court *c, xmlNodePtr n, apr_hash_t *seen)
{
    static const char *const names[] = {"code", "name", "fee", "initiating", NULL};
    int ok = 1;
    const char *why;
    efs_code fc;
    efs_only(e, c, n, names, 0);
    fc.line = efs_line(n);
    fc.code = efs_attr(e, c, n, "code", 1, 0, &ok);
    if (ok && !mc_efsetup_code_ok(fc.code)) {
        efs_err(e, c, fc.line,
                "<filing-code>: code '%s' is not 1 to %d upper-case letters, digits and '-'",
                fc.code, MC_EF_CODE_MAX);
        ok = 0;
    }
    fc.name = efs_attr(e, c, n, "name", 1, MC_EF_NAME_MAX, &ok);
    const char *fee = efs_attr(e, c, n, "fee", 1, 0, &ok);
    if (*fee && (why = mc_efsetup_fee(fee, &fc.fee)) != NULL) {
        efs_err(e, c, fc.line, "<filing-code>: fee '%s' is refused: %s", fee, why);
        ok = 0;
    }
    fc.initiating = efs_yesno(e, c, n, "initiating", 0);
    if (!ok || !*fc.code)
        return;
    long *first = apr_hash_get(seen, fc.code, APR_HASH_KEY_STRING);
    if (first) {
        efs_err(e, c, fc.line, "<filing-code>: code %s is listed twice (first at line %ld)",
                fc.code, *first);
        return;
    }
    efs_code *slot = apr_array_push(c->codes);
    *slot = fc;
    apr_hash_set(seen, slot->code, APR_HASH_KEY_STRING, apr_pmemdup(e->p, &fc.line, sizeof(long)));
}

static void efs_read_court(efs *e, efs_court *c, xmlNodePtr n)
{
    static const char *const names[] = {
        "code", "participates", "max-document-size", "text-searchable", "active-content", NULL};
    apr_hash_t *types = apr_hash_make(e->p), *codes = apr_hash_make(e->p);
    int ok = 1, initiating = 0;
    c->line = efs_line(n);
    c->types = apr_array_make(e->p, 8, sizeof(efs_type));
    c->codes = apr_array_make(e->p, 16, sizeof(efs_code));
    efs_only(e, c, n, names, 1);
    c->code = efs_attr(e, c, n, "code", 1, 10, &ok);
    for (const char *k = c->code; ok && *k; k++)
        if (!apr_isalnum(*k)) {
            efs_err(e, c, c->line, "<court>: code '%s' is not 1 to 10 letters and digits", c->code);
            ok = 0;
        }
    c->participates = efs_yesno(e, c, n, "participates", -1);
    const char *size = efs_attr(e, c, n, "max-document-size", 1, 0, &ok), *why;
    if (*size && (why = mc_efsetup_size(size, &c->max_bytes)) != NULL)
        efs_err(e, c, c->line, "<court>: max-document-size '%s' is refused: %s", size, why);
    c->text_only = efs_yesno(e, c, n, "text-searchable", 0);
    const char *act = efs_attr(e, c, n, "active-content", 0, 0, &ok);
    if (*act && strcmp(act, "refuse") && strcmp(act, "flag"))
        efs_err(e, c, c->line, "<court>: active-content must be refuse or flag, not '%s'", act);
    c->flag_active = !strcmp(act, "flag");
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (efs_is(k, "initiate"))
            efs_read_initiate(e, c, k, types);
        else if (efs_is(k, "filing-code"))
            efs_read_code(e, c, k, codes);
        else if (k->type == XML_ELEMENT_NODE)
            efs_err(e, c, efs_line(k), "unexpected element <%s> inside <court>",
                    (const char *)k->name);
        else if ((k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) && k->content &&
                 k->content[strspn((const char *)k->content, " \t\r\n")])
            efs_err(e, c, efs_line(k), "unexpected text inside <court>");
    }
    for (int i = 0; i < c->codes->nelts; i++)
        initiating |= APR_ARRAY_IDX(c->codes, i, efs_code).initiating;
    if (c->errors)
        return;
    if (c->participates && c->codes->nelts == 0)
        efs_err(e, c, c->line,
                "court %s participates but has no <filing-code>: nothing could be filed", c->code);
    else if (c->types->nelts > 0 && !initiating)
        efs_err(e, c, c->line,
                "court %s lets cases be initiated but no <filing-code> has initiating=\"yes\"",
                c->code);
}

/* ---- the database -------------------------------------------------------- */

/* Checks that the court and its case types exist (each missing one is
 * reported against c); *efiling: the court's current flag. */
static apr_status_t efs_check_refs(efs *e, efs_court *c, int *efiling)
{
    mc_dbres *res;
    apr_status_t rv =
        mc_db_query(e->db, e->p, &res,
                    "SELECT efiling, code FROM mc_court WHERE code = ? FOR UPDATE", "s", c->code);
    if (rv != APR_SUCCESS)
        return rv;
    if (res->nrows == 0)
        efs_err(e, c, c->line,
                "unknown court '%s' (courts come from the Case.net data: mocourts-admin import)",
                c->code);
    else {
        *efiling = (int)mc_dbres_int(res, 0, 0);
        c->code = mc_dbres_get(res, 0, 1); /* as Case.net spells it ("22sl" -> "22SL") */
    }
    for (int i = 0; i < c->types->nelts; i++) {
        const efs_type *t = &APR_ARRAY_IDX(c->types, i, efs_type);
        rv = mc_db_query(e->db, e->p, &res, "SELECT code FROM mc_case_type WHERE code = ?", "s",
                         t->type);
        if (rv != APR_SUCCESS)
            return rv;
        if (res->nrows == 0)
            efs_err(e, c, t->line, "<initiate>: unknown case type '%s'", t->type);
    }
    return APR_SUCCESS;
}

/* The court's initiating case types become exactly the file's. */
static apr_status_t efs_apply_types(efs *e, efs_court *c, long long *changed)
{
    mc_dbres *res;
    apr_hash_t *want = apr_hash_make(e->p), *have = apr_hash_make(e->p);
    long long n;
    apr_status_t rv = mc_db_query(
        e->db, e->p, &res, "SELECT case_type FROM mc_ef_case_type WHERE court_code = ? FOR UPDATE",
        "s", c->code);
    for (int i = 0; i < c->types->nelts; i++)
        apr_hash_set(want, APR_ARRAY_IDX(c->types, i, efs_type).type, APR_HASH_KEY_STRING, "");
    for (int r = 0; rv == APR_SUCCESS && r < res->nrows; r++) {
        const char *t = mc_dbres_get(res, r, 0);
        apr_hash_set(have, t, APR_HASH_KEY_STRING, "");
        if (apr_hash_get(want, t, APR_HASH_KEY_STRING))
            continue;
        rv = mc_db_exec(e->db, &n, NULL,
                        "DELETE FROM mc_ef_case_type WHERE court_code = ? AND case_type = ?", "ss",
                        c->code, t);
        *changed += n;
    }
    for (int i = 0; rv == APR_SUCCESS && i < c->types->nelts; i++) {
        const char *t = APR_ARRAY_IDX(c->types, i, efs_type).type;
        if (apr_hash_get(have, t, APR_HASH_KEY_STRING))
            continue;
        rv = mc_db_exec(e->db, &n, NULL,
                        "INSERT INTO mc_ef_case_type (court_code, case_type) VALUES (?, ?)", "ss",
                        c->code, t);
        *changed += n;
    }
    return rv;
}

/* The court's active filing codes become exactly the file's: changed ones
 * updated, new ones added, missing ones made inactive, returning ones
 * reactivated. */
static apr_status_t efs_apply_codes(efs *e, efs_court *c, long long *changed)
{
    mc_dbres *res;
    apr_hash_t *want = apr_hash_make(e->p), *have = apr_hash_make(e->p);
    long long n;
    apr_status_t rv = mc_db_query(e->db, e->p, &res,
                                  "SELECT id, code, name, fee_cents, initiating, active"
                                  " FROM mc_ef_filing_code WHERE court_code = ? FOR UPDATE",
                                  "s", c->code);
    if (rv != APR_SUCCESS)
        return rv;
    for (int i = 0; i < c->codes->nelts; i++) {
        efs_code *fc = &APR_ARRAY_IDX(c->codes, i, efs_code);
        apr_hash_set(want, fc->code, APR_HASH_KEY_STRING, fc);
    }
    for (int r = 0; r < res->nrows; r++)
        apr_hash_set(have, mc_dbres_get(res, r, 1), APR_HASH_KEY_STRING, res->rows[r]);
    for (int i = 0; rv == APR_SUCCESS && i < c->codes->nelts; i++) {
        const efs_code *fc = &APR_ARRAY_IDX(c->codes, i, efs_code);
        char **row = apr_hash_get(have, fc->code, APR_HASH_KEY_STRING);
        if (!row) {
            rv = mc_db_exec(e->db, &n, NULL,
                            "INSERT INTO mc_ef_filing_code (court_code, code, name, fee_cents,"
                            " initiating, active) VALUES (?, ?, ?, ?, ?, 1)",
                            "sssii", c->code, fc->code, fc->name, (long long)fc->fee,
                            (long long)fc->initiating);
            *changed += n;
        }
        else if (strcmp(row[2], fc->name) || strtoll(row[3], NULL, 10) != fc->fee ||
                 atoi(row[4]) != fc->initiating || atoi(row[5]) != 1) {
            rv = mc_db_exec(e->db, &n, NULL,
                            "UPDATE mc_ef_filing_code SET name = ?, fee_cents = ?, initiating = ?,"
                            " active = 1 WHERE id = ?",
                            "siii", fc->name, (long long)fc->fee, (long long)fc->initiating,
                            strtoll(row[0], NULL, 10));
            *changed += n;
        }
    }
    for (int r = 0; rv == APR_SUCCESS && r < res->nrows; r++) {
        if (apr_hash_get(want, mc_dbres_get(res, r, 1), APR_HASH_KEY_STRING) ||
            mc_dbres_int(res, r, 5) == 0)
            continue;
        rv = mc_db_exec(e->db, &n, NULL, "UPDATE mc_ef_filing_code SET active = 0 WHERE id = ?",
                        "i", mc_dbres_int(res, r, 0));
        *changed += n;
    }
    return rv;
}

/* Applies c, its references checked, in the open transaction; *changed
 * counts the rows written (0 when the database already held the file's
 * values). */
static apr_status_t efs_apply(efs *e, efs_court *c, int efiling, long long *changed)
{
    mc_dbres *res;
    long long n = 0;
    apr_status_t rv = APR_SUCCESS;
    if (efiling != c->participates) {
        rv = mc_db_exec(e->db, &n, NULL, "UPDATE mc_court SET efiling = ? WHERE code = ?", "is",
                        (long long)c->participates, c->code);
        *changed += n;
    }
    if (rv == APR_SUCCESS)
        rv = mc_db_query(
            e->db, e->p, &res,
            "SELECT max_doc_bytes, text_pdf_only, active_content = 'flag' FROM mc_ef_court"
            " WHERE court_code = ? FOR UPDATE",
            "s", c->code);
    if (rv != APR_SUCCESS)
        return rv;
    const char *act = c->flag_active ? "flag" : "refuse";
    if (res->nrows == 0) {
        rv = mc_db_exec(e->db, &n, NULL,
                        "INSERT INTO mc_ef_court (court_code, max_doc_bytes, text_pdf_only,"
                        " active_content, updated_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP())",
                        "siis", c->code, (long long)c->max_bytes, (long long)c->text_only, act);
        *changed += n;
    }
    else if (mc_dbres_int(res, 0, 0) != c->max_bytes || mc_dbres_int(res, 0, 1) != c->text_only ||
             mc_dbres_int(res, 0, 2) != c->flag_active) {
        rv = mc_db_exec(e->db, &n, NULL,
                        "UPDATE mc_ef_court SET max_doc_bytes = ?, text_pdf_only = ?,"
                        " active_content = ? WHERE court_code = ?",
                        "iiss", (long long)c->max_bytes, (long long)c->text_only, act, c->code);
        *changed += n;
    }
    if (rv == APR_SUCCESS)
        rv = efs_apply_types(e, c, changed);
    if (rv == APR_SUCCESS)
        rv = efs_apply_codes(e, c, changed);
    if (rv == APR_SUCCESS && *changed > 0)
        rv = mc_db_exec(e->db, NULL, NULL,
                        "UPDATE mc_ef_court SET updated_at = UTC_TIMESTAMP() WHERE court_code = ?",
                        "s", c->code);
    if (rv == APR_SUCCESS && *changed > 0)
        rv = mc_db_exec(e->db, NULL, NULL,
                        "INSERT INTO mc_audit (at, event, account_id, actor_id, client_ip, detail)"
                        " VALUES (UTC_TIMESTAMP(), 'efiling-setup', NULL, NULL, '', ?)",
                        "s",
                        apr_psprintf(e->p, "court %s: %" APR_INT64_T_FMT " change(s) from %.400s",
                                     c->code, (apr_int64_t)*changed, e->path));
    return rv;
}

/* One court in its own transaction (a deadlock is retried). 1 applied, 0
 * refused (reported), -1 the database failed (reported). */
static int efs_court_run(efs *e, efs_court *c, long long *changed)
{
    apr_status_t rv = APR_SUCCESS;
    for (int attempt = 0; attempt < MC_EFS_TRIES; attempt++) {
        int efiling = 0;
        *changed = 0;
        rv = mc_db_begin(e->db);
        if (rv == APR_SUCCESS)
            rv = efs_check_refs(e, c, &efiling);
        if (rv == APR_SUCCESS && !c->errors)
            rv = efs_apply(e, c, efiling, changed);
        if (rv == APR_SUCCESS && !c->errors)
            rv = mc_db_commit(e->db);
        if (rv == APR_SUCCESS && !c->errors)
            return 1;
        if (!mc_db_broken(e->db))
            mc_db_rollback(e->db);
        if (c->errors)
            return 0;
        if (rv != MC_DB_EDEADLOCK)
            break;
    }
    efs_err(e, c, c->line, "court %s was not changed: database error: %s", c->code,
            mc_db_error(e->db));
    return -1;
}

/* ---- the command --------------------------------------------------------- */

int mc_efiling_setup(mc_db *db, apr_pool_t *p, const char *prog, const char *path)
{
    static const char *const none[] = {NULL};
    efs e = {p, path, db};
    char *buf;
    size_t len;
    long line;
    const char *why = efs_read(&e, &buf, &len);
    int applied = 0, changed_courts = 0, refused = 0, other = 0;
    if (why) {
        fprintf(stderr, "%s: efiling-setup: %s %s\n", prog, path, why);
        printf("set up 0 court(s): the file was refused\n");
        return EXIT_FAILURE;
    }
    if ((why = efs_prolog(buf, &line)) != NULL) {
        efs_err(&e, NULL, line, "%s", why);
        printf("set up 0 court(s): the file was refused\n");
        return EXIT_FAILURE;
    }
    xmlResetLastError();
    xmlDocPtr doc = xmlReadMemory(buf, (int)len, path, "UTF-8",
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                      XML_PARSE_BIG_LINES);
    if (!doc) {
        const xmlError *xe = xmlGetLastError();
        const char *msg = xe && xe->message ? apr_pstrdup(p, xe->message) : "unreadable";
        char *end = (char *)msg + strlen(msg);
        while (end > msg && (end[-1] == '\n' || end[-1] == ' '))
            *--end = '\0';
        efs_err(&e, NULL, xe && xe->line > 0 ? xe->line : 1, "not well-formed XML: %s", msg);
        printf("set up 0 court(s): the file was refused\n");
        return EXIT_FAILURE;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || !efs_is(root, "efiling-setup")) {
        efs_err(&e, NULL, root ? efs_line(root) : 1,
                "the root element must be <efiling-setup xmlns=\"" MC_EFS_NS "\">");
        xmlFreeDoc(doc);
        printf("set up 0 court(s): the file was refused\n");
        return EXIT_FAILURE;
    }
    efs_court dummy = {0};
    efs_only(&e, &dummy, root, none, 1);
    other += dummy.errors;

    apr_array_header_t *courts = apr_array_make(p, 8, sizeof(efs_court *));
    apr_hash_t *seen = apr_hash_make(p);
    for (xmlNodePtr n = root->children; n; n = n->next) {
        if (efs_is(n, "court")) {
            efs_court *c = apr_pcalloc(p, sizeof(*c));
            efs_read_court(&e, c, n);
            APR_ARRAY_PUSH(courts, efs_court *) = c;
            efs_court *first = *c->code ? apr_hash_get(seen, c->code, APR_HASH_KEY_STRING) : NULL;
            if (first) {
                efs_err(&e, c, c->line,
                        "court %s appears twice (first at line %ld): neither is applied", c->code,
                        first->line);
                first->errors++;
            }
            else if (*c->code) {
                apr_hash_set(seen, c->code, APR_HASH_KEY_STRING, c);
            }
        }
        else if (n->type == XML_ELEMENT_NODE) {
            efs_err(&e, NULL, efs_line(n), "unexpected element <%s> inside <efiling-setup>",
                    (const char *)n->name);
            other++;
        }
        else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content &&
                 n->content[strspn((const char *)n->content, " \t\r\n")]) {
            efs_err(&e, NULL, efs_line(n), "unexpected text inside <efiling-setup>");
            other++;
        }
    }
    xmlFreeDoc(doc); /* every value was copied into p */

    int db_failed = 0;
    for (int i = 0; i < courts->nelts; i++) {
        efs_court *c = APR_ARRAY_IDX(courts, i, efs_court *);
        long long changed = 0;
        int r = c->errors || db_failed ? 0 : efs_court_run(&e, c, &changed);
        if (db_failed && !c->errors)
            efs_err(&e, c, c->line, "court %s was not changed: the database connection was lost",
                    c->code);
        if (r == 1) {
            applied++;
            changed_courts += changed > 0;
        }
        else {
            refused++;
            if (r < 0 && mc_db_broken(db))
                db_failed = 1;
        }
    }
    printf("set up %d court(s) (%d changed, %d unchanged), refused %d\n", applied, changed_courts,
           applied - changed_courts, refused);
    return refused || other ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* ---- the command --------------------------------------------------------- */

int mc_cmd_efiling_setup(mc_admin *a, const mc_args *args)
{
    int rc = mc_admin_load(a);
    if (rc == EXIT_SUCCESS)
        rc = mc_admin_connect(a);
    return rc == EXIT_SUCCESS ? mc_efiling_setup(a->db, a->p, MC_ADMIN_PROG, args->pos[0]) : rc;
}
