/* generate.c: `mocourts-admin generate [--seed N] [--cases N] [--courts N]
 * [--parties N]`: a synthetic Case.net feed (docs/casenet-feed.xsd) on
 * stdout, for `make run` demo data, tests and benchmarks (a progress line
 * on stderr when it is a terminal).
 *
 * Deterministic: the same options give byte-identical output (splitmix64,
 * never rand()). Streamed: nothing is kept per case, so any size works.
 * Missouri-like: real circuits and counties with their own case prefixes
 * (court "22", City of St. Louis, 22SL, always first), common Missouri
 * surnames with sound-alikes (SMITH/SMYTHE...), case numbers in sequence per
 * court and case type. Dates are relative to a fixed base date, 2026-11-01:
 * filings and docket entries before it, some hearings after it. */
#include "admin.h"
#include "progress.h"

#include <apr_pools.h>
#include <apr_strings.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct gen_court {
    const char *code;
    int circuit;
    const char *county;
    const char *prefix;
    int efiling;
    int weight;
} gen_court;

static const gen_court courts[] = {
    {"22", 22, "City of St. Louis", "22SL", 1, 14},
    {"21", 21, "St. Louis County", "21SL", 1, 18},
    {"16", 16, "Jackson County", "16JE", 1, 14},
    {"13", 13, "Boone County", "13BA", 0, 5},
    {"31", 31, "Greene County", "31GR", 1, 7},
    {"11", 11, "St. Charles County", "11SC", 0, 7},
    {"7", 7, "Clay County", "07CY", 1, 5},
    {"6", 6, "Platte County", "06PL", 0, 3},
    {"23", 23, "Jefferson County", "23JF", 1, 4},
    {"19", 19, "Cole County", "19CO", 0, 3},
    {"29", 29, "Jasper County", "29JP", 1, 3},
    {"25", 25, "Pulaski County", "25PU", 0, 2},
    {"32", 32, "Cape Girardeau County", "32CG", 1, 3},
    {"35", 35, "Dunklin County", "35DU", 0, 1},
    {"24", 24, "St. Francois County", "24SF", 1, 2},
    {"20", 20, "Franklin County", "20FR", 0, 2},
    {"17", 17, "Cass County", "17CS", 1, 2},
    {"5", 5, "Buchanan County", "05BU", 0, 2},
    {"2", 2, "Adair County", "02AD", 1, 1},
    {"10", 10, "Marion County", "10MA", 0, 1},
    {"26", 26, "Camden County", "26CM", 1, 1},
    {"38", 38, "Christian County", "38CH", 0, 2},
    {"30", 30, "Polk County", "30PO", 1, 1},
    {"44", 44, "Douglas County", "44DO", 0, 1},
};
#define NCOURTS (int)(sizeof(courts) / sizeof(courts[0]))

static const struct {
    const char *code, *name;
    int weight;
} types[] = {
    {"CC", "Circuit Civil", 20},      {"AC", "Associate Civil", 30}, {"CR", "Criminal", 15},
    {"DR", "Domestic Relations", 15}, {"PR", "Probate", 8},          {"SC", "Small Claims", 12},
};
#define NTYPES (int)(sizeof(types) / sizeof(types[0]))

/* Sound-alikes sit side by side so "sounds like" has something to find. */
static const char *const surnames[] = {
    "SMITH",      "SMYTHE",    "SMYTH",     "JOHNSON",   "JONSON",   "JOHNSTON", "WILLIAMS",
    "WILLIAMSON", "BROWN",     "BRAUN",     "JONES",     "JOHNS",    "MILLER",   "MILLAR",
    "DAVIS",      "DAVIES",    "WILSON",    "WILLSON",   "MOORE",    "MOHR",     "TAYLOR",
    "TAILOR",     "ANDERSON",  "ANDERSEN",  "THOMAS",    "THOMPSON", "THOMSON",  "JACKSON",
    "WHITE",      "WHYTE",     "HARRIS",    "HARRISS",   "MARTIN",   "MARTEN",   "CLARK",
    "CLARKE",     "LEWIS",     "LOUIS",     "ROBINSON",  "ROBINSEN", "WALKER",   "WALKAR",
    "YOUNG",      "ALLEN",     "ALLAN",     "KING",      "WRIGHT",   "RIGHT",    "SCOTT",
    "SCOT",       "GREEN",     "GREENE",    "BAKER",     "ADAMS",    "NELSON",   "NELSEN",
    "HILL",       "CAMPBELL",  "MITCHELL",  "ROBERTS",   "CARTER",   "PHILLIPS", "PHILIPS",
    "EVANS",      "TURNER",    "PARKER",    "COLLINS",   "EDWARDS",  "STEWART",  "STUART",
    "MORRIS",     "MURPHY",    "COOK",      "COOKE",     "ROGERS",   "RODGERS",  "MEYER",
    "MEIER",      "MAYER",     "SCHMIDT",   "SCHMITT",   "MUELLER",  "MULLER",   "WAGNER",
    "WAGONER",    "BECKER",    "BAKKER",    "SCHNEIDER", "SNYDER",   "FISCHER",  "FISHER",
    "WEBER",      "WEBBER",    "HOFFMAN",   "HOFFMANN",  "KOCH",     "O'BRIEN",  "O'BRYAN",
    "MCDONALD",   "MACDONALD", "REED",      "REID",      "REA",      "GRAY",     "GREY",
    "PETERSON",   "PETERSEN",  "HENDERSON", "HENDERSEN", "COLEMAN",  "KOHLMAN",  "BELL",
};
#define NSURNAMES (int)(sizeof(surnames) / sizeof(surnames[0]))

static const char *const firsts[] = {
    "JAMES",    "JOHN",    "ROBERT", "MICHAEL",  "WILLIAM",  "DAVID",    "RICHARD",   "JOSEPH",
    "THOMAS",   "CHARLES", "MARY",   "PATRICIA", "JENNIFER", "LINDA",    "ELIZABETH", "BARBARA",
    "SUSAN",    "JESSICA", "SARAH",  "KAREN",    "DANIEL",   "MATTHEW",  "ANTHONY",   "MARK",
    "DONALD",   "STEVEN",  "PAUL",   "ANDREW",   "JOSHUA",   "NANCY",    "LISA",      "BETTY",
    "MARGARET", "SANDRA",  "ASHLEY", "EMILY",    "DONNA",    "MICHELLE", "CAROL",     "AMANDA",
    "BRIAN",    "KEVIN",   "JASON",  "GARY",     "RYAN",     "JACOB",    "NICOLE",    "HELEN",
};
#define NFIRSTS (int)(sizeof(firsts) / sizeof(firsts[0]))

static const char *const businesses[] = {
    "ACME INC",
    "SHOW ME CREDIT UNION",
    "MIDWEST BANK NA",
    "GATEWAY PROPERTIES LLC",
    "OZARK FINANCE CO",
    "SMITH & SONS CONSTRUCTION",
    "RIVER CITY APARTMENTS LLC",
    "HEARTLAND AUTO SALES",
    "PORTFOLIO RECOVERY ASSOCIATES LLC",
    "MISSOURI GAS ENERGY",
    "CAPITAL ONE BANK USA NA",
    "ST LOUIS HOUSING AUTHORITY",
    "KANSAS CITY MEDICAL GROUP",
    "BOONE COUNTY HOSPITAL",
    "MIDLAND FUNDING LLC",
    "OZARKS ELECTRIC COOPERATIVE",
};
#define NBUSINESSES (int)(sizeof(businesses) / sizeof(businesses[0]))

static const char *const cities[] = {
    "ST LOUIS",     "KANSAS CITY",  "SPRINGFIELD",    "COLUMBIA",       "INDEPENDENCE",
    "LEE'S SUMMIT", "O'FALLON",     "ST JOSEPH",      "ST CHARLES",     "BLUE SPRINGS",
    "JOPLIN",       "CHESTERFIELD", "JEFFERSON CITY", "CAPE GIRARDEAU", "FLORISSANT",
    "KIRKWOOD",     "LIBERTY",      "BALLWIN",        "RAYTOWN",        "GLADSTONE",
    "WENTZVILLE",   "KENNETT",      "ROLLA",          "KIRKSVILLE",
};
#define NCITIES (int)(sizeof(cities) / sizeof(cities[0]))

/* ---- the generator's randomness: splitmix64 ------------------------------ */

typedef struct gen {
    uint64_t s;
    FILE *out;
} gen;

static uint64_t next64(gen *g)
{
    uint64_t z = (g->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* 0 <= r < n */
static int below(gen *g, int n)
{
    return (int)((next64(g) >> 11) % (uint64_t)n);
}

/* true with probability pct % */
static int chance(gen *g, int pct)
{
    return below(g, 100) < pct;
}

/* ---- dates: days since 1970-01-01 --------------------------------------- */

#define BASE_DAY 20758 /* 2026-11-01 */

static void ymd(long z, int *y, int *m, int *d)
{
    /* Howard Hinnant's civil_from_days */
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static const char *day_str(char *buf, long day)
{
    int y, m, d;
    ymd(day, &y, &m, &d);
    snprintf(buf, 11, "%04d-%02d-%02d", y, m, d);
    return buf;
}

/* ---- output -------------------------------------------------------------- */

static void esc(FILE *out, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *rep = *s == '&'   ? "&amp;"
                          : *s == '<' ? "&lt;"
                          : *s == '>' ? "&gt;"
                          : *s == '"' ? "&quot;"
                                      : NULL;
        if (!rep)
            continue;
        fwrite(run, 1, (size_t)(s - run), out);
        fputs(rep, out);
        run = s + 1;
    }
    fwrite(run, 1, (size_t)(s - run), out);
}

/* attribute name="value" (escaped), with a leading space */
static void attr(FILE *out, const char *name, const char *value)
{
    fputc(' ', out);
    fputs(name, out);
    fputs("=\"", out);
    esc(out, value);
    fputc('"', out);
}

typedef struct gparty {
    int business;
    const char *last, *first;
    char middle[2];
    int role; /* 0 plaintiff side, 1 defendant side, 2 other */
} gparty;

static const char *judge_name(gen *g, char *buf, size_t n)
{
    snprintf(buf, n, "Hon. %s %s", firsts[below(g, NFIRSTS)], surnames[below(g, NSURNAMES)]);
    return buf;
}

#define JUDGES_PER_COURT 3
#define MAX_PARTIES 64

static int parse_count(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    if (!s || !*s || *s == '-')
        return 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || v > max)
        return 0;
    *out = v;
    return 1;
}

int mc_cmd_generate(mc_admin *a, const mc_args *args)
{
    const char *prog = MC_ADMIN_PROG;
    unsigned long long seed = 1, ncases = 1000, ncourts = NCOURTS, nparties = 0, v;
    int parties_given = 0;
    for (int i = 0; i < args->opts->nelts; i++) {
        const mc_opt *o = &APR_ARRAY_IDX(args->opts, i, mc_opt);
        const char *name = o->id == MC_OPT_SEED     ? "--seed"
                           : o->id == MC_OPT_CASES  ? "--cases"
                           : o->id == MC_OPT_COURTS ? "--courts"
                                                    : "--parties";
        unsigned long long max = o->id == MC_OPT_SEED     ? UINT64_MAX
                                 : o->id == MC_OPT_CASES  ? 100000000ULL
                                 : o->id == MC_OPT_COURTS ? (unsigned long long)NCOURTS
                                                          : 1000000000ULL;
        int min = o->id == MC_OPT_SEED || o->id == MC_OPT_PARTIES ? 0 : 1;
        if (!parse_count(o->arg, max, &v) || v < (unsigned long long)min)
            return mc_admin_usage(args->cmd, "%s needs a number from %d to %llu", name, min, max);
        if (o->id == MC_OPT_SEED)
            seed = v;
        else if (o->id == MC_OPT_CASES)
            ncases = v;
        else if (o->id == MC_OPT_COURTS)
            ncourts = v;
        else {
            nparties = v;
            parties_given = 1;
        }
    }
    if (!parties_given)
        nparties = ncases * 3;
    /* Case numbers have 5 digits per court and type. */
    if (ncases > ncourts * NTYPES * 99999ULL) {
        return mc_admin_usage(args->cmd, "%llu courts hold at most %llu cases", ncourts,
                              ncourts * NTYPES * 99999ULL);
    }
    if (nparties > ncases * MAX_PARTIES) {
        return mc_admin_usage(args->cmd, "at most %d parties per case", MAX_PARTIES);
    }

    gen g = {seed, stdout};
    FILE *out = stdout;
    static char obuf[1 << 20];
    setvbuf(out, obuf, _IOFBF, sizeof(obuf));
    int nc = (int)ncourts, total_weight = 0, type_weight = 0;
    unsigned *seq = calloc((size_t)nc * NTYPES, sizeof(unsigned));
    char jbuf[JUDGES_PER_COURT * NCOURTS][64];
    char b1[16], b2[16], num[16], buf[256];
    if (!seq)
        return 1;

    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<casenet-feed xmlns=\"urn:mocourts:casenet-feed:1\">\n",
          out);
    fprintf(out,
            "  <!-- mocourts-admin generate: seed %llu, %llu cases, %d courts, %llu parties -->\n",
            seed, ncases, nc, nparties);
    for (int t = 0; t < NTYPES; t++) {
        fputs("  <case-type", out);
        attr(out, "code", types[t].code);
        attr(out, "name", types[t].name);
        fputs("/>\n", out);
        type_weight += types[t].weight;
    }
    for (int c = 0; c < nc; c++) {
        const gen_court *k = &courts[c];
        int n = k->circuit;
        const char *sfx = n % 100 >= 11 && n % 100 <= 13 ? "th"
                          : n % 10 == 1                  ? "st"
                          : n % 10 == 2                  ? "nd"
                          : n % 10 == 3                  ? "rd"
                                                         : "th";
        snprintf(buf, sizeof(buf), "%d%s Judicial Circuit \xE2\x80\x93 %s", n, sfx, k->county);
        fputs("  <court", out);
        attr(out, "code", k->code);
        fprintf(out, " circuit=\"%d\"", n);
        attr(out, "county", k->county);
        attr(out, "name", buf);
        attr(out, "case-prefix", k->prefix);
        attr(out, "efiling", k->efiling ? "yes" : "no");
        fputs("/>\n", out);
        total_weight += k->weight;
    }
    for (int c = 0; c < nc; c++)
        for (int j = 0; j < JUDGES_PER_COURT; j++) {
            judge_name(&g, jbuf[c * JUDGES_PER_COURT + j], sizeof(jbuf[0]));
            snprintf(buf, sizeof(buf), "J%s-%d", courts[c].code, j + 1);
            fputs("  <judge", out);
            attr(out, "id", buf);
            attr(out, "court", courts[c].code);
            attr(out, "name", jbuf[c * JUDGES_PER_COURT + j]);
            fputs("/>\n", out);
        }

    static const char *const statuses[] = {"open",   "open",   "open",   "open",     "open",
                                           "closed", "closed", "closed", "disposed", "disposed"};
    static const char *const later[] = {
        "Summons Issued",    "Answer Filed",     "Motion Filed",        "Order",
        "Notice of Hearing", "Memorandum Filed", "Continuance Granted", "Judgment Entered"};
    static const char *const htypes[] = {"Case Review", "Trial Setting", "Motion Hearing",
                                         "Pretrial Conference"};
    static const char *const times[] = {"09:00", "09:30", "10:30", "13:00", "13:30", "15:00"};
    unsigned long long parties_done = 0;
    mc_progress_start("generate", "cases", (long long)ncases);
    for (unsigned long long i = 0; i < ncases; i++) {
        if (i % 256 == 0)
            mc_progress_update((long long)i, (double)i / (double)ncases);
        /* court and type by weight; a full sequence moves on to the next */
        int r = below(&g, total_weight), c = 0, t = 0;
        while (r >= courts[c].weight)
            r -= courts[c++].weight;
        r = below(&g, type_weight);
        while (r >= types[t].weight)
            r -= types[t++].weight;
        while (seq[c * NTYPES + t] >= 99999) {
            if (++t == NTYPES) {
                t = 0;
                c = (c + 1) % nc;
            }
        }
        unsigned n = ++seq[c * NTYPES + t];
        const gen_court *k = &courts[c];
        snprintf(num, sizeof(num), "%s-%s%05u", k->prefix, types[t].code, n);
        long filed = BASE_DAY - 1 - below(&g, 6 * 365);
        const char *status = statuses[below(&g, 10)];
        int judge = below(&g, JUDGES_PER_COURT);
        int confidential = below(&g, 1000) < 10;
        int cr = !strcmp(types[t].code, "CR"), dr = !strcmp(types[t].code, "DR"),
            pr = !strcmp(types[t].code, "PR");

        /* parties: exactly nparties in all, spread evenly */
        unsigned long long upto = (i + 1) * nparties / ncases;
        int np = (int)(upto - parties_done);
        parties_done = upto;
        gparty ps[MAX_PARTIES];
        for (int x = 0; x < np; x++) {
            gparty *q = &ps[x];
            q->role = x == 0 ? 0 : (x == 1 || !chance(&g, 25)) ? 1 : 2;
            if (pr && x > 0)
                q->role = 2;
            q->business = (cr && x == 0) || (!dr && !pr && chance(&g, x == 0 ? 25 : 8));
            q->last = cr && x == 0  ? "STATE OF MISSOURI"
                      : q->business ? businesses[below(&g, NBUSINESSES)]
                                    : surnames[below(&g, NSURNAMES)];
            q->first = q->business ? "" : firsts[below(&g, NFIRSTS)];
            q->middle[0] = !q->business && chance(&g, 70) ? (char)('A' + below(&g, 26)) : 0;
            q->middle[1] = 0;
        }
        const gparty *plaintiff = np > 0 ? &ps[0] : NULL, *defendant = np > 1 ? &ps[1] : NULL;
        if (pr && plaintiff)
            snprintf(buf, sizeof(buf), "IN THE ESTATE OF %s %s", plaintiff->first, plaintiff->last);
        else if (plaintiff && defendant)
            snprintf(buf, sizeof(buf), "%s V %s", plaintiff->last, defendant->last);
        else if (plaintiff)
            snprintf(buf, sizeof(buf), "IN RE %s", plaintiff->last);
        else
            snprintf(buf, sizeof(buf), "IN THE MATTER OF %s", num);

        fputs("  <case", out);
        attr(out, "number", num);
        attr(out, "court", k->code);
        attr(out, "type", types[t].code);
        attr(out, "filed", day_str(b1, filed));
        attr(out, "status", status);
        fprintf(out, " judge=\"J%s-%d\"", k->code, judge + 1);
        if (confidential)
            fputs(" confidential=\"yes\"", out);
        fputs(">\n    <caption>", out);
        esc(out, buf);
        fputs("</caption>\n", out);

        for (int x = 0; x < np; x++) {
            const gparty *q = &ps[x];
            static const char *const roles[2][3] = {{"plaintiff", "defendant", "other"},
                                                    {"petitioner", "respondent", "other"}};
            fprintf(out, "    <party id=\"%d\"", x + 1);
            attr(out, "role", roles[dr || pr][q->role]);
            if (q->business) {
                fputs(" kind=\"business\"", out);
                attr(out, "name", q->last);
            }
            else {
                fputs(" kind=\"person\"", out);
                attr(out, "last", q->last);
                attr(out, "first", q->first);
                if (q->middle[0])
                    attr(out, "middle", q->middle);
                if (chance(&g, 80))
                    fprintf(out, " birth-year=\"%d\"", 1940 + below(&g, 66));
            }
            attr(out, "city", cities[below(&g, NCITIES)]);
            fputs("/>\n", out);
        }
        /* attorneys for the first parties, in 60% of cases */
        const char *counsel = "";
        int na = np > 0 && chance(&g, 60) ? 1 + (np > 1 && chance(&g, 50)) : 0;
        char aname[2][64];
        for (int x = 0; x < na; x++) {
            const char *al = surnames[below(&g, NSURNAMES)];
            snprintf(aname[x], sizeof(aname[x]), "%s %s", firsts[below(&g, NFIRSTS)], al);
            fprintf(out, "    <attorney id=\"%d\" party=\"%d\"", x + 1, x + 1);
            attr(out, "name", aname[x]);
            fprintf(out, " bar=\"%d\"", 20000 + below(&g, 60000));
            snprintf(buf, sizeof(buf), "%s LAW %s", al, chance(&g, 50) ? "LLC" : "FIRM PC");
            attr(out, "firm", buf);
            fputs("/>\n", out);
            if (x == 0)
                counsel = aname[0];
        }
        /* 2-5 docket entries from the filing on, never after the base date */
        int nd = 2 + below(&g, 4);
        long day = filed;
        for (int x = 0; x < nd; x++) {
            const char *type = x == 0 ? (cr ? "Information Filed" : "Petition Filed")
                                      : later[below(&g, (int)(sizeof(later) / sizeof(later[0])))];
            if (x > 0) {
                day += 1 + below(&g, 45);
                if (day >= BASE_DAY)
                    day = BASE_DAY - 1;
            }
            fprintf(out, "    <docket id=\"%d\"", x + 1);
            attr(out, "date", day_str(b1, day));
            attr(out, "type", type);
            if (x == 0 && *counsel)
                attr(out, "filed-by", counsel);
            else if (x > 0 && chance(&g, 40))
                attr(out, "filed-by", "CLERK");
            fputs(">", out);
            fputs(x == 0 ? "Filed; case opened." : type, out);
            fputs(x == 0 ? "" : ".", out);
            fputs("</docket>\n", out);
        }
        /* hearings for 30%: open cases mostly in the next 60 days */
        if (chance(&g, 30)) {
            int nh = 1 + chance(&g, 30);
            for (int x = 0; x < nh; x++) {
                long hd = !strcmp(status, "open") && chance(&g, 70) ? BASE_DAY + 1 + below(&g, 60)
                                                                    : filed + 10 + below(&g, 120);
                fprintf(out, "    <hearing id=\"%d\" at=\"%sT%s\"", x + 1, day_str(b1, hd),
                        times[below(&g, (int)(sizeof(times) / sizeof(times[0])))]);
                attr(out, "type", cr && x == 0 ? "Arraignment" : htypes[below(&g, 4)]);
                fprintf(out, " location=\"Division %d\" judge=\"J%s-%d\"/>\n", 1 + below(&g, 20),
                        k->code, judge + 1);
            }
        }
        /* judgments for 15% (18% of the non-criminal cases): debtor a
         * defendant, creditor a plaintiff */
        if (plaintiff && defendant && !cr && chance(&g, 18)) {
            char debtor[128], creditor[128];
            if (defendant->business)
                snprintf(debtor, sizeof(debtor), "%s", defendant->last);
            else
                snprintf(debtor, sizeof(debtor), "%s, %s", defendant->last, defendant->first);
            if (plaintiff->business)
                snprintf(creditor, sizeof(creditor), "%s", plaintiff->last);
            else
                snprintf(creditor, sizeof(creditor), "%s, %s", plaintiff->last, plaintiff->first);
            long ed = filed + 30 + below(&g, 300);
            if (ed >= BASE_DAY)
                ed = BASE_DAY - 1;
            fputs("    <judgment id=\"1\"", out);
            attr(out, "debtor", debtor);
            attr(out, "creditor", creditor);
            fprintf(out, " amount=\"%d.%02d\"", 100 + below(&g, 49900), below(&g, 100));
            attr(out, "entered", day_str(b2, ed));
            attr(out, "satisfied", chance(&g, 30) ? "yes" : "no");
            fputs("/>\n", out);
        }
        fputs("  </case>\n", out);
    }
    fputs("</casenet-feed>\n", out);
    free(seq);
    mc_progress_update((long long)ncases, 1);
    mc_progress_end();
    if (fflush(out) != 0 || ferror(out)) {
        fprintf(stderr, "%s: generate: cannot write the feed\n", prog);
        return 1;
    }
    return 0;
}
