/* mc_webhook: queue webhook deliveries, sign them, check endpoint URLs.
 * See mc_webhook.h and mc_webhook_send.h. */
#include "mc_webhook.h"
#include "mc_webhook_send.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_time.h>
#include <apr_uri.h>
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MC_WEBHOOK_DATA_MAX 60000

const char *const mc_webhook_events[] = {MC_WEBHOOK_DOCKET_ENTRY, MC_WEBHOOK_HEARING,
                                         MC_WEBHOOK_FILING_STATUS, NULL};

int mc_webhook_event_ok(const char *event)
{
    for (int i = 0; event && mc_webhook_events[i]; i++)
        if (!strcmp(event, mc_webhook_events[i]))
            return 1;
    return 0;
}

apr_status_t mc_webhook_emit(mc_db *db, long long account_id, const char *event,
                             const char *case_ref, const char *data_json)
{
    char stamp[32];
    apr_time_exp_t t;
    apr_size_t len;
    json_t *data, *msg;
    char *body;
    apr_status_t rv;

    if (account_id <= 0 || !mc_webhook_event_ok(event) || !data_json ||
        strlen(data_json) > MC_WEBHOOK_DATA_MAX ||
        (case_ref && (!*case_ref || strlen(case_ref) > 40)))
        return APR_EINVAL;
    data = json_loads(data_json, JSON_REJECT_DUPLICATES, NULL);
    if (!data || !json_is_object(data)) {
        json_decref(data);
        return APR_EINVAL;
    }
    apr_time_exp_gmt(&t, apr_time_now());
    apr_strftime(stamp, &len, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &t);
    /* The body every attempt sends and signs: {"type","timestamp","data"}. */
    msg = json_pack("{s:s, s:s, s:o}", "type", event, "timestamp", stamp, "data", data);
    body = msg ? json_dumps(msg, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(msg);
    if (!body)
        return APR_ENOMEM;
    /* One row per endpoint that wants it, each with its own random id. */
    rv = mc_db_exec(db, NULL, NULL,
                    "INSERT INTO mc_webhook_delivery (msg_id, endpoint_id, event, case_ref, "
                    "payload, status, attempts, created_at, next_attempt_at) "
                    "SELECT CONCAT('msg_', LOWER(HEX(RANDOM_BYTES(13)))), id, ?, ?, ?, 'queued', "
                    "0, UTC_TIMESTAMP(), UTC_TIMESTAMP() FROM mc_webhook_endpoint "
                    "WHERE account_id = ? AND enabled = 1 AND FIND_IN_SET(?, events) > 0",
                    "sssis", event, case_ref, body, account_id, event);
    free(body);
    return rv;
}

apr_status_t mc_webhook_drop_case(mc_db *db, const char *case_ref)
{
    if (!case_ref || !*case_ref)
        return APR_EINVAL;
    /* The attempts go with their delivery (ON DELETE CASCADE). */
    return mc_db_exec(db, NULL, NULL,
                      "DELETE FROM mc_webhook_delivery WHERE case_ref = ? AND status IN "
                      "('queued', 'retrying', 'sending')",
                      "s", case_ref);
}

const char *mc_webhook_secret_new(apr_pool_t *p)
{
    unsigned char raw[MC_WEBHOOK_SECRET_BYTES];
    const int variant = sodium_base64_VARIANT_ORIGINAL;
    char b64[sodium_base64_ENCODED_LEN(MC_WEBHOOK_SECRET_BYTES, sodium_base64_VARIANT_ORIGINAL)];

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw), variant);
    sodium_memzero(raw, sizeof(raw));
    return apr_pstrcat(p, MC_WEBHOOK_SECRET_PREFIX, b64, NULL);
}

const char *mc_webhook_signature(apr_pool_t *p, const char *secret, const char *msg_id,
                                 long long timestamp, const char *body, apr_size_t body_len)
{
    unsigned char key[64];
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char b64[sodium_base64_ENCODED_LEN(crypto_auth_hmacsha256_BYTES,
                                       sodium_base64_VARIANT_ORIGINAL)];
    size_t keylen = 0;
    crypto_auth_hmacsha256_state st;
    char ts[24];
    size_t plen = strlen(MC_WEBHOOK_SECRET_PREFIX);

    if (!secret || strncmp(secret, MC_WEBHOOK_SECRET_PREFIX, plen) != 0 ||
        sodium_base642bin(key, sizeof(key), secret + plen, strlen(secret + plen), NULL, &keylen,
                          NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        keylen < 24)
        return NULL;
    apr_snprintf(ts, sizeof(ts), "%" APR_INT64_T_FMT, (apr_int64_t)timestamp);
    crypto_auth_hmacsha256_init(&st, key, keylen);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg_id, strlen(msg_id));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, body_len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_memzero(key, sizeof(key));
    sodium_memzero(&st, sizeof(st));
    sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac), sodium_base64_VARIANT_ORIGINAL);
    return apr_pstrcat(p, "v1,", b64, NULL);
}

/* 1 when host (as apr_uri parses it: an IPv6 address without brackets) is
 * a loopback address, 127.0.0.0/8 or ::1, written as an address. */
static int mc_loopback_host(const char *host)
{
    int parts = 0, digits = 0;
    const char *s;
    if (!strcmp(host, "::1"))
        return 1;
    if (strncmp(host, "127.", 4) != 0)
        return 0;
    for (s = host; *s; s++) {
        if (apr_isdigit(*s)) {
            if (++digits > 3)
                return 0;
        }
        else if (*s == '.' && digits) {
            parts++;
            digits = 0;
        }
        else
            return 0;
    }
    return digits && parts == 3;
}

const char *mc_webhook_url_refusal(apr_pool_t *p, const char *url)
{
    apr_uri_t u;
    if (!url || !*url)
        return "Enter the endpoint's URL.";
    if (strlen(url) > MC_WEBHOOK_URL_MAX)
        return "The URL is too long (at most 2,000 characters).";
    for (const char *s = url; *s; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
            return "The URL must not contain spaces or characters outside ASCII; "
                   "percent-encode them.";
    if (apr_uri_parse(p, url, &u) != APR_SUCCESS || !u.scheme || !u.hostname || !*u.hostname)
        return "Enter a full URL, for example https://example.com/hooks/court.";
    if (u.user || u.password)
        return "The URL must not contain a user name or password.";
    if (u.fragment)
        return "The URL must not contain a fragment (#...).";
    if (!strcasecmp(u.scheme, "https"))
        return NULL;
    if (!strcasecmp(u.scheme, "http") && mc_loopback_host(u.hostname))
        return NULL;
    return "The URL must start with https:// (http:// only for a loopback address such as "
           "127.0.0.1, for testing).";
}

/* After n failed attempts: 5 s, 1 min, 5 min, 30 min, 1 h, 2 h, 4 h, then
 * every 8 h (until the 24 hours are over). */
int mc_webhook_backoff(int attempts)
{
    static const int steps[] = {5, 60, 300, 1800, 3600, 7200, 14400};
    if (attempts <= 0)
        return 0;
    if (attempts > (int)(sizeof(steps) / sizeof(steps[0])))
        return 28800;
    return steps[attempts - 1];
}
