/* activity.c: see activity.h.
 *
 * Recent activity reads the core's audit rows of the account: a logon's
 * detail (mod_mocourts_logon.c) is "what; device=new|known|unchecked;
 * ua=<User-Agent>", the User-Agent last, at most 200 bytes, no control
 * characters. Rows written before it was recorded show "Not recorded". */
#include "activity.h"

#define ACTIVITY_DAYS 90
#define ACTIVITY_ROWS 50

/* The events shown, and their words. */
static const struct {
    const char *event, *text;
} EVENTS[] = {{"logon", "Logon"},
              {"logon-failed", "Failed logon (wrong password)"},
              {"password-changed", "Password changed"},
              {"password-reset", "Password reset (Forgot Password)"},
              {"email-changed", "E-mail address changed"},
              {"activity-disowned", "\"This wasn't me\": every session ended"},
              {NULL, NULL}};

const char *mc_reg_browser_family(const char *ua)
{
    if (!ua || !*ua)
        return "Other";
    /* Most specific first: Edge's and Opera's strings name Chrome and
     * Safari too, Chrome's names Safari. */
    if (strstr(ua, "Edg/") || strstr(ua, "Edge/") || strstr(ua, "EdgA/") || strstr(ua, "EdgiOS/"))
        return "Edge";
    if (strstr(ua, "OPR/") || strstr(ua, "Opera") || strstr(ua, "SamsungBrowser/"))
        return "Other";
    if (strstr(ua, "Firefox/") || strstr(ua, "FxiOS/"))
        return "Firefox";
    if (strstr(ua, "Chrome/") || strstr(ua, "CriOS/") || strstr(ua, "Chromium/"))
        return "Chrome";
    if (strstr(ua, "Safari/") && strstr(ua, "Version/"))
        return "Safari";
    return "Other";
}

/* The value of "; key=" in a logon's detail (up to the next "; ", or the
 * end for ua, which is last), or NULL. */
static const char *detail_part(apr_pool_t *p, const char *detail, const char *key)
{
    const char *at = strstr(detail, apr_pstrcat(p, "; ", key, "=", NULL)), *end;
    if (!at)
        return NULL;
    at += strlen(key) + 3;
    if (!strcmp(key, "ua"))
        return at;
    end = strstr(at, "; ");
    return end ? apr_pstrndup(p, at, end - at) : at;
}

static const char *event_text(const char *event)
{
    int i;
    for (i = 0; EVENTS[i].event; i++)
        if (!strcmp(EVENTS[i].event, event))
            return EVENTS[i].text;
    return event;
}

int mc_reg_activity_get(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    mc_db *db;
    mc_dbres *res;
    apr_status_t rv;
    int i;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    rv = mc_db_query(db, p, &res,
                     "SELECT DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s'), event, client_ip, detail "
                     "FROM mc_audit WHERE account_id = ? AND event IN ('logon', 'logon-failed', "
                     "'password-changed', 'password-reset', 'email-changed', "
                     "'activity-disowned') AND at > UTC_TIMESTAMP() - INTERVAL ? DAY "
                     "ORDER BY at DESC, id DESC LIMIT ?",
                     "iii", mr->account->id, (long long)ACTIVITY_DAYS, (long long)ACTIVITY_ROWS);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        mc_vars *v = mc_vars_row(mr->vars, "events");
        const char *event = mc_dbres_get(res, i, 1), *detail = mc_dbres_get(res, i, 3);
        const char *ua = detail_part(p, detail, "ua"), *device = detail_part(p, detail, "device");
        int logon = !strncmp(event, "logon", 5);
        mc_vars_set(v, "at", apr_pstrcat(p, mc_dbres_get(res, i, 0), " UTC", NULL));
        mc_vars_set(v, "what", event_text(event));
        mc_vars_set(v, "ip", *mc_dbres_get(res, i, 2) ? mc_dbres_get(res, i, 2) : "Unknown");
        mc_vars_set(v, "browser", ua ? mc_reg_browser_family(ua) : logon ? "Not recorded" : "");
        if (ua)
            mc_vars_set(v, "ua", ua);
        if (strcmp(event, "logon"))
            device = "";
        else if (!device)
            device = "Not recorded";
        else
            device = !strcmp(device, "new")     ? "Yes"
                     : !strcmp(device, "known") ? "No"
                                                : "Not checked";
        mc_vars_set(v, "new_device", device);
    }
    mc_vars_setf(mr->vars, "days", "%d", ACTIVITY_DAYS);
    mc_vars_setf(mr->vars, "max_rows", "%d", ACTIVITY_ROWS);
    mc_vars_set(mr->vars, "myaccount_url", mc_url(mr, "/myaccount"));
    mc_vars_set(mr->vars, "disown_action", mc_url(mr, "/myaccount/activity/disown"));
    return mc_render(mr, HTTP_OK, "account-activity.html", "Recent activity");
}

static apr_status_t disown_tx(mc_req *mr, mc_db *db, void *baton)
{
    apr_status_t rv = mc_audit(mr, db, "activity-disowned", mr->account->id,
                               "every session ended from Recent activity");
    if (rv == APR_SUCCESS)
        rv = mc_session_end_all(mr, db, mr->account->id);
    return rv;
}

int mc_reg_activity_disown(mc_req *mr)
{
    apr_status_t rv = mc_req_tx(mr, disown_tx, NULL);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    /* This browser's session is gone too: Forgot Password, anonymously. */
    return mc_redirect(mr, mc_url(mr, "/forgot-password?disowned=1"));
}
