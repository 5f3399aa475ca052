/* Unit tests for mc_pdf's refusal of active content: JavaScript, Launch
 * actions and embedded files, found in the file's bytes or in the object
 * streams it inflates, whatever the chunking; object streams it cannot
 * read are refused as unchecked. The PDFs: pdf_fixture.c. */
#include <apr_strings.h>
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "mc_pdf.h"
#include "pdf_fixture.h"
#include "unit_fixture.h"

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

#define JS MC_PDF_FOUND_JAVASCRIPT
#define LAUNCH MC_PDF_FOUND_LAUNCH
#define EMBEDDED MC_PDF_FOUND_EMBEDDED

/* The font sample with catalog entries extra, and object i+1 replaced by
 * the non-NULL replace[i]. */
static pdf_buf sample_with(const char *extra, const char *const replace[5])
{
    const char **objs = apr_pcalloc(mc_test_pool, sizeof(pdf_font_objs));
    pdf_opts o = {objs, 5};

    for (int i = 0; i < 5; i++)
        objs[i] = replace && replace[i] ? replace[i] : pdf_font_objs[i];
    objs[0] = apr_pstrcat(mc_test_pool, "<< /Type /Catalog /Pages 2 0 R ", extra ? extra : "",
                          " >>", NULL);
    return pdf_build(&o);
}

/* The verdict on b whole (chunk 0) or in chunks; *found gets mc_pdf_found. */
static mc_pdf_verdict found_by(pdf_buf b, apr_size_t chunk, unsigned *found, const char **why)
{
    return pdf_run(b.d, b.len, chunk, NULL, why, found);
}

/* Asserts that b is refused as active with exactly the found bits (bits
 * 0: accepted, nothing found), whole, byte by byte and in 7-byte chunks;
 * label names b in a failure. */
static void ck_found(pdf_buf b, unsigned bits, const char *label)
{
    static const apr_size_t chunks[] = {0, 1, 7};
    mc_pdf_verdict want = bits ? MC_PDF_ACTIVE : MC_PDF_OK;

    for (size_t k = 0; k < MC_TEST_COUNT(chunks); k++) {
        unsigned f;
        mc_pdf_verdict v = found_by(b, chunks[k], &f, NULL);
        ck_assert_msg(v == want, "%s in chunks of %zu: verdict %d", label, chunks[k], (int)v);
        ck_assert_msg(f == bits, "%s in chunks of %zu: found %u, not %u", label, chunks[k], f,
                      bits);
    }
}

/* The objects of the font sample with object 5 (the page's content) or
 * object 3 (the page) replaced. */
#define OBJ5(s) ((const char *const[5]){NULL, NULL, NULL, NULL, (s)})
#define OBJ3(s) ((const char *const[5]){NULL, NULL, (s)})

/* The samples whose sentence is asserted too. */
enum { SAMPLE_JS, SAMPLE_LAUNCH, SAMPLE_EMBEDDED };

/* Variants of the font sample: catalog entries and replaced objects as
 * sample_with takes them, and what each holds (0: nothing, accepted). Each
 * is a loop iteration of sample_found. */
static const struct {
    const char *extra;
    const char *const *replace;
    unsigned bits;
} samples[] = {
    [SAMPLE_JS] = {"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>", NULL, JS},
    [SAMPLE_LAUNCH] = {"/OpenAction << /S /Launch /Win << /F (cmd.exe) /P (/c calc) >> >>", NULL,
                       LAUNCH},
    [SAMPLE_EMBEDDED] = {"/Names << /EmbeddedFiles << /Names [(a.txt) << /Type /Filespec /F "
                         "(a.txt) /EF << /F 5 0 R >> >>] >> >>",
                         OBJ5("<< /Type /EmbeddedFile /Subtype /text#2Fplain /Length 5 "
                              ">>\nstream\nhello\nendstream"),
                         EMBEDDED},
    /* JavaScript in an object of its own, in the document's name tree, in
     * an additional action (/AA) of a page */
    {"/OpenAction 6 0 R", OBJ5("<< /S /JavaScript /JS 4 0 R >>"), JS},
    {"/Names << /JavaScript << /Names [(init) 4 0 R] >> >>", NULL, JS},
    {NULL,
     OBJ3("<< /Type /Page /Parent 2 0 R /AA << /O << /S /JavaScript /JS (this.print\\(\\)) >> >> "
          "/Contents 5 0 R >>"),
     JS},
    /* an /OpenAction that only goes to a page is harmless */
    {"/OpenAction [3 0 R /Fit]", NULL, 0},
    {"/OpenAction << /S /GoTo /D [3 0 R /XYZ 0 792 0] >> /PageMode /UseNone", NULL, 0},
    /* /JS alone (a rendition action's script) counts outside stream data */
    {"/OpenAction << /S /Rendition /OP 0 /JS (app.alert\\(2\\)) >>", NULL, JS},
    /* inside stream data a graphics state named /JS, or the bytes "/JS" in
     * binary data, are not script: compressed data matches short names by
     * chance */
    {NULL, OBJ5("<< /Length 16 >>\nstream\nq /JS gs /EF Q\nendstream"), 0},
    {NULL,
     OBJ5("<< /Length 9 /Filter /FlateDecode >>\r\nstream\r\n\x01/JS \x02/EF\x03\r\nendstream"), 0},
    /* names that only begin like the ones looked for */
    {"/JSON 1 /EFG 2 /JavaScripts 3 /Launcher 4 /EmbeddedFileX 5 /Java#Script 6", NULL, 0},
    /* embedded files: a file specification's /EF alone (the stream's /Type
     * is optional), a file attachment annotation (SAMPLE_EMBEDDED: in the
     * document's name tree) */
    {"/AF [<< /Type /Filespec /F (a.txt) /EF << /F 4 0 R >> >>]", NULL, EMBEDDED},
    {NULL,
     OBJ3("<< /Type /Page /Parent 2 0 R /Annots [<< /Type /Annot /Subtype /FileAttachment /Rect "
          "[0 0 9 9] /FS 4 0 R >>] >>"),
     EMBEDDED},
    /* #xx escapes are decoded before names are compared */
    {"/OpenAction << /S /J#61vaScript /#4A#53 (x) >>", NULL, JS},
    {"/OpenAction << /S /#4a#61#76#61#53#63#72#69#70#74 >>", NULL, JS},
    {"/OpenAction << /S /L#61unch /F (x.exe) >>", NULL, LAUNCH},
    {"/Names << /Embedded#46iles 4 0 R >>", NULL, EMBEDDED},
    {"/AF [<< /#45#46 << /F 4 0 R >> >>]", NULL, EMBEDDED},
    /* a '%' inside a string is not a comment */
    {"/Lang (100%) /OpenAction << /S /JavaScript /JS (x) >>", NULL, JS},
    /* a reader finds objects by offset: bytes that read as a string or a
     * comment here may be an object to it */
    {"/Title (6 0 obj << /S /Launch /F (x) >> endobj)", NULL, LAUNCH},
    {"% 6 0 obj << /S /JavaScript >> endobj\n", NULL, JS},
};

/* The sample with the same entries as samples[i]. */
static pdf_buf sample(int i)
{
    return sample_with(samples[i].extra, samples[i].replace);
}

START_TEST(sample_found)
{
    char label[32];

    snprintf(label, sizeof(label), "samples[%d]", _i);
    ck_found(sample(_i), samples[_i].bits, label);
}
END_TEST

#define JS_EXAMPLE "<< /S /JavaScript /JS (app.alert\\(3\\)) >>"
#define GOTO_EXAMPLE "<< /S /GoTo /D [3 0 R /Fit] >>"

/* An object 4 in an object stream (pdf_objstm), and what it holds; each a
 * loop iteration of objstm_found. */
static const struct {
    const char *body;
    int how;
    const char *dict;
    unsigned bits;
} objstms[] = {
    /* zlib, raw deflate (no zlib header), no filter, the type left out (/N
     * and /First say what it is), a one-element filter array */
    {JS_EXAMPLE, PDF_ZLIB, NULL, JS},
    {JS_EXAMPLE, PDF_RAW, NULL, JS},
    {JS_EXAMPLE, PDF_PLAIN, NULL, JS},
    {JS_EXAMPLE, PDF_ZLIB, "/N 1 /First 4 /Filter /FlateDecode", JS},
    {JS_EXAMPLE, PDF_ZLIB,
     "/Type /ObjStm /N 1 /First 4 /Filter [/Fl#61teDecode] /DecodeParms << /Predictor 1 >>", JS},
    /* short keys count inside an object stream, and escapes are decoded */
    {"<< /S /Rendition /JS 5 0 R >>", PDF_ZLIB, NULL, JS},
    {"<< /S /L#61unch /F (x.exe) >>", PDF_ZLIB, NULL, LAUNCH},
    {"<< /Type /Filespec /EF << /F 5 0 R >> >>", PDF_RAW, NULL, EMBEDDED},
    /* a harmless object stream */
    {GOTO_EXAMPLE, PDF_ZLIB, NULL, 0},
    {GOTO_EXAMPLE, PDF_RAW, NULL, 0},
};

START_TEST(objstm_found)
{
    ck_found(pdf_objstm(objstms[_i].body, objstms[_i].how, objstms[_i].dict), objstms[_i].bits,
             objstms[_i].body);
}
END_TEST

/* The samples whose sentence is asserted, and the sentence; each a loop
 * iteration of sentence_names_what_was_found. */
static const struct {
    int sample;
    const char *why;
} sentences[] = {
    {SAMPLE_JS, MSG_JS},
    {SAMPLE_LAUNCH, MSG_LAUNCH},
    {SAMPLE_EMBEDDED, MSG_EMBEDDED},
};

START_TEST(sentence_names_what_was_found)
{
    const char *why = NULL;
    unsigned found;

    ck_assert_int_eq(found_by(sample(sentences[_i].sample), 0, &found, &why), MC_PDF_ACTIVE);
    ck_assert_str_eq(why, sentences[_i].why);
}
END_TEST

/* An encrypted file says so first. */
START_TEST(encrypted_before_active)
{
    unsigned found;

    ck_assert_int_eq(
        found_by(sample_with("/OpenAction << /S /JavaScript /JS (x) >> /Encrypt 9 0 R", NULL), 0,
                 &found, NULL),
        MC_PDF_ENCRYPTED);
    ck_assert_uint_eq(found, JS);
}
END_TEST

/* Everything at once: the sentence names all three. */
START_TEST(all_three_named)
{
    const char *why = NULL;
    unsigned found;
    pdf_buf b = sample_with("/OpenAction << /S /JavaScript /JS (x) >> /AA << /WC << /S /Launch /F "
                            "(x.exe) >> >> /Names << /EmbeddedFiles 4 0 R >>",
                            NULL);

    ck_assert_int_eq(found_by(b, 0, &found, &why), MC_PDF_ACTIVE);
    ck_assert_uint_eq(found, JS | LAUNCH | EMBEDDED);
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

START_TEST(object_streams_are_inflated)
{
    pdf_buf b = pdf_objstm(JS_EXAMPLE, PDF_ZLIB, NULL);
    const char *why = NULL;
    unsigned found;

    /* the names are not in the file's bytes, only in the inflated stream */
    ck_assert(!pdf_contains(b, "JavaScript") && !pdf_contains(b, "/JS"));
    ck_assert_int_eq(found_by(b, 0, &found, &why), MC_PDF_ACTIVE);
    ck_assert_str_eq(why, MSG_JS);
}
END_TEST

START_TEST(unreadable_object_streams_refused)
{
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
    const char *why = NULL;
    unsigned found;
    pdf_buf b =
        pdf_objstm(GOTO_EXAMPLE, PDF_PLAIN, "/Type /ObjStm /N 1 /First 4 /Filter /LZWDecode");

    ck_assert_int_eq(found_by(b, 0, &found, &why), MC_PDF_UNCHECKED);
    ck_assert_uint_eq(found, MC_PDF_FOUND_UNCHECKED);
    ck_assert_str_eq(why, MSG_UNCHECKED);
    ck_assert_str_eq(mc_pdf_why(MC_PDF_UNCHECKED), MSG_UNCHECKED);
    for (size_t i = 0; i < MC_TEST_COUNT(dicts); i++) {
        ck_assert_msg(found_by(pdf_objstm(GOTO_EXAMPLE, PDF_ZLIB, dicts[i]), 0, &found, NULL) ==
                          MC_PDF_UNCHECKED,
                      "%s", dicts[i]);
        ck_assert_uint_eq(found, MC_PDF_FOUND_UNCHECKED);
    }
    /* data that is not deflate, and deflate data cut short */
    b = pdf_objstm(GOTO_EXAMPLE, PDF_PLAIN, "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode");
    ck_assert_int_eq(found_by(b, 0, &found, NULL), MC_PDF_UNCHECKED);
    {
        pdf_buf z = pdf_squeeze("4 0 << /S /GoTo /D [3 0 R /Fit] >>", 34, PDF_ZLIB);
        /* a stream whose data is the first half of z */
        pdf_buf cut = pdf_objstm_data("<< /Type /Catalog /Pages 2 0 R >>", z.d, z.len / 2,
                                      "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode");
        ck_assert_int_eq(found_by(cut, 0, &found, NULL), MC_PDF_UNCHECKED);
        ck_assert_int_eq(found_by(cut, 1, &found, NULL), MC_PDF_UNCHECKED);
    }
    /* an object stream's bytes are inflated up to MC_PDF_INFLATE_MAX in
     * the document: exactly that much is checked, one byte more is not */
    {
        apr_size_t n = (apr_size_t)MC_PDF_INFLATE_MAX - 4; /* after "4 0 " */
        char *spaces = apr_palloc(mc_test_pool, n + 1);
        memset(spaces, ' ', n + 1);
        b = pdf_objstm_n(spaces, n, PDF_ZLIB, NULL);
        ck_assert_uint_lt(b.len, 100000);
        ck_assert_int_eq(found_by(b, 0, &found, NULL), MC_PDF_OK);
        b = pdf_objstm_n(spaces, n + 1, PDF_ZLIB, NULL);
        ck_assert_int_eq(found_by(b, 0, &found, NULL), MC_PDF_UNCHECKED);
        ck_assert_int_eq(found_by(b, 4096, &found, NULL), MC_PDF_UNCHECKED);
    }
}
END_TEST

START_TEST(active_every_chunk_boundary)
{
    pdf_every_split(sample_with("/OpenAction << /S /J#61vaScript /#4A#53 (x) >>", NULL),
                    "escaped names", (pdf_split_want){1, -1, JS});
    pdf_every_split(pdf_objstm("<< /S /Rendition /J#53 (x) >>", PDF_ZLIB, NULL), "object stream",
                    (pdf_split_want){1, -1, JS});
    pdf_every_split(pdf_objstm("<< /S /GoTo >>", PDF_ZLIB,
                               "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /DecodeParms "
                               "<< /Predictor 12 >>"),
                    "unreadable object stream", (pdf_split_want){1, -1, MC_PDF_FOUND_UNCHECKED});
}
END_TEST

Suite *suite_pdf_active(void)
{
    Suite *s = suite_create("pdf_active");
    TCase *tc = MC_TEST_TCASE(s, "active", mc_test_pool_setup, mc_test_pool_teardown, 60,
                              encrypted_before_active, all_three_named, object_streams_are_inflated,
                              unreadable_object_streams_refused, active_every_chunk_boundary);
    tcase_add_loop_test(tc, sentence_names_what_was_found, 0, (int)MC_TEST_COUNT(sentences));
    tcase_add_loop_test(tc, sample_found, 0, (int)MC_TEST_COUNT(samples));
    tcase_add_loop_test(tc, objstm_found, 0, (int)MC_TEST_COUNT(objstms));
    return s;
}
