/* progress.h: the progress line of mocourts-admin's long work (import,
 * import-bar, generate, deliver, migrate) on stderr:
 *
 *     \r<what>: N [of T] <unit>, R/s, ~T left
 *
 * redrawn in place at most four times a second, and only when stderr is a
 * terminal and --quiet was not given; otherwise every call does nothing, so
 * scripts and logs see exactly what they saw before. There is one line, so
 * one progress at a time per process (the state is this file's own).
 *
 * Whatever else is written to the terminal while a line is shown (a bad
 * record on stderr, a round's total on stdout) calls mc_progress_clear()
 * first; the next update draws the line again. */
#ifndef MC_ADMIN_PROGRESS_H
#define MC_ADMIN_PROGRESS_H

/* --quiet: no progress line from now on. */
void mc_progress_silence(void);

/* Begin a progress: what names the work ("import"), unit what is counted
 * ("cases"); total: how many there will be, or -1 when not known. Both
 * strings must outlive the progress (literals). Ends one still shown. */
void mc_progress_start(const char *what, const char *unit, long long total);

/* done: units so far. fraction: how much of the whole is done, 0 to 1,
 * when known (it gives the time left), else negative. Draws at most every
 * 250 ms. */
void mc_progress_update(long long done, double fraction);

/* Erase the line now shown, if any, so other output starts at column 0. */
void mc_progress_clear(void);

/* Draw the final figures and end the line with a newline, so the summary
 * that follows has a line of its own. Nothing when no progress is active. */
void mc_progress_end(void);

#endif
