"""Issue 14: the site's static files under /account/assets/ (site.css,
site.js, favicon.svg, seal.svg and the U.S. Web Design System's CSS, fonts
and icons) come from templates/core/ (MoCourtsTemplatesOverride/core/
first), served by httpd's own handler: the right type, validators and a
conditional GET, HEAD, cacheable for a day; names that are no asset (a
template, a dot segment, another extension) are the site's 404."""
import re

import pytest

from harness import util
from helpers_core import NO_DEVICE, module_site, site

ap = module_site("assets", NO_DEVICE)
USWDS = util.REPO / "templates" / "core" / "uswds"

TYPES = {
    "/account/assets/site.css": "text/css",
    "/account/assets/site.js": "text/javascript",
    "/account/assets/favicon.svg": "image/svg+xml",
    "/account/assets/seal.svg": "image/svg+xml",
    "/account/assets/uswds/css/uswds.min.css": "text/css",
    "/account/assets/uswds/fonts/source-sans-pro/sourcesanspro-regular-webfont.woff2": "font/woff2",
    "/account/assets/uswds/img/usa-icons/unfold_more.svg": "image/svg+xml",
}


@pytest.mark.parametrize("path", sorted(TYPES))
def test_asset_served_with_type_validators_and_cache(ap, http, path):
    r = http.get(ap.url(path), timeout=30)
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    assert r.headers["Content-Type"].split(";")[0] == TYPES[path], r.headers
    assert r.headers["Cache-Control"] == "public, max-age=86400", r.headers
    assert r.headers.get("X-Content-Type-Options") == "nosniff", r.headers
    file = util.REPO / "templates" / "core" / path[len("/account/assets/"):]
    assert r.content == file.read_bytes()
    etag = r.headers["ETag"]
    again = http.get(ap.url(path), headers={"If-None-Match": etag}, timeout=30)
    assert again.status_code == 304, again.status_code
    head = http.head(ap.url(path), timeout=30)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["Content-Length"]) == len(file.read_bytes())


def test_every_file_the_uswds_css_names_is_served(ap, http):
    """The CSS's url(../fonts/...) and url(../img/...) all answer 200 (the
    vendored copy is complete: scripts/update-uswds.sh)."""
    css = (USWDS / "css" / "uswds.min.css").read_text()
    refs = sorted({m.split("?")[0].split("#")[0] for m in
                   re.findall(r'url\(["\']?(\.\./[^)"\']+)', css)})
    assert len(refs) > 40, refs
    for ref in refs:
        r = http.head(ap.url("/account/assets/uswds/css/" + ref), timeout=30)
        assert r.status_code == 200, (ref, r.status_code)


@pytest.mark.parametrize("path", [
    "/account/assets/layout.html",            # a template: not an asset's extension
    "/account/assets/core/layout.html",
    "/account/assets/.site.css",
    "/account/assets/nothing.css",
    "/account/assets/uswds/VERSION",
    "/account/assets/site.css.bak",
])
def test_non_assets_are_the_sites_404(ap, http, path):
    r = http.get(ap.url(path), allow_redirects=False, timeout=30)
    assert r.status_code in (400, 404), (path, r.status_code)
    assert "text/css" not in r.headers.get("Content-Type", "")
    assert "no-store" in r.headers.get("Cache-Control", ""), r.headers


def test_post_to_an_asset_is_refused(ap, http):
    r = http.post(ap.url("/account/assets/site.css"), data={"x": "1"}, timeout=30)
    assert r.status_code == 405, r.status_code


def test_pages_link_the_uswds_css_favicon_and_seal(ap, http):
    r = http.get(ap.url("/account/logon"), timeout=30)
    assert r.status_code == 200
    for href in ('href="/account/assets/uswds/css/uswds.min.css"',
                 'href="/account/assets/site.css"', 'href="/account/assets/favicon.svg"',
                 'src="/account/assets/seal.svg"'):
        assert href in r.text, href
    assert r.text.index("uswds.min.css") < r.text.index("site.css"), "site.css must come last"


def test_a_courts_own_seal_colours_and_icon_come_first(make_apache, tmp_root, http):
    """Branding (README): core/seal.svg, core/site.css and core/favicon.svg in
    MoCourtsTemplatesOverride are served instead of the shipped ones; what
    the court did not put there (the USWDS files) still comes from
    MoCourtsTemplates."""
    from test_home import _override_dir
    from helpers_casenet import unique_tag
    tag = unique_tag(8)
    files = {"core/seal.svg": f'<svg xmlns="http://www.w3.org/2000/svg"><title>{tag}</title></svg>',
             "core/site.css": f":root {{ --court-primary: #123456; }} /* {tag} */",
             "core/favicon.svg": f'<svg xmlns="http://www.w3.org/2000/svg"><desc>{tag}</desc></svg>'}
    over = _override_dir(tmp_root, files)
    ap = site(make_apache, {**NO_DEVICE, "MoCourtsTemplatesOverride": f'"{over}"'})
    for rel, text in files.items():
        r = http.get(ap.url("/account/assets/" + rel[len("core/"):]), timeout=30)
        assert r.status_code == 200 and r.text == text, (rel, r.status_code, r.text[:200])
    r = http.get(ap.url("/account/assets/uswds/css/uswds.min.css"), timeout=30)
    assert r.status_code == 200 and len(r.content) > 100_000
