/* mc_feed_record.c: one record of the feed, read from its element's
 * attributes and text into the structures of mc_feed.h, its values
 * checked (mc_feed_private.h; see mc_feed.h). */
#include "mc_feed_private.h"
#include "mc_form.h" /* mc_text_chars, mc_date_ok */

#include <apr_lib.h>
#include <apr_strings.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* ---- value checks ------------------------------------------------------- */

int mc_feed_case_number_ok(apr_pool_t *p, const char *s, const char **out)
{
    static const char shape[] = "99AA-AA99999";
    char buf[sizeof(shape)];
    size_t i;
    while (*s == ' ')
        s++;
    for (i = 0; i < sizeof(shape) - 1; i++) {
        char c = s[i];
        if (!c)
            return 0;
        if (shape[i] == '9' && !apr_isdigit(c))
            return 0;
        if (shape[i] == 'A' && !apr_isalpha(c))
            return 0;
        if (shape[i] == '-' && c != '-')
            return 0;
        buf[i] = (char)apr_toupper(c);
    }
    buf[i] = '\0';
    for (s += i; *s == ' '; s++)
        ;
    if (*s)
        return 0;
    if (out)
        *out = apr_pstrdup(p, buf);
    return 1;
}

int mc_feed_date_ok(const char *s)
{
    int y, i;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !apr_isdigit(s[i]))
            return 0;
    y = atoi(s);
    return y >= 1900 && y <= 2199 && mc_date_ok(y, atoi(s + 5), atoi(s + 8));
}

/* YYYY-MM-DDTHH:MM[:SS] -> "YYYY-MM-DD HH:MM:SS", or NULL. */
static const char *datetime_ok(apr_pool_t *p, const char *s)
{
    size_t n = strlen(s);
    int i;
    if ((n != 16 && n != 19) || s[10] != 'T' || s[13] != ':' || (n == 19 && s[16] != ':'))
        return NULL;
    char *d = apr_pstrmemdup(p, s, 10);
    if (!mc_feed_date_ok(d))
        return NULL;
    for (i = 11; i < (int)n; i++)
        if (i != 13 && i != 16 && !apr_isdigit(s[i]))
            return NULL;
    if (atoi(s + 11) > 23 || atoi(s + 14) > 59 || (n == 19 && atoi(s + 17) > 59))
        return NULL;
    return apr_psprintf(p, "%s %.5s:%s", d, s + 11, n == 19 ? s + 17 : "00");
}

static int word_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return 0;
    for (; *s; s++)
        if (!apr_isalnum(*s))
            return 0;
    return 1;
}

/* An id: 1-40 characters, no spaces or control characters. */
static int ref_ok(const char *s)
{
    if (!*s || mc_text_chars(s) > 40)
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7f)
            return 0;
    return 1;
}

/* digits, then optionally '.' and one or two digits; normalised to two. */
static const char *amount_ok(apr_pool_t *p, const char *s)
{
    size_t i = 0, d = 0;
    while (apr_isdigit(s[i]))
        i++;
    if (i == 0 || i > 12)
        return NULL;
    if (s[i] == '.') {
        while (apr_isdigit(s[i + 1 + d]))
            d++;
        if (d == 0 || d > 2 || s[i + 1 + d])
            return NULL;
    }
    else if (s[i]) {
        return NULL;
    }
    return apr_psprintf(p, "%.*s.%c%c", (int)i, s, d > 0 ? s[i + 1] : '0', d > 1 ? s[i + 2] : '0');
}

/* ---- one record ---------------------------------------------------------- */

void mc_feed_rec_bad(rec *r, const char *fmt, ...)
{
    va_list ap;
    if (r->why)
        return;
    va_start(ap, fmt);
    const char *msg = apr_pvsprintf(r->p, fmt, ap);
    va_end(ap);
    r->why = r->what ? apr_pstrcat(r->p, r->what, ": ", msg, NULL) : msg;
}

/* Refuse any un-namespaced attribute not in names (NULL-terminated). */
static void rec_known(rec *r, const char *const *names)
{
    for (xmlAttrPtr a = r->n->properties; a && !r->why; a = a->next) {
        const char *const *k = names;
        if (a->ns)
            continue; /* another vocabulary's attribute (xsi:...) */
        while (*k && strcmp(*k, (const char *)a->name) != 0)
            k++;
        if (!*k)
            mc_feed_rec_bad(r, "unknown attribute '%s'", (const char *)a->name);
    }
}

static const char *trim(apr_pool_t *p, const char *s)
{
    const char *e;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        e--;
    return apr_pstrmemdup(p, s, (apr_size_t)(e - s));
}

/* The trimmed value of attribute name ("" when absent); a required one
 * must be there and not empty; at most max characters. */
static const char *rec_attr(rec *r, const char *name, int required, size_t max)
{
    xmlChar *v = xmlGetNoNsProp(r->n, (const xmlChar *)name);
    if (v && strlen((const char *)v) > 4096) {
        xmlFree(v);
        mc_feed_rec_bad(r, "attribute '%s' is longer than 4096 bytes", name);
        return "";
    }
    const char *s = v ? trim(r->p, (const char *)v) : "";
    if (v)
        xmlFree(v);
    if (required && !*s)
        mc_feed_rec_bad(r, v ? "attribute '%s' is empty" : "attribute '%s' is missing", name);
    else if (max && mc_text_chars(s) > max)
        mc_feed_rec_bad(r, "attribute '%s' is longer than %d characters", name, (int)max);
    for (const char *c = s; *c && !r->why; c++)
        if ((unsigned char)*c < 0x20)
            mc_feed_rec_bad(r, "attribute '%s' holds a control character", name);
    return s;
}

static int rec_yesno(rec *r, const char *name)
{
    const char *v = rec_attr(r, name, 0, 0);
    if (!*v || !strcmp(v, "no"))
        return 0;
    if (!strcmp(v, "yes"))
        return 1;
    mc_feed_rec_bad(r, "attribute '%s' must be yes or no, not '%s'", name, v);
    return 0;
}

static const char *rec_ref(rec *r, const char *name, int required)
{
    const char *v = rec_attr(r, name, required, 0);
    if (*v && !ref_ok(v))
        mc_feed_rec_bad(r, "attribute '%s' is not an id (1 to 40 characters, no spaces)", name);
    return v;
}

static const char *rec_date(rec *r, const char *name)
{
    const char *v = rec_attr(r, name, 1, 0);
    if (*v && !mc_feed_date_ok(v))
        mc_feed_rec_bad(r, "attribute '%s' is not a date (YYYY-MM-DD): '%s'", name, v);
    return v;
}

static const char *rec_oneof(rec *r, const char *name, const char *dflt, const char *const *ok)
{
    const char *v = rec_attr(r, name, dflt == NULL, 0);
    const char *const *k = ok;
    if (!*v)
        return dflt ? dflt : v;
    while (*k && strcmp(*k, v) != 0)
        k++;
    if (!*k)
        mc_feed_rec_bad(r, "unknown %s '%s'", name, v);
    return v;
}

/* The element's text (at most max bytes), read through the reader so a
 * huge subtree is never held in memory; a child element is refused. Leaves
 * the reader on the element's end tag. */
const char *mc_feed_rec_text(rec *r, size_t max, int allowed)
{
    int depth = xmlTextReaderDepth(r->reader), child = 0;
    size_t len = 0;
    char *buf = apr_palloc(r->p, max + 2);
    const char *name = apr_pstrdup(r->p, (const char *)r->n->name);
    r->consumed = 1;
    if (xmlTextReaderIsEmptyElement(r->reader))
        return "";
    for (;;) {
        if (xmlTextReaderRead(r->reader) != 1) {
            r->consumed = -1; /* a parse error: the caller stops */
            return "";
        }
        int type = xmlTextReaderNodeType(r->reader), d = xmlTextReaderDepth(r->reader);
        if (type == XML_READER_TYPE_END_ELEMENT && d == depth)
            break;
        if (type == XML_READER_TYPE_ELEMENT && !child) {
            child = 1;
            mc_feed_rec_bad(r, "unexpected element <%s> inside <%s>",
                            (const char *)xmlTextReaderConstLocalName(r->reader), name);
        }
        else if (d == depth + 1 && (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                                    type == XML_READER_TYPE_WHITESPACE ||
                                    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
            const char *v = (const char *)xmlTextReaderConstValue(r->reader);
            size_t n = v ? strlen(v) : 0;
            if (n > max + 1 - len)
                n = max + 1 - len;
            memcpy(buf + len, v ? v : "", n);
            len += n;
        }
    }
    buf[len] = '\0';
    const char *out = trim(r->p, buf);
    if (!allowed && *out)
        mc_feed_rec_bad(r, "unexpected text inside <%s>", name);
    else if (len > max)
        mc_feed_rec_bad(r, "the text of <%s> is longer than %d bytes", name, (int)max);
    return out;
}

/* ---- the records --------------------------------------------------------- */

void mc_feed_read_case_type(rec *r, mc_feed_case_type *t)
{
    static const char *const names[] = {"code", "name", NULL};
    t->line = r->line;
    t->code = rec_attr(r, "code", 1, 0);
    r->what = apr_psprintf(r->p, "case-type %s", t->code);
    if (*t->code && (strlen(t->code) != 2 || !apr_isupper(t->code[0]) || !apr_isupper(t->code[1])))
        mc_feed_rec_bad(r, "code must be two upper-case letters");
    t->name = rec_attr(r, "name", 1, 100);
    rec_known(r, names);
    mc_feed_rec_text(r, 0, 0);
}

void mc_feed_read_court(rec *r, mc_feed_court *c)
{
    static const char *const names[] = {"code",    "circuit",     "county", "name",
                                        "efiling", "case-prefix", NULL};
    const char *v;
    c->line = r->line;
    c->code = rec_attr(r, "code", 1, 0);
    r->what = apr_psprintf(r->p, "court %s", c->code);
    if (*c->code && !word_ok(c->code, 10))
        mc_feed_rec_bad(r, "code must be 1 to 10 letters or digits");
    v = rec_attr(r, "circuit", 1, 0);
    c->circuit = 0;
    if (*v) {
        const char *s = v;
        while (apr_isdigit(*s))
            s++;
        if (*s || strlen(v) > 5 || (c->circuit = atoi(v)) < 1 || c->circuit > 65535)
            mc_feed_rec_bad(r, "circuit must be a number from 1 to 65535, not '%s'", v);
    }
    c->county = rec_attr(r, "county", 1, 60);
    c->name = rec_attr(r, "name", 1, 200);
    c->prefix = rec_attr(r, "case-prefix", 1, 0);
    if (*c->prefix &&
        (strlen(c->prefix) != 4 || !apr_isdigit(c->prefix[0]) || !apr_isdigit(c->prefix[1]) ||
         !apr_isupper(c->prefix[2]) || !apr_isupper(c->prefix[3])))
        mc_feed_rec_bad(r, "case-prefix must be 2 digits and 2 upper-case letters (22SL), not '%s'",
                        c->prefix);
    c->efiling = rec_yesno(r, "efiling");
    rec_known(r, names);
    mc_feed_rec_text(r, 0, 0);
}

void mc_feed_read_judge(rec *r, mc_feed_judge *j)
{
    static const char *const names[] = {"id", "court", "name", NULL};
    j->line = r->line;
    j->ref = rec_ref(r, "id", 1);
    r->what = apr_psprintf(r->p, "judge %s", j->ref);
    j->court = rec_attr(r, "court", 1, 10);
    j->name = rec_attr(r, "name", 1, 200);
    rec_known(r, names);
    mc_feed_rec_text(r, 0, 0);
}

static const char *const case_roles[] = {"plaintiff",  "petitioner", "defendant",
                                         "respondent", "other",      NULL};

static void read_party(rec *r, void *v)
{
    static const char *const names[] = {"id",     "role", "kind", "last",       "first",
                                        "middle", "name", "city", "birth-year", NULL};
    static const char *const kinds[] = {"person", "business", NULL};
    mc_feed_party *x = v;
    x->role = rec_oneof(r, "role", NULL, case_roles);
    x->kind = rec_oneof(r, "kind", "person", kinds);
    if (!strcmp(x->kind, "business")) {
        x->last = rec_attr(r, "name", 1, 200);
        x->first = x->middle = "";
        if (*rec_attr(r, "last", 0, 0) || *rec_attr(r, "first", 0, 0) ||
            *rec_attr(r, "middle", 0, 0) || *rec_attr(r, "birth-year", 0, 0))
            mc_feed_rec_bad(r, "a business has a name, not last/first/middle or a birth-year");
    }
    else {
        x->last = rec_attr(r, "last", 1, 200);
        x->first = rec_attr(r, "first", 0, 100);
        x->middle = rec_attr(r, "middle", 0, 100);
        if (*rec_attr(r, "name", 0, 0))
            mc_feed_rec_bad(r, "a person has last/first/middle, not name");
    }
    x->city = rec_attr(r, "city", 0, 100);
    const char *by = rec_attr(r, "birth-year", 0, 0);
    x->birth_year = 0;
    if (*by) {
        if (strlen(by) != 4 || !apr_isdigit(by[0]) || !apr_isdigit(by[1]) || !apr_isdigit(by[2]) ||
            !apr_isdigit(by[3]) || (x->birth_year = atoi(by)) < 1800 || x->birth_year > 2199)
            mc_feed_rec_bad(r, "birth-year must be a year from 1800 to 2199, not '%s'", by);
    }
    rec_known(r, names);
    mc_feed_rec_text(r, 0, 0);
}

static void read_attorney(rec *r, void *v)
{
    static const char *const names[] = {"id", "party", "name", "bar", "firm", NULL};
    mc_feed_attorney *x = v;
    x->party = rec_ref(r, "party", 0);
    x->name = rec_attr(r, "name", 1, 200);
    x->bar = rec_attr(r, "bar", 0, 20);
    x->firm = rec_attr(r, "firm", 0, 200);
    rec_known(r, names);
    mc_feed_rec_text(r, 0, 0);
}

static void read_docket(rec *r, void *v)
{
    static const char *const names[] = {"id", "date", "type", "filed-by", NULL};
    mc_feed_docket *x = v;
    x->date = rec_date(r, "date");
    x->type = rec_attr(r, "type", 1, 100);
    x->filed_by = rec_attr(r, "filed-by", 0, 200);
    rec_known(r, names);
    x->text = mc_feed_rec_text(r, 65535, 1);
}

static void read_hearing(rec *r, void *v)
{
    static const char *const names[] = {"id", "at", "type", "location", "judge", NULL};
    mc_feed_hearing *x = v;
    const char *at = rec_attr(r, "at", 1, 0);
    x->at = *at ? datetime_ok(r->p, at) : "";
    if (!x->at) {
        mc_feed_rec_bad(r, "attribute 'at' is not a date and time (YYYY-MM-DDTHH:MM): '%s'", at);
        x->at = "";
    }
    x->type = rec_attr(r, "type", 1, 100);
    x->location = rec_attr(r, "location", 0, 200);
    x->judge = rec_ref(r, "judge", 0);
    rec_known(r, names);
    mc_feed_rec_text(r, 0, 0);
}

static void read_judgment(rec *r, void *v)
{
    static const char *const names[] = {"id",      "debtor",    "creditor", "amount",
                                        "entered", "satisfied", NULL};
    mc_feed_judgment *x = v;
    x->debtor = rec_attr(r, "debtor", 1, 200);
    x->creditor = rec_attr(r, "creditor", 1, 200);
    const char *a = rec_attr(r, "amount", 1, 0);
    x->amount = *a ? amount_ok(r->p, a) : "";
    if (!x->amount) {
        mc_feed_rec_bad(r, "amount must be like 1234.56 (at most 12 digits before the point): '%s'",
                        a);
        x->amount = "";
    }
    x->entered = rec_date(r, "entered");
    x->satisfied = rec_yesno(r, "satisfied");
    rec_known(r, names);
    mc_feed_rec_text(r, 0, 0);
}

void mc_feed_read_case_head(rec *r, mc_feed_case *c)
{
    static const char *const names[] = {"number", "court", "type",         "filed",
                                        "status", "judge", "confidential", NULL};
    static const char *const statuses[] = {"open", "closed", "disposed", NULL};
    const char *num = rec_attr(r, "number", 1, 0);
    c->line = r->line;
    r->what = apr_psprintf(r->p, "case %s", num);
    c->number = num;
    if (*num && !mc_feed_case_number_ok(r->p, num, &c->number))
        mc_feed_rec_bad(r, "malformed case number (99AA-AA99999, such as 22SL-CC01234)");
    c->court = rec_attr(r, "court", 1, 10);
    c->type = rec_attr(r, "type", 1, 0);
    if (*c->type && !r->why && strncmp(c->number + 5, c->type, 2) != 0)
        mc_feed_rec_bad(r, "the case number's type %.2s is not the case's type %s", c->number + 5,
                        c->type);
    c->filed = rec_date(r, "filed");
    c->status = rec_oneof(r, "status", "open", statuses);
    c->judge = rec_ref(r, "judge", 0);
    c->confidential = rec_yesno(r, "confidential");
    c->caption = NULL;
    c->newest = c->filed;
    rec_known(r, names);
    c->parties = apr_array_make(r->p, 4, sizeof(mc_feed_party));
    c->attorneys = apr_array_make(r->p, 2, sizeof(mc_feed_attorney));
    c->dockets = apr_array_make(r->p, 4, sizeof(mc_feed_docket));
    c->hearings = apr_array_make(r->p, 1, sizeof(mc_feed_hearing));
    c->judgments = apr_array_make(r->p, 1, sizeof(mc_feed_judgment));
}

/* Is ref among the first n elements of arr (structs starting with ref)? */
static int has_ref(const apr_array_header_t *arr, int n, size_t off, const char *ref)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(*(const char *const *)(arr->elts + (size_t)i * arr->elt_size + off), ref))
            return 1;
    return 0;
}

/* The children of <case> that are records: each read into a new element
 * of its array in mc_feed_case, its ref unique there. */
static const struct child {
    const char *name;
    const char *label; /* "a second <label> with id ..." */
    size_t list;       /* the array's offset in mc_feed_case */
    size_t line;       /* the line's offset in the struct */
    /* The rest of the struct, after its ref and line. */
    void (*read)(rec *r, void *x);
} CHILDREN[] = {
    {"party", "party", offsetof(mc_feed_case, parties), offsetof(mc_feed_party, line), read_party},
    {"attorney", "attorney", offsetof(mc_feed_case, attorneys), offsetof(mc_feed_attorney, line),
     read_attorney},
    {"docket", "docket entry", offsetof(mc_feed_case, dockets), offsetof(mc_feed_docket, line),
     read_docket},
    {"hearing", "hearing", offsetof(mc_feed_case, hearings), offsetof(mc_feed_hearing, line),
     read_hearing},
    {"judgment", "judgment", offsetof(mc_feed_case, judgments), offsetof(mc_feed_judgment, line),
     read_judgment},
};

static const struct child *child_of(const char *name)
{
    for (size_t i = 0; i < sizeof(CHILDREN) / sizeof(CHILDREN[0]); i++)
        if (!strcmp(name, CHILDREN[i].name))
            return &CHILDREN[i];
    return NULL;
}

/* One child of <case> (the expanded node in r->n); base: "case N". */
void mc_feed_read_case_child(rec *r, mc_feed_case *c)
{
    const char *name = (const char *)r->n->name;
    const char *base = r->what;
    const struct child *ch;
    if (!r->n->ns || strcmp((const char *)r->n->ns->href, MC_FEED_NS) != 0) {
        mc_feed_rec_bad(r, "unknown element <%s>", name);
        return;
    }
    if (!strcmp(name, "caption")) {
        static const char *const none[] = {NULL};
        if (c->caption)
            mc_feed_rec_bad(r, "a second <caption>");
        rec_known(r, none);
        c->caption = mc_feed_rec_text(r, 2000, 1);
        if (!*c->caption)
            mc_feed_rec_bad(r, "the caption is empty");
        else if (mc_text_chars(c->caption) > 500)
            mc_feed_rec_bad(r, "the caption is longer than 500 characters");
    }
    else if ((ch = child_of(name)) != NULL) {
        apr_array_header_t *arr = *(apr_array_header_t **)((char *)c + ch->list);
        char *x = apr_array_push(arr);
        const char *ref;
        *(long *)(x + ch->line) = r->line;
        ref = rec_ref(r, "id", 1);
        *(const char **)x = ref; /* every child struct starts with its ref */
        r->what = apr_psprintf(r->p, "%s: %s %s", r->what, ch->name, ref);
        ch->read(r, x);
        if (!r->why && has_ref(arr, arr->nelts - 1, 0, ref))
            mc_feed_rec_bad(r, "a second %s with id %s", ch->label, ref);
        if (!r->why && arr == c->dockets && strcmp(((mc_feed_docket *)x)->date, c->newest) > 0)
            c->newest = ((mc_feed_docket *)x)->date;
    }
    else {
        mc_feed_rec_bad(r, "unknown element <%s>", name);
    }
    r->what = base;
}

/* After the children: what needs all of them. */
void mc_feed_read_case_end(rec *r, mc_feed_case *c)
{
    if (r->why)
        return;
    if (!c->caption) {
        mc_feed_rec_bad(r, "no <caption>");
        return;
    }
    for (int i = 0; i < c->attorneys->nelts; i++) {
        const mc_feed_attorney *a = &APR_ARRAY_IDX(c->attorneys, i, mc_feed_attorney);
        if (*a->party && !has_ref(c->parties, c->parties->nelts, 0, a->party)) {
            r->line = a->line;
            mc_feed_rec_bad(r, "attorney %s: party %s is not a party of the case", a->ref,
                            a->party);
            return;
        }
    }
}
