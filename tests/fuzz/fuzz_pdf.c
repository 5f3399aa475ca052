/* fuzz_pdf: the streaming PDF check on arbitrary input. The input is checked
 * whole, in chunks of 1 + size % 61 bytes and, when small, byte by byte: the
 * verdict, the text-searchable answer and what the active-content check
 * found (mc_pdf_found) must not depend on the chunking, the verdict must be
 * one of the six and agree with what was found, and the sentence must be
 * present exactly when the verdict is not MC_PDF_OK. Inputs are whole files
 * (no control byte), so the seed corpus is plain PDFs. */
#include "fuzz.h"
#include <apr_general.h>
#include <stdint.h>
#include <stdlib.h>

#include "mc_pdf.h"

static apr_pool_t *root;

static mc_pdf_verdict run(apr_pool_t *p, const uint8_t *d, size_t n, size_t chunk, int *text,
                          unsigned *found)
{
    mc_pdf_check *c = mc_pdf_begin(p);
    const char *why = NULL;
    size_t off = 0;
    mc_pdf_verdict v;

    while (off < n) {
        size_t k = n - off < chunk ? n - off : chunk;
        mc_pdf_feed(c, (const char *)d + off, k);
        off += k;
    }
    v = mc_pdf_end(c, text, &why);
    *found = mc_pdf_found(c);
    if (v != MC_PDF_OK && v != MC_PDF_NOT_PDF && v != MC_PDF_ENCRYPTED && v != MC_PDF_DAMAGED &&
        v != MC_PDF_ACTIVE && v != MC_PDF_UNCHECKED)
        abort();
    if ((v == MC_PDF_OK) != (why == NULL))
        abort();
    if (*found & ~(MC_PDF_FOUND_JAVASCRIPT | MC_PDF_FOUND_LAUNCH | MC_PDF_FOUND_EMBEDDED |
                   MC_PDF_FOUND_UNCHECKED))
        abort();
    if ((v == MC_PDF_OK && *found) || (v == MC_PDF_ACTIVE && !(*found & ~MC_PDF_FOUND_UNCHECKED)) ||
        (v == MC_PDF_UNCHECKED && *found != MC_PDF_FOUND_UNCHECKED))
        abort();
    if (*text != MC_PDF_TEXT_YES && *text != MC_PDF_TEXT_NO && *text != MC_PDF_TEXT_UNKNOWN)
        abort();
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    int t1 = 0, t2 = 0, t3 = 0;
    unsigned f1 = 0, f2 = 0, f3 = 0;
    mc_pdf_verdict v1, v2, v3;

    if (root == NULL) {
        apr_initialize();
        apr_pool_create(&root, NULL);
    }
    apr_pool_create(&p, root);
    v1 = run(p, data, size, size ? size : 1, &t1, &f1);
    v2 = run(p, data, size, 1 + size % 61, &t2, &f2);
    if (v1 != v2 || t1 != t2 || f1 != f2)
        abort();
    if (size <= 4096) {
        v3 = run(p, data, size, 1, &t3, &f3);
        if (v1 != v3 || t1 != t3 || f1 != f3)
            abort();
    }
    apr_pool_destroy(p);
    return 0;
}
