"""Every field of "Create an account" and of My Account at its maximum
length and one character over (issue 11, item 9): the maximum is accepted
and stored whole; one over is refused where it is entered, with a sentence
naming the field, the other values kept in the form, and never a 500
("Data too long"). Lengths are characters (UTF-8), as the utf8mb4 columns
count them: the values mix two-byte and four-byte characters, so a check
counting bytes would refuse the maximum."""
import html as htmllib
import re

from harness import web
from helpers_core import NO_DEVICE, location, logon, module_site, path_of
from test_reg_signup import (_account, _address, _credentials, _name, _name_step, _person,
                             _questions, _start, _url)

CLEF = "\U0001D11E"   # four bytes in UTF-8, two UTF-16 units: one character


def text(n, tag=""):
    """n characters: a four-byte one, then two-byte ones, ending with tag."""
    assert n > len(tag)
    return (CLEF + "\u00e9" * n)[:n - len(tag)] + tag


def phone(n):
    """A valid phone number (11 digits) of exactly n characters."""
    base = "(573) 526-8842"
    return base + " " * (n - len(base) - 1) + "1"


def email(n):
    """A valid ASCII address of exactly n characters."""
    local = "u" * 64
    rest = n - len(local) - 1 - len(".test")
    labels, left = [], rest
    while left > 0:
        take = min(63, left)
        if left - take == 1:   # no empty label
            take -= 1
        labels.append("d" * take)
        left -= take + 1
    domain = ".".join(labels)[:rest] + ".test"
    out = f"{local}@{domain}"
    assert len(out) == n, len(out)
    return out


def fields_of(html, with_field):
    return web.find_form(html, with_field=with_field)["fields"]


def maxlength(html, name):
    """The maxlength attribute of the input named name (None without)."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag:
            m = re.search(r'maxlength="(\d+)"', tag)
            return int(m.group(1)) if m else None
    raise AssertionError(f"no input {name}")


def plain(html):
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def refused(r, sentence, sent, with_field, skip=()):
    """r answered 200 with sentence, every other value sent kept in the form."""
    assert r.status_code == 200, (r.status_code, plain(r.text)[:1500])
    assert sentence in plain(r.text), f"{sentence!r} not in:\n{plain(r.text)[:3000]}"
    kept = fields_of(r.text, with_field)
    for name, value in sent.items():
        if value and name not in skip and \
                not name.startswith(("password", "verify_password", "current")):
            assert kept.get(name) == value, (name, kept.get(name), value)


# ---- Create an account -------------------------------------------------------------------

NAME_MAX = {"first_name": (100, "First Name"), "middle_name": (100, "Middle Name/Initial"),
            "last_name": (100, "Last Name"), "suffix": (20, "Suffix")}
ADDRESS_MAX = {"line1": (200, "Line 1"), "line2": (200, "Line 2"), "city": (100, "City"),
               "state": (50, "State"), "zip": (20, "ZIP Code"), "country": (60, "Country")}
PREFIX = {"mail": "Mailing Address", "bill": "Billing Address"}


def address_at_max():
    f = {}
    for part in ("mail", "bill"):
        for key, (n, _) in ADDRESS_MAX.items():
            f[f"{part}_{key}"] = text(n, part[0])
    f.update(bill_same="", business_phone=phone(30), cell_phone=phone(30))
    return f


def test_signup_each_field_at_max_and_one_over(apache, http, mariadb):
    p = _person(first_name=text(100, "F"), middle_name=text(100, "M"),
                last_name=text(100, "L"), suffix=text(20, "S"), email=email(254),
                a=(text(100, "1"), text(100, "2"), text(100, "3")))
    page = _start(http, apache)
    # Username: 30 characters at most.
    r = _credentials(http, page, p, username="u" + "x" * 30)
    assert path_of(r.url) == "/registration/create/credentials"
    assert "Username: it must be 6 to 30 characters long." in plain(r.text)
    r = _credentials(http, r, p, username=(p.username + "x" * 30)[:30])
    p.username = (p.username + "x" * 30)[:30]
    assert path_of(r.url) == "/registration/create/name", plain(r.text)[:2000]

    # Names and e-mail address.
    at_max = {"first_name": p.first_name, "middle_name": p.middle_name,
              "last_name": p.last_name, "suffix": p.suffix, "email": p.email,
              "email2": p.email}
    for name, (n, label) in NAME_MAX.items():
        sent = dict(at_max, **{name: text(n + 1, "+")})
        r = _name_step(http, r, p, **sent)
        refused(r, f"{label}: at most {n} characters.", sent, "first_name")
    sent = dict(at_max, email=email(255), email2=email(255))
    r = _name_step(http, r, p, **sent)
    refused(r, "E-mail Address: at most 254 characters.", sent, "first_name")
    r = _name_step(http, r, p, **at_max)
    assert path_of(r.url) == "/registration/create/address", plain(r.text)[:2000]

    # Addresses (another country: the ZIP code is free text) and phones.
    at_max = address_at_max()
    for part in ("mail", "bill"):
        for key, (n, label) in ADDRESS_MAX.items():
            name = f"{part}_{key}"
            sent = dict(at_max, **{name: text(n + 1, "+")})
            r = _address(http, r, p, **sent)
            refused(r, f"{PREFIX[part]} {label}: at most {n} characters.", sent, "mail_line1")
    for name, label in (("business_phone", "Business Phone"), ("cell_phone", "Cell Phone")):
        sent = dict(at_max, **{name: phone(31)})
        r = _address(http, r, p, **sent)
        refused(r, f"{label}: at most 30 characters.", sent, "mail_line1")
    r = _address(http, r, p, **at_max)
    assert path_of(r.url) == "/registration/create/questions", plain(r.text)[:2000]

    # Security answers: checked before the last step hashes them.
    for i in range(3):
        over = {f"a{i + 1}": text(101, str(i)), f"v{i + 1}": text(101, str(i))}
        r = _questions(http, r, p, **over)
        assert path_of(r.url) == "/registration/create/questions"
        refused(r, f"Answer {i + 1}: at most 100 characters.", over, "a1")
    r = _questions(http, r, p)
    assert path_of(r.url) == "/registration/create/done", plain(r.text)[:2000]

    # Everything at its maximum was stored whole.
    aid = _account(mariadb, p.username)[0]
    got = mariadb.sql("SELECT a.first_name, a.last_name, a.email, p.middle_name, p.suffix, "
                      "p.mail_line1, p.mail_line2, p.mail_city, p.mail_state, p.mail_zip, "
                      "p.mail_country, p.bill_city, p.bill_zip, p.business_phone, "
                      "p.cell_phone FROM mc_account a JOIN mc_reg_profile p ON p.account_id = "
                      f"a.id WHERE a.id = {aid}")[0]
    assert list(got) == [p.first_name, p.last_name, p.email, p.middle_name, p.suffix,
                         at_max["mail_line1"], at_max["mail_line2"], at_max["mail_city"],
                         at_max["mail_state"], at_max["mail_zip"], at_max["mail_country"],
                         at_max["bill_city"], at_max["bill_zip"], phone(30), phone(30)]


def test_signup_mobar_at_max_and_one_over(apache, http):
    page = http.get(_url(apache, "/create"), timeout=30)
    r = web.submit(http, page, {"mobar": "1" * 11}, with_field="mobar", timeout=30)
    assert path_of(r.url) == "/registration/create"
    assert "MOBAR Number: at most 10 digits." in plain(r.text)
    assert fields_of(r.text, "mobar")["mobar"] == "1" * 11
    r = web.submit(http, r, {"mobar": "1" * 10}, with_field="mobar", timeout=30)
    assert path_of(r.url) == "/registration/create/credentials"


def test_signup_form_maxlength_attributes(apache, http):
    """The pages say the same limits as the checks (maxlength)."""
    p = _person(username=_name())
    r = _credentials(http, _start(http, apache), p)
    want = {"first_name": 100, "middle_name": 100, "last_name": 100, "suffix": 20,
            "email": 254, "email2": 254}
    for name, n in want.items():
        assert maxlength(r.text, name) == n, name
    r = _name_step(http, r, p)
    for part in ("mail", "bill"):
        for key, (n, _) in ADDRESS_MAX.items():
            assert maxlength(r.text, f"{part}_{key}") == n, key
    for name in ("business_phone", "cell_phone"):
        assert maxlength(r.text, name) == 30, name
    r = _address(http, r, p)
    for i in (1, 2, 3):
        assert maxlength(r.text, f"a{i}") == maxlength(r.text, f"v{i}") == 100


# ---- My Account --------------------------------------------------------------------------

ap = module_site("reglen", NO_DEVICE)


def submit(s, ap, path, fields, with_field):
    page = s.get(ap.url("/registration" + path), timeout=30)
    assert page.status_code == 200, page.status_code
    return web.submit(s, page, fields, action_contains=path, with_field=with_field,
                      allow_redirects=False, timeout=60)


def saved(r, done):
    assert r.status_code == 303, (r.status_code, plain(r.text)[:2000])
    assert location(r).endswith("/registration/myaccount?updated=" + done), location(r)


def test_my_account_each_field_at_max_and_one_over(ap, new_account, mariadb):
    acct = new_account(prefix="lenacct")
    s = web.new_session()
    logon(s, ap, acct.username, acct.password)

    # Name.
    at_max = {name: text(n, name[0].upper()) for name, (n, _) in NAME_MAX.items()}
    for name, (n, label) in NAME_MAX.items():
        sent = dict(at_max, **{name: text(n + 1, "+")})
        r = submit(s, ap, "/myaccount/name", sent, "first_name")
        refused(r, f"{label}: at most {n} characters.", sent, "first_name")
    saved(submit(s, ap, "/myaccount/name", at_max, "first_name"), "name")
    assert mariadb.sql("SELECT a.first_name, p.middle_name, a.last_name, p.suffix FROM "
                       "mc_account a JOIN mc_reg_profile p ON p.account_id = a.id WHERE a.id = "
                       f"{acct.id}")[0] == tuple(at_max[k] for k in NAME_MAX)

    # Firm.
    r = submit(s, ap, "/myaccount/firm", {"firm": text(201, "+")}, "firm")
    refused(r, "Firm/Organization Name: at most 200 characters.", {"firm": text(201, "+")},
            "firm")
    saved(submit(s, ap, "/myaccount/firm", {"firm": text(200, "F")}, "firm"), "firm")
    assert mariadb.value(f"SELECT firm FROM mc_reg_profile WHERE account_id = {acct.id}") \
        == text(200, "F")

    # Addresses.
    at_max = address_at_max()
    del at_max["bill_same"], at_max["business_phone"], at_max["cell_phone"]
    for part in ("mail", "bill"):
        for key, (n, label) in ADDRESS_MAX.items():
            name = f"{part}_{key}"
            sent = dict(at_max, **{name: text(n + 1, "+")})
            r = submit(s, ap, "/myaccount/address", sent, "mail_line1")
            refused(r, f"{PREFIX[part]} {label}: at most {n} characters.", sent, "mail_line1")
    saved(submit(s, ap, "/myaccount/address", at_max, "mail_line1"), "address")
    assert mariadb.sql("SELECT mail_state, mail_zip, mail_city, bill_country FROM "
                       f"mc_reg_profile WHERE account_id = {acct.id}")[0] == \
        (at_max["mail_state"], at_max["mail_zip"], at_max["mail_city"], at_max["bill_country"])

    # Phones.
    at_max = {"business_phone": phone(30), "cell_phone": phone(30)}
    for name, label in (("business_phone", "Business Phone"), ("cell_phone", "Cell Phone")):
        sent = dict(at_max, **{name: phone(31)})
        r = submit(s, ap, "/myaccount/phones", sent, "business_phone")
        refused(r, f"{label}: at most 30 characters.", sent, "business_phone")
    saved(submit(s, ap, "/myaccount/phones", at_max, "business_phone"), "phones")

    # Security answers.
    def answers(over=None):
        f = {"current_password": acct.password}
        for i in range(3):
            a = text(101 if over == i else 100, str(i))
            f.update({f"question{i + 1}": str(i), f"answer{i + 1}": a, f"verify{i + 1}": a})
        return f
    for i in range(3):
        sent = answers(i)
        r = submit(s, ap, "/myaccount/questions", sent, "answer1")
        refused(r, f"Answer {i + 1}: at most 100 characters.", sent, "answer1",
                skip=[f"question{k}" for k in (1, 2, 3)])
    saved(submit(s, ap, "/myaccount/questions", answers(), "answer1"), "questions")

    # E-mail address (the change waits for its link; the address is stored).
    over = {"new_email": email(255), "verify_email": email(255),
            "current_password": acct.password}
    r = submit(s, ap, "/myaccount/email", over, "new_email")
    refused(r, "New E-mail Address: at most 254 characters.", over, "new_email")
    saved(submit(s, ap, "/myaccount/email", dict(over, new_email=email(254),
                                                 verify_email=email(254)), "new_email"),
          "email-sent")
    assert mariadb.value("SELECT new_email FROM mc_reg_email_change WHERE account_id = "
                         f"{acct.id}") == email(254)

    # MOBAR number: 10 digits, checked against the roster.
    number = "9" + str(acct.id).zfill(9)[-9:]
    mariadb.sql("INSERT INTO mc_bar_roster (bar_number, last_name, first_name, status) VALUES "
                f"('{number}', '{text(100, 'L')}', 'Pat', 'Active')")
    r = submit(s, ap, "/myaccount/mobar", {"mobar_number": number + "1"}, "mobar_number")
    refused(r, "MOBAR Number: at most 10 digits.", {"mobar_number": number + "1"},
            "mobar_number")
    saved(submit(s, ap, "/myaccount/mobar", {"mobar_number": number}, "mobar_number"), "mobar")


def test_my_account_forms_say_their_maxlength(ap, new_account):
    acct = new_account(prefix="lenform")
    s = web.new_session()
    logon(s, ap, acct.username, acct.password)
    want = {"/myaccount/name": {"first_name": 100, "middle_name": 100, "last_name": 100,
                                "suffix": 20},
            "/myaccount/firm": {"firm": 200},
            "/myaccount/phones": {"business_phone": 30, "cell_phone": 30},
            "/myaccount/email": {"new_email": 254, "verify_email": 254},
            "/myaccount/address": {f"{part}_{k}": n for part in ("mail", "bill")
                                   for k, (n, _) in ADDRESS_MAX.items()},
            "/myaccount/questions": {f"{w}{i}": 100 for w in ("answer", "verify")
                                     for i in (1, 2, 3)}}
    for path, fields in want.items():
        page = s.get(ap.url("/registration" + path), timeout=30).text
        for name, n in fields.items():
            assert maxlength(page, name) == n, (path, name)
