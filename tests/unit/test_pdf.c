/* Unit tests for mc_pdf: the streaming PDF content check. The PDFs are built
 * here, with real cross-reference offsets. */
#include <apr_general.h>
#include <apr_strings.h>
#include <check.h>
#include <string.h>
#include <zlib.h>

#include "mc_pdf.h"

static apr_pool_t *pool;

static void setup(void)
{
    apr_initialize();
    apr_pool_create(&pool, NULL);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
    apr_terminate();
}

/* A growable byte buffer in the pool. */
typedef struct buf {
    char *d;
    apr_size_t len, cap;
} buf;

static void put(buf *b, const void *d, apr_size_t n)
{
    if (b->len + n > b->cap) {
        apr_size_t cap = (b->len + n) * 2 + 256;
        char *nd = apr_palloc(pool, cap);
        if (b->len)
            memcpy(nd, b->d, b->len);
        b->d = nd;
        b->cap = cap;
    }
    memcpy(b->d + b->len, d, n);
    b->len += n;
}

static void puts_(buf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* Options for build(). */
typedef struct pdf_opts {
    const char *const *objs; /* bodies of objects 1..n */
    int n;
    const char *trailer_extra; /* extra trailer entries, e.g. "/Encrypt 6 0 R" */
    int xref_stream;           /* a cross-reference stream instead of xref/trailer */
    apr_size_t pad_after_xref; /* comment bytes between the xref section and startxref */
    long startxref_delta;      /* added to the real offset */
    int no_trailer_close;      /* drop the trailer's closing >> */
    const apr_size_t *lens;    /* when set, objs[i] is lens[i] bytes (binary) */
} pdf_opts;

/* A PDF with objects o->objs, cross-reference offsets computed, in the pool. */
static buf build(const pdf_opts *o)
{
    buf b = {0};
    apr_size_t *off = apr_pcalloc(pool, sizeof(apr_size_t) * (apr_size_t)(o->n + 2));
    apr_size_t xref_at;
    int i;

    puts_(&b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
    for (i = 0; i < o->n; i++) {
        off[i + 1] = b.len;
        puts_(&b, apr_psprintf(pool, "%d 0 obj\n", i + 1));
        put(&b, o->objs[i], o->lens ? o->lens[i] : strlen(o->objs[i]));
        puts_(&b, "\nendobj\n");
    }
    xref_at = b.len;
    if (o->xref_stream) {
        /* /W [1 4 2]: type, offset, generation, binary */
        buf s = {0};
        for (i = 0; i <= o->n + 1; i++) {
            unsigned char e[7] = {0};
            apr_size_t v = i == 0 ? 0 : i == o->n + 1 ? xref_at : off[i];
            e[0] = i == 0 ? 0 : 1;
            e[1] = (unsigned char)(v >> 24);
            e[2] = (unsigned char)(v >> 16);
            e[3] = (unsigned char)(v >> 8);
            e[4] = (unsigned char)v;
            e[5] = i == 0 ? 0xff : 0;
            e[6] = i == 0 ? 0xff : 0;
            put(&s, e, sizeof(e));
        }
        puts_(&b, apr_psprintf(pool,
                               "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R %s "
                               "/Length %lu >>\nstream\n",
                               o->n + 1, o->n + 2, o->trailer_extra ? o->trailer_extra : "",
                               (unsigned long)s.len));
        put(&b, s.d, s.len);
        puts_(&b, "\nendstream\nendobj\n");
    }
    else {
        puts_(&b, apr_psprintf(pool, "xref\n0 %d\n0000000000 65535 f \n", o->n + 1));
        for (i = 1; i <= o->n; i++)
            puts_(&b, apr_psprintf(pool, "%010lu 00000 n \n", (unsigned long)off[i]));
        puts_(&b, apr_psprintf(pool, "trailer\n<< /Size %d /Root 1 0 R %s%s\n", o->n + 1,
                               o->trailer_extra ? o->trailer_extra : "",
                               o->no_trailer_close ? "" : ">>"));
    }
    for (i = 0; (apr_size_t)i < o->pad_after_xref / 64; i++)
        puts_(&b, "% padding padding padding padding padding padding padding padd\n");
    puts_(&b, apr_psprintf(pool, "startxref\n%ld\n%%%%EOF\n", (long)xref_at + o->startxref_delta));
    return b;
}

static const char *const font_objs[] = {
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> "
    ">> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    "<< /Length 41 >>\nstream\nBT /F1 12 Tf 72 720 Td (Hello) Tj ET\nendstream",
};

/* One font name only (/Font in the resources), for the boundary test. */
static const char *const one_font_objs[] = {
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Subtype /Type1 >>",
    "<< /Length 8 >>\nstream\nBT ET Q\nendstream",
};

static const char *const scan_objs[] = {
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /Resources << /XObject << /Im1 4 0 R >> /Fontish 1 >> "
    "/Contents 5 0 R >>",
    "<< /Type /XObject /Subtype /Image /Width 2 /Height 1 /ColorSpace /DeviceGray "
    "/BitsPerComponent 8 /Length 2 >>\nstream\n\xff\x80\nendstream",
    "<< /Length 30 >>\nstream\nq 612 0 0 792 0 0 cm /Im1 Do Q\nendstream",
};

#define SAMPLE(objs) ((pdf_opts){objs, (int)(sizeof(objs) / sizeof(objs[0]))})

/* How squeeze() packs bytes. */
enum { ZH_ZLIB, ZH_RAW, ZH_NONE };

/* d[0..n) deflated with a zlib header, as raw deflate, or as is. */
static buf squeeze(const char *d, apr_size_t n, int how)
{
    buf out = {0};
    unsigned char tmp[16384];
    z_stream z;
    int rc;

    if (how == ZH_NONE) {
        put(&out, d, n);
        return out;
    }
    memset(&z, 0, sizeof(z));
    ck_assert_int_eq(
        deflateInit2(&z, 9, Z_DEFLATED, how == ZH_ZLIB ? 15 : -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)d;
    z.avail_in = (uInt)n;
    do {
        z.next_out = tmp;
        z.avail_out = sizeof(tmp);
        rc = deflate(&z, Z_FINISH);
        put(&out, tmp, sizeof(tmp) - z.avail_out);
    } while (rc == Z_OK);
    ck_assert_int_eq(rc, Z_STREAM_END);
    deflateEnd(&z);
    return out;
}

/* A PDF whose object 4 is inside object stream 3: its bytes ("4 0 " then
 * body[0..n)) packed as how, the stream dictionary's entries dict (NULL:
 * /Type /ObjStm /N 1 /First 4, and /Filter /FlateDecode unless ZH_NONE)
 * followed by /Length. The catalog's /OpenAction is object 4. */
static buf objstm_pdf_n(const char *body, apr_size_t n, int how, const char *dict)
{
    buf plain = {0}, data, obj = {0};
    const char *objs[3];
    apr_size_t lens[3];
    pdf_opts o = {objs, 3};

    puts_(&plain, "4 0 ");
    put(&plain, body, n);
    data = squeeze(plain.d, plain.len, how);
    if (!dict)
        dict = how == ZH_NONE ? "/Type /ObjStm /N 1 /First 4"
                              : "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode";
    puts_(&obj,
          apr_psprintf(pool, "<< %s /Length %lu >>\nstream\n", dict, (unsigned long)data.len));
    put(&obj, data.d, data.len);
    puts_(&obj, "\nendstream");
    objs[0] = "<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>";
    objs[1] = "<< /Type /Pages /Kids [] /Count 0 >>";
    objs[2] = obj.d;
    lens[0] = strlen(objs[0]);
    lens[1] = strlen(objs[1]);
    lens[2] = obj.len;
    o.lens = lens;
    return build(&o);
}

static buf objstm_pdf(const char *body, int how, const char *dict)
{
    return objstm_pdf_n(body, strlen(body), how, dict);
}

/* 1 when w occurs in b. */
static int contains(buf b, const char *w)
{
    apr_size_t k = strlen(w);
    for (apr_size_t i = 0; i + k <= b.len; i++)
        if (memcmp(b.d + i, w, k) == 0)
            return 1;
    return 0;
}

/* Runs the check over d[0..n) fed in pieces of chunk bytes (0: whole). */
static mc_pdf_verdict check(const char *d, apr_size_t n, apr_size_t chunk, int *text,
                            const char **why)
{
    mc_pdf_check *c = mc_pdf_begin(pool);
    apr_size_t off = 0;

    if (chunk == 0)
        chunk = n ? n : 1;
    while (off < n) {
        apr_size_t k = n - off < chunk ? n - off : chunk;
        mc_pdf_feed(c, d + off, k);
        off += k;
    }
    return mc_pdf_end(c, text, why);
}

static mc_pdf_verdict check_buf(buf b, int *text)
{
    return check(b.d, b.len, 0, text, NULL);
}

START_TEST(valid_with_font)
{
    pdf_opts o = SAMPLE(font_objs);
    buf b = build(&o);
    int text = -7;
    const char *why = "x";

    ck_assert_int_eq(check(b.d, b.len, 0, &text, &why), MC_PDF_OK);
    ck_assert_int_eq(text, MC_PDF_TEXT_YES);
    ck_assert_ptr_null(why);
    /* byte by byte, and 7 at a time */
    ck_assert_int_eq(check(b.d, b.len, 1, &text, NULL), MC_PDF_OK);
    ck_assert_int_eq(text, MC_PDF_TEXT_YES);
    ck_assert_int_eq(check(b.d, b.len, 7, &text, NULL), MC_PDF_OK);
}
END_TEST

START_TEST(valid_without_font)
{
    pdf_opts o = SAMPLE(scan_objs);
    buf b = build(&o);
    int text = -7;

    ck_assert_int_eq(check_buf(b, &text), MC_PDF_OK);
    ck_assert_int_eq(text, MC_PDF_TEXT_NO); /* /Fontish is not /Font */
}
END_TEST

START_TEST(object_stream_is_unknown)
{
    buf b = objstm_pdf("<< /Type /Pages /Kids [] /Count 0 >>", ZH_ZLIB, NULL);
    int text = -7;

    ck_assert_int_eq(check_buf(b, &text), MC_PDF_OK);
    ck_assert_int_eq(text, MC_PDF_TEXT_UNKNOWN);
}
END_TEST

START_TEST(encrypted_trailer)
{
    static const char *const objs[] = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [] /Count 0 >>",
        "<< /Filter /Standard /V 1 /R 2 /O (0123456789abcdef0123456789abcdef) "
        "/U (0123456789abcdef0123456789abcdef) /P -44 >>",
    };
    pdf_opts o = SAMPLE(objs);
    buf b;
    const char *why = NULL;

    o.trailer_extra = "/Encrypt 3 0 R /ID [<00112233445566778899aabbccddeeff> <00>]";
    b = build(&o);
    ck_assert_int_eq(check(b.d, b.len, 0, NULL, &why), MC_PDF_ENCRYPTED);
    ck_assert_str_eq(why,
                     "The PDF is encrypted or password-protected; upload it without a password.");
    /* far from the end too: the trailer is remembered, not re-read */
    o.pad_after_xref = 200000;
    b = build(&o);
    ck_assert_int_eq(check(b.d, b.len, 4096, NULL, NULL), MC_PDF_ENCRYPTED);
}
END_TEST

START_TEST(xref_stream)
{
    pdf_opts o = SAMPLE(font_objs);
    buf b;
    int text = 0;

    o.xref_stream = 1;
    b = build(&o);
    ck_assert_int_eq(check(b.d, b.len, 0, &text, NULL), MC_PDF_OK);
    ck_assert_int_eq(text, MC_PDF_TEXT_YES);
    ck_assert_int_eq(check(b.d, b.len, 3, NULL, NULL), MC_PDF_OK);
    /* the section is found far from the tail window as well */
    o.pad_after_xref = 200000;
    b = build(&o);
    ck_assert_int_eq(check(b.d, b.len, 1000, NULL, NULL), MC_PDF_OK);
    /* and its /Encrypt entry is seen there */
    o.trailer_extra = "/Encrypt 9 0 R";
    b = build(&o);
    ck_assert_int_eq(check(b.d, b.len, 1000, NULL, NULL), MC_PDF_ENCRYPTED);
}
END_TEST

START_TEST(truncated_or_bad_offsets_are_damaged)
{
    pdf_opts o = SAMPLE(font_objs);
    buf b = build(&o);
    const char *why = NULL;

    ck_assert_int_eq(check(b.d, b.len - 7, 0, NULL, &why), MC_PDF_DAMAGED);
    ck_assert_str_eq(why, "The PDF is damaged: its end (trailer) cannot be read.");
    ck_assert_int_eq(check(b.d, b.len / 2, 0, NULL, NULL), MC_PDF_DAMAGED);
    ck_assert_int_eq(check(b.d, 9, 0, NULL, NULL), MC_PDF_DAMAGED);
    /* startxref pointing into an object, or past the end */
    o.startxref_delta = -20;
    b = build(&o);
    ck_assert_int_eq(check_buf(b, NULL), MC_PDF_DAMAGED);
    o.startxref_delta = 100000;
    b = build(&o);
    ck_assert_int_eq(check_buf(b, NULL), MC_PDF_DAMAGED);
    /* a trailer dictionary that never closes */
    o.startxref_delta = 0;
    o.no_trailer_close = 1;
    b = build(&o);
    ck_assert_int_eq(check_buf(b, NULL), MC_PDF_DAMAGED);
    /* %%EOF too far from the end */
    o.no_trailer_close = 0;
    b = build(&o);
    for (int i = 0; i < 20; i++)
        puts_(&b, "trailing garbage after the end of file ----------------------\n");
    ck_assert_int_eq(check_buf(b, NULL), MC_PDF_DAMAGED);
}
END_TEST

START_TEST(encrypt_fallback_in_tail)
{
    pdf_opts o = SAMPLE(font_objs);
    buf b;

    /* the trailer cannot be parsed, but an /Encrypt key is in the tail */
    o.no_trailer_close = 1;
    o.trailer_extra = "/Encrypt 9 0 R";
    b = build(&o);
    ck_assert_int_eq(check_buf(b, NULL), MC_PDF_ENCRYPTED);
}
END_TEST

START_TEST(not_a_pdf)
{
    const char *why = NULL;
    static const char html[] = "<html><body>%PDF-1.4 is mentioned here</body></html>";
    char late[1100];
    pdf_opts o = SAMPLE(font_objs);
    buf b = build(&o);

    ck_assert_int_eq(check("", 0, 0, NULL, &why), MC_PDF_NOT_PDF);
    ck_assert_str_eq(why, "The file is not a PDF document.");
    ck_assert_int_eq(check("hello world", 11, 0, NULL, NULL), MC_PDF_NOT_PDF);
    /* a header after junk within the first KiB counts; 1.x and 2.0 only */
    ck_assert_int_eq(check(html, sizeof(html) - 1, 0, NULL, NULL), MC_PDF_DAMAGED);
    ck_assert_int_eq(check("%PDF-3.0\n", 9, 0, NULL, NULL), MC_PDF_NOT_PDF);
    ck_assert_int_eq(check("%PDF-2.1\n", 9, 0, NULL, NULL), MC_PDF_NOT_PDF);
    ck_assert_int_eq(check("%PDF-1", 6, 0, NULL, NULL), MC_PDF_NOT_PDF);
    /* a whole valid PDF whose header starts after the first 1024 bytes */
    memset(late, ' ', sizeof(late));
    {
        buf j = {0};
        put(&j, late, sizeof(late));
        put(&j, b.d, b.len);
        ck_assert_int_eq(check_buf(j, NULL), MC_PDF_NOT_PDF);
    }
}
END_TEST

START_TEST(header_after_junk)
{
    pdf_opts o = SAMPLE(font_objs);
    buf b = build(&o), j = {0};
    int text = 0;

    /* a mail gateway's prefix: offsets still count from %PDF (readers accept) */
    puts_(&j, "X-Junk: some gateway added this line\r\n\r\n");
    put(&j, b.d, b.len);
    ck_assert_int_eq(check_buf(j, &text), MC_PDF_OK);
    ck_assert_int_eq(text, MC_PDF_TEXT_YES);
    ck_assert_int_eq(check(j.d, j.len, 5, NULL, NULL), MC_PDF_OK);
}
END_TEST

START_TEST(every_chunk_boundary)
{
    pdf_opts o = SAMPLE(one_font_objs);
    buf b = build(&o);
    apr_size_t k;

    for (k = 0; k <= b.len; k++) {
        mc_pdf_check *c = mc_pdf_begin(pool);
        int text = -7;
        mc_pdf_feed(c, b.d, k);
        mc_pdf_feed(c, b.d + k, b.len - k);
        ck_assert_msg(mc_pdf_end(c, &text, NULL) == MC_PDF_OK, "split at %lu", (unsigned long)k);
        ck_assert_msg(text == MC_PDF_TEXT_YES, "font lost at split %lu", (unsigned long)k);
    }
    /* the xref-stream variant, split at every byte as well */
    o.xref_stream = 1;
    b = build(&o);
    for (k = 0; k <= b.len; k++) {
        mc_pdf_check *c = mc_pdf_begin(pool);
        mc_pdf_feed(c, b.d, k);
        mc_pdf_feed(c, b.d + k, b.len - k);
        ck_assert_msg(mc_pdf_end(c, NULL, NULL) == MC_PDF_OK, "split at %lu", (unsigned long)k);
    }
}
END_TEST

START_TEST(large_file_wraps_the_tail)
{
    /* a 300 KB image stream: the tail window wraps, the result is the same
     * whole, in 1000-byte chunks and in chunks larger than the window */
    buf img = {0};
    const char *objs[5];
    pdf_opts o;
    buf b;
    int text = -7;

    for (int i = 0; i < 300000; i++) {
        char ch = (char)((i * 7 + 3) % 255 + 1);
        put(&img, &ch, 1);
    }
    objs[0] = scan_objs[0];
    objs[1] = scan_objs[1];
    objs[2] = scan_objs[2];
    objs[3] = apr_pstrcat(pool, "<< /Type /XObject /Subtype /Image /Length 300000 >>\nstream\n",
                          apr_pstrmemdup(pool, img.d, img.len), "\nendstream", NULL);
    objs[4] = scan_objs[4];
    o = (pdf_opts){objs, 5};
    b = build(&o);
    ck_assert_int_eq(check_buf(b, &text), MC_PDF_OK);
    ck_assert_int_eq(check(b.d, b.len, 1000, NULL, NULL), MC_PDF_OK);
    ck_assert_int_eq(check(b.d, b.len, 70000, NULL, NULL), MC_PDF_OK);
    ck_assert_int_eq(text, MC_PDF_TEXT_NO);
}
END_TEST

/* Offset of the first "xref" section keyword in b. */
static apr_size_t first_xref(buf b)
{
    for (apr_size_t i = 0; i + 6 <= b.len; i++)
        if (memcmp(b.d + i, "\nxref\n", 6) == 0)
            return i + 1;
    ck_abort_msg("no xref");
    return 0;
}

START_TEST(incremental_and_early_sections)
{
    pdf_opts o = SAMPLE(font_objs);
    buf b = build(&o), u = {0};
    apr_size_t x1 = first_xref(b), obj6, x2;

    /* an incremental update: a new object, a second xref, /Prev to the first */
    put(&u, b.d, b.len);
    obj6 = u.len;
    puts_(&u, "6 0 obj\n<< /Producer (update) >>\nendobj\n");
    x2 = u.len;
    puts_(&u, apr_psprintf(pool,
                           "xref\n6 1\n%010lu 00000 n \ntrailer\n<< /Size 7 /Root 1 0 R /Prev %lu "
                           ">>\n",
                           (unsigned long)obj6, (unsigned long)x1));
    {
        buf last = u;
        puts_(&last, apr_psprintf(pool, "startxref\n%lu\n%%%%EOF\n", (unsigned long)x2));
        ck_assert_int_eq(check(last.d, last.len, 0, NULL, NULL), MC_PDF_OK);
        ck_assert_int_eq(check(last.d, last.len, 1, NULL, NULL), MC_PDF_OK);
    }
    /* startxref may point to an earlier section (as linearized files do) */
    puts_(&u, apr_psprintf(pool, "startxref\n%lu\n%%%%EOF\n", (unsigned long)x1));
    ck_assert_int_eq(check(u.d, u.len, 0, NULL, NULL), MC_PDF_OK);
    /* an /Encrypt in an earlier revision's trailer counts */
    o.trailer_extra = "/Encrypt 9 0 R";
    b = build(&o);
    u = (buf){0};
    put(&u, b.d, b.len);
    x2 = u.len;
    puts_(&u, apr_psprintf(pool,
                           "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 6 /Root 1 0 R /Prev "
                           "%lu >>\n",
                           (unsigned long)first_xref(b)));
    for (int i = 0; i < 2000; i++)
        puts_(&u, "% a long comment that pushes the first trailer out of the tail window\n");
    puts_(&u, apr_psprintf(pool, "startxref\n%lu\n%%%%EOF\n", (unsigned long)x2));
    ck_assert_int_eq(check(u.d, u.len, 0, NULL, NULL), MC_PDF_ENCRYPTED);
}
END_TEST

/* ---- active content ------------------------------------------------------------------ */

#define MSG_JS                                                                                     \
    "This PDF contains JavaScript (a script that can run when the document is opened or "          \
    "used). Courts do not accept active content: save the document again without it (for "         \
    "example with Print to PDF) and upload it again."
#define MSG_LAUNCH                                                                                 \
    "This PDF contains a Launch action (it can start a program or open a file on the reader's "    \
    "computer). Courts do not accept active content: save the document again without it (for "     \
    "example with Print to PDF) and upload it again."
#define MSG_EMBEDDED                                                                               \
    "This PDF contains embedded files (other files attached inside the PDF). Courts do not "       \
    "accept active content: save the document again without it (for example with Print to "        \
    "PDF) and upload it again. Upload an attached file as a document of its own."
#define MSG_UNCHECKED                                                                              \
    "Part of this PDF is compressed in a way that cannot be checked for active content "           \
    "(scripts or embedded files). Save the document again (for example with Print to PDF) and "    \
    "upload it again."

/* The font sample with catalog entries extra, and object i+1 replaced by
 * the non-NULL replace[i]. */
static buf sample_with(const char *extra, const char *const replace[5])
{
    const char **objs = apr_pcalloc(pool, sizeof(font_objs));
    pdf_opts o = {objs, 5};

    for (int i = 0; i < 5; i++)
        objs[i] = replace && replace[i] ? replace[i] : font_objs[i];
    objs[0] = apr_pstrcat(pool, "<< /Type /Catalog /Pages 2 0 R ", extra ? extra : "", " >>", NULL);
    return build(&o);
}

/* The verdict in chunks of chunk bytes (0: whole); *found gets mc_pdf_found. */
static mc_pdf_verdict found_by(buf b, apr_size_t chunk, unsigned *found, const char **why)
{
    mc_pdf_check *c = mc_pdf_begin(pool);
    apr_size_t off = 0;
    mc_pdf_verdict v;

    if (chunk == 0)
        chunk = b.len ? b.len : 1;
    while (off < b.len) {
        apr_size_t k = b.len - off < chunk ? b.len - off : chunk;
        mc_pdf_feed(c, b.d + off, k);
        off += k;
    }
    v = mc_pdf_end(c, NULL, why);
    *found = mc_pdf_found(c);
    return v;
}

/* Refused as active with exactly these found bits, whole, byte by byte and
 * in 7-byte chunks. */
#define ck_active(b, bits)                                                                         \
    do {                                                                                           \
        unsigned f_;                                                                               \
        apr_size_t chunks_[] = {0, 1, 7};                                                          \
        for (int k_ = 0; k_ < 3; k_++) {                                                           \
            ck_assert_int_eq(found_by((b), chunks_[k_], &f_, NULL), MC_PDF_ACTIVE);                \
            ck_assert_uint_eq(f_, (bits));                                                         \
        }                                                                                          \
    } while (0)

#define ck_clean(b)                                                                                \
    do {                                                                                           \
        unsigned f_;                                                                               \
        ck_assert_int_eq(found_by((b), 0, &f_, NULL), MC_PDF_OK);                                  \
        ck_assert_uint_eq(f_, 0);                                                                  \
        ck_assert_int_eq(found_by((b), 1, &f_, NULL), MC_PDF_OK);                                  \
    } while (0)

START_TEST(open_action_javascript_refused_goto_accepted)
{
    const char *why = NULL;
    unsigned found;
    buf b = sample_with("/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>", NULL);

    ck_assert_int_eq(found_by(b, 0, &found, &why), MC_PDF_ACTIVE);
    ck_assert_str_eq(why, MSG_JS);
    ck_active(b, MC_PDF_FOUND_JAVASCRIPT);
    /* the script in an object of its own, and in the document's name tree */
    ck_active(
        sample_with("/OpenAction 6 0 R", (const char *const[5]){NULL, NULL, NULL, NULL,
                                                                "<< /S /JavaScript /JS 4 0 R >>"}),
        MC_PDF_FOUND_JAVASCRIPT);
    ck_active(sample_with("/Names << /JavaScript << /Names [(init) 4 0 R] >> >>", NULL),
              MC_PDF_FOUND_JAVASCRIPT);
    /* an additional action (/AA) of a page */
    ck_active(
        sample_with(
            NULL, (const char *const[5]){NULL, NULL,
                                         "<< /Type /Page /Parent 2 0 R /AA << /O << /S /JavaScript "
                                         "/JS (this.print\\(\\)) >> >> /Contents 5 0 R >>"}),
        MC_PDF_FOUND_JAVASCRIPT);
    /* an /OpenAction that only goes to a page is harmless */
    ck_clean(sample_with("/OpenAction [3 0 R /Fit]", NULL));
    ck_clean(
        sample_with("/OpenAction << /S /GoTo /D [3 0 R /XYZ 0 792 0] >> /PageMode /UseNone", NULL));
    /* an encrypted file says so first */
    ck_assert_int_eq(
        found_by(sample_with("/OpenAction << /S /JavaScript /JS (x) >> /Encrypt 9 0 R", NULL), 0,
                 &found, NULL),
        MC_PDF_ENCRYPTED);
    ck_assert_uint_eq(found, MC_PDF_FOUND_JAVASCRIPT);
}
END_TEST

START_TEST(js_key_outside_stream_data)
{
    /* /JS alone (a rendition action's script) counts outside stream data */
    ck_active(sample_with("/OpenAction << /S /Rendition /OP 0 /JS (app.alert\\(2\\)) >>", NULL),
              MC_PDF_FOUND_JAVASCRIPT);
    /* inside stream data a graphics state named /JS, or the bytes "/JS" in
     * binary data, are not script: compressed data matches short names by
     * chance */
    ck_clean(sample_with(
        NULL, (const char *const[5]){NULL, NULL, NULL, NULL,
                                     "<< /Length 16 >>\nstream\nq /JS gs /EF Q\nendstream"}));
    ck_clean(sample_with(
        NULL, (const char *const[5]){NULL, NULL, NULL, NULL,
                                     "<< /Length 9 /Filter /FlateDecode >>\r\nstream\r\n\x01/JS "
                                     "\x02/EF\x03\r\nendstream"}));
    /* names that only begin like the ones looked for */
    ck_clean(sample_with("/JSON 1 /EFG 2 /JavaScripts 3 /Launcher 4 /EmbeddedFileX 5 "
                         "/Java#Script 6",
                         NULL));
}
END_TEST

START_TEST(launch_action_refused)
{
    const char *why = NULL;
    unsigned found;
    buf b = sample_with("/OpenAction << /S /Launch /Win << /F (cmd.exe) /P (/c calc) >> >>", NULL);

    ck_assert_int_eq(found_by(b, 0, &found, &why), MC_PDF_ACTIVE);
    ck_assert_str_eq(why, MSG_LAUNCH);
    ck_active(b, MC_PDF_FOUND_LAUNCH);
}
END_TEST

START_TEST(embedded_files_refused)
{
    const char *why = NULL;
    unsigned found;
    static const char *const with_file[5] = {
        NULL, NULL, NULL, NULL,
        "<< /Type /EmbeddedFile /Subtype /text#2Fplain /Length 5 >>\nstream\nhello\nendstream"};
    buf b = sample_with("/Names << /EmbeddedFiles << /Names [(a.txt) << /Type /Filespec /F "
                        "(a.txt) /EF << /F 5 0 R >> >>] >> >>",
                        with_file);

    ck_assert_int_eq(found_by(b, 0, &found, &why), MC_PDF_ACTIVE);
    ck_assert_str_eq(why, MSG_EMBEDDED);
    ck_active(b, MC_PDF_FOUND_EMBEDDED);
    /* a file specification's /EF alone (the stream's /Type is optional) */
    ck_active(sample_with("/AF [<< /Type /Filespec /F (a.txt) /EF << /F 4 0 R >> >>]", NULL),
              MC_PDF_FOUND_EMBEDDED);
    /* a file attachment annotation */
    ck_active(sample_with(NULL,
                          (const char *const[5]){
                              NULL, NULL,
                              "<< /Type /Page /Parent 2 0 R /Annots [<< /Type /Annot "
                              "/Subtype /FileAttachment /Rect [0 0 9 9] /FS 4 0 R >>] >>"}),
              MC_PDF_FOUND_EMBEDDED);
    /* everything at once: the sentence names all three */
    b = sample_with("/OpenAction << /S /JavaScript /JS (x) >> /AA << /WC << /S /Launch /F "
                    "(x.exe) >> >> /Names << /EmbeddedFiles 4 0 R >>",
                    NULL);
    ck_assert_int_eq(found_by(b, 0, &found, &why), MC_PDF_ACTIVE);
    ck_assert_uint_eq(found, MC_PDF_FOUND_JAVASCRIPT | MC_PDF_FOUND_LAUNCH | MC_PDF_FOUND_EMBEDDED);
    ck_assert_str_eq(why, "This PDF contains JavaScript (a script that can run when the document "
                          "is opened or used), a Launch action (it can start a program or open a "
                          "file on the reader's computer) and embedded files (other files "
                          "attached inside the PDF). Courts do not accept active content: save "
                          "the document again without it (for example with Print to PDF) and "
                          "upload it again. Upload an attached file as a document of its own.");
    ck_assert_str_eq(mc_pdf_why(MC_PDF_ACTIVE),
                     "This PDF contains active content (JavaScript, a Launch action or embedded "
                     "files). Courts do not accept active content: save the document again "
                     "without it (for example with Print to PDF) and upload it again.");
}
END_TEST

START_TEST(hex_escaped_names_refused)
{
    /* #xx escapes are decoded before names are compared */
    ck_active(sample_with("/OpenAction << /S /J#61vaScript /#4A#53 (x) >>", NULL),
              MC_PDF_FOUND_JAVASCRIPT);
    ck_active(sample_with("/OpenAction << /S /#4a#61#76#61#53#63#72#69#70#74 >>", NULL),
              MC_PDF_FOUND_JAVASCRIPT);
    ck_active(sample_with("/OpenAction << /S /L#61unch /F (x.exe) >>", NULL), MC_PDF_FOUND_LAUNCH);
    ck_active(sample_with("/Names << /Embedded#46iles 4 0 R >>", NULL), MC_PDF_FOUND_EMBEDDED);
    ck_active(sample_with("/AF [<< /#45#46 << /F 4 0 R >> >>]", NULL), MC_PDF_FOUND_EMBEDDED);
}
END_TEST

START_TEST(strings_and_comments_do_not_hide_names)
{
    /* a '%' inside a string is not a comment */
    ck_active(sample_with("/Lang (100%) /OpenAction << /S /JavaScript /JS (x) >>", NULL),
              MC_PDF_FOUND_JAVASCRIPT);
    /* a reader finds objects by offset: bytes that read as a string or a
     * comment here may be an object to it */
    ck_active(sample_with("/Title (6 0 obj << /S /Launch /F (x) >> endobj)", NULL),
              MC_PDF_FOUND_LAUNCH);
    ck_active(sample_with("% 6 0 obj << /S /JavaScript >> endobj\n", NULL),
              MC_PDF_FOUND_JAVASCRIPT);
}
END_TEST

START_TEST(object_streams_are_inflated)
{
    static const char js[] = "<< /S /JavaScript /JS (app.alert\\(3\\)) >>";
    buf b = objstm_pdf(js, ZH_ZLIB, NULL);
    const char *why = NULL;
    unsigned found;

    /* the names are not in the file's bytes, only in the inflated stream */
    ck_assert(!contains(b, "JavaScript") && !contains(b, "/JS"));
    ck_assert_int_eq(found_by(b, 0, &found, &why), MC_PDF_ACTIVE);
    ck_assert_str_eq(why, MSG_JS);
    ck_active(b, MC_PDF_FOUND_JAVASCRIPT);
    /* raw deflate (no zlib header), no filter, the type left out (/N and
     * /First say what it is), a one-element filter array */
    ck_active(objstm_pdf(js, ZH_RAW, NULL), MC_PDF_FOUND_JAVASCRIPT);
    ck_active(objstm_pdf(js, ZH_NONE, NULL), MC_PDF_FOUND_JAVASCRIPT);
    ck_active(objstm_pdf(js, ZH_ZLIB, "/N 1 /First 4 /Filter /FlateDecode"),
              MC_PDF_FOUND_JAVASCRIPT);
    ck_active(objstm_pdf(js, ZH_ZLIB,
                         "/Type /ObjStm /N 1 /First 4 /Filter [/Fl#61teDecode] "
                         "/DecodeParms << /Predictor 1 >>"),
              MC_PDF_FOUND_JAVASCRIPT);
    /* short keys count inside an object stream, and escapes are decoded */
    ck_active(objstm_pdf("<< /S /Rendition /JS 5 0 R >>", ZH_ZLIB, NULL), MC_PDF_FOUND_JAVASCRIPT);
    ck_active(objstm_pdf("<< /S /L#61unch /F (x.exe) >>", ZH_ZLIB, NULL), MC_PDF_FOUND_LAUNCH);
    ck_active(objstm_pdf("<< /Type /Filespec /EF << /F 5 0 R >> >>", ZH_RAW, NULL),
              MC_PDF_FOUND_EMBEDDED);
    /* a harmless object stream */
    ck_clean(objstm_pdf("<< /S /GoTo /D [3 0 R /Fit] >>", ZH_ZLIB, NULL));
    ck_clean(objstm_pdf("<< /S /GoTo /D [3 0 R /Fit] >>", ZH_RAW, NULL));
}
END_TEST

START_TEST(unreadable_object_streams_refused)
{
    static const char goto_[] = "<< /S /GoTo /D [3 0 R /Fit] >>";
    const char *why = NULL;
    unsigned found;
    buf b = objstm_pdf(goto_, ZH_NONE, "/Type /ObjStm /N 1 /First 4 /Filter /LZWDecode");

    ck_assert_int_eq(found_by(b, 0, &found, &why), MC_PDF_UNCHECKED);
    ck_assert_uint_eq(found, MC_PDF_FOUND_UNCHECKED);
    ck_assert_str_eq(why, MSG_UNCHECKED);
    ck_assert_str_eq(mc_pdf_why(MC_PDF_UNCHECKED), MSG_UNCHECKED);
    /* filters other than FlateDecode alone, a predictor, parameters or a
     * filter given elsewhere */
    static const char *const dicts[] = {
        "/Type /ObjStm /N 1 /First 4 /Filter [/ASCIIHexDecode /FlateDecode]",
        "/Type /ObjStm /N 1 /First 4 /Filter [/FlateDecode /FlateDecode]",
        "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /DecodeParms << /Predictor 12 "
        "/Columns 4 >>",
        "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /DecodeParms 9 0 R",
        "/Type /ObjStm /N 1 /First 4 /Filter 9 0 R",
        "/N 1 /First 4 /Filter /DCTDecode",
    };
    for (apr_size_t i = 0; i < sizeof(dicts) / sizeof(dicts[0]); i++) {
        ck_assert_msg(found_by(objstm_pdf(goto_, ZH_ZLIB, dicts[i]), 0, &found, NULL) ==
                          MC_PDF_UNCHECKED,
                      "%s", dicts[i]);
        ck_assert_uint_eq(found, MC_PDF_FOUND_UNCHECKED);
    }
    /* data that is not deflate, and deflate data cut short */
    b = objstm_pdf(goto_, ZH_NONE, "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode");
    ck_assert_int_eq(found_by(b, 0, &found, NULL), MC_PDF_UNCHECKED);
    {
        buf z = squeeze("4 0 << /S /GoTo /D [3 0 R /Fit] >>", 34, ZH_ZLIB);
        buf cut;
        /* a stream whose data is the first half of z */
        const char *objs[3] = {"<< /Type /Catalog /Pages 2 0 R >>",
                               "<< /Type /Pages /Kids [] /Count 0 >>", NULL};
        apr_size_t lens[3] = {strlen(objs[0]), strlen(objs[1]), 0};
        buf obj = {0};
        pdf_opts o = {objs, 3};
        puts_(&obj, "<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>\nstream\n");
        put(&obj, z.d, z.len / 2);
        puts_(&obj, "\nendstream");
        objs[2] = obj.d;
        lens[2] = obj.len;
        o.lens = lens;
        cut = build(&o);
        ck_assert_int_eq(found_by(cut, 0, &found, NULL), MC_PDF_UNCHECKED);
        ck_assert_int_eq(found_by(cut, 1, &found, NULL), MC_PDF_UNCHECKED);
    }
    /* an object stream's bytes are inflated up to MC_PDF_INFLATE_MAX in
     * the document: exactly that much is checked, one byte more is not */
    {
        apr_size_t n = (apr_size_t)MC_PDF_INFLATE_MAX - 4; /* after "4 0 " */
        char *spaces = apr_palloc(pool, n + 1);
        memset(spaces, ' ', n + 1);
        b = objstm_pdf_n(spaces, n, ZH_ZLIB, NULL);
        ck_assert_uint_lt(b.len, 100000);
        ck_assert_int_eq(found_by(b, 0, &found, NULL), MC_PDF_OK);
        b = objstm_pdf_n(spaces, n + 1, ZH_ZLIB, NULL);
        ck_assert_int_eq(found_by(b, 0, &found, NULL), MC_PDF_UNCHECKED);
        ck_assert_int_eq(found_by(b, 4096, &found, NULL), MC_PDF_UNCHECKED);
    }
}
END_TEST

START_TEST(active_every_chunk_boundary)
{
    buf samples[3];
    unsigned bits[3] = {MC_PDF_FOUND_JAVASCRIPT, MC_PDF_FOUND_JAVASCRIPT, MC_PDF_FOUND_UNCHECKED};

    samples[0] = sample_with("/OpenAction << /S /J#61vaScript /#4A#53 (x) >>", NULL);
    samples[1] = objstm_pdf("<< /S /Rendition /J#53 (x) >>", ZH_ZLIB, NULL);
    samples[2] = objstm_pdf("<< /S /GoTo >>", ZH_ZLIB,
                            "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /DecodeParms "
                            "<< /Predictor 12 >>");
    for (int s = 0; s < 3; s++) {
        buf b = samples[s];
        for (apr_size_t k = 0; k <= b.len; k++) {
            mc_pdf_check *c = mc_pdf_begin(pool);
            mc_pdf_feed(c, b.d, k);
            mc_pdf_feed(c, b.d + k, b.len - k);
            ck_assert_msg(mc_pdf_end(c, NULL, NULL) != MC_PDF_OK, "sample %d split at %lu", s,
                          (unsigned long)k);
            ck_assert_msg(mc_pdf_found(c) == bits[s], "sample %d split at %lu: %u", s,
                          (unsigned long)k, mc_pdf_found(c));
        }
    }
}
END_TEST

START_TEST(why_sentences)
{
    ck_assert_ptr_null(mc_pdf_why(MC_PDF_OK));
    ck_assert_str_eq(mc_pdf_why(MC_PDF_NOT_PDF), "The file is not a PDF document.");
}
END_TEST

Suite *suite_pdf(void)
{
    Suite *s = suite_create("pdf");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, valid_with_font);
    tcase_add_test(tc, valid_without_font);
    tcase_add_test(tc, object_stream_is_unknown);
    tcase_add_test(tc, encrypted_trailer);
    tcase_add_test(tc, xref_stream);
    tcase_add_test(tc, truncated_or_bad_offsets_are_damaged);
    tcase_add_test(tc, encrypt_fallback_in_tail);
    tcase_add_test(tc, not_a_pdf);
    tcase_add_test(tc, header_after_junk);
    tcase_add_test(tc, every_chunk_boundary);
    tcase_add_test(tc, large_file_wraps_the_tail);
    tcase_add_test(tc, incremental_and_early_sections);
    tcase_add_test(tc, open_action_javascript_refused_goto_accepted);
    tcase_add_test(tc, js_key_outside_stream_data);
    tcase_add_test(tc, launch_action_refused);
    tcase_add_test(tc, embedded_files_refused);
    tcase_add_test(tc, hex_escaped_names_refused);
    tcase_add_test(tc, strings_and_comments_do_not_hide_names);
    tcase_add_test(tc, object_streams_are_inflated);
    tcase_add_test(tc, unreadable_object_streams_refused);
    tcase_add_test(tc, active_every_chunk_boundary);
    tcase_add_test(tc, why_sentences);
    suite_add_tcase(s, tc);
    return s;
}
