/* mc_captcha_audio.c: the spoken alternative of the CAPTCHA's picture (see
 * mc_captcha.h), synthesised by eSpeak NG into a WAV in memory.
 *
 * eSpeak NG keeps its state in globals and is not thread-safe: one mutex
 * serialises every use, and the library is initialised once per process,
 * on first use (after httpd has forked its children), in synchronous mode
 * so the samples come to the callback in the calling thread. */
#include "mc_captcha.h"
#include "mc_log.h"

#include "apr_general.h"
#include "apr_strings.h"

#include <espeak-ng/speak_lib.h>
#include <pthread.h>
#include <string.h>

#define MAX_SECONDS 40 /* a phrase of 8 characters takes about 15 */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int rate;  /* samples per second once initialised */
static int state; /* 0: not tried, 1: ready, -1: failed (logged once) */

/* The spelling alphabet's words, said after each letter ("B, as in bravo"):
 * letters that sound alike (B, D, E, P, T, V, Z) are told apart. */
static const char *const words[26] = {
    "alpha",  "bravo", "charlie", "delta",  "echo",     "foxtrot", "golf",   "hotel",  "india",
    "juliet", "kilo",  "lima",    "mike",   "november", "oscar",   "papa",   "quebec", "romeo",
    "sierra", "tango", "uniform", "victor", "whiskey",  "x-ray",   "yankee", "zulu"};

typedef struct sink {
    apr_pool_t *p;
    short *s;
    apr_size_t n, cap, max;
    int overflow;
} sink;

static int collect(short *wav, int n, espeak_EVENT *ev)
{
    sink *k = ev ? ev->user_data : NULL;
    if (!k || !wav || n <= 0)
        return 0;
    if (k->n + (apr_size_t)n > k->max) {
        k->overflow = 1;
        return 1; /* stop the synthesis */
    }
    if (k->n + (apr_size_t)n > k->cap) {
        apr_size_t cap = k->cap ? k->cap : 65536;
        short *s;
        while (cap < k->n + (apr_size_t)n)
            cap *= 2;
        s = apr_palloc(k->p, cap * sizeof(short));
        if (k->n)
            memcpy(s, k->s, k->n * sizeof(short));
        k->s = s;
        k->cap = cap;
    }
    memcpy(k->s + k->n, wav, (apr_size_t)n * sizeof(short));
    k->n += (apr_size_t)n;
    return 0;
}

/* Called with the lock held. */
static int ready(void)
{
    if (state == 0) {
        rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, espeakINITIALIZE_DONT_EXIT);
        if (rate <= 0) {
            state = -1;
            mc_log(MC_LOG_ERR, MC_LOG_MARK,
                   MCLOGNO(
                       2001) "captcha audio: eSpeak NG could not be initialised (is espeak-ng-data "
                             "installed?); the spoken CAPTCHA is not available");
        }
        else {
            espeak_SetSynthCallback(collect);
            state = 1;
        }
    }
    return state == 1;
}

static void put16(unsigned char *b, unsigned v)
{
    b[0] = v & 0xff;
    b[1] = (v >> 8) & 0xff;
}

static void put32(unsigned char *b, unsigned v)
{
    put16(b, v & 0xffff);
    put16(b + 2, v >> 16);
}

static unsigned rnd(unsigned n)
{
    unsigned v = 0;
    if (apr_generate_random_bytes((unsigned char *)&v, sizeof(v)) != APR_SUCCESS)
        v = (unsigned)apr_time_now();
    return n ? v % n : v;
}

/* What is said: an instruction, then each character with a pause. */
static const char *script(apr_pool_t *p, const char *phrase)
{
    const char *s = "Type the letters and digits you hear.";
    for (; *phrase; phrase++) {
        char c = *phrase;
        if (c >= 'A' && c <= 'Z')
            s = apr_psprintf(p, "%s %c, as in %s.", s, c, words[c - 'A']);
        else
            s = apr_psprintf(p, "%s %c.", s, c);
    }
    return s;
}

apr_status_t mc_captcha_wav(apr_pool_t *p, const char *phrase, unsigned char **out, apr_size_t *len)
{
    const char *text, *k;
    sink snk;
    unsigned char *b;
    apr_size_t i, bytes;
    apr_uint64_t g;
    espeak_ERROR e;

    if (!*phrase || strlen(phrase) > 8)
        return APR_EINVAL;
    for (k = phrase; *k; k++)
        if (!strchr(MC_CAPTCHA_ALPHABET, *k))
            return APR_EINVAL;
    text = script(p, phrase);
    memset(&snk, 0, sizeof(snk));
    snk.p = p;

    pthread_mutex_lock(&lock);
    if (!ready()) {
        pthread_mutex_unlock(&lock);
        return APR_ENOTIMPL;
    }
    snk.max = (apr_size_t)rate * MAX_SECONDS;
    /* A voice a little different each time: speed and pitch. */
    if (espeak_SetVoiceByName("en-us") != EE_OK)
        espeak_SetVoiceByName("en");
    espeak_SetParameter(espeakRATE, 140 + (int)rnd(31), 0);
    espeak_SetParameter(espeakPITCH, 35 + (int)rnd(31), 0);
    e = espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, &snk);
    if (e == EE_OK)
        e = espeak_Synchronize();
    pthread_mutex_unlock(&lock);
    if (e != EE_OK || snk.overflow || snk.n == 0) {
        mc_log(MC_LOG_ERR, MC_LOG_MARK,
               MCLOGNO(2002) "captcha audio: synthesis failed (error %d%s)", (int)e,
               snk.overflow ? ", too long" : "");
        return APR_EGENERAL;
    }

    /* Faint noise over it all, so the samples are not the same each time. */
    g = ((apr_uint64_t)rnd(0) << 32 | rnd(0)) | 1;
    for (i = 0; i < snk.n; i++) {
        int v;
        g ^= g << 13;
        g ^= g >> 7;
        g ^= g << 17;
        v = snk.s[i] + (int)(g % 1201) - 600;
        snk.s[i] = (short)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
    }

    bytes = snk.n * 2;
    b = apr_palloc(p, 44 + bytes);
    memcpy(b, "RIFF", 4);
    put32(b + 4, (unsigned)(36 + bytes));
    memcpy(b + 8, "WAVEfmt ", 8);
    put32(b + 16, 16); /* the fmt chunk's size */
    put16(b + 20, 1);  /* PCM */
    put16(b + 22, 1);  /* mono */
    put32(b + 24, (unsigned)rate);
    put32(b + 28, (unsigned)rate * 2); /* bytes per second */
    put16(b + 32, 2);                  /* bytes per sample frame */
    put16(b + 34, 16);                 /* bits per sample */
    memcpy(b + 36, "data", 4);
    put32(b + 40, (unsigned)bytes);
    for (i = 0; i < snk.n; i++) /* little-endian whatever the host */
        put16(b + 44 + 2 * i, (unsigned)(unsigned short)snk.s[i]);
    *out = b;
    *len = 44 + bytes;
    return APR_SUCCESS;
}
