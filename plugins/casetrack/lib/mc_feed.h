/* mc_feed: the Case.net data feed (docs/casenet-feed.xsd), read as a stream
 * with libxml2's xmlTextReader. One callback per record: a case type, a
 * court, a judge, or a case with everything inside its <case> element. A
 * record is built from its own elements only, read node by node (no
 * subtree is ever expanded whole), and freed before the next one, so memory
 * stays flat however large the feed or any element in it.
 *
 * A record that breaks a rule of the format (a missing or malformed
 * attribute, an unknown role, a bad date, a duplicate id in a case...) is
 * reported through the bad callback with its line and skipped; the rest of
 * the feed is read. A feed that is not well-formed XML stops at the first
 * error.
 *
 * Safety: the feed must be UTF-8 (any declared encoding is ignored) and may
 * not have a DOCTYPE: a DTD is refused before the parser sees it, so no
 * entity is ever declared, substituted or loaded (no XML_PARSE_NOENT, no
 * DTD loading, XML_PARSE_NONET), which defeats external-entity (XXE) and
 * entity-expansion ("billion laughs") feeds with bounded memory. Sizes are
 * bounded: a case holds at most MC_FEED_MAX_CHILDREN elements, docket text
 * at most 65,535 bytes, an attribute at most 4,096 bytes.
 *
 * Nothing here touches the database or depends on httpd. */
#ifndef MC_FEED_H
#define MC_FEED_H
#include <apr_errno.h>
#include <apr_pools.h>
#include <apr_tables.h>

#define MC_FEED_NS "urn:mocourts:casenet-feed:1"
#define MC_FEED_MAX_CHILDREN 10000

/* A callback's verdict on a record that is well formed but unusable (an
 * unknown court...): the record is counted and reported as bad, with the
 * callback's *why. Any other status but APR_SUCCESS stops the parse and
 * is returned by mc_feed_parse_*. */
#define MC_FEED_EBAD (APR_OS_START_USERERR + 201)
/* The feed cannot be read at all (not well-formed, a DTD, not a feed). */
#define MC_FEED_EFORMAT (APR_OS_START_USERERR + 202)

/* Every string is NUL-terminated UTF-8, never NULL ("" when an optional
 * attribute is absent), and lives in the pool given to the callback, which
 * is cleared after the callback returns. line: where the element starts. */
typedef struct mc_feed_case_type {
    const char *code; /* two upper-case letters */
    const char *name;
    long line;
} mc_feed_case_type;

typedef struct mc_feed_court {
    const char *code; /* 1-10 letters and digits: the clerk's scope */
    int circuit;      /* 1-65535 */
    const char *county;
    const char *name;
    const char *prefix; /* case-prefix: 2 digits, 2 upper-case letters */
    int efiling;
    long line;
} mc_feed_court;

typedef struct mc_feed_judge {
    const char *ref; /* the feed's id */
    const char *court;
    const char *name;
    long line;
} mc_feed_judge;

typedef struct mc_feed_party {
    const char *ref;
    const char *role; /* plaintiff, petitioner, defendant, respondent, other */
    const char *kind; /* person, business */
    const char *last; /* a business's name */
    const char *first, *middle;
    int birth_year; /* 0: unknown */
    const char *city;
    long line;
} mc_feed_party;

typedef struct mc_feed_attorney {
    const char *ref;
    const char *party; /* a party's ref in the same case, or "" */
    const char *name, *bar, *firm;
    long line;
} mc_feed_attorney;

typedef struct mc_feed_docket {
    const char *ref;
    const char *date; /* YYYY-MM-DD */
    const char *type;
    const char *text;
    const char *filed_by;
    long line;
} mc_feed_docket;

typedef struct mc_feed_hearing {
    const char *ref;
    const char *at; /* YYYY-MM-DD HH:MM:SS (the feed's T replaced) */
    const char *type, *location;
    const char *judge; /* a judge's ref, or "" */
    long line;
} mc_feed_hearing;

typedef struct mc_feed_judgment {
    const char *ref;
    const char *debtor, *creditor;
    const char *amount; /* digits '.' two digits, at most 12 before the point */
    const char *entered;
    int satisfied;
    long line;
} mc_feed_judgment;

typedef struct mc_feed_case {
    const char *number; /* 99AA-AA99999, upper case */
    const char *court, *type;
    const char *filed;
    const char *status; /* open, closed, disposed */
    const char *judge;  /* a judge's ref, or "" */
    int confidential;
    const char *caption;
    const char *newest; /* the newest of filed and the docket dates */
    /* arrays of the structs above, in feed order; refs unique per array */
    apr_array_header_t *parties, *attorneys, *dockets, *hearings, *judgments;
    long line;
} mc_feed_case;

typedef struct mc_feed_handler {
    void *baton;
    /* Each may be NULL (the record is then only checked). */
    apr_status_t (*case_type)(void *baton, apr_pool_t *p, const mc_feed_case_type *t,
                              const char **why);
    apr_status_t (*court)(void *baton, apr_pool_t *p, const mc_feed_court *c, const char **why);
    apr_status_t (*judge)(void *baton, apr_pool_t *p, const mc_feed_judge *j, const char **why);
    apr_status_t (*kase)(void *baton, apr_pool_t *p, const mc_feed_case *c, const char **why);
    /* A bad record: why is a sentence without the file or line. */
    void (*bad)(void *baton, long line, const char *why);
} mc_feed_handler;

typedef struct mc_feed_result {
    long long records; /* good records handed to a callback */
    long long bad;     /* records reported through bad */
    long line;         /* where a fatal error was found, else 0 */
    const char *error; /* why the feed could not be read (in p), else NULL */
    /* Bytes of the feed read so far, for a progress (the reader reads
     * ahead of the record a callback sees). */
    long long bytes_read;
} mc_feed_result;

/* Read the feed in the file path (or in memory: buf, len, name for the
 * messages). APR_SUCCESS when the whole feed was read (bad records
 * included); MC_FEED_EFORMAT with res->error and res->line when it could
 * not be; or a callback's status. res->error is set for a file that cannot
 * be opened too. */
apr_status_t mc_feed_parse_file(apr_pool_t *p, const char *path, const mc_feed_handler *h,
                                mc_feed_result *res);
apr_status_t mc_feed_parse_memory(apr_pool_t *p, const char *buf, apr_size_t len,
                                  const mc_feed_handler *h, mc_feed_result *res);

/* The checks the feed applies, for others to share. */
/* 99AA-AA99999 (letters either case, spaces around allowed); *out (in p,
 * may be NULL): the number in upper case. */
int mc_feed_case_number_ok(apr_pool_t *p, const char *s, const char **out);
/* YYYY-MM-DD, a real date, years 1900-2199. */
int mc_feed_date_ok(const char *s);
#endif
