/* mc_feed_private.h: what the files of mc_feed share (mc_feed.c the
 * reader, mc_feed_input.c its input, mc_feed_record.c one record). Not part
 * of mc_feed.h's promise; hidden in the plugin (-fvisibility=hidden). */
#ifndef MC_FEED_PRIVATE_H
#define MC_FEED_PRIVATE_H

#include "mc_feed.h"

#include <apr_pools.h>
#include <libxml/xmlreader.h>
#include <stddef.h>
#include <stdio.h>

/* ---- mc_feed_input.c ---- */

/* Where the prolog scan is (feed_input.state). */
enum {
    PRO_START, /* before the first byte (a BOM may come) */
    PRO_TEXT,  /* between markup in the prolog */
    PRO_LT,    /* after '<' */
    PRO_BANG,  /* after "<!" */
    PRO_BANG_DASH,
    PRO_SKIP, /* in a comment or processing instruction, until its end */
    PRO_DONE  /* the root element has started: no DOCTYPE can follow */
};

typedef struct feed_input {
    FILE *fp;
    const char *buf;
    apr_size_t len, off;
    int state;
    int bom;           /* bytes of a UTF-8 byte-order mark seen so far */
    const char *until; /* PRO_SKIP's end: "-->" or "?>" */
    int matched;       /* ... its characters seen last */
    long line;
    const char *refused; /* why the input was cut off */
    long refused_line;
    long long *read; /* the result's bytes_read */
} feed_input;

/* xmlReaderForIO's callbacks; ctx is a feed_input. Read fails once a
 * DOCTYPE shows in the prolog (refused, refused_line set); close closes
 * nothing (the caller owns fp). */
int mc_feed_input_read(void *ctx, char *out, int size);
int mc_feed_input_close(void *ctx);

/* ---- mc_feed_record.c ---- */

/* One record being read: its element and the first problem found. */
typedef struct rec {
    apr_pool_t *p;
    xmlTextReaderPtr reader; /* on n's start tag */
    xmlNodePtr n;            /* never expanded: its attributes only */
    int consumed;            /* the reader is on n's end tag */
    const char *what;        /* "court 22", "case 22SL-CC01234: party 2" */
    const char *why;         /* the first problem */
    long line;
} rec;

/* Notes the record's first problem (why, in r->p). */
void mc_feed_rec_bad(rec *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The element's text (at most max bytes), read through the reader so a
 * huge subtree is never held in memory; a child element is refused. Leaves
 * the reader on the element's end tag. */
const char *mc_feed_rec_text(rec *r, size_t max, int allowed);
/* The records: each fills its structure from r (its line: r->line),
 * noting problems. */
void mc_feed_read_case_type(rec *r, mc_feed_case_type *t);
void mc_feed_read_court(rec *r, mc_feed_court *c);
void mc_feed_read_judge(rec *r, mc_feed_judge *j);
void mc_feed_read_case_head(rec *r, mc_feed_case *c);
void mc_feed_read_case_child(rec *r, mc_feed_case *c);
void mc_feed_read_case_end(rec *r, mc_feed_case *c);

#endif
