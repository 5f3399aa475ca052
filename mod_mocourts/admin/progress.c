/* progress.c: the progress line on stderr (see progress.h). */
#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define MC_PROGRESS_EVERY 0.25 /* seconds between two drawings */

static struct {
    int silenced;
    int active; /* started, stderr a terminal, not silenced */
    const char *what, *unit;
    long long total, done;
    double fraction;
    double start, drawn; /* monotonic seconds */
    int width;           /* of the line on the terminal; 0: none shown */
} pg;

static double mc_progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "0.4s", "27s", "3m 05s", "2h 10m". */
static void mc_progress_duration(char *buf, size_t n, double seconds)
{
    long t = (long)(seconds + 0.5);
    if (seconds < 9.95)
        snprintf(buf, n, "%.1fs", seconds);
    else if (t < 60)
        snprintf(buf, n, "%lds", t);
    else if (t < 3600)
        snprintf(buf, n, "%ldm %02lds", t / 60, t % 60);
    else
        snprintf(buf, n, "%ldh %02ldm", t / 3600, t / 60 % 60);
}

static void mc_progress_draw(int final)
{
    char line[256], t[32];
    size_t n = 0;
    double elapsed = mc_progress_now() - pg.start;
    if (elapsed < 0.001)
        elapsed = 0.001;
    double rate = (double)pg.done / elapsed;
#define MC_PUT(...)                                                                                \
    do {                                                                                           \
        int k = snprintf(line + n, sizeof(line) - n, __VA_ARGS__);                                 \
        if (k > 0)                                                                                 \
            n = n + (size_t)k < sizeof(line) ? n + (size_t)k : sizeof(line) - 1;                   \
    } while (0)
    MC_PUT("%s: %lld", pg.what, pg.done);
    if (pg.total >= 0)
        MC_PUT(" of %lld", pg.total);
    MC_PUT(" %s, %.*f/s", pg.unit, rate < 10 ? 1 : 0, rate);
    if (final) {
        mc_progress_duration(t, sizeof(t), elapsed);
        MC_PUT(", done in %s", t);
    }
    else if (pg.fraction > 0 && pg.fraction <= 1) {
        mc_progress_duration(t, sizeof(t), elapsed * (1 - pg.fraction) / pg.fraction);
        MC_PUT(", ~%s left", t);
    }
#undef MC_PUT
    /* Spaces over what a longer line before left behind. */
    fprintf(stderr, "\r%s%*s", line, pg.width > (int)n ? pg.width - (int)n : 0, "");
    fflush(stderr);
    pg.width = (int)n;
    pg.drawn = mc_progress_now();
}

void mc_progress_silence(void)
{
    mc_progress_clear();
    pg.silenced = 1;
    pg.active = 0;
}

void mc_progress_start(const char *what, const char *unit, long long total)
{
    mc_progress_end();
    if (pg.silenced || !isatty(STDERR_FILENO))
        return;
    pg.active = 1;
    pg.what = what;
    pg.unit = unit;
    pg.total = total;
    pg.done = 0;
    pg.fraction = -1;
    pg.start = pg.drawn = mc_progress_now();
    pg.width = 0;
}

void mc_progress_update(long long done, double fraction)
{
    if (!pg.active)
        return;
    pg.done = done;
    pg.fraction = fraction;
    if (mc_progress_now() - pg.drawn >= MC_PROGRESS_EVERY)
        mc_progress_draw(0);
}

void mc_progress_clear(void)
{
    if (pg.width > 0) {
        fprintf(stderr, "\r%*s\r", pg.width, "");
        fflush(stderr);
        pg.width = 0;
    }
}

void mc_progress_end(void)
{
    if (!pg.active)
        return;
    mc_progress_draw(1);
    fputc('\n', stderr);
    fflush(stderr);
    pg.active = 0;
    pg.width = 0;
}
