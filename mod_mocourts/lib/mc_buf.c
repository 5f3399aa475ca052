/* mc_buf.c: see mc_buf.h. */
#include "mc_buf.h"

#include <stdlib.h>
#include <string.h>

apr_status_t mc_buf_add(mc_buf *b, const void *s, apr_size_t n)
{
    if (b->len + n + 1 > b->cap) {
        apr_size_t cap = b->cap ? b->cap * 2 : 4096;
        char *d;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (b->p) {
            d = apr_palloc(b->p, cap);
            if (b->len)
                memcpy(d, b->d, b->len);
        }
        else if (!(d = realloc(b->d, cap))) {
            return APR_ENOMEM;
        }
        b->d = d;
        b->cap = cap;
    }
    memcpy(b->d + b->len, s, n);
    b->len += n;
    b->d[b->len] = '\0';
    return APR_SUCCESS;
}

apr_status_t mc_buf_str(mc_buf *b, const char *s)
{
    return mc_buf_add(b, s, strlen(s));
}
