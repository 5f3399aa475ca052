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
 * the clerk is warned on review. Once committed, the file's text is read
 * by pdftotext out of process (redact.c): a court that takes only
 * text-searchable PDFs refuses one without text on any page, and the
 * redaction check's masked hits are kept with the row.
 *
 * Removal and making a document the lead are in documents.c, download in
 * download.c; the routes of all three are mod_mocourts_efiling.c's. */
#include "rules.h"

#include "http_request.h"
#include "util_filter.h"

#include "mc_multipart.h"

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
    ef_doc_in *d;           /* the document: its form fields and its file */
    const char *origin_why; /* Sec-Fetch-Site / Origin refusal, or NULL */
    /* the part being read */
    enum { PART_SKIP, PART_FIELD, PART_FILE } part;
    const char *part_name;
    char field[UP_FIELD_MAX + 1];
    apr_size_t field_len;
    int csrf_ok;
    int file_seen; /* a file part began */
} up_state;

/* 1 when a file name is traversal-style: a ".." component between either
 * kind of separator ("../../etc/passwd.pdf", "..\\x.pdf", ".."). Such a
 * name is refused (nothing is stored), though it is never used as a path. */
int ef_doc_traversal_name(const char *name)
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
const char *ef_doc_clean_name(apr_pool_t *p, const char *name)
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

const char *ef_doc_too_big(apr_pool_t *p, const ef_court *c)
{
    return apr_psprintf(p, "The document is larger than %s's limit of %s.", c->name,
                        size_words(p, c->max_doc_bytes));
}

apr_status_t ef_doc_begin(ef_doc_in *d)
{
    request_rec *r = d->mr->r;
    apr_status_t rv =
        mc_docstore_create(r->pool, ef_config.store, (apr_off_t)d->c->max_doc_bytes, &d->w);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      MCLOGNO(2601) "cannot create a document in the store %s", ef_config.store);
        return EF_DOC_ESTORE;
    }
    d->pdf = mc_pdf_begin(r->pool);
    return APR_SUCCESS;
}

apr_status_t ef_doc_write(ef_doc_in *d, const char *data, apr_size_t len)
{
    apr_status_t rv = mc_docstore_write(d->w, data, len);
    if (rv != APR_SUCCESS)
        return rv;
    mc_pdf_feed(d->pdf, data, len);
    d->bytes += (apr_off_t)len;
    return APR_SUCCESS;
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
        if (ef_doc_traversal_name(filename))
            return UP_ENAME;
        st->d->filename = ef_doc_clean_name(p, filename);
        if (!*filename)
            return APR_SUCCESS; /* the file input was left empty */
        if ((rv = ef_doc_begin(st->d)) != APR_SUCCESS)
            return rv;
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
    switch (st->part) {
    case PART_FILE:
        return ef_doc_write(st->d, data, len);
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
        st->d->filing_code = code;
    }
    else if (!strcmp(st->part_name, "lead"))
        st->d->lead = !strcmp(v, "1");
    else if (!strcmp(st->part_name, MC_ONCE_FIELD))
        st->d->once = v;
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
        mc_vars_set(mr->vars, "filing_code", st->d->filing_code);
        mc_vars_set(mr->vars, "lead", st->d->lead ? "1" : NULL);
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

/* The row of document d, once its file is committed (a transaction). */
typedef struct up_tx {
    ef_doc_in *d;
    long long code_id;
    const char *why; /* the envelope changed meanwhile */
} up_tx;

/* Where an upload sends the filer: the documents page, saying which lead
 * document it replaced. */
static const char *done_url(mc_req *mr, const ef_doc_in *d)
{
    return ef_env_url(mr, d->e->id,
                      d->demoted
                          ? apr_psprintf(mr->r->pool, "/documents?lead_was=%" APR_INT64_T_FMT,
                                         (apr_int64_t)d->demoted)
                          : "/documents");
}

static apr_status_t insert_document(mc_req *mr, mc_db *db, void *baton)
{
    up_tx *t = baton;
    ef_doc_in *d = t->d;
    ef_env now;
    int found;
    apr_status_t rv;
    /* The form's one-time token first: a copy of this upload sent at the
     * same time waits here, then is sent where the first one went. */
    if ((d->use_once && (rv = mc_once_claim(mr, db, d->once)) != APR_SUCCESS) ||
        (d->use_idem && (rv = mc_api_idem_claim(mr, db, &d->idem_prior)) != APR_SUCCESS) ||
        (rv = ef_env_load(mr, db, d->e->id, 1, &now, &found)) != APR_SUCCESS)
        return rv;
    if (!found || now.account_id != d->e->account_id || strcmp(now.status, "draft") ||
        strcmp(now.court_code, d->e->court_code)) {
        t->why = "The envelope changed while the document was being sent; the document was "
                 "not added. Look at the envelope and try again.";
        return APR_EGENERAL;
    }
    /* A new lead document: the old one stays, as an attachment, and the
     * documents page says so (?lead_was=). */
    d->demoted = 0;
    if (d->lead) {
        mc_dbres *res;
        if ((rv = mc_db_query(db, mr->r->pool, &res,
                              "SELECT id FROM mc_ef_document WHERE envelope_id = ? AND "
                              "is_lead = 1 ORDER BY id DESC",
                              "i", d->e->id)) != APR_SUCCESS)
            return rv;
        d->demoted = res->nrows ? mc_dbres_int(res, 0, 0) : 0;
        if (d->demoted && (rv = mc_db_exec(db, NULL, NULL,
                                           "UPDATE mc_ef_document SET is_lead = 0 WHERE "
                                           "envelope_id = ? AND is_lead = 1",
                                           "i", d->e->id)) != APR_SUCCESS)
            return rv;
    }
    if ((rv = mc_db_exec(db, NULL, &d->doc_id,
                         "INSERT INTO mc_ef_document (envelope_id, is_lead, filing_code_id, "
                         "client_name, bytes, sha256, active_found, text_pages, redaction, "
                         "stored_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, -1), "
                         "?, ?, UTC_TIMESTAMP())",
                         "iiisisiiss", d->e->id, (long long)(d->lead != 0), t->code_id,
                         d->filename ? d->filename : "", (long long)d->bytes, d->sha,
                         (long long)d->active,
                         d->text && d->text->read ? (long long)d->text->scan.pages : -1LL,
                         d->text ? d->text->status : "unchecked", d->stored)) != APR_SUCCESS ||
        (d->text && (rv = ef_text_save(db, d->doc_id, d->text)) != APR_SUCCESS) ||
        (rv = mc_db_exec(db, NULL, NULL,
                         "UPDATE mc_ef_envelope SET updated_at = UTC_TIMESTAMP() WHERE id = ?", "i",
                         d->e->id)) != APR_SUCCESS)
        return rv;
    if (d->use_idem)
        return mc_api_idem_done(mr, db,
                                apr_psprintf(mr->r->pool, "%" APR_INT64_T_FMT,
                                             (apr_int64_t)d->doc_id));
    return d->use_once ? mc_once_done(mr, db, done_url(mr, d)) : APR_SUCCESS;
}

apr_status_t ef_doc_read_body(request_rec *r,
                              apr_status_t (*feed)(void *baton, const char *data, apr_size_t len),
                              void *baton, apr_status_t *read_rv)
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
            if (len && (rv = feed(baton, data, len)) != APR_SUCCESS) {
                apr_brigade_cleanup(bb);
                return rv;
            }
        }
        apr_brigade_cleanup(bb);
    }
    return APR_SUCCESS;
}

apr_status_t ef_doc_finish(mc_db *db, ef_doc_in *d, int *status, const char **field,
                           const char **refusal)
{
    mc_req *mr = d->mr;
    request_rec *r = mr->r;
    apr_pool_t *p = r->pool;
    const ef_court *c = d->c;
    const char *why, *stored, *sha;
    mc_pdf_verdict verdict;
    apr_off_t bytes;
    apr_status_t rv;
    up_tx t;
    int text = MC_PDF_TEXT_UNKNOWN;

    *status = HTTP_BAD_REQUEST;
    *field = "file";
    if (!d->w || !d->bytes) {
        if (d->w)
            mc_docstore_abort(d->w);
        *refusal = d->w ? "The file is empty. Choose the PDF document to file."
                        : "Choose the PDF document to file.";
        return APR_SUCCESS;
    }
    verdict = mc_pdf_end(d->pdf, &text, &why);
    d->active = 0;
    if (c->flag_active && (verdict == MC_PDF_ACTIVE || verdict == MC_PDF_UNCHECKED))
        d->active = mc_pdf_found(d->pdf);
    else if (verdict != MC_PDF_OK) {
        mc_docstore_abort(d->w);
        *refusal = why;
        return APR_SUCCESS;
    }
    memset(&t, 0, sizeof(t));
    t.d = d;
    rv = ef_code_check(db, p, c, d->e, d->filing_code, d->lead, &t.code_id, field, refusal);
    if (rv != APR_SUCCESS || *refusal) {
        mc_docstore_abort(d->w);
        return rv;
    }
    if ((rv = mc_docstore_commit(d->w, &stored, &sha, &bytes)) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      MCLOGNO(2609) "committing a document for envelope %" APR_INT64_T_FMT
                                    " to the store %s failed",
                      (apr_int64_t)d->e->id, ef_config.store);
        return EF_DOC_ESTORE;
    }
    d->stored = stored;
    d->sha = sha;
    d->bytes = bytes;
    /* Its text, out of process (redact.c): the text check (pdftotext read
     * no text on any page; when it could not read the file, the fonts
     * stand in) and the redaction check's masked hits. */
    d->text = apr_pcalloc(p, sizeof(*d->text));
    ef_text_examine(mr, stored, d->text);
    if (c->text_pdf_only &&
        (d->text->read ? !d->text->scan.pages_with_text : text == MC_PDF_TEXT_NO)) {
        mc_docstore_remove(p, ef_config.store, stored);
        *refusal = apr_pstrcat(p, c->name,
                               " accepts only text-searchable PDF documents; this one has no "
                               "text on any page (a scan, or images only). Run text "
                               "recognition (OCR) on it, or save it as PDF from the program "
                               "that made it, and upload it again.",
                               NULL);
        return APR_SUCCESS;
    }
    if ((rv = mc_req_tx(mr, insert_document, &t)) != APR_SUCCESS) {
        apr_status_t rm = mc_docstore_remove(p, ef_config.store, stored);
        if (rm != APR_SUCCESS)
            ap_log_rerror(APLOG_MARK, APLOG_ERR, rm, r,
                          MCLOGNO(2610) "could not remove the unrecorded document %s", stored);
        if (!t.why)
            return rv;
        *status = HTTP_CONFLICT;
        *field = "envelope";
        *refusal = t.why;
        return APR_SUCCESS;
    }
    *status = 0;
    *refusal = NULL;
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  MCLOGNO(2611) "document %s (%" APR_OFF_T_FMT
                                " bytes) added to envelope %" APR_INT64_T_FMT "%s",
                  stored, bytes, (apr_int64_t)d->e->id,
                  d->active ? ", flagged for its active content" : "");
    return APR_SUCCESS;
}

static apr_status_t mp_feed(void *baton, const char *data, apr_size_t len)
{
    return mc_mp_feed(baton, data, len);
}

int ef_doc_upload(mc_req *mr)
{
    request_rec *r = mr->r;
    apr_pool_t *p = r->pool;
    long long id = mc_param_id(mr, "id");
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    const char *ctype = apr_table_get(r->headers_in, "Content-Type");
    const char *err = NULL, *field, *refusal;
    mc_mp_callbacks cb;
    up_state st;
    ef_doc_in d;
    ef_env e;
    ef_court c;
    mc_db *db;
    mc_mp *mp;
    apr_status_t rv, read_rv;
    int rc, status;

    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS) {
        no_more_body(mr);
        return mc_fail(mr, rv);
    }
    if ((rc = ef_doc_draft_of_filer(mr, db, id, 1, &e, &c)) != -1) {
        no_more_body(mr);
        return rc;
    }
    memset(&st, 0, sizeof(st));
    memset(&d, 0, sizeof(d));
    st.mr = d.mr = mr;
    st.d = &d;
    d.e = &e;
    d.c = &c;
    d.use_once = 1;
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
                          ef_doc_too_big(p, &c));
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

    rv = ef_doc_read_body(r, mp_feed, mp, &read_rv);
    if (rv == APR_SUCCESS)
        rv = mc_mp_finish(mp);
    if (rv != APR_SUCCESS && d.w)
        mc_docstore_abort(d.w); /* nothing of a failed upload stays */
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
        return refuse(mr, db, &e, &c, &st, HTTP_REQUEST_ENTITY_TOO_LARGE, ef_doc_too_big(p, &c));
    }
    if (rv == UP_ECSRF) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCLOGNO(2606) "upload refused: %s",
                      st.origin_why ? st.origin_why : "no or wrong anti-CSRF token");
        return form_expired(mr);
    }
    if (rv == UP_ENAME) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      MCLOGNO(2616) "upload refused: a traversal-style file name");
        return refuse(mr, db, &e, &c, &st, HTTP_BAD_REQUEST, EF_DOC_TRAVERSAL);
    }
    if (rv == UP_EFIELD || rv == APR_EINVAL) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCLOGNO(2607) "upload refused: %s",
                      rv == APR_EINVAL ? mc_mp_error(mp) : "a field too long or two files");
        return refuse(mr, db, &e, &c, &st, HTTP_BAD_REQUEST,
                      "The form could not be read: send one PDF document at a time with the "
                      "form on this page.");
    }
    if (rv != APR_SUCCESS) {
        /* The store (disk full, permissions): logged by ef_doc_begin or here. */
        no_more_body(mr);
        if (rv != EF_DOC_ESTORE)
            ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                          MCLOGNO(2608) "storing a document for envelope %" APR_INT64_T_FMT
                                        " failed",
                          (apr_int64_t)e.id);
        return mc_message(mr, HTTP_INTERNAL_SERVER_ERROR, "Documents", EF_DOC_STORE_FAILED);
    }
    if (!st.csrf_ok)
        return form_expired(mr);

    /* The whole body is here: check the form, then the document. */
    rv = ef_doc_finish(db, &d, &status, &field, &refusal);
    if (rv == EF_DOC_ESTORE)
        return mc_message(mr, HTTP_INTERNAL_SERVER_ERROR, "Documents", EF_DOC_STORE_FAILED);
    if (rv == MC_ONCE_REPEAT || rv == MC_ONCE_REFUSED)
        return mc_once_answer(mr, rv);
    if (rv != APR_SUCCESS) {
        no_more_body(mr);
        return mc_fail(mr, rv);
    }
    if (refusal) {
        if (!strcmp(field, "filing_code"))
            d.filing_code = NULL;
        return refuse(mr, db, &e, &c, &st, status, refusal);
    }
    return mc_redirect(mr, done_url(mr, &d));
}
