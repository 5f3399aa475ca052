/* Unit tests for mc_docstore: the document store directory. Each test gets a
 * fresh directory under $TMPDIR (or /tmp), removed afterwards. */
#include <apr_general.h>
#include <apr_strings.h>
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mc_crypto.h"
#include "mc_docstore.h"
#include "unit_fixture.h"

static char dir[4096];

static void setup(void)
{
    const char *t = getenv("TMPDIR");

    mc_test_pool_setup();
    ck_assert_int_eq(mc_crypto_init(), APR_SUCCESS);
    snprintf(dir, sizeof(dir), "%s/mc_docstore_XXXXXX", t && *t ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* Names of the directory's entries (but . and ..), sorted, joined by ' '. */
static const char *listing(void)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort), i;
    const char *out = "";

    ck_assert_int_ge(n, 0);
    for (i = 0; i < n; i++) {
        if (strcmp(names[i]->d_name, ".") != 0 && strcmp(names[i]->d_name, "..") != 0)
            out = apr_pstrcat(mc_test_pool, out, *out ? " " : "", names[i]->d_name, NULL);
        free(names[i]);
    }
    free(names);
    return out;
}

static void teardown(void)
{
    struct dirent *e;
    DIR *d = opendir(dir);

    if (d != NULL) {
        while ((e = readdir(d)) != NULL)
            if (e->d_name[0] != '.' || strlen(e->d_name) > 2)
                unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
    }
    rmdir(dir);
    mc_test_pool_teardown();
}

/* Writes data whole and commits; returns the stored name. */
static const char *store(const char *data, apr_size_t len, const char **sha)
{
    mc_docstore_writer *w;
    const char *name = NULL;
    apr_off_t bytes = -1;

    ck_assert_int_eq(mc_docstore_create(mc_test_pool, dir, 0, &w), APR_SUCCESS);
    ck_assert_int_eq(mc_docstore_write(w, data, len), APR_SUCCESS);
    ck_assert_int_eq(mc_docstore_commit(w, &name, sha, &bytes), APR_SUCCESS);
    ck_assert_int_eq(bytes, (apr_off_t)len);
    return name;
}

/* Reads name back whole through the streaming reader, 5 bytes at a time. */
static const char *read_back(const char *name, const char *sha, apr_status_t *end)
{
    mc_docstore_reader *r;
    const char *out = "";
    char b[5];
    apr_size_t n;
    apr_status_t rv;

    ck_assert_int_eq(mc_docstore_open(mc_test_pool, dir, name, sha, &r), APR_SUCCESS);
    while ((rv = mc_docstore_read(r, b, sizeof(b), &n)) == APR_SUCCESS)
        out = apr_pstrcat(mc_test_pool, out, apr_pstrmemdup(mc_test_pool, b, n), NULL);
    ck_assert_int_eq(rv, APR_EOF);
    *end = mc_docstore_read_end(r);
    return out;
}

START_TEST(write_commit_read)
{
    static const char doc[] = "%PDF-1.7 a small document\n";
    mc_docstore_writer *w;
    const char *name, *sha;
    apr_status_t end = -1;
    struct stat st;

    ck_assert_int_eq(mc_docstore_create(mc_test_pool, dir, 1000, &w), APR_SUCCESS);
    /* while writing, only the temporary file exists */
    ck_assert_int_eq(strncmp(listing(), ".tmp-", 5), 0);
    ck_assert_int_eq(strlen(listing()), 5 + 32);
    ck_assert_int_eq(mc_docstore_write(w, doc, 10), APR_SUCCESS);
    ck_assert_int_eq(mc_docstore_write(w, doc + 10, sizeof(doc) - 1 - 10), APR_SUCCESS);
    ck_assert_int_eq(mc_docstore_commit(w, &name, &sha, NULL), APR_SUCCESS);
    ck_assert_str_eq(sha, mc_sha256_hex(mc_test_pool, doc, sizeof(doc) - 1));
    ck_assert(mc_docstore_name_ok(name));
    ck_assert_int_eq(strncmp(name, sha, 64), 0);
    ck_assert_str_eq(listing(), name);
    /* mode 0640 whatever the umask */
    ck_assert_int_eq(stat(apr_pstrcat(mc_test_pool, dir, "/", name, NULL), &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0640);
    ck_assert_str_eq(read_back(name, sha, &end), doc);
    ck_assert_int_eq(end, APR_SUCCESS);
    ck_assert_int_eq(mc_docstore_verify(mc_test_pool, dir, name, sha), APR_SUCCESS);
    /* a commit or write after commit is refused; abort then does nothing */
    ck_assert_int_eq(mc_docstore_write(w, "x", 1), MC_DOC_ESTATE);
    ck_assert_int_eq(mc_docstore_commit(w, NULL, NULL, NULL), MC_DOC_ESTATE);
    mc_docstore_abort(w);
    ck_assert_str_eq(listing(), name);
}
END_TEST

START_TEST(same_content_twice_is_two_files)
{
    const char *s1, *s2;
    const char *n1 = store("same", 4, &s1), *n2 = store("same", 4, &s2);

    ck_assert_str_eq(s1, s2);
    ck_assert_str_ne(n1, n2);
    ck_assert_int_eq(mc_docstore_remove(mc_test_pool, dir, n1), APR_SUCCESS);
    ck_assert_str_eq(listing(), n2);
    ck_assert_int_eq(mc_docstore_verify(mc_test_pool, dir, n2, s2), APR_SUCCESS);
    ck_assert_int_eq(mc_docstore_remove(mc_test_pool, dir, n1), APR_SUCCESS); /* already gone */
    ck_assert_int_eq(mc_docstore_remove(mc_test_pool, dir, "../etc"), MC_DOC_EBADNAME);
}
END_TEST

START_TEST(empty_document)
{
    const char *sha;
    const char *name = store("", 0, &sha);
    apr_status_t end = -1;

    ck_assert_str_eq(sha, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    ck_assert_str_eq(read_back(name, sha, &end), "");
    ck_assert_int_eq(end, APR_SUCCESS);
}
END_TEST

START_TEST(over_the_limit)
{
    mc_docstore_writer *w;
    const char *name = NULL;

    ck_assert_int_eq(mc_docstore_create(mc_test_pool, dir, 10, &w), APR_SUCCESS);
    ck_assert_int_eq(mc_docstore_write(w, "12345", 5), APR_SUCCESS);
    ck_assert_int_eq(mc_docstore_write(w, "67890", 5), APR_SUCCESS); /* exactly the limit */
    ck_assert_int_eq(mc_docstore_write(w, "1", 1), MC_DOC_ETOOBIG);
    /* the temporary file is gone at once; nothing more is accepted */
    ck_assert_str_eq(listing(), "");
    ck_assert_int_eq(mc_docstore_write(w, "1", 1), MC_DOC_ESTATE);
    ck_assert_int_eq(mc_docstore_commit(w, &name, NULL, NULL), MC_DOC_ESTATE);
    ck_assert_ptr_null(name);
    mc_docstore_abort(w);
    ck_assert_str_eq(listing(), "");
    /* one chunk larger than the whole limit */
    ck_assert_int_eq(mc_docstore_create(mc_test_pool, dir, 10, &w), APR_SUCCESS);
    ck_assert_int_eq(mc_docstore_write(w, "0123456789A", 11), MC_DOC_ETOOBIG);
    ck_assert_str_eq(listing(), "");
}
END_TEST

START_TEST(abort_removes_the_temporary)
{
    mc_docstore_writer *w;

    ck_assert_int_eq(mc_docstore_create(mc_test_pool, dir, 0, &w), APR_SUCCESS);
    ck_assert_int_eq(mc_docstore_write(w, "partial", 7), APR_SUCCESS);
    ck_assert_str_ne(listing(), "");
    mc_docstore_abort(w);
    ck_assert_str_eq(listing(), "");
    mc_docstore_abort(w); /* twice is harmless */
    ck_assert_int_eq(mc_docstore_commit(w, NULL, NULL, NULL), MC_DOC_ESTATE);
}
END_TEST

START_TEST(pool_cleanup_without_commit)
{
    apr_pool_t *req;
    mc_docstore_writer *w, *w2;
    const char *name = NULL;

    /* a dropped connection: the request pool goes, the upload with it */
    apr_pool_create(&req, mc_test_pool);
    ck_assert_int_eq(mc_docstore_create(req, dir, 0, &w), APR_SUCCESS);
    ck_assert_int_eq(mc_docstore_write(w, "half a document", 15), APR_SUCCESS);
    apr_pool_destroy(req);
    ck_assert_str_eq(listing(), "");
    /* a committed one survives its pool */
    apr_pool_create(&req, mc_test_pool);
    ck_assert_int_eq(mc_docstore_create(req, dir, 0, &w2), APR_SUCCESS);
    ck_assert_int_eq(mc_docstore_write(w2, "whole", 5), APR_SUCCESS);
    ck_assert_int_eq(mc_docstore_commit(w2, &name, NULL, NULL), APR_SUCCESS);
    name = apr_pstrdup(mc_test_pool, name);
    apr_pool_destroy(req);
    ck_assert_str_eq(listing(), name);
}
END_TEST

START_TEST(tampered_file_detected)
{
    const char *sha;
    const char *name = store("the original content", 20, &sha);
    const char *path = apr_pstrcat(mc_test_pool, dir, "/", name, NULL);
    apr_status_t end = -1;
    int fd;

    fd = open(path, O_WRONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pwrite(fd, "X", 1, 4), 1);
    close(fd);
    ck_assert_int_eq(mc_docstore_verify(mc_test_pool, dir, name, sha), MC_DOC_EMISMATCH);
    ck_assert_str_eq(read_back(name, sha, &end), "the Xriginal content");
    ck_assert_int_eq(end, MC_DOC_EMISMATCH);
    /* truncated */
    ck_assert_int_eq(truncate(path, 3), 0);
    ck_assert_int_eq(mc_docstore_verify(mc_test_pool, dir, name, sha), MC_DOC_EMISMATCH);
}
END_TEST

START_TEST(wrong_hash_or_partial_read)
{
    const char *sha;
    const char *name = store("content", 7, &sha);
    const char *other = mc_sha256_hex(mc_test_pool, "other", 5);
    mc_docstore_reader *r;
    char b[3];
    apr_size_t n;

    /* the database row's hash must be the name's own */
    ck_assert_int_eq(mc_docstore_open(mc_test_pool, dir, name, other, &r), MC_DOC_EMISMATCH);
    ck_assert_int_eq(mc_docstore_verify(mc_test_pool, dir, name, other), MC_DOC_EMISMATCH);
    /* stopping early is not a match */
    ck_assert_int_eq(mc_docstore_open(mc_test_pool, dir, name, sha, &r), APR_SUCCESS);
    ck_assert_int_eq(mc_docstore_size(r), 7);
    ck_assert_int_eq(mc_docstore_read(r, b, sizeof(b), &n), APR_SUCCESS);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(mc_docstore_read_end(r), APR_EINCOMPLETE);
    ck_assert_int_eq(mc_docstore_read(r, b, sizeof(b), &n), MC_DOC_ESTATE);
    /* a well-formed name that is not there */
    ck_assert_int_eq(mc_docstore_verify(mc_test_pool, dir,
                                        apr_pstrcat(mc_test_pool, sha, "-0000000000000000", NULL),
                                        sha),
                     APR_ENOENT);
}
END_TEST

START_TEST(bad_names_refused)
{
    static const char sha[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const char *good = apr_pstrcat(mc_test_pool, sha, "-0123456789abcdef", NULL);
    const char *bad[] = {
        NULL,
        "",
        "..",
        "../../etc/passwd",
        apr_pstrcat(mc_test_pool, "../", sha, "-0123456789abcd", NULL),
        apr_pstrcat(mc_test_pool, sha, "/0123456789abcdef", NULL),
        apr_pstrcat(mc_test_pool, sha, "-0123456789abcdeF", NULL),
        apr_pstrcat(mc_test_pool, sha, "-0123456789abcdef0", NULL),
        apr_pstrcat(mc_test_pool, sha, "-0123456789abcde", NULL),
        apr_pstrcat(mc_test_pool, sha, "_0123456789abcdef", NULL),
        apr_pstrcat(mc_test_pool, sha, "-012345678.abcdef", NULL),
        ".tmp-0123456789abcdef0123456789abcdef",
    };
    mc_docstore_reader *r;
    apr_size_t i;

    ck_assert(mc_docstore_name_ok(good));
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(!mc_docstore_name_ok(bad[i]), "accepted %s", bad[i] ? bad[i] : "NULL");
        ck_assert_int_eq(mc_docstore_open(mc_test_pool, dir, bad[i], sha, &r), MC_DOC_EBADNAME);
        ck_assert_ptr_null(r);
        ck_assert_int_eq(mc_docstore_verify(mc_test_pool, dir, bad[i], sha), MC_DOC_EBADNAME);
    }
    /* and the hash must be the store's form too */
    ck_assert_int_eq(mc_docstore_open(mc_test_pool, dir, good, "E3B0", &r), MC_DOC_EBADNAME);
    ck_assert(!mc_docstore_sha_ok(NULL));
    ck_assert(!mc_docstore_sha_ok(apr_pstrcat(mc_test_pool, sha, "0", NULL)));
}
END_TEST

START_TEST(symlink_not_followed)
{
    static const char sha[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const char *name = apr_pstrcat(mc_test_pool, sha, "-0123456789abcdef", NULL);
    mc_docstore_reader *r;

    ck_assert_int_eq(symlink("/etc/passwd", apr_pstrcat(mc_test_pool, dir, "/", name, NULL)), 0);
    ck_assert_int_ne(mc_docstore_open(mc_test_pool, dir, name, sha, &r), APR_SUCCESS);
}
END_TEST

START_TEST(sweep_removes_old_temporaries)
{
    mc_docstore_writer *w;
    const char *kept, *sha;
    struct timespec old[2] = {{1000000000, 0}, {1000000000, 0}};
    int removed = -1, fd;
    const char *stale =
        apr_pstrcat(mc_test_pool, dir, "/.tmp-00000000000000000000000000000000", NULL);
    const char *foreign = apr_pstrcat(mc_test_pool, dir, "/.tmp-notours", NULL);

    kept = store("committed", 9, &sha);
    /* a crash's leftover, old; a foreign file of similar name, old */
    fd = open(stale, O_CREAT | O_WRONLY, 0600);
    ck_assert_int_ge(fd, 0);
    close(fd);
    fd = open(foreign, O_CREAT | O_WRONLY, 0600);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(utimensat(AT_FDCWD, stale, old, 0), 0);
    ck_assert_int_eq(utimensat(AT_FDCWD, foreign, old, 0), 0);
    ck_assert_int_eq(utimensat(AT_FDCWD, apr_pstrcat(mc_test_pool, dir, "/", kept, NULL), old, 0),
                     0);
    /* an upload in progress, fresh */
    ck_assert_int_eq(mc_docstore_create(mc_test_pool, dir, 0, &w), APR_SUCCESS);
    ck_assert_int_eq(mc_docstore_sweep(dir, apr_time_from_sec(3600), &removed), APR_SUCCESS);
    ck_assert_int_eq(removed, 1);
    ck_assert_int_eq(access(stale, F_OK), -1);
    ck_assert_int_eq(access(foreign, F_OK), 0);
    ck_assert_int_eq(mc_docstore_verify(mc_test_pool, dir, kept, sha), APR_SUCCESS);
    /* the live upload still commits */
    ck_assert_int_eq(mc_docstore_write(w, "live", 4), APR_SUCCESS);
    ck_assert_int_eq(mc_docstore_commit(w, NULL, NULL, NULL), APR_SUCCESS);
    ck_assert_int_eq(mc_docstore_sweep("/nonexistent/mc_docstore", 0, &removed), APR_ENOENT);
}
END_TEST

START_TEST(create_fails_cleanly)
{
    mc_docstore_writer *w = (mc_docstore_writer *)1;

    ck_assert_int_eq(mc_docstore_create(mc_test_pool, "/nonexistent/mc_docstore", 0, &w),
                     APR_ENOENT);
    ck_assert_ptr_null(w);
}
END_TEST

static long rss_kib(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

START_TEST(hundred_megabytes_flat_memory)
{
    enum { CHUNK = 65536, TOTAL = 100 * 1024 * 1024 };
    char *chunk = malloc(CHUNK), *rb = malloc(CHUNK);
    crypto_hash_sha256_state h;
    unsigned char bin[32];
    char hex[65];
    mc_docstore_writer *w;
    mc_docstore_reader *r;
    const char *name, *sha;
    apr_off_t bytes;
    apr_size_t n;
    apr_status_t rv;
    long before;
    int i;

    ck_assert_ptr_nonnull(chunk);
    ck_assert_ptr_nonnull(rb);
    crypto_hash_sha256_init(&h);
    /* touch everything the test will use before measuring */
    memset(chunk, 'x', CHUNK);
    memset(rb, 0, CHUNK);
    before = rss_kib();
    ck_assert_int_eq(mc_docstore_create(mc_test_pool, dir, TOTAL, &w), APR_SUCCESS);
    for (i = 0; i < TOTAL / CHUNK; i++) {
        memset(chunk, 'a' + i % 26, 64); /* content differs chunk to chunk */
        crypto_hash_sha256_update(&h, (unsigned char *)chunk, CHUNK);
        ck_assert_int_eq(mc_docstore_write(w, chunk, CHUNK), APR_SUCCESS);
    }
    ck_assert_int_eq(mc_docstore_write(w, "!", 1), MC_DOC_ETOOBIG);
    ck_assert_str_eq(listing(), "");
    /* again, within the limit */
    crypto_hash_sha256_init(&h);
    ck_assert_int_eq(mc_docstore_create(mc_test_pool, dir, TOTAL, &w), APR_SUCCESS);
    for (i = 0; i < TOTAL / CHUNK; i++) {
        memset(chunk, 'a' + i % 26, 64);
        crypto_hash_sha256_update(&h, (unsigned char *)chunk, CHUNK);
        ck_assert_int_eq(mc_docstore_write(w, chunk, CHUNK), APR_SUCCESS);
    }
    ck_assert_int_eq(mc_docstore_commit(w, &name, &sha, &bytes), APR_SUCCESS);
    crypto_hash_sha256_final(&h, bin);
    sodium_bin2hex(hex, sizeof(hex), bin, sizeof(bin));
    ck_assert_str_eq(sha, hex);
    ck_assert_int_eq(bytes, TOTAL);
    ck_assert_int_eq(mc_docstore_verify(mc_test_pool, dir, name, sha), APR_SUCCESS);
    ck_assert_int_eq(mc_docstore_open(mc_test_pool, dir, name, sha, &r), APR_SUCCESS);
    while ((rv = mc_docstore_read(r, rb, CHUNK, &n)) == APR_SUCCESS)
        ;
    ck_assert_int_eq(rv, APR_EOF);
    ck_assert_int_eq(mc_docstore_read_end(r), APR_SUCCESS);
    ck_assert_msg(rss_kib() - before < 2048, "RSS grew by %ld KiB", rss_kib() - before);
    free(chunk);
    free(rb);
}
END_TEST

MC_TEST_SUITE(docstore, setup, teardown, 120, write_commit_read, same_content_twice_is_two_files,
              empty_document, over_the_limit, abort_removes_the_temporary,
              pool_cleanup_without_commit, tampered_file_detected, wrong_hash_or_partial_read,
              bad_names_refused, symlink_not_followed, sweep_removes_old_temporaries,
              create_fails_cleanly, hundred_megabytes_flat_memory)
