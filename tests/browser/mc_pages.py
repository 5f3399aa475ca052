"""What a person does on the module's pages, through a WebDriver: find a
field by the text of its <label>, a button by its text, submit and wait for
the next page; read the heading, the messages, the e-mailed code.

All waits are explicit (WebDriverWait), none longer than WAIT seconds.
"""
import re
import time
from pathlib import Path
from urllib.parse import urlparse

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from harness import util
import page_checks

WAIT = 20                       # seconds for a page to come
MAIL_WAIT = 30                  # seconds for the outbox to deliver a code
ARTIFACTS = util.REPO / "tests" / "artifacts"
VERSION = (util.REPO / "VERSION").read_text().strip()

LOGON = "/account/logon"
MSG_BAD = ("The username or password you entered is incorrect, or the account is locked "
           "because of too many failed logon attempts. A locked account can be used again "
           "after 30 minutes, or the court's Help Desk can unlock it.")
MSG_RESET = "Password has been successfully reset"
MSG_LOGGED_OFF = "You have logged off."
MSG_MISMATCH = "The new password and its verification do not match."
CODE_SUBJECT = "Your verification code"
CODE_RE = re.compile(r"Your verification code is: (\d{6})")


def wait(driver, timeout=WAIT):
    return WebDriverWait(driver, timeout, poll_frequency=0.1,
                         ignored_exceptions=(StaleElementReferenceException,))


# Each helper below asks the browser once (one script) where a lookup by
# WebDriver commands would take five or six: every command costs Chromium
# about 20 ms of CPU, and the suite's browsers are its biggest CPU cost.
# The scripts keep the checks' meaning: XPath normalize-space (XML white
# space only), Selenium's "displayed" (a box on the page, not hidden, not
# transparent) and "enabled" (not :disabled, fieldsets included).
_JS_HELPERS = """
var ws = /[ \\t\\r\\n]+/g;
function norm(s) { return s.replace(ws, ' ').replace(/^ | $/g, ''); }
function shown(el) {
    var st = getComputedStyle(el);
    return el.getClientRects().length > 0 && st.visibility !== 'hidden' && st.opacity !== '0';
}
"""

_FIELD_JS = _JS_HELPERS + """
var text = arguments[0];
var labels = Array.prototype.filter.call(document.getElementsByTagName('label'),
    function (l) { return norm(l.textContent) === text; });
if (labels.length !== 1) return {labels: labels.length};
var id = labels[0].getAttribute('for');
var el = id ? document.getElementById(id) : null;
if (!el) return {labels: 1, for: id};
return {labels: 1, for: id, el: el, tag: el.tagName.toLowerCase(), shown: shown(el),
        enabled: !el.matches(':disabled'), empty: !('value' in el) || el.value === ''};
"""


def _field(driver, label_text):
    f = driver.execute_script(_FIELD_JS, label_text)
    assert f["labels"] == 1, (f"expected one <label> {label_text!r}, found {f['labels']} on "
                              f"{driver.current_url}:\n{page_text(driver)}")
    assert f["for"], f"<label> {label_text!r} has no `for` attribute"
    assert "el" in f, (f"<label> {label_text!r} points at id {f['for']!r}, "
                       "which is not on the page")
    assert f["tag"] in ("input", "select", "textarea"), \
        f"<label> {label_text!r} points at a <{f['tag']}>"
    assert f["shown"] and f["enabled"], \
        f"the field labelled {label_text!r} is hidden or disabled"
    return f


def field(driver, label_text):
    """The form control a person finds by its label: the one <label> whose
    text is label_text, then the element its `for` names. Asserts the label
    is unique, has a `for`, and points at a visible, enabled control."""
    return _field(driver, label_text)["el"]


_BUTTONS_JS = _JS_HELPERS + """
var text = arguments[0];
return Array.prototype.filter.call(document.getElementsByTagName('button'),
    function (b) { return norm(b.textContent) === text && shown(b); });
"""


def button(driver, text):
    """The one visible <button> whose text is `text`."""
    found = driver.execute_script(_BUTTONS_JS, text)
    assert len(found) == 1, (f"expected one visible button {text!r}, found {len(found)} on "
                             f"{driver.current_url}")
    return found[0]


def type_into(driver, label_text, text):
    f = _field(driver, label_text)
    el = f["el"]
    if not f["empty"]:
        el.clear()
    el.send_keys(text)
    return el


# The page's <html> element is marked (a script property, not an attribute)
# before the action; the next page's, a new document's or one a script put
# in place, has no mark.
_MARK_JS = "document.documentElement.mcLeaving = true;"
# Waits in the page (no WebDriver command per try: polling by commands cost
# more CPU than the pages themselves) until it is the next one, or until
# arguments[0] ms have passed; an unload on the way ends the script with an
# error, and the caller asks the next document.
_ARRIVED_JS = """
var done = arguments[arguments.length - 1], until = Date.now() + arguments[0];
function arrived() {
    return !document.documentElement.mcLeaving && document.readyState !== 'loading'
        && !!document.querySelector('main h1') && !!document.querySelector('footer.site');
}
(function check() {
    if (arrived()) done(true);
    else if (Date.now() >= until) done(false);
    else setTimeout(check, 25);
})();
"""


def leaves_page(driver, action):
    """Do action() (a click, a key press) and wait until the browser has
    loaded the next page: a new <html> element (the mark set on the old
    one is gone) with its <h1> and footer there. While the browser is
    between documents, ChromeDriver may answer with transient errors
    (stale element, "unhandled inspector error: Cannot find context",
    "document unloaded while waiting for result"): those mean "not yet"."""
    driver.execute_script(_MARK_JS)
    action()
    end = time.monotonic() + WAIT
    while True:
        left = end - time.monotonic()
        assert left > 0, f"no new page within {WAIT}s after leaving {driver.current_url}"
        try:
            if driver.execute_async_script(_ARRIVED_JS, int(left * 1000)):
                break
        except WebDriverException:
            time.sleep(0.05)       # between documents: ask the next one
    page_checks.check(driver)


def click(driver, button_text):
    b = button(driver, button_text)
    leaves_page(driver, b.click)


def path(driver):
    return urlparse(driver.current_url).path


def heading(driver):
    return driver.find_element(By.CSS_SELECTOR, "main h1").text.strip()


def page_text(driver):
    return driver.find_element(By.TAG_NAME, "body").text


def errors(driver):
    return [e.text.strip() for e in driver.find_elements(By.CSS_SELECTOR, "main .error")
            if e.is_displayed()]


def notices(driver):
    return [e.text.strip() for e in driver.find_elements(By.CSS_SELECTOR, "main .notice")
            if e.is_displayed()]


def open_page(driver, url):
    driver.get(url)
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "main h1")))
    page_checks.check(driver)


_ON_JS = """
var h = document.querySelector('main h1');
return [location.href, h ? h.innerText.trim() : null, document.title];
"""


def assert_on(driver, path_, title):
    """The browser shows page path_ with heading (and <title>) title: asked
    in one script, and only when that differs, command by command for the
    message."""
    url, h1, doc_title = driver.execute_script(_ON_JS)
    if urlparse(url).path == path_ and h1 == title and doc_title == title:
        return
    assert path(driver) == path_, (f"expected {path_}, the browser is on {driver.current_url} "
                                   f"({heading(driver)!r}):\n{page_text(driver)}")
    assert heading(driver) == title, f"heading {heading(driver)!r}, expected {title!r}"
    assert driver.title == title, f"<title> {driver.title!r}, expected {title!r}"


def assert_layout(driver, username=None):
    """The common layout: header with the court's name, footer with the
    links to Help, Contact, Privacy and Accessibility and the
    version (seed 000's "Registration Version x.y.z" on the registration
    pages, "mod_mocourts x.y.z" elsewhere); 'Logged on as' and a Logoff
    button once logged on."""
    header = driver.find_element(By.CSS_SELECTOR, "header.site")
    assert header.is_displayed()
    assert "Test Circuit Court" in header.text, header.text
    links = [a.text.strip() for a in driver.find_elements(By.CSS_SELECTOR, "footer.site nav a")]
    assert links == ["Help", "Contact", "Privacy", "Accessibility"], links
    footer = driver.find_element(By.CSS_SELECTOR, "footer.site .version").text.strip()
    if path(driver).startswith("/registration/"):
        assert re.fullmatch(r"Registration Version \d+(\.\d+)+", footer), footer
    else:
        assert footer == f"mod_mocourts {VERSION}", footer
    if username:
        assert f"Logged on as {username}" in header.text, header.text
        assert button(driver, "Logoff")
    else:
        assert "Logged on as" not in header.text, header.text


# Each visible check box and radio button with the first line box of its
# <label> (getClientRects()[0]; the label may wrap), in viewport coordinates.
_CHECK_BOXES_JS = """
var out = [];
document.querySelectorAll('input[type=checkbox], input[type=radio]').forEach(function (el) {
    var b = el.getBoundingClientRect();
    if (!b.width || !b.height || getComputedStyle(el).visibility === 'hidden') return;
    var labels = Array.prototype.slice.call(el.labels || []).map(function (l) {
        var r = l.getClientRects()[0] || l.getBoundingClientRect();
        return {text: l.textContent.replace(/\\s+/g, ' ').trim(), top: r.top, bottom: r.bottom,
                left: r.left, right: r.right, wraps: l.contains(el)};
    });
    out.push({what: el.type + ' ' + (el.id || el.name), aria: el.getAttribute('aria-label'),
              top: b.top, bottom: b.bottom, left: b.left, right: b.right, labels: labels});
});
return out;
"""


def check_labels_beside_boxes(driver):
    """Every visible check box and radio button on the page has its <label>
    on the same line and to its right: the label's (first) line box
    overlaps the box's vertical range and starts at or after its right
    edge. A box with no <label> must have an aria-label (a table column
    names it). Returns how many boxes were checked; AssertionError listing
    every one that is not so."""
    bad, n = [], 0
    for box in driver.execute_script(_CHECK_BOXES_JS):
        if not box["labels"]:
            if not box["aria"]:
                bad.append(f"{box['what']}: no <label> and no aria-label")
            continue
        n += 1
        for lab in box["labels"]:
            where = (f"{box['what']} {lab['text']!r}: box y {box['top']:.0f}-{box['bottom']:.0f} "
                     f"x {box['left']:.0f}-{box['right']:.0f}, label y {lab['top']:.0f}-"
                     f"{lab['bottom']:.0f} x {lab['left']:.0f}")
            if lab["wraps"]:
                bad.append(f"{where}: the label wraps the box (give it a `for` instead)")
            elif not (lab["top"] < box["bottom"] and box["top"] < lab["bottom"]):
                bad.append(f"{where}: not on the box's line")
            elif lab["left"] < box["right"] - 0.5:
                bad.append(f"{where}: not to the right of the box")
    assert not bad, f"on {driver.current_url}:\n" + "\n".join(bad)
    return n


def stylesheet_applied(driver):
    """True when site.css was loaded: the header is the court's blue."""
    bg = driver.find_element(By.CSS_SELECTOR, "header.site").value_of_css_property(
        "background-color")
    return bg.replace(" ", "") in ("rgba(0,69,124,1)", "rgb(0,69,124)")


def device_code(smtp, email):
    """The code of the last 'Your verification code' e-mail to email."""
    smtp.wait_for(to=email, subject=CODE_SUBJECT, timeout=MAIL_WAIT)
    mail = smtp.find(to=email, subject=CODE_SUBJECT)[-1]
    m = CODE_RE.search(mail.body)
    assert m, f"no code in the e-mail:\n{mail.body}"
    return m.group(1)


def screenshot(driver, name):
    """Save a full-window PNG under tests/artifacts/ (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = Path(ARTIFACTS) / name
    assert driver.save_screenshot(str(out)), f"screenshot {out} not saved"
    return out
