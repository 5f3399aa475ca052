/* mc_pdftool: runs a kept PDF tool (poppler-utils' pdftotext and pdftoppm,
 * qpdf) out of process, so that a hostile PDF can at worst crash or stall
 * that process, never Apache's. No shell: the program by its absolute path
 * (APR_PROGRAM), arguments as argv, a fixed small environment, stdin
 * /dev/null. Limits: the address space (RLIMIT_AS) and CPU time
 * (RLIMIT_CPU) set in the child by apr_procattr_limit_set, a wall-clock
 * deadline after which the child is killed (SIGKILL), and a cap on the
 * output read (more: the child is killed and the output marked truncated).
 * stderr goes to /dev/null, or into the output (merge_stderr: qpdf's
 * warnings). */
#ifndef MC_PDFTOOL_H
#define MC_PDFTOOL_H
#include <apr_errno.h>
#include <apr_pools.h>

typedef struct mc_tool_limits {
    int seconds;          /* wall clock, then SIGKILL */
    long long mem_bytes;  /* RLIMIT_AS; 0: none */
    apr_size_t out_max;   /* output bytes kept */
    int merge_stderr;     /* stderr into the output too */
} mc_tool_limits;

typedef struct mc_tool_result {
    char *out;          /* the output, NUL-terminated (in p) */
    apr_size_t len;
    int truncated;      /* more than out_max: the child was killed */
    int timed_out;      /* the deadline passed: the child was killed */
    int exit_code;      /* when it exited */
    int signaled;       /* killed by a signal (exit_code: which) */
    apr_interval_time_t took;
} mc_tool_result;

/* Run argv[0] (an absolute path) with argv. APR_SUCCESS when it ran to its
 * end or was stopped by a limit (see res); else it could not start, with
 * *err a sentence for the log. */
apr_status_t mc_tool_run(apr_pool_t *p, const char *const *argv, const mc_tool_limits *lim,
                         mc_tool_result *res, const char **err);
/* 1 when the run exited with status 0 within its limits. */
int mc_tool_ok(const mc_tool_result *res);
#endif
