"""A static check (no servers): no two C files call each other, directly or
round a longer cycle (issue 12 §3). File a uses file b when a names a
function b defines and does not keep to itself (not static): a call, a
callback handed on, a route table's handler. Each part then builds on the
parts below it: a route table that names the handlers of several files
lives in the plugin's main file, mod_mocourts_<plugin>.c, and helpers that
several handler files share in a file of their own (ct_common.c,
track_common.c...), never in one of those handler files.

The files are the C files of the tree but the tests' (tests/): the core,
its library, the admin tool, the plugins and the benchmark. `main` is left
out: mocourts-admin and the benchmark each define one, and no file calls
another's.

Run as a script to see the cycles, or which functions make a pair:
    python3 tests/integration/test_no_cycles.py
    python3 tests/integration/test_no_cycles.py plugins/x/a.c plugins/x/b.c
"""
import collections
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
IGNORED = {"main"}

_COMMENT_OR_LITERAL = re.compile(
    r"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", re.S)
_IDENT = re.compile(r"[A-Za-z_]\w*")


def c_files():
    """The tree's C files, repository-relative, but the tests'."""
    try:
        out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "*.c"],
                             cwd=REPO, capture_output=True, text=True, check=True).stdout
        names = out.split()
    except (OSError, subprocess.CalledProcessError):
        names = [str(p.relative_to(REPO)) for p in REPO.rglob("*.c")
                 if not p.relative_to(REPO).parts[0].startswith("build")]
    return sorted(n for n in set(names)
                  if not n.startswith("tests/") and (REPO / n).is_file())


def _blank(m):
    """A comment or literal as blanks, so that the lines stay where they were."""
    return re.sub(r"[^\n]", " ", m.group(0))


def clean(src):
    """The source without comments, strings and character constants."""
    return _COMMENT_OR_LITERAL.sub(_blank, src)


def _without_directives(src):
    lines, out, cont = src.split("\n"), [], False
    for line in lines:
        directive = cont or line.lstrip().startswith("#")
        cont = directive and line.rstrip().endswith("\\")
        out.append("" if directive else line)
    return "\n".join(out)


def definitions(src):
    """{name: static?} of the functions the cleaned source defines: a `{` at
    file level that follows a declarator's `)`."""
    found = {}
    head, depth = [], 0
    for tok in re.finditer(r"[A-Za-z_]\w*|[{}();=,]|[^\s\w]", _without_directives(src)):
        t = tok.group(0)
        if depth:
            depth += {"{": 1, "}": -1}.get(t, 0)
            continue
        if t == "{":
            depth = 1
            if head and head[-1] == ")" and "(" in head:
                name = head[head.index("(") - 1]
                if _IDENT.fullmatch(name):
                    found[name] = "static" in head[:head.index("(")]
            head = []
        elif t in (";", "}"):
            head = []
        else:
            head.append(t)
    return found


def graph(files=None):
    """uses: {file: {file it uses: [functions]}}, for the files given."""
    files = files or c_files()
    text = {f: clean((REPO / f).read_text(errors="replace")) for f in files}
    exported = collections.defaultdict(set)  # function -> files defining it, not static
    own = {}
    for f, src in text.items():
        defs = definitions(src)
        own[f] = set(defs)
        for name, static in defs.items():
            if not static and name not in IGNORED:
                exported[name].add(f)
    uses = {f: collections.defaultdict(list) for f in files}
    for f, src in text.items():
        for name in sorted(set(_IDENT.findall(src)) - own[f]):
            for d in exported.get(name, ()):
                uses[f][d].append(name)
    return uses


def mutual_pairs(uses):
    return sorted({tuple(sorted((a, b))) for a in uses for b in uses[a] if a in uses.get(b, ())})


def components(uses):
    """The strongly connected components of more than one file (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in uses.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    for v in sorted(uses):
        if v not in index:
            visit(v)
    return sorted(out)


def describe(uses, comp):
    """Which functions make each edge inside a component."""
    return "\n".join(f"  {a} uses {b}: {', '.join(uses[a][b])}"
                     for a in comp for b in comp if b in uses[a])


def test_parser_finds_definitions():
    src = clean("""
        #define X(a) f(a)
        static int hidden(void) { return 1; }
        MC_API const char *shown(mc_req *mr,
                                 int n)
        {
            if (n) { return "}"; }
            return NULL;
        }
        static const mc_route routes[] = {{"GET", "/", 0, NULL, shown, 0}, {NULL}};
        struct s { int (*fn)(void); };
        int declared(void);
    """)
    assert definitions(src) == {"hidden": True, "shown": False}


def test_no_file_cycles():
    uses = graph()
    assert len(uses) > 50, "the C files were not found"
    comps = components(uses)
    assert not comps, "C files that call each other round a cycle:\n" + "\n".join(
        " <-> ".join(c) + "\n" + describe(uses, c) for c in comps)


if __name__ == "__main__":
    if len(sys.argv) == 3:
        u = graph()
        print(describe(u, sys.argv[1:]) or "no use either way")
    else:
        u = graph()
        for a, b in mutual_pairs(u):
            print(a, b)
        for c in components(u):
            print("SCC:", " ".join(c))
            print(describe(u, c))
