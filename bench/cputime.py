"""CPU time of a process tree from /proc, for `make bench`'s "CPU ms/req".

    before = tree_ticks(apache_pid)
    ... wrk ...
    ms = (tree_ticks(apache_pid) - before) * MS_PER_TICK

tree_ticks(pid) is what the process and every descendant it ever had have
spent on a CPU (user + system, /proc/<pid>/stat fields 14-17): the live
processes' own utime + stime, plus each one's cutime + cstime (its children
that exited and were reaped: an Apache child the parent replaced during the
run is counted once, whether it was sampled alive before and reaped after,
or not). All threads of a process are in its figures. A process that exits
and is reaped between the reads of its parent and of itself may be missed
(or counted twice): a few ticks, once in a while, on a run of thousands of
requests.
"""
import os

MS_PER_TICK = 1000.0 / os.sysconf("SC_CLK_TCK")


def _stat(pid):
    """(ppid, utime + stime, cutime + cstime) of pid in clock ticks, or
    None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: the fields
    # after the last ')' are the fixed ones, state first (field 3).
    rest = text.rsplit(")", 1)[1].split()
    return int(rest[1]), int(rest[11]) + int(rest[12]), int(rest[13]) + int(rest[14])


def _all():
    """{pid: (ppid, own ticks, reaped children's ticks)} of every process."""
    out = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = _stat(int(name))
            if st is not None:
                out[int(name)] = st
    return out


def tree_ticks(*pids):
    """The clock ticks the processes pids and all their descendants have
    used, live ones and reaped ones (see the module's note)."""
    procs = _all()
    children = {}
    for pid, (ppid, _, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    total, todo, seen = 0, [p for p in pids if p in procs], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        _, own, reaped = procs[pid]
        total += own + reaped
        todo.extend(children.get(pid, ()))
    return total


class CpuMeter:
    """CPU milliseconds used by Apache (the parent and its children) and by
    MariaDB's server between start() and stop()."""

    def __init__(self, apache_pid, mysqld_pid):
        self.apache_pid = apache_pid
        self.mysqld_pid = mysqld_pid
        self._t0 = None

    def start(self):
        self._t0 = (tree_ticks(self.apache_pid), tree_ticks(self.mysqld_pid))

    def stop(self):
        """(Apache ms, MariaDB ms) since start()."""
        a = tree_ticks(self.apache_pid) - self._t0[0]
        d = tree_ticks(self.mysqld_pid) - self._t0[1]
        return a * MS_PER_TICK, d * MS_PER_TICK
