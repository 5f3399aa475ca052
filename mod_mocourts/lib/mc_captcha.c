/* mc_captcha.c: see mc_captcha.h. No libm: the sine comes from a small table. */
#include "mc_captcha.h"

#include "apr_general.h"
#include "apr_lib.h"
#include "apr_strings.h"

#include <string.h>

#define W 240
#define H 80
#define SCALE 5 /* font pixels are SCALE x SCALE image pixels */

/* 5x7 glyphs, one byte per row, bit 4 the leftmost column. */
static const struct {
    char c;
    unsigned char rows[7];
} font[] = {
    {'A', {0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}},
    {'B', {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E}},
    {'C', {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E}},
    {'D', {0x1E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1E}},
    {'E', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F}},
    {'F', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10}},
    {'G', {0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F}},
    {'H', {0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}},
    {'J', {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C}},
    {'K', {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11}},
    {'M', {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11}},
    {'N', {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11}},
    {'P', {0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10}},
    {'R', {0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11}},
    {'S', {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E}},
    {'T', {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}},
    {'U', {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}},
    {'V', {0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04}},
    {'W', {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A}},
    {'X', {0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11}},
    {'Y', {0x11, 0x11, 0x0A, 0x04, 0x04, 0x04, 0x04}},
    {'Z', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F}},
    {'2', {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}},
    {'3', {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}},
    {'4', {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}},
    {'5', {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}},
    {'6', {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}},
    {'8', {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}},
    {'9', {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}},
};

/* sin(2*pi*i/64) * 1000, i = 0..15 (a quarter wave). */
static const int quarter[17] = {0,   98,  195, 290, 383, 471, 556, 634, 707,
                                773, 831, 882, 924, 957, 981, 995, 1000};

/* sine of phase (64 steps a period) times 1000 */
static int sine(int phase)
{
    phase &= 63;
    if (phase < 16)
        return quarter[phase];
    if (phase < 32)
        return quarter[32 - phase];
    if (phase < 48)
        return -quarter[phase - 32];
    return -quarter[64 - phase];
}

static unsigned rnd(unsigned n)
{
    unsigned v = 0;
    if (apr_generate_random_bytes((unsigned char *)&v, sizeof(v)) != APR_SUCCESS)
        v = (unsigned)apr_time_now();
    return n ? v % n : v;
}

/* The drawing's noise and jitter: a xorshift generator seeded from the
 * system's random source once per image (tens of thousands of values;
 * the phrase itself comes from rnd()). */
typedef struct {
    apr_uint64_t s;
} prng;

static unsigned prnd(prng *g, unsigned n)
{
    g->s ^= g->s << 13;
    g->s ^= g->s >> 7;
    g->s ^= g->s << 17;
    return n ? (unsigned)(g->s % n) : (unsigned)g->s;
}

const char *mc_captcha_phrase(apr_pool_t *p)
{
    static const char alphabet[] = MC_CAPTCHA_ALPHABET;
    int n = 5 + (int)rnd(2), i;
    char *s = apr_palloc(p, n + 1);
    for (i = 0; i < n; i++)
        s[i] = alphabet[rnd(sizeof(alphabet) - 1)];
    s[n] = '\0';
    return s;
}

const char *mc_captcha_typed(apr_pool_t *p, const char *typed)
{
    char *out = apr_palloc(p, typed ? strlen(typed) + 1 : 1), *o = out;
    for (; typed && *typed; typed++)
        if (!apr_isspace(*typed))
            *o++ = (char)apr_toupper(*typed);
    *o = '\0';
    return out;
}

static const unsigned char *glyph(char c)
{
    size_t i;
    for (i = 0; i < sizeof(font) / sizeof(font[0]); i++)
        if (font[i].c == c)
            return font[i].rows;
    return NULL;
}

typedef struct {
    unsigned char px[H][W][3]; /* B, G, R */
} canvas;

static void plot(canvas *cv, int x, int y, const unsigned char *bgr)
{
    if (x >= 0 && x < W && y >= 0 && y < H)
        memcpy(cv->px[y][x], bgr, 3);
}

static void line(canvas *cv, int x0, int y0, int x1, int y1, const unsigned char *bgr)
{
    int dx = x1 > x0 ? x1 - x0 : x0 - x1, sx = x0 < x1 ? 1 : -1;
    int dy = y1 > y0 ? y0 - y1 : y1 - y0, sy = y0 < y1 ? 1 : -1;
    int err = dx + dy, e2;
    for (;;) {
        plot(cv, x0, y0, bgr);
        plot(cv, x0, y0 + 1, bgr);
        if (x0 == x1 && y0 == y1)
            break;
        e2 = 2 * err;
        if (e2 >= dy) {
            err += dy;
            x0 += sx;
        }
        if (e2 <= dx) {
            err += dx;
            y0 += sy;
        }
    }
}

static void put32(unsigned char *b, unsigned v)
{
    b[0] = v & 0xff;
    b[1] = (v >> 8) & 0xff;
    b[2] = (v >> 16) & 0xff;
    b[3] = (v >> 24) & 0xff;
}

apr_status_t mc_captcha_bmp(apr_pool_t *p, const char *phrase, unsigned char **out, apr_size_t *len)
{
    canvas *cv = apr_palloc(p, sizeof(*cv));
    size_t n = strlen(phrase), k;
    int x, y, i, cell, row = W * 3, size = 54 + row * H;
    unsigned char *b, ink[3], bg[3] = {0xF4, 0xF0, 0xEC};
    prng g;

    if (n == 0 || n > 8)
        return APR_EINVAL;
    for (k = 0; k < n; k++)
        if (!glyph(phrase[k]))
            return APR_EINVAL;
    g.s = ((apr_uint64_t)rnd(0) << 32 | rnd(0)) | 1;
    for (y = 0; y < H; y++)
        for (x = 0; x < W; x++) {
            cv->px[y][x][0] = (unsigned char)(bg[0] - prnd(&g, 24));
            cv->px[y][x][1] = (unsigned char)(bg[1] - prnd(&g, 24));
            cv->px[y][x][2] = (unsigned char)(bg[2] - prnd(&g, 24));
        }
    cell = (W - 20) / (int)n;
    for (k = 0; k < n; k++) {
        const unsigned char *gl = glyph(phrase[k]);
        int x0 = 10 + (int)k * cell + (int)prnd(&g, cell - 5 * SCALE > 0 ? cell - 5 * SCALE : 1);
        int y0 = 10 + (int)prnd(&g, H - 20 - 7 * SCALE);
        int amp = 2 + (int)prnd(&g, 3), phase = (int)prnd(&g, 64), freq = 1 + (int)prnd(&g, 2);
        int ampx = 1 + (int)prnd(&g, 2), phasex = (int)prnd(&g, 64);
        ink[0] = (unsigned char)(40 + prnd(&g, 90));
        ink[1] = (unsigned char)(20 + prnd(&g, 70));
        ink[2] = (unsigned char)(prnd(&g, 60));
        /* Every image pixel of the glyph's box, mapped back through the
         * sine warp to a font pixel. */
        for (y = -8; y < 7 * SCALE + 8; y++)
            for (x = -8; x < 5 * SCALE + 8; x++) {
                int sx = x - ampx * sine(phasex + y * freq) / 1000;
                int sy = y - amp * sine(phase + x * freq) / 1000;
                if (sx < 0 || sy < 0 || sx >= 5 * SCALE || sy >= 7 * SCALE)
                    continue;
                if (gl[sy / SCALE] & (0x10 >> (sx / SCALE)))
                    plot(cv, x0 + x, y0 + y, ink);
            }
    }
    for (i = 0; i < 5; i++) {
        unsigned char c[3] = {(unsigned char)prnd(&g, 160), (unsigned char)prnd(&g, 160),
                              (unsigned char)prnd(&g, 160)};
        line(cv, (int)prnd(&g, W), (int)prnd(&g, H), (int)prnd(&g, W), (int)prnd(&g, H), c);
    }
    for (i = 0; i < 600; i++) {
        unsigned char c[3] = {(unsigned char)prnd(&g, 256), (unsigned char)prnd(&g, 256),
                              (unsigned char)prnd(&g, 256)};
        plot(cv, (int)prnd(&g, W), (int)prnd(&g, H), c);
    }

    b = apr_pcalloc(p, size);
    b[0] = 'B';
    b[1] = 'M';
    put32(b + 2, (unsigned)size);
    put32(b + 10, 54);
    put32(b + 14, 40);
    put32(b + 18, W);
    put32(b + 22, H);
    b[26] = 1;  /* planes */
    b[28] = 24; /* bits per pixel */
    put32(b + 34, (unsigned)(row * H));
    put32(b + 38, 2835); /* 72 dpi */
    put32(b + 42, 2835);
    for (y = 0; y < H; y++) /* bottom-up rows; W * 3 is a multiple of 4 */
        memcpy(b + 54 + (H - 1 - y) * row, cv->px[y], row);
    *out = b;
    *len = (apr_size_t)size;
    return APR_SUCCESS;
}

void mc_captcha_question(apr_pool_t *p, const char **question, const char **answer)
{
    static const char *const words[] = {"zero", "one", "two",   "three", "four",
                                        "five", "six", "seven", "eight", "nine"};
    int a = 1 + (int)rnd(9), b = 1 + (int)rnd(9);
    if (rnd(2) && a > b) {
        *question = apr_psprintf(p, "What is %s minus %s?", words[a], words[b]);
        *answer = apr_psprintf(p, "%d", a - b);
    }
    else {
        *question = apr_psprintf(p, "What is %s plus %s?", words[a], words[b]);
        *answer = apr_psprintf(p, "%d", a + b);
    }
}
