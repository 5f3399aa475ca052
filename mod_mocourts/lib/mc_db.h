/* mc_db: one MariaDB/MySQL connection, prepared statements only.
 * Not thread-safe: a connection belongs to one thread at a time (the core's
 * pool lends it to one request). No auto-reconnect: when mc_db_broken() says
 * so, the owner discards the connection and opens a new one. */
#ifndef MC_DB_H
#define MC_DB_H
#include "mc_api.h"
#include <apr_errno.h>
#include <apr_pools.h>

/* Error classes, in apr_status_t's user range. */
#define MC_DB_EDUP (APR_OS_START_USERERR + 101)      /* duplicate key (1062) */
#define MC_DB_EDEADLOCK (APR_OS_START_USERERR + 102) /* deadlock/lock wait timeout: retry */
#define MC_DB_ELOST (APR_OS_START_USERERR + 103)     /* connection lost or refused */
#define MC_DB_EFAIL (APR_OS_START_USERERR + 104)     /* any other error */

typedef struct mc_dbconf {
    const char *host;   /* host name; NULL/"localhost" with socket means the socket */
    const char *socket; /* unix socket path, or NULL */
    unsigned port;      /* 0: default 3306 */
    const char *user;
    const char *password;     /* may be NULL */
    const char *name;         /* database */
    unsigned connect_timeout; /* seconds */
    unsigned rw_timeout;      /* seconds, read and write */
} mc_dbconf;

typedef struct mc_db mc_db;

typedef struct mc_dbres {
    int nrows;
    int ncols;
    char ***rows;      /* rows[r][c], NUL-terminated, NULL for SQL NULL */
    apr_size_t **lens; /* lens[r][c] */
} mc_dbres;

/* mysql_library_init; call once in the parent before threads. */
MC_API apr_status_t mc_db_library_init(void);
/* Open a connection (utf8mb4, autocommit on, time_zone '+00:00'). The
 * connection's memory lives in a subpool of p; mc_db_close frees it. On
 * failure *err (in p) says why, without the password. */
MC_API apr_status_t mc_db_open(apr_pool_t *p, const mc_dbconf *conf, mc_db **db, const char **err);
/* Where mc_db_open connects, in p: "socket PATH" (host localhost: the
 * configured socket, else the client library's default) or "host H port P". */
MC_API const char *mc_db_where(apr_pool_t *p, const mc_dbconf *conf);
MC_API void mc_db_close(mc_db *db);
/* 1 after an error that leaves the connection unusable (lost, or a statement
 * in an unknown state). */
MC_API int mc_db_broken(const mc_db *db);
/* One round trip to check the connection still works (a pooled connection
 * idle across a server restart does not); marks it broken when not. */
MC_API apr_status_t mc_db_ping(mc_db *db);
/* The last error's text (never holds bound values). */
MC_API const char *mc_db_error(const mc_db *db);

/* Bind types, one letter per '?':
 *   's' const char *  (NULL binds SQL NULL)
 *   'i' long long
 *   'b' const void *, apr_size_t  (binary)
 * Statements are prepared once per connection and kept (keyed by the sql text). */
/* SELECT: every column fetched as text into *res (allocated in p). */
MC_API apr_status_t mc_db_query(mc_db *db, apr_pool_t *p, mc_dbres **res, const char *sql,
                         const char *types, ...);
/* Anything else. affected and insert_id may be NULL. */
MC_API apr_status_t mc_db_exec(mc_db *db, long long *affected, long long *insert_id, const char *sql,
                        const char *types, ...);
/* Unprepared multi-statement text (migrations only). */
MC_API apr_status_t mc_db_exec_script(mc_db *db, const char *sql);

MC_API apr_status_t mc_db_begin(mc_db *db);
MC_API apr_status_t mc_db_commit(mc_db *db);
MC_API apr_status_t mc_db_rollback(mc_db *db);

/* Value helpers: NULL / 0 when out of range. */
MC_API const char *mc_dbres_get(const mc_dbres *res, int row, int col);
MC_API long long mc_dbres_int(const mc_dbres *res, int row, int col);

/* A short sentence for the class of rv ("duplicate key", "deadlock", ...). */
MC_API const char *mc_db_strerror(apr_status_t rv);
#endif
