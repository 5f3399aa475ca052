/* mc_docstore: the document store, one flat directory of files.
 *
 * Layout: every committed document is a file named
 *     <sha256 hex, 64 chars>-<16 random hex chars>
 * (MC_DOC_NAME_LEN characters, [0-9a-f] and one '-'), so two uploads of the
 * same bytes stay two files and deleting one row's file never touches
 * another's. A document being written is ".tmp-<32 random hex chars>" in the
 * same directory; it becomes visible under its final name only by rename(2)
 * after fsync, and the directory is fsync'ed after the rename. An error, an
 * abort or the pool's destruction removes the temporary file; a crash leaves
 * only ".tmp-*" files, which mc_docstore_sweep removes.
 *
 * Nothing is held whole in memory: writing hashes incrementally (SHA-256,
 * libsodium); reading re-hashes as it streams. Names are checked against the
 * store's own form before any path is built, so a bad database row cannot
 * reach outside the directory. */
#ifndef MC_DOCSTORE_H
#define MC_DOCSTORE_H
#include <apr_errno.h>
#include <apr_pools.h>
#include <apr_time.h>

#define MC_DOC_NAME_LEN 81 /* 64 hex + '-' + 16 hex */
#define MC_DOC_SHA_LEN 64

#define MC_DOC_ETOOBIG (APR_OS_START_USERERR + 601)   /* over the writer's max_bytes */
#define MC_DOC_EMISMATCH (APR_OS_START_USERERR + 602) /* content does not match its SHA-256 */
#define MC_DOC_EBADNAME (APR_OS_START_USERERR + 603)  /* not a stored name / not a SHA-256 */
#define MC_DOC_ESTATE (APR_OS_START_USERERR + 604)    /* writer already failed/aborted/done */

typedef struct mc_docstore_writer mc_docstore_writer;
typedef struct mc_docstore_reader mc_docstore_reader;

/* 1 when name is exactly a stored name (MC_DOC_NAME_LEN, lower-case hex,
 * '-' at index 64). */
int mc_docstore_name_ok(const char *name);
/* 1 when sha is 64 lower-case hex characters. */
int mc_docstore_sha_ok(const char *sha);

/* Opens a new temporary file in dir (O_CREAT|O_EXCL|O_CLOEXEC, mode 0640).
 * max_bytes caps the document (0: no cap). A cleanup on p removes the
 * temporary file unless committed. APR status of open(2) on failure. */
apr_status_t mc_docstore_create(apr_pool_t *p, const char *dir, apr_off_t max_bytes,
                                mc_docstore_writer **w);
/* Appends len bytes. MC_DOC_ETOOBIG the moment the total would exceed
 * max_bytes: nothing of that chunk is written and the temporary file is
 * removed at once; every later call returns MC_DOC_ESTATE. A write error
 * (e.g. APR_ENOSPC) also removes the temporary file. */
apr_status_t mc_docstore_write(mc_docstore_writer *w, const char *data, apr_size_t len);
/* fsync, rename to the final name, fsync the directory. *stored_name and
 * *sha256_hex (either may be NULL) are allocated in the writer's pool;
 * *bytes (may be NULL) is the size. On failure nothing is visible. */
apr_status_t mc_docstore_commit(mc_docstore_writer *w, const char **stored_name,
                                const char **sha256_hex, apr_off_t *bytes);
/* Removes the temporary file (if any); safe to call at any time, twice,
 * or after commit (then it does nothing). */
void mc_docstore_abort(mc_docstore_writer *w);

/* Opens stored_name for reading; the content is to hash to expected_sha256.
 * MC_DOC_EBADNAME for a name or hash not in the store's form;
 * MC_DOC_EMISMATCH when the name's own hash differs from expected_sha256;
 * APR_ENOENT when missing. The file is closed by a cleanup on p. */
apr_status_t mc_docstore_open(apr_pool_t *p, const char *dir, const char *stored_name,
                              const char *expected_sha256, mc_docstore_reader **r);
/* The file's size when opened (for Content-Length). */
apr_off_t mc_docstore_size(const mc_docstore_reader *r);
/* Reads up to len bytes into buf; *n is how many. APR_SUCCESS with *n > 0,
 * APR_EOF with *n == 0 at the end, or an error. */
apr_status_t mc_docstore_read(mc_docstore_reader *r, char *buf, apr_size_t len, apr_size_t *n);
/* After the last read: APR_SUCCESS when every byte was read and they hash to
 * the expected SHA-256; MC_DOC_EMISMATCH when not; APR_EINCOMPLETE when the
 * end was not reached. Closes the file. */
apr_status_t mc_docstore_read_end(mc_docstore_reader *r);

/* Re-hashes the whole stored file (64 KiB at a time): APR_SUCCESS when it
 * matches sha256, else as mc_docstore_open / MC_DOC_EMISMATCH. The plugin
 * should verify, then stream with mc_docstore_open/read/read_end, so a
 * tampered file is refused before any byte is sent, and a change between the
 * two is still caught at read_end (then abort the connection). */
apr_status_t mc_docstore_verify(apr_pool_t *p, const char *dir, const char *stored_name,
                                const char *sha256);

/* Removes the stored document (after its row is gone). MC_DOC_EBADNAME for
 * a bad name; APR_SUCCESS also when it was already gone. */
apr_status_t mc_docstore_remove(apr_pool_t *p, const char *dir, const char *stored_name);

/* Removes the ".tmp-*" files of dir (exactly the store's temporary form,
 * regular files only) last modified more than older_than ago; an upload in
 * progress keeps touching its file, so pick older_than well above the
 * longest stall the request timeout allows (e.g. an hour). *removed (may be
 * NULL) gets the count. */
apr_status_t mc_docstore_sweep(const char *dir, apr_interval_time_t older_than, int *removed);
#endif
