/* Unit tests for mc_crypto: tokens, digests, password hashing. */
#include <apr_general.h>
#include <apr_hash.h>
#include <check.h>
#include <dlfcn.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "mc_crypto.h"
#include "unit_fixture.h"

/* The cheapest Argon2id cost, so the tests stay fast. */
static const mc_pwcost cheap = { crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN };

static void setup(void)
{
    mc_test_pool_setup();
    ck_assert_int_eq(mc_crypto_init(), APR_SUCCESS);
}

static void teardown(void)
{
    mc_test_pool_teardown();
}

START_TEST(test_token_syntax_and_uniqueness)
{
    apr_hash_t *seen = apr_hash_make(mc_test_pool);
    int i;

    for (i = 0; i < 1000; i++) {
        const char *t = mc_token_new(mc_test_pool);
        ck_assert_uint_eq(strlen(t), MC_TOKEN_CHARS);
        ck_assert(mc_token_syntax_ok(t));
        ck_assert_ptr_null(apr_hash_get(seen, t, APR_HASH_KEY_STRING));
        apr_hash_set(seen, t, APR_HASH_KEY_STRING, t);
    }
    ck_assert_uint_eq(apr_hash_count(seen), 1000);
}
END_TEST

START_TEST(test_token_syntax_refusals)
{
    char ok[MC_TOKEN_CHARS + 2];

    memset(ok, 'A', MC_TOKEN_CHARS);
    ok[MC_TOKEN_CHARS] = '\0';
    ck_assert(mc_token_syntax_ok(ok));
    ok[5] = '-';
    ok[6] = '_';
    ck_assert(mc_token_syntax_ok(ok));
    ok[MC_TOKEN_CHARS - 1] = '\0';
    ck_assert(!mc_token_syntax_ok(ok)); /* 42 characters */
    ok[MC_TOKEN_CHARS - 1] = 'A';
    ok[MC_TOKEN_CHARS] = 'A';
    ok[MC_TOKEN_CHARS + 1] = '\0';
    ck_assert(!mc_token_syntax_ok(ok)); /* 44 characters */
    ok[MC_TOKEN_CHARS] = '\0';
    ok[7] = '+';
    ck_assert(!mc_token_syntax_ok(ok));
    ok[7] = '/';
    ck_assert(!mc_token_syntax_ok(ok));
    ok[7] = '=';
    ck_assert(!mc_token_syntax_ok(ok));
    ok[7] = ' ';
    ck_assert(!mc_token_syntax_ok(ok));
    ck_assert(!mc_token_syntax_ok(""));
    ck_assert(!mc_token_syntax_ok(NULL));
}
END_TEST

START_TEST(test_b64url_vectors)
{
    const unsigned char ff[] = { 0xfb, 0xff };

    ck_assert_str_eq(mc_b64url(mc_test_pool, (const unsigned char *)"foobar", 6), "Zm9vYmFy");
    ck_assert_str_eq(mc_b64url(mc_test_pool, (const unsigned char *)"fo", 2), "Zm8");
    ck_assert_str_eq(mc_b64url(mc_test_pool, ff, 2), "-_8");
    ck_assert_str_eq(mc_b64url(mc_test_pool, ff, 0), "");
}
END_TEST

START_TEST(test_sha256_vectors)
{
    ck_assert_str_eq(mc_sha256_hex(mc_test_pool, "abc", 3),
                     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ck_assert_str_eq(mc_sha256_hex(mc_test_pool, "", 0),
                     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
END_TEST

START_TEST(test_keyed_hash)
{
    unsigned char k1[16], k2[16], big[65];
    const char *a, *b, *c;

    memset(k1, 1, sizeof(k1));
    memset(k2, 2, sizeof(k2));
    memset(big, 3, sizeof(big));
    a = mc_keyed_hex(mc_test_pool, k1, sizeof(k1), "data", 4);
    b = mc_keyed_hex(mc_test_pool, k1, sizeof(k1), "data", 4);
    c = mc_keyed_hex(mc_test_pool, k2, sizeof(k2), "data", 4);
    ck_assert_ptr_nonnull(a);
    ck_assert_uint_eq(strlen(a), 64);
    ck_assert_str_eq(a, b);
    ck_assert_str_ne(a, c);
    ck_assert_str_ne(a, mc_keyed_hex(mc_test_pool, k1, sizeof(k1), "datb", 4));
    ck_assert_ptr_nonnull(mc_keyed_hex(mc_test_pool, big, 64, "x", 1));
    ck_assert_ptr_null(mc_keyed_hex(mc_test_pool, k1, 15, "x", 1));
    ck_assert_ptr_null(mc_keyed_hex(mc_test_pool, big, 65, "x", 1));
}
END_TEST

START_TEST(test_ct_streq)
{
    ck_assert(mc_ct_streq("abc", "abc"));
    ck_assert(mc_ct_streq("", ""));
    ck_assert(!mc_ct_streq("abc", "abd"));
    ck_assert(!mc_ct_streq("abc", "abcd"));
    ck_assert(!mc_ct_streq("abc", NULL));
    ck_assert(!mc_ct_streq(NULL, NULL));
}
END_TEST

START_TEST(test_random_digits)
{
    int i, counts[10] = { 0 };

    ck_assert_ptr_null(mc_random_digits(mc_test_pool, 0));
    ck_assert_ptr_null(mc_random_digits(mc_test_pool, 13));
    ck_assert_uint_eq(strlen(mc_random_digits(mc_test_pool, 12)), 12);
    for (i = 0; i < 200; i++) {
        const char *d = mc_random_digits(mc_test_pool, 6);
        const char *s;
        ck_assert_uint_eq(strlen(d), 6);
        for (s = d; *s; s++) {
            ck_assert(*s >= '0' && *s <= '9');
            counts[*s - '0']++;
        }
    }
    for (i = 0; i < 10; i++)
        ck_assert_int_gt(counts[i], 40); /* 1200 digits: about 120 each */
}
END_TEST

START_TEST(test_pwcost_parse)
{
    mc_pwcost c;

    ck_assert_ptr_null(mc_pwcost_parse("interactive", &c));
    ck_assert_uint_eq(c.opslimit, crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
    ck_assert_uint_eq(c.memlimit, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
    ck_assert_ptr_null(mc_pwcost_parse("moderate", &c));
    ck_assert_uint_eq(c.memlimit, crypto_pwhash_argon2id_MEMLIMIT_MODERATE);
    ck_assert_ptr_null(mc_pwcost_parse("sensitive", &c));
    ck_assert_uint_eq(c.opslimit, crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE);
    ck_assert_ptr_null(mc_pwcost_parse("ops=2,mem=64M", &c));
    ck_assert_uint_eq(c.opslimit, 2);
    ck_assert_uint_eq(c.memlimit, 64u * 1024 * 1024);
    ck_assert_ptr_null(mc_pwcost_parse("ops=3,mem=65536K", &c));
    ck_assert_uint_eq(c.memlimit, 65536u * 1024);
    ck_assert_ptr_null(mc_pwcost_parse("ops=1,mem=8192", &c));
    ck_assert_uint_eq(c.memlimit, 8192);
    ck_assert_ptr_nonnull(mc_pwcost_parse("ops=0,mem=64M", &c));
    ck_assert_ptr_nonnull(mc_pwcost_parse("ops=3,mem=1K", &c));
    ck_assert_ptr_nonnull(mc_pwcost_parse("ops=3,mem=64X", &c));
    ck_assert_ptr_nonnull(mc_pwcost_parse("ops=3", &c));
    ck_assert_ptr_nonnull(mc_pwcost_parse("ops=-3,mem=64M", &c));
    ck_assert_ptr_nonnull(mc_pwcost_parse("fast", &c));
    ck_assert_ptr_nonnull(mc_pwcost_parse(NULL, &c));
}
END_TEST

START_TEST(test_password_hash_verify)
{
    const char *h1, *h2;

    ck_assert_int_eq(mc_password_hash(mc_test_pool, "Correct Horse 1", &cheap, &h1), APR_SUCCESS);
    ck_assert_int_eq(strncmp(h1, "$argon2id$", 10), 0);
    ck_assert(strstr(h1, "Correct") == NULL);
    ck_assert(mc_password_verify(h1, "Correct Horse 1"));
    ck_assert(!mc_password_verify(h1, "correct horse 1"));
    ck_assert(!mc_password_verify(h1, ""));
    ck_assert(!mc_password_verify("not a hash", "Correct Horse 1"));
    ck_assert(!mc_password_verify(NULL, "x"));
    /* Salted: the same password hashes differently. */
    ck_assert_int_eq(mc_password_hash(mc_test_pool, "Correct Horse 1", &cheap, &h2), APR_SUCCESS);
    ck_assert_str_ne(h1, h2);
    ck_assert(mc_password_verify(h2, "Correct Horse 1"));
}
END_TEST

START_TEST(test_password_length_limits)
{
    char pw[MC_PASSWORD_MAX_BYTES + 2];
    const char *h = NULL;

    memset(pw, 'a', sizeof(pw));
    pw[MC_PASSWORD_MAX_BYTES] = '\0'; /* exactly 1024 bytes: fine */
    ck_assert_int_eq(mc_password_hash(mc_test_pool, pw, &cheap, &h), APR_SUCCESS);
    ck_assert(mc_password_verify(h, pw));
    /* No truncation: one byte less does not match. */
    pw[MC_PASSWORD_MAX_BYTES - 1] = '\0';
    ck_assert(!mc_password_verify(h, pw));
    pw[MC_PASSWORD_MAX_BYTES - 1] = 'a';
    pw[MC_PASSWORD_MAX_BYTES] = 'a';
    pw[MC_PASSWORD_MAX_BYTES + 1] = '\0'; /* 1025 bytes */
    ck_assert_int_eq(mc_password_hash(mc_test_pool, pw, &cheap, &h), APR_EINVAL);
    ck_assert(!mc_password_verify(h, pw));
}
END_TEST

START_TEST(test_password_needs_rehash)
{
    const char *h;
    mc_pwcost dearer = { crypto_pwhash_OPSLIMIT_MIN + 1, crypto_pwhash_MEMLIMIT_MIN };
    mc_pwcost bigger = { crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN * 2 };

    ck_assert_int_eq(mc_password_hash(mc_test_pool, "pw", &cheap, &h), APR_SUCCESS);
    ck_assert(!mc_password_needs_rehash(h, &cheap));
    ck_assert(mc_password_needs_rehash(h, &dearer));
    ck_assert(mc_password_needs_rehash(h, &bigger));
    ck_assert(mc_password_needs_rehash("garbage", &cheap));
    ck_assert(mc_password_needs_rehash(NULL, &cheap));
}
END_TEST

/* The library's calls into libsodium's Argon2id, watched: the unit tests
 * link libmc.a into the executable, so these definitions are the ones its
 * objects call; each passes the call on to libsodium's own. Counting the
 * hashes made and recording the hash verified against shows the dummy does
 * the work of a real verification, which timing it could show only under a
 * quiet machine. */
static pthread_mutex_t spy_lock = PTHREAD_MUTEX_INITIALIZER;
static int spy_hashes;                           /* crypto_pwhash_str_alg calls */
static int spy_verifies;                         /* crypto_pwhash_str_verify calls */
static char spy_verified[crypto_pwhash_STRBYTES]; /* the hash of the last verify */

#ifndef RTLD_NEXT
#define RTLD_NEXT ((void *)-1L) /* glibc's, where <dlfcn.h> hides it */
#endif

static void *sodium_fn(const char *name)
{
    void *fn = dlsym(RTLD_NEXT, name);

    ck_assert_msg(fn != NULL, "libsodium's %s not found", name);
    return fn;
}

int crypto_pwhash_str_alg(char out[crypto_pwhash_STRBYTES], const char *const passwd,
                          unsigned long long passwdlen, unsigned long long opslimit,
                          size_t memlimit, int alg)
{
    int (*real)(char *, const char *, unsigned long long, unsigned long long, size_t, int) =
        (int (*)(char *, const char *, unsigned long long, unsigned long long, size_t, int))
            sodium_fn("crypto_pwhash_str_alg");

    pthread_mutex_lock(&spy_lock);
    spy_hashes++;
    pthread_mutex_unlock(&spy_lock);
    return real(out, passwd, passwdlen, opslimit, memlimit, alg);
}

int crypto_pwhash_str_verify(const char str[crypto_pwhash_STRBYTES], const char *const passwd,
                             unsigned long long passwdlen)
{
    int (*real)(const char *, const char *, unsigned long long) =
        (int (*)(const char *, const char *, unsigned long long))
            sodium_fn("crypto_pwhash_str_verify");

    pthread_mutex_lock(&spy_lock);
    spy_verifies++;
    strncpy(spy_verified, str, sizeof(spy_verified) - 1);
    pthread_mutex_unlock(&spy_lock);
    return real(str, passwd, passwdlen);
}

static void spy_reset(void)
{
    pthread_mutex_lock(&spy_lock);
    spy_hashes = spy_verifies = 0;
    memset(spy_verified, 0, sizeof(spy_verified));
    pthread_mutex_unlock(&spy_lock);
}

/* The length of an Argon2 hash string's part before its salt: up to and
 * including its fourth '$'. */
static size_t params_len(const char *hash)
{
    const char *q = hash;
    int n = 0;

    while (*q && (*q != '$' || ++n < 4))
        q++;
    ck_assert_msg(n == 4, "not a hash string: %s", hash);
    return (size_t)(q - hash) + 1;
}

static void *dummy_thread(void *arg)
{
    const mc_pwcost *c = arg;
    mc_password_dummy_verify(c, "guess");
    return NULL;
}

START_TEST(test_dummy_verify_costs_like_verify)
{
    mc_pwcost c = { 3, 4u * 1024 * 1024 }, other = { 2, 4u * 1024 * 1024 };
    char real_hash[crypto_pwhash_STRBYTES], dummy_hash[crypto_pwhash_STRBYTES];
    char long_pw[MC_PASSWORD_MAX_BYTES + 2];
    const char *h;
    pthread_t th[6];
    int i;

    /* Many first callers at once: exactly one hash gets made, nobody
     * crashes or reads a half-written hash (each verifies against it). */
    spy_reset();
    for (i = 0; i < 6; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, dummy_thread, &c), 0);
    for (i = 0; i < 6; i++)
        pthread_join(th[i], NULL);
    ck_assert_int_eq(spy_hashes, 1);
    ck_assert_int_eq(spy_verifies, 6);
    ck_assert_int_eq(crypto_pwhash_str_needs_rehash(spy_verified, c.opslimit, c.memlimit), 0);

    /* A real verification and a dummy one: each one Argon2id verification
     * against a hash of cost c (the same work), the dummy's hash the
     * process's own, made once and kept for that cost. */
    ck_assert_int_eq(mc_password_hash(mc_test_pool, "secret", &c, &h), APR_SUCCESS);
    spy_reset();
    ck_assert(!mc_password_verify(h, "guess"));
    ck_assert_int_eq(spy_verifies, 1);
    memcpy(real_hash, spy_verified, sizeof(real_hash));
    ck_assert_str_eq(real_hash, h);
    mc_password_dummy_verify(&c, "guess");
    ck_assert_int_eq(spy_hashes, 0);
    ck_assert_int_eq(spy_verifies, 2);
    memcpy(dummy_hash, spy_verified, sizeof(dummy_hash));
    ck_assert_str_ne(dummy_hash, h);
    ck_assert_int_eq(crypto_pwhash_str_needs_rehash(real_hash, c.opslimit, c.memlimit), 0);
    ck_assert_int_eq(crypto_pwhash_str_needs_rehash(dummy_hash, c.opslimit, c.memlimit), 0);
    /* Same algorithm, version and parameters: the strings agree up to the
     * salt ("$argon2id$v=19$m=4096,t=3,p=1$"). */
    ck_assert_uint_eq(params_len(dummy_hash), params_len(real_hash));
    ck_assert(!strncmp(dummy_hash, real_hash, params_len(real_hash)));
    mc_password_dummy_verify(&c, "another guess");
    ck_assert_int_eq(spy_hashes, 0);
    ck_assert_str_eq(spy_verified, dummy_hash);

    /* Another cost: a hash of that cost, made once. */
    mc_password_dummy_verify(&other, "guess");
    ck_assert_int_eq(spy_hashes, 1);
    ck_assert_int_eq(spy_verifies, 4);
    ck_assert_int_eq(crypto_pwhash_str_needs_rehash(spy_verified, other.opslimit,
                                                    other.memlimit), 0);

    /* An over-long password: neither hashes (both refuse it at once). */
    memset(long_pw, 'x', sizeof(long_pw) - 1);
    long_pw[sizeof(long_pw) - 1] = '\0';
    spy_reset();
    ck_assert(!mc_password_verify(h, long_pw));
    mc_password_dummy_verify(&c, long_pw);
    ck_assert_int_eq(spy_verifies, 0);
    ck_assert_int_eq(spy_hashes, 0);
}
END_TEST

MC_TEST_SUITE(crypto, setup, teardown, 120, test_token_syntax_and_uniqueness,
              test_token_syntax_refusals, test_b64url_vectors, test_sha256_vectors, test_keyed_hash,
              test_ct_streq, test_random_digits, test_pwcost_parse, test_password_hash_verify,
              test_password_length_limits, test_password_needs_rehash,
              test_dummy_verify_costs_like_verify)
