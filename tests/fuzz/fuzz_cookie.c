/* fuzz_cookie: mc_cookie_get on arbitrary Cookie headers. The input's
 * first line is the cookie name looked up, the rest the header.
 * Invariant: a value found is a substring of the header. */
#include "fuzz.h"
#include <apr_general.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mc_form.h"

static apr_pool_t *root;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    char *buf, *nl, *header;
    const char *name, *v;

    if (root == NULL) {
        apr_initialize();
        apr_pool_create(&root, NULL);
    }
    apr_pool_create(&p, root);
    buf = apr_palloc(p, size + 1);
    memcpy(buf, data, size);
    buf[size] = '\0';
    nl = strchr(buf, '\n');
    if (nl) {
        *nl = '\0';
        name = buf;
        header = nl + 1;
    } else {
        name = "__Host-mc";
        header = buf;
    }
    v = mc_cookie_get(p, header, name);
    if (v && *v && strstr(header, v) == NULL)
        abort();
    (void)mc_cookie_get(p, header, "__Host-mc");
    (void)mc_cookie_get(p, buf, "a");
    apr_pool_destroy(p);
    return 0;
}
