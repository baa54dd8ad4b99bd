"""The freshness DAG's check task: grade what the dashboards read, log it, alert on critical."""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import closing

from airflow.exceptions import AirflowFailException
from airflow.operators.python import PythonOperator

from tokyobeta_etl import alerts, config, freshness

log = logging.getLogger(__name__)


class StaleData(alerts.AlertedFailure, AirflowFailException):
    """Critical staleness: alerted once by the task itself, fails without retries."""


def check_freshness(check_date: dt.date) -> list[freshness.Check]:
    """All checks for `check_date` through the pipeline's connections (the DAG task and the on-call command)."""
    from airflow.providers.amazon.aws.hooks.s3 import S3Hook
    from airflow.providers.mysql.hooks.mysql import MySqlHook

    s3 = S3Hook(aws_conn_id=config.AWS_CONN_ID).get_conn()
    with closing(MySqlHook(mysql_conn_id=config.MYSQL_CONN_ID).get_conn()) as conn:
        return freshness.run_checks(
            conn,
            s3,
            config.setting("tokyobeta_dump_bucket"),
            config.setting("tokyobeta_dump_prefix"),
            check_date,
        )


def freshness_task(check_date: str) -> dict[str, str]:
    day = dt.date.fromisoformat(check_date)
    checks = check_freshness(day)
    summary = freshness.summarise(checks, day)
    level = freshness.worst(checks)
    if level == freshness.CRITICAL:
        critical = [c.name for c in checks if c.level == freshness.CRITICAL]
        log.error(summary)
        alerts.publish(alerts.stale_data_alert(check_date=check_date, summary=summary, critical=critical))
        raise StaleData(f"critical freshness on {check_date}: {', '.join(critical)}")
    (log.warning if level == freshness.WARNING else log.info)(summary)
    return {c.name: c.level for c in checks}


def freshness_check() -> PythonOperator:
    return PythonOperator(
        task_id="check_freshness",
        python_callable=freshness_task,
        op_kwargs={"check_date": "{{ tokyobeta.batch_iso(data_interval_end) }}"},
        retries=0,  # a re-check is a clear away; a retry would alert twice
        doc_md="Grades staging, silver, gold and today's dumps: older than 1 day is a warning (log), older than 2 "
        "days, empty or missing is critical (one SNS message, task failed).",
    )
