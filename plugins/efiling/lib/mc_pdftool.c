/* mc_pdftool: see mc_pdftool.h. The pattern of the core's gateway
 * (mc_gateway_send in mod_mocourts/lib/mc_outbox.c): apr_proc_create, a
 * deadline, SIGKILL and a wait; here the output is read too, through a pipe
 * whose read end waits at most until the deadline. */
#include "mc_pdftool.h"

#include <apr_strings.h>
#include <apr_thread_proc.h>
#include <signal.h>
#include <sys/resource.h>

#define TOOL_READ_CHUNK 65536

/* The child's whole environment: no variable of Apache's reaches the tool. */
static const char *const TOOL_ENV[] = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", NULL};

int mc_tool_ok(const mc_tool_result *res)
{
    return !res->truncated && !res->timed_out && !res->signaled && res->exit_code == 0;
}

static apr_status_t tool_attr(apr_pool_t *p, const mc_tool_limits *lim, apr_file_t *nul,
                              apr_file_t *wr, apr_procattr_t **attr)
{
    apr_status_t rv;
    if ((rv = apr_procattr_create(attr, p)) != APR_SUCCESS ||
        (rv = apr_procattr_cmdtype_set(*attr, APR_PROGRAM)) != APR_SUCCESS ||
        (rv = apr_procattr_error_check_set(*attr, 1)) != APR_SUCCESS ||
        (rv = apr_procattr_child_in_set(*attr, nul, NULL)) != APR_SUCCESS ||
        (rv = apr_procattr_child_out_set(*attr, wr, NULL)) != APR_SUCCESS ||
        (rv = apr_procattr_child_err_set(*attr, lim->merge_stderr ? wr : nul, NULL)) !=
            APR_SUCCESS)
        return rv;
#if APR_HAVE_STRUCT_RLIMIT
    {
        /* APR keeps the pointers until apr_proc_create: in p, not on the stack. */
        struct rlimit *mem = apr_palloc(p, sizeof(*mem)), *cpu = apr_palloc(p, sizeof(*cpu));
        if (lim->mem_bytes > 0) {
            mem->rlim_cur = mem->rlim_max = (rlim_t)lim->mem_bytes;
            if ((rv = apr_procattr_limit_set(*attr, APR_LIMIT_MEM, mem)) != APR_SUCCESS)
                return rv;
        }
        cpu->rlim_cur = cpu->rlim_max = (rlim_t)(lim->seconds + 1);
        if ((rv = apr_procattr_limit_set(*attr, APR_LIMIT_CPU, cpu)) != APR_SUCCESS)
            return rv;
    }
#endif
    return APR_SUCCESS;
}

/* Append n bytes to res->out (capacity *cap), growing it up to out_max. */
static void keep(apr_pool_t *p, mc_tool_result *res, apr_size_t *cap, const char *data,
                 apr_size_t n)
{
    if (res->len + n + 1 > *cap) {
        apr_size_t ncap = *cap ? *cap : TOOL_READ_CHUNK;
        char *nbuf;
        while (ncap < res->len + n + 1)
            ncap *= 2;
        nbuf = apr_palloc(p, ncap);
        if (res->len)
            memcpy(nbuf, res->out, res->len);
        res->out = nbuf;
        *cap = ncap;
    }
    memcpy(res->out + res->len, data, n);
    res->len += n;
    res->out[res->len] = '\0';
}

apr_status_t mc_tool_run(apr_pool_t *p, const char *const *argv, const mc_tool_limits *lim,
                         mc_tool_result *res, const char **err)
{
    apr_time_t started = apr_time_now(),
               deadline = started + apr_time_from_sec(lim->seconds > 0 ? lim->seconds : 1);
    apr_file_t *nul, *rd, *wr;
    apr_procattr_t *attr;
    apr_proc_t proc;
    apr_status_t rv;
    apr_size_t cap = 0;
    apr_exit_why_e why = APR_PROC_EXIT;
    char buf[TOOL_READ_CHUNK], ebuf[120];
    int code = 0, killed = 0;

    memset(res, 0, sizeof(*res));
    res->out = apr_pcalloc(p, 1);
    if (!argv[0] || argv[0][0] != '/') {
        *err = "the tool is not named by an absolute path";
        return APR_EINVAL;
    }
    if ((rv = apr_file_open(&nul, "/dev/null", APR_FOPEN_READ | APR_FOPEN_WRITE, 0, p)) !=
            APR_SUCCESS ||
        (rv = apr_file_pipe_create_ex(&rd, &wr, APR_WRITE_BLOCK, p)) != APR_SUCCESS ||
        (rv = tool_attr(p, lim, nul, wr, &attr)) != APR_SUCCESS ||
        (rv = apr_proc_create(&proc, argv[0], argv, TOOL_ENV, attr, p)) != APR_SUCCESS) {
        *err = apr_psprintf(p, "cannot start %s: %s", argv[0], apr_strerror(rv, ebuf, sizeof(ebuf)));
        return rv;
    }
    /* Only the child writes now: its end closing is the output's end. */
    apr_file_close(wr);
    apr_file_close(nul);

    for (;;) {
        apr_size_t n = sizeof(buf);
        apr_time_t now = apr_time_now();
        if (now >= deadline) {
            res->timed_out = 1;
            break;
        }
        apr_file_pipe_timeout_set(rd, deadline - now);
        rv = apr_file_read(rd, buf, &n);
        if (n) {
            apr_size_t room = lim->out_max > res->len ? lim->out_max - res->len : 0;
            keep(p, res, &cap, buf, n < room ? n : room);
            if (n > room) {
                res->truncated = 1;
                break;
            }
        }
        if (APR_STATUS_IS_TIMEUP(rv)) {
            res->timed_out = 1;
            break;
        }
        if (rv != APR_SUCCESS)
            break; /* APR_EOF, or the pipe failed: the child's status tells */
    }
    apr_file_close(rd);
    if (res->timed_out || res->truncated) {
        apr_proc_kill(&proc, SIGKILL);
        killed = 1;
    }
    for (;;) {
        rv = apr_proc_wait(&proc, &code, &why, APR_NOWAIT);
        if (rv == APR_CHILD_DONE)
            break;
        if (rv != APR_CHILD_NOTDONE) {
            *err = apr_psprintf(p, "waiting for %s: %s", argv[0],
                                apr_strerror(rv, ebuf, sizeof(ebuf)));
            return rv;
        }
        if (!killed && apr_time_now() >= deadline) {
            res->timed_out = 1;
            apr_proc_kill(&proc, SIGKILL);
            killed = 1;
        }
        apr_sleep(apr_time_from_msec(killed ? 2 : 10));
    }
    res->signaled = APR_PROC_CHECK_SIGNALED(why) ? 1 : 0;
    res->exit_code = code;
    res->took = apr_time_now() - started;
    return APR_SUCCESS;
}
