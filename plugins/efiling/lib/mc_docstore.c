/* mc_docstore.c: the document store (see mc_docstore.h). Plain POSIX file
 * calls on descriptors, so flags (O_EXCL, O_CLOEXEC, O_NOFOLLOW) and fsync
 * are exactly what is written here. */
#include "mc_docstore.h"

#include <apr_strings.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMP_PREFIX ".tmp-"
#define TMP_RAND 16 /* random bytes: 32 hex chars */
#define NAME_RAND 8 /* random bytes of a stored name: 16 hex chars */
#define TMP_LEN (sizeof(TMP_PREFIX) - 1 + 2 * TMP_RAND)
#define IO_CHUNK 65536

enum { W_OPEN, W_FAILED, W_DONE };

struct mc_docstore_writer {
    apr_pool_t *p;
    const char *dir, *tmp_path;
    int fd, state;
    apr_off_t max, bytes;
    crypto_hash_sha256_state h;
};

struct mc_docstore_reader {
    int fd, eof;
    apr_off_t size;
    char expected[MC_DOC_SHA_LEN + 1];
    crypto_hash_sha256_state h;
};

static int is_hex(const char *s, apr_size_t n)
{
    apr_size_t i;

    for (i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

int mc_docstore_name_ok(const char *name)
{
    return name != NULL && strlen(name) == MC_DOC_NAME_LEN && is_hex(name, MC_DOC_SHA_LEN) &&
           name[MC_DOC_SHA_LEN] == '-' &&
           is_hex(name + MC_DOC_SHA_LEN + 1, MC_DOC_NAME_LEN - MC_DOC_SHA_LEN - 1);
}

int mc_docstore_sha_ok(const char *sha)
{
    return sha != NULL && strlen(sha) == MC_DOC_SHA_LEN && is_hex(sha, MC_DOC_SHA_LEN);
}

static int tmp_name_ok(const char *name)
{
    apr_size_t k = sizeof(TMP_PREFIX) - 1;
    return strlen(name) == TMP_LEN && memcmp(name, TMP_PREFIX, k) == 0 &&
           is_hex(name + k, TMP_LEN - k);
}

static const char *random_hex(apr_pool_t *p, apr_size_t nbytes)
{
    unsigned char raw[TMP_RAND];
    char *out = apr_palloc(p, nbytes * 2 + 1);

    randombytes_buf(raw, nbytes);
    sodium_bin2hex(out, nbytes * 2 + 1, raw, nbytes);
    return out;
}

/* Drops the temporary file and the descriptor; the writer is then failed. */
static void writer_discard(mc_docstore_writer *w)
{
    if (w->fd >= 0) {
        close(w->fd);
        w->fd = -1;
    }
    if (w->tmp_path != NULL) {
        unlink(w->tmp_path);
        w->tmp_path = NULL;
    }
    if (w->state == W_OPEN)
        w->state = W_FAILED;
}

static apr_status_t writer_cleanup(void *data)
{
    writer_discard(data);
    return APR_SUCCESS;
}

/* In a forked child (CGI and the like): close, never unlink the parent's file. */
static apr_status_t writer_child_cleanup(void *data)
{
    mc_docstore_writer *w = data;
    if (w->fd >= 0)
        close(w->fd);
    return APR_SUCCESS;
}

apr_status_t mc_docstore_create(apr_pool_t *p, const char *dir, apr_off_t max_bytes,
                                mc_docstore_writer **wp)
{
    mc_docstore_writer *w = apr_pcalloc(p, sizeof(*w));
    const char *path = apr_pstrcat(p, dir, "/", TMP_PREFIX, random_hex(p, TMP_RAND), NULL);

    *wp = NULL;
    w->p = p;
    w->dir = apr_pstrdup(p, dir);
    w->max = max_bytes;
    w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (w->fd < 0)
        return APR_FROM_OS_ERROR(errno);
    w->tmp_path = path;
    /* the mode does not depend on the process umask */
    if (fchmod(w->fd, 0640) != 0) {
        apr_status_t rv = APR_FROM_OS_ERROR(errno);
        writer_discard(w);
        return rv;
    }
    crypto_hash_sha256_init(&w->h);
    apr_pool_cleanup_register(p, w, writer_cleanup, writer_child_cleanup);
    *wp = w;
    return APR_SUCCESS;
}

apr_status_t mc_docstore_write(mc_docstore_writer *w, const char *data, apr_size_t len)
{
    apr_size_t done = 0;

    if (w->state != W_OPEN)
        return MC_DOC_ESTATE;
    if (w->max > 0 && (apr_off_t)len > w->max - w->bytes) {
        writer_discard(w);
        return MC_DOC_ETOOBIG;
    }
    while (done < len) {
        ssize_t k = write(w->fd, data + done, len - done);
        if (k < 0) {
            apr_status_t rv;
            if (errno == EINTR)
                continue;
            rv = APR_FROM_OS_ERROR(errno);
            writer_discard(w);
            return rv;
        }
        done += (apr_size_t)k;
    }
    crypto_hash_sha256_update(&w->h, (const unsigned char *)data, len);
    w->bytes += (apr_off_t)len;
    return APR_SUCCESS;
}

/* fsync of the directory, so the rename survives a crash. */
static apr_status_t sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    apr_status_t rv = APR_SUCCESS;

    if (fd < 0)
        return APR_FROM_OS_ERROR(errno);
    if (fsync(fd) != 0)
        rv = APR_FROM_OS_ERROR(errno);
    close(fd);
    return rv;
}

apr_status_t mc_docstore_commit(mc_docstore_writer *w, const char **stored_name,
                                const char **sha256_hex, apr_off_t *bytes)
{
    unsigned char bin[crypto_hash_sha256_BYTES];
    char hex[MC_DOC_SHA_LEN + 1];
    const char *name, *path;
    apr_status_t rv;

    if (w->state != W_OPEN)
        return MC_DOC_ESTATE;
    if (fsync(w->fd) != 0) {
        rv = APR_FROM_OS_ERROR(errno);
        writer_discard(w);
        return rv;
    }
    rv = close(w->fd) == 0 ? APR_SUCCESS : APR_FROM_OS_ERROR(errno);
    w->fd = -1; /* close(2) releases the descriptor even when it fails */
    if (rv != APR_SUCCESS) {
        writer_discard(w);
        return rv;
    }
    crypto_hash_sha256_final(&w->h, bin);
    sodium_bin2hex(hex, sizeof(hex), bin, sizeof(bin));
    name = apr_pstrcat(w->p, hex, "-", random_hex(w->p, NAME_RAND), NULL);
    path = apr_pstrcat(w->p, w->dir, "/", name, NULL);
    if (rename(w->tmp_path, path) != 0) {
        rv = APR_FROM_OS_ERROR(errno);
        writer_discard(w);
        return rv;
    }
    w->tmp_path = NULL;
    if ((rv = sync_dir(w->dir)) != APR_SUCCESS) {
        /* durability is not assured: take it back rather than record it */
        unlink(path);
        w->state = W_FAILED;
        return rv;
    }
    w->state = W_DONE;
    apr_pool_cleanup_kill(w->p, w, writer_cleanup);
    if (stored_name)
        *stored_name = name;
    if (sha256_hex)
        *sha256_hex = apr_pstrdup(w->p, hex);
    if (bytes)
        *bytes = w->bytes;
    return APR_SUCCESS;
}

void mc_docstore_abort(mc_docstore_writer *w)
{
    if (w != NULL && w->state != W_DONE)
        writer_discard(w);
}

static apr_status_t reader_cleanup(void *data)
{
    mc_docstore_reader *r = data;
    if (r->fd >= 0) {
        close(r->fd);
        r->fd = -1;
    }
    return APR_SUCCESS;
}

apr_status_t mc_docstore_open(apr_pool_t *p, const char *dir, const char *stored_name,
                              const char *expected_sha256, mc_docstore_reader **rp)
{
    mc_docstore_reader *r;
    struct stat st;
    int fd;

    *rp = NULL;
    if (!mc_docstore_name_ok(stored_name) || !mc_docstore_sha_ok(expected_sha256))
        return MC_DOC_EBADNAME;
    if (memcmp(stored_name, expected_sha256, MC_DOC_SHA_LEN) != 0)
        return MC_DOC_EMISMATCH;
    fd = open(apr_pstrcat(p, dir, "/", stored_name, NULL), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return APR_FROM_OS_ERROR(errno);
    if (fstat(fd, &st) != 0) {
        apr_status_t rv = APR_FROM_OS_ERROR(errno);
        close(fd);
        return rv;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return APR_EBADF;
    }
    r = apr_pcalloc(p, sizeof(*r));
    r->fd = fd;
    r->size = (apr_off_t)st.st_size;
    memcpy(r->expected, expected_sha256, MC_DOC_SHA_LEN + 1);
    crypto_hash_sha256_init(&r->h);
    apr_pool_cleanup_register(p, r, reader_cleanup, reader_cleanup);
    *rp = r;
    return APR_SUCCESS;
}

apr_off_t mc_docstore_size(const mc_docstore_reader *r)
{
    return r->size;
}

apr_status_t mc_docstore_read(mc_docstore_reader *r, char *buf, apr_size_t len, apr_size_t *n)
{
    ssize_t k;

    *n = 0;
    if (r->fd < 0)
        return MC_DOC_ESTATE;
    if (r->eof)
        return APR_EOF;
    do {
        k = read(r->fd, buf, len);
    } while (k < 0 && errno == EINTR);
    if (k < 0)
        return APR_FROM_OS_ERROR(errno);
    if (k == 0) {
        r->eof = 1;
        return APR_EOF;
    }
    crypto_hash_sha256_update(&r->h, (const unsigned char *)buf, (unsigned long long)k);
    *n = (apr_size_t)k;
    return APR_SUCCESS;
}

apr_status_t mc_docstore_read_end(mc_docstore_reader *r)
{
    unsigned char bin[crypto_hash_sha256_BYTES];
    char hex[MC_DOC_SHA_LEN + 1];
    int eof = r->eof, open = r->fd >= 0;

    reader_cleanup(r);
    if (!open)
        return MC_DOC_ESTATE;
    if (!eof)
        return APR_EINCOMPLETE;
    crypto_hash_sha256_final(&r->h, bin);
    sodium_bin2hex(hex, sizeof(hex), bin, sizeof(bin));
    return sodium_memcmp(hex, r->expected, MC_DOC_SHA_LEN) == 0 ? APR_SUCCESS : MC_DOC_EMISMATCH;
}

apr_status_t mc_docstore_verify(apr_pool_t *p, const char *dir, const char *stored_name,
                                const char *sha256)
{
    mc_docstore_reader *r;
    apr_status_t rv = mc_docstore_open(p, dir, stored_name, sha256, &r);
    char *buf;
    apr_size_t n;

    if (rv != APR_SUCCESS)
        return rv;
    buf = apr_palloc(p, IO_CHUNK);
    while ((rv = mc_docstore_read(r, buf, IO_CHUNK, &n)) == APR_SUCCESS)
        ;
    if (rv != APR_EOF) {
        reader_cleanup(r);
        return rv;
    }
    return mc_docstore_read_end(r);
}

apr_status_t mc_docstore_remove(apr_pool_t *p, const char *dir, const char *stored_name)
{
    if (!mc_docstore_name_ok(stored_name))
        return MC_DOC_EBADNAME;
    if (unlink(apr_pstrcat(p, dir, "/", stored_name, NULL)) != 0 && errno != ENOENT)
        return APR_FROM_OS_ERROR(errno);
    return APR_SUCCESS;
}

apr_status_t mc_docstore_sweep(const char *dir, apr_interval_time_t older_than, int *removed)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    time_t cutoff = (time_t)(apr_time_sec(apr_time_now()) - apr_time_sec(older_than));
    int count = 0;

    if (removed)
        *removed = 0;
    if (d == NULL)
        return APR_FROM_OS_ERROR(errno);
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        if (!tmp_name_ok(e->d_name))
            continue;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (st.st_mtime < cutoff && unlinkat(dirfd(d), e->d_name, 0) == 0)
            count++;
    }
    closedir(d);
    if (removed)
        *removed = count;
    return APR_SUCCESS;
}
