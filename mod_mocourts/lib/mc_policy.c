/* mc_policy.c: the court and strict password presets and the built-in list of
 * common/breached passwords. Lengths count characters (UTF-8 code points);
 * the upper bound counts bytes, as MC_PASSWORD_MAX_BYTES does. */
#include "mc_policy.h"
#include "mc_crypto.h"
#include "mc_form.h"

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
               "commonly used password or your username. Long passphrases are welcome.";
    return "Your password must be at least 8 characters long and contain an upper-case "
           "letter, a lower-case letter and a digit. It must not be your username.";
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
        return NULL;
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
