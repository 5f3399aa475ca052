/* mod_mocourts_password.c: password hashing under a per-process cap.
 *
 * Argon2id is expensive on purpose; a burst of logons must not take every
 * worker thread and all memory. At most MoCourtsHashConcurrency hashes run at
 * once in a process; others wait up to 10 seconds, then are told to retry. */
#include "mod_mocourts_private.h"

#include "apr_thread_cond.h"

static apr_thread_mutex_t *lock;
static apr_thread_cond_t *cond;
static int running;

apr_status_t mc_hash_child_init(apr_pool_t *pchild, server_rec *s)
{
    apr_status_t rv = apr_thread_mutex_create(&lock, APR_THREAD_MUTEX_DEFAULT, pchild);
    if (rv == APR_SUCCESS)
        rv = apr_thread_cond_create(&cond, pchild);
    running = 0;
    /* Make the dummy hash for unknown names now, so the first unknown name
     * a process sees takes no longer than a known one. */
    if (rv == APR_SUCCESS)
        mc_password_dummy_verify(&mc_conf_get()->cost, "");
    return rv;
}

static int enter(void)
{
    apr_time_t until = apr_time_now() + apr_time_from_sec(10);
    int ok = 1;
    apr_thread_mutex_lock(lock);
    while (running >= mc_conf_get()->hash_concurrency) {
        apr_interval_time_t left = until - apr_time_now();
        if (left <= 0) {
            ok = 0;
            break;
        }
        apr_thread_cond_timedwait(cond, lock, left);
    }
    if (ok)
        running++;
    apr_thread_mutex_unlock(lock);
    return ok;
}

static void leave(void)
{
    apr_thread_mutex_lock(lock);
    running--;
    apr_thread_cond_signal(cond);
    apr_thread_mutex_unlock(lock);
}

apr_status_t mc_hash_password(apr_pool_t *p, const char *pw, const char **hash)
{
    apr_status_t rv;
    if (!enter())
        return APR_EAGAIN;
    rv = mc_password_hash(p, pw, &mc_conf_get()->cost, hash);
    leave();
    return rv;
}

int mc_verify_password(const char *hash, const char *pw)
{
    int ok;
    if (!enter())
        return -1;
    ok = mc_password_verify(hash, pw);
    leave();
    return ok;
}

void mc_verify_dummy(const char *pw)
{
    if (!enter())
        return;
    mc_password_dummy_verify(&mc_conf_get()->cost, pw);
    leave();
}
