/* mc_feed.c: the reader: the feed's elements in order, each record read
 * (mc_feed_record.c) and handed to the caller; see mc_feed.h. */
#include "mc_feed.h"
#include "mc_feed_private.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <libxml/xmlreader.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* ---- the reader ---------------------------------------------------------- */

typedef struct feed {
    apr_pool_t *p;  /* the caller's */
    apr_pool_t *rp; /* one record's, cleared after it */
    xmlTextReaderPtr reader;
    const mc_feed_handler *h;
    mc_feed_result *res;
    feed_input in;
    const char *xml_error; /* the parser's first error */
    long xml_line;
    long ws_line; /* line of the whitespace just before the current node */
} feed;

static void feed_xml_error(void *arg, xmlErrorPtr e)
{
    feed *f = arg;
    if (f->xml_error || !e || e->level < XML_ERR_ERROR)
        return;
    const char *msg = e->message ? apr_pstrdup(f->p, e->message) : "not well-formed";
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    f->xml_error = apr_psprintf(f->p, "not well-formed XML: %.*s", (int)n, msg);
    f->xml_line = e->line;
}

/* Where the element n starts. libxml2 keeps 16-bit line numbers in nodes;
 * past 65534 (XML_PARSE_BIG_LINES) text nodes carry the full number, so the
 * whitespace text just before the element gives it. */
static long node_line(feed *f, xmlNodePtr n)
{
    if (n->line < 65535)
        return n->line;
    if (f->ws_line > 0)
        return f->ws_line;
    return xmlGetLineNo(n);
}

static void note_text(feed *f, xmlNodePtr n)
{
    if (!n || n->type != XML_TEXT_NODE)
        f->ws_line = 0;
    else if (n->line < 65535)
        f->ws_line = n->line;
    else
        f->ws_line = n->psvi ? (long)(ptrdiff_t)n->psvi : 0;
}

static int is_blank(const xmlChar *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

static apr_status_t feed_bad(feed *f, long line, const char *why)
{
    f->res->bad++;
    if (f->h->bad)
        f->h->bad(f->h->baton, line, why);
    return APR_SUCCESS;
}

/* A callback's answer. */
static apr_status_t feed_after(feed *f, rec *r, apr_status_t rv, const char *why)
{
    if (rv == MC_FEED_EBAD)
        return feed_bad(f, r->line,
                        r->what ? apr_pstrcat(r->p, r->what, ": ", why ? why : "refused", NULL)
                                : (why ? why : "refused"));
    if (rv == APR_SUCCESS)
        f->res->records++;
    return rv;
}

/* A <case>: the reader is on its start tag; leaves it on its end tag (or on
 * the start tag of an empty one). */
static apr_status_t feed_case(feed *f, rec *r)
{
    mc_feed_case c;
    int depth = xmlTextReaderDepth(f->reader), nchild = 0, ret = 1, next = 0;
    mc_feed_read_case_head(r, &c);
    if (!xmlTextReaderIsEmptyElement(f->reader)) {
        for (;;) {
            ret = next ? xmlTextReaderNext(f->reader) : xmlTextReaderRead(f->reader);
            next = 0;
            if (ret != 1)
                return MC_FEED_EFORMAT;
            int type = xmlTextReaderNodeType(f->reader);
            if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(f->reader) == depth)
                break;
            if (type == XML_READER_TYPE_ELEMENT) {
                xmlNodePtr n = xmlTextReaderCurrentNode(f->reader);
                if (!n)
                    return MC_FEED_EFORMAT;
                long at = node_line(f, n);
                f->ws_line = 0;
                next = 1; /* skip the element's subtree, streaming */
                if (r->why)
                    continue; /* already bad */
                if (++nchild > MC_FEED_MAX_CHILDREN) {
                    r->line = at;
                    mc_feed_rec_bad(r, "more than %d elements in one case", MC_FEED_MAX_CHILDREN);
                    continue;
                }
                xmlNodePtr keep = r->n;
                r->n = n;
                r->line = at;
                r->consumed = 0;
                mc_feed_read_case_child(r, &c);
                r->n = keep;
                if (r->consumed < 0)
                    return MC_FEED_EFORMAT;
                next = !r->consumed;
                if (!r->why)
                    r->line = c.line;
            }
            else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA) {
                if (!r->why) {
                    r->line = c.line;
                    mc_feed_rec_bad(r, "unexpected text inside <case>");
                }
                f->ws_line = 0;
            }
            else {
                note_text(f, xmlTextReaderCurrentNode(f->reader));
            }
        }
    }
    mc_feed_read_case_end(r, &c);
    if (r->why)
        return feed_bad(f, r->line, r->why);
    if (!f->h->kase)
        return feed_after(f, r, APR_SUCCESS, NULL);
    const char *why = NULL;
    r->what = NULL;
    apr_status_t rv = f->h->kase(f->h->baton, r->p, &c, &why);
    r->line = c.line;
    return feed_after(f, r, rv,
                      rv == MC_FEED_EBAD
                          ? apr_psprintf(r->p, "case %s: %s", c.number, why ? why : "refused")
                          : NULL);
}

/* A record element at depth 1 (the reader is on its start tag). *skip: the
 * caller must skip the element's subtree. */
static apr_status_t feed_record(feed *f, int *skip)
{
    const char *name = (const char *)xmlTextReaderConstLocalName(f->reader);
    const char *ns = (const char *)xmlTextReaderConstNamespaceUri(f->reader);
    rec r;
    union {
        mc_feed_court court;
        mc_feed_judge judge;
        mc_feed_case_type type;
    } x;
    apr_status_t rv;
    const char *why = NULL;
    memset(&r, 0, sizeof(r));
    apr_pool_clear(f->rp);
    r.p = f->rp;
    r.reader = f->reader;
    *skip = 1;
    if (!ns || strcmp(ns, MC_FEED_NS) != 0 ||
        (strcmp(name, "case") && strcmp(name, "court") && strcmp(name, "judge") &&
         strcmp(name, "case-type"))) {
        xmlNodePtr n = xmlTextReaderCurrentNode(f->reader);
        return feed_bad(f, n ? node_line(f, n) : 0,
                        apr_psprintf(r.p, "unknown element <%s>%s", name,
                                     ns && strcmp(ns, MC_FEED_NS) ? " (another namespace)"
                                     : !ns                        ? " (no namespace)"
                                                                  : ""));
    }
    r.n = xmlTextReaderCurrentNode(f->reader);
    if (!r.n)
        return MC_FEED_EFORMAT;
    r.line = node_line(f, r.n);
    f->ws_line = 0;
    *skip = 0; /* the record reads its content (mc_feed_rec_text) */
    if (!strcmp(name, "case"))
        return feed_case(f, &r);
    if (!strcmp(name, "court"))
        mc_feed_read_court(&r, &x.court);
    else if (!strcmp(name, "judge"))
        mc_feed_read_judge(&r, &x.judge);
    else
        mc_feed_read_case_type(&r, &x.type);
    if (r.consumed < 0)
        return MC_FEED_EFORMAT;
    if (r.why)
        return feed_bad(f, r.line, r.why);
    if (!strcmp(name, "court"))
        rv = f->h->court ? f->h->court(f->h->baton, r.p, &x.court, &why) : APR_SUCCESS;
    else if (!strcmp(name, "judge"))
        rv = f->h->judge ? f->h->judge(f->h->baton, r.p, &x.judge, &why) : APR_SUCCESS;
    else
        rv = f->h->case_type ? f->h->case_type(f->h->baton, r.p, &x.type, &why) : APR_SUCCESS;
    return feed_after(f, &r, rv, why);
}

static apr_status_t feed_fatal(feed *f, long line, const char *why)
{
    if (!f->res->error) {
        f->res->error = apr_pstrdup(f->p, why);
        f->res->line = line;
    }
    return MC_FEED_EFORMAT;
}

static apr_status_t feed_run(feed *f, const char *name)
{
    apr_status_t rv = APR_SUCCESS;
    int ret, root = 0, skip = 0;
    /* No NOENT, no DTDLOAD/DTDATTR/DTDVALID, no XINCLUDE: nothing is ever
     * substituted or fetched; NONET in case. BIG_LINES: see node_line. */
    f->reader = xmlReaderForIO(mc_feed_input_read, mc_feed_input_close, &f->in, name, "UTF-8",
                               XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_IGNORE_ENC |
                                   XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!f->reader)
        return feed_fatal(f, 0, "cannot set up the XML reader");
    xmlTextReaderSetStructuredErrorHandler(f->reader, feed_xml_error, f);
    apr_pool_create(&f->rp, f->p);
    for (;;) {
        ret = skip ? xmlTextReaderNext(f->reader) : xmlTextReaderRead(f->reader);
        skip = 0;
        if (ret != 1)
            break;
        int type = xmlTextReaderNodeType(f->reader), depth = xmlTextReaderDepth(f->reader);
        if (type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_ENTITY_REFERENCE ||
            type == XML_READER_TYPE_ENTITY) {
            rv = feed_fatal(f, xmlTextReaderGetParserLineNumber(f->reader),
                            "the feed has a DOCTYPE or an entity: DTDs and entities are refused");
            break;
        }
        if (type == XML_READER_TYPE_ELEMENT && depth == 0) {
            const char *ns = (const char *)xmlTextReaderConstNamespaceUri(f->reader);
            if (strcmp((const char *)xmlTextReaderConstLocalName(f->reader), "casenet-feed") ||
                !ns || strcmp(ns, MC_FEED_NS)) {
                rv = feed_fatal(f, xmlTextReaderGetParserLineNumber(f->reader),
                                "not a Case.net feed: the root element must be <casenet-feed "
                                "xmlns=\"" MC_FEED_NS "\">");
                break;
            }
            root = 1;
            continue;
        }
        if (depth != 1)
            continue;
        if (type == XML_READER_TYPE_ELEMENT) {
            rv = feed_record(f, &skip);
            if (rv == MC_FEED_EFORMAT && !f->xml_error && !f->in.refused)
                feed_fatal(f, xmlTextReaderGetParserLineNumber(f->reader), "the XML reader failed");
            if (rv != APR_SUCCESS)
                break;
        }
        else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA) {
            xmlNodePtr n = xmlTextReaderCurrentNode(f->reader);
            if (n && !is_blank(n->content))
                feed_bad(f, n->line < 65535 ? n->line : xmlGetLineNo(n), "text outside any record");
            f->ws_line = 0;
        }
        else {
            note_text(f, xmlTextReaderCurrentNode(f->reader));
        }
    }
    if (rv == APR_SUCCESS && ret != 0)
        rv = MC_FEED_EFORMAT;
    if (f->in.refused)
        rv = feed_fatal(f, f->in.refused_line, f->in.refused);
    else if (f->xml_error)
        rv = feed_fatal(f, f->xml_line, f->xml_error);
    else if (rv == MC_FEED_EFORMAT)
        feed_fatal(f, xmlTextReaderGetParserLineNumber(f->reader), "not well-formed XML");
    else if (rv == APR_SUCCESS && !root)
        rv = feed_fatal(f, 0, "not a Case.net feed: no <casenet-feed> element");
    xmlFreeTextReader(f->reader);
    apr_pool_destroy(f->rp);
    return rv;
}

static void feed_init(feed *f, apr_pool_t *p, const mc_feed_handler *h, mc_feed_result *res)
{
    memset(f, 0, sizeof(*f));
    memset(res, 0, sizeof(*res));
    f->p = p;
    f->h = h;
    f->res = res;
    f->in.line = 1;
    f->in.state = PRO_START;
    f->in.read = &res->bytes_read;
}

apr_status_t mc_feed_parse_file(apr_pool_t *p, const char *path, const mc_feed_handler *h,
                                mc_feed_result *res)
{
    feed f;
    feed_init(&f, p, h, res);
    f.in.fp = fopen(path, "rb");
    if (!f.in.fp) {
        res->error = apr_psprintf(p, "cannot open %s", path);
        return APR_ENOENT;
    }
    apr_status_t rv = feed_run(&f, path);
    fclose(f.in.fp);
    return rv;
}

apr_status_t mc_feed_parse_memory(apr_pool_t *p, const char *buf, apr_size_t len,
                                  const mc_feed_handler *h, mc_feed_result *res)
{
    feed f;
    feed_init(&f, p, h, res);
    f.in.buf = buf;
    f.in.len = len;
    return feed_run(&f, "feed");
}
