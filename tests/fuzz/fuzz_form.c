/* fuzz_form: mc_form_parse and percent-decoding on arbitrary bytes.
 * Invariants: a successful parse never yields more than MC_FORM_MAX_FIELDS
 * fields, and encode then decode gives back every decoded value. */
#include "fuzz.h"
#include <apr_general.h>
#include <apr_tables.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mc_form.h"

static apr_pool_t *root;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    apr_table_t *t;
    const apr_array_header_t *arr;
    const apr_table_entry_t *e;
    char *dec;
    int i;

    if (root == NULL) {
        apr_initialize();
        apr_pool_create(&root, NULL);
    }
    apr_pool_create(&p, root);
    t = apr_table_make(p, 8);
    if (mc_form_parse(p, (const char *)data, size, t) == APR_SUCCESS) {
        arr = apr_table_elts(t);
        if (arr->nelts > MC_FORM_MAX_FIELDS)
            abort();
        e = (const apr_table_entry_t *)arr->elts;
        for (i = 0; i < arr->nelts; i++) {
            const char *enc = mc_form_encode(p, e[i].val);
            char *back = mc_form_decode(p, enc, strlen(enc), 0);
            if (back == NULL || strcmp(back, e[i].val) != 0)
                abort();
        }
    }
    dec = mc_form_decode(p, (const char *)data, size, 0);
    if (dec && memchr(data, 0, size))
        abort(); /* a NUL must never get through */
    (void)mc_form_decode(p, (const char *)data, size, 1);
    apr_pool_destroy(p);
    return 0;
}
