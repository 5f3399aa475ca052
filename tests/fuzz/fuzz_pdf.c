/* fuzz_pdf: the streaming PDF check on arbitrary input. The input is checked
 * whole, in chunks of 1 + size % 61 bytes and, when small, byte by byte: the
 * verdict and the text-searchable answer must not depend on the chunking,
 * the verdict must be one of the four and the sentence present exactly when
 * the verdict is not MC_PDF_OK. Inputs are whole files (no control byte), so
 * the seed corpus is plain PDFs. */
#include "fuzz.h"
#include <apr_general.h>
#include <stdint.h>
#include <stdlib.h>

#include "mc_pdf.h"

static apr_pool_t *root;

static mc_pdf_verdict run(apr_pool_t *p, const uint8_t *d, size_t n, size_t chunk, int *text)
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
    if (v != MC_PDF_OK && v != MC_PDF_NOT_PDF && v != MC_PDF_ENCRYPTED && v != MC_PDF_DAMAGED)
        abort();
    if ((v == MC_PDF_OK) != (why == NULL))
        abort();
    if (*text != MC_PDF_TEXT_YES && *text != MC_PDF_TEXT_NO && *text != MC_PDF_TEXT_UNKNOWN)
        abort();
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    int t1 = 0, t2 = 0, t3 = 0;
    mc_pdf_verdict v1, v2, v3;

    if (root == NULL) {
        apr_initialize();
        apr_pool_create(&root, NULL);
    }
    apr_pool_create(&p, root);
    v1 = run(p, data, size, size ? size : 1, &t1);
    v2 = run(p, data, size, 1 + size % 61, &t2);
    if (v1 != v2 || t1 != t2)
        abort();
    if (size <= 4096) {
        v3 = run(p, data, size, 1, &t3);
        if (v1 != v3 || t1 != t3)
            abort();
    }
    apr_pool_destroy(p);
    return 0;
}
