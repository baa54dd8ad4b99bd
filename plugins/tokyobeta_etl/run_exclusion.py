"""Writes never overlap: an on-call write (reload, restore) and a daily run do not touch the warehouse at the same
time (docs/decisions/0007-manual-runs-and-oncall-dags.md).

The daily run's first task (check_run) waits while an on-call write is queued or running; an on-call write's first
task (check_no_other_writer) refuses to start while a daily run (or another on-call write) is queued or running.
Two runs created in the same instant each see the other: the daily run waits and the on-call write refuses, so the
writes still never overlap.
"""

from __future__ import annotations

import logging

from airflow.exceptions import AirflowFailException

from tokyobeta_etl import airflow_meta, config
from tokyobeta_etl.batch_date import BATCH_DATE_PARAM, BatchDateRefused, run_batch_date

log = logging.getLogger(__name__)


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


def daily_run_may_go_on(params: dict, run_type: str, data_interval_end) -> bool:
    """check_run's poke: a bad `batch_date` fails at once (AirflowFailException: no retries); then False while an
    on-call write is queued or running, True once none is."""
    if params.get(BATCH_DATE_PARAM) and run_type == "backfill":
        raise AirflowFailException(
            f"{BATCH_DATE_PARAM} is for manual runs: a backfill run loads its own batch date. Backfill without "
            "--conf, or trigger the date as a manual run."
        )
    try:
        batch = run_batch_date(params, data_interval_end)
    except BatchDateRefused as err:
        raise AirflowFailException(f"{err}. Trigger the DAG again with a date in that range.") from err
    rivals = waiting_writers()
    if rivals:
        log.warning("batch %s waits for on-call writes to finish: %s", batch, "; ".join(r.line() for r in rivals))
        return False
    log.info("batch %s (%s): no on-call write active, the run goes on", batch, run_type)
    return True


def refuse_beside_other_writers(dag_run, **_) -> None:
    """check_no_other_writer's callable: fails (changing nothing) while another writer is queued or running."""
    rivals = rivals_of(dag_run.dag_id, dag_run.run_id)
    if rivals:
        raise AirflowFailException(refusal(dag_run.dag_id, rivals))
    log.info("no daily run or other on-call write is active: %s may write", dag_run.dag_id)
