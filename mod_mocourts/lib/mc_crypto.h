/* mc_crypto: tokens, digests and password hashing on libsodium.
 * Every string returned is allocated in the pool passed in. */
#ifndef MC_CRYPTO_H
#define MC_CRYPTO_H
#include "mc_api.h"
#include <apr_pools.h>
#include <stddef.h>

#define MC_TOKEN_BYTES 32
#define MC_TOKEN_CHARS 43 /* base64url, no padding, of 32 bytes */
#define MC_PASSWORD_MAX_BYTES 1024

/* sodium_init(); call once before threads. APR_SUCCESS or APR_EGENERAL. */
MC_API apr_status_t mc_crypto_init(void);

/* base64url (RFC 4648 section 5, no padding) of len bytes. */
MC_API const char *mc_b64url(apr_pool_t *p, const unsigned char *d, size_t len);
/* A new random token: base64url of MC_TOKEN_BYTES from randombytes_buf. */
MC_API const char *mc_token_new(apr_pool_t *p);
/* 1 if s is exactly MC_TOKEN_CHARS base64url characters. */
MC_API int mc_token_syntax_ok(const char *s);
/* Lower-case hex SHA-256 (64 chars) of data. */
MC_API const char *mc_sha256_hex(apr_pool_t *p, const void *data, size_t len);
/* Keyed BLAKE2b (crypto_generichash, 32-byte output) as hex; key may be any length 16..64. */
MC_API const char *mc_keyed_hex(apr_pool_t *p, const unsigned char *key, size_t keylen, const void *data,
                         size_t len);
/* Constant-time equality of two NUL-terminated strings (length may leak). */
MC_API int mc_ct_streq(const char *a, const char *b);
/* n random decimal digits (n <= 12), uniform (randombytes_uniform). */
MC_API const char *mc_random_digits(apr_pool_t *p, int n);

/* Argon2id cost. */
typedef struct mc_pwcost {
    unsigned long long opslimit;
    size_t memlimit;
} mc_pwcost;
/* Presets: "interactive" (sodium's INTERACTIVE), "moderate", "sensitive"; or
 * "ops=N,mem=SIZE" with SIZE like 65536K / 64M. NULL on success, else why not. */
MC_API const char *mc_pwcost_parse(const char *spec, mc_pwcost *out);

/* crypto_pwhash_str with Argon2id. APR_EINVAL for passwords over
 * MC_PASSWORD_MAX_BYTES, APR_ENOMEM when sodium fails. */
MC_API apr_status_t mc_password_hash(apr_pool_t *p, const char *pw, const mc_pwcost *c, const char **hash);
/* 1 when pw matches hash; 0 otherwise (including malformed hash or over-long pw). */
MC_API int mc_password_verify(const char *hash, const char *pw);
/* 1 when hash was made with other parameters than c (crypto_pwhash_str_needs_rehash). */
MC_API int mc_password_needs_rehash(const char *hash, const mc_pwcost *c);
/* Burn the same time as a verify against a real hash of cost c (for unknown
 * accounts): hashes once per process and verifies pw against it. */
MC_API void mc_password_dummy_verify(const mc_pwcost *c, const char *pw);
#endif
