"""axe-core (npm axe-core) in the page: injected once per document, run with
the WCAG 2.0/2.1 A and AA rules. axe_violations(driver) returns one line per
violation and node; empty when the page passes."""
from harness import util

AXE = util.REPO / "tests" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_source = {}

_RUN_JS = """
var done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(function (r) {
    done(r.violations.map(function (v) {
      return {id: v.id, help: v.help, nodes: v.nodes.slice(0, 5).map(function (n) {
        return n.target.join(' ') + ': ' + n.failureSummary.replace(/\\s+/g, ' '); })};
    }));
  }, function (e) { done([{id: 'axe-error', help: String(e), nodes: []}]); });
"""


def axe_violations(driver):
    if "js" not in _source:
        assert AXE.is_file(), f"{AXE} is missing: run `make test-tools` (npm ci in tests/npm)"
        _source["js"] = AXE.read_text(encoding="utf-8")
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(_source["js"])
    lines = []
    for v in driver.execute_async_script(_RUN_JS, TAGS):
        lines.append(f"{v['id']}: {v['help']}")
        lines.extend(f"    {n}" for n in v["nodes"])
    return lines
