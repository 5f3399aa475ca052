/* mc_smtp_private.h: what mc_smtp.c (the conversation) and
 * mc_smtp_message.c (addresses and the message) share. Not part of the
 * ABI: nothing here is MC_API, so none of it leaves mod_mocourts.so. */
#ifndef MC_SMTP_PRIVATE_H
#define MC_SMTP_PRIVATE_H

#include "mc_buf.h"
#include "mc_smtp.h"

#include <apr_pools.h>
#include <stddef.h>

#define MC_SMTP_MAX_CC 50

/* The next address of a comma-separated list after s: *b its first byte,
 * *n its length; returns where to go on, or NULL at the end. */
const char *mc_list_next(const char *s, const char **b, size_t *n);
/* 1 when s (NULL allowed) holds a CR or LF. */
int mc_has_crlf(const char *s);
/* Every check a mail must pass before a byte is sent; *err says which
 * failed (static text). */
apr_status_t mc_smtp_check(const mc_mail *m, const char **err);
/* The message m as DATA sends it: RFC 5322 headers, the body
 * quoted-printable and dot-stuffed, ending in CRLF.CRLF; in p, *len its
 * length. */
const char *mc_build_message(apr_pool_t *p, const mc_mail *m, apr_size_t *len);

#endif
