"""SIGKILL a process and everything it started, as a vanished container would lose them.

A process group is not enough: Airflow's task runner moves each task into a process group of its own and the DAG
processor manager does the same, so killing a worker's or a scheduler's group leaves their tasks running as orphans
that still write to the databases. The tree is frozen first (SIGSTOP, repeated until no new child appears), so
nothing forks or is reparented between the look and the kill.
"""

from __future__ import annotations

import contextlib
import signal

import psutil


def _tree(root: psutil.Process) -> set[psutil.Process]:
    try:
        return {root, *root.children(recursive=True)}
    except psutil.NoSuchProcess:
        return set()


def kill_tree(pid: int) -> list[int]:
    """SIGKILL pid and all its descendants; returns the pids killed."""
    try:
        root = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return []
    frozen: set[psutil.Process] = set()
    while new := _tree(root) - frozen:
        for proc in new:
            _signal(proc, signal.SIGSTOP)
        frozen |= new
    for proc in frozen:
        _signal(proc, signal.SIGKILL)
    return sorted(proc.pid for proc in frozen)


def _signal(proc: psutil.Process, sig: signal.Signals) -> None:
    with contextlib.suppress(psutil.NoSuchProcess):  # it ended on its own since the look: nothing left to signal
        proc.send_signal(sig)
