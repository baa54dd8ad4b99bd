"""Writes never overlap: an on-call write (reload, restore) and a daily run do not touch the warehouse at the same
time (docs/decisions/0007-manual-runs-and-oncall-dags.md).

The daily run's first task waits while an on-call write is queued or running; an on-call write refuses to start while
a daily run (or another on-call write) is queued or running. Two runs created in the same instant each see the other:
the daily run waits and the on-call write refuses, so the writes still never overlap.
"""

from __future__ import annotations

from tokyobeta_etl import airflow_meta, config


def writers_of_the_warehouse() -> tuple[str, ...]:
    return (config.DAILY_DAG_ID, *config.ONCALL_WRITING_DAG_IDS)


def waiting_writers() -> list[airflow_meta.RunInfo]:
    """What the daily run waits for: queued or running on-call writes."""
    return airflow_meta.active_runs(config.ONCALL_WRITING_DAG_IDS)


def rivals_of(dag_id: str, run_id: str) -> list[airflow_meta.RunInfo]:
    """What an on-call write refuses to run beside: any other queued or running writer."""
    return airflow_meta.active_runs(writers_of_the_warehouse(), exclude=(dag_id, run_id))


def refusal(my_dag_id: str, rivals: list[airflow_meta.RunInfo]) -> str:
    """Why an on-call write does not start (the task fails with this)."""
    return (
        f"{my_dag_id} changes the warehouse and does not run beside another writer; active now: "
        f"{'; '.join(r.line() for r in rivals)}. Wait for it to finish (Browse > DAG Runs), then trigger this again."
    )
