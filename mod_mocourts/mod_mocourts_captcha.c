/* mod_mocourts_captcha.c: what a plugin's CAPTCHA asks of the core
 * (mocourts.h, ABI 1.13): the form's variables for core/_captcha.html, and
 * the answer of its picture and of its sound. The phrase, the picture and
 * the sound themselves are the library's (mc_captcha.h); what is stored,
 * and where, is the plugin's. */
#include "mod_mocourts_private.h"

#include "apr_strings.h"
#include "http_protocol.h"

void mc_captcha_vars(mc_req *mr, const char *image, const char *audio)
{
    apr_pool_t *p = mr->r->pool;
    /* A new address each time, so no browser shows a picture it kept. */
    const char *r = apr_pstrcat(p, "?r=", mc_random_digits(p, 8), NULL);
    mc_vars_set(mr->vars, "captcha_label", MC_CAPTCHA_LABEL);
    mc_vars_set(mr->vars, "captcha_url", apr_pstrcat(p, mc_url(mr, image), r, NULL));
    if (audio)
        mc_vars_set(mr->vars, "captcha_audio_url", apr_pstrcat(p, mc_url(mr, audio), r, NULL));
    mc_vars_set(mr->vars, "captcha_alt",
                audio ? "A picture of a phrase of letters and digits to type into the field "
                        "below. If you cannot see it, listen to the same phrase with the player "
                        "below it."
                      : "A picture of a phrase of letters and digits to type into the field "
                        "below. If you cannot see it, use \"Can't see the image?\".");
}

int mc_captcha_send(mc_req *mr, const char *phrase, int spoken)
{
    request_rec *r = mr->r;
    unsigned char *b;
    apr_size_t len;
    apr_status_t rv;
    if (!spoken && mc_captcha_bmp(r->pool, phrase, &b, &len) != APR_SUCCESS)
        return HTTP_INTERNAL_SERVER_ERROR;
    if (spoken && (rv = mc_captcha_wav(r->pool, phrase, &b, &len)) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      MCLOGNO(0504) "%s: the spoken CAPTCHA could not be made", mr->plugin->name);
        return HTTP_SERVICE_UNAVAILABLE;
    }
    /* err_headers_out: where the core puts its security headers (once). */
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    apr_table_setn(r->err_headers_out, "X-Content-Type-Options", "nosniff");
    ap_set_content_type(r, spoken ? "audio/wav" : "image/bmp");
    ap_set_content_length(r, len);
    if (!r->header_only)
        ap_rwrite(b, (int)len, r);
    return OK;
}
