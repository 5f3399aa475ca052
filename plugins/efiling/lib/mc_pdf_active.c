/* mc_pdf_active.c: active content in a PDF, while it streams (see
 * mc_pdf_active.h).
 *
 * Two readers run over every byte:
 *  - a name matcher with no notion of context: every "/Name" in the file,
 *    #xx escapes decoded, also inside strings, comments and stream data
 *    (an object is found by its offset, so bytes that read as a string or a
 *    stream here may be an object to a PDF reader). Long names that never
 *    occur by chance (/JavaScript, /Launch, /EmbeddedFile(s),
 *    /FileAttachment) count everywhere; the short keys /JS and /EF only
 *    outside stream data, where compressed bytes would match them by chance.
 *  - a structural lexer (strings, comments, dictionaries, "stream" after a
 *    dictionary, stream data up to "endstream") that says where stream data
 *    is and reads each top-level dictionary for what an object stream needs:
 *    /Type /ObjStm (or /N and /First), /Filter, a /Predictor.
 * An object stream's data goes, without filter or through FlateDecode
 * (zlib, raw deflate accepted as readers do), to a second name matcher where
 * the short keys count too. Inflated bytes are capped per document
 * (MC_PDF_INFLATE_MAX). An object stream that cannot be read to its end
 * (another filter, a predictor, a deflate error, the cap) sets
 * MC_PDF_FOUND_UNCHECKED: what it holds is unknown, so it is not accepted. */
#include "mc_pdf_active.h"
#include "mc_form.h"
#include "mc_pdf.h"

#include <string.h>
#include <zlib.h>

#define NAME_KEEP 24            /* longest name compared; longer ones match nothing */
#define WORD_KEEP 16            /* longest keyword or number kept */
#define INFLATE_OUT (16 * 1024) /* inflated bytes scanned at a time */

/* A name being read; #xx escapes decoded as pdf.js does ('#' not followed
 * by two hex digits stays literal). */
typedef struct pname {
    char s[NAME_KEEP];
    apr_size_t len; /* may pass NAME_KEEP: such a name matches nothing */
    int hex;        /* 0; 1: after '#'; 2: after '#' and one digit */
    char digit;
} pname;

/* The context-free name matcher. */
typedef struct scan {
    int in;
    pname n;
} scan;

enum {
    L_NONE,
    L_WORD,    /* a keyword or number */
    L_NAME,    /* a name */
    L_COMMENT, /* to the end of the line */
    L_STRING,  /* a literal string ( ) */
    L_HEX,     /* a hex string < > */
    L_LT,      /* after '<': a dictionary or a hex string */
    L_GT,      /* after '>' */
    L_EOL,     /* after "stream", up to the end of the line */
    L_EOL_CR,  /* after "stream" ... CR */
    L_DATA     /* stream data, up to "endstream" */
};

enum { OS_NONE, OS_RAW, OS_INFLATE, OS_ENDED };

struct mc_pdf_active {
    apr_pool_t *p;
    unsigned found;
    scan names; /* every byte of the file */

    /* the structural lexer */
    int state;
    int str_depth, str_esc;
    char word[WORD_KEEP];
    apr_size_t word_len;
    pname key;
    int depth;      /* << >> nesting */
    int after_dict; /* the last token closed a top-level dictionary */
    int end_match;  /* bytes of "endstream" matched in stream data */

    /* the top-level dictionary being read */
    int objstm, has_n, has_first, type_next;
    int filter_state; /* 0; 1: /Filter's value expected; 2: in its array */
    int nfilters, bad_filter;
    int predictor_next, parms_next, predicted;

    /* the object stream being read */
    int os_mode;
    scan os_names;
    unsigned char hdr[2]; /* the first bytes of a FlateDecode stream */
    int hdr_n;
    z_stream z;
    int z_ready;
    unsigned char *out;
    apr_uint64_t inflated; /* in the whole document */
};

static void pname_put(pname *n, char ch)
{
    if (n->len < NAME_KEEP)
        n->s[n->len] = ch;
    n->len++;
}

static void pname_reset(pname *n)
{
    n->len = 0;
    n->hex = 0;
}

/* The next regular character of a name. */
static void pname_add(pname *n, unsigned char ch)
{
    if (n->hex == 1) {
        n->hex = 0;
        if (mc_hex_value(ch) >= 0) {
            n->digit = (char)ch;
            n->hex = 2;
            return;
        }
        pname_put(n, '#');
        pname_put(n, (char)ch);
        return;
    }
    if (n->hex == 2) {
        n->hex = 0;
        if (mc_hex_value(ch) >= 0) {
            pname_put(n, (char)(mc_hex_value((unsigned char)n->digit) * 16 + mc_hex_value(ch)));
            return;
        }
        pname_put(n, '#');
        pname_put(n, n->digit);
        pname_put(n, (char)ch);
        return;
    }
    if (ch == '#')
        n->hex = 1;
    else
        pname_put(n, (char)ch);
}

/* The name ended: an escape cut short stays literal. */
static void pname_close(pname *n)
{
    if (n->hex >= 1)
        pname_put(n, '#');
    if (n->hex == 2)
        pname_put(n, n->digit);
    n->hex = 0;
}

static int pname_is(const pname *n, const char *w)
{
    apr_size_t k = strlen(w);
    return n->len == k && memcmp(n->s, w, k) == 0;
}

static const struct {
    const char *name;
    unsigned found;
    int short_key; /* counts only where chance matches are not expected */
} active_names[] = {
    {"JavaScript", MC_PDF_FOUND_JAVASCRIPT, 0},
    {"JS", MC_PDF_FOUND_JAVASCRIPT, 1},
    {"Launch", MC_PDF_FOUND_LAUNCH, 0},
    {"EmbeddedFile", MC_PDF_FOUND_EMBEDDED, 0},
    {"EmbeddedFiles", MC_PDF_FOUND_EMBEDDED, 0},
    {"FileAttachment", MC_PDF_FOUND_EMBEDDED, 0},
    {"EF", MC_PDF_FOUND_EMBEDDED, 1},
};

/* One byte through a name matcher; returns what a name ending here is. */
static unsigned scan_byte(scan *sc, unsigned char ch, int short_ok)
{
    unsigned found = 0;
    apr_size_t i;

    if (sc->in) {
        if (mc_pdf_is_regular(ch)) {
            pname_add(&sc->n, ch);
            return 0;
        }
        pname_close(&sc->n);
        for (i = 0; i < sizeof(active_names) / sizeof(active_names[0]); i++)
            if ((short_ok || !active_names[i].short_key) && pname_is(&sc->n, active_names[i].name))
                found |= active_names[i].found;
        sc->in = 0;
    }
    if (ch == '/') {
        sc->in = 1;
        pname_reset(&sc->n);
    }
    return found;
}

mc_pdf_active *mc_pdf_active_begin(apr_pool_t *p)
{
    mc_pdf_active *a = apr_pcalloc(p, sizeof(*a));
    a->p = p;
    return a;
}

/* ---- object streams -------------------------------------------------------- */

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
    return apr_palloc(opaque, (apr_size_t)items * size);
}

static void z_free(voidpf opaque, voidpf address)
{
    /* the pool frees it; inflateReset reuses what inflateInit took */
}

static void os_fail(mc_pdf_active *a)
{
    a->found |= MC_PDF_FOUND_UNCHECKED;
    a->os_mode = OS_ENDED;
}

static void os_scan(mc_pdf_active *a, const unsigned char *d, apr_size_t n)
{
    apr_size_t i;
    for (i = 0; i < n; i++)
        a->found |= scan_byte(&a->os_names, d[i], 1);
}

/* A stream's dictionary is read: set up for its data. */
static void os_begin(mc_pdf_active *a)
{
    a->os_mode = OS_NONE;
    memset(&a->os_names, 0, sizeof(a->os_names));
    if (!a->objstm && !(a->has_n && a->has_first))
        return;
    if (a->bad_filter || a->predicted || a->nfilters > 1) {
        os_fail(a);
        return;
    }
    if (a->nfilters == 0) {
        a->os_mode = OS_RAW;
        return;
    }
    if (!a->z_ready) {
        a->z.zalloc = z_alloc;
        a->z.zfree = z_free;
        a->z.opaque = a->p;
        if (inflateInit2(&a->z, -MAX_WBITS) != Z_OK) {
            os_fail(a);
            return;
        }
        a->out = apr_palloc(a->p, INFLATE_OUT);
        a->z_ready = 1;
    }
    else if (inflateReset(&a->z) != Z_OK) {
        os_fail(a);
        return;
    }
    a->hdr_n = 0;
    a->os_mode = OS_INFLATE;
}

static void os_inflate(mc_pdf_active *a, const unsigned char *d, apr_size_t n)
{
    z_stream *z = &a->z;

    while (n > 0 && a->os_mode == OS_INFLATE) {
        uInt k = n > 65536 ? 65536 : (uInt)n;
        z->next_in = (Bytef *)d;
        z->avail_in = k;
        d += k;
        n -= k;
        for (;;) {
            apr_size_t got;
            int rc;
            z->next_out = a->out;
            z->avail_out = INFLATE_OUT;
            rc = inflate(z, Z_NO_FLUSH);
            got = INFLATE_OUT - z->avail_out;
            if (a->inflated + got > MC_PDF_INFLATE_MAX) {
                /* scanned to the cap exactly, whatever the chunks were */
                os_scan(a, a->out, (apr_size_t)(MC_PDF_INFLATE_MAX - a->inflated));
                a->inflated = MC_PDF_INFLATE_MAX;
                os_fail(a);
                return;
            }
            os_scan(a, a->out, got);
            a->inflated += got;
            if (rc == Z_STREAM_END) {
                a->os_mode = OS_ENDED; /* what follows (EOL, a checksum) is not data */
                return;
            }
            if (rc == Z_BUF_ERROR || (rc == Z_OK && z->avail_in == 0 && z->avail_out > 0))
                break; /* wants more input */
            if (rc != Z_OK) {
                os_fail(a);
                return;
            }
        }
    }
}

/* Bytes of the stream's data. */
static void os_data(mc_pdf_active *a, const unsigned char *d, apr_size_t n)
{
    if (a->os_mode == OS_RAW) {
        os_scan(a, d, n);
        return;
    }
    if (a->os_mode != OS_INFLATE)
        return;
    /* A zlib header (RFC 1950) is skipped; without one the data is taken
     * as raw deflate, as lenient readers do. A preset dictionary cannot be
     * read. */
    while (a->hdr_n < 2 && n > 0) {
        a->hdr[a->hdr_n++] = *d++;
        n--;
        if (a->hdr_n == 2) {
            unsigned cmf = a->hdr[0], flg = a->hdr[1];
            if ((cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0) {
                if (flg & 0x20) {
                    os_fail(a);
                    return;
                }
            }
            else
                os_inflate(a, a->hdr, 2);
        }
    }
    if (n > 0)
        os_inflate(a, d, n);
}

/* The stream's data ended ("endstream", or the end of the file). */
static void os_end(mc_pdf_active *a)
{
    if (a->os_mode == OS_INFLATE)
        os_fail(a); /* the deflate data did not end: the rest is unknown */
    a->found |= scan_byte(&a->os_names, ' ', 1);
    a->os_mode = OS_NONE;
}

/* ---- the structural lexer ---------------------------------------------------- */

/* Failure function of "endstream" (for a KMP search over stream data). */
static const char ENDSTREAM[] = "endstream";
static const int ENDSTREAM_FAIL[] = {0, 0, 0, 0, 0, 0, 1, 0, 0};

static int endstream_step(int m, unsigned char ch)
{
    while (m > 0 && (unsigned char)ENDSTREAM[m] != ch)
        m = ENDSTREAM_FAIL[m - 1];
    return (unsigned char)ENDSTREAM[m] == ch ? m + 1 : 0;
}

static int word_is(const mc_pdf_active *a, const char *w)
{
    apr_size_t k = strlen(w);
    return a->word_len == k && memcmp(a->word, w, k) == 0;
}

/* A token that is neither a name nor '[' nor '<<' begins: no expected value. */
static void other_token(mc_pdf_active *a)
{
    a->after_dict = 0;
    a->type_next = 0;
    if (a->filter_state) {
        a->bad_filter = 1; /* an indirect or malformed /Filter: unknown */
        if (a->filter_state == 1)
            a->filter_state = 0;
    }
    if (a->parms_next) {
        a->predicted = 1; /* /DecodeParms not given here: unknown */
        a->parms_next = 0;
    }
    a->predictor_next = 0;
}

static void end_word(mc_pdf_active *a)
{
    apr_size_t i;
    long v = 0;
    int number = a->word_len > 0 && a->word_len <= 9;

    if (word_is(a, "obj") || word_is(a, "endobj")) {
        a->depth = 0; /* an object's bounds: whatever was left open is over */
        a->filter_state = 0;
    }
    if (word_is(a, "stream") && a->after_dict) {
        a->after_dict = 0;
        os_begin(a);
        a->state = L_EOL;
        return;
    }
    for (i = 0; number && i < a->word_len; i++) {
        if (a->word[i] < '0' || a->word[i] > '9')
            number = 0;
        else
            v = v * 10 + (a->word[i] - '0');
    }
    if (a->predictor_next && number && v > 1)
        a->predicted = 1;
    if (a->parms_next && word_is(a, "null"))
        a->parms_next = 0;
    other_token(a);
    a->state = L_NONE;
}

static void end_name(mc_pdf_active *a)
{
    pname *k = &a->key;

    pname_close(k);
    a->after_dict = 0;
    a->predictor_next = 0;
    a->parms_next = 0;
    /* as a value */
    if (a->filter_state) {
        if (!pname_is(k, "FlateDecode") && !pname_is(k, "Fl"))
            a->bad_filter = 1;
        a->nfilters++;
        if (a->filter_state == 1)
            a->filter_state = 0;
    }
    if (a->type_next && pname_is(k, "ObjStm"))
        a->objstm = 1;
    a->type_next = 0;
    /* as a key */
    if (a->depth == 1) {
        if (pname_is(k, "Type"))
            a->type_next = 1;
        else if (pname_is(k, "N"))
            a->has_n = 1;
        else if (pname_is(k, "First"))
            a->has_first = 1;
        else if (pname_is(k, "Filter")) {
            a->filter_state = 1;
            a->nfilters = 0;
        }
        else if (pname_is(k, "DecodeParms") || pname_is(k, "DP"))
            a->parms_next = 1;
    }
    if (pname_is(k, "Predictor"))
        a->predictor_next = 1;
    a->state = L_NONE;
}

static void dict_open(mc_pdf_active *a)
{
    a->after_dict = 0;
    a->type_next = 0;
    a->predictor_next = 0;
    a->parms_next = 0;
    if (a->filter_state) {
        a->bad_filter = 1;
        a->filter_state = 0;
    }
    if (a->depth == 0) { /* a new top-level dictionary */
        a->objstm = a->has_n = a->has_first = 0;
        a->filter_state = a->nfilters = a->bad_filter = 0;
        a->predicted = 0;
    }
    if (a->depth < 1000000)
        a->depth++;
}

static void dict_close(mc_pdf_active *a)
{
    other_token(a);
    if (a->depth > 0)
        a->depth--;
    a->filter_state = 0;
    a->after_dict = a->depth == 0;
}

/* One byte outside stream data. */
static void lex(mc_pdf_active *a, unsigned char ch)
{
    switch (a->state) {
    case L_WORD:
        if (mc_pdf_is_regular(ch)) {
            if (a->word_len < WORD_KEEP)
                a->word[a->word_len] = (char)ch;
            a->word_len++;
            return;
        }
        end_word(a);
        if (a->state == L_EOL) {
            lex(a, ch); /* ch is the end of the "stream" line, or on it */
            return;
        }
        break;
    case L_NAME:
        if (mc_pdf_is_regular(ch)) {
            pname_add(&a->key, ch);
            return;
        }
        end_name(a);
        break;
    case L_COMMENT:
        if (ch == '\r' || ch == '\n')
            a->state = L_NONE;
        return;
    case L_STRING:
        if (a->str_esc)
            a->str_esc = 0;
        else if (ch == '\\')
            a->str_esc = 1;
        else if (ch == '(')
            a->str_depth++;
        else if (ch == ')' && --a->str_depth == 0)
            a->state = L_NONE;
        return;
    case L_HEX:
        if (ch == '>')
            a->state = L_NONE;
        return;
    case L_LT:
        a->state = L_NONE;
        if (ch == '<') {
            dict_open(a);
            return;
        }
        other_token(a);
        a->state = L_HEX;
        lex(a, ch);
        return;
    case L_GT:
        a->state = L_NONE;
        if (ch == '>') {
            dict_close(a);
            return;
        }
        break;  /* a stray '>' */
    case L_EOL: /* as pdf.js: skip to the next line */
        if (ch == '\n') {
            a->state = L_DATA;
            a->end_match = 0;
        }
        else if (ch == '\r')
            a->state = L_EOL_CR;
        return;
    default:
        break;
    }
    if (mc_pdf_is_ws(ch))
        return;
    switch (ch) {
    case '%':
        a->state = L_COMMENT;
        return;
    case '/':
        pname_reset(&a->key);
        a->state = L_NAME;
        return;
    case '(':
        other_token(a);
        a->state = L_STRING;
        a->str_depth = 1;
        a->str_esc = 0;
        return;
    case '<':
        a->state = L_LT;
        return;
    case '>':
        a->state = L_GT;
        return;
    case '[':
        if (a->filter_state == 1) {
            a->after_dict = 0;
            a->filter_state = 2;
            return;
        }
        a->parms_next = 0; /* an array of parameter dictionaries */
        other_token(a);
        return;
    case ']':
        if (a->filter_state == 2)
            a->filter_state = 0;
        other_token(a);
        return;
    case ')':
    case '{':
    case '}':
        other_token(a);
        return;
    default:
        a->state = L_WORD;
        a->word[0] = (char)ch;
        a->word_len = 1;
        return;
    }
}

static void stream_end(mc_pdf_active *a)
{
    os_end(a);
    a->state = L_NONE;
    a->depth = 0;
    a->after_dict = 0;
}

void mc_pdf_active_feed(mc_pdf_active *a, const unsigned char *d, apr_size_t n)
{
    apr_size_t i = 0;

    while (i < n) {
        if (a->state == L_EOL_CR) {
            a->state = L_DATA;
            a->end_match = 0;
            if (d[i] == '\n') { /* CR LF ends the "stream" line */
                a->found |= scan_byte(&a->names, d[i], 0);
                i++;
                continue;
            }
        }
        if (a->state == L_DATA) {
            apr_size_t start = i;
            int done = 0;
            for (; i < n; i++) {
                if (!a->names.in && a->end_match == 0) {
                    /* only a '/' or an 'e' changes anything from here:
                     * skip to the first of them (most bytes are neither) */
                    const unsigned char *sl = memchr(d + i, '/', n - i);
                    const unsigned char *e = memchr(d + i, 'e', (sl ? sl : d + n) - (d + i));
                    i = (apr_size_t)((e ? e : sl ? sl : d + n) - d);
                    if (i == n)
                        break;
                }
                a->found |= scan_byte(&a->names, d[i], 0);
                a->end_match = endstream_step(a->end_match, d[i]);
                if (a->end_match == (int)sizeof(ENDSTREAM) - 1) {
                    i++;
                    done = 1;
                    break;
                }
            }
            os_data(a, d + start, i - start);
            if (done)
                stream_end(a);
            continue;
        }
        a->found |= scan_byte(&a->names, d[i], a->state != L_EOL);
        lex(a, d[i]);
        i++;
    }
}

unsigned mc_pdf_active_end(mc_pdf_active *a)
{
    int in_stream = a->state == L_EOL || a->state == L_EOL_CR || a->state == L_DATA;

    a->found |= scan_byte(&a->names, ' ', !in_stream);
    if (in_stream)
        os_end(a);
    return a->found;
}
