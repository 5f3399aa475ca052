"""The Makefile on a machine without the packages, and its build hygiene.

`make run` and `make test` must work the first time on a fresh machine: no
apxs or pkg-config lookup may happen before scripts/deps.sh has installed
them. Rather than uninstall anything, these tests hand the Makefile an apxs
and a pkg-config that answer "not found" until a stand-in deps step has run,
and record every call made too early.
"""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import util

# Builds the whole tree (tests/conftest.py: never beside a timing test).
pytestmark = pytest.mark.cpu_heavy

REPO = util.REPO


def _script(path, body):
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """Stand-ins for a machine whose packages arrive with the deps step."""
    d = tmp_path_factory.mktemp("fresh")
    mark, early, order = d / "deps-done", d / "early.log", d / "order.log"
    tools = {}
    for name in ("apxs", "pkg-config"):
        real = shutil.which(name)
        assert real, f"{name} is needed to run this test"
        tools[name] = _script(d / name, f"""\
if [ ! -e '{mark}' ]; then echo "{name} $*" >> '{early}'; exit 127; fi
exec '{real}' "$@"
""")
    deps = _script(d / "deps.sh", f"echo deps >> '{order}'; touch '{mark}'\n")
    run_sh = _script(d / "run.sh", f"echo \"run.sh $*\" >> '{order}'\n")
    python = _script(d / "python", f"echo \"python $*\" >> '{order}'\n")
    return {"dir": d, "mark": mark, "early": early, "order": order,
            "build": d / "build",
            "vars": [f"APXS={tools['apxs']}", f"PKG_CONFIG={tools['pkg-config']}",
                     f"DEPS={deps}", f"RUN_SH={run_sh}", f"PYTHON={python}",
                     f"BUILD={d / 'build'}", "CFLAGS=-O0"]}


def _make(fresh, *args, timeout=900):
    env = dict(os.environ)
    env.pop("MAKEFLAGS", None)
    env.pop("MFLAGS", None)
    return subprocess.run(["make", "-C", str(REPO), "-j2", *fresh["vars"], *args],
                          capture_output=True, text=True, timeout=timeout, env=env)


def _reset(fresh):
    for f in ("mark", "early", "order"):
        fresh[f].unlink(missing_ok=True)


def _lines(path):
    return path.read_text().splitlines() if path.exists() else []


def test_build_without_packages_says_what_to_do(fresh):
    _reset(fresh)
    r = _make(fresh, "all")
    assert r.returncode != 0
    assert "make deps" in r.stderr, r.stderr
    # It stopped before compiling anything with an empty -I.
    assert " -c " not in r.stdout
    assert "No such file" not in r.stderr


def test_make_test_first_time_on_a_fresh_machine(fresh):
    _reset(fresh)
    r = _make(fresh, "test")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert _lines(fresh["early"]) == [], "tool lookups before the deps step"
    order = _lines(fresh["order"])
    assert order[0] == "deps"
    assert order[1].startswith("python -m pytest") and "tests/integration" in order[1]
    # The unit tests were built and ran, with the flags the issue asks for.
    assert re.search(r"100%: Checks: \d+, Failures: 0, Errors: 0", r.stdout + r.stderr)
    assert "-Wmissing-prototypes" in r.stdout and "-MMD -MP" in r.stdout
    for so in ("mod_mocourts.so", "mocourts-admin", "mod_mocourts_efiling.so"):
        assert (fresh["build"] / so).exists()


def test_make_run_first_time_on_a_fresh_machine(fresh):
    _reset(fresh)
    r = _make(fresh, "run")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert _lines(fresh["early"]) == [], "tool lookups before the deps step"
    assert _lines(fresh["order"]) == ["deps", "run.sh start"]


def _compiled(out):
    """The sources a `make -n` would compile."""
    return sorted(set(re.findall(r" -c (\S+\.c) -o ", out)))


def test_a_plugin_header_rebuilds_only_its_plugin(fresh):
    fresh["mark"].touch()
    assert _make(fresh, "all").returncode == 0
    assert _compiled(_make(fresh, "-n", "all").stdout) == [], "a second make rebuilds"
    r = _make(fresh, "-n", "-W", "plugins/efiling/efiling.h", "all")
    srcs = _compiled(r.stdout)
    assert srcs, "touching a plugin header rebuilt nothing"
    assert all(s.startswith("plugins/efiling/") for s in srcs), srcs
    assert "mod_mocourts_efiling.so" in r.stdout
    assert "mod_mocourts_groups.so" not in r.stdout


def test_one_plugin_file_rebuilds_one_object(fresh):
    fresh["mark"].touch()
    assert _make(fresh, "all").returncode == 0
    r = _make(fresh, "-n", "-W", "plugins/efiling/wizard.c", "all")
    assert _compiled(r.stdout) == ["plugins/efiling/wizard.c"]
    assert "mod_mocourts_efiling.so" in r.stdout


def test_a_core_header_rebuilds_its_users(fresh):
    fresh["mark"].touch()
    assert _make(fresh, "all").returncode == 0
    r = _make(fresh, "-n", "-W", "mod_mocourts/lib/mc_multipart.h", "all")
    srcs = _compiled(r.stdout)
    assert "mod_mocourts/lib/mc_multipart.c" in srcs
    assert "mod_mocourts/lib/mc_smtp.c" not in srcs
