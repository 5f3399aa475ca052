/* create_admin.c: `mocourts-admin create-admin USERNAME EMAIL [--role ROLE]...
 * [--new-role ROLE]... [--no-role] [--scope SCOPE] [--must-change]
 * [--first-name NAME] [--last-name NAME]`: an active account with a
 * verified address, by default a Security unit administrator. The password
 * comes from $MOCOURTS_PASSWORD or the terminal and is never printed.
 *
 * A role is a word the modules compare with what an account holds, so a
 * misspelt one would grant nothing and say nothing: --role takes only the
 * roles the shipped modules check, or one an account already holds; a new
 * role of a site's own plugin is granted with --new-role. */
#include "admin.h"
#include "mc_account.h"
#include "mc_crypto.h"
#include "mc_policy.h"
#include "mc_smtp.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>

/* The roles the core and the bundled plugins check. */
static const char *const mc_known_roles[] = {
    "security",    /* registration, groups: the Security unit's pages */
    "clerk",       /* casetrack, efiling: a court's clerk (scope: the court) */
    "attorney",    /* efiling: a verified MOBAR number */
    "group_admin", /* groups, efiling: a group's administrator (scope: the group) */
    "group_user",  /* groups: a group's member (scope: the group) */
    NULL};

/* Read a line from the terminal without echo; NULL without a terminal. */
static char *mc_prompt(apr_pool_t *p, const char *prompt)
{
    FILE *tty = fopen("/dev/tty", "r+");
    struct termios old, quiet;
    char buf[MC_PASSWORD_MAX_BYTES + 2];
    if (!tty)
        return NULL;
    int fd = fileno(tty);
    int has_termios = tcgetattr(fd, &old) == 0;
    fputs(prompt, tty);
    fflush(tty);
    if (has_termios) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    char *got = fgets(buf, sizeof(buf), tty);
    if (has_termios)
        tcsetattr(fd, TCSAFLUSH, &old);
    fclose(tty);
    if (!got)
        return NULL;
    buf[strcspn(buf, "\r\n")] = '\0';
    char *pw = apr_pstrdup(p, buf);
    sodium_memzero(buf, sizeof(buf));
    return pw;
}

static int mc_word_ok(const char *s, size_t max, const char *extra)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return 0;
    for (; *s; s++)
        if (!apr_isalnum(*s) && !strchr(extra, *s))
            return 0;
    return 1;
}

static int mc_text_ok(const char *s, size_t max)
{
    if (strlen(s) > max)
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

/* 1 when role is one the modules check or an account holds, 0 when not,
 * -1 when the database cannot say. */
static int mc_role_known(mc_admin *a, const char *role)
{
    mc_dbres *res;
    for (int i = 0; mc_known_roles[i]; i++)
        if (!strcmp(mc_known_roles[i], role))
            return 1;
    if (mc_db_query(a->db, a->p, &res, "SELECT 1 FROM mc_account_role WHERE role = ? LIMIT 1", "s",
                    role) != APR_SUCCESS)
        return -1;
    return res->nrows > 0;
}

int mc_cmd_create_admin(mc_admin *a, const mc_args *args)
{
    const mc_admin_cmd *cmd = args->cmd;
    apr_array_header_t *roles = apr_array_make(a->p, 2, sizeof(const char *));
    apr_array_header_t *fresh = apr_array_make(a->p, 1, sizeof(const char *));
    const char *scope = "", *first = "", *last = "";
    int must_change = 0, no_role = 0;
    for (int i = 0; i < args->opts->nelts; i++) {
        const mc_opt *o = &APR_ARRAY_IDX(args->opts, i, mc_opt);
        switch (o->id) {
        case MC_OPT_ROLE:
            APR_ARRAY_PUSH(roles, const char *) = o->arg;
            break;
        case MC_OPT_NEW_ROLE:
            APR_ARRAY_PUSH(roles, const char *) = o->arg;
            APR_ARRAY_PUSH(fresh, const char *) = o->arg;
            break;
        case MC_OPT_SCOPE:
            scope = o->arg;
            break;
        case MC_OPT_FIRST_NAME:
            first = o->arg;
            break;
        case MC_OPT_LAST_NAME:
            last = o->arg;
            break;
        case MC_OPT_MUST_CHANGE:
            must_change = 1;
            break;
        case MC_OPT_NO_ROLE:
            no_role = 1;
            break;
        }
    }
    const char *user = args->pos[0], *email = args->pos[1];
    if (no_role && roles->nelts > 0)
        return mc_admin_usage(cmd, "--no-role and --role exclude each other");
    if (roles->nelts == 0 && !no_role)
        APR_ARRAY_PUSH(roles, const char *) = "security";
    if (!mc_word_ok(user, 64, "._-@"))
        return mc_admin_fail(
            "'%s' is not a usable username (1 to 64 letters, digits, '.', '_', '-', '@')", user);
    if (!mc_email_ok(email))
        return mc_admin_fail("'%s' is not a usable e-mail address", email);
    for (int i = 0; i < roles->nelts; i++)
        if (!mc_word_ok(APR_ARRAY_IDX(roles, i, const char *), 32, "_-"))
            return mc_admin_fail("'%s' is not a role name (1 to 32 letters, digits, '_', '-')",
                                 APR_ARRAY_IDX(roles, i, const char *));
    if (*scope && !mc_word_ok(scope, 64, "._-:"))
        return mc_admin_fail("'%s' is not a scope (1 to 64 letters, digits, '.', '_', '-', ':')",
                             scope);
    if (!mc_text_ok(first, 100) || !mc_text_ok(last, 100))
        return mc_admin_fail("first and last names: at most 100 characters, no control characters");
    int rc = mc_admin_load(a);
    if (rc != EXIT_SUCCESS)
        return rc;

    const char *pname = mc_conf_str(a->conf, "MoCourtsPasswordPolicy", "court");
    int preset = mc_policy_parse(pname);
    if (preset < 0)
        return mc_admin_fail(
            "Invalid value for directive 'MoCourtsPasswordPolicy': '%s' (court or strict)", pname);
    mc_pwcost cost;
    const char *cspec = mc_conf_str(a->conf, "MoCourtsPasswordCost", "interactive"), *why;
    if ((why = mc_pwcost_parse(cspec, &cost)) != NULL)
        return mc_admin_fail("Invalid value for directive 'MoCourtsPasswordCost': %s", why);

    /* The roles are checked before the password is asked for. */
    if ((rc = mc_admin_connect(a)) != EXIT_SUCCESS)
        return rc;
    for (int i = 0; i < roles->nelts; i++) {
        const char *role = APR_ARRAY_IDX(roles, i, const char *);
        int is_new = 0;
        for (int k = 0; k < fresh->nelts; k++)
            is_new |= !strcmp(APR_ARRAY_IDX(fresh, k, const char *), role);
        int known = is_new ? 1 : mc_role_known(a, role);
        if (known < 0)
            return mc_admin_fail("reading the roles failed: %s", mc_db_error(a->db));
        if (!known)
            return mc_admin_fail("'%s' is not a role the modules check (security, clerk, attorney, "
                                 "group_admin, group_user) nor one an account holds; nothing was "
                                 "created (a role of your own plugin: --new-role %s)",
                                 role, role);
    }

    char *pw = NULL;
    const char *env = getenv("MOCOURTS_PASSWORD");
    if (env) {
        pw = apr_pstrdup(a->p, env);
    }
    else {
        pw = mc_prompt(a->p, apr_psprintf(a->p, "Password for %s: ", user));
        char *again = pw ? mc_prompt(a->p, "Again: ") : NULL;
        if (!pw || !again)
            return mc_admin_fail("no terminal to ask the password on: set MOCOURTS_PASSWORD");
        int same = strcmp(pw, again) == 0;
        sodium_memzero(again, strlen(again));
        if (!same)
            return mc_admin_fail("the two passwords differ; nothing was created");
    }
    if ((why = mc_policy_check((mc_policy_preset)preset, pw, user)) != NULL) {
        sodium_memzero(pw, strlen(pw));
        return mc_admin_fail("the password is refused: %s", why);
    }
    const char *hash;
    apr_status_t rv = mc_password_hash(a->p, pw, &cost, &hash);
    sodium_memzero(pw, strlen(pw));
    if (rv != APR_SUCCESS)
        return mc_admin_fail("hashing the password failed (out of memory?)");

    long long id = 0, verified = 1;
    const char *holder = NULL;
    mc_dbres *taken;
    /* A verified address belongs to one account: when another account has
     * this one verified, the new account logs on by its username only. */
    if ((rv = mc_db_begin(a->db)) == APR_SUCCESS &&
        (rv = mc_db_query(a->db, a->p, &taken,
                          "SELECT username FROM mc_account WHERE verified_email = ? FOR UPDATE",
                          "s", email)) == APR_SUCCESS) {
        if (taken->nrows > 0) {
            verified = 0;
            holder = mc_dbres_get(taken, 0, 0);
        }
        mc_account_new acct = {.username = user,
                               .email = email,
                               .password_hash = hash,
                               .email_verified = (int)verified,
                               .must_change_password = must_change,
                               .first_name = first,
                               .last_name = last};
        rv = mc_account_create(a->db, &acct, &id);
    }
    for (int i = 0; rv == APR_SUCCESS && i < roles->nelts; i++)
        rv = mc_db_exec(a->db, NULL, NULL,
                        "INSERT INTO mc_account_role (account_id, role, scope, granted_at)"
                        " VALUES (?, ?, ?, UTC_TIMESTAMP())",
                        "iss", id, APR_ARRAY_IDX(roles, i, const char *), scope);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(a->db, NULL, NULL,
                        "INSERT INTO mc_audit (at, event, account_id, actor_id, client_ip, detail)"
                        " VALUES (UTC_TIMESTAMP(), 'account-created', ?, NULL, '', 'create-admin')",
                        "i", id);
    if (rv == APR_SUCCESS)
        rv = mc_db_commit(a->db);
    if (rv != APR_SUCCESS) {
        if (!mc_db_broken(a->db))
            mc_db_rollback(a->db);
        if (rv == MC_DB_EDUP)
            return mc_admin_fail("an account named '%s' already exists; nothing was created", user);
        return mc_admin_fail("creating the account failed: %s", mc_db_error(a->db));
    }
    const char *rl = "";
    for (int i = 0; i < roles->nelts; i++)
        rl = apr_pstrcat(a->p, rl, i ? ", " : "", APR_ARRAY_IDX(roles, i, const char *), NULL);
    printf("created account '%s' (id %lld) with role(s) %s%s%s%s\n", user, id, rl,
           *scope ? " in scope " : "", scope, must_change ? "; password change required" : "");
    if (holder)
        printf("%s is already the verified address of account '%s': '%s' logs on by its "
               "username only\n",
               email, holder, user);
    return EXIT_SUCCESS;
}
