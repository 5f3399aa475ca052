"""The core module's exports are the plugin ABI (issue 12, item 1).

mod_mocourts.so is built with -fvisibility=hidden; MC_API marks what
mocourts.h (and the headers it includes) promise. The dynamic symbols it
defines must equal mod_mocourts/abi-<major>.<minor>.symbols for the minor
mocourts.h declares: a symbol added or removed without a new minor (and a
changelog line in mocourts.h) fails here, naming it. And every mc_* name a
plugin imports must be in that list, so no plugin calls into the core past
the promise (a plugin built against it then loads on any core of that
minor or later, or is refused with the loader's sentence)."""
import re
import shutil
import subprocess

import pytest

from harness import util

HEADER = util.REPO / "mod_mocourts" / "mocourts.h"
NM = shutil.which("nm")
pytestmark = pytest.mark.skipif(NM is None, reason="nm (binutils) is not installed")


def _abi():
    text = HEADER.read_text()
    major = int(re.search(r"#define MC_ABI_MAJOR (\d+)", text).group(1))
    minor = int(re.search(r"#define MC_ABI_MINOR (\d+)", text).group(1))
    return text, major, minor


def _symbols_file():
    _, major, minor = _abi()
    return util.REPO / "mod_mocourts" / f"abi-{major}.{minor}.symbols"


def _promised():
    path = _symbols_file()
    assert path.exists(), (
        f"{path.relative_to(util.REPO)} is missing: the ABI minor changed (or this is a new "
        f"one); write the list: nm -D --defined-only {util.BUILD}/mod_mocourts.so | "
        f"awk '{{print $3}}' | sort > {path.relative_to(util.REPO)}")
    names = [ln.strip() for ln in path.read_text().splitlines()]
    return {n for n in names if n and not n.startswith("#")}


def _nm(so, *flags):
    assert so.exists(), f"{so} missing: run make"
    out = subprocess.run([NM, "-D", *flags, str(so)], check=True, capture_output=True,
                         text=True).stdout
    return {ln.split()[-1] for ln in out.splitlines() if ln.strip()}


def _plugins():
    sos = sorted(util.BUILD.glob("mod_mocourts_*.so")) + sorted(
        util.BUILD.glob("test_plugin_*.so"))
    assert any(p.name.startswith("mod_mocourts_") for p in sos), "no plugins built: run make"
    return sos


def test_changelog_has_a_line_for_the_current_minor():
    text, major, minor = _abi()
    changelog = text[:text.index("*/")]
    assert re.search(rf"^ \*\s+{major}\.{minor}\s+\S", changelog, re.M), (
        f"mocourts.h is at ABI {major}.{minor} but its changelog has no '{major}.{minor}' line")


def test_core_exports_exactly_the_symbol_list():
    _, major, minor = _abi()
    promised = _promised()
    exported = _nm(util.BUILD / "mod_mocourts.so", "--defined-only")
    added = sorted(exported - promised)
    removed = sorted(promised - exported)
    assert not added and not removed, (
        f"mod_mocourts.so's exports differ from {_symbols_file().name} (ABI {major}.{minor}):"
        f"\n  exported but not listed: {added}\n  listed but not exported: {removed}\n"
        "A new symbol is a new minor (bump MC_ABI_MINOR, add a changelog line in mocourts.h "
        "and a new abi-1.N.symbols); a removed one is a new major. A symbol the ABI does not "
        "promise must not be MC_API.")


def test_every_listed_symbol_is_promised_by_the_header():
    # Each mc_* name in the list is declared MC_API in mocourts.h or a header it
    # includes (the module record is the only other export).
    text, _, _ = _abi()
    headers = [text]
    for inc in re.findall(r'^#include "(mc_\w+\.h)"', text, re.M):
        headers.append((util.REPO / "mod_mocourts" / "lib" / inc).read_text())
    headers.append((util.REPO / "mod_mocourts" / "lib" / "mc_conf.h").read_text())
    declared = set()
    for h in headers:
        declared |= set(re.findall(r"^MC_API\b[^(;]*?\b(mc_\w+)\s*\(", h, re.M))
    listed = {n for n in _promised() if n.startswith("mc_")}
    assert listed - declared == set(), f"listed but declared by no promised header: " \
                                       f"{sorted(listed - declared)}"
    assert declared - listed == set(), f"declared MC_API but not listed: " \
                                       f"{sorted(declared - listed)}"


def test_plugins_import_only_promised_functions():
    promised = _promised()
    bad = {}
    for so in _plugins():
        imports = {n for n in _nm(so, "--undefined-only") if n.startswith("mc_")}
        extra = sorted(imports - promised)
        if extra:
            bad[so.name] = extra
    assert not bad, f"plugins call core functions the ABI does not promise: {bad}"


def test_plugins_export_only_their_module_record():
    for so in _plugins():
        if not so.name.startswith("mod_mocourts_"):
            continue
        name = so.name[len("mod_mocourts_"):-len(".so")]
        exported = {n for n in _nm(so, "--defined-only") if not n.startswith("_")}
        assert exported == {f"mocourts_{name}_module"}, (so.name, sorted(exported))


def test_no_plugin_includes_another_plugins_header():
    plugins = util.REPO / "plugins"
    bad = []
    for src in sorted(plugins.glob("*/**/*.[ch]")):
        for inc in re.findall(r'^\s*#\s*include\s+"([^"]+)"', src.read_text(), re.M):
            if "/" in inc and (src.parent / inc).resolve().is_relative_to(plugins) and \
                    not (src.parent / inc).resolve().is_relative_to(
                        plugins / src.relative_to(plugins).parts[0]):
                bad.append(f"{src.relative_to(util.REPO)}: {inc}")
    assert not bad, f"a plugin includes another plugin's header: {bad}"
