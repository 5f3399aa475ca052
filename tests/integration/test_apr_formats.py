"""APR's formatter (apr_psprintf, ap_log_rerror, mc_vars_setf, ...) has no
"%lld" or "%llu": gcc's printf format check accepts them, but APR reads the
argument list wrongly and a "%s" after one crashes the Apache child (seen in
issue 16). Module code formats 64-bit values with APR_INT64_T_FMT and an
(apr_int64_t) cast. The C library's own printf family (snprintf, and mc_log,
whose sinks format with vsnprintf/vfprintf) is exempt: a format whose call
begins within the three lines before it with one of those is skipped.
mocourts-admin (mod_mocourts/admin/) prints with the C library and is not
checked."""
import re

from harness import util

LL = re.compile(r'"[^"\n]*%ll[dux][^"\n]*"')
LIBC = re.compile(r"\b(mc_log|v?s?n?printf|fprintf)\(")


def _module_sources():
    repo = util.REPO
    for pattern in ("mod_mocourts/*.c", "mod_mocourts/lib/*.c", "plugins/*/*.c",
                    "plugins/*/lib/*.c", "tests/plugins/*/*.c"):
        yield from sorted(repo.glob(pattern))


def test_no_lld_in_module_code():
    found = []
    files = list(_module_sources())
    assert len(files) > 80, "the module's C files were not found"
    for path in files:
        lines = path.read_text(errors="replace").splitlines()
        for n, line in enumerate(lines, 1):
            if LL.search(line) and not any(LIBC.search(x) for x in lines[max(0, n - 4):n]):
                found.append(f"{path.relative_to(util.REPO)}:{n}: {line.strip()}")
    assert not found, ("%lld/%llu in module code (use \"%\" APR_INT64_T_FMT):\n"
                       + "\n".join(found))
