"""The run-duration alert: a daily run still running `tokyobeta_run_alert_minutes` (default 60) after it started
sends one `[tokyobeta] RUNNING LONG` message naming its running and waiting tasks. The run is not stopped (its
`dagrun_timeout` does that, hours later). Checked every 10 minutes by tokyobeta_run_duration_check."""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import closing
from dataclasses import dataclass

from tokyobeta_etl import airflow_meta, alert_messages, alert_once, config, db_session, runbook
from tokyobeta_etl.batch_date import BatchDateRefused, run_batch_date

log = logging.getLogger(__name__)

RUNNING_STATES = ("running",)
WAITING_STATES = ("queued", "scheduled", "up_for_retry", "up_for_reschedule", "deferred", None)


@dataclass(frozen=True)
class LongRun:
    run: airflow_meta.RunInfo
    minutes: int
    batch: str
    running: list[str]
    waiting: list[str]


def alert_minutes() -> int:
    raw = config.setting("tokyobeta_run_alert_minutes")
    if not str(raw).isdigit() or int(raw) < 1:
        raise ValueError(f"tokyobeta_run_alert_minutes must be a whole number of minutes, at least 1, got {raw!r}")
    return int(raw)


def batch_of(run: airflow_meta.RunInfo) -> str:
    if run.data_interval_end is None:
        return "unknown"
    try:
        return run_batch_date(run.conf, run.data_interval_end).isoformat()
    except BatchDateRefused:
        return f"refused batch_date {run.conf.get('batch_date')!r}"


def long_run(
    run: airflow_meta.RunInfo, states: dict[str, str | None], now: dt.datetime, minutes: int
) -> LongRun | None:
    """The run if it has been running at least `minutes` (pure)."""
    if run.state != "running" or run.started is None:
        return None
    elapsed = int((now - run.started).total_seconds() // 60)
    if elapsed < minutes:
        return None
    running = sorted(t for t, s in states.items() if s in RUNNING_STATES)
    waiting = sorted(t for t, s in states.items() if s in WAITING_STATES)
    return LongRun(run, elapsed, batch_of(run), running, waiting)


def running_long_alert(found: LongRun, threshold: int) -> alert_messages.Alert:
    run = found.run
    body = (
        f"DAG:        {run.dag_id}\n"
        f"Run:        {run.run_id}\n"
        f"Batch date: {found.batch}\n"
        f"Started:    {run.started:%Y-%m-%d %H:%M} UTC, {found.minutes} min ago (alert after "
        f"{threshold} min, tokyobeta_run_alert_minutes)\n"
        f"Running:    {', '.join(found.running) or '-'}\n"
        f"Waiting:    {', '.join(found.waiting) or '-'}\n\n"
        f"What to do:\n{runbook.plain(runbook.RUNNING_LONG.todo)}\n"
    )
    subject = f"[tokyobeta] RUNNING LONG {run.dag_id} batch {found.batch}: {found.minutes} min"
    return alert_messages.Alert("running_long", alert_messages.subject_line(subject), body)


def check_run_duration() -> list[str]:
    """The check task: alert once per daily run running too long; returns the runs it found long."""
    threshold = alert_minutes()
    now = dt.datetime.now(dt.UTC)
    found = []
    for run in airflow_meta.active_runs((config.DAILY_DAG_ID,)):
        if long := long_run(run, airflow_meta.task_states(run.dag_id, run.run_id), now, threshold):
            found.append(long)
    if not found:
        log.info("no %s run has been running %d minutes or more", config.DAILY_DAG_ID, threshold)
        return []
    with closing(db_session.connect()) as conn:
        for long in found:
            log.warning("%s has been running %d min: running %s; waiting %s", long.run.run_id, long.minutes,
                        long.running, long.waiting)  # fmt: skip
            alert_once.publish_once(conn, f"running_long:{long.run.dag_id}:{long.run.run_id}",
                                    running_long_alert(long, threshold))  # fmt: skip
    return [long.run.run_id for long in found]
