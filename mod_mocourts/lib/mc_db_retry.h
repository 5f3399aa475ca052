/* mc_db_retry.h: a statement of a delivery worker's round tried again after
 * a deadlock (the outbox's and the webhooks' claims and outcomes, one row by
 * its key, with other workers on other nodes at once). Private to the
 * library: not part of the plugin ABI. */
#ifndef MC_DB_RETRY_H
#define MC_DB_RETRY_H
#include "mc_db.h"

#define MC_DB_EXEC_RETRY(rv, db, ...)                                                              \
    do {                                                                                           \
        for (int try_ = 0; try_ < 3; try_++) {                                                     \
            (rv) = mc_db_exec(db, __VA_ARGS__);                                                    \
            if ((rv) != MC_DB_EDEADLOCK)                                                           \
                break;                                                                             \
        }                                                                                          \
    } while (0)

#endif
