/* upload.c: document upload (see efiling.h and
 * docs/efiling-documents.md).
 *
 * Upload (POST /envelopes/:id/documents, MC_ROUTE_RAW_BODY): the filer of a
 * draft whose court is chosen. A Content-Length over the court's limit (plus
 * UP_FORM_ALLOWANCE for the form fields) is refused with 413 before a byte is
 * read. Otherwise the body is read from the input filters in brigades and fed
 * through the streaming multipart parser; the file part goes, chunk by chunk,
 * to the document store's temporary file and to the PDF check at once, so the
 * document is never held in memory. The moment it passes the court's limit
 * the answer is 413 and the temporary file is gone. The anti-CSRF field must
 * come before the file part (our pages put it first in every form); the core
 * does not check it for raw-body routes, so this file does, the same way
 * (Sec-Fetch-Site, Origin, then the token). Only when the body is complete,
 * the form valid and the document an acceptable PDF is the file committed
 * (renamed to its final name) and its row inserted; if that transaction
 * fails the committed file is removed. A PDF with active content (or parts
 * that cannot be checked for it) is refused, unless the court's set-up
 * flags it instead: then it is kept with what was found (active_found), and
 * the clerk is warned on review.
 *
 * Removal and making a document the lead are in documents.c, download in
 * download.c; the routes of all three are mod_mocourts_efiling.c's. */
#include "efiling.h"

#include "http_request.h"
#include "util_filter.h"

#include "mc_docstore.h"
#include "mc_multipart.h"
#include "mc_pdf.h"

#define UP_FORM_ALLOWANCE (64 * 1024) /* form fields and multipart framing */
#define UP_FIELD_MAX 200              /* longest value of an ordinary field */
#define UP_READ_CHUNK (64 * 1024)     /* bytes asked of the input filters at once */
#define UP_NAME_MAX 255               /* mc_ef_document.client_name */

/* Errors of the multipart callbacks, beyond the library's. */
#define UP_ECSRF (APR_OS_START_USERERR + 2601)  /* the token is missing or wrong */
#define UP_EFIELD (APR_OS_START_USERERR + 2602) /* a field too long, a second file */
#define UP_ENAME (APR_OS_START_USERERR + 2603)  /* a traversal-style file name */

static const char FORM_EXPIRED[] = "This form could not be accepted: it has expired or did not "
                                   "come from this site. Go back, reload the page and try again.";

/* ---- the upload form's state --------------------------------------------------- */

typedef struct up_state {
    mc_req *mr;
    const ef_court *court;
    const char *origin_why; /* Sec-Fetch-Site / Origin refusal, or NULL */
    /* the part being read */
    enum { PART_SKIP, PART_FIELD, PART_FILE } part;
    const char *part_name;
    char field[UP_FIELD_MAX + 1];
    apr_size_t field_len;
    /* what the form said */
    const char *filing_code;
    int lead;
    const char *once; /* the one-time form token sent (mc_once) */
    int csrf_ok;
    int file_seen;        /* a file part began */
    const char *filename; /* the client's, sanitized (metadata only) */
    mc_docstore_writer *w;
    mc_pdf_check *pdf;
    apr_off_t bytes;
} up_state;

/* 1 when a file name is traversal-style: a ".." component between either
 * kind of separator ("../../etc/passwd.pdf", "..\\x.pdf", ".."). Such a
 * name is refused (nothing is stored), though it is never used as a path. */
static int traversal_name(const char *name)
{
    const char *s = name, *start = name;
    for (;; s++) {
        if (*s == '/' || *s == '\\' || !*s) {
            if (s - start == 2 && start[0] == '.' && start[1] == '.')
                return 1;
            if (!*s)
                return 0;
            start = s + 1;
        }
    }
}

/* The client's file name as metadata: the last component of either kind of
 * path, no control characters, valid UTF-8 only, at most UP_NAME_MAX bytes
 * (cut on a character boundary). Never used to build a path. */
static const char *clean_name(apr_pool_t *p, const char *name)
{
    const unsigned char *s;
    char *out, *o;
    const char *base = name;
    for (s = (const unsigned char *)name; *s; s++)
        if (*s == '/' || *s == '\\')
            base = (const char *)s + 1;
    o = out = apr_palloc(p, strlen(base) + 1);
    for (s = (const unsigned char *)base; *s;) {
        int n = mc_utf8_len((const char *)s);
        /* control characters: C0, DEL and C1 (U+0080..U+009F) */
        if (*s < 0x20 || *s == 0x7f || (n == 2 && *s == 0xc2 && s[1] < 0xa0))
            n = 0;
        if (!n) {
            s++;
            continue;
        }
        if ((o - out) + n > UP_NAME_MAX)
            break;
        memcpy(o, s, n);
        o += n;
        s += n;
    }
    *o = '\0';
    /* Leading and trailing blanks say nothing. */
    while (o > out && o[-1] == ' ')
        *--o = '\0';
    while (*out == ' ')
        out++;
    return out;
}

/* "25 MB", "2.5 MB" */
static const char *size_words(apr_pool_t *p, long long bytes)
{
    const long long mb = 1024 * 1024;
    if (bytes % mb == 0)
        return apr_psprintf(p, "%" APR_INT64_T_FMT " MB", (apr_int64_t)(bytes / mb));
    return apr_psprintf(p, "%.1f MB", (double)bytes / (double)mb);
}

static apr_status_t on_begin(void *baton, const char *name, const char *filename,
                             const char *content_type)
{
    up_state *st = baton;
    apr_pool_t *p = st->mr->r->pool;
    apr_status_t rv;
    st->part = PART_SKIP;
    st->part_name = name;
    st->field_len = 0;
    if (filename) {
        if (strcmp(name, "file"))
            return APR_SUCCESS; /* another file input: not ours, ignored */
        if (st->file_seen)
            return UP_EFIELD; /* one document per upload */
        st->file_seen = 1;
        /* The token must have come first: nothing is written for a form
         * that is not ours. */
        if (!st->csrf_ok)
            return UP_ECSRF;
        if (traversal_name(filename))
            return UP_ENAME;
        st->filename = clean_name(p, filename);
        if (!*filename)
            return APR_SUCCESS; /* the file input was left empty */
        rv = mc_docstore_create(p, ef_config.store, (apr_off_t)st->court->max_doc_bytes, &st->w);
        if (rv != APR_SUCCESS) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, st->mr->r,
                          MCLOGNO(2601) "cannot create a document in the store %s",
                          ef_config.store);
            return rv;
        }
        st->pdf = mc_pdf_begin(p);
        st->part = PART_FILE;
        return APR_SUCCESS;
    }
    if (!strcmp(name, "filing_code") || !strcmp(name, "lead") || !strcmp(name, "mc_csrf") ||
        !strcmp(name, MC_ONCE_FIELD))
        st->part = PART_FIELD;
    return APR_SUCCESS;
}

static apr_status_t on_data(void *baton, const char *data, apr_size_t len)
{
    up_state *st = baton;
    apr_status_t rv;
    switch (st->part) {
    case PART_FILE:
        if ((rv = mc_docstore_write(st->w, data, len)) != APR_SUCCESS)
            return rv;
        mc_pdf_feed(st->pdf, data, len);
        st->bytes += (apr_off_t)len;
        return APR_SUCCESS;
    case PART_FIELD:
        if (len > UP_FIELD_MAX - st->field_len)
            return UP_EFIELD;
        memcpy(st->field + st->field_len, data, len);
        st->field_len += len;
        return APR_SUCCESS;
    default:
        return APR_SUCCESS;
    }
}

static apr_status_t on_end(void *baton)
{
    up_state *st = baton;
    apr_pool_t *p = st->mr->r->pool;
    const char *v;
    if (st->part != PART_FIELD)
        return APR_SUCCESS;
    v = apr_pstrmemdup(p, st->field, st->field_len);
    if (!strcmp(st->part_name, "filing_code")) {
        char *code = apr_pstrdup(p, v);
        apr_collapse_spaces(code, v); /* returns the end, not the start */
        st->filing_code = code;
    }
    else if (!strcmp(st->part_name, "lead"))
        st->lead = !strcmp(v, "1");
    else if (!strcmp(st->part_name, MC_ONCE_FIELD))
        st->once = v;
    else if (!strcmp(st->part_name, "mc_csrf")) {
        st->csrf_ok = !mc_csrf_refusal(st->mr, v);
        if (!st->csrf_ok)
            return UP_ECSRF;
    }
    st->part = PART_SKIP;
    return APR_SUCCESS;
}

/* ---- pages ------------------------------------------------------------------------ */

/* No more of the body will be read: do not let httpd read (discard) the
 * rest of it to keep the connection, close it instead. */
static void no_more_body(mc_req *mr)
{
    mr->r->connection->keepalive = AP_CONN_CLOSE;
}

/* The documents form again with the refusal: what the filer chose is kept
 * (the file itself has to be chosen again). */
static int refuse(mc_req *mr, mc_db *db, const ef_env *e, const ef_court *c, const up_state *st,
                  int status, const char *sentence)
{
    apr_pool_t *p = mr->r->pool;
    mc_dbres *res;
    int i;
    no_more_body(mr);
    mc_vars_set(mr->vars, "error", sentence);
    mc_vars_set(mr->vars, "action", ef_env_url(mr, e->id, "/documents"));
    mc_vars_set(mr->vars, "back_url", ef_env_url(mr, e->id, "/documents"));
    mc_vars_set(mr->vars, "menu_url", mc_url(mr, "/"));
    ef_wiz_steps(mr, e, "documents");
    mc_vars_set(mr->vars, "court", c->name);
    mc_vars_set(mr->vars, "max_size", size_words(p, c->max_doc_bytes));
    mc_vars_set(mr->vars, "max_bytes",
                apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)c->max_doc_bytes));
    if (st) {
        mc_vars_set(mr->vars, "filing_code", st->filing_code);
        mc_vars_set(mr->vars, "lead", st->lead ? "1" : NULL);
    }
    if (db && mc_db_query(db, p, &res,
                          "SELECT code, name, fee_cents FROM mc_ef_filing_code WHERE "
                          "court_code = ? AND active = 1 ORDER BY name, code",
                          "s", c->code) == APR_SUCCESS)
        for (i = 0; i < res->nrows; i++) {
            mc_vars *row = mc_vars_row(mr->vars, "codes");
            mc_vars_set(row, "code", mc_dbres_get(res, i, 0));
            mc_vars_set(row, "label",
                        apr_psprintf(p, "%s (%s)", mc_dbres_get(res, i, 1),
                                     ef_money(p, mc_dbres_int(res, i, 2))));
        }
    return mc_render(mr, status, "upload.html", "Documents");
}

static int form_expired(mc_req *mr)
{
    no_more_body(mr);
    return mc_message(mr, HTTP_FORBIDDEN, "This form has expired", FORM_EXPIRED);
}

/* ---- upload ------------------------------------------------------------------------ */

typedef struct up_tx {
    ef_env *e;
    const up_state *st;
    long long code_id;
    const char *stored, *sha;
    apr_off_t bytes;
    unsigned active;   /* MC_PDF_FOUND_* bits of a flagged document, or 0 */
    const char *why;   /* the envelope changed meanwhile */
    long long demoted; /* the lead document this one replaced (now an attachment), or 0 */
} up_tx;

/* Where an upload sends the filer: the documents page, saying which lead
 * document it replaced. */
static const char *done_url(mc_req *mr, const up_tx *t)
{
    return ef_env_url(mr, t->e->id,
                      t->demoted
                          ? apr_psprintf(mr->r->pool, "/documents?lead_was=%" APR_INT64_T_FMT,
                                         (apr_int64_t)t->demoted)
                          : "/documents");
}

static apr_status_t insert_document(mc_req *mr, mc_db *db, void *baton)
{
    up_tx *t = baton;
    ef_env now;
    int found;
    apr_status_t rv;
    /* The form's one-time token first: a copy of this upload sent at the
     * same time waits here, then is sent where the first one went. */
    if ((rv = mc_once_claim(mr, db, t->st->once)) != APR_SUCCESS ||
        (rv = ef_env_load(mr, db, t->e->id, 1, &now, &found)) != APR_SUCCESS)
        return rv;
    if (!found || now.account_id != t->e->account_id || strcmp(now.status, "draft") ||
        strcmp(now.court_code, t->e->court_code)) {
        t->why = "The envelope changed while the document was being sent; the document was "
                 "not added. Look at the envelope and try again.";
        return APR_EGENERAL;
    }
    /* A new lead document: the old one stays, as an attachment, and the
     * documents page says so (?lead_was=). */
    if (t->st->lead) {
        mc_dbres *res;
        if ((rv = mc_db_query(db, mr->r->pool, &res,
                              "SELECT id FROM mc_ef_document WHERE envelope_id = ? AND "
                              "is_lead = 1 ORDER BY id DESC",
                              "i", t->e->id)) != APR_SUCCESS)
            return rv;
        t->demoted = res->nrows ? mc_dbres_int(res, 0, 0) : 0;
        if (t->demoted && (rv = mc_db_exec(db, NULL, NULL,
                                           "UPDATE mc_ef_document SET is_lead = 0 WHERE "
                                           "envelope_id = ? AND is_lead = 1",
                                           "i", t->e->id)) != APR_SUCCESS)
            return rv;
    }
    if ((rv = mc_db_exec(db, NULL, NULL,
                         "INSERT INTO mc_ef_document (envelope_id, is_lead, filing_code_id, "
                         "client_name, bytes, sha256, active_found, stored_name, created_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP())",
                         "iiisisis", t->e->id, (long long)(t->st->lead != 0), t->code_id,
                         t->st->filename ? t->st->filename : "", (long long)t->bytes, t->sha,
                         (long long)t->active, t->stored)) != APR_SUCCESS ||
        (rv = mc_db_exec(db, NULL, NULL,
                         "UPDATE mc_ef_envelope SET updated_at = UTC_TIMESTAMP() WHERE id = ?", "i",
                         t->e->id)) != APR_SUCCESS)
        return rv;
    return mc_once_done(mr, db, done_url(mr, t));
}

/* Feed the whole body (or until the parser's callbacks stop it) to mp.
 * *read_rv: an input error (client gone, timeout, LimitRequestBody). */
static apr_status_t read_body(request_rec *r, mc_mp *mp, apr_status_t *read_rv)
{
    apr_bucket_brigade *bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_status_t rv;
    int eos = 0;
    *read_rv = APR_SUCCESS;
    while (!eos) {
        apr_bucket *b;
        rv = ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES, APR_BLOCK_READ, UP_READ_CHUNK);
        if (rv != APR_SUCCESS) {
            *read_rv = rv;
            apr_brigade_cleanup(bb);
            return rv;
        }
        for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb); b = APR_BUCKET_NEXT(b)) {
            const char *data;
            apr_size_t len;
            if (APR_BUCKET_IS_EOS(b)) {
                eos = 1;
                break;
            }
            if (APR_BUCKET_IS_METADATA(b))
                continue;
            if ((rv = apr_bucket_read(b, &data, &len, APR_BLOCK_READ)) != APR_SUCCESS) {
                *read_rv = rv;
                apr_brigade_cleanup(bb);
                return rv;
            }
            if (len && (rv = mc_mp_feed(mp, data, len)) != APR_SUCCESS) {
                apr_brigade_cleanup(bb);
                return rv;
            }
        }
        apr_brigade_cleanup(bb);
    }
    return mc_mp_finish(mp);
}

int ef_doc_upload(mc_req *mr)
{
    request_rec *r = mr->r;
    apr_pool_t *p = r->pool;
    long long id = mc_param_id(mr, "id");
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    const char *ctype = apr_table_get(r->headers_in, "Content-Type");
    const char *err = NULL, *why, *stored, *sha;
    mc_mp_callbacks cb;
    up_state st;
    up_tx t;
    ef_env e;
    ef_court c;
    mc_db *db;
    mc_mp *mp;
    mc_dbres *res;
    apr_status_t rv, read_rv;
    apr_off_t bytes;
    mc_pdf_verdict verdict;
    unsigned active = 0;
    int rc, text = MC_PDF_TEXT_UNKNOWN;

    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS) {
        no_more_body(mr);
        return mc_fail(mr, rv);
    }
    if ((rc = ef_doc_draft_of_filer(mr, db, id, 1, &e, &c)) != -1) {
        no_more_body(mr);
        return rc;
    }
    memset(&st, 0, sizeof(st));
    st.mr = mr;
    st.court = &c;
    if ((st.origin_why = mc_csrf_origin_refusal(mr))) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCLOGNO(2602) "upload refused: %s",
                      st.origin_why);
        return form_expired(mr);
    }
    if (!ef_config.store) {
        no_more_body(mr);
        return HTTP_SERVICE_UNAVAILABLE; /* post_config refuses to start so */
    }

    /* Too big by its own declaration: refused before a byte is read. */
    if (cl) {
        char *end;
        apr_off_t n;
        if (apr_strtoff(&n, cl, &end, 10) != APR_SUCCESS || *end || n < 0) {
            no_more_body(mr);
            return HTTP_BAD_REQUEST;
        }
        if (n > (apr_off_t)c.max_doc_bytes + UP_FORM_ALLOWANCE) {
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                          MCLOGNO(2603) "upload refused: Content-Length %" APR_OFF_T_FMT
                                        " over court %s's limit",
                          n, c.code);
            return refuse(mr, db, &e, &c, NULL, HTTP_REQUEST_ENTITY_TOO_LARGE,
                          apr_psprintf(p, "The document is larger than %s's limit of %s.", c.name,
                                       size_words(p, c.max_doc_bytes)));
        }
    }

    cb.baton = &st;
    cb.part_begin = on_begin;
    cb.part_data = on_data;
    cb.part_end = on_end;
    if (!(mp = mc_mp_create(p, ctype ? ctype : "", &cb, &err)))
        return refuse(mr, db, &e, &c, NULL, HTTP_BAD_REQUEST,
                      "The document could not be received: send it with the form on this "
                      "page.");

    rv = read_body(r, mp, &read_rv);
    if (rv != APR_SUCCESS && st.w)
        mc_docstore_abort(st.w); /* nothing of a failed upload stays */
    if (read_rv != APR_SUCCESS) {
        no_more_body(mr);
        if (r->connection->aborted || APR_STATUS_IS_ECONNABORTED(read_rv) ||
            APR_STATUS_IS_ECONNRESET(read_rv) || APR_STATUS_IS_TIMEUP(read_rv) ||
            read_rv == APR_INCOMPLETE || APR_STATUS_IS_EOF(read_rv)) {
            ap_log_rerror(APLOG_MARK, APLOG_INFO, read_rv, r,
                          MCLOGNO(2604) "upload to envelope %" APR_INT64_T_FMT
                                        " not completed by the client",
                          (apr_int64_t)e.id);
            return HTTP_BAD_REQUEST;
        }
        return ap_map_http_request_error(read_rv, HTTP_BAD_REQUEST);
    }
    if (rv == MC_DOC_ETOOBIG) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      MCLOGNO(2605) "upload refused: over court %s's limit", c.code);
        return refuse(mr, db, &e, &c, &st, HTTP_REQUEST_ENTITY_TOO_LARGE,
                      apr_psprintf(p, "The document is larger than %s's limit of %s.", c.name,
                                   size_words(p, c.max_doc_bytes)));
    }
    if (rv == UP_ECSRF) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCLOGNO(2606) "upload refused: %s",
                      st.origin_why ? st.origin_why : "no or wrong anti-CSRF token");
        return form_expired(mr);
    }
    if (rv == UP_ENAME) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      MCLOGNO(2616) "upload refused: a traversal-style file name");
        return refuse(mr, db, &e, &c, &st, HTTP_BAD_REQUEST,
                      "The file name contains \"..\" as a folder: give the file a plain name, "
                      "such as petition.pdf, and upload it again.");
    }
    if (rv == UP_EFIELD || rv == APR_EINVAL) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCLOGNO(2607) "upload refused: %s",
                      rv == APR_EINVAL ? mc_mp_error(mp) : "a field too long or two files");
        return refuse(mr, db, &e, &c, &st, HTTP_BAD_REQUEST,
                      "The form could not be read: send one PDF document at a time with the "
                      "form on this page.");
    }
    if (rv != APR_SUCCESS) {
        /* The store (disk full, permissions): logged by on_begin or here. */
        no_more_body(mr);
        if (rv != APR_EGENERAL)
            ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                          MCLOGNO(2608) "storing a document for envelope %" APR_INT64_T_FMT
                                        " failed",
                          (apr_int64_t)e.id);
        return mc_message(mr, HTTP_INTERNAL_SERVER_ERROR, "Documents",
                          "The document could not be stored. Try again later; if it keeps "
                          "failing, call the eFiling Help Desk.");
    }
    if (!st.csrf_ok)
        return form_expired(mr);

    /* The whole body is here: check the form, then the document. */
    if (!st.w || !st.bytes) {
        if (st.w)
            mc_docstore_abort(st.w);
        return refuse(mr, db, &e, &c, &st, HTTP_BAD_REQUEST,
                      st.w ? "The file is empty. Choose the PDF document to file."
                           : "Choose the PDF document to file.");
    }
    verdict = mc_pdf_end(st.pdf, &text, &why);
    if (c.flag_active && (verdict == MC_PDF_ACTIVE || verdict == MC_PDF_UNCHECKED))
        active = mc_pdf_found(st.pdf);
    else if (verdict != MC_PDF_OK) {
        mc_docstore_abort(st.w);
        return refuse(mr, db, &e, &c, &st, HTTP_BAD_REQUEST, why);
    }
    if (c.text_pdf_only && text == MC_PDF_TEXT_NO) {
        mc_docstore_abort(st.w);
        return refuse(mr, db, &e, &c, &st, HTTP_BAD_REQUEST,
                      apr_pstrcat(p, c.name,
                                  " accepts only text-searchable PDF documents; this one "
                                  "appears to hold only images (a scan). Run text "
                                  "recognition (OCR) on it, or save it as PDF from the "
                                  "program that made it, and upload it again.",
                                  NULL));
    }
    if (!st.filing_code || !*st.filing_code) {
        mc_docstore_abort(st.w);
        return refuse(mr, db, &e, &c, &st, HTTP_BAD_REQUEST, "Choose the filing code.");
    }
    rv = mc_db_query(db, p, &res,
                     "SELECT id, initiating, name FROM mc_ef_filing_code WHERE court_code = ? "
                     "AND code = ? AND active = 1",
                     "ss", c.code, st.filing_code);
    if (rv != APR_SUCCESS) {
        mc_docstore_abort(st.w);
        no_more_body(mr);
        return mc_fail(mr, rv);
    }
    if (!res->nrows) {
        mc_docstore_abort(st.w);
        st.filing_code = NULL;
        return refuse(mr, db, &e, &c, &st, HTTP_BAD_REQUEST,
                      apr_pstrcat(p, "Choose one of ", c.name, "'s filing codes.", NULL));
    }
    if (!strcmp(e.kind, "new") && st.lead && !mc_dbres_int(res, 0, 1)) {
        mc_docstore_abort(st.w);
        return refuse(mr, db, &e, &c, &st, HTTP_BAD_REQUEST,
                      apr_pstrcat(p,
                                  "The lead document of a new case must be one that starts "
                                  "a case (such as a petition); ",
                                  mc_dbres_get(res, 0, 2),
                                  " does not. Choose another filing code, or upload this "
                                  "document as an attachment.",
                                  NULL));
    }

    memset(&t, 0, sizeof(t));
    t.e = &e;
    t.st = &st;
    t.code_id = mc_dbres_int(res, 0, 0);
    t.active = active;
    if ((rv = mc_docstore_commit(st.w, &stored, &sha, &bytes)) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      MCLOGNO(2609) "committing a document for envelope %" APR_INT64_T_FMT
                                    " to the store %s failed",
                      (apr_int64_t)e.id, ef_config.store);
        return mc_message(mr, HTTP_INTERNAL_SERVER_ERROR, "Documents",
                          "The document could not be stored. Try again later; if it keeps "
                          "failing, call the eFiling Help Desk.");
    }
    t.stored = stored;
    t.sha = sha;
    t.bytes = bytes;
    if ((rv = mc_req_tx(mr, insert_document, &t)) != APR_SUCCESS) {
        apr_status_t rm = mc_docstore_remove(p, ef_config.store, stored);
        if (rm != APR_SUCCESS)
            ap_log_rerror(APLOG_MARK, APLOG_ERR, rm, r,
                          MCLOGNO(2610) "could not remove the unrecorded document %s", stored);
        if (t.why)
            return refuse(mr, db, &e, &c, &st, HTTP_CONFLICT, t.why);
        return mc_once_answer(mr, rv);
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  MCLOGNO(2611) "document %s (%" APR_OFF_T_FMT
                                " bytes) added to envelope %" APR_INT64_T_FMT "%s",
                  stored, bytes, (apr_int64_t)e.id,
                  active ? ", flagged for its active content" : "");
    return mc_redirect(mr, done_url(mr, &t));
}
