/* Unit tests for mc_multipart: the streaming multipart/form-data parser. */
#include <apr_general.h>
#include <apr_strings.h>
#include <check.h>
#include <string.h>

#include "mc_multipart.h"
#include "unit_fixture.h"

/* What the callbacks saw, as one string:
 * "[name|filename|type]data<end>" per part; NULLs shown as "-". */
typedef struct seen {
    char *log;
    int refuse_begin;
} seen;

static apr_status_t on_begin(void *b, const char *name, const char *filename, const char *ct)
{
    seen *s = b;
    s->log = apr_psprintf(mc_test_pool, "%s[%s|%s|%s]", s->log, name, filename ? filename : "-",
                          ct ? ct : "-");
    return s->refuse_begin ? APR_EGENERAL : APR_SUCCESS;
}

static apr_status_t on_data(void *b, const char *d, apr_size_t n)
{
    seen *s = b;
    ck_assert_uint_gt(n, 0);
    s->log = apr_pstrcat(mc_test_pool, s->log, apr_pstrmemdup(mc_test_pool, d, n), NULL);
    return APR_SUCCESS;
}

static apr_status_t on_end(void *b)
{
    seen *s = b;
    s->log = apr_pstrcat(mc_test_pool, s->log, "<end>", NULL);
    return APR_SUCCESS;
}

#define CT "multipart/form-data; boundary=XyZ"
#define RUNS(body, chunk, log, err) run(CT, (body), strlen(body), (chunk), (log), (err))

/* Feeds body in chunks of size chunk (0: whole); returns the finish status
 * (or the first failing feed's) and the callbacks' log in *log. */
static apr_status_t run(const char *ct, const char *body, apr_size_t len, apr_size_t chunk,
                        const char **log, const char **err)
{
    seen s = { "", 0 };
    mc_mp_callbacks cb = { &s, on_begin, on_data, on_end };
    const char *cerr = NULL;
    mc_mp *mp = mc_mp_create(mc_test_pool, ct, &cb, &cerr);
    apr_size_t off = 0;
    apr_status_t rv = APR_SUCCESS;

    ck_assert_msg(mp != NULL, "create failed: %s", cerr ? cerr : "");
    if (chunk == 0)
        chunk = len ? len : 1;
    while (off < len && rv == APR_SUCCESS) {
        apr_size_t n = len - off < chunk ? len - off : chunk;
        rv = mc_mp_feed(mp, body + off, n);
        off += n;
    }
    if (rv == APR_SUCCESS)
        rv = mc_mp_finish(mp);
    *log = s.log;
    if (err)
        *err = mc_mp_error(mp);
    return rv;
}

static const char body1[] =
    "preamble to ignore\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"title\"\r\n"
    "\r\n"
    "Hello world\r\n"
    "--XyZ  \r\n"
    "content-disposition: form-data; name=\"doc\"; filename=\"../../etc/passwd.pdf\"\r\n"
    "Content-Type: application/pdf\r\n"
    "\r\n"
    "%PDF-1.4 --XyZ inline\r\n-\r\n--\r\n--Xy\r\r\n--XyY\r\n\r\n"
    "\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"empty\"\r\n"
    "\r\n"
    "\r\n"
    "--XyZ--\r\n"
    "epilogue --XyZ garbage";

static const char log1[] =
    "[title|-|-]Hello world<end>"
    "[doc|../../etc/passwd.pdf|application/pdf]"
    "%PDF-1.4 --XyZ inline\r\n-\r\n--\r\n--Xy\r\r\n--XyY\r\n\r\n<end>"
    "[empty|-|-]<end>";

START_TEST(test_whole_body)
{
    const char *log;

    ck_assert_int_eq(run(CT, body1, sizeof(body1) - 1, 0, &log, NULL), APR_SUCCESS);
    ck_assert_str_eq(log, log1);
}
END_TEST

START_TEST(test_every_chunk_size)
{
    apr_size_t chunk;

    /* 1 byte at a time and every other split: delimiters straddle feeds. */
    for (chunk = 1; chunk <= sizeof(body1); chunk++) {
        const char *log;
        ck_assert_int_eq(run(CT, body1, sizeof(body1) - 1, chunk, &log, NULL), APR_SUCCESS);
        ck_assert_msg(strcmp(log, log1) == 0, "chunk %zu: %s", (size_t)chunk, log);
    }
}
END_TEST

typedef struct bin_sink {
    char buf[1024];
    apr_size_t n;
    int ends;
} bin_sink;

static apr_status_t bin_data(void *b, const char *d, apr_size_t n)
{
    bin_sink *s = b;
    ck_assert_uint_le(s->n + n, sizeof(s->buf));
    memcpy(s->buf + s->n, d, n);
    s->n += n;
    return APR_SUCCESS;
}

static apr_status_t bin_end(void *b)
{
    ((bin_sink *)b)->ends++;
    return APR_SUCCESS;
}

START_TEST(test_binary_content)
{
    char body[700], content[300];
    apr_size_t n, i, chunk, clen = 0;
    static const char head[] = "--XyZ\r\nContent-Disposition: form-data; name=\"bin\"; "
                               "filename=\"a.bin\"\r\n\r\n";
    static const char tail[] = "\r\n--XyZ--";

    /* Every byte value, NUL included, then CR LF - - X y (a delimiter prefix). */
    for (i = 0; i < 256; i++)
        content[clen++] = (char)i;
    memcpy(content + clen, "\r\n--Xy", 6);
    clen += 6;
    memcpy(body, head, sizeof(head) - 1);
    n = sizeof(head) - 1;
    memcpy(body + n, content, clen);
    n += clen;
    memcpy(body + n, tail, sizeof(tail) - 1);
    n += sizeof(tail) - 1;
    for (chunk = 1; chunk < 300; chunk += 7) {
        bin_sink sink = { { 0 }, 0, 0 };
        mc_mp_callbacks cb = { &sink, NULL, bin_data, bin_end };
        const char *err = NULL;
        mc_mp *mp = mc_mp_create(mc_test_pool, CT, &cb, &err);
        for (i = 0; i < n; i += chunk)
            ck_assert_int_eq(mc_mp_feed(mp, body + i, n - i < chunk ? n - i : chunk),
                             APR_SUCCESS);
        ck_assert_int_eq(mc_mp_finish(mp), APR_SUCCESS);
        ck_assert_uint_eq(sink.n, clen);
        ck_assert(memcmp(sink.buf, content, clen) == 0);
        ck_assert_int_eq(sink.ends, 1);
    }
}
END_TEST

START_TEST(test_missing_closing_boundary)
{
    const char *log, *err;
    static const char cut[] = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
                              "value\r\n--XyZ\r\nContent-Disposition: form-data; name=\"b\"\r\n"
                              "\r\nhalf";

    ck_assert_int_eq(run(CT, cut, sizeof(cut) - 1, 1, &log, &err), APR_EINVAL);
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(err, "closing boundary"));
    ck_assert_str_eq(log, "[a|-|-]value<end>[b|-|-]half"); /* b gets no end */
    /* Ending right after a delimiter, or inside one, is no better. */
    ck_assert_int_eq(RUNS("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--XyZ",
                          1, &log, NULL), APR_EINVAL);
    ck_assert_int_eq(RUNS("--XyZ\r\n", 0, &log, NULL), APR_EINVAL);
    ck_assert_int_eq(RUNS("--XyZ-", 0, &log, NULL), APR_EINVAL);
    ck_assert_int_eq(RUNS("--Xy", 0, &log, NULL), APR_EINVAL);
    ck_assert_int_eq(RUNS("", 0, &log, NULL), APR_EINVAL);
    /* A body with no parts at all is complete. */
    ck_assert_int_eq(RUNS("--XyZ--", 0, &log, NULL), APR_SUCCESS);
    ck_assert_str_eq(log, "");
}
END_TEST

START_TEST(test_malformed)
{
    static const char *const bad[] = {
        /* a delimiter followed by other text is an error, not data */
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--XyZx",
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n---XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--XyZ-x",
        "--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\n\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\n\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\n\r\n--XyZ--",
        "--XyZ\r\nNo colon here\r\n\r\n\r\n--XyZ--",
        "--XyZ\nContent-Disposition: form-data; name=a\r\n\r\n\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=a\nX: y\r\n\r\n\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\n folded\r\n\r\n\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=\"a\x01\"\r\n\r\n\r\n--XyZ--",
        "--XyZ\r\n\r\nno headers\r\n--XyZ--",
    };
    const char *log, *err;
    char *big;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err = NULL;
        ck_assert_msg(RUNS(bad[i], 1, &log, &err) == APR_EINVAL, "accepted: %s", bad[i]);
        ck_assert_ptr_nonnull(err);
    }
    ck_assert_int_eq(RUNS("--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--", 0, &log,
                          &err), APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "no field name"));
    /* Headers are bounded. */
    big = apr_pstrcat(
        mc_test_pool, "--XyZ\r\nContent-Disposition: form-data; name=a\r\nX-Pad: ",
        apr_pstrndup(mc_test_pool, memset(apr_palloc(mc_test_pool, 9000), 'p', 9000), 9000),
        "\r\n\r\nv\r\n--XyZ--", NULL);
    ck_assert_int_eq(RUNS(big, 100, &log, &err), APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "headers"));
}
END_TEST

START_TEST(test_disposition_params)
{
    const char *log;
    static const char b[] =
        "--XyZ\r\n"
        "Content-Disposition: form-data; filename=\"C:\\docs\\my \\\"brief\\\".pdf\"; "
        "NAME=upload\r\n\r\nx\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"semi;colon\"; filename=\"\"\r\n\r\ny\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''evil\r\n\r\nz\r\n"
        "--XyZ--\r\n";

    ck_assert_int_eq(run(CT, b, sizeof(b) - 1, 3, &log, NULL), APR_SUCCESS);
    ck_assert_str_eq(log, "[upload|C:\\docs\\my \"brief\".pdf|-]x<end>"
                          "[semi;colon||-]y<end>"
                          "[f|-|-]z<end>");
}
END_TEST

START_TEST(test_content_type_header)
{
    const char *log, *err = NULL;
    mc_mp_callbacks cb = { NULL, NULL, NULL, NULL };
    char b71[120];

    static const char q[] = "--a b:c\r\nContent-Disposition: form-data; name=q\r\n\r\n1\r\n"
                            "--a b:c--";

    ck_assert_int_eq(run("Multipart/Form-Data; charset=utf-8; boundary=\"a b:c\"", q,
                         sizeof(q) - 1, 1, &log, NULL), APR_SUCCESS);
    ck_assert_str_eq(log, "[q|-|-]1<end>");
    ck_assert_ptr_null(mc_mp_create(mc_test_pool, "application/x-www-form-urlencoded", &cb, &err));
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_null(mc_mp_create(mc_test_pool, "multipart/form-data", &cb, &err));
    ck_assert_ptr_null(mc_mp_create(mc_test_pool, "multipart/form-data; boundary=", &cb, &err));
    ck_assert_ptr_null(
        mc_mp_create(mc_test_pool, "multipart/form-data; boundary=\"a\r\nb\"", &cb, &err));
    ck_assert_ptr_null(mc_mp_create(mc_test_pool, "multipart/form-dataX; boundary=a", &cb, &err));
    ck_assert_ptr_null(mc_mp_create(mc_test_pool, NULL, &cb, &err));
    memset(b71, 'b', sizeof(b71));
    memcpy(b71, "multipart/form-data; boundary=", 30);
    b71[30 + 70] = '\0';
    ck_assert_ptr_nonnull(mc_mp_create(mc_test_pool, b71, &cb, &err));
    b71[30 + 70] = 'b';
    b71[30 + 71] = '\0';
    ck_assert_ptr_null(mc_mp_create(mc_test_pool, b71, &cb, &err));
}
END_TEST

START_TEST(test_callback_error_propagates)
{
    seen s = { "", 1 };
    mc_mp_callbacks cb = { &s, on_begin, on_data, on_end };
    const char *err = NULL;
    mc_mp *mp = mc_mp_create(mc_test_pool, CT, &cb, &err);

    ck_assert_int_eq(mc_mp_feed(mp, body1, sizeof(body1) - 1), APR_EGENERAL);
    ck_assert_int_eq(mc_mp_feed(mp, "more", 4), APR_EGENERAL);
    ck_assert_int_eq(mc_mp_finish(mp), APR_EGENERAL);
    ck_assert_str_eq(s.log, "[title|-|-]");
}
END_TEST

MC_TEST_SUITE(multipart, mc_test_pool_setup, mc_test_pool_teardown, 0, test_whole_body,
              test_every_chunk_size, test_binary_content, test_missing_closing_boundary,
              test_malformed, test_disposition_params, test_content_type_header,
              test_callback_error_propagates)
