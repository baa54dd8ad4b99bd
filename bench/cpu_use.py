"""CPU use while a block runs, on a machine that other sessions share (Linux /proc): the CPU seconds of this
process's tree by kind (the database server, PostgreSQL, the rest: Airflow, dbt, this script), and the share of the
machine that every other process used meanwhile. CPU seconds measure the work a run did whatever ran beside it; the
others' share says how far its wall times were disturbed."""

from __future__ import annotations

import os
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
KINDS = {"mariadbd": "database server", "mysqld": "database server", "postgres": "metadata database (PostgreSQL)"}
REST = "Airflow, dbt and the rest"


class CpuUse:
    """with CpuUse() as use: ...; then use.seconds (kind -> CPU seconds of this tree), use.others_share."""

    def __enter__(self) -> CpuUse:
        self.seconds: dict[str, float] = {}
        self.others_share = 0.0
        self._at, self._busy, self._tree = time.monotonic(), _machine_busy(), _tree_busy()
        return self

    def __exit__(self, *_) -> None:
        span = (time.monotonic() - self._at) * TICK * (os.cpu_count() or 1)
        tree = _tree_busy()
        self.seconds = {k: round((tree.get(k, 0) - self._tree.get(k, 0)) / TICK, 1) for k in sorted(tree)}
        self.seconds["total"] = round(sum(self.seconds.values()), 1)
        others = (_machine_busy() - self._busy) - (sum(tree.values()) - sum(self._tree.values()))
        self.others_share = max(0.0, others / span) if span else 0.0


def wait_for_quiet(say, share: float = 0.25, window: float = 15.0, most: float = 900.0) -> dict:
    """Before a measurement: until the other processes use less than `share` of the machine over `window` seconds,
    at most `most` seconds. Returns how long it waited and the share last seen."""
    started = time.monotonic()
    while True:
        with CpuUse() as use:
            time.sleep(window)
        waited = time.monotonic() - started
        if use.others_share < share or waited >= most:
            return {"waited_seconds": round(waited - window), "others_share_before": round(use.others_share, 3)}
        say(f"other processes use {use.others_share:.0%} of the machine: waiting for a quieter moment to measure")


def _machine_busy() -> int:
    """Busy clock ticks of all CPUs since boot (user, nice, system, irq, softirq)."""
    user, nice, system, _idle, _iowait, irq, softirq = map(int, Path("/proc/stat").read_text().split()[1:8])
    return user + nice + system + irq + softirq


def _tree_busy() -> dict[str, int]:
    """Clock ticks used by this process's live descendants and by the children they reaped, by kind."""
    parent, busy, kind = {}, {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone meanwhile
            continue
        name, fields = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        pid = int(stat.parent.name)
        parent[pid] = int(fields[1])
        busy[pid] = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
        kind[pid] = KINDS.get(name, REST)
    mine, out = {os.getpid()}, {}
    for pid in parent:
        walk = pid
        while walk in parent and walk not in mine and walk > 1:
            walk = parent[walk]
        if walk in mine:
            mine.add(pid)
            out[kind[pid]] = out.get(kind[pid], 0) + busy[pid]
    return out
