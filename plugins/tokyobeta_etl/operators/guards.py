"""The first task of every run that writes: the run's own parameters are checked, and writes never overlap
(tokyobeta_etl.run_exclusion)."""

from __future__ import annotations

import datetime as dt
import logging

from airflow.exceptions import AirflowFailException
from airflow.operators.python import PythonOperator
from airflow.sensors.base import BaseSensorOperator

from tokyobeta_etl import config, run_exclusion
from tokyobeta_etl.batch_date import BATCH_DATE_PARAM, BatchDateRefused, run_batch_date

log = logging.getLogger(__name__)


class RunCheck(BaseSensorOperator):
    """Refuses a bad `batch_date` at once (no retries), then waits while an on-call write is queued or running."""

    def poke(self, context) -> bool:
        params, run = context["params"], context["dag_run"]
        if params.get(BATCH_DATE_PARAM) and run.run_type == "backfill":
            raise AirflowFailException(
                f"{BATCH_DATE_PARAM} is for manual runs: a backfill run loads its own batch date. Backfill without "
                "--conf, or trigger the date as a manual run."
            )
        try:
            batch = run_batch_date(params, context["data_interval_end"])
        except BatchDateRefused as err:
            raise AirflowFailException(f"{err}. Trigger the DAG again with a date in that range.") from err
        rivals = run_exclusion.waiting_writers()
        if rivals:
            log.warning("batch %s waits for on-call writes to finish: %s", batch, "; ".join(r.line() for r in rivals))
            return False
        log.info("batch %s (%s): no on-call write active, the run goes on", batch, run.run_type)
        return True


def check_run() -> RunCheck:
    return RunCheck(
        task_id="check_run",
        mode="reschedule",
        poke_interval=60,
        timeout=dt.timedelta(hours=2).total_seconds(),  # an on-call write's own time-out is 1 h
        retries=0,  # a refused parameter stays refused; a time-out has its own alert
        doc_md=f"Checks the run's `{BATCH_DATE_PARAM}` (a date from the DAG's start date to today JST; a bad one fails "
        "the run here, before anything is loaded) and waits while an on-call write (reload, restore) is running.",
    )


def refuse_beside_other_writers(dag_run, **_) -> None:
    rivals = run_exclusion.rivals_of(dag_run.dag_id, dag_run.run_id)
    if rivals:
        raise AirflowFailException(run_exclusion.refusal(dag_run.dag_id, rivals))
    log.info("no daily run or other on-call write is active: %s may write", dag_run.dag_id)


def check_no_other_writer() -> PythonOperator:
    return PythonOperator(
        task_id="check_no_other_writer",
        python_callable=refuse_beside_other_writers,
        retries=0,
        execution_timeout=config.TASK_TIMEOUTS["check"],
        doc_md="Fails (changing nothing) while a daily run or another on-call write is queued or running.",
    )
