"""The run-duration DAG's check task (tokyobeta_etl.run_watch does the work)."""

from __future__ import annotations

from airflow.operators.python import PythonOperator

from tokyobeta_etl import run_watch


def run_duration_check() -> PythonOperator:
    return PythonOperator(
        task_id="check_run_duration",
        python_callable=run_watch.check_run_duration,
        doc_md="Alerts once per daily run running longer than tokyobeta_run_alert_minutes; returns those runs.",
    )
