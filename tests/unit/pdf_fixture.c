/* pdf_fixture.c: the PDF builders and chunked checks of pdf_fixture.h. */
#include <apr_strings.h>
#include <check.h>
#include <string.h>
#include <zlib.h>

#include "pdf_fixture.h"
#include "unit_fixture.h"

void pdf_put(pdf_buf *b, const void *d, apr_size_t n)
{
    b->p = mc_test_pool;
    mc_buf_add(b, d, n);
}

void pdf_puts(pdf_buf *b, const char *s)
{
    pdf_put(b, s, strlen(s));
}

/* The cross-reference stream of objects 1..n at off[1..n], itself object
 * n+1 at xref_at: /W [1 4 2] (type, offset, generation), binary. */
static void pdf_xref_stream(pdf_buf *b, const pdf_opts *o, const apr_size_t *off,
                            apr_size_t xref_at)
{
    pdf_buf s = {0};

    for (int i = 0; i <= o->n + 1; i++) {
        unsigned char e[7] = {0};
        apr_size_t v = i == 0 ? 0 : i == o->n + 1 ? xref_at : off[i];
        e[0] = i == 0 ? 0 : 1;
        e[1] = (unsigned char)(v >> 24);
        e[2] = (unsigned char)(v >> 16);
        e[3] = (unsigned char)(v >> 8);
        e[4] = (unsigned char)v;
        e[5] = i == 0 ? 0xff : 0;
        e[6] = i == 0 ? 0xff : 0;
        pdf_put(&s, e, sizeof(e));
    }
    pdf_puts(b, apr_psprintf(mc_test_pool,
                             "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R %s "
                             "/Length %lu >>\nstream\n",
                             o->n + 1, o->n + 2, o->trailer_extra ? o->trailer_extra : "",
                             (unsigned long)s.len));
    pdf_put(b, s.d, s.len);
    pdf_puts(b, "\nendstream\nendobj\n");
}

pdf_buf pdf_build(const pdf_opts *o)
{
    pdf_buf b = {0};
    apr_size_t *off = apr_pcalloc(mc_test_pool, sizeof(apr_size_t) * (apr_size_t)(o->n + 2));
    apr_size_t xref_at;
    int i;

    pdf_puts(&b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
    for (i = 0; i < o->n; i++) {
        off[i + 1] = b.len;
        pdf_puts(&b, apr_psprintf(mc_test_pool, "%d 0 obj\n", i + 1));
        pdf_put(&b, o->objs[i], o->lens ? o->lens[i] : strlen(o->objs[i]));
        pdf_puts(&b, "\nendobj\n");
    }
    xref_at = b.len;
    if (o->xref_stream)
        pdf_xref_stream(&b, o, off, xref_at);
    else {
        pdf_puts(&b, apr_psprintf(mc_test_pool, "xref\n0 %d\n0000000000 65535 f \n", o->n + 1));
        for (i = 1; i <= o->n; i++)
            pdf_puts(&b, apr_psprintf(mc_test_pool, "%010lu 00000 n \n", (unsigned long)off[i]));
        pdf_puts(&b, apr_psprintf(mc_test_pool, "trailer\n<< /Size %d /Root 1 0 R %s%s\n", o->n + 1,
                                  o->trailer_extra ? o->trailer_extra : "",
                                  o->no_trailer_close ? "" : ">>"));
    }
    for (i = 0; (apr_size_t)i < o->pad_after_xref / 64; i++)
        pdf_puts(&b, "% padding padding padding padding padding padding padding padd\n");
    pdf_puts(&b, apr_psprintf(mc_test_pool, "startxref\n%ld\n%%%%EOF\n",
                              (long)xref_at + o->startxref_delta));
    return b;
}

const char *const pdf_font_objs[5] = {
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> "
    ">> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    "<< /Length 41 >>\nstream\nBT /F1 12 Tf 72 720 Td (Hello) Tj ET\nendstream",
};

const char *const pdf_one_font_objs[5] = {
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Subtype /Type1 >>",
    "<< /Length 8 >>\nstream\nBT ET Q\nendstream",
};

const char *const pdf_scan_objs[5] = {
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /Resources << /XObject << /Im1 4 0 R >> /Fontish 1 >> "
    "/Contents 5 0 R >>",
    "<< /Type /XObject /Subtype /Image /Width 2 /Height 1 /ColorSpace /DeviceGray "
    "/BitsPerComponent 8 /Length 2 >>\nstream\n\xff\x80\nendstream",
    "<< /Length 30 >>\nstream\nq 612 0 0 792 0 0 cm /Im1 Do Q\nendstream",
};

pdf_buf pdf_squeeze(const char *d, apr_size_t n, int how)
{
    pdf_buf out = {0};
    unsigned char tmp[16384];
    z_stream z;
    int rc;

    if (how == PDF_PLAIN) {
        pdf_put(&out, d, n);
        return out;
    }
    memset(&z, 0, sizeof(z));
    ck_assert_int_eq(
        deflateInit2(&z, 9, Z_DEFLATED, how == PDF_ZLIB ? 15 : -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)d;
    z.avail_in = (uInt)n;
    do {
        z.next_out = tmp;
        z.avail_out = sizeof(tmp);
        rc = deflate(&z, Z_FINISH);
        pdf_put(&out, tmp, sizeof(tmp) - z.avail_out);
    } while (rc == Z_OK);
    ck_assert_int_eq(rc, Z_STREAM_END);
    deflateEnd(&z);
    return out;
}

pdf_buf pdf_objstm_data(const char *catalog, const char *d, apr_size_t n, const char *dict)
{
    pdf_buf obj = {0};
    const char *objs[3] = {catalog, "<< /Type /Pages /Kids [] /Count 0 >>", NULL};
    apr_size_t lens[3] = {strlen(objs[0]), strlen(objs[1]), 0};
    pdf_opts o = {objs, 3};

    pdf_puts(&obj, apr_pstrcat(mc_test_pool, "<< ", dict, " >>\nstream\n", NULL));
    pdf_put(&obj, d, n);
    pdf_puts(&obj, "\nendstream");
    objs[2] = obj.d;
    lens[2] = obj.len;
    o.lens = lens;
    return pdf_build(&o);
}

pdf_buf pdf_objstm_n(const char *body, apr_size_t n, int how, const char *dict)
{
    pdf_buf plain = {0}, data;

    pdf_puts(&plain, "4 0 ");
    pdf_put(&plain, body, n);
    data = pdf_squeeze(plain.d, plain.len, how);
    if (!dict)
        dict = how == PDF_PLAIN ? "/Type /ObjStm /N 1 /First 4"
                                : "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode";
    return pdf_objstm_data(
        "<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", data.d, data.len,
        apr_psprintf(mc_test_pool, "%s /Length %lu", dict, (unsigned long)data.len));
}

pdf_buf pdf_objstm(const char *body, int how, const char *dict)
{
    return pdf_objstm_n(body, strlen(body), how, dict);
}

int pdf_contains(pdf_buf b, const char *w)
{
    apr_size_t k = strlen(w);
    for (apr_size_t i = 0; i + k <= b.len; i++)
        if (memcmp(b.d + i, w, k) == 0)
            return 1;
    return 0;
}

mc_pdf_verdict pdf_run(const char *d, apr_size_t n, apr_size_t chunk, int *text, const char **why,
                       unsigned *found)
{
    mc_pdf_check *c = mc_pdf_begin(mc_test_pool);
    apr_size_t off = 0;
    mc_pdf_verdict v;

    if (chunk == 0)
        chunk = n ? n : 1;
    while (off < n) {
        apr_size_t k = n - off < chunk ? n - off : chunk;
        mc_pdf_feed(c, d + off, k);
        off += k;
    }
    v = mc_pdf_end(c, text, why);
    if (found)
        *found = mc_pdf_found(c);
    return v;
}

void pdf_every_split(pdf_buf b, const char *label, pdf_split_want w)
{
    for (apr_size_t k = 0; k <= b.len; k++) {
        mc_pdf_check *c = mc_pdf_begin(mc_test_pool);
        int text = -7;
        mc_pdf_verdict v;

        mc_pdf_feed(c, b.d, k);
        mc_pdf_feed(c, b.d + k, b.len - k);
        v = mc_pdf_end(c, w.text >= 0 ? &text : NULL, NULL);
        ck_assert_msg((v != MC_PDF_OK) == w.refused, "%s split at %lu: verdict %d", label,
                      (unsigned long)k, (int)v);
        if (w.text >= 0)
            ck_assert_msg(text == w.text, "%s: text %d at split %lu", label, text,
                          (unsigned long)k);
        if (w.found >= 0)
            ck_assert_msg(mc_pdf_found(c) == (unsigned)w.found, "%s split at %lu: %u", label,
                          (unsigned long)k, mc_pdf_found(c));
    }
}
