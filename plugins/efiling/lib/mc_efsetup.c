/* mc_efsetup.c: see mc_efsetup.h. */
#include "mc_efsetup.h"

#include <apr_lib.h>
#include <string.h>

/* The decimal digits at s + *i into *n, *i past them: 0 as soon as the
 * number passes max. */
static int digits(const char *s, size_t *i, apr_int64_t max, apr_int64_t *n)
{
    *n = 0;
    while (apr_isdigit(s[*i])) {
        if (*n > max)
            return 0;
        *n = *n * 10 + (s[(*i)++] - '0');
    }
    return 1;
}

const char *mc_efsetup_size(const char *s, apr_int64_t *bytes)
{
    static const struct {
        const char *unit;
        apr_int64_t mult;
    } units[] = {{"", 1},
                 {"B", 1},
                 {"KB", 1024},
                 {"MB", (apr_int64_t)1024 * 1024},
                 {"GB", (apr_int64_t)1024 * 1024 * 1024}};
    apr_int64_t n;
    size_t i = 0;
    if (!s)
        return "no size given";
    if (!digits(s, &i, MC_EF_DOC_MAX_BYTES, &n))
        return "a size is at most 1 GB";
    if (i == 0)
        return "a size is a whole number of bytes, KB, MB or GB (e.g. 25MB)";
    if (s[i] == ' ')
        i++;
    for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
        if (strcasecmp(s + i, units[u].unit) != 0 || (!*units[u].unit && s[i - 1] == ' '))
            continue;
        if (n > MC_EF_DOC_MAX_BYTES / units[u].mult + 1)
            return "a size is at most 1 GB";
        n *= units[u].mult;
        if (n < MC_EF_DOC_MIN_BYTES)
            return "a size is at least 1 MB";
        if (n > MC_EF_DOC_MAX_BYTES)
            return "a size is at most 1 GB";
        *bytes = n;
        return NULL;
    }
    return "a size is a whole number of bytes, KB, MB or GB (e.g. 25MB)";
}

const char *mc_efsetup_fee(const char *s, apr_int64_t *cents)
{
    static const char shape[] = "a fee is dollars and cents with at most two decimals (e.g. 95.00)";
    apr_int64_t dollars, c = 0;
    size_t i = 0, d = 0;
    if (!s)
        return shape;
    if (*s == '-')
        return "a fee may not be negative";
    if (!digits(s, &i, MC_EF_FEE_MAX_CENTS, &dollars))
        return "a fee is at most 100000.00";
    if (i == 0)
        return shape;
    if (s[i] == '.') {
        while (apr_isdigit(s[i + 1 + d]) && d < 3)
            d++;
        if (d == 0 || d > 2 || s[i + 1 + d])
            return shape;
        c = (s[i + 1] - '0') * 10 + (d > 1 ? s[i + 2] - '0' : 0);
    }
    else if (s[i]) {
        return shape;
    }
    if (dollars > MC_EF_FEE_MAX_CENTS / 100 || dollars * 100 + c > MC_EF_FEE_MAX_CENTS)
        return "a fee is at most 100000.00";
    *cents = dollars * 100 + c;
    return NULL;
}

int mc_efsetup_code_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > MC_EF_CODE_MAX || s[0] == '-')
        return 0;
    for (; *s; s++)
        if (!apr_isupper(*s) && !apr_isdigit(*s) && *s != '-')
            return 0;
    return 1;
}
