/* Unit tests for mc_policy: the court and strict presets. */
#include <check.h>
#include <string.h>

#include "mc_crypto.h"
#include "mc_policy.h"
#include "unit_fixture.h"

/* Asserts pw is refused with a sentence mentioning what. */
#define REFUSED(preset, pw, user, what)                                          \
    do {                                                                         \
        const char *m_ = mc_policy_check((preset), (pw), (user));                \
        ck_assert_msg(m_ != NULL, "'%s' was accepted", (pw));                   \
        ck_assert_msg(strstr(m_, (what)) != NULL, "message '%s' lacks '%s'", m_, \
                      (what));                                                   \
        ck_assert_int_eq(m_[strlen(m_) - 1], '.');                               \
    } while (0)
#define ACCEPTED(preset, pw, user)                                                \
    do {                                                                          \
        const char *m_ = mc_policy_check((preset), (pw), (user));                 \
        ck_assert_msg(m_ == NULL, "'%s' was refused: %s", (pw), m_ ? m_ : ""); \
    } while (0)

START_TEST(test_parse)
{
    ck_assert_int_eq(mc_policy_parse("court"), MC_POLICY_COURT);
    ck_assert_int_eq(mc_policy_parse("strict"), MC_POLICY_STRICT);
    ck_assert_int_eq(mc_policy_parse("Strict"), MC_POLICY_STRICT);
    ck_assert_int_eq(mc_policy_parse("lax"), -1);
    ck_assert_int_eq(mc_policy_parse(""), -1);
    ck_assert_int_eq(mc_policy_parse(NULL), -1);
    ck_assert_ptr_nonnull(strstr(mc_policy_describe(MC_POLICY_COURT), "8 characters"));
    ck_assert_ptr_nonnull(strstr(mc_policy_describe(MC_POLICY_STRICT), "12 characters"));
}
END_TEST

START_TEST(test_court_rules)
{
    ACCEPTED(MC_POLICY_COURT, "Abcdefg1", NULL);
    REFUSED(MC_POLICY_COURT, "Abcdef1", NULL, "at least 8 characters");
    REFUSED(MC_POLICY_COURT, "abcdefg1", NULL, "upper-case");
    REFUSED(MC_POLICY_COURT, "ABCDEFG1", NULL, "lower-case");
    REFUSED(MC_POLICY_COURT, "Abcdefgh", NULL, "digit");
    REFUSED(MC_POLICY_COURT, "", NULL, "enter a password");
    ck_assert_ptr_nonnull(strstr(mc_policy_check(MC_POLICY_COURT, NULL, NULL), "enter a password"));
    /* The court preset has no common-password rule. */
    ACCEPTED(MC_POLICY_COURT, "Password1", NULL);
}
END_TEST

START_TEST(test_strict_rules)
{
    ACCEPTED(MC_POLICY_STRICT, "correcthorse", NULL);        /* 12, no composition */
    ACCEPTED(MC_POLICY_STRICT, "  correct  horse  ", NULL);  /* spaces are characters */
    REFUSED(MC_POLICY_STRICT, "            ", NULL, "only spaces");
    REFUSED(MC_POLICY_STRICT, "correcthors", NULL, "at least 12 characters");
    REFUSED(MC_POLICY_STRICT, "Abcdefg1", NULL, "at least 12 characters");
    REFUSED(MC_POLICY_STRICT, "password1234", NULL, "too common");
    REFUSED(MC_POLICY_STRICT, "PassWord1234", NULL, "too common");
    REFUSED(MC_POLICY_STRICT, "QWERTYUIOP123", NULL, "too common");
    REFUSED(MC_POLICY_STRICT, "1q2w3e4r5t6y", NULL, "too common");
    /* Characters, not bytes: 11 two-byte letters are too short, 12 fit. */
    REFUSED(MC_POLICY_STRICT, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                              "\xc3\xa9\xc3\xa9\xc3\xa9", NULL, "at least 12");
    /* 12 different two-byte letters (12 of one is a pattern: too few
     * different characters). */
    ACCEPTED(MC_POLICY_STRICT, "\xc3\xa9\xc3\xa0\xc3\xa8\xc3\xb9\xc3\xa2\xc3\xaa\xc3\xae\xc3\xb4"
                               "\xc3\xbb\xc3\xa7\xc3\xab\xc3\xaf", NULL);
    REFUSED(MC_POLICY_STRICT, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                              "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", NULL, "too few different");
}
END_TEST

/* libpwquality's dictionary (cracklib) and pattern checks, strict preset
 * only, each verdict in our own sentence (never pwquality_strerror's). */
START_TEST(test_strict_pwquality)
{
    /* Dictionary words, also with digits or symbols added, plural,
     * capitalised: none is on the built-in list. */
    ck_assert(!mc_policy_is_common("dictionary12"));
    REFUSED(MC_POLICY_STRICT, "dictionary12", NULL, "based on a dictionary word");
    REFUSED(MC_POLICY_STRICT, "Courthouses!", NULL, "based on a dictionary word");
    REFUSED(MC_POLICY_STRICT, "attorneys123", NULL, "based on a dictionary word");
    REFUSED(MC_POLICY_STRICT, "ab12ab12ab12", NULL, "too few different characters");
    /* Patterns. */
    REFUSED(MC_POLICY_STRICT, "a quiet abcdef garden", NULL, "more than 5 characters in sequence");
    REFUSED(MC_POLICY_STRICT, "zyxwvu hills ok", NULL, "more than 5 characters in sequence");
    REFUSED(MC_POLICY_STRICT, "good 11111 morning", NULL, "more than 4 times in a row");
    ACCEPTED(MC_POLICY_STRICT, "good 1111 morning", NULL);
    REFUSED(MC_POLICY_STRICT, "step on no pets", NULL, "backwards as forwards");
    /* The username in it, forwards or backwards (the court preset refuses
     * only the username itself). */
    REFUSED(MC_POLICY_STRICT, "hello jsmith 2024", "jsmith", "contain your username");
    REFUSED(MC_POLICY_STRICT, "my htimsj is good", "jsmith", "contain your username");
    ACCEPTED(MC_POLICY_STRICT, "hello jsmith 2024", NULL);
    ACCEPTED(MC_POLICY_COURT, "Hello jsmith 2024", "jsmith");
    /* The court preset has none of these checks. */
    ACCEPTED(MC_POLICY_COURT, "Dictionary12", NULL);
    ACCEPTED(MC_POLICY_COURT, "Abcdef123456", NULL);
    /* Passphrases pass. */
    ACCEPTED(MC_POLICY_STRICT, "correct horse battery staple", "jsmith");
    ACCEPTED(MC_POLICY_STRICT, "Tr0ub4dor&3 staple battery", NULL);
    /* Our sentences, not libpwquality's. */
    ck_assert_ptr_null(strstr(mc_policy_check(MC_POLICY_STRICT, "dictionary12", NULL), "fails"));
    ck_assert_ptr_nonnull(strstr(mc_policy_describe(MC_POLICY_STRICT), "dictionary word"));
}
END_TEST

START_TEST(test_long_passwords)
{
    char pw[MC_PASSWORD_MAX_BYTES + 2];
    const char *m;

    /* 64+ characters are welcome in both presets. */
    ACCEPTED(MC_POLICY_COURT,
             "Tiny Fluffy Clouds 7 drift over the Courthouse every single afternoon at four", NULL);
    ACCEPTED(MC_POLICY_STRICT,
             "tiny fluffy clouds drift over the courthouse every single afternoon at four", NULL);
    memset(pw, 'x', sizeof(pw));
    memcpy(pw, "Aa1", 3);
    pw[MC_PASSWORD_MAX_BYTES] = '\0'; /* exactly 1024 bytes */
    ACCEPTED(MC_POLICY_COURT, pw, NULL);
    /* (a run of 1021 x is a pattern the strict preset refuses) */
    REFUSED(MC_POLICY_STRICT, pw, NULL, "more than 4 times in a row");
    {
        static const char phrase[] = "tiny fluffy clouds drift by ";
        size_t i;
        for (i = 0; i < MC_PASSWORD_MAX_BYTES; i++)
            pw[i] = phrase[i % (sizeof(phrase) - 1)];
    }
    ACCEPTED(MC_POLICY_STRICT, pw, NULL);
    pw[MC_PASSWORD_MAX_BYTES] = 'x';
    pw[MC_PASSWORD_MAX_BYTES + 1] = '\0'; /* 1025 bytes */
    REFUSED(MC_POLICY_COURT, pw, NULL, "longer than 1024");
    REFUSED(MC_POLICY_STRICT, pw, NULL, "longer than 1024");
    /* The length check comes first, before any other rule. */
    memset(pw, 'a', MC_PASSWORD_MAX_BYTES + 1);
    m = mc_policy_check(MC_POLICY_COURT, pw, pw);
    ck_assert_ptr_nonnull(strstr(m, "longer than 1024"));
}
END_TEST

START_TEST(test_username)
{
    REFUSED(MC_POLICY_COURT, "JSmith2024", "jsmith2024", "username");
    REFUSED(MC_POLICY_STRICT, "LongUserName12", "longusername12", "username");
    ACCEPTED(MC_POLICY_COURT, "JSmith2024", "jsmith");
    /* the strict preset also refuses the username within (libpwquality) */
    REFUSED(MC_POLICY_STRICT, "longusername12", "longusername", "contain your username");
    ACCEPTED(MC_POLICY_STRICT, "longusername12", "");
}
END_TEST

START_TEST(test_common_list)
{
    static const char *const common[] = { "123456", "password", "PASSWORD", "qwerty",
                                          "iloveyou", "letmein", "Passw0rd", "abc123",
                                          "1qaz2wsx", "trustno1", "administrator",
                                          "123456789012" };
    size_t i;

    for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
        ck_assert_msg(mc_policy_is_common(common[i]), "%s not on the list", common[i]);
    ck_assert(!mc_policy_is_common("Tr0ub4dor&3 staple battery"));
    ck_assert(!mc_policy_is_common("password12345x"));
    ck_assert(!mc_policy_is_common(""));
    ck_assert(!mc_policy_is_common(NULL));
}
END_TEST

MC_TEST_SUITE(policy, NULL, NULL, 0, test_parse, test_court_rules, test_strict_rules,
              test_strict_pwquality, test_long_passwords, test_username, test_common_list)
