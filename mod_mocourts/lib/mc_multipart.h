/* mc_multipart: a streaming multipart/form-data parser (RFC 7578). Data is
 * handed to callbacks as it arrives; nothing is held whole in memory. Part
 * headers are bounded (MC_MP_MAX_HEADER bytes per part). */
#ifndef MC_MULTIPART_H
#define MC_MULTIPART_H
#include "mc_api.h"
#include <apr_pools.h>

#define MC_MP_MAX_HEADER 8192

typedef struct mc_mp_callbacks {
    void *baton;
    /* A part starts. filename is NULL for ordinary fields (the client's
     * file name is metadata only; never use it as a path; "" when a file
     * input was left empty). content_type is NULL when the part has none. */
    apr_status_t (*part_begin)(void *baton, const char *name, const char *filename,
                               const char *content_type);
    apr_status_t (*part_data)(void *baton, const char *data, apr_size_t len);
    /* Not called for a part the body cut short (mc_mp_finish then fails). */
    apr_status_t (*part_end)(void *baton);
} mc_mp_callbacks;

typedef struct mc_mp mc_mp;

/* content_type is the request's Content-Type header (must carry a boundary).
 * NULL and *err set when it is not usable. */
MC_API mc_mp *mc_mp_create(apr_pool_t *p, const char *content_type, const mc_mp_callbacks *cb,
                    const char **err);
/* Feed the next bytes of the body. A callback's error is returned as is;
 * APR_EINVAL for malformed input (*err via mc_mp_error). */
MC_API apr_status_t mc_mp_feed(mc_mp *mp, const char *data, apr_size_t len);
/* The body ended: APR_SUCCESS only when the closing boundary was seen. */
MC_API apr_status_t mc_mp_finish(mc_mp *mp);
MC_API const char *mc_mp_error(const mc_mp *mp);
#endif
