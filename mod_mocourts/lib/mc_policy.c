/* mc_policy.c: the court and strict password presets and the built-in list of
 * common/breached passwords. Lengths count characters (UTF-8 code points);
 * the upper bound counts bytes, as MC_PASSWORD_MAX_BYTES does. The strict
 * preset then asks libpwquality (Debian libpwquality-dev) for its
 * dictionary (cracklib's) and pattern checks, its verdict put into our own
 * sentences. */
#include "mc_policy.h"
#include "mc_crypto.h"
#include "mc_form.h"

#include <pthread.h>
#include <pwquality.h>
#include <string.h>
#include <strings.h>

#define COURT_MIN_CHARS 8
#define STRICT_MIN_CHARS 12

/* Compiled from the most frequent entries of public breach corpora and the
 * yearly "worst passwords" lists; all lower case (compared ignoring case).
 * Long ones matter most, since the strict preset already refuses short ones. */
static const char *const common_passwords[] = {
    "000000",
    "0000000000",
    "000000000000",
    "1111",
    "111111",
    "1111111",
    "11111111",
    "111111111",
    "1111111111",
    "111111111111",
    "112233",
    "121212",
    "123123",
    "123123123",
    "123123123123",
    "1234",
    "12345",
    "123456",
    "1234567",
    "12345678",
    "123456789",
    "1234567890",
    "12345678910",
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456789a",
    "123456789abc",
    "123456abc",
    "123412341234",
    "123321",
    "123654",
    "123qwe",
    "123qweasd",
    "123qweasdzxc",
    "1q2w3e",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1q2w3e4r5t6y",
    "1q2w3e4r5t6y7u",
    "1qaz2wsx",
    "1qaz2wsx3edc",
    "1qaz2wsx3edc4rfv",
    "1qazxsw2",
    "222222",
    "555555",
    "654321",
    "666666",
    "696969",
    "7777777",
    "777777",
    "87654321",
    "888888",
    "987654321",
    "9876543210",
    "999999",
    "a123456",
    "a1b2c3",
    "a1b2c3d4",
    "aa123456",
    "aaaaaa",
    "aaaaaaaaaaaa",
    "abc123",
    "abc123abc123",
    "abc12345",
    "abcd1234",
    "abcdef",
    "abcdefg",
    "abcdefgh",
    "abcdefghijkl",
    "abcdefghijklmnop",
    "access",
    "access14",
    "adidas",
    "admin",
    "admin123",
    "admin1234",
    "administrator",
    "alexander",
    "andrea",
    "andrew",
    "angel",
    "anthony",
    "apple",
    "apples",
    "asdasd",
    "asdf",
    "asdf1234",
    "asdfasdf",
    "asdfasdfasdf",
    "asdfgh",
    "asdfghjk",
    "asdfghjkl",
    "asdfghjkl123",
    "ashley",
    "austin",
    "azerty",
    "babygirl",
    "bailey",
    "banana",
    "baseball",
    "basketball",
    "batman",
    "biteme",
    "buster",
    "changeme",
    "changeme123",
    "changeme1234",
    "charlie",
    "cheese",
    "chelsea",
    "chicken",
    "chocolate",
    "computer",
    "cookie",
    "corvette",
    "court",
    "court123",
    "courthouse",
    "daniel",
    "dearbook",
    "default",
    "donald",
    "dragon",
    "dragonball",
    "football",
    "football1",
    "freedom",
    "fuckyou",
    "gandalf",
    "ginger",
    "google",
    "hannah",
    "hello",
    "hello123",
    "helloworld",
    "hockey",
    "hunter",
    "hunter2",
    "iloveyou",
    "iloveyou1",
    "iloveyou123",
    "iloveyou1234",
    "iloveyouiloveyou",
    "internet",
    "jennifer",
    "jessica",
    "jesus",
    "jordan",
    "jordan23",
    "joshua",
    "justice",
    "justin",
    "killer",
    "lakers",
    "letmein",
    "letmein123",
    "letmeinletmein",
    "liverpool",
    "login",
    "looking",
    "love",
    "lovely",
    "loveme",
    "maggie",
    "master",
    "matrix",
    "matthew",
    "merlin",
    "michael",
    "michelle",
    "monkey",
    "monkey123",
    "mustang",
    "myspace1",
    "mypassword",
    "nicole",
    "ninja",
    "nothing",
    "p@ssw0rd",
    "p@ssw0rd123",
    "p@ssword",
    "pass",
    "pass1234",
    "passw0rd",
    "passw0rd123",
    "passw0rd1234",
    "password",
    "password!",
    "password01",
    "password1",
    "password12",
    "password123",
    "password1234",
    "password12345",
    "password123456",
    "password2",
    "password2024",
    "password2025",
    "password3",
    "passwordpassword",
    "pepper",
    "princess",
    "purple",
    "qazwsx",
    "qazwsxedc",
    "qazwsxedcrfv",
    "qwe123",
    "qweasd",
    "qweasdzxc",
    "qwer1234",
    "qwert",
    "qwerty",
    "qwerty1",
    "qwerty12",
    "qwerty123",
    "qwerty1234",
    "qwerty12345",
    "qwerty123456",
    "qwertyqwerty",
    "qwertyu",
    "qwertyui",
    "qwertyuiop",
    "qwertyuiop123",
    "qwertyuiopasdfghjkl",
    "ranger",
    "robert",
    "rockyou",
    "samsung",
    "secret",
    "secret123",
    "shadow",
    "soccer",
    "spiderman",
    "starwars",
    "summer",
    "summer2024",
    "sunshine",
    "superman",
    "superman123",
    "taylor",
    "test",
    "test123",
    "test1234",
    "testing",
    "testing123",
    "thomas",
    "tigger",
    "trustno1",
    "trustno1trustno1",
    "welcome",
    "welcome1",
    "welcome123",
    "welcome1234",
    "welcome12345",
    "whatever",
    "william",
    "winter",
    "winter2024",
    "xxxxxx",
    "yankees",
    "zaq12wsx",
    "zaq1zaq1",
    "zaq1xsw2cde3",
    "zxcvbn",
    "zxcvbnm",
    "zxcvbnm123",
    "zxcvbnm12345",
    "zxcvbnmasdfghjkl",
    "1234qwer",
    "1234qwerasdf",
    "1234qwerasdfzxcv",
    "q1w2e3r4",
    "q1w2e3r4t5",
    "q1w2e3r4t5y6",
    "iloveyou2",
    "princess1",
    "sunshine1",
    "sunshine123",
    "football123",
    "baseball123",
    "monkey1234",
    "dragon123",
    "master123",
    "shadow123",
    "michael123",
    "qwertyasdfgh",
    "asdfghjklqwe",
    "mississippi",
    "missouri",
    "missouricourts",
    "courtpassword",
    "lawyer",
    "attorney",
    "attorney123",
    "justice123",
    "letmein1234",
    "opensesame",
    "whatever123",
    "starwars123",
    "pokemon",
    "minecraft",
    "minecraft123",
    "123abc",
    "abc123456",
    "abc123456789",
    "11223344",
    "1122334455",
    "112233445566",
    "12341234",
    "123451234512345",
    "0987654321",
    "098765432112",
    "123698745",
    "147258369",
    "159753",
    "159357",
    "741852963",
    "789456123",
    "789456",
};

/* 1 when pw (ignoring case) is on the built-in list. */
int mc_policy_is_common(const char *pw)
{
    size_t i;

    if (pw == NULL)
        return 0;
    for (i = 0; i < sizeof(common_passwords) / sizeof(common_passwords[0]); i++)
        if (strcasecmp(pw, common_passwords[i]) == 0)
            return 1;
    return 0;
}

/* "court" or "strict" (ignoring case); -1 otherwise. */
int mc_policy_parse(const char *name)
{
    if (name == NULL)
        return -1;
    if (strcasecmp(name, "court") == 0)
        return MC_POLICY_COURT;
    if (strcasecmp(name, "strict") == 0)
        return MC_POLICY_STRICT;
    return -1;
}

/* A static sentence describing the preset. */
const char *mc_policy_describe(mc_policy_preset preset)
{
    if (preset == MC_POLICY_STRICT)
        return "Your password must be at least 12 characters long and must not be a "
               "commonly used password, a dictionary word, a simple pattern or contain your "
               "username. Long passphrases are welcome.";
    return "Your password must be at least 8 characters long and contain an upper-case "
           "letter, a lower-case letter and a digit. It must not be your username.";
}

/* libpwquality's settings for the strict preset: none of its composition
 * rules (no credits, no classes; our length rule came first), its
 * dictionary check (cracklib: words, mangled and reversed ones, too few
 * different characters, too systematic), the username check, a palindrome,
 * a character repeated more than PWQ_REPEAT times running, a run in order
 * (abcdef, 654321) longer than PWQ_SEQUENCE. The system's
 * /etc/security/pwquality.conf is not read: the site's policy is this. */
#define PWQ_REPEAT 4
#define PWQ_SEQUENCE 5

/* pwquality_check's verdict for cracklib (its own words in aux) as our
 * sentence. */
static const struct {
    const char *aux, *text;
} CRACKLIB_TEXT[] = {
    {"dictionary word",
     "Your password is based on a dictionary word (even with letters changed to digits or "
     "symbols, or written backwards). Please choose another, for example several unrelated "
     "words together."},
    {"DIFFERENT characters",
     "Your password uses too few different characters. Please choose another."},
    {"simplistic", "Your password follows a simple pattern. Please choose another."},
    {"whitespace", "Your password must not be only spaces."},
    {"username", "Your password must not contain your username, forwards or backwards."},
    {"password entry", "Your password must not contain your username, forwards or backwards."},
    {"Insurance number", "Your password looks like an identification number. Please choose "
                         "another."},
    {NULL, NULL}};

static const char MSG_GUESSABLE[] = "Your password is too easy to guess. Please choose another.";

/* One check at a time: cracklib's lookups are not documented as thread-safe
 * (and the mutex costs nothing next to hashing a password). */
static pthread_mutex_t pwq_lock = PTHREAD_MUTEX_INITIALIZER;

static int pwq_run(const char *pw, const char *username, int dict, const char **aux_out)
{
    pwquality_settings_t *pwq = pwquality_default_settings();
    void *aux = NULL;
    int rc;
    static const int ints[][2] = {
        {PWQ_SETTING_MIN_LENGTH, 6},          {PWQ_SETTING_DIG_CREDIT, 0},
        {PWQ_SETTING_UP_CREDIT, 0},           {PWQ_SETTING_LOW_CREDIT, 0},
        {PWQ_SETTING_OTH_CREDIT, 0},          {PWQ_SETTING_MIN_CLASS, 0},
        {PWQ_SETTING_MAX_CLASS_REPEAT, 0},    {PWQ_SETTING_GECOS_CHECK, 0},
        {PWQ_SETTING_USER_CHECK, 1},          {PWQ_SETTING_USER_SUBSTR, 0},
        {PWQ_SETTING_MAX_REPEAT, PWQ_REPEAT}, {PWQ_SETTING_MAX_SEQUENCE, PWQ_SEQUENCE}};
    size_t i;
    *aux_out = NULL;
    if (!pwq)
        return PWQ_ERROR_MEM_ALLOC;
    for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
        pwquality_set_int_value(pwq, ints[i][0], ints[i][1]);
    pwquality_set_int_value(pwq, PWQ_SETTING_DICT_CHECK, dict);
    rc = pwquality_check(pwq, pw, NULL, username && *username ? username : NULL, &aux);
    if (rc == PWQ_ERROR_CRACKLIB_CHECK)
        *aux_out = aux; /* cracklib's static text */
    pwquality_free_settings(pwq);
    return rc;
}

const char *mc_policy_pwquality(const char *pw, const char *username)
{
    const char *aux;
    int rc, i;
    if (!pw[strspn(pw, " \t")]) /* (libpwquality would call it a palindrome) */
        return "Your password must not be only spaces.";
    pthread_mutex_lock(&pwq_lock);
    rc = pwq_run(pw, username, 1, &aux);
    /* No dictionary installed (cracklib-runtime's, built by update-cracklib;
     * cracklib says so on standard error, which is httpd's error log): the
     * pattern and username checks still apply. */
    if (rc == PWQ_ERROR_CRACKLIB_CHECK && aux && strstr(aux, "loading dictionary"))
        rc = pwq_run(pw, username, 0, &aux);
    pthread_mutex_unlock(&pwq_lock);
    if (rc >= 0)
        return NULL;
    switch (rc) {
    case PWQ_ERROR_CRACKLIB_CHECK:
        for (i = 0; aux && CRACKLIB_TEXT[i].aux; i++)
            if (strstr(aux, CRACKLIB_TEXT[i].aux))
                return CRACKLIB_TEXT[i].text;
        return MSG_GUESSABLE;
    case PWQ_ERROR_USER_CHECK:
        return "Your password must not contain your username, forwards or backwards.";
    case PWQ_ERROR_PALINDROME:
        return "Your password must not read the same backwards as forwards.";
    case PWQ_ERROR_MAX_CONSECUTIVE:
        return "Your password must not repeat one character more than 4 times in a row.";
    case PWQ_ERROR_MAX_SEQUENCE:
        return "Your password must not contain more than 5 characters in sequence, such as "
               "abcdef or 654321.";
    case PWQ_ERROR_MEM_ALLOC:
    case PWQ_ERROR_FATAL_FAILURE:
        return "Your password could not be checked just now. Please try again.";
    default:
        return MSG_GUESSABLE;
    }
}

/* NULL when pw meets the preset, else a static sentence for the user. The
 * byte limit is checked first, so nothing longer is ever examined further. */
const char *mc_policy_check(mc_policy_preset preset, const char *pw, const char *username)
{
    size_t chars;
    int upper = 0, lower = 0, digit = 0;
    const char *s;

    if (pw == NULL || *pw == '\0')
        return "Please enter a password.";
    if (strnlen(pw, MC_PASSWORD_MAX_BYTES + 1) > MC_PASSWORD_MAX_BYTES)
        return "Your password must not be longer than 1024 characters.";
    chars = mc_text_chars(pw);
    if (preset == MC_POLICY_STRICT) {
        if (chars < STRICT_MIN_CHARS)
            return "Your password must be at least 12 characters long.";
    }
    else if (chars < COURT_MIN_CHARS) {
        return "Your password must be at least 8 characters long.";
    }
    if (username != NULL && *username != '\0' && strcasecmp(pw, username) == 0)
        return "Your password must not be the same as your username.";
    if (preset == MC_POLICY_STRICT) {
        if (mc_policy_is_common(pw))
            return "This password is too common and easy to guess. Please choose another.";
        return mc_policy_pwquality(pw, username);
    }
    for (s = pw; *s; s++) {
        upper |= (*s >= 'A' && *s <= 'Z');
        lower |= (*s >= 'a' && *s <= 'z');
        digit |= (*s >= '0' && *s <= '9');
    }
    if (!upper)
        return "Your password must contain an upper-case letter (A-Z).";
    if (!lower)
        return "Your password must contain a lower-case letter (a-z).";
    if (!digit)
        return "Your password must contain a digit (0-9).";
    return NULL;
}
