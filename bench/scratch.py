"""The scratch folder a bench script runs in (bench.py, upload.py,
profile.py): made in /tmp where Apache can reach it, removed afterwards
unless MC_KEEP_TMP=1, and one FAILED line with exit status 1 when the run
raises one of the errors it expects. The caller has put tests/ on sys.path."""
import os
import shutil
import sys
import tempfile
from pathlib import Path

from harness import util


def run_in_scratch(name, prefix, body, errors, on_failure=None, keep_on_failure=False):
    """body(tmp); 0, or 1 after one of errors (on_failure() first, then the
    FAILED line). keep_on_failure: a failed run's folder is kept too."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    util.make_reachable(tmp)
    keep = os.environ.get("MC_KEEP_TMP") == "1"
    try:
        body(tmp)
    except errors as e:
        if on_failure:
            on_failure()
        print(f"{name}: FAILED: {e}", file=sys.stderr)
        if keep_on_failure:
            keep = True
        elif not keep:
            print(f"{name}: set MC_KEEP_TMP=1 to keep the logs", file=sys.stderr)
        return 1
    finally:
        if keep:
            print(f"{name}: files kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0
