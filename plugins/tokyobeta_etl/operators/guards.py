"""The first task of every run that writes: the run's own parameters are checked, and writes never overlap
(tokyobeta_etl.run_exclusion does the checking)."""

from __future__ import annotations

import datetime as dt

from airflow.operators.python import PythonOperator
from airflow.sensors.base import BaseSensorOperator

from tokyobeta_etl import config, run_exclusion
from tokyobeta_etl.batch_date import BATCH_DATE_PARAM


class RunCheck(BaseSensorOperator):
    """Refuses a bad `batch_date` at once (no retries), then waits while an on-call write is queued or running."""

    def poke(self, context) -> bool:
        return run_exclusion.daily_run_may_go_on(
            context["params"], context["dag_run"].run_type, context["data_interval_end"]
        )


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


def check_no_other_writer() -> PythonOperator:
    return PythonOperator(
        task_id="check_no_other_writer",
        python_callable=run_exclusion.refuse_beside_other_writers,
        retries=0,
        execution_timeout=config.TASK_TIMEOUTS["check"],
        doc_md="Fails (changing nothing) while a daily run or another on-call write is queued or running.",
    )
