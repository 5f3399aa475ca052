/* mc_crypto.c: tokens, digests and Argon2id password hashing on libsodium. */
#include "mc_crypto.h"

#include <apr_strings.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Calls sodium_init(); safe to call more than once. APR_SUCCESS when the
 * library is ready, APR_EGENERAL when it cannot be initialised. */
apr_status_t mc_crypto_init(void)
{
    return sodium_init() < 0 ? APR_EGENERAL : APR_SUCCESS;
}

/* base64url without padding of d[0..len), allocated in p. */
const char *mc_b64url(apr_pool_t *p, const unsigned char *d, size_t len)
{
    const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    size_t n = sodium_base64_ENCODED_LEN(len, variant);
    char *out = apr_palloc(p, n);

    sodium_bin2base64(out, n, d, len, variant);
    return out;
}

/* A fresh token of MC_TOKEN_BYTES random bytes, base64url, in p. */
const char *mc_token_new(apr_pool_t *p)
{
    unsigned char raw[MC_TOKEN_BYTES];
    const char *tok;

    randombytes_buf(raw, sizeof(raw));
    tok = mc_b64url(p, raw, sizeof(raw));
    sodium_memzero(raw, sizeof(raw));
    return tok;
}

/* 1 when s is exactly MC_TOKEN_CHARS characters of the base64url alphabet. */
int mc_token_syntax_ok(const char *s)
{
    size_t i;

    if (s == NULL)
        return 0;
    for (i = 0; s[i] != '\0'; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i >= MC_TOKEN_CHARS)
            return 0;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return 0;
    }
    return i == MC_TOKEN_CHARS;
}

/* Lower-case hex of bin[0..len), in p. */
static const char *to_hex(apr_pool_t *p, const unsigned char *bin, size_t len)
{
    char *out = apr_palloc(p, len * 2 + 1);

    sodium_bin2hex(out, len * 2 + 1, bin, len);
    return out;
}

/* Lower-case hex SHA-256 (64 characters) of data, in p. */
const char *mc_sha256_hex(apr_pool_t *p, const void *data, size_t len)
{
    unsigned char h[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(h, data, len);
    return to_hex(p, h, sizeof(h));
}

/* Keyed BLAKE2b-256 of data as hex, in p. NULL when keylen is outside
 * crypto_generichash_KEYBYTES_MIN..MAX (16..64). */
const char *mc_keyed_hex(apr_pool_t *p, const unsigned char *key, size_t keylen, const void *data,
                         size_t len)
{
    unsigned char h[crypto_generichash_BYTES];

    if (key == NULL || keylen < crypto_generichash_KEYBYTES_MIN ||
        keylen > crypto_generichash_KEYBYTES_MAX)
        return NULL;
    if (crypto_generichash(h, sizeof(h), data, len, key, keylen) != 0)
        return NULL;
    return to_hex(p, h, sizeof(h));
}

/* 1 when a and b hold the same bytes; the comparison of equal-length strings
 * takes the same time wherever they differ. NULL never equals anything. */
int mc_ct_streq(const char *a, const char *b)
{
    size_t la, lb;

    if (a == NULL || b == NULL)
        return 0;
    la = strlen(a);
    lb = strlen(b);
    if (la != lb)
        return 0;
    return la == 0 || sodium_memcmp(a, b, la) == 0;
}

/* n uniformly random decimal digits (1 <= n <= 12) in p; NULL for other n. */
const char *mc_random_digits(apr_pool_t *p, int n)
{
    char *out;
    int i;

    if (n < 1 || n > 12)
        return NULL;
    out = apr_palloc(p, (apr_size_t)n + 1);
    for (i = 0; i < n; i++)
        out[i] = (char)('0' + randombytes_uniform(10));
    out[n] = '\0';
    return out;
}

/* Parses a size like 65536K, 64M, 1G or plain bytes. 0 on success. */
static int parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v, mul = 1;

    if (*s < '0' || *s > '9')
        return -1;
    v = strtoull(s, &end, 10);
    switch (*end) {
    case 'k':
    case 'K':
        mul = 1024ULL;
        end++;
        break;
    case 'm':
    case 'M':
        mul = 1024ULL * 1024;
        end++;
        break;
    case 'g':
    case 'G':
        mul = 1024ULL * 1024 * 1024;
        end++;
        break;
    default:
        break;
    }
    if (*end != '\0' || v > (unsigned long long)SIZE_MAX / mul)
        return -1;
    *out = (size_t)(v * mul);
    return 0;
}

/* Fills out from a preset name or "ops=N,mem=SIZE"; NULL on success, else a
 * sentence saying what is wrong. Limits are libsodium's for Argon2id. */
const char *mc_pwcost_parse(const char *spec, mc_pwcost *out)
{
    char *end;
    const char *mem;
    unsigned long long ops;
    size_t memlimit;

    if (spec == NULL || out == NULL)
        return "no cost given";
    if (strcasecmp(spec, "interactive") == 0) {
        out->opslimit = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
        out->memlimit = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
        return NULL;
    }
    if (strcasecmp(spec, "moderate") == 0) {
        out->opslimit = crypto_pwhash_argon2id_OPSLIMIT_MODERATE;
        out->memlimit = crypto_pwhash_argon2id_MEMLIMIT_MODERATE;
        return NULL;
    }
    if (strcasecmp(spec, "sensitive") == 0) {
        out->opslimit = crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE;
        out->memlimit = crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE;
        return NULL;
    }
    if (strncmp(spec, "ops=", 4) != 0 || spec[4] < '0' || spec[4] > '9')
        return "expected interactive, moderate, sensitive or ops=N,mem=SIZE";
    ops = strtoull(spec + 4, &end, 10);
    if (strncmp(end, ",mem=", 5) != 0)
        return "expected ops=N,mem=SIZE (for example ops=3,mem=64M)";
    mem = end + 5;
    if (strlen(mem) > 32 || parse_size(mem, &memlimit) != 0)
        return "mem must be a size such as 65536K or 64M";
    if (ops < crypto_pwhash_argon2id_OPSLIMIT_MIN || ops > crypto_pwhash_argon2id_OPSLIMIT_MAX)
        return "ops is outside the range Argon2id accepts";
    if (memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
        memlimit > crypto_pwhash_argon2id_MEMLIMIT_MAX)
        return "mem is outside the range Argon2id accepts (at least 8K)";
    out->opslimit = ops;
    out->memlimit = memlimit;
    return NULL;
}

/* The cost to use when the caller passes none: libsodium's interactive. */
static mc_pwcost cost_or_default(const mc_pwcost *c)
{
    mc_pwcost d = {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
                   crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
    return c ? *c : d;
}

/* Argon2id hash string of pw in p (c NULL: interactive cost). APR_EINVAL
 * for a NULL or over-long password, APR_ENOMEM when libsodium fails. */
apr_status_t mc_password_hash(apr_pool_t *p, const char *pw, const mc_pwcost *c, const char **hash)
{
    char out[crypto_pwhash_STRBYTES];
    mc_pwcost cost = cost_or_default(c);
    size_t len;

    if (pw == NULL || hash == NULL)
        return APR_EINVAL;
    len = strlen(pw);
    if (len > MC_PASSWORD_MAX_BYTES)
        return APR_EINVAL;
    if (crypto_pwhash_str_alg(out, pw, len, cost.opslimit, cost.memlimit,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return APR_ENOMEM;
    *hash = apr_pstrdup(p, out);
    return APR_SUCCESS;
}

/* 1 when pw matches the stored hash string; 0 for a mismatch, a malformed
 * or missing hash, or a password over MC_PASSWORD_MAX_BYTES. */
int mc_password_verify(const char *hash, const char *pw)
{
    size_t len;

    if (hash == NULL || pw == NULL || strlen(hash) >= crypto_pwhash_STRBYTES)
        return 0;
    len = strlen(pw);
    if (len > MC_PASSWORD_MAX_BYTES)
        return 0;
    return crypto_pwhash_str_verify(hash, pw, len) == 0;
}

/* 1 when hash was made with another algorithm or cost than c (or is not a
 * hash string at all); 0 when it is current. */
int mc_password_needs_rehash(const char *hash, const mc_pwcost *c)
{
    mc_pwcost cost = cost_or_default(c);

    if (hash == NULL || strlen(hash) >= crypto_pwhash_STRBYTES)
        return 1;
    return crypto_pwhash_str_needs_rehash(hash, cost.opslimit, cost.memlimit) != 0;
}

/* The per-process dummy hash: made on first use (under the mutex) and again
 * only if the cost changes; readers copy it out under the mutex. */
static pthread_mutex_t dummy_lock = PTHREAD_MUTEX_INITIALIZER;
static char dummy_hash[crypto_pwhash_STRBYTES];
static mc_pwcost dummy_cost;

/* Spends about the time of mc_password_verify against a real hash of cost c,
 * whatever pw is, so an unknown account answers like a known one. */
void mc_password_dummy_verify(const mc_pwcost *c, const char *pw)
{
    char local[crypto_pwhash_STRBYTES];
    mc_pwcost cost = cost_or_default(c);
    size_t len;

    if (pw == NULL)
        pw = "";
    len = strlen(pw);
    if (len > MC_PASSWORD_MAX_BYTES)
        return; /* mc_password_verify refuses these without hashing too */

    pthread_mutex_lock(&dummy_lock);
    if (dummy_hash[0] == '\0' || dummy_cost.opslimit != cost.opslimit ||
        dummy_cost.memlimit != cost.memlimit) {
        unsigned char secret[MC_TOKEN_BYTES];
        char secret_hex[MC_TOKEN_BYTES * 2 + 1];

        randombytes_buf(secret, sizeof(secret));
        sodium_bin2hex(secret_hex, sizeof(secret_hex), secret, sizeof(secret));
        if (crypto_pwhash_str_alg(dummy_hash, secret_hex, strlen(secret_hex), cost.opslimit,
                                  cost.memlimit, crypto_pwhash_ALG_ARGON2ID13) == 0)
            dummy_cost = cost;
        else
            dummy_hash[0] = '\0';
        sodium_memzero(secret, sizeof(secret));
        sodium_memzero(secret_hex, sizeof(secret_hex));
    }
    memcpy(local, dummy_hash, sizeof(local));
    pthread_mutex_unlock(&dummy_lock);

    if (local[0] != '\0') {
        volatile int sink = crypto_pwhash_str_verify(local, pw, len);
        (void)sink;
    }
}
