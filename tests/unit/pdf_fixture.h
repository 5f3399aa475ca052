/* pdf_fixture.h: PDFs built for the mc_pdf tests (test_pdf.c,
 * test_pdf_active.c), with real cross-reference offsets, and the check run
 * over them in chunks. Everything is allocated in mc_test_pool. */
#ifndef MC_PDF_FIXTURE_H
#define MC_PDF_FIXTURE_H

#include <apr_pools.h>

#include "mc_buf.h"
#include "mc_pdf.h"

/* A growable byte buffer (mc_buf.h) that grows in mc_test_pool. */
typedef mc_buf pdf_buf;

void pdf_put(pdf_buf *b, const void *d, apr_size_t n);
void pdf_puts(pdf_buf *b, const char *s);

/* What pdf_build makes. */
typedef struct pdf_opts {
    const char *const *objs; /* bodies of objects 1..n */
    int n;
    const char *trailer_extra; /* extra trailer entries, e.g. "/Encrypt 6 0 R" */
    int xref_stream;           /* a cross-reference stream instead of xref/trailer */
    apr_size_t pad_after_xref; /* comment bytes between the xref section and startxref */
    long startxref_delta;      /* added to the real offset */
    int no_trailer_close;      /* drop the trailer's closing >> */
    const apr_size_t *lens;    /* when set, objs[i] is lens[i] bytes (binary) */
} pdf_opts;

/* A PDF with objects o->objs and their cross-reference offsets. */
pdf_buf pdf_build(const pdf_opts *o);

/* Samples of five objects: a page with a Helvetica font and text; a page
 * with one font name (/Font in the resources) only; a scanned page (an
 * image, no font). */
extern const char *const pdf_font_objs[5];
extern const char *const pdf_one_font_objs[5];
extern const char *const pdf_scan_objs[5];

/* pdf_opts for one of the samples above. */
#define PDF_SAMPLE(objs) ((pdf_opts){objs, (int)(sizeof(objs) / sizeof(objs[0]))})

/* How pdf_squeeze packs bytes: deflated with a zlib header, raw deflate, or
 * as they are. */
enum { PDF_ZLIB, PDF_RAW, PDF_PLAIN };

/* d[0..n) packed as how. */
pdf_buf pdf_squeeze(const char *d, apr_size_t n, int how);

/* A PDF of three objects: catalog, an empty page tree, and an object
 * stream whose dictionary holds the entries dict and whose data is d[0..n),
 * as it is. */
pdf_buf pdf_objstm_data(const char *catalog, const char *d, apr_size_t n, const char *dict);

/* A PDF whose object 4 is inside object stream 3: its bytes ("4 0 " then
 * body[0..n)) packed as how, the stream dictionary's entries dict (NULL:
 * /Type /ObjStm /N 1 /First 4, and /Filter /FlateDecode unless PDF_PLAIN).
 * The catalog's /OpenAction is object 4. */
pdf_buf pdf_objstm_n(const char *body, apr_size_t n, int how, const char *dict);
/* pdf_objstm_n of the string body. */
pdf_buf pdf_objstm(const char *body, int how, const char *dict);

/* 1 when w occurs in b. */
int pdf_contains(pdf_buf b, const char *w);

/* The check of d[0..n) fed in pieces of chunk bytes (0: whole); *text,
 * *why and *found (mc_pdf_found) are set when not NULL. */
mc_pdf_verdict pdf_run(const char *d, apr_size_t n, apr_size_t chunk, int *text, const char **why,
                       unsigned *found);

/* What pdf_every_split asserts of each run. */
typedef struct pdf_split_want {
    int refused; /* 0: the verdict is MC_PDF_OK; 1: anything else */
    int text;    /* the text answer (MC_PDF_TEXT_*), or -1: not asserted */
    long found;  /* mc_pdf_found, or -1: not asserted */
} pdf_split_want;

/* Checks b fed in two pieces, split at every byte from 0 to b.len, and
 * asserts w of each run; label names b in a failure. */
void pdf_every_split(pdf_buf b, const char *label, pdf_split_want w);

#endif
