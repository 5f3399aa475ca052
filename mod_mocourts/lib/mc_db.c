/* mc_db: one MariaDB connection through Connector/C, prepared statements
 * only. See mc_db.h for the contract. */
#include "mc_db.h"
#include "mc_db_hosts.h"
#include "mc_log.h"

#include <apr_hash.h>
#include <apr_strings.h>
#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MC_DB_MAX_PARAMS 64
#define MC_DB_MAX_STMTS 256 /* cache size; beyond it the cache is emptied */
#define MC_DB_COLBUF 256    /* first fetch buffer per column */

struct mc_db {
    apr_pool_t *pool;  /* owns this struct and the cache keys */
    MYSQL *mysql;      /* NULL once closed */
    apr_hash_t *stmts; /* sql text -> MYSQL_STMT * */
    int broken;
    int txn; /* mc_db_begin ran and no COMMIT or ROLLBACK since */
    int host;  /* its server's place in MoCourtsDBHost's list (0: the first); -1: one server */
    unsigned lasterrno;
    char errbuf[512];
};

apr_status_t mc_db_library_init(void)
{
    return mysql_library_init(0, NULL, NULL) == 0 ? APR_SUCCESS : APR_EGENERAL;
}

/* ---- errors ------------------------------------------------------------- */

static apr_status_t mc_db_classify(unsigned e)
{
    switch (e) {
    case ER_DUP_ENTRY:
        return MC_DB_EDUP;
    case ER_LOCK_DEADLOCK:
    case ER_LOCK_WAIT_TIMEOUT:
        return MC_DB_EDEADLOCK;
    case ER_UNKNOWN_COM_ERROR: /* 1047: a Galera member not ready ("WSREP has not yet
                                * prepared node"): another server may be */
    case ER_SERVER_SHUTDOWN:   /* 1053 */
    case ER_CONNECTION_KILLED: /* 1927 */
    case 4031:                 /* ER_CLIENT_INTERACTION_TIMEOUT */
        return MC_DB_ELOST;
    default:
        break;
    }
    if ((e >= CR_MIN_ERROR && e <= CR_MAX_ERROR) || (e >= CER_MIN_ERROR && e <= CER_MAX_ERROR))
        return MC_DB_ELOST;
    return MC_DB_EFAIL;
}

/* Identifiers the server quotes that are no bound values. */
static int mc_db_quote_keeps(const char *msg, const char *q)
{
    static const char *const keep[] = {"key",   "column",     "table",    "field",    "database",
                                       "index", "constraint", "variable", "function", "procedure",
                                       "near",  "schema",     NULL};
    const char *e = q;
    while (e > msg && (e[-1] == ' ' || e[-1] == ':'))
        e--;
    const char *b = e;
    while (b > msg && b[-1] != ' ')
        b--;
    for (int i = 0; keep[i]; i++)
        if ((size_t)(e - b) == strlen(keep[i]) && strncasecmp(b, keep[i], e - b) == 0)
            return 1;
    return 0;
}

/* Copy a server message into buf with quoted values replaced by '?', so a
 * duplicate username or a rejected value never reaches a log. */
static void mc_db_redact(char *buf, size_t size, const char *msg)
{
    size_t o = 0;
    for (const char *s = msg; *s && o + 4 < size; s++) {
        const char *end = *s == '\'' ? strchr(s + 1, '\'') : NULL;
        if (end && !mc_db_quote_keeps(msg, s)) {
            memcpy(buf + o, "'?'", 3);
            o += 3;
            s = end;
            continue;
        }
        if (end) { /* an identifier: copy it whole, quotes included */
            for (; s <= end && o + 4 < size; s++)
                buf[o++] = (*s == '\r' || *s == '\n') ? ' ' : *s;
            s--;
            continue;
        }
        buf[o++] = (*s == '\r' || *s == '\n') ? ' ' : *s;
    }
    buf[o] = '\0';
}

/* Record the error (code e, message msg, during sql) and classify it. */
static apr_status_t mc_db_fail(mc_db *db, unsigned e, const char *msg, const char *sql)
{
    char clean[400];
    apr_status_t rv = mc_db_classify(e);
    mc_db_redact(clean, sizeof(clean), msg ? msg : "");
    db->lasterrno = e;
    apr_snprintf(db->errbuf, sizeof(db->errbuf), "MariaDB error %u: %s", e, clean);
    if (rv == MC_DB_ELOST) {
        db->broken = 1;
        mc_log(MC_LOG_WARNING, MC_LOG_MARK, MCLOGNO(2003) "mc_db: connection lost: %s", db->errbuf);
    }
    else if (rv == MC_DB_EFAIL) {
        mc_log(MC_LOG_ERR, MC_LOG_MARK, MCLOGNO(2004) "mc_db: %s; statement: %.160s", db->errbuf,
               sql ? sql : "(none)");
    }
    return rv;
}

static apr_status_t mc_db_fail_conn(mc_db *db, const char *sql)
{
    return mc_db_fail(db, mysql_errno(db->mysql), mysql_error(db->mysql), sql);
}

static apr_status_t mc_db_fail_stmt(mc_db *db, MYSQL_STMT *st, const char *sql)
{
    unsigned e = mysql_stmt_errno(st);
    if (e == 0) /* the error was on the connection */
        return mc_db_fail_conn(db, sql);
    return mc_db_fail(db, e, mysql_stmt_error(st), sql);
}

const char *mc_db_error(const mc_db *db)
{
    return db->errbuf[0] ? db->errbuf : "no error";
}

int mc_db_broken(const mc_db *db)
{
    return db->broken || db->mysql == NULL;
}

apr_status_t mc_db_ping(mc_db *db)
{
    if (mc_db_broken(db))
        return MC_DB_ELOST;
    if (mysql_ping(db->mysql) != 0) {
        /* A failed ping means the server went away, whatever the code. */
        mc_db_fail_conn(db, "(ping)");
        db->broken = 1;
        return MC_DB_ELOST;
    }
    return APR_SUCCESS;
}

const char *mc_db_strerror(apr_status_t rv)
{
    switch (rv) {
    case APR_SUCCESS:
        return "success";
    case MC_DB_EDUP:
        return "duplicate key";
    case MC_DB_EDEADLOCK:
        return "deadlock or lock wait timeout (retry)";
    case MC_DB_ELOST:
        return "database connection lost or refused";
    case MC_DB_EFAIL:
        return "database error";
    default:
        return "not a database error";
    }
}

/* ---- connection ---------------------------------------------------------- */

static void mc_db_drop_all(mc_db *db)
{
    for (apr_hash_index_t *hi = apr_hash_first(NULL, db->stmts); hi; hi = apr_hash_next(hi)) {
        void *v;
        apr_hash_this(hi, NULL, NULL, &v);
        mysql_stmt_close(v);
    }
    apr_hash_clear(db->stmts);
}

static apr_status_t mc_db_cleanup(void *data)
{
    mc_db *db = data;
    if (db->mysql) {
        mc_db_drop_all(db);
        mysql_close(db->mysql);
        db->mysql = NULL;
    }
    return APR_SUCCESS;
}

static apr_status_t mc_db_simple(mc_db *db, const char *sql)
{
    if (mc_db_broken(db))
        return MC_DB_ELOST;
    if (mysql_real_query(db->mysql, sql, strlen(sql)) != 0)
        return mc_db_fail_conn(db, sql);
    return APR_SUCCESS;
}

/* A new client handle with the connection's options, or NULL. */
static MYSQL *mc_db_handle(const mc_dbconf *conf)
{
    MYSQL *m = mysql_init(NULL);
    my_bool off = 0;
    unsigned ct = conf->connect_timeout ? conf->connect_timeout : 3;
    unsigned rw = conf->rw_timeout ? conf->rw_timeout : 10;
    if (!m)
        return NULL;
    mysql_optionsv(m, MYSQL_OPT_RECONNECT, &off);
    mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
    mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &rw);
    mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &rw);
    mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    return m;
}

/* 1 when the server takes work: not a Galera member (wsrep off), or one
 * that is ready and synced with its cluster (a donor, a joiner or a member
 * cut off from the primary component is not). */
static int mc_db_synced(MYSQL *m)
{
    static const char q[] =
        "SELECT @@GLOBAL.wsrep_on, (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
        "WHERE VARIABLE_NAME = 'WSREP_READY'), (SELECT VARIABLE_VALUE FROM "
        "information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_LOCAL_STATE_COMMENT')";
    MYSQL_RES *res;
    MYSQL_ROW row;
    int ok;
    if (mysql_real_query(m, q, sizeof(q) - 1) != 0)
        return mysql_errno(m) == ER_UNKNOWN_SYSTEM_VARIABLE; /* a build without Galera */
    if (!(res = mysql_store_result(m)))
        return 0;
    row = mysql_fetch_row(res);
    ok = row && (!row[0] || !strcmp(row[0], "0") ||
                 (row[1] && !strcmp(row[1], "ON") && row[2] && !strcmp(row[2], "Synced")));
    mysql_free_result(res);
    return ok;
}

apr_status_t mc_db_open(apr_pool_t *p, const mc_dbconf *conf, mc_db **out, const char **err)
{
    apr_pool_t *sub;
    mc_dbhost hosts[MC_DB_HOSTS_MAX];
    int order[MC_DB_HOSTS_MAX], n, k;
    apr_status_t rv = apr_pool_create(&sub, p), last = MC_DB_ELOST;
    const char *why = NULL;

    *out = NULL;
    if (rv != APR_SUCCESS) {
        *err = "out of memory";
        return rv;
    }
    n = mc_db_hosts_parse(sub, conf->host, hosts, &why);
    if (n < 0) {
        *err = apr_psprintf(p, "MoCourtsDBHost: %s", why);
        apr_pool_destroy(sub);
        return MC_DB_EFAIL;
    }
    if (n == 0) {
        hosts[0].name = "localhost";
        hosts[0].port = 0;
        n = 1;
    }
    mc_db *db = apr_pcalloc(sub, sizeof(*db));
    db->pool = sub;
    db->stmts = apr_hash_make(sub);
    apr_pool_cleanup_register(sub, db, mc_db_cleanup, apr_pool_cleanup_null);

    /* The servers in order, those that failed lately last; the first that
     * answers and takes work is this connection's. */
    mc_db_hosts_order(n, order);
    for (k = 0; k < n; k++) {
        const mc_dbhost *h = &hosts[order[k]];
        unsigned port = h->port ? h->port : conf->port ? conf->port : 3306;
        if (!(db->mysql = mc_db_handle(conf))) {
            apr_pool_destroy(sub);
            *err = "mysql_init failed (out of memory)";
            return APR_ENOMEM;
        }
        if (!mysql_real_connect(db->mysql, h->name, conf->user, conf->password, conf->name, port,
                                conf->socket, 0)) {
            /* The client library's messages name host and user, never the password. */
            why = apr_psprintf(p, "cannot connect to MariaDB at %s: %s (%u)",
                               conf->socket && strcmp(h->name, "localhost") == 0
                                   ? conf->socket
                                   : apr_psprintf(p, "%s:%u", h->name, port),
                               mysql_error(db->mysql), mysql_errno(db->mysql));
            last = mc_db_classify(mysql_errno(db->mysql));
        }
        else if (n > 1 && !mc_db_synced(db->mysql)) {
            why = apr_psprintf(p, "MariaDB at %s:%u is a Galera member not ready and synced",
                               h->name, port);
            last = MC_DB_ELOST;
        }
        else {
            db->host = n > 1 ? order[k] : -1;
            if (n > 1)
                mc_db_hosts_mark(order[k], 1);
            break;
        }
        mysql_close(db->mysql);
        db->mysql = NULL;
        if (n > 1) {
            mc_db_hosts_mark(order[k], 0);
            mc_log(MC_LOG_WARNING, MC_LOG_MARK, MCLOGNO(2014) "mc_db: %s; trying the next server",
                   why);
        }
    }
    if (!db->mysql) {
        *err = why;
        apr_pool_destroy(sub);
        return last == MC_DB_EFAIL ? MC_DB_ELOST : last;
    }
    if ((rv = mc_db_simple(db, "SET time_zone = '+00:00'")) != APR_SUCCESS ||
        (rv = mc_db_simple(db, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")) !=
            APR_SUCCESS) {
        *err = apr_pstrdup(p, db->errbuf);
        apr_pool_destroy(sub);
        return rv;
    }
    *out = db;
    return APR_SUCCESS;
}

int mc_db_host_index(const mc_db *db)
{
    return db->host;
}

const char *mc_db_where(apr_pool_t *p, const mc_dbconf *conf)
{
    /* As the client library chooses: "localhost" means its Unix socket. */
    const char *host = conf->host && *conf->host ? conf->host : "localhost";
    if (strpbrk(host, ", \t"))
        return apr_psprintf(p, "servers %s (default port %u)", host, conf->port ? conf->port : 3306);
    if (strcmp(host, "localhost") == 0) {
        const char *sock = conf->socket && *conf->socket ? conf->socket : getenv("MYSQL_UNIX_PORT");
        return apr_psprintf(p, "socket %s", sock && *sock ? sock : MARIADB_UNIX_ADDR);
    }
    return apr_psprintf(p, "host %s port %u", host, conf->port ? conf->port : 3306);
}

void mc_db_close(mc_db *db)
{
    if (db)
        apr_pool_destroy(db->pool);
}

/* ---- statements ---------------------------------------------------------- */

static void mc_db_stmt_drop(mc_db *db, const char *sql, MYSQL_STMT *st)
{
    apr_hash_set(db->stmts, sql, APR_HASH_KEY_STRING, NULL);
    mysql_stmt_close(st);
}

/* The cached statement for sql, prepared on first use. */
static apr_status_t mc_db_stmt(mc_db *db, const char *sql, MYSQL_STMT **out)
{
    if (mc_db_broken(db))
        return MC_DB_ELOST;
    MYSQL_STMT *st = apr_hash_get(db->stmts, sql, APR_HASH_KEY_STRING);
    if (st) {
        *out = st;
        return APR_SUCCESS;
    }
    if (apr_hash_count(db->stmts) >= MC_DB_MAX_STMTS)
        mc_db_drop_all(db); /* keys stay in the pool; bounded by use */
    st = mysql_stmt_init(db->mysql);
    if (!st)
        return mc_db_fail_conn(db, sql);
    if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
        apr_status_t rv = mc_db_fail_stmt(db, st, sql);
        mysql_stmt_close(st);
        return rv;
    }
    apr_hash_set(db->stmts, apr_pstrdup(db->pool, sql), APR_HASH_KEY_STRING, st);
    *out = st;
    return APR_SUCCESS;
}

typedef struct {
    MYSQL_BIND bind[MC_DB_MAX_PARAMS];
    long long ints[MC_DB_MAX_PARAMS];
    unsigned long lens[MC_DB_MAX_PARAMS];
} mc_db_params;

/* Bind the variadic values described by types; execute. On error the
 * statement is dropped from the cache (its state is unknown). */
static apr_status_t mc_db_run(mc_db *db, const char *sql, const char *types, va_list ap,
                              MYSQL_STMT **out)
{
    MYSQL_STMT *st = NULL;
    mc_db_params *pp;
    apr_status_t rv = mc_db_stmt(db, sql, &st);
    if (rv != APR_SUCCESS)
        return rv;
    size_t n = types ? strlen(types) : 0;
    if (n > MC_DB_MAX_PARAMS || mysql_stmt_param_count(st) != n) {
        apr_snprintf(db->errbuf, sizeof(db->errbuf),
                     "statement has %lu placeholders but %lu bind types were given",
                     mysql_stmt_param_count(st), (unsigned long)n);
        mc_log(MC_LOG_ERR, MC_LOG_MARK, MCLOGNO(2005) "mc_db: %s; statement: %.160s", db->errbuf,
               sql);
        return MC_DB_EFAIL;
    }
    pp = calloc(1, sizeof(*pp));
    if (!pp)
        return APR_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        MYSQL_BIND *b = &pp->bind[i];
        switch (types[i]) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) {
                b->buffer_type = MYSQL_TYPE_NULL;
                break;
            }
            b->buffer_type = MYSQL_TYPE_STRING;
            b->buffer = (void *)s;
            pp->lens[i] = strlen(s);
            b->buffer_length = pp->lens[i];
            b->length = &pp->lens[i];
            break;
        }
        case 'i':
            pp->ints[i] = va_arg(ap, long long);
            b->buffer_type = MYSQL_TYPE_LONGLONG;
            b->buffer = &pp->ints[i];
            break;
        case 'b': {
            const void *d = va_arg(ap, const void *);
            pp->lens[i] = (unsigned long)va_arg(ap, apr_size_t);
            b->buffer_type = MYSQL_TYPE_BLOB;
            b->buffer = (void *)(d ? d : "");
            b->buffer_length = pp->lens[i];
            b->length = &pp->lens[i];
            break;
        }
        default:
            free(pp);
            apr_snprintf(db->errbuf, sizeof(db->errbuf), "unknown bind type '%c'", types[i]);
            mc_log(MC_LOG_ERR, MC_LOG_MARK, MCLOGNO(2006) "mc_db: %s; statement: %.160s",
                   db->errbuf, sql);
            return MC_DB_EFAIL;
        }
    }
    if ((n && mysql_stmt_bind_param(st, pp->bind) != 0) || mysql_stmt_execute(st) != 0) {
        rv = mc_db_fail_stmt(db, st, sql);
        mc_db_stmt_drop(db, sql, st);
        free(pp);
        return rv;
    }
    free(pp);
    *out = st;
    return APR_SUCCESS;
}

/* Fetch every row of an executed statement as strings into res (in p). */
static apr_status_t mc_db_fetch_all(mc_db *db, apr_pool_t *p, MYSQL_STMT *st, const char *sql,
                                    mc_dbres *res)
{
    MYSQL_RES *meta = mysql_stmt_result_metadata(st);
    int nc = meta ? (int)mysql_num_fields(meta) : 0;
    if (meta)
        mysql_free_result(meta);
    res->ncols = nc;
    res->nrows = 0;
    res->rows = NULL;
    res->lens = NULL;
    if (nc == 0)
        return APR_SUCCESS;
    if (mysql_stmt_store_result(st) != 0)
        return mc_db_fail_stmt(db, st, sql);

    int nr = (int)mysql_stmt_num_rows(st);
    MYSQL_BIND *bind = apr_pcalloc(p, nc * sizeof(*bind));
    unsigned long *len = apr_pcalloc(p, nc * sizeof(*len));
    my_bool *isnull = apr_pcalloc(p, nc * sizeof(*isnull));
    my_bool *error = apr_pcalloc(p, nc * sizeof(*error));
    char *bufs = apr_palloc(p, (apr_size_t)nc * MC_DB_COLBUF);
    for (int c = 0; c < nc; c++) {
        bind[c].buffer_type = MYSQL_TYPE_STRING;
        bind[c].buffer = bufs + (apr_size_t)c * MC_DB_COLBUF;
        bind[c].buffer_length = MC_DB_COLBUF;
        bind[c].length = &len[c];
        bind[c].is_null = &isnull[c];
        bind[c].error = &error[c];
    }
    if (mysql_stmt_bind_result(st, bind) != 0)
        return mc_db_fail_stmt(db, st, sql);
    res->rows = apr_pcalloc(p, (nr + 1) * sizeof(char **));
    res->lens = apr_pcalloc(p, (nr + 1) * sizeof(apr_size_t *));
    int r = 0;
    for (;;) {
        int f = mysql_stmt_fetch(st);
        if (f == MYSQL_NO_DATA)
            break;
        if (f == 1)
            return mc_db_fail_stmt(db, st, sql);
        if (r >= nr)
            break; /* cannot happen with a stored result */
        char **row = apr_palloc(p, nc * sizeof(char *));
        apr_size_t *lens = apr_palloc(p, nc * sizeof(apr_size_t));
        for (int c = 0; c < nc; c++) {
            lens[c] = isnull[c] ? 0 : len[c];
            if (isnull[c]) {
                row[c] = NULL;
            }
            else if (len[c] <= MC_DB_COLBUF) {
                row[c] = apr_pstrmemdup(p, bind[c].buffer, len[c]);
            }
            else { /* truncated: fetch the whole column again */
                MYSQL_BIND big;
                unsigned long blen = 0;
                memset(&big, 0, sizeof(big));
                row[c] = apr_palloc(p, len[c] + 1);
                big.buffer_type = MYSQL_TYPE_STRING;
                big.buffer = row[c];
                big.buffer_length = len[c] + 1;
                big.length = &blen;
                if (mysql_stmt_fetch_column(st, &big, c, 0) != 0)
                    return mc_db_fail_stmt(db, st, sql);
                row[c][len[c]] = '\0';
            }
        }
        res->rows[r] = row;
        res->lens[r] = lens;
        r++;
    }
    res->nrows = r;
    return APR_SUCCESS;
}

apr_status_t mc_db_query(mc_db *db, apr_pool_t *p, mc_dbres **res, const char *sql,
                         const char *types, ...)
{
    MYSQL_STMT *st = NULL;
    va_list ap;
    *res = apr_pcalloc(p, sizeof(**res));
    va_start(ap, types);
    apr_status_t rv = mc_db_run(db, sql, types, ap, &st);
    va_end(ap);
    if (rv != APR_SUCCESS)
        return rv;
    rv = mc_db_fetch_all(db, p, st, sql, *res);
    if (rv != APR_SUCCESS) {
        mc_db_stmt_drop(db, sql, st);
        (*res)->nrows = 0;
        return rv;
    }
    mysql_stmt_free_result(st);
    return APR_SUCCESS;
}

static int in_transaction(mc_db *db);

apr_status_t mc_db_exec(mc_db *db, long long *affected, long long *insert_id, const char *sql,
                        const char *types, ...)
{
    MYSQL_STMT *st = NULL;
    apr_status_t rv;
    int tries = 0;
    for (;;) {
        va_list ap;
        va_start(ap, types);
        rv = mc_db_run(db, sql, types, ap, &st);
        va_end(ap);
        /* A statement of its own (autocommit) refused as a deadlock, or on
         * Galera as a certification conflict (also 1213), did nothing: run
         * it again, twice at most. Inside a transaction the whole
         * transaction is what to retry (mc_req_tx does). */
        if (rv != MC_DB_EDEADLOCK || ++tries > 2 || in_transaction(db))
            break;
    }
    if (rv != APR_SUCCESS)
        return rv;
    if (mysql_stmt_field_count(st) > 0) { /* a result nobody wants: drain it */
        if (mysql_stmt_store_result(st) != 0) {
            rv = mc_db_fail_stmt(db, st, sql);
            mc_db_stmt_drop(db, sql, st);
            return rv;
        }
        mysql_stmt_free_result(st);
    }
    if (affected)
        *affected = (long long)mysql_stmt_affected_rows(st);
    if (insert_id)
        *insert_id = (long long)mysql_stmt_insert_id(st);
    return APR_SUCCESS;
}

apr_status_t mc_db_exec_script(mc_db *db, const char *sql)
{
    apr_status_t rv = APR_SUCCESS;
    if (mc_db_broken(db))
        return MC_DB_ELOST;
    /* Multi-statements only for the length of the script, so no other
     * query on this connection can ever carry a second statement. */
    if (mysql_set_server_option(db->mysql, MYSQL_OPTION_MULTI_STATEMENTS_ON) != 0)
        return mc_db_fail_conn(db, "SET OPTION MULTI_STATEMENTS_ON");
    int st = mysql_real_query(db->mysql, sql, strlen(sql));
    for (;;) {
        if (st != 0) {
            if (mysql_errno(db->mysql) != ER_EMPTY_QUERY)
                rv = mc_db_fail_conn(db, "(script)");
            break;
        }
        MYSQL_RES *r = mysql_store_result(db->mysql);
        if (r)
            mysql_free_result(r);
        else if (mysql_field_count(db->mysql) != 0) {
            rv = mc_db_fail_conn(db, "(script)");
            break;
        }
        int nx = mysql_next_result(db->mysql);
        if (nx == -1)
            break;
        st = nx; /* > 0: the next statement failed */
    }
    /* After a failed statement the server skips the rest; drain anything left. */
    while (!mc_db_broken(db) && mysql_more_results(db->mysql) &&
           mysql_next_result(db->mysql) == 0) {
        MYSQL_RES *r = mysql_store_result(db->mysql);
        if (r)
            mysql_free_result(r);
    }
    if (!mc_db_broken(db) &&
        mysql_set_server_option(db->mysql, MYSQL_OPTION_MULTI_STATEMENTS_OFF) != 0 &&
        rv == APR_SUCCESS)
        rv = mc_db_fail_conn(db, "SET OPTION MULTI_STATEMENTS_OFF");
    return rv;
}

apr_status_t mc_db_begin(mc_db *db)
{
    db->txn = 1; /* even when it fails: the ROLLBACK then still goes out */
    return mc_db_simple(db, "START TRANSACTION");
}

apr_status_t mc_db_commit(mc_db *db)
{
    apr_status_t rv = mc_db_simple(db, "COMMIT");
    if (rv == APR_SUCCESS)
        db->txn = 0;
    return rv;
}

/* 1 unless the connection is surely outside a transaction: mc_db_begin's
 * own mark, or the server's "in transaction" flag of its last answer (a
 * transaction opened some other way). */
static int in_transaction(mc_db *db)
{
    unsigned int status = SERVER_STATUS_IN_TRANS;
    if (db->txn)
        return 1;
    if (mariadb_get_infov(db->mysql, MARIADB_CONNECTION_SERVER_STATUS, &status) != 0)
        return 1;
    return (status & SERVER_STATUS_IN_TRANS) != 0;
}

/* No statement when there is nothing to undo: the pool calls this for every
 * connection it takes back (issue 13: a ROLLBACK after every request). */
apr_status_t mc_db_rollback(mc_db *db)
{
    apr_status_t rv;
    if (!mc_db_broken(db) && !in_transaction(db))
        return APR_SUCCESS;
    rv = mc_db_simple(db, "ROLLBACK");
    if (rv == APR_SUCCESS)
        db->txn = 0;
    return rv;
}

/* ---- results ------------------------------------------------------------- */

const char *mc_dbres_get(const mc_dbres *res, int row, int col)
{
    if (!res || row < 0 || col < 0 || row >= res->nrows || col >= res->ncols)
        return NULL;
    return res->rows[row][col];
}

long long mc_dbres_int(const mc_dbres *res, int row, int col)
{
    const char *s = mc_dbres_get(res, row, col);
    return s ? strtoll(s, NULL, 10) : 0;
}
