/* mc_once.c: one-time form tokens (see mc_once.h). */
#include "mc_once.h"
#include "mc_crypto.h"

#include <apr_strings.h>
#include <sodium.h>
#include <string.h>

#define NONCE_BYTES 16
#define NONCE_CHARS 22 /* base64url of 16 bytes, no padding */
#define MAC_BYTES 16
#define SKEW 300 /* seconds a token may seem to come from the future */

/* The MAC of "mc_once.<issued>.<nonce>" under key as hex, in p; NULL when
 * key cannot key BLAKE2b. */
static const char *mac_of(apr_pool_t *p, const char *key, const char *issued, const char *nonce)
{
    const char *msg = apr_pstrcat(p, "mc_once.", issued, ".", nonce, NULL);
    unsigned char h[MAC_BYTES];
    size_t klen = key ? strlen(key) : 0;
    char *hex;
    if (klen < crypto_generichash_KEYBYTES_MIN || klen > crypto_generichash_KEYBYTES_MAX ||
        crypto_generichash(h, sizeof(h), (const unsigned char *)msg, strlen(msg),
                           (const unsigned char *)key, klen) != 0)
        return NULL;
    hex = apr_palloc(p, MAC_BYTES * 2 + 1);
    sodium_bin2hex(hex, MAC_BYTES * 2 + 1, h, sizeof(h));
    return hex;
}

const char *mc_once_make(apr_pool_t *p, const char *key, apr_time_t now)
{
    unsigned char raw[NONCE_BYTES];
    const char *issued = apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)apr_time_sec(now));
    const char *nonce, *mac;
    randombytes_buf(raw, sizeof(raw));
    nonce = mc_b64url(p, raw, sizeof(raw));
    if (!(mac = mac_of(p, key, issued, nonce)))
        return NULL;
    return apr_pstrcat(p, issued, ".", nonce, ".", mac, NULL);
}

static int b64url_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

const char *mc_once_refusal(apr_pool_t *p, const char *key, const char *token, apr_time_t now,
                            apr_time_t max_age)
{
    const char *dot1, *dot2, *s, *mac;
    const char *issued, *nonce;
    apr_int64_t at, secs = apr_time_sec(now);
    if (!token || !*token)
        return "no form token";
    if (strlen(token) > MC_ONCE_MAX_CHARS || !(dot1 = strchr(token, '.')) ||
        !(dot2 = strchr(dot1 + 1, '.')) || dot1 == token || dot1 - token > 12 ||
        dot2 - dot1 - 1 != NONCE_CHARS || strlen(dot2 + 1) != MAC_BYTES * 2)
        return "malformed form token";
    for (s = token; s < dot1; s++)
        if (*s < '0' || *s > '9')
            return "malformed form token";
    for (s = dot1 + 1; s < dot2; s++)
        if (!b64url_char(*s))
            return "malformed form token";
    issued = apr_pstrmemdup(p, token, (apr_size_t)(dot1 - token));
    nonce = apr_pstrmemdup(p, dot1 + 1, NONCE_CHARS);
    mac = mac_of(p, key, issued, nonce);
    /* Compared before the time, so an old token of another session is
     * refused as made up, never as expired. */
    if (!mac || !mc_ct_streq(mac, dot2 + 1))
        return "form token of another session or made up";
    at = apr_atoi64(issued);
    if (at > secs + SKEW || secs - at > apr_time_sec(max_age))
        return "form token expired";
    return NULL;
}
