/* mod_mocourts_password.c: password hashing under a per-process cap.
 *
 * Argon2id is expensive on purpose; a burst of logons must not take every
 * worker thread and all memory. At most MoCourtsHashConcurrency hashes run at
 * once in a process; others wait up to 10 seconds, then are told to retry.
 *
 * The wait is first come, first served: a hash that has to wait joins a
 * queue, and a finishing hash hands its slot straight to the queue's head
 * instead of freeing it, so neither a newcomer nor a request that hashes
 * several things in a row (sign-up's three answers) can slip past someone
 * already waiting. A waiter therefore waits for at most the hashes queued
 * or running ahead of it when it arrived.
 *
 * The cap and its queue belong to one process (its MPM threads); each child
 * has its own, so a node runs at most ServerLimit x MoCourtsHashConcurrency
 * hashes, and a request waits only behind those in its own process. */
#include "mod_mocourts_private.h"

#include "apr_thread_cond.h"

#define WAIT_SECONDS 10

/* A thread waiting for a slot; lives on that thread's stack. */
typedef struct waiter {
    struct waiter *next;
    int granted; /* a finishing hash handed its slot to this one */
} waiter;

static apr_thread_mutex_t *lock; /* guards everything below */
static apr_thread_cond_t *cond;  /* broadcast at every hand-off */
static int running;              /* slots held (hashes running or handed a slot) */
static waiter *head, *tail;      /* the queue, oldest first */

apr_status_t mc_hash_child_init(apr_pool_t *pchild, server_rec *s)
{
    apr_status_t rv = apr_thread_mutex_create(&lock, APR_THREAD_MUTEX_DEFAULT, pchild);
    if (rv == APR_SUCCESS)
        rv = apr_thread_cond_create(&cond, pchild);
    running = 0;
    head = tail = NULL;
    /* Make the dummy hash for unknown names now, so the first unknown name
     * a process sees takes no longer than a known one. */
    if (rv == APR_SUCCESS)
        mc_password_dummy_verify(&mc_conf_get()->cost, "");
    return rv;
}

/* Take w out of the queue (it gave up). */
static void unqueue(waiter *w)
{
    waiter **pp = &head, *prev = NULL;
    while (*pp && *pp != w) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    if (!*pp)
        return;
    *pp = w->next;
    if (tail == w)
        tail = prev;
}

/* 1 with a slot held, 0 when none came within WAIT_SECONDS. */
static int enter(void)
{
    apr_time_t until = apr_time_now() + apr_time_from_sec(WAIT_SECONDS);
    waiter me = {NULL, 0};
    apr_thread_mutex_lock(lock);
    /* Nobody is waiting whenever a slot is free (leave() hands slots to
     * waiters), so a free slot may be taken at once. */
    if (!head && running < mc_conf_get()->hash_concurrency) {
        running++;
        apr_thread_mutex_unlock(lock);
        return 1;
    }
    if (tail)
        tail->next = &me;
    else
        head = &me;
    tail = &me;
    while (!me.granted) {
        apr_interval_time_t left = until - apr_time_now();
        if (left <= 0)
            break;
        apr_thread_cond_timedwait(cond, lock, left);
    }
    if (!me.granted)
        unqueue(&me);
    apr_thread_mutex_unlock(lock);
    return me.granted;
}

/* Give the slot to the oldest waiter, or free it when nobody waits. */
static void leave(void)
{
    apr_thread_mutex_lock(lock);
    if (head) {
        waiter *w = head;
        head = w->next;
        if (!head)
            tail = NULL;
        w->next = NULL;
        w->granted = 1;
        /* One condition for all waiters: each checks its own flag. */
        apr_thread_cond_broadcast(cond);
    }
    else {
        running--;
    }
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
