"""Small helpers shared by the harness: ports, polling, files, users."""
import grp
import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Where the built module, plugins and admin tool are (MC_BUILD_DIR lets a
# test run use another build, e.g. one with sanitizers).
BUILD = Path(os.environ.get("MC_BUILD_DIR") or REPO / "build").resolve()

# The user Apache's children run as when the harness runs as root.
APACHE_USER = "nobody"
APACHE_GROUP = "nogroup"


def is_root():
    return os.geteuid() == 0


def free_port():
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_until(predicate, timeout, interval=0.05, what="condition"):
    """Poll predicate until it returns a true value (returned), or raise
    TimeoutError after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def wait_found(find, timeout, count=1, nothing=lambda: "nothing matched"):
    """Poll find() (returning a list) until it holds count items; returns
    the first (count=1) or the list. AssertionError on timeout, with
    nothing() saying what was there instead."""
    try:
        found = wait_until(lambda: (lambda f: f if len(f) >= count else None)(find()),
                           timeout, interval=0.05)
    except TimeoutError:
        raise AssertionError(f"{'no' if count == 1 else f'fewer than {count}'} match within "
                             f"{timeout}s: {nothing()}") from None
    return found[0] if count == 1 else found


def wait_exit(pid, timeout, proc=None, what="the process to exit"):
    """Whether process pid ended within timeout seconds (reaped when it is
    proc, a child of ours)."""
    if proc is not None and proc.pid == pid:
        try:
            proc.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False
    try:
        wait_until(lambda: not pid_alive(pid), timeout, what=what)
        return True
    except TimeoutError:
        return False


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours still "exists"; it is not alive.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def read_pidfile(path):
    """The pid in path if that process is alive, else None."""
    try:
        pid = int(Path(path).read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if pid_alive(pid) else None


def make_reachable(path):
    """Let the Apache user traverse/read path (a directory we created)."""
    os.chmod(path, 0o755)


def chown_apache(path, mode):
    """Give path to root:<apache group> with mode (group-readable secrets),
    or just set mode when not root (Apache then runs as us)."""
    if is_root():
        os.chown(path, 0, grp.getgrnam(APACHE_GROUP).gr_gid)
    os.chmod(path, mode)


def copy_readable(src, dst):
    """A copy of the tree src at dst that everyone may read (folders 0755,
    files 0644), its parent folder reachable: for Apache's children."""
    shutil.copytree(src, dst)
    for d, _dirs, files in os.walk(dst):
        os.chmod(d, 0o755)
        for f in files:
            os.chmod(os.path.join(d, f), 0o644)
    make_reachable(dst.parent)
    return dst


def readable_by_others(path):
    """True when every directory up to path is world-searchable and path is
    world-readable, i.e. Apache's children (nobody) can read it."""
    p = Path(path).resolve()
    if not os.stat(p).st_mode & 0o004:
        return False
    for parent in p.parents:
        if not os.stat(parent).st_mode & 0o001:
            return False
    return True


def current_user():
    return pwd.getpwuid(os.geteuid()).pw_name


def tail(path, lines=30):
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return f"({path} not readable)"
    return "\n".join(text.splitlines()[-lines:])
