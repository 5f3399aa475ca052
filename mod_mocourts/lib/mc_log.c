/* mc_log.c: the library's logging sink, injected by mc_log_set. */
#include "mc_log.h"

#include <stdio.h>

static mc_log_print_fn *log_print;
static void *log_baton;

/* The default sink: stderr, WARNING and more severe only. */
static void log_default(void *baton, int level, const char *file, int line, const char *fmt,
                        va_list ap)
{
    if (level > MC_LOG_WARNING)
        return;
    fprintf(stderr, "mocourts[%d] %s:%d: ", level, file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

/* Installs print (with baton) as the sink; NULL restores the default. Meant
 * to be called during start-up, before threads exist. */
void mc_log_set(mc_log_print_fn *print, void *baton)
{
    log_print = print;
    log_baton = print ? baton : NULL;
}

/* Hands one message to the current sink. */
void mc_log(int level, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    mc_log_print_fn *print = log_print ? log_print : log_default;

    va_start(ap, fmt);
    print(log_baton, level, file, line, fmt, ap);
    va_end(ap);
}
