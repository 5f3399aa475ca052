"""Configuration errors are caught at configtest (`apache2 -t`), with a
sentence naming the directive, and the file and line for a template; only
what needs the database is left to the start."""
import os
import re
import secrets

import pytest
import requests

from harness import util
from harness.apache import ApacheError
from helpers_core import _PROBE_SO, complete_conf


BAD_VALUES = [
    ("MoCourtsDBPort", "70000", "outside 1..65535"),
    ("MoCourtsDBPort", "abc", "not a whole number"),
    ("MoCourtsSessionIdle", "soon", None),
    ("MoCourtsSessionMax", "0s", None),
    ("MoCourtsPasswordPolicy", "lax", "is not a preset"),
    ("MoCourtsPasswordCost", "ops=0", None),
    ("MoCourtsPasswordCost", "ops=0,mem=8M", "ops is outside"),
    ("MoCourtsBaseURL", "ftp://x", "scheme must be https"),
    ("MoCourtsBaseURL", "courts.example.gov", None),
    ("MoCourtsLockout", "0 30m", "outside 1..1000"),
    ("MoCourtsLockout", "5 never", None),
    ("MoCourtsSessionCookie", '"bad;name"', "a cookie name may hold only"),
    ("MoCourtsTemplates", '"/nonexistent"', "'/nonexistent' does not exist"),
    ("MoCourtsMailFrom", "notanaddress", "not an e-mail address"),
    ("MoCourtsDBPoolMax", "0", "outside 1..1000"),
    ("MoCourtsSessionCache", "nosuchcache", "no socache provider 'nosuchcache'"),
]


def _configtest_fails(ap, *needles):
    """configtest refuses ap's configuration, saying each of needles."""
    rc, out = ap.configtest()
    assert rc != 0, out
    assert "Syntax OK" not in out, out
    for needle in needles:
        assert needle in out, out
    return out


def _extra_conf_fails(make_apache, extra_conf, *needles):
    return _configtest_fails(make_apache(start=False, extra_conf=extra_conf), *needles)


@pytest.mark.parametrize("directive,value,reason", BAD_VALUES,
                         ids=[f"{d}={v}" for d, v, _ in BAD_VALUES])
def test_bad_value_fails_configtest(make_apache, directive, value, reason):
    ap = make_apache(overrides={directive: value}, start=False)
    _configtest_fails(ap, f"Invalid value for directive '{directive}'", *filter(None, [reason]))


def test_good_config_passes(make_apache):
    ap = make_apache(start=False)
    complete_conf(ap)
    rc, out = ap.configtest()
    assert rc == 0, out
    assert "Syntax OK" in out


def _probe_load():
    return f'LoadModule mocourts_probe_module "{_PROBE_SO}"\n'


def test_unknown_plugin(make_apache):
    _extra_conf_fails(make_apache, "<Location /x>\n    MoCourtsMount nosuch\n</Location>\n",
                      "there is no plugin named 'nosuch'")


def test_two_mounts_on_one_path(make_apache):
    _extra_conf_fails(make_apache, _probe_load()
                      + "<Location /account/>\n    MoCourtsMount probe\n</Location>\n",
                      "already has plugin", "'/account'")


def test_same_plugin_mounted_twice(make_apache):
    _extra_conf_fails(make_apache, "<Location /again>\n    MoCourtsMount logon\n</Location>\n",
                      "plugin 'logon' is already mounted at '/account'")


def test_mount_outside_location(make_apache, tmp_root):
    _extra_conf_fails(make_apache, _probe_load()
                      + f'<Directory "{tmp_root}">\n    MoCourtsMount probe\n</Directory>\n',
                      "MoCourtsMount must be placed inside a <Location /path> section.")
    _extra_conf_fails(make_apache, _probe_load() + "MoCourtsMount probe\n", "MoCourtsMount")
    _extra_conf_fails(make_apache, _probe_load()
                      + "<LocationMatch ^/re>\n    MoCourtsMount probe\n</LocationMatch>\n",
                      "MoCourtsMount")


def test_directive_outside_server_config(make_apache):
    _extra_conf_fails(make_apache, "<Location /y>\n    MoCourtsSessionIdle 5m\n</Location>\n",
                      "MoCourtsSessionIdle")


def _start_fails(ap):
    since = ap.error_log_offset()
    with pytest.raises(ApacheError) as e:
        ap.start(timeout=20)
    return str(e.value) + "\n" + "\n".join(ap.error_log_lines(since))


# ---- what a start would refuse, refused by configtest too ----------------------
# httpd -t runs the check_config hooks, not post_config: every check that the
# configuration alone decides must be there, or `apachectl graceful` after a
# "Syntax OK" takes the site down (AH00020).


def test_host_cookie_without_secure_fails_configtest(make_apache):
    ap = make_apache(overrides={"MoCourtsSessionCookie": "__Host-mocourts",
                                "MoCourtsSessionSecure": "Off"}, start=False)
    _configtest_fails(ap, "Invalid value for directive 'MoCourtsSessionSecure'", "__Host-")


def test_idle_longer_than_max_fails_configtest(make_apache):
    ap = make_apache(overrides={"MoCourtsSessionIdle": "2h", "MoCourtsSessionMax": "1h"},
                     start=False)
    _configtest_fails(ap, "Invalid value for directive 'MoCourtsSessionIdle'",
                      "longer than MoCourtsSessionMax")


def test_pool_min_above_max_fails_configtest(make_apache):
    ap = make_apache(overrides={"MoCourtsDBPoolMin": "8", "MoCourtsDBPoolMax": "4"},
                     start=False)
    _configtest_fails(ap, "Invalid value for directive 'MoCourtsDBPoolMin'",
                      "8 is more than MoCourtsDBPoolMax (4)")


def test_efiling_without_store_fails_configtest(make_apache):
    ap = make_apache(overrides={"MoCourtsEFilingStore": None}, start=False)
    assert "efiling" in ap.plugin_names()
    _configtest_fails(ap, "MoCourtsEFilingStore is not set",
                      "the efiling plugin is mounted")


def test_efiling_not_mounted_needs_no_store(make_apache):
    ap = make_apache(overrides={"MoCourtsEFilingStore": None}, start=False,
                     plugins=[p for p in _plugins() if p != "efiling"])
    complete_conf(ap)
    rc, out = ap.configtest()
    assert rc == 0, out


def _plugins():
    return sorted(p.name[len("mod_mocourts_"):-len(".so")]
                  for p in util.BUILD.glob("mod_mocourts_*.so"))


# ---- templates: readable by Apache's children, well-formed --------------------

def _copy_templates(dst):
    """A copy of the shipped templates at dst, readable by everyone."""
    return util.copy_readable(util.REPO / "templates", dst)


def _override_dir(tmp_root, files):
    """A MoCourtsTemplatesOverride directory holding files {relpath: text}."""
    dst = tmp_root / f"override-{secrets.token_hex(4)}"
    for rel, text in files.items():
        path = dst / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for d, _dirs, files_ in os.walk(dst):
        os.chmod(d, 0o755)
        for f in files_:
            os.chmod(os.path.join(d, f), 0o644)
    return dst


needs_root = pytest.mark.skipif(not util.is_root(),
                                reason="Apache's children run as another user only as root")


def _unreadable_template_fails(make_apache, tmp_root, inside, mode, kind):
    """Templates in which `inside` (a path in them; "" the folder itself)
    is root's with mode: configtest refuses them, naming the path, Apache's
    user and the mode."""
    tpl = _copy_templates(tmp_root / f"tpl-{secrets.token_hex(4)}")
    path = tpl / inside if inside else tpl
    os.chown(path, 0, 0)
    os.chmod(path, mode)
    ap = make_apache(overrides={"MoCourtsTemplates": f'"{tpl}"'}, start=False)
    _configtest_fails(ap, "Invalid value for directive 'MoCourtsTemplates'",
                      f"the {kind} '{path}' cannot be read by user {util.APACHE_USER}",
                      f"mode {mode:04o}")


@needs_root
def test_unreadable_templates_dir_fails_configtest(make_apache, tmp_root):
    """Installed under umask 027: every page would answer 500."""
    _unreadable_template_fails(make_apache, tmp_root, "", 0o700, "directory")


@needs_root
def test_unreadable_template_file_fails_configtest(make_apache, tmp_root):
    _unreadable_template_fails(make_apache, tmp_root, "core/logon.html", 0o640, "template file")


@needs_root
def test_unreadable_override_dir_fails_configtest(make_apache, tmp_root):
    over = _override_dir(tmp_root, {"core/home.html": "<p>Our court</p>\n"})
    os.chmod(over / "core", 0o750)
    ap = make_apache(overrides={"MoCourtsTemplatesOverride": f'"{over}"'}, start=False)
    _configtest_fails(ap, "Invalid value for directive 'MoCourtsTemplatesOverride'",
                      f"the directory '{over}/core' cannot be read by user {util.APACHE_USER}")


MALFORMED = [
    # (text, line, what libxml2 says)
    ("<main>\n<h2>Welcome</h2>\n<p>Our court</p>\n</span>\n</main>\n", 4,
     "Unexpected end tag : span"),
    ("<main>\n<h2>Welcome</h2>\n<p>Our court</p>\n<!-- never closed\n<p>More</p>\n</main>\n",
     None, "Comment not terminated"),
    ('<main>\n<p class="lead>Our court</p>\n</main>\n', None, 'AttValue: " expected'),
]


@pytest.mark.parametrize("text,line,why", MALFORMED, ids=["end-tag", "comment", "quote"])
def test_malformed_override_template_fails_configtest(make_apache, tmp_root, text, line, why):
    over = _override_dir(tmp_root, {"core/home.html": text})
    page = over / "core" / "home.html"
    ap = make_apache(overrides={"MoCourtsTemplatesOverride": f'"{over}"'}, start=False)
    out = _configtest_fails(ap, "Invalid value for directive 'MoCourtsTemplatesOverride'",
                            f"{page}:{line or ''}", why)
    assert re.search(re.escape(str(page)) + r":\d+: ", out), out


def test_well_formed_override_passes_configtest(make_apache, tmp_root):
    over = _override_dir(tmp_root, {
        "core/home.html": "<main>\n<section><h2>Welcome</h2>\n<p>Our court</p></section>\n"
                          "</main>\n",
        "core/password-changed.txt": "Your password was changed {{ when }}.\n"})
    ap = make_apache(overrides={"MoCourtsTemplatesOverride": f'"{over}"'}, start=False)
    complete_conf(ap)
    rc, out = ap.configtest()
    assert rc == 0, out


# ---- partials (data-include): resolved at configtest, overridable -------------

def test_missing_partial_fails_configtest(make_apache, tmp_root):
    over = _override_dir(tmp_root, {
        "core/home.html": '<main>\n<h2>Welcome</h2>\n<div data-include="core/_banner.html">'
                          '</div>\n</main>\n'})
    page = over / "core" / "home.html"
    ap = make_apache(overrides={"MoCourtsTemplatesOverride": f'"{over}"'}, start=False)
    _configtest_fails(ap, "Invalid value for directive 'MoCourtsTemplatesOverride'",
                      f'{page}:3: data-include="core/_banner.html"',
                      "core/_banner.html was not found")


def test_malformed_partial_fails_configtest(make_apache, tmp_root):
    """A shipped page includes core/_errors.html: a broken override of it
    is refused, naming the partial's file and line."""
    over = _override_dir(tmp_root, {"core/_errors.html": MALFORMED[0][0]})
    partial = over / "core" / "_errors.html"
    ap = make_apache(overrides={"MoCourtsTemplatesOverride": f'"{over}"'}, start=False)
    _configtest_fails(ap, "Invalid value for directive 'MoCourtsTemplatesOverride'",
                      f"{partial}:4: Unexpected end tag : span")


def test_partial_including_itself_fails_configtest(make_apache, tmp_root):
    over = _override_dir(tmp_root, {
        "core/_a.html": '<div data-include="core/_b.html"></div>\n',
        "core/_b.html": '<p>B</p>\n<div data-include="core/_a.html"></div>\n'})
    ap = make_apache(overrides={"MoCourtsTemplatesOverride": f'"{over}"'}, start=False)
    _configtest_fails(ap, "Invalid value for directive 'MoCourtsTemplatesOverride'",
                      "the partial includes itself", "core/_a.html -> core/_b.html")


def test_override_partial_serves_every_page(make_apache, tmp_root):
    """A site's copy of a partial is used wherever the shipped pages include
    it: one file changes the Court field of every Case.net search."""
    over = _override_dir(tmp_root, {
        "casetrack/_court-field.html":
            '<p><label for="court">Our Courts</label>\n<select id="court" name="court" '
            'data-selected="q_court"><option value="" data-text="any_court">Any</option>'
            '<option data-each="courts" data-attr-value="code" data-text="name">Court</option>'
            '</select></p>\n'})
    ap = make_apache(overrides={"MoCourtsTemplatesOverride": f'"{over}"'})
    for what, any_court in (("number", "Any court"), ("name", "All courts"),
                            ("date", "Choose a court")):
        r = requests.get(ap.url(f"/casenet/search/{what}"), timeout=15)
        assert r.status_code == 200, r.text
        assert '<label for="court">Our Courts</label>' in r.text, r.text
        assert re.search(f'<option value=""[^>]*>{any_court}</option>', r.text), r.text
        assert "data-include" not in r.text and "data-let" not in r.text


def _apache_with_empty_override(make_apache, tmp_root):
    over = tmp_root / f"override-{secrets.token_hex(4)}"
    (over / "core").mkdir(parents=True)
    os.chmod(over, 0o755)
    os.chmod(over / "core", 0o755)
    return make_apache(overrides={"MoCourtsTemplatesOverride": f'"{over}"'}), over


@pytest.mark.allow_errors(r"MC0501: page core/logon.html cannot be shown")
def test_template_broken_after_start_answers_500(make_apache, tmp_root):
    """Templates are read on first use: a page edited into a broken state
    after the start answers 500 with the site's error page (never an empty
    200), and the log names file and line."""
    ap, over = _apache_with_empty_override(make_apache, tmp_root)
    page = over / "core" / "logon.html"
    page.write_text("<main>\n<h2>Sign in</h2>\n</span>\n</main>\n")
    page.chmod(0o644)
    since = ap.error_log_offset()
    r = requests.get(ap.url("/account/logon"), timeout=15)
    assert r.status_code == 500, r.text
    assert "Something went wrong" in r.text, r.text
    ap.wait_for_log(re.escape(f"{page}:3: Unexpected end tag : span"), since=since)


@pytest.mark.allow_errors(r"MC0501: page core/(logon|message).html cannot be shown")
def test_layout_broken_after_start_answers_500(make_apache, tmp_root):
    """With the layout broken even the error page cannot be rendered: a
    plain page says what happened."""
    ap, over = _apache_with_empty_override(make_apache, tmp_root)
    layout = over / "core" / "layout.html"
    layout.write_text("<html><body>\n<main data-slot=\"content\">\n<!-- unfinished\n"
                      "</main></body></html>\n")
    layout.chmod(0o644)
    since = ap.error_log_offset()
    r = requests.get(ap.url("/account/logon"), timeout=15)
    assert r.status_code == 500, r.text
    assert "error in the site's page templates" in r.text, r.text
    ap.wait_for_log(re.escape(f"{layout}:") + r"\d+: Comment not terminated", since=since)


@pytest.mark.allow_errors(r"schema of 'core' is at version 0", r"AH00016",
                          r"Configuration Failed", r"MC0103")
def test_schema_too_old_refused(make_apache, mariadb):
    name = f"mc_empty_{secrets.token_hex(3)}"
    stmts = [f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"]
    for host in ("localhost", "127.0.0.1"):
        stmts.append(f"GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, "
                     f"REFERENCES, LOCK TABLES ON `{name}`.* TO '{mariadb.app_user}'@'{host}'")
    mariadb.sql(";\n".join(stmts), database="")
    try:
        ap = make_apache(overrides={"MoCourtsDBName": name}, start=False)
        text = _start_fails(ap)
        assert "schema of 'core' is at version 0" in text, text
        assert "mocourts-admin migrate" in text
        assert not ap.is_running()
    finally:
        mariadb.sql(f"DROP DATABASE `{name}`", database="")


@pytest.mark.allow_errors(r"database connection failed", r"MC0201")
def test_unreachable_database_is_only_a_warning(make_apache, tmp_root):
    """Start-up with the database down: Apache starts; pages answer 503."""
    ap = make_apache(overrides={"MoCourtsDBSocket": f'"{tmp_root}/no-such.sock"'},
                     start=False, migrate=False)
    complete_conf(ap)
    since = ap.error_log_offset()
    ap.start(timeout=20)
    assert any(re.search(r"database not reachable at start-up", line)
               for line in ap.error_log_lines(since))
    r = requests.get(ap.url("/probe/dbtime"), timeout=15)
    assert r.status_code == 503
    assert r.headers.get("Retry-After")
    assert "cannot be reached" in r.text
