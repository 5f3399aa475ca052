"""The Nu HTML checker (npm vnu-jar, run with Debian's Java) as a local
service: started once per test process on a free loopback port, on the
first page to check, and stopped when the process ends. vnu_errors(html)
posts a page's markup and returns its errors (warnings are not failures).
"""
import atexit
import json
import shutil
import subprocess
import tempfile
import urllib.request

from harness import util

JAR = util.REPO / "tests" / "npm" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
START_WAIT = 60                 # seconds for the JVM to load the checker

_service = {}


def _stop(proc, log):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


def _url():
    if "url" in _service:
        return _service["url"]
    java = shutil.which("java")
    assert java, "the Nu HTML checker needs Java (Debian default-jre-headless): run scripts/deps.sh"
    assert JAR.is_file(), f"{JAR} is missing: run `make test-tools` (npm ci in tests/npm)"
    port = util.free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [java, "-Xss4m", "-Xmx512m", "-Dnu.validator.servlet.bind-address=127.0.0.1",
         "-cp", str(JAR), "nu.validator.servlet.Main", str(port)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    atexit.register(_stop, proc, log)
    util.wait_until(lambda: proc.poll() is not None or util.port_open(port), START_WAIT,
                    what="the Nu HTML checker to listen")
    assert proc.poll() is None, "the Nu HTML checker exited at start"
    _service["url"] = f"http://127.0.0.1:{port}/?out=json"
    return _service["url"]


def vnu_errors(html):
    """The checker's errors on html, each as "line N: message (extract)"."""
    req = urllib.request.Request(_url(), data=html.encode("utf-8"), method="POST",
                                 headers={"Content-Type": "text/html; charset=utf-8"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        messages = json.load(resp)["messages"]
    return [f"line {m.get('lastLine', '?')}: {m['message']} ({m.get('extract', '').strip()!r})"
            for m in messages if m["type"] in ("error", "non-document-error")]
