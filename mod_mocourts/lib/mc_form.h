/* mc_form: application/x-www-form-urlencoded bodies, query strings and the
 * Cookie header. Bounded: at most MC_FORM_MAX_FIELDS fields. */
#ifndef MC_FORM_H
#define MC_FORM_H
#include "mc_api.h"
#include <apr_pools.h>
#include <apr_tables.h>

#define MC_FORM_MAX_FIELDS 256

/* Parse len bytes of a urlencoded body or query into out (apr_table_add, so
 * repeated names keep every value). '+' is a space; %XX decoded. Refuses
 * (APR_EINVAL) a bad %-escape, a decoded NUL byte, or too many fields;
 * APR_SUCCESS otherwise. out is unchanged on failure? No: it may hold a prefix. */
MC_API apr_status_t mc_form_parse(apr_pool_t *p, const char *data, apr_size_t len, apr_table_t *out);
/* Percent-decode s ('+' as space when plus_space). NULL on a bad escape or NUL. */
MC_API char *mc_form_decode(apr_pool_t *p, const char *s, apr_size_t len, int plus_space);
/* Percent-encode for a URL query value (unreserved kept). */
MC_API const char *mc_form_encode(apr_pool_t *p, const char *s);
/* The value of cookie name in a Cookie header (RFC 6265 syntax, first match,
 * surrounding quotes removed); NULL when absent. */
MC_API const char *mc_cookie_get(apr_pool_t *p, const char *header, const char *name);
/* Text fields. mc_text_trim: s without leading and trailing white space,
 * in p ("" for NULL). mc_text_chars: characters (not bytes) of a UTF-8
 * string. mc_text_printable: 1 when s is well-formed UTF-8 (no overlong
 * forms, surrogates, values past U+10FFFF) without control characters (C0,
 * DEL, C1); line breaks and tabs are allowed when multiline. */
MC_API const char *mc_text_trim(apr_pool_t *p, const char *s);
MC_API apr_size_t mc_text_chars(const char *s);
MC_API int mc_text_printable(const char *s, int multiline);
/* ABI 1.15: the value of hex digit c (either case), or -1. */
MC_API int mc_hex_value(int c);
/* ABI 1.15: the bytes (1 to 4) of the well-formed UTF-8 character that s
 * starts with; 0 when it starts none (a stray or missing continuation
 * byte, an overlong form, a surrogate, past U+10FFFF). A byte below 0x80
 * (control characters and the NUL too) is 1: the caller stops at the NUL. */
MC_API int mc_utf8_len(const char *s);
/* ABI 1.15: 1 when day d of month m (1 to 12) of year y is in the
 * calendar (29 February in leap years only); the caller bounds the year. */
MC_API int mc_date_ok(int y, int m, int d);
/* ABI 1.15: a word and its text; a table of them ends with {NULL}. */
typedef struct mc_label {
    const char *word, *text;
} mc_label;
/* ABI 1.15: the text of word (may be NULL) in labels, or NULL. */
MC_API const char *mc_label_of(const mc_label *labels, const char *word);
#endif
