/* mc_policy: password policy presets.
 *  court:  8+ characters, an upper-case letter, a lower-case letter and a digit.
 *  strict: 12+ characters, no composition rules, common/breached passwords refused,
 *          then libpwquality's dictionary and pattern checks (mc_policy_pwquality).
 * Both: at most MC_PASSWORD_MAX_BYTES bytes (checked before any hashing), no
 * truncation, 64+ characters accepted, the username may not be the password. */
#ifndef MC_POLICY_H
#define MC_POLICY_H
#include <apr_pools.h>

typedef enum { MC_POLICY_COURT = 0, MC_POLICY_STRICT = 1 } mc_policy_preset;

/* "court" or "strict"; -1 when unknown. */
int mc_policy_parse(const char *name);
/* A sentence describing the preset's rules, for the page beside the field. */
const char *mc_policy_describe(mc_policy_preset preset);
/* NULL when pw is acceptable, else a sentence for the user saying why not.
 * username may be NULL. Uses the built-in common-password list. */
const char *mc_policy_check(mc_policy_preset preset, const char *pw, const char *username);
/* The strict preset's last step: libpwquality's dictionary (cracklib) and
 * pattern checks (a palindrome, a character repeated 5 times running, 6
 * characters in sequence, the username in it forwards or backwards), with
 * username as its user (may be NULL). NULL when it passes, else our own
 * static sentence for its verdict. Without cracklib's dictionary the
 * pattern checks still apply. */
const char *mc_policy_pwquality(const char *pw, const char *username);
/* 1 when pw (case-insensitive) is on the built-in common/breached list. */
int mc_policy_is_common(const char *pw);
#endif
