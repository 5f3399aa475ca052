/* Unit tests for mc_pdf: the streaming PDF content check reading the
 * structure (header, cross-reference sections, trailer, encryption) and
 * answering whether the text is searchable. Active content:
 * test_pdf_active.c; the PDFs: pdf_fixture.c. */
#include <apr_strings.h>
#include <check.h>
#include <string.h>

#include "mc_pdf.h"
#include "pdf_fixture.h"
#include "unit_fixture.h"

START_TEST(valid_with_font)
{
    pdf_opts o = PDF_SAMPLE(pdf_font_objs);
    pdf_buf b = pdf_build(&o);
    int text = -7;
    const char *why = "x";

    ck_assert_int_eq(pdf_run(b.d, b.len, 0, &text, &why, NULL), MC_PDF_OK);
    ck_assert_int_eq(text, MC_PDF_TEXT_YES);
    ck_assert_ptr_null(why);
    /* byte by byte, and 7 at a time */
    ck_assert_int_eq(pdf_run(b.d, b.len, 1, &text, NULL, NULL), MC_PDF_OK);
    ck_assert_int_eq(text, MC_PDF_TEXT_YES);
    ck_assert_int_eq(pdf_run(b.d, b.len, 7, &text, NULL, NULL), MC_PDF_OK);
}
END_TEST

START_TEST(valid_without_font)
{
    pdf_opts o = PDF_SAMPLE(pdf_scan_objs);
    pdf_buf b = pdf_build(&o);
    int text = -7;

    ck_assert_int_eq(pdf_run(b.d, b.len, 0, &text, NULL, NULL), MC_PDF_OK);
    ck_assert_int_eq(text, MC_PDF_TEXT_NO); /* /Fontish is not /Font */
}
END_TEST

START_TEST(object_stream_is_unknown)
{
    pdf_buf b = pdf_objstm("<< /Type /Pages /Kids [] /Count 0 >>", PDF_ZLIB, NULL);
    int text = -7;

    ck_assert_int_eq(pdf_run(b.d, b.len, 0, &text, NULL, NULL), MC_PDF_OK);
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
    pdf_opts o = PDF_SAMPLE(objs);
    pdf_buf b;
    const char *why = NULL;

    o.trailer_extra = "/Encrypt 3 0 R /ID [<00112233445566778899aabbccddeeff> <00>]";
    b = pdf_build(&o);
    ck_assert_int_eq(pdf_run(b.d, b.len, 0, NULL, &why, NULL), MC_PDF_ENCRYPTED);
    ck_assert_str_eq(why,
                     "The PDF is encrypted or password-protected; upload it without a password.");
    /* far from the end too: the trailer is remembered, not re-read */
    o.pad_after_xref = 200000;
    b = pdf_build(&o);
    ck_assert_int_eq(pdf_run(b.d, b.len, 4096, NULL, NULL, NULL), MC_PDF_ENCRYPTED);
}
END_TEST

START_TEST(xref_stream)
{
    pdf_opts o = PDF_SAMPLE(pdf_font_objs);
    pdf_buf b;
    int text = 0;

    o.xref_stream = 1;
    b = pdf_build(&o);
    ck_assert_int_eq(pdf_run(b.d, b.len, 0, &text, NULL, NULL), MC_PDF_OK);
    ck_assert_int_eq(text, MC_PDF_TEXT_YES);
    ck_assert_int_eq(pdf_run(b.d, b.len, 3, NULL, NULL, NULL), MC_PDF_OK);
    /* the section is found far from the tail window as well */
    o.pad_after_xref = 200000;
    b = pdf_build(&o);
    ck_assert_int_eq(pdf_run(b.d, b.len, 1000, NULL, NULL, NULL), MC_PDF_OK);
    /* and its /Encrypt entry is seen there */
    o.trailer_extra = "/Encrypt 9 0 R";
    b = pdf_build(&o);
    ck_assert_int_eq(pdf_run(b.d, b.len, 1000, NULL, NULL, NULL), MC_PDF_ENCRYPTED);
}
END_TEST

START_TEST(truncated_or_bad_offsets_are_damaged)
{
    pdf_opts o = PDF_SAMPLE(pdf_font_objs);
    pdf_buf b = pdf_build(&o);
    const char *why = NULL;
    const pdf_opts bad[] = {
        /* startxref pointing into an object, or past the end */
        {pdf_font_objs, 5, .startxref_delta = -20},
        {pdf_font_objs, 5, .startxref_delta = 100000},
        /* a trailer dictionary that never closes */
        {pdf_font_objs, 5, .no_trailer_close = 1},
    };

    ck_assert_int_eq(pdf_run(b.d, b.len - 7, 0, NULL, &why, NULL), MC_PDF_DAMAGED);
    ck_assert_str_eq(why, "The PDF is damaged: its end (trailer) cannot be read.");
    ck_assert_int_eq(pdf_run(b.d, b.len / 2, 0, NULL, NULL, NULL), MC_PDF_DAMAGED);
    ck_assert_int_eq(pdf_run(b.d, 9, 0, NULL, NULL, NULL), MC_PDF_DAMAGED);
    for (size_t i = 0; i < MC_TEST_COUNT(bad); i++) {
        b = pdf_build(&bad[i]);
        ck_assert_msg(pdf_run(b.d, b.len, 0, NULL, NULL, NULL) == MC_PDF_DAMAGED, "case %zu", i);
    }
    /* %%EOF too far from the end */
    b = pdf_build(&o);
    for (int i = 0; i < 20; i++)
        pdf_puts(&b, "trailing garbage after the end of file ----------------------\n");
    ck_assert_int_eq(pdf_run(b.d, b.len, 0, NULL, NULL, NULL), MC_PDF_DAMAGED);
}
END_TEST

START_TEST(encrypt_fallback_in_tail)
{
    pdf_opts o = PDF_SAMPLE(pdf_font_objs);
    pdf_buf b;

    /* the trailer cannot be parsed, but an /Encrypt key is in the tail */
    o.no_trailer_close = 1;
    o.trailer_extra = "/Encrypt 9 0 R";
    b = pdf_build(&o);
    ck_assert_int_eq(pdf_run(b.d, b.len, 0, NULL, NULL, NULL), MC_PDF_ENCRYPTED);
}
END_TEST

START_TEST(not_a_pdf)
{
    static const struct {
        const char *d;
        mc_pdf_verdict want;
    } cases[] = {
        {"hello world", MC_PDF_NOT_PDF},
        /* a header after junk within the first KiB counts; 1.x and 2.0 only */
        {"<html><body>%PDF-1.4 is mentioned here</body></html>", MC_PDF_DAMAGED},
        {"%PDF-3.0\n", MC_PDF_NOT_PDF},
        {"%PDF-2.1\n", MC_PDF_NOT_PDF},
        {"%PDF-1", MC_PDF_NOT_PDF},
    };
    const char *why = NULL;
    char late[1100];
    pdf_opts o = PDF_SAMPLE(pdf_font_objs);
    pdf_buf b = pdf_build(&o), j = {0};

    ck_assert_int_eq(pdf_run("", 0, 0, NULL, &why, NULL), MC_PDF_NOT_PDF);
    ck_assert_str_eq(why, "The file is not a PDF document.");
    for (size_t i = 0; i < MC_TEST_COUNT(cases); i++)
        ck_assert_msg(pdf_run(cases[i].d, strlen(cases[i].d), 0, NULL, NULL, NULL) == cases[i].want,
                      "%s", cases[i].d);
    /* a whole valid PDF whose header starts after the first 1024 bytes */
    memset(late, ' ', sizeof(late));
    pdf_put(&j, late, sizeof(late));
    pdf_put(&j, b.d, b.len);
    ck_assert_int_eq(pdf_run(j.d, j.len, 0, NULL, NULL, NULL), MC_PDF_NOT_PDF);
}
END_TEST

START_TEST(header_after_junk)
{
    pdf_opts o = PDF_SAMPLE(pdf_font_objs);
    pdf_buf b = pdf_build(&o), j = {0};
    int text = 0;

    /* a mail gateway's prefix: offsets still count from %PDF (readers accept) */
    pdf_puts(&j, "X-Junk: some gateway added this line\r\n\r\n");
    pdf_put(&j, b.d, b.len);
    ck_assert_int_eq(pdf_run(j.d, j.len, 0, &text, NULL, NULL), MC_PDF_OK);
    ck_assert_int_eq(text, MC_PDF_TEXT_YES);
    ck_assert_int_eq(pdf_run(j.d, j.len, 5, NULL, NULL, NULL), MC_PDF_OK);
}
END_TEST

START_TEST(every_chunk_boundary)
{
    pdf_opts o = PDF_SAMPLE(pdf_one_font_objs);

    pdf_every_split(pdf_build(&o), "xref table", (pdf_split_want){0, MC_PDF_TEXT_YES, -1});
    /* the xref-stream variant, split at every byte as well */
    o.xref_stream = 1;
    pdf_every_split(pdf_build(&o), "xref stream", (pdf_split_want){0, -1, -1});
}
END_TEST

START_TEST(large_file_wraps_the_tail)
{
    /* a 300 KB image stream: the tail window wraps, the result is the same
     * whole, in 1000-byte chunks and in chunks larger than the window */
    pdf_buf img = {0};
    const char *objs[5];
    pdf_opts o;
    pdf_buf b;
    int text = -7;

    for (int i = 0; i < 300000; i++) {
        char ch = (char)((i * 7 + 3) % 255 + 1);
        pdf_put(&img, &ch, 1);
    }
    memcpy(objs, pdf_scan_objs, sizeof(objs));
    objs[3] =
        apr_pstrcat(mc_test_pool, "<< /Type /XObject /Subtype /Image /Length 300000 >>\nstream\n",
                    apr_pstrmemdup(mc_test_pool, img.d, img.len), "\nendstream", NULL);
    o = (pdf_opts){objs, 5};
    b = pdf_build(&o);
    ck_assert_int_eq(pdf_run(b.d, b.len, 0, &text, NULL, NULL), MC_PDF_OK);
    ck_assert_int_eq(pdf_run(b.d, b.len, 1000, NULL, NULL, NULL), MC_PDF_OK);
    ck_assert_int_eq(pdf_run(b.d, b.len, 70000, NULL, NULL, NULL), MC_PDF_OK);
    ck_assert_int_eq(text, MC_PDF_TEXT_NO);
}
END_TEST

/* Offset of the first "xref" section keyword in b. */
static apr_size_t first_xref(pdf_buf b)
{
    for (apr_size_t i = 0; i + 6 <= b.len; i++)
        if (memcmp(b.d + i, "\nxref\n", 6) == 0)
            return i + 1;
    ck_abort_msg("no xref");
    return 0;
}

START_TEST(incremental_and_early_sections)
{
    pdf_opts o = PDF_SAMPLE(pdf_font_objs);
    pdf_buf b = pdf_build(&o), u = {0};
    apr_size_t x1 = first_xref(b), obj6, x2;

    /* an incremental update: a new object, a second xref, /Prev to the first */
    pdf_put(&u, b.d, b.len);
    obj6 = u.len;
    pdf_puts(&u, "6 0 obj\n<< /Producer (update) >>\nendobj\n");
    x2 = u.len;
    pdf_puts(&u, apr_psprintf(mc_test_pool,
                              "xref\n6 1\n%010lu 00000 n \ntrailer\n<< /Size 7 /Root 1 0 R /Prev "
                              "%lu >>\n",
                              (unsigned long)obj6, (unsigned long)x1));
    {
        pdf_buf last = u;
        pdf_puts(&last, apr_psprintf(mc_test_pool, "startxref\n%lu\n%%%%EOF\n", (unsigned long)x2));
        ck_assert_int_eq(pdf_run(last.d, last.len, 0, NULL, NULL, NULL), MC_PDF_OK);
        ck_assert_int_eq(pdf_run(last.d, last.len, 1, NULL, NULL, NULL), MC_PDF_OK);
    }
    /* startxref may point to an earlier section (as linearized files do) */
    pdf_puts(&u, apr_psprintf(mc_test_pool, "startxref\n%lu\n%%%%EOF\n", (unsigned long)x1));
    ck_assert_int_eq(pdf_run(u.d, u.len, 0, NULL, NULL, NULL), MC_PDF_OK);
    /* an /Encrypt in an earlier revision's trailer counts */
    o.trailer_extra = "/Encrypt 9 0 R";
    b = pdf_build(&o);
    u = (pdf_buf){0};
    pdf_put(&u, b.d, b.len);
    x2 = u.len;
    pdf_puts(&u, apr_psprintf(mc_test_pool,
                              "xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 6 /Root 1 0 R "
                              "/Prev %lu >>\n",
                              (unsigned long)first_xref(b)));
    for (int i = 0; i < 2000; i++)
        pdf_puts(&u, "% a long comment that pushes the first trailer out of the tail window\n");
    pdf_puts(&u, apr_psprintf(mc_test_pool, "startxref\n%lu\n%%%%EOF\n", (unsigned long)x2));
    ck_assert_int_eq(pdf_run(u.d, u.len, 0, NULL, NULL, NULL), MC_PDF_ENCRYPTED);
}
END_TEST

START_TEST(why_sentences)
{
    ck_assert_ptr_null(mc_pdf_why(MC_PDF_OK));
    ck_assert_str_eq(mc_pdf_why(MC_PDF_NOT_PDF), "The file is not a PDF document.");
}
END_TEST

/* The clerk's warning for a document a flagging court accepted. */
START_TEST(found_warning_names_each_kind)
{
    apr_pool_t *p = mc_test_pool;
    ck_assert_ptr_null(mc_pdf_found_warning(p, 0));
    ck_assert_str_eq(mc_pdf_found_warning(p, MC_PDF_FOUND_JAVASCRIPT),
                     "This document contains active content (JavaScript).");
    ck_assert_str_eq(mc_pdf_found_warning(p, MC_PDF_FOUND_JAVASCRIPT | MC_PDF_FOUND_LAUNCH |
                                                 MC_PDF_FOUND_EMBEDDED),
                     "This document contains active content (JavaScript/Launch/embedded file).");
    ck_assert_str_eq(mc_pdf_found_warning(p, MC_PDF_FOUND_EMBEDDED | MC_PDF_FOUND_UNCHECKED),
                     "This document contains active content (embedded file/parts that could "
                     "not be checked).");
    ck_assert_str_eq(mc_pdf_found_warning(p, MC_PDF_FOUND_UNCHECKED),
                     "This document may contain active content (parts that could not be "
                     "checked).");
}
END_TEST

MC_TEST_SUITE(pdf, mc_test_pool_setup, mc_test_pool_teardown, 60, valid_with_font,
              valid_without_font, object_stream_is_unknown, encrypted_trailer, xref_stream,
              truncated_or_bad_offsets_are_damaged, encrypt_fallback_in_tail, not_a_pdf,
              header_after_junk, every_chunk_boundary, large_file_wraps_the_tail,
              incremental_and_early_sections, why_sentences, found_warning_names_each_kind)
