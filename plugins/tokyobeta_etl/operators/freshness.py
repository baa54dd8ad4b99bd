"""The freshness DAG's check task (tokyobeta_etl.freshness_run does the work)."""

from __future__ import annotations

from airflow.operators.python import PythonOperator

from tokyobeta_etl import config
from tokyobeta_etl.freshness_run import freshness_task


def freshness_check() -> PythonOperator:
    return PythonOperator(
        task_id="check_freshness",
        python_callable=freshness_task,
        op_kwargs={"check_date": "{{ tokyobeta.batch_iso(params, data_interval_end) }}"},
        retries=0,  # a re-check is a clear away; a retry would alert twice
        execution_timeout=config.TASK_TIMEOUTS["check"],
        doc_md="Grades the daily DAG (paused? a successful run for today's batch?), staging's published batch, "
        "silver, gold and today's dumps. A warning (silver or gold a little behind) is sent once a day and the task "
        "succeeds; a critical finding sends one SNS message and fails the task.",
    )
