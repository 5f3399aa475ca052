/* import_bar.c: `mocourts-admin import-bar FILE`, the Missouri Bar roster
 * (mc_bar_roster, read by the registration plugin's MOBAR verification).
 *
 * FILE is CSV (RFC 4180: fields in double quotes may hold commas, line
 * breaks and "" for a quote), one attorney per record:
 *     bar_number,last_name,first_name,status
 * The header line is optional. Records are upserted (a re-import updates);
 * a bad record is reported on stderr with its line number and the reason,
 * and the good ones are kept; the exit status is then 1, as import's. */
#include "admin.h"
#include "mc_db.h"
#include "mc_form.h"
#include "progress.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One CSV record from *s (advanced past it); fields in *out. NULL in *why
 * when well formed. *lines: physical lines the record spans. */
static void csv_record(apr_pool_t *p, const char **s, apr_array_header_t *out, const char **why,
                       int *lines)
{
    const char *c = *s;
    *why = NULL;
    *lines = 1;
    apr_array_clear(out);
    for (;;) {
        char *buf = apr_palloc(p, strlen(c) + 1), *o = buf;
        if (*c == '"') {
            c++;
            for (;;) {
                if (!*c) {
                    *why = "a quoted field is not closed";
                    break;
                }
                if (*c == '"') {
                    if (c[1] == '"') {
                        *o++ = '"';
                        c += 2;
                        continue;
                    }
                    c++;
                    break;
                }
                if (*c == '\n')
                    (*lines)++;
                *o++ = *c++;
            }
            if (!*why && *c && *c != ',' && *c != '\n' && !(*c == '\r' && c[1] == '\n'))
                *why = "text after a closing quote";
        }
        else {
            while (*c && *c != ',' && *c != '\n' && !(*c == '\r' && c[1] == '\n')) {
                if (*c == '"' && !*why)
                    *why = "a quote inside an unquoted field";
                *o++ = *c++;
            }
        }
        *o = '\0';
        APR_ARRAY_PUSH(out, const char *) = buf;
        if (*why) { /* skip to the end of the line */
            while (*c && *c != '\n')
                c++;
        }
        if (*c == ',') {
            c++;
            continue;
        }
        if (*c == '\r')
            c++;
        if (*c == '\n')
            c++;
        break;
    }
    *s = c;
}

/* The record at *s (csv_record), each field without the white space
 * around it. */
static void read_record(apr_pool_t *p, const char **s, apr_array_header_t *f, const char **why,
                        int *lines)
{
    int i;
    csv_record(p, s, f, why, lines);
    for (i = 0; i < f->nelts; i++)
        APR_ARRAY_IDX(f, i, const char *) = mc_text_trim(p, APR_ARRAY_IDX(f, i, const char *));
}

static const char *check(apr_array_header_t *f)
{
    const char *num = APR_ARRAY_IDX(f, 0, const char *), *s;
    if (f->nelts != 4)
        return "expected 4 fields: bar_number,last_name,first_name,status";
    if (!*num)
        return "bar_number is empty";
    for (s = num; *s; s++)
        if (!apr_isdigit(*s))
            return "bar_number must be digits only";
    if (strlen(num) > 10)
        return "bar_number has more than 10 digits";
    if (!*APR_ARRAY_IDX(f, 1, const char *))
        return "last_name is empty";
    if (strlen(APR_ARRAY_IDX(f, 1, const char *)) > 100 ||
        strlen(APR_ARRAY_IDX(f, 2, const char *)) > 100)
        return "a name is longer than 100 characters";
    if (!*APR_ARRAY_IDX(f, 3, const char *))
        return "status is empty";
    if (strlen(APR_ARRAY_IDX(f, 3, const char *)) > 30)
        return "status is longer than 30 characters";
    return NULL;
}

/* Returns the exit status: 0 when every record was loaded, 1 otherwise. */
int mc_import_bar(mc_db *db, apr_pool_t *p, const char *prog, const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *text;
    size_t len = 0, cap = 65536, n;
    const char *c, *why;
    apr_array_header_t *f = apr_array_make(p, 8, sizeof(const char *));
    long long imported = 0, updated = 0, refused = 0;
    int line = 1, lines, first = 1;
    apr_status_t rv;

    if (!fp) {
        fprintf(stderr, "%s: import-bar: cannot read %s\n", prog, path);
        return EXIT_FAILURE;
    }
    text = malloc(cap + 1);
    while (text && (n = fread(text + len, 1, cap - len, fp)) > 0) {
        len += n;
        if (len == cap) {
            char *t = realloc(text, cap * 2 + 1);
            if (!t) {
                free(text);
                text = NULL;
                break;
            }
            text = t;
            cap *= 2;
        }
    }
    if (!text || ferror(fp)) {
        fprintf(stderr, "%s: import-bar: cannot read %s\n", prog, path);
        fclose(fp);
        free(text);
        return EXIT_FAILURE;
    }
    fclose(fp);
    text[len] = '\0';
    if (strlen(text) != len) {
        fprintf(stderr, "%s: import-bar: %s is not a text file (it contains a NUL byte)\n", prog,
                path);
        free(text);
        return EXIT_FAILURE;
    }
    c = text;
    if (!strncmp(c, "\xEF\xBB\xBF", 3)) /* a byte-order mark */
        c += 3;
    if ((rv = mc_db_begin(db)) != APR_SUCCESS) {
        fprintf(stderr, "%s: import-bar: %s\n", prog, mc_db_error(db));
        free(text);
        return EXIT_FAILURE;
    }
    mc_progress_start("import-bar", "records", -1);
    while (*c) {
        int at = line;
        mc_progress_update(imported + updated + refused, (double)(c - text) / (double)len);
        read_record(p, &c, f, &why, &lines);
        line += lines;
        if (!why && f->nelts == 1 && !*APR_ARRAY_IDX(f, 0, const char *))
            continue; /* a blank line */
        if (first && !why && !strcasecmp(APR_ARRAY_IDX(f, 0, const char *), "bar_number")) {
            first = 0;
            continue; /* the header */
        }
        first = 0;
        if (why || (why = check(f))) {
            mc_progress_clear();
            fprintf(stderr, "%s: line %d: %s\n", path, at, why);
            refused++;
            continue;
        }
        {
            mc_dbres *res;
            const char *num = APR_ARRAY_IDX(f, 0, const char *);
            rv = mc_db_query(db, p, &res, "SELECT 1 FROM mc_bar_roster WHERE bar_number = ?", "s",
                             num);
            if (rv == APR_SUCCESS)
                rv = mc_db_exec(db, NULL, NULL,
                                "INSERT INTO mc_bar_roster (bar_number, last_name, first_name, "
                                "status, updated_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP()) ON "
                                "DUPLICATE KEY UPDATE last_name = VALUES(last_name), first_name "
                                "= VALUES(first_name), status = VALUES(status), updated_at = "
                                "VALUES(updated_at)",
                                "ssss", num, APR_ARRAY_IDX(f, 1, const char *),
                                APR_ARRAY_IDX(f, 2, const char *),
                                APR_ARRAY_IDX(f, 3, const char *));
            if (rv != APR_SUCCESS) {
                mc_progress_end();
                fprintf(stderr, "%s: import-bar: line %d: %s\n", prog, at, mc_db_error(db));
                mc_db_rollback(db);
                free(text);
                return EXIT_FAILURE;
            }
            if (res->nrows)
                updated++;
            else
                imported++;
        }
    }
    free(text);
    mc_progress_update(imported + updated + refused, 1);
    mc_progress_end();
    if ((rv = mc_db_commit(db)) != APR_SUCCESS) {
        fprintf(stderr, "%s: import-bar: %s\n", prog, mc_db_error(db));
        return EXIT_FAILURE;
    }
    printf("imported %lld row(s), updated %lld, refused %lld\n", imported, updated, refused);
    return refused ? EXIT_FAILURE : EXIT_SUCCESS;
}
