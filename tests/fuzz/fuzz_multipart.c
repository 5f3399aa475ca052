/* fuzz_multipart: the streaming multipart parser on arbitrary bodies.
 * The first byte picks a chunk size; the body is parsed whole and in those
 * chunks, and both runs must report exactly the same parts, data and
 * result (boundaries straddling feeds must not change anything). The
 * boundary is fixed: "XyZ" when the first byte is even, else a long one. */
#include "fuzz.h"
#include <apr_general.h>
#include <apr_strings.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_multipart.h"

static apr_pool_t *root;

/* What the callbacks saw, in order, written to a memory stream: "\0B" then
 * name, filename and type (NUL-ended; "\1" for none) per part, its data,
 * "\0E" at its end. */
typedef struct trace {
    FILE *f;
    char *log;
    size_t len;
} trace;

static void add(trace *t, const void *d, size_t n)
{
    if (fwrite(d, 1, n, t->f) != n)
        abort();
}

static apr_status_t on_begin(void *b, const char *name, const char *fn, const char *ct)
{
    trace *t = b;
    add(t, "\0B", 2);
    add(t, name, strlen(name) + 1);
    add(t, fn ? fn : "\1", strlen(fn ? fn : "\1") + 1);
    add(t, ct ? ct : "\1", strlen(ct ? ct : "\1") + 1);
    return APR_SUCCESS;
}

static apr_status_t on_data(void *b, const char *d, apr_size_t n)
{
    if (n == 0)
        abort();
    add(b, d, n);
    return APR_SUCCESS;
}

static apr_status_t on_end(void *b)
{
    add(b, "\0E", 2);
    return APR_SUCCESS;
}

static apr_status_t parse(apr_pool_t *p, const char *ct, const uint8_t *d, size_t n,
                          size_t chunk, trace *t)
{
    mc_mp_callbacks cb = { t, on_begin, on_data, on_end };
    const char *err = NULL;
    mc_mp *mp = mc_mp_create(p, ct, &cb, &err);
    apr_status_t rv = APR_SUCCESS;
    size_t off = 0;

    if (mp == NULL)
        abort();
    while (off < n && rv == APR_SUCCESS) {
        size_t k = n - off < chunk ? n - off : chunk;
        rv = mc_mp_feed(mp, (const char *)d + off, k);
        off += k;
    }
    if (rv == APR_SUCCESS)
        rv = mc_mp_finish(mp);
    else if (mc_mp_error(mp) == NULL)
        abort();
    return rv;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    trace whole, split;
    apr_status_t r1, r2;
    const char *ct;
    size_t chunk;

    if (size < 1)
        return 0;
    if (root == NULL) {
        apr_initialize();
        apr_pool_create(&root, NULL);
    }
    apr_pool_create(&p, root);
    ct = (data[0] & 1) ? "multipart/form-data; boundary=\"----WebKitFormBoundary7MA4YWxk\""
                       : "multipart/form-data; boundary=XyZ";
    chunk = (size_t)(data[0] >> 1) % 17 + 1;
    memset(&whole, 0, sizeof(whole));
    memset(&split, 0, sizeof(split));
    if ((whole.f = open_memstream(&whole.log, &whole.len)) == NULL ||
        (split.f = open_memstream(&split.log, &split.len)) == NULL)
        abort();
    r1 = parse(p, ct, data + 1, size - 1, size, &whole);
    r2 = parse(p, ct, data + 1, size - 1, chunk, &split);
    if (fclose(whole.f) != 0 || fclose(split.f) != 0)
        abort();
    if (r1 != r2 || whole.len != split.len ||
        (whole.len && memcmp(whole.log, split.log, whole.len) != 0))
        abort();
    free(whole.log);
    free(split.log);
    apr_pool_destroy(p);
    return 0;
}
