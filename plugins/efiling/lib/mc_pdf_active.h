/* mc_pdf_active: the active-content part of the streaming PDF check. Not a
 * public interface: mc_pdf.c feeds it every byte of the document and reports
 * what it found through mc_pdf_found (see mc_pdf.h and
 * docs/efiling-documents.md for what it looks for and why). */
#ifndef MC_PDF_ACTIVE_H
#define MC_PDF_ACTIVE_H
#include <apr_pools.h>

/* PDF character classes (ISO 32000-1, 7.2.2). */
static inline int mc_pdf_is_ws(unsigned char c)
{
    return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static inline int mc_pdf_is_delim(unsigned char c)
{
    return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
           c == '}' || c == '/' || c == '%';
}

static inline int mc_pdf_is_regular(unsigned char c)
{
    return !mc_pdf_is_ws(c) && !mc_pdf_is_delim(c);
}

typedef struct mc_pdf_active mc_pdf_active;

/* A new scanner; it lives in p (about 1 KiB, plus about 56 KiB once the
 * first compressed object stream is inflated). */
mc_pdf_active *mc_pdf_active_begin(apr_pool_t *p);
/* The next n bytes of the document; chunk boundaries never change the result. */
void mc_pdf_active_feed(mc_pdf_active *a, const unsigned char *d, apr_size_t n);
/* The document ended: the MC_PDF_FOUND_* bits. Call once. */
unsigned mc_pdf_active_end(mc_pdf_active *a);
#endif
