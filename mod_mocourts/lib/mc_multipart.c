/* mc_multipart.c: a streaming multipart/form-data parser.
 *
 * The body is matched against the delimiter "\r\n--BOUNDARY" one byte at a
 * time, so a delimiter may straddle any number of feed() calls. Boundary
 * characters (RFC 2046 bchars) never include CR, so on a mismatch the bytes
 * held back are exactly a prefix of the delimiter and none of them can start
 * a new match: they are handed on from the delimiter string itself and the
 * parser keeps no copy of the data. The body's first delimiter may come
 * without the leading CRLF, so the parser starts as if it had just seen one.
 *
 * Strictness: a delimiter inside a part must be followed by "--" (the end)
 * or optional blanks and CRLF; anything else is malformed, never data (the
 * sender must pick a boundary that its content does not contain). */
#include "mc_multipart.h"

#include <apr_strings.h>
#include <string.h>
#include <strings.h>

#define MAX_BOUNDARY 70

typedef enum {
    S_PREAMBLE,  /* before the first delimiter: discarded */
    S_DELIM_END, /* after a delimiter: "--", blanks, or CR */
    S_DELIM_LF,  /* after the CR of a delimiter line */
    S_CLOSE,     /* after the first '-' of the closing "--" */
    S_HEADERS,   /* collecting a part's headers */
    S_DATA,      /* a part's content */
    S_EPILOGUE,  /* after the closing delimiter: discarded */
    S_ERROR
} mp_state;

struct mc_mp {
    apr_pool_t *pool;
    mc_mp_callbacks cb;
    char delim[MAX_BOUNDARY + 5]; /* "\r\n--" boundary */
    apr_size_t dlen;
    apr_size_t matched; /* bytes of delim matched so far */
    mp_state state;
    char *hdr; /* MC_MP_MAX_HEADER + 1 */
    apr_size_t hlen;
    apr_status_t rv; /* what every call returns once in S_ERROR */
    const char *err;
};

/* Sets the error state with a sentence (err) and returns rv. */
static apr_status_t fail(mc_mp *mp, apr_status_t rv, const char *err)
{
    mp->state = S_ERROR;
    mp->rv = rv;
    mp->err = err;
    return rv;
}

static int is_bchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           strchr("'()+_,-./:=? ", c) != NULL;
}

static int is_tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static const char *skip_ows(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Parses "; name=value" parameters after a media type or disposition type,
 * calling back for each (name lower-cased by the caller's comparison).
 * Quoted values keep everything but the quotes; a backslash escapes only '"'
 * and '\' (browsers send Windows paths with raw backslashes). 0 on success. */
typedef int param_fn(void *ctx, const char *name, const char *value);

static int parse_params(apr_pool_t *p, const char *s, param_fn *fn, void *ctx)
{
    for (;;) {
        const char *ns;
        char *name, *value;

        s = skip_ows(s);
        if (*s == '\0')
            return 0;
        if (*s != ';')
            return -1;
        s = skip_ows(s + 1);
        if (*s == '\0')
            return 0; /* a trailing ';' */
        for (ns = s; is_tchar((unsigned char)*s); s++)
            ;
        if (s == ns)
            return -1;
        name = apr_pstrmemdup(p, ns, (apr_size_t)(s - ns));
        s = skip_ows(s);
        if (*s != '=')
            return -1;
        s = skip_ows(s + 1);
        if (*s == '"') {
            char *o;
            value = o = apr_palloc(p, strlen(s));
            for (s++; *s != '"'; s++) {
                if (*s == '\0')
                    return -1;
                if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
                    s++;
                *o++ = *s;
            }
            *o = '\0';
            s++;
        }
        else {
            const char *vs = s;
            while (*s && *s != ';' && *s != ' ' && *s != '\t')
                s++;
            value = apr_pstrmemdup(p, vs, (apr_size_t)(s - vs));
        }
        if (fn(ctx, name, value) != 0)
            return -1;
    }
}

static int ct_param(void *ctx, const char *name, const char *value)
{
    const char **boundary = ctx;

    if (strcasecmp(name, "boundary") == 0 && *boundary == NULL)
        *boundary = value;
    return 0;
}

/* A parser for a request whose Content-Type is content_type; NULL with *err
 * set when it is not multipart/form-data with a valid boundary (1..70 RFC
 * 2046 characters, not ending in a space). */
mc_mp *mc_mp_create(apr_pool_t *p, const char *content_type, const mc_mp_callbacks *cb,
                    const char **err)
{
    static const char type[] = "multipart/form-data";
    const char *boundary = NULL, *s;
    apr_size_t blen, i;
    mc_mp *mp;

    if (content_type == NULL || cb == NULL) {
        *err = "The request has no Content-Type.";
        return NULL;
    }
    s = skip_ows(content_type);
    if (strncasecmp(s, type, sizeof(type) - 1) != 0 ||
        (s[sizeof(type) - 1] != '\0' && s[sizeof(type) - 1] != ';' && s[sizeof(type) - 1] != ' ' &&
         s[sizeof(type) - 1] != '\t')) {
        *err = "The request is not multipart/form-data.";
        return NULL;
    }
    if (parse_params(p, s + sizeof(type) - 1, ct_param, &boundary) != 0 || boundary == NULL) {
        *err = "The multipart/form-data request has no usable boundary.";
        return NULL;
    }
    blen = strlen(boundary);
    for (i = 0; i < blen; i++)
        if (!is_bchar((unsigned char)boundary[i]))
            break;
    if (blen == 0 || blen > MAX_BOUNDARY || i < blen || boundary[blen - 1] == ' ') {
        *err = "The multipart/form-data boundary is not valid.";
        return NULL;
    }
    mp = apr_pcalloc(p, sizeof(*mp));
    mp->pool = p;
    mp->cb = *cb;
    memcpy(mp->delim, "\r\n--", 4);
    memcpy(mp->delim + 4, boundary, blen);
    mp->dlen = blen + 4;
    mp->matched = 2; /* the body may start with the delimiter minus its CRLF */
    mp->state = S_PREAMBLE;
    mp->hdr = apr_palloc(p, MC_MP_MAX_HEADER + 1);
    return mp;
}

const char *mc_mp_error(const mc_mp *mp)
{
    return mp->err;
}

typedef struct part_info {
    const char *name, *filename, *ctype;
    int have_cd;
} part_info;

static int cd_param(void *ctx, const char *name, const char *value)
{
    part_info *pi = ctx;

    if (strcasecmp(name, "name") == 0) {
        if (pi->name)
            return -1;
        pi->name = value;
    }
    else if (strcasecmp(name, "filename") == 0) {
        if (pi->filename)
            return -1;
        pi->filename = value;
    }
    return 0; /* others (filename* among them, RFC 7578 4.2) are ignored */
}

/* Parses the collected headers (CRLF-separated lines, the blank line
 * included) and starts the part. */
static apr_status_t begin_part(mc_mp *mp)
{
    part_info pi = {NULL, NULL, NULL, 0};
    char *line = mp->hdr, *end;
    apr_size_t i;

    for (i = 0; i < mp->hlen; i++) {
        unsigned char c = (unsigned char)mp->hdr[i];
        int bad = c == '\0' || c == 0x7f || (c < 0x20 && c != '\t' && c != '\r' && c != '\n');
        bad |= c == '\r' && (i + 1 == mp->hlen || mp->hdr[i + 1] != '\n');
        bad |= c == '\n' && (i == 0 || mp->hdr[i - 1] != '\r');
        if (bad)
            return fail(mp, APR_EINVAL, "A part of the upload has a malformed header.");
    }
    mp->hdr[mp->hlen] = '\0';
    while ((end = strstr(line, "\r\n")) != NULL && end != line) {
        char *colon, *value, *ve;
        *end = '\0';
        colon = strchr(line, ':');
        if (colon == NULL || colon == line || line[0] == ' ' || line[0] == '\t')
            return fail(mp, APR_EINVAL, "A part of the upload has a malformed header.");
        *colon = '\0';
        value = (char *)skip_ows(colon + 1);
        for (ve = value + strlen(value); ve > value && (ve[-1] == ' ' || ve[-1] == '\t'); ve--)
            ;
        *ve = '\0';
        if (strcasecmp(line, "Content-Disposition") == 0) {
            const char *v = value;
            if (pi.have_cd || strncasecmp(v, "form-data", 9) != 0 ||
                parse_params(mp->pool, v + 9, cd_param, &pi) != 0)
                return fail(mp, APR_EINVAL,
                            "A part of the upload has a malformed Content-Disposition.");
            pi.have_cd = 1;
        }
        else if (strcasecmp(line, "Content-Type") == 0) {
            pi.ctype = apr_pstrdup(mp->pool, value);
        }
        line = end + 2;
    }
    if (!pi.have_cd || pi.name == NULL)
        return fail(mp, APR_EINVAL, "A part of the upload has no field name.");
    mp->state = S_DATA;
    mp->matched = 0;
    if (mp->cb.part_begin) {
        apr_status_t rv = mp->cb.part_begin(mp->cb.baton, pi.name, pi.filename, pi.ctype);
        if (rv != APR_SUCCESS)
            return fail(mp, rv, "The upload was refused.");
    }
    return APR_SUCCESS;
}

/* Hands content on (discarded outside a part). */
static apr_status_t emit(mc_mp *mp, const char *d, apr_size_t n)
{
    apr_status_t rv;

    if (n == 0 || mp->state != S_DATA || mp->cb.part_data == NULL)
        return APR_SUCCESS;
    rv = mp->cb.part_data(mp->cb.baton, d, n);
    return rv == APR_SUCCESS ? rv : fail(mp, rv, "The upload was refused.");
}

/* Scans data for the delimiter in S_DATA or S_PREAMBLE; *used is how much
 * was consumed (up to and including a complete delimiter). */
static apr_status_t scan(mc_mp *mp, const char *data, apr_size_t len, apr_size_t *used)
{
    apr_size_t i = 0, run = 0;
    apr_status_t rv;

    while (i < len) {
        if (mp->matched == 0) {
            const char *cr = memchr(data + i, '\r', len - i);
            if (cr == NULL) {
                i = len;
                break;
            }
            i = (apr_size_t)(cr - data);
            if ((rv = emit(mp, data + run, i - run)) != APR_SUCCESS)
                return rv;
            mp->matched = 1;
            run = ++i;
            continue;
        }
        if (data[i] == mp->delim[mp->matched]) {
            i++;
            run = i;
            if (++mp->matched == mp->dlen) {
                if (mp->state == S_DATA && mp->cb.part_end &&
                    (rv = mp->cb.part_end(mp->cb.baton)) != APR_SUCCESS)
                    return fail(mp, rv, "The upload was refused.");
                mp->matched = 0;
                mp->state = S_DELIM_END;
                *used = i;
                return APR_SUCCESS;
            }
            continue;
        }
        /* Mismatch: what was held back is a delimiter prefix; pass it on
         * and look at this byte again from the start. */
        if ((rv = emit(mp, mp->delim, mp->matched)) != APR_SUCCESS)
            return rv;
        mp->matched = 0;
        run = i;
    }
    if (mp->matched == 0 && (rv = emit(mp, data + run, len - run)) != APR_SUCCESS)
        return rv;
    *used = len;
    return APR_SUCCESS;
}

/* Feeds the next len bytes; see the header for the return values. */
apr_status_t mc_mp_feed(mc_mp *mp, const char *data, apr_size_t len)
{
    apr_size_t i = 0;
    apr_status_t rv;

    while (i < len) {
        char c;
        apr_size_t used;

        switch (mp->state) {
        case S_ERROR:
            return mp->rv;
        case S_EPILOGUE:
            return APR_SUCCESS;
        case S_PREAMBLE:
        case S_DATA:
            if ((rv = scan(mp, data + i, len - i, &used)) != APR_SUCCESS)
                return rv;
            i += used;
            break;
        case S_DELIM_END:
            c = data[i++];
            if (c == '-')
                mp->state = S_CLOSE;
            else if (c == '\r')
                mp->state = S_DELIM_LF;
            else if (c != ' ' && c != '\t')
                return fail(mp, APR_EINVAL, "The upload is malformed (a bad boundary line).");
            break;
        case S_CLOSE:
            if (data[i++] != '-')
                return fail(mp, APR_EINVAL, "The upload is malformed (a bad closing boundary).");
            mp->state = S_EPILOGUE;
            return APR_SUCCESS;
        case S_DELIM_LF:
            if (data[i++] != '\n')
                return fail(mp, APR_EINVAL, "The upload is malformed (a bad boundary line).");
            mp->state = S_HEADERS;
            mp->hlen = 0;
            break;
        case S_HEADERS:
            if (mp->hlen >= MC_MP_MAX_HEADER)
                return fail(mp, APR_EINVAL, "A part of the upload has too many headers.");
            mp->hdr[mp->hlen++] = data[i++];
            if (mp->hdr[mp->hlen - 1] == '\n' && mp->hlen >= 2 &&
                (mp->hlen == 2 ||
                 (mp->hlen >= 4 && memcmp(mp->hdr + mp->hlen - 4, "\r\n\r\n", 4) == 0))) {
                if (mp->hdr[mp->hlen - 2] != '\r')
                    return fail(mp, APR_EINVAL, "A part of the upload has a malformed header.");
                if ((rv = begin_part(mp)) != APR_SUCCESS)
                    return rv;
            }
            break;
        }
    }
    return mp->state == S_ERROR ? mp->rv : APR_SUCCESS;
}

/* APR_SUCCESS when the closing delimiter was seen; otherwise the body was
 * cut short (the open part, if any, gets no part_end) or malformed. */
apr_status_t mc_mp_finish(mc_mp *mp)
{
    if (mp->state == S_ERROR)
        return mp->rv;
    if (mp->state != S_EPILOGUE)
        return fail(mp, APR_EINVAL, "The upload ended before its closing boundary.");
    return APR_SUCCESS;
}
