/* fuzz_feed: the Case.net feed reader (mc_feed) on arbitrary bytes.
 * Invariants: every record handed to a callback obeys the format's rules
 * (case numbers, dates, enumerations, ids unique in a case, strings never
 * NULL); the counts in the result match the callbacks; a feed with a
 * DOCTYPE never yields a record. */
#include "fuzz.h"
#include <apr_general.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mc_feed.h"

static apr_pool_t *root;

typedef struct seen {
    long long records, bad;
} seen;

static void must(int ok)
{
    if (!ok)
        abort();
}

static int one_of(const char *v, const char *const *ok)
{
    for (; *ok; ok++)
        if (!strcmp(v, *ok))
            return 1;
    return 0;
}

static apr_status_t on_type(void *b, apr_pool_t *p, const mc_feed_case_type *t, const char **why)
{
    must(strlen(t->code) == 2 && t->name && *t->name);
    ((seen *)b)->records++;
    return APR_SUCCESS;
}

static apr_status_t on_court(void *b, apr_pool_t *p, const mc_feed_court *c, const char **why)
{
    must(*c->code && strlen(c->prefix) == 4 && c->circuit >= 1 && c->circuit <= 65535);
    must(*c->county && *c->name && (c->efiling == 0 || c->efiling == 1));
    ((seen *)b)->records++;
    return APR_SUCCESS;
}

static apr_status_t on_judge(void *b, apr_pool_t *p, const mc_feed_judge *j, const char **why)
{
    must(*j->ref && *j->court && *j->name);
    ((seen *)b)->records++;
    /* a callback may refuse a record: it is then counted as bad */
    return j->name[0] == 'X' ? MC_FEED_EBAD : APR_SUCCESS;
}

static void unique(const apr_array_header_t *a)
{
    for (int i = 0; i < a->nelts; i++)
        for (int k = 0; k < i; k++)
            must(strcmp(*(const char *const *)(a->elts + (size_t)i * a->elt_size),
                        *(const char *const *)(a->elts + (size_t)k * a->elt_size)) != 0);
}

static apr_status_t on_case(void *b, apr_pool_t *p, const mc_feed_case *c, const char **why)
{
    static const char *const roles[] = {"plaintiff",  "petitioner", "defendant",
                                        "respondent", "other",      NULL};
    static const char *const statuses[] = {"open", "closed", "disposed", NULL};
    const char *num;
    must(mc_feed_case_number_ok(p, c->number, &num) && !strcmp(num, c->number));
    must(!strncmp(c->number + 5, c->type, 2) && mc_feed_date_ok(c->filed));
    must(one_of(c->status, statuses) && c->caption && *c->caption && c->judge);
    must(mc_feed_date_ok(c->newest) && strcmp(c->newest, c->filed) >= 0);
    for (int i = 0; i < c->parties->nelts; i++) {
        const mc_feed_party *x = &APR_ARRAY_IDX(c->parties, i, mc_feed_party);
        must(one_of(x->role, roles) && *x->last && x->first && x->middle && x->city);
    }
    for (int i = 0; i < c->dockets->nelts; i++) {
        const mc_feed_docket *x = &APR_ARRAY_IDX(c->dockets, i, mc_feed_docket);
        must(mc_feed_date_ok(x->date) && *x->type && x->text && x->filed_by);
        must(strcmp(x->date, c->newest) <= 0);
    }
    for (int i = 0; i < c->hearings->nelts; i++) {
        const mc_feed_hearing *x = &APR_ARRAY_IDX(c->hearings, i, mc_feed_hearing);
        must(strlen(x->at) == 19 && *x->type && x->location && x->judge);
    }
    for (int i = 0; i < c->judgments->nelts; i++) {
        const mc_feed_judgment *x = &APR_ARRAY_IDX(c->judgments, i, mc_feed_judgment);
        must(mc_feed_date_ok(x->entered) && strchr(x->amount, '.') && *x->debtor);
    }
    unique(c->parties);
    unique(c->attorneys);
    unique(c->dockets);
    unique(c->hearings);
    unique(c->judgments);
    ((seen *)b)->records++;
    return APR_SUCCESS;
}

static void on_bad(void *b, long line, const char *why)
{
    must(why && *why && line >= 0);
    ((seen *)b)->bad++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    seen s = {0, 0};
    mc_feed_result res;
    mc_feed_handler h = {&s, on_type, on_court, on_judge, on_case, on_bad};

    if (root == NULL) {
        apr_initialize();
        apr_pool_create(&root, NULL);
    }
    apr_pool_create(&p, root);
    apr_status_t rv = mc_feed_parse_memory(p, (const char *)data, size, &h, &res);
    must(rv == APR_SUCCESS || rv == MC_FEED_EFORMAT);
    must(rv == APR_SUCCESS || res.error != NULL);
    /* records: accepted ones; s.records also counts the judges refused */
    must(res.bad == s.bad && res.records <= s.records);
    if (memmem(data, size, "<!DOCTYPE", 9) && !memmem(data, size, "<casenet-feed", 13))
        must(s.records == 0);
    apr_pool_destroy(p);
    return 0;
}
