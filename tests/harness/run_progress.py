"""Progress of DAG runs while something waits on them (`make demo`'s backfill, a benchmark's, a test's run): tasks
done of all, the tasks running now and the time so far, printed as it changes and at least every minute, read from
Airflow's metadata database, so a wait of minutes is not minutes of silence."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator

from tokyobeta_etl.batch_date import batch_date_of

DONE_STATES = ("success", "failed", "upstream_failed", "skipped", "removed")
FAILED_STATES = ("failed", "upstream_failed")
SHOWN_RUNNING = 3  # running tasks named on a line; the rest are counted

# Airflow 2's metadata schema names a run's logical date `execution_date`
_STATES_SQL = (
    "SELECT ti.task_id, ti.state, dr.execution_date FROM task_instance ti JOIN dag_run dr "
    "ON dr.dag_id = ti.dag_id AND dr.run_id = ti.run_id "
    "WHERE ti.dag_id = %s AND dr.execution_date BETWEEN %s AND %s"
)


def batch_label(logical: dt.datetime) -> str:
    """A daily run named by its batch date, as people name it (its data interval ends a day after its logical date)."""
    return f"batch {batch_date_of(logical + dt.timedelta(days=1))}"


def progress_line(
    tis: list[tuple[str, str | None, dt.datetime]],
    runs: int,
    elapsed: float,
    label: Callable[[dt.datetime], str] = batch_label,
) -> str:
    """One line for the task instances (task_id, state, logical date) of `runs` runs (those not created yet count
    as many tasks as the first one has)."""
    dates = {logical for *_, logical in tis}
    per_run = max((sum(1 for *_, d in tis if d == logical) for logical in dates), default=0)
    total = per_run * max(runs, len(dates))
    done = sum(1 for _, state, _ in tis if state in DONE_STATES)
    failed = sum(1 for _, state, _ in tis if state in FAILED_STATES)
    running = sorted((d, task) for task, state, d in tis if state == "running")
    line = f"[{elapsed:5.0f} s] {done}/{total or '?'} tasks done" + (f" ({failed} failed)" if failed else "")
    if running:
        shown = ", ".join(f"{task} ({label(d)})" for d, task in running[:SHOWN_RUNNING])
        more = len(running) - SHOWN_RUNNING
        line += f"; running: {shown}" + (f" and {more} more" if more > 0 else "")
    return line


@contextlib.contextmanager
def watching(
    query: Callable[[str, tuple], list[tuple]],
    dag_id: str,
    first_logical: dt.datetime,
    last_logical: dt.datetime,
    runs: int,
    *,
    out: Callable[[str], None] = lambda line: print(line, flush=True),
    interval: float = 5.0,
    heartbeat: float = 60.0,
) -> Iterator[None]:
    """While the block runs, print progress_line when it changes (and every `heartbeat` s); once more at the end.
    query(sql, params): rows from Airflow's metadata database."""
    started, stop = time.monotonic(), threading.Event()
    last = {"line": "", "at": 0.0}

    def report(force: bool = False) -> None:
        tis = query(_STATES_SQL, (dag_id, first_logical, last_logical))
        line = progress_line(tis, runs, time.monotonic() - started)
        now = time.monotonic()
        if force or line.split("] ", 1)[1] != last["line"].split("] ", 1)[-1] or now - last["at"] >= heartbeat:
            out(line)
            last.update(line=line, at=now)

    def loop() -> None:
        while not stop.wait(interval):
            report()

    thread = threading.Thread(target=loop, name="run-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        report(force=True)
