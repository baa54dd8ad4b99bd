"""Reads of Airflow's own metadata (runs, pause flags) that tasks need: the one module that asks Airflow about its
DAG runs, so the way it asks (the metadata database on Airflow 2) is decided in one place."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ACTIVE_STATES = ("queued", "running")


@dataclass(frozen=True)
class RunInfo:
    dag_id: str
    run_id: str
    run_type: str
    state: str
    conf: dict
    data_interval_end: dt.datetime | None
    started: dt.datetime | None
    ended: dt.datetime | None

    def line(self) -> str:
        since = f"since {self.started:%Y-%m-%d %H:%M} UTC" if self.started else "not started yet"
        return f"{self.dag_id} run {self.run_id} ({self.state}, {since})"


def _runs(where) -> list[RunInfo]:
    from airflow.models import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    columns = (DagRun.dag_id, DagRun.run_id, DagRun.run_type, DagRun.state, DagRun.conf, DagRun.data_interval_end,
               DagRun.start_date, DagRun.end_date)  # fmt: skip
    with create_session() as session:
        rows = session.execute(select(*columns).where(*where(DagRun)).order_by(DagRun.start_date)).all()
    return [RunInfo(d, r, t, s, dict(c or {}), e, a, b) for d, r, t, s, c, e, a, b in rows]


def active_runs(dag_ids: tuple[str, ...], exclude: tuple[str, str] | None = None) -> list[RunInfo]:
    """Queued or running runs of these DAGs; `exclude` is the asking run's (dag_id, run_id)."""
    runs = _runs(lambda r: (r.dag_id.in_(dag_ids), r.state.in_(ACTIVE_STATES)))
    return [r for r in runs if (r.dag_id, r.run_id) != exclude]


def runs_ending_since(dag_id: str, since: dt.datetime) -> list[RunInfo]:
    """Every run of the DAG whose data interval ends at or after `since` (any state, any type), oldest first."""
    return _runs(lambda r: (r.dag_id == dag_id, r.data_interval_end >= since))


def is_paused(dag_id: str) -> bool | None:
    """The DAG's pause flag; None when Airflow does not know the DAG."""
    from airflow.models import DagModel
    from airflow.utils.session import create_session

    with create_session() as session:
        model = session.get(DagModel, dag_id)
        return None if model is None else bool(model.is_paused)


def task_states(dag_id: str, run_id: str) -> dict[str, str | None]:
    """task id (with [map index] for mapped tasks) -> state, for one run."""
    from airflow.models import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        rows = session.execute(
            select(TaskInstance.task_id, TaskInstance.map_index, TaskInstance.state).where(
                TaskInstance.dag_id == dag_id, TaskInstance.run_id == run_id
            )
        ).all()
    return {(t if m < 0 else f"{t}[{m}]"): s for t, m, s in rows}
