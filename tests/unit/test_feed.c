/* Unit tests for mc_feed: the records a feed yields, bad records with their
 * lines, and the refusal of DTDs, entities and other documents. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "mc_feed.h"
#include "unit_fixture.h"

/* What the callbacks saw, as text: one line per record or bad record. */
typedef struct seen {
    char log[8192];
    int refuse_court; /* answer MC_FEED_EBAD for court "NO" */
} seen;

static void add(seen *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(seen *s, const char *fmt, ...)
{
    va_list ap;
    size_t n = strlen(s->log);
    va_start(ap, fmt);
    vsnprintf(s->log + n, sizeof(s->log) - n, fmt, ap);
    va_end(ap);
}

static apr_status_t on_type(void *b, apr_pool_t *p, const mc_feed_case_type *t, const char **why)
{
    add(b, "type %s %s @%ld\n", t->code, t->name, t->line);
    return APR_SUCCESS;
}

static apr_status_t on_court(void *b, apr_pool_t *p, const mc_feed_court *c, const char **why)
{
    seen *s = b;
    if (s->refuse_court && !strcmp(c->code, "NO")) {
        *why = "not wanted";
        return MC_FEED_EBAD;
    }
    add(b, "court %s %d %s %s %s %d @%ld\n", c->code, c->circuit, c->county, c->name, c->prefix,
        c->efiling, c->line);
    return APR_SUCCESS;
}

static apr_status_t on_judge(void *b, apr_pool_t *p, const mc_feed_judge *j, const char **why)
{
    add(b, "judge %s %s %s @%ld\n", j->ref, j->court, j->name, j->line);
    return APR_SUCCESS;
}

static apr_status_t on_case(void *b, apr_pool_t *p, const mc_feed_case *c, const char **why)
{
    int i;
    add(b, "case %s %s %s %s %s [%s] %d '%s' newest %s @%ld\n", c->number, c->court, c->type,
        c->filed, c->status, c->judge, c->confidential, c->caption, c->newest, c->line);
    for (i = 0; i < c->parties->nelts; i++) {
        const mc_feed_party *x = &APR_ARRAY_IDX(c->parties, i, mc_feed_party);
        add(b, " party %s %s %s %s/%s/%s %d %s @%ld\n", x->ref, x->role, x->kind, x->last, x->first,
            x->middle, x->birth_year, x->city, x->line);
    }
    for (i = 0; i < c->attorneys->nelts; i++) {
        const mc_feed_attorney *x = &APR_ARRAY_IDX(c->attorneys, i, mc_feed_attorney);
        add(b, " attorney %s [%s] %s %s %s\n", x->ref, x->party, x->name, x->bar, x->firm);
    }
    for (i = 0; i < c->dockets->nelts; i++) {
        const mc_feed_docket *x = &APR_ARRAY_IDX(c->dockets, i, mc_feed_docket);
        add(b, " docket %s %s %s '%s' [%s]\n", x->ref, x->date, x->type, x->text, x->filed_by);
    }
    for (i = 0; i < c->hearings->nelts; i++) {
        const mc_feed_hearing *x = &APR_ARRAY_IDX(c->hearings, i, mc_feed_hearing);
        add(b, " hearing %s %s %s [%s] [%s]\n", x->ref, x->at, x->type, x->location, x->judge);
    }
    for (i = 0; i < c->judgments->nelts; i++) {
        const mc_feed_judgment *x = &APR_ARRAY_IDX(c->judgments, i, mc_feed_judgment);
        add(b, " judgment %s %s|%s %s %s %d\n", x->ref, x->debtor, x->creditor, x->amount,
            x->entered, x->satisfied);
    }
    return APR_SUCCESS;
}

static void on_bad(void *b, long line, const char *why)
{
    add(b, "BAD %ld: %s\n", line, why);
}

static apr_status_t run(const char *xml, seen *s, mc_feed_result *res)
{
    mc_feed_handler h = {s, on_type, on_court, on_judge, on_case, on_bad};
    return mc_feed_parse_memory(mc_test_pool, xml, strlen(xml), &h, res);
}

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<casenet-feed xmlns=\"" MC_FEED_NS "\">\n"

START_TEST(test_records)
{
    const char *xml = HEAD
        "  <case-type code=\"CC\" name=\"Circuit Civil\"/>\n"
        "  <court code=\"22\" circuit=\"22\" county=\"City of St. Louis\" name=\"22nd "
        "\xE2\x80\x93 STL\" case-prefix=\"22SL\" efiling=\"yes\"/>\n"
        "  <judge id=\"J22-1\" court=\"22\" name=\"Hon. Jane Roe\"/>\n"
        "  <case number=\"22sl-cc01234\" court=\"22\" type=\"CC\" filed=\"2025-03-04\" "
        "judge=\"J22-1\" confidential=\"yes\">\n"
        "    <caption> SMITH V JONES &amp; CO </caption>\n"
        "    <party id=\"1\" role=\"plaintiff\" last=\"SMITH\" first=\"JOHN\" middle=\"A\" "
        "birth-year=\"1970\" city=\"ST LOUIS\"/>\n"
        "    <party id=\"2\" role=\"defendant\" kind=\"business\" name=\"ACME &lt;INC&gt;\"/>\n"
        "    <attorney id=\"1\" party=\"1\" name=\"JANE LAWYER\" bar=\"12345\" firm=\"L LLC\"/>\n"
        "    <docket id=\"1\" date=\"2025-03-04\" type=\"Petition Filed\" filed-by=\"JANE\">"
        "Petition\nfiled.</docket>\n"
        "    <docket id=\"2\" date=\"2025-05-01\" type=\"Order\"/>\n"
        "    <hearing id=\"1\" at=\"2025-04-01T09:00\" type=\"Case Review\" location=\"Div 1\" "
        "judge=\"J22-1\"/>\n"
        "    <judgment id=\"1\" debtor=\"JONES\" creditor=\"SMITH\" amount=\"1234.5\" "
        "entered=\"2025-06-01\"/>\n"
        "  </case>\n"
        "</casenet-feed>\n";
    seen s = {""};
    mc_feed_result res;
    ck_assert_int_eq(run(xml, &s, &res), APR_SUCCESS);
    ck_assert_int_eq(res.records, 4);
    ck_assert_int_eq(res.bad, 0);
    ck_assert_str_eq(
        s.log, "type CC Circuit Civil @3\n"
               "court 22 22 City of St. Louis 22nd \xE2\x80\x93 STL 22SL 1 @4\n"
               "judge J22-1 22 Hon. Jane Roe @5\n"
               "case 22SL-CC01234 22 CC 2025-03-04 open [J22-1] 1 'SMITH V JONES & CO' newest "
               "2025-05-01 @6\n"
               " party 1 plaintiff person SMITH/JOHN/A 1970 ST LOUIS @8\n"
               " party 2 defendant business ACME <INC>// 0  @9\n"
               " attorney 1 [1] JANE LAWYER 12345 L LLC\n"
               " docket 1 2025-03-04 Petition Filed 'Petition\nfiled.' [JANE]\n"
               " docket 2 2025-05-01 Order '' []\n"
               " hearing 1 2025-04-01 09:00:00 Case Review [Div 1] [J22-1]\n"
               " judgment 1 JONES|SMITH 1234.50 2025-06-01 0\n");
}
END_TEST

START_TEST(test_bad_records_go_on)
{
    const char *xml =
        HEAD "  <court code=\"22\" circuit=\"x\" county=\"C\" name=\"N\" case-prefix=\"22SL\"/>\n"
             "  <court code=\"NO\" circuit=\"1\" county=\"C\" name=\"N\" case-prefix=\"01NO\"/>\n"
             "  <case number=\"22SL-CC1234\" court=\"22\" type=\"CC\" filed=\"2025-03-04\">"
             "<caption>X</caption></case>\n"
             "  <case number=\"22SL-CC00001\" court=\"22\" type=\"AC\" filed=\"2025-03-04\">"
             "<caption>X</caption></case>\n"
             "  <case number=\"22SL-CC00002\" court=\"22\" type=\"CC\" filed=\"2025-02-29\">"
             "<caption>X</caption></case>\n"
             "  <case number=\"22SL-CC00003\" court=\"22\" type=\"CC\" filed=\"2025-03-04\">\n"
             "    <caption>X</caption>\n"
             "    <party id=\"1\" role=\"plaintiff\" last=\"A\"/>\n"
             "    <party id=\"2\" role=\"villain\" last=\"B\"/>\n"
             "  </case>\n"
             "  <case number=\"22SL-CC00004\" court=\"22\" type=\"CC\" filed=\"2025-03-04\">\n"
             "    <caption>X</caption>\n"
             "    <party id=\"1\" role=\"plaintiff\" last=\"A\"/>\n"
             "    <party id=\"1\" role=\"defendant\" last=\"B\"/>\n"
             "  </case>\n"
             "  <case number=\"22SL-CC00005\" court=\"22\" type=\"CC\" filed=\"2025-03-04\">\n"
             "    <caption>X</caption>\n"
             "    <attorney id=\"1\" party=\"9\" name=\"L\"/>\n"
             "  </case>\n"
             "  <case number=\"22SL-CC00006\" court=\"22\" type=\"CC\" filed=\"2025-03-04\"/>\n"
             "  <case number=\"22SL-CC00007\" court=\"22\" type=\"CC\" filed=\"2025-03-04\" "
             "colour=\"red\"><caption>X</caption></case>\n"
             "  <case number=\"22SL-CC00008\" court=\"22\" type=\"CC\" filed=\"2025-03-04\">"
             "<caption>X</caption><judgment id=\"1\" debtor=\"D\" creditor=\"C\" amount=\"-5\" "
             "entered=\"2025-01-01\"/></case>\n"
             "  <case number=\"22SL-CC00009\" court=\"22\" type=\"CC\" filed=\"2025-03-04\">"
             "<caption>X</caption><hearing id=\"1\" at=\"2025-13-01T09:00\" type=\"T\"/></case>\n"
             "  <bogus/>\n"
             "  <case number=\"22SL-CC00010\" court=\"22\" type=\"CC\" filed=\"2025-03-04\">"
             "<caption>GOOD</caption></case>\n"
             "</casenet-feed>\n";
    seen s = {"", 1};
    mc_feed_result res;
    ck_assert_int_eq(run(xml, &s, &res), APR_SUCCESS);
    ck_assert_int_eq(res.records, 1);
    ck_assert_int_eq(res.bad, 13);
    ck_assert_str_eq(
        s.log,
        "BAD 3: court 22: circuit must be a number from 1 to 65535, not 'x'\n"
        "BAD 4: court NO: not wanted\n"
        "BAD 5: case 22SL-CC1234: malformed case number (99AA-AA99999, such as 22SL-CC01234)\n"
        "BAD 6: case 22SL-CC00001: the case number's type CC is not the case's type AC\n"
        "BAD 7: case 22SL-CC00002: attribute 'filed' is not a date (YYYY-MM-DD): '2025-02-29'\n"
        "BAD 11: case 22SL-CC00003: party 2: unknown role 'villain'\n"
        "BAD 16: case 22SL-CC00004: party 1: a second party with id 1\n"
        "BAD 20: case 22SL-CC00005: attorney 1: party 9 is not a party of the case\n"
        "BAD 22: case 22SL-CC00006: no <caption>\n"
        "BAD 23: case 22SL-CC00007: unknown attribute 'colour'\n"
        "BAD 24: case 22SL-CC00008: judgment 1: amount must be like 1234.56 (at most 12 digits "
        "before the point): '-5'\n"
        "BAD 25: case 22SL-CC00009: hearing 1: attribute 'at' is not a date and time "
        "(YYYY-MM-DDTHH:MM): '2025-13-01T09:00'\n"
        "BAD 26: unknown element <bogus>\n"
        "case 22SL-CC00010 22 CC 2025-03-04 open [] 0 'GOOD' newest 2025-03-04 @27\n");
}
END_TEST

START_TEST(test_dtd_refused)
{
    static const char *const feeds[] = {
        "<?xml version=\"1.0\"?>\n<!DOCTYPE f [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
        "<casenet-feed xmlns=\"" MC_FEED_NS "\"><case-type code=\"XX\" name=\"&x;\"/>"
        "</casenet-feed>",
        "\xEF\xBB\xBF<!-- a comment -->\n<?pi x?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
        "<casenet-feed xmlns=\"" MC_FEED_NS "\">&lol2;</casenet-feed>",
    };
    for (int i = 0; i < 2; i++) {
        seen s = {""};
        mc_feed_result res;
        ck_assert_int_eq(run(feeds[i], &s, &res), MC_FEED_EFORMAT);
        ck_assert_str_eq(res.error,
                         "the feed has a DOCTYPE: DTDs and entity declarations are refused");
        ck_assert_int_eq(res.line, i == 0 ? 2 : 3);
        ck_assert_str_eq(s.log, "");
    }
}
END_TEST

START_TEST(test_not_a_feed)
{
    seen s = {""};
    mc_feed_result res;
    ck_assert_int_eq(run("<other/>", &s, &res), MC_FEED_EFORMAT);
    ck_assert_ptr_nonnull(strstr(res.error, "not a Case.net feed"));
    ck_assert_int_eq(run(HEAD "<case-type code=\"CC\" name=\"&foo;\"/></casenet-feed>", &s, &res),
                     MC_FEED_EFORMAT);
    ck_assert_str_eq(res.error, "not well-formed XML: Entity 'foo' not defined");
    ck_assert_int_eq(run("\xFF\xFE<\0c\0", &s, &res), MC_FEED_EFORMAT);
    ck_assert_ptr_nonnull(strstr(res.error, "not UTF-8"));
    /* the records before an XML error were delivered */
    s.log[0] = '\0';
    ck_assert_int_eq(run(HEAD "<case-type code=\"CC\" name=\"A\"/>\n<court code=\"1\"\n", &s, &res),
                     MC_FEED_EFORMAT);
    ck_assert_int_eq(res.line, 5); /* at the end of the input */
    ck_assert_str_eq(s.log, "type CC A @3\n");
    ck_assert_int_eq(run("", &s, &res), MC_FEED_EFORMAT);
}
END_TEST

START_TEST(test_checks)
{
    const char *out;
    ck_assert(mc_feed_case_number_ok(mc_test_pool, " 22sl-cc01234 ", &out));
    ck_assert_str_eq(out, "22SL-CC01234");
    ck_assert(!mc_feed_case_number_ok(mc_test_pool, "22SL-CC0123", NULL));
    ck_assert(!mc_feed_case_number_ok(mc_test_pool, "22SL-CC012345", NULL));
    ck_assert(!mc_feed_case_number_ok(mc_test_pool, "2SLL-CC01234", NULL));
    ck_assert(mc_feed_date_ok("2024-02-29"));
    ck_assert(!mc_feed_date_ok("2023-02-29"));
    ck_assert(!mc_feed_date_ok("2023-2-28"));
    ck_assert(!mc_feed_date_ok("1899-12-31"));
}
END_TEST

/* Line numbers past 65535 (libxml2 keeps 16 bits in a node). */
START_TEST(test_big_lines)
{
    apr_size_t cap = 4 << 20, len = 0;
    char *buf = apr_palloc(mc_test_pool, cap);
    len += (apr_size_t)snprintf(buf, cap, HEAD);
    for (int i = 0; i < 70000; i++)
        len += (apr_size_t)snprintf(buf + len, cap - len, "  <!-- %d -->\n", i);
    /* line 70003 */
    len += (apr_size_t)snprintf(buf + len, cap - len,
                                "  <case number=\"22SL-CC00001\" court=\"22\" type=\"CC\" "
                                "filed=\"2025-03-04\">\n    <caption>X</caption>\n"
                                "    <party id=\"1\" role=\"nobody\" last=\"A\"/>\n  </case>\n"
                                "  <court code=\"?\" circuit=\"1\" county=\"C\" name=\"N\" "
                                "case-prefix=\"01AA\"/>\n</casenet-feed>\n");
    seen s = {""};
    mc_feed_result res;
    mc_feed_handler h = {&s, on_type, on_court, on_judge, on_case, on_bad};
    ck_assert_int_eq(mc_feed_parse_memory(mc_test_pool, buf, len, &h, &res), APR_SUCCESS);
    ck_assert_str_eq(s.log, "BAD 70005: case 22SL-CC00001: party 1: unknown role 'nobody'\n"
                            "BAD 70007: court ?: code must be 1 to 10 letters or digits\n");
}
END_TEST

MC_TEST_SUITE(feed, mc_test_pool_setup, mc_test_pool_teardown, 0, test_records,
              test_bad_records_go_on, test_dtd_refused, test_not_a_feed, test_checks,
              test_big_lines)
