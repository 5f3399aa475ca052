/* mc_buf.h: a growing byte buffer, for the core, its tools and the unit
 * tests. Not part of the ABI: nothing here is MC_API. */
#ifndef MC_BUF_H
#define MC_BUF_H

#include <apr_errno.h>
#include <apr_pools.h>

/* Zero-initialised it is empty. It grows in p; with p NULL on the heap
 * (realloc: the owner frees d). A copy shares the bytes: what one appends
 * past the other's end, the other may overwrite later. */
typedef struct mc_buf {
    apr_pool_t *p;
    char *d; /* NUL-terminated after the first append */
    apr_size_t len, cap;
} mc_buf;

/* Append n bytes of s. APR_ENOMEM (b unchanged) only when the heap is out
 * of memory. */
apr_status_t mc_buf_add(mc_buf *b, const void *s, apr_size_t n);
/* Append the string s. */
apr_status_t mc_buf_str(mc_buf *b, const char *s);

#endif
