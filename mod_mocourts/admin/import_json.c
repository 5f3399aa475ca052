/* import_json.c: the JSON text `mocourts-admin import` binds to its
 * statements (import_cases.h). */
#include "import_cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void jb_put(jbuf *b, const char *s, size_t n)
{
    if (mc_buf_add(b, s, n) != APR_SUCCESS) {
        fputs("mocourts-admin: import: out of memory\n", stderr);
        exit(1);
    }
}

void mc_import_jb_raw(jbuf *b, const char *s)
{
    jb_put(b, s, strlen(s));
}

/* ,"key":"value" (value escaped; the first key of an object has no comma) */
void mc_import_jb_str(jbuf *b, const char *key, const char *v)
{
    static const char hex[] = "0123456789abcdef";
    const char *run;
    if (b->len && b->d[b->len - 1] != '{')
        mc_import_jb_raw(b, ",");
    mc_import_jb_raw(b, "\"");
    mc_import_jb_raw(b, key);
    mc_import_jb_raw(b, "\":\"");
    for (run = v; *v; v++) {
        unsigned char c = (unsigned char)*v;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        jb_put(b, run, (size_t)(v - run));
        char e[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
        if (c == '"' || c == '\\') {
            e[1] = (char)c;
            e[2] = 0;
        }
        mc_import_jb_raw(b, e);
        run = v + 1;
    }
    jb_put(b, run, (size_t)(v - run));
    mc_import_jb_raw(b, "\"");
}

void mc_import_jb_int(jbuf *b, const char *key, long long v, int null)
{
    char num[32];
    if (b->len && b->d[b->len - 1] != '{' && b->d[b->len - 1] != '[')
        mc_import_jb_raw(b, ",");
    snprintf(num, sizeof(num), "%lld", v);
    if (key) {
        mc_import_jb_raw(b, "\"");
        mc_import_jb_raw(b, key);
        mc_import_jb_raw(b, "\":");
    }
    mc_import_jb_raw(b, null ? "null" : num);
}
