/* mc_feed_input.c: the feed's bytes, from a file or a buffer, handed to
 * the XML reader with the prolog checked for a DOCTYPE, which is refused
 * (mc_feed_private.h; see mc_feed.h). */
#include "mc_feed_private.h"

#include <stdio.h>
#include <string.h>

/* Skip to the end of a comment or processing instruction. */
static void skip_until(feed_input *in, const char *end)
{
    in->state = PRO_SKIP;
    in->until = end;
    in->matched = 0;
}

/* One more character c while skipping. Each end is a run of one character
 * then another ("-->", "?>"): a mismatch that is the run's character keeps
 * what still matches ("--->" ends a comment). */
static void skip_char(feed_input *in, unsigned char c)
{
    const char *u = in->until;
    if (c == (unsigned char)u[in->matched])
        in->matched++;
    else if (!(in->matched > 0 && c == (unsigned char)u[0] &&
               c == (unsigned char)u[in->matched - 1]))
        in->matched = c == (unsigned char)u[0];
    if (!u[in->matched])
        in->state = PRO_TEXT;
}

static void prolog_scan(feed_input *in, const char *s, int n)
{
    for (int i = 0; i < n && in->state != PRO_DONE && !in->refused; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n')
            in->line++;
        switch (in->state) {
        case PRO_START:
            if (in->bom < 3 && c == (unsigned char)"\xEF\xBB\xBF"[in->bom]) {
                in->bom++;
                break;
            }
            if (in->bom != 0 && in->bom != 3) {
                in->refused = "the feed is not UTF-8 text";
                break;
            }
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
                break;
            if (c != '<') {
                in->refused = "the feed is not UTF-8 XML (it must start with '<')";
                break;
            }
            in->state = PRO_LT;
            break;
        case PRO_TEXT:
            if (c == '<')
                in->state = PRO_LT;
            break;
        case PRO_LT:
            if (c == '?')
                skip_until(in, "?>");
            else
                in->state = c == '!' ? PRO_BANG : PRO_DONE;
            break;
        case PRO_BANG:
            if (c == '-')
                in->state = PRO_BANG_DASH;
            else
                in->refused = "the feed has a DOCTYPE: DTDs and entity declarations are refused";
            break;
        case PRO_BANG_DASH:
            if (c == '-')
                skip_until(in, "-->");
            else
                in->state = PRO_DONE;
            break;
        case PRO_SKIP:
            skip_char(in, c);
            break;
        }
        if (in->refused)
            in->refused_line = in->line;
    }
}

int mc_feed_input_read(void *ctx, char *out, int size)
{
    feed_input *in = ctx;
    int n;
    if (in->refused)
        return -1;
    if (in->fp) {
        n = (int)fread(out, 1, (size_t)size, in->fp);
        if (n == 0 && ferror(in->fp))
            return -1;
    }
    else {
        apr_size_t left = in->len - in->off;
        n = left < (apr_size_t)size ? (int)left : size;
        memcpy(out, in->buf + in->off, (size_t)n);
        in->off += (apr_size_t)n;
    }
    if (in->state != PRO_DONE) {
        prolog_scan(in, out, n);
        if (in->refused)
            return -1;
    }
    *in->read += n;
    return n;
}

int mc_feed_input_close(void *ctx)
{
    return 0;
}
