/* mc_log: logging for the httpd-free library, injected by a callback
 * (mod_md's md_log_set is the model). Levels are syslog's, as httpd's APLOG_*. */
#ifndef MC_LOG_H
#define MC_LOG_H
#include <stdarg.h>

#define MC_LOG_ERR 3
#define MC_LOG_WARNING 4
#define MC_LOG_NOTICE 5
#define MC_LOG_INFO 6
#define MC_LOG_DEBUG 7

typedef void mc_log_print_fn(void *baton, int level, const char *file, int line, const char *fmt,
                             va_list ap);

/* Install the sink; NULL restores the default (stderr at WARNING and above). */
void mc_log_set(mc_log_print_fn *print, void *baton);
void mc_log(int level, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define MC_LOG_MARK __FILE__, __LINE__

/* Log tags, one per call site, never reused: MCLOGNO(2001) -> "MC2001: ".
 * Defined here, the lowest layer, so the httpd-free library tags its lines
 * too; mocourts.h includes this header, so the core and plugins get it there.
 * Ranges: MC01xx..MC10xx core, MC17xx registration, MC18xx groups, MC20xx
 * library, MC21xx..MC23xx Case.net (MC2200-01 the library's mc_case),
 * MC24xx..MC27xx eFiling. */
#define MCLOGNO(n) "MC" #n ": "
#endif
