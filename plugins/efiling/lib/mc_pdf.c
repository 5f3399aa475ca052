/* mc_pdf.c: the streaming PDF content check (see mc_pdf.h).
 *
 * Every byte goes through a small tokenizer (names, regular tokens,
 * comments; strings and stream data are not recognised, so it sees noise
 * there, which only matters for the font heuristic). It notes:
 *  - "xref" keywords, and the trailer dictionary that follows each;
 *  - "N G obj" headers, whose dictionary is captured to find
 *    cross-reference streams (/Type /XRef);
 *  - font names (/Font, /FontFile2, /BaseFont ...) and /ObjStm.
 * Each cross-reference section found is remembered with its offset, whether
 * its dictionary parsed and whether it holds /Encrypt; at the end, the
 * offset after the last "startxref" must be one of them. Active content is
 * mc_pdf_active.c's, fed the same bytes. */
#include "mc_pdf.h"
#include "mc_pdf_active.h"

#include <apr_strings.h>
#include <string.h>

#define TOK_MAX 32 /* longest token kept; longer ones are truncated */
#define KEEP_FIRST 16

enum { ST_NONE, ST_REG, ST_NAME, ST_COMMENT };
enum { CAP_NONE, CAP_TRAILER, CAP_OBJ };
enum { SEC_TABLE = 1, SEC_STREAM };

typedef struct section {
    apr_off_t at; /* where the keyword / object number starts */
    apr_off_t lo; /* where the whitespace before it starts */
    int kind, ok, encrypt;
} section;

struct mc_pdf_check {
    apr_pool_t *p;
    apr_off_t total;
    int ended;
    char head[MC_PDF_HEAD];
    apr_size_t head_len;
    char *tail; /* ring of MC_PDF_TAIL bytes */
    apr_size_t tail_pos;
    int tail_full;

    /* tokenizer */
    int state;
    char tok[TOK_MAX];
    apr_size_t tok_len;
    apr_off_t tok_start, tok_lo, prev_end;
    int nints; /* how many integer tokens in a row (max 2) */
    apr_off_t int_at[2], int_lo[2];

    int font, objstm;
    int xref_pending;
    apr_off_t xref_at, xref_lo;

    int cap_kind;
    apr_off_t cap_at, cap_lo;
    char cap[MC_PDF_CAPTURE];
    apr_size_t cap_len;

    section first[KEEP_FIRST];
    int nfirst;
    section last[MC_PDF_MAX_SECTIONS - KEEP_FIRST];
    int nlast, last_pos;
    int any_encrypt;

    mc_pdf_active *active;
    unsigned found; /* MC_PDF_FOUND_*, set by mc_pdf_end */
};

mc_pdf_check *mc_pdf_begin(apr_pool_t *p)
{
    mc_pdf_check *c = apr_pcalloc(p, sizeof(*c));

    c->p = p;
    c->tail = apr_palloc(p, MC_PDF_TAIL);
    c->active = mc_pdf_active_begin(p);
    return c;
}

static void remember(mc_pdf_check *c, const section *s)
{
    if (s->encrypt)
        c->any_encrypt = 1;
    if (c->nfirst < KEEP_FIRST) {
        c->first[c->nfirst++] = *s;
        return;
    }
    c->last[c->last_pos] = *s;
    c->last_pos = (c->last_pos + 1) % (MC_PDF_MAX_SECTIONS - KEEP_FIRST);
    if (c->nlast < MC_PDF_MAX_SECTIONS - KEEP_FIRST)
        c->nlast++;
}

/* Skips a literal string starting at s[i] == '('; returns the index after it. */
static apr_size_t skip_string(const char *s, apr_size_t n, apr_size_t i)
{
    int depth = 0;

    for (; i < n; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '(')
            depth++;
        else if (s[i] == ')' && --depth == 0)
            return i + 1;
    }
    return n;
}

typedef struct dict_info {
    int closed;     /* the outer << >> closed within the text */
    int encrypt;    /* a top-level /Encrypt key */
    int xref;       /* a top-level /Type /XRef */
    apr_size_t end; /* index after the closing >> */
} dict_info;

/* Reads the dictionary that starts at s (after optional whitespace). */
static void scan_dict(const char *s, apr_size_t n, dict_info *d)
{
    apr_size_t i = 0;
    int depth = 0;
    char prev[TOK_MAX] = "";

    memset(d, 0, sizeof(*d));
    while (i < n && mc_pdf_is_ws((unsigned char)s[i]))
        i++;
    if (i + 1 >= n || s[i] != '<' || s[i + 1] != '<')
        return;
    while (i < n) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '<' && i + 1 < n && s[i + 1] == '<') {
            depth++;
            i += 2;
            prev[0] = '\0';
        }
        else if (ch == '>' && i + 1 < n && s[i + 1] == '>') {
            i += 2;
            prev[0] = '\0';
            if (--depth == 0) {
                d->closed = 1;
                d->end = i;
                return;
            }
        }
        else if (ch == '<') {
            while (i < n && s[i] != '>')
                i++;
            i++;
            prev[0] = '\0';
        }
        else if (ch == '(') {
            i = skip_string(s, n, i);
            prev[0] = '\0';
        }
        else if (ch == '%') {
            while (i < n && s[i] != '\r' && s[i] != '\n')
                i++;
        }
        else if (ch == '/') {
            char name[TOK_MAX];
            apr_size_t k = 0;
            for (i++; i < n && mc_pdf_is_regular((unsigned char)s[i]); i++)
                if (k < sizeof(name) - 1)
                    name[k++] = s[i];
            name[k] = '\0';
            if (depth == 1) {
                if (strcmp(name, "Encrypt") == 0)
                    d->encrypt = 1;
                if (strcmp(prev, "Type") == 0 && strcmp(name, "XRef") == 0)
                    d->xref = 1;
            }
            memcpy(prev, name, k + 1);
        }
        else {
            if (!mc_pdf_is_ws(ch))
                prev[0] = '\0';
            i++;
        }
    }
}

/* Analyses and forgets the current capture. */
static void finish_capture(mc_pdf_check *c)
{
    dict_info d;
    section s;

    if (c->cap_kind == CAP_NONE)
        return;
    scan_dict(c->cap, c->cap_len, &d);
    s.at = c->cap_at;
    s.lo = c->cap_lo;
    s.encrypt = d.encrypt;
    if (c->cap_kind == CAP_TRAILER) {
        s.kind = SEC_TABLE;
        s.ok = d.closed;
        remember(c, &s);
    }
    else if (d.xref) {
        apr_size_t i = d.end;
        while (i < c->cap_len && mc_pdf_is_ws((unsigned char)c->cap[i]))
            i++;
        s.kind = SEC_STREAM;
        s.ok = d.closed && c->cap_len - i >= 6 && memcmp(c->cap + i, "stream", 6) == 0;
        remember(c, &s);
    }
    else if (d.encrypt) {
        c->any_encrypt = 1; /* an /Encrypt key in any object's dictionary */
    }
    c->cap_kind = CAP_NONE;
    c->cap_len = 0;
}

static void start_capture(mc_pdf_check *c, int kind, apr_off_t at, apr_off_t lo)
{
    finish_capture(c);
    c->cap_kind = kind;
    c->cap_at = at;
    c->cap_lo = lo;
    c->cap_len = 0;
}

static int tok_is(const mc_pdf_check *c, const char *w)
{
    apr_size_t n = strlen(w);
    return c->tok_len == n && memcmp(c->tok, w, n) == 0;
}

static const char *const font_names[] = {
    "Font",    "BaseFont", "FontDescriptor", "FontFile", "FontFile2",       "FontFile3",
    "Length1", "Type1C",   "CIDFontType0C",  "OpenType", "DescendantFonts",
};

static void end_name(mc_pdf_check *c)
{
    apr_size_t i;

    for (i = 0; i < sizeof(font_names) / sizeof(font_names[0]); i++)
        if (tok_is(c, font_names[i]))
            c->font = 1;
    if (tok_is(c, "ObjStm"))
        c->objstm = 1;
    c->nints = 0;
}

static void end_regular(mc_pdf_check *c)
{
    apr_size_t i;
    int digits = c->tok_len > 0 && c->tok_len <= 10;

    for (i = 0; digits && i < c->tok_len; i++)
        if (c->tok[i] < '0' || c->tok[i] > '9')
            digits = 0;
    if (digits) {
        if (c->nints == 2) {
            c->int_at[0] = c->int_at[1];
            c->int_lo[0] = c->int_lo[1];
            c->nints = 1;
        }
        c->int_at[c->nints] = c->tok_start;
        c->int_lo[c->nints] = c->tok_lo;
        c->nints++;
        return;
    }
    if (tok_is(c, "obj") && c->nints == 2)
        start_capture(c, CAP_OBJ, c->int_at[0], c->int_lo[0]);
    else if (tok_is(c, "xref")) {
        c->xref_pending = 1;
        c->xref_at = c->tok_start;
        c->xref_lo = c->tok_lo;
    }
    else if (tok_is(c, "trailer") && c->xref_pending) {
        start_capture(c, CAP_TRAILER, c->xref_at, c->xref_lo);
        c->xref_pending = 0;
    }
    c->nints = 0;
}

/* One byte at offset pos through the tokenizer. */
static void lex(mc_pdf_check *c, unsigned char ch, apr_off_t pos)
{
    if (c->state == ST_REG || c->state == ST_NAME) {
        if (mc_pdf_is_regular(ch)) {
            if (c->tok_len < TOK_MAX)
                c->tok[c->tok_len] = (char)ch;
            c->tok_len++;
            return;
        }
        if (c->state == ST_REG)
            end_regular(c);
        else
            end_name(c);
        c->state = ST_NONE;
        c->prev_end = pos;
    }
    else if (c->state == ST_COMMENT) {
        if (ch == '\r' || ch == '\n') {
            c->state = ST_NONE;
            c->prev_end = pos;
        }
        return;
    }
    if (mc_pdf_is_ws(ch))
        return;
    c->tok_start = pos;
    c->tok_lo = c->prev_end;
    c->tok_len = 0;
    if (ch == '%')
        c->state = ST_COMMENT;
    else if (ch == '/')
        c->state = ST_NAME;
    else if (mc_pdf_is_delim(ch)) {
        c->nints = 0;
        c->prev_end = pos + 1;
    }
    else {
        c->state = ST_REG;
        c->tok[0] = (char)ch;
        c->tok_len = 1;
    }
}

void mc_pdf_feed(mc_pdf_check *c, const char *data, apr_size_t len)
{
    apr_size_t i;

    if (c->ended || len == 0)
        return;
    if (c->head_len < MC_PDF_HEAD) {
        apr_size_t k = MC_PDF_HEAD - c->head_len < len ? MC_PDF_HEAD - c->head_len : len;
        memcpy(c->head + c->head_len, data, k);
        c->head_len += k;
    }
    mc_pdf_active_feed(c->active, (const unsigned char *)data, len);
    for (i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)data[i];
        lex(c, ch, c->total + (apr_off_t)i);
        if (c->cap_kind != CAP_NONE) {
            c->cap[c->cap_len++] = (char)ch;
            if (c->cap_len == MC_PDF_CAPTURE)
                finish_capture(c);
        }
    }
    /* the tail ring: only the last MC_PDF_TAIL bytes of this chunk matter */
    if (len >= MC_PDF_TAIL) {
        memcpy(c->tail, data + len - MC_PDF_TAIL, MC_PDF_TAIL);
        c->tail_pos = 0;
        c->tail_full = 1;
    }
    else {
        apr_size_t room = MC_PDF_TAIL - c->tail_pos;
        apr_size_t k = len < room ? len : room;
        memcpy(c->tail + c->tail_pos, data, k);
        if (len > k) {
            memcpy(c->tail, data + k, len - k);
            c->tail_pos = len - k;
            c->tail_full = 1;
        }
        else {
            c->tail_pos += k;
            if (c->tail_pos == MC_PDF_TAIL) {
                c->tail_pos = 0;
                c->tail_full = 1;
            }
        }
    }
    c->total += (apr_off_t)len;
}

/* Offset of the PDF header in the first bytes, or -1. */
static apr_off_t find_header(const mc_pdf_check *c)
{
    apr_size_t i;

    for (i = 0; i + 8 <= c->head_len; i++) {
        const char *h = c->head + i;
        if (memcmp(h, "%PDF-", 5) != 0)
            continue;
        if ((h[5] == '1' && h[6] == '.' && h[7] >= '0' && h[7] <= '9') ||
            (h[5] == '2' && h[6] == '.' && h[7] == '0'))
            return (apr_off_t)i;
    }
    return -1;
}

/* Last occurrence of w in t[0..n) starting before limit, or -1. */
static long rfind(const char *t, apr_size_t n, apr_size_t limit, const char *w)
{
    apr_size_t k = strlen(w), i;

    if (n < k)
        return -1;
    for (i = (limit + k <= n ? limit : n - k) + 1; i-- > 0;)
        if (memcmp(t + i, w, k) == 0)
            return (long)i;
    return -1;
}

/* The offset after the last startxref, when the end of the file reads
 * "startxref <digits> %%EOF" with %%EOF in the last MC_PDF_EOF_WINDOW bytes. */
static int find_startxref(const char *t, apr_size_t n, apr_off_t *off)
{
    long eof = rfind(t, n, n, "%%EOF"), sx;
    apr_size_t i, digits = 0;
    apr_off_t v = 0;

    if (eof < 0 || n - (apr_size_t)eof > MC_PDF_EOF_WINDOW)
        return 0;
    sx = rfind(t, n, (apr_size_t)eof, "startxref");
    if (sx < 0)
        return 0;
    for (i = (apr_size_t)sx + 9; i < (apr_size_t)eof && mc_pdf_is_ws((unsigned char)t[i]); i++)
        ;
    for (; i < (apr_size_t)eof && t[i] >= '0' && t[i] <= '9' && digits < 15; i++, digits++)
        v = v * 10 + (t[i] - '0');
    if (digits == 0)
        return 0;
    for (; i < (apr_size_t)eof && mc_pdf_is_ws((unsigned char)t[i]); i++)
        ;
    if (i != (apr_size_t)eof)
        return 0;
    *off = v;
    return 1;
}

static const section *lookup(const mc_pdf_check *c, apr_off_t off)
{
    int i;

    for (i = 0; i < c->nfirst; i++)
        if (c->first[i].lo <= off && off <= c->first[i].at)
            return &c->first[i];
    for (i = 0; i < c->nlast; i++)
        if (c->last[i].lo <= off && off <= c->last[i].at)
            return &c->last[i];
    return NULL;
}

/* 1 when the name /Encrypt (followed by a delimiter or the end) is in t. */
static int has_encrypt_name(const char *t, apr_size_t n)
{
    apr_size_t i;

    for (i = 0; i + 8 <= n; i++)
        if (t[i] == '/' && memcmp(t + i + 1, "Encrypt", 7) == 0 &&
            (i + 8 == n || !mc_pdf_is_regular((unsigned char)t[i + 8])))
            return 1;
    return 0;
}

const char *mc_pdf_why(mc_pdf_verdict v)
{
    switch (v) {
    case MC_PDF_NOT_PDF:
        return "The file is not a PDF document.";
    case MC_PDF_ENCRYPTED:
        return "The PDF is encrypted or password-protected; upload it without a password.";
    case MC_PDF_DAMAGED:
        return "The PDF is damaged: its end (trailer) cannot be read.";
    case MC_PDF_ACTIVE:
        return "This PDF contains active content (JavaScript, a Launch action or embedded "
               "files). Courts do not accept active content: save the document again without "
               "it (for example with Print to PDF) and upload it again.";
    case MC_PDF_UNCHECKED:
        return "Part of this PDF is compressed in a way that cannot be checked for active "
               "content (scripts or embedded files). Save the document again (for example "
               "with Print to PDF) and upload it again.";
    default:
        return NULL;
    }
}

/* The filer's sentence for MC_PDF_ACTIVE, naming what was found. */
static const char *active_why(apr_pool_t *p, unsigned found)
{
    const char *what[3];
    const char *list;
    int n = 0;

    if (found & MC_PDF_FOUND_JAVASCRIPT)
        what[n++] = "JavaScript (a script that can run when the document is opened or used)";
    if (found & MC_PDF_FOUND_LAUNCH)
        what[n++] = "a Launch action (it can start a program or open a file on the reader's "
                    "computer)";
    if (found & MC_PDF_FOUND_EMBEDDED)
        what[n++] = "embedded files (other files attached inside the PDF)";
    list = n == 1   ? what[0]
           : n == 2 ? apr_pstrcat(p, what[0], " and ", what[1], NULL)
                    : apr_pstrcat(p, what[0], ", ", what[1], " and ", what[2], NULL);
    return apr_pstrcat(
        p, "This PDF contains ", list,
        ". Courts do not accept active content: save the document again "
        "without it (for example with Print to PDF) and upload it again.",
        (found & MC_PDF_FOUND_EMBEDDED) ? " Upload an attached file as a document of its own." : "",
        NULL);
}

const char *mc_pdf_found_warning(apr_pool_t *p, unsigned found)
{
    static const struct {
        unsigned bit;
        const char *word;
    } kinds[] = {{MC_PDF_FOUND_JAVASCRIPT, "JavaScript"},
                 {MC_PDF_FOUND_LAUNCH, "Launch"},
                 {MC_PDF_FOUND_EMBEDDED, "embedded file"},
                 {MC_PDF_FOUND_UNCHECKED, "parts that could not be checked"}};
    const char *list = NULL;
    size_t i;

    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (found & kinds[i].bit)
            list = list ? apr_pstrcat(p, list, "/", kinds[i].word, NULL) : kinds[i].word;
    if (!list)
        return NULL;
    return apr_pstrcat(p, "This document ",
                       found & ~MC_PDF_FOUND_UNCHECKED ? "contains" : "may contain",
                       " active content (", list, ").", NULL);
}

unsigned mc_pdf_found(const mc_pdf_check *c)
{
    return c->found;
}

mc_pdf_verdict mc_pdf_end(mc_pdf_check *c, int *text_searchable, const char **why)
{
    char *tail = apr_palloc(c->p, MC_PDF_TAIL);
    apr_size_t tlen;
    apr_off_t hdr, off = 0;
    const section *s = NULL;
    mc_pdf_verdict v;

    if (!c->ended) {
        if (c->state == ST_REG)
            end_regular(c);
        else if (c->state == ST_NAME)
            end_name(c);
        c->state = ST_NONE;
        finish_capture(c);
        c->found = mc_pdf_active_end(c->active);
        c->ended = 1;
    }
    if (c->tail_full) {
        tlen = MC_PDF_TAIL;
        memcpy(tail, c->tail + c->tail_pos, MC_PDF_TAIL - c->tail_pos);
        memcpy(tail + MC_PDF_TAIL - c->tail_pos, c->tail, c->tail_pos);
    }
    else {
        tlen = c->tail_pos;
        memcpy(tail, c->tail, tlen);
    }
    hdr = find_header(c);
    if (find_startxref(tail, tlen, &off)) {
        /* offsets count from the file's start or, when junk precedes the
         * header, from the header (as readers accept) */
        if (off < c->total)
            s = lookup(c, off);
        if (s == NULL && hdr > 0 && off + hdr < c->total)
            s = lookup(c, off + hdr);
    }
    if (hdr < 0)
        v = MC_PDF_NOT_PDF;
    else if ((s && s->encrypt) || c->any_encrypt || has_encrypt_name(tail, tlen))
        v = MC_PDF_ENCRYPTED;
    else if (s == NULL || !s->ok)
        v = MC_PDF_DAMAGED;
    else if (c->found & (MC_PDF_FOUND_JAVASCRIPT | MC_PDF_FOUND_LAUNCH | MC_PDF_FOUND_EMBEDDED))
        v = MC_PDF_ACTIVE;
    else if (c->found & MC_PDF_FOUND_UNCHECKED)
        v = MC_PDF_UNCHECKED;
    else
        v = MC_PDF_OK;
    if (text_searchable)
        *text_searchable = c->font     ? MC_PDF_TEXT_YES
                           : c->objstm ? MC_PDF_TEXT_UNKNOWN
                                       : MC_PDF_TEXT_NO;
    if (why)
        *why = v == MC_PDF_ACTIVE ? active_why(c->p, c->found) : mc_pdf_why(v);
    return v;
}
