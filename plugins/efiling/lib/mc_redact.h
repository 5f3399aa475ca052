/* mc_redact: finds in a document's text what court rules require redacting
 * (Missouri Supreme Court Operating Rule 2, FRCP 5.2): Social Security
 * numbers, full dates of birth, financial account numbers. It reads text
 * (pdftotext's, pages split on form feeds) and keeps only masked hits: the
 * page number, the kind and what may be shown (the last four digits, a
 * birth's year), never the text itself.
 *
 *  - ssn:     NNN-NN-NNNN (dashes), area not 000, 666 or 9xx, group not
 *             00, serial not 0000; shown as ***-**-1234
 *  - dob:     a full date (3/14/1980, 1980-03-14, March 14, 1980,
 *             14 March 1980) within MC_REDACT_NEAR bytes after "DOB",
 *             "D.O.B.", "date of birth", "birth date", "birthdate" or
 *             "born"; shown as **-**-1980
 *  - card:    13 to 19 digits (single spaces or dashes between groups)
 *             passing the Luhn check; shown as ****1234
 *  - account: 8 to 17 digits in a row within MC_REDACT_NEAR bytes after
 *             "account", "acct" or "a/c"; shown as ****1234 */
#ifndef MC_REDACT_H
#define MC_REDACT_H
#include <apr_pools.h>
#include <apr_tables.h>

#define MC_REDACT_NEAR 40     /* bytes after a keyword where its number or date may be */
#define MC_REDACT_MAX_HITS 50 /* hits kept per document (the count goes on) */

typedef struct mc_redact_hit {
    int page;           /* 1 for the first page */
    const char *kind;   /* "ssn", "dob", "card", "account" (static) */
    const char *masked; /* e.g. "***-**-1234" */
} mc_redact_hit;

typedef struct mc_redact {
    apr_array_header_t *hits; /* of mc_redact_hit, at most MC_REDACT_MAX_HITS */
    int total;                /* every hit, kept or not */
    int pages;                /* pages seen (form feeds + 1; 0 for no text at all) */
    int pages_with_text;      /* pages with a character other than white space */
} mc_redact;

/* Scan text (len bytes, pages separated by '\f') into r (its array in p). */
void mc_redact_scan(apr_pool_t *p, const char *text, apr_size_t len, mc_redact *r);
/* "Social Security number", "date of birth", "payment card number",
 * "financial account number" for a hit's kind. */
const char *mc_redact_kind_label(const char *kind);
#endif
