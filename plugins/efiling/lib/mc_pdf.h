/* mc_pdf: checks an uploaded document by its content, streaming. The
 * checker is fed the bytes as they arrive and never holds the file: it keeps
 * the first MC_PDF_HEAD bytes, the last MC_PDF_TAIL bytes, one capture buffer
 * of MC_PDF_CAPTURE bytes and a bounded list of cross-reference sections.
 *
 * What it decides (see docs/efiling-documents.md):
 *  - not a PDF: no "%PDF-1.x" or "%PDF-2.0" header in the first 1024 bytes;
 *  - encrypted: an /Encrypt entry in the trailer or cross-reference stream
 *    dictionary that startxref points to, in any other trailer or
 *    cross-reference stream dictionary of the file, or anywhere in the tail;
 *  - damaged: no "startxref <offset> %%EOF" at the end, the offset outside
 *    the file, or no "xref ... trailer << >>" / "N G obj << /Type /XRef >>
 *    stream" at that offset;
 *  - active content: JavaScript (/JavaScript, /JS), a /Launch action, or
 *    embedded files (/EmbeddedFile(s), /EF, /FileAttachment), names matched
 *    with #xx escapes decoded, in the file and inside its object streams;
 *  - uncheckable: an object stream (/ObjStm) that cannot be read to its end
 *    (a filter other than FlateDecode, a predictor, bad deflate data, or
 *    more than MC_PDF_INFLATE_MAX inflated bytes in the document);
 *  - text-searchable (a heuristic, never a verdict): at least one font
 *    (a /Font resource or an embedded font program) appears in the file. */
#ifndef MC_PDF_H
#define MC_PDF_H
#include <apr_pools.h>

#define MC_PDF_HEAD 1024       /* the header must start within these bytes */
#define MC_PDF_TAIL 65536      /* window kept for startxref / %%EOF / /Encrypt */
#define MC_PDF_CAPTURE 8192    /* longest trailer or xref-stream dictionary read */
#define MC_PDF_MAX_SECTIONS 64 /* cross-reference sections remembered */
#define MC_PDF_EOF_WINDOW 1024 /* the last %%EOF must start within these final bytes */
/* inflated object-stream bytes checked per document, at most (zip bombs) */
#define MC_PDF_INFLATE_MAX ((apr_uint64_t)32 * 1024 * 1024)

typedef enum mc_pdf_verdict {
    MC_PDF_OK = 0,
    MC_PDF_NOT_PDF,   /* no PDF header */
    MC_PDF_ENCRYPTED, /* encrypted or password-protected */
    MC_PDF_DAMAGED,   /* no parseable trailer */
    MC_PDF_ACTIVE,    /* JavaScript, a Launch action or embedded files */
    MC_PDF_UNCHECKED  /* an object stream that cannot be checked */
} mc_pdf_verdict;

/* Bits of mc_pdf_found: what the active-content check saw. */
#define MC_PDF_FOUND_JAVASCRIPT 1u
#define MC_PDF_FOUND_LAUNCH 2u
#define MC_PDF_FOUND_EMBEDDED 4u
#define MC_PDF_FOUND_UNCHECKED 8u

/* Values of *text_searchable from mc_pdf_end. */
#define MC_PDF_TEXT_NO 0  /* no font anywhere and no compressed object stream */
#define MC_PDF_TEXT_YES 1 /* a font resource or font program was seen */
#define MC_PDF_TEXT_UNKNOWN                                                                        \
    -1 /* no font seen, but compressed object streams                                              \
        * (/ObjStm) may hide the font dictionaries */

typedef struct mc_pdf_check mc_pdf_check;

/* A new checker; everything it uses (about 140 KiB by the end, about 56 KiB
 * more once a compressed object stream is inflated) lives in p. */
mc_pdf_check *mc_pdf_begin(apr_pool_t *p);
/* The next len bytes of the document. Chunk boundaries never change the
 * result. Bytes fed after mc_pdf_end are ignored. */
void mc_pdf_feed(mc_pdf_check *c, const char *data, apr_size_t len);
/* The document ended. Returns the verdict (the first that applies of not a
 * PDF, encrypted, damaged, active, unchecked); *text_searchable (when not
 * NULL) gets MC_PDF_TEXT_*; *why (when not NULL) gets a sentence for the
 * filer for any verdict but MC_PDF_OK (NULL then): static, or for
 * MC_PDF_ACTIVE in the checker's pool, naming what was found. */
mc_pdf_verdict mc_pdf_end(mc_pdf_check *c, int *text_searchable, const char **why);
/* After mc_pdf_end: the MC_PDF_FOUND_* bits, whatever the verdict (a court
 * that accepts active content and flags it for the clerk reads them). */
unsigned mc_pdf_found(const mc_pdf_check *c);
/* The sentence for a verdict (NULL for MC_PDF_OK); static. */
const char *mc_pdf_why(mc_pdf_verdict v);
/* The clerk's warning for a document accepted with these MC_PDF_FOUND_* bits
 * (a court that flags active content instead of refusing it), in p: "This
 * document contains active content (JavaScript/Launch/embedded file)."
 * naming what was found; NULL when found is 0. */
const char *mc_pdf_found_warning(apr_pool_t *p, unsigned found);
#endif
