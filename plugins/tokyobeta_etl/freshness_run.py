"""The freshness check run: read the daily DAG's runs, the warehouse and S3, grade them (tokyobeta_etl.freshness, pure),
log the result, alert on a warning (once a day) or a critical, and send the heartbeat CloudWatch alarms on
(tokyobeta_etl.heartbeat): the freshness DAG's task (freshness_task). The on-call command grades the same checks
(check_freshness, findings) and sends nothing."""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import closing

from airflow.exceptions import AirflowFailException

from tokyobeta_etl import (
    airflow_meta,
    alert_messages,
    alert_once,
    alerts,
    batch_date,
    config,
    db_session,
    freshness,
    heartbeat,
)

log = logging.getLogger(__name__)


class StaleData(alerts.AlertedFailure, AirflowFailException):
    """Critical staleness: alerted once by the task itself, fails without retries."""


def warn_key(check_date: str) -> str:
    """ops.alerts_sent key of a check date's WARNING: one message that day, however often the check runs."""
    return f"stale_warn:{check_date}"


def _mysql():
    return closing(db_session.connect())


def check_freshness(check_date: dt.date) -> list[freshness.Check]:
    """All checks for `check_date`: the daily DAG (Airflow's metadata), the warehouse and S3, through the pipeline's
    connections (the DAG task and the on-call command)."""
    from airflow.providers.amazon.aws.hooks.s3 import S3Hook
    from sqlalchemy.exc import SQLAlchemyError

    try:
        runs = airflow_meta.runs_ending_since(config.DAILY_DAG_ID, freshness.runs_window_start(check_date))
        paused = airflow_meta.is_paused(config.DAILY_DAG_ID)
    except SQLAlchemyError as err:  # from a shell, the usual cause is a missing metadata DB setting: say so
        raise RuntimeError(
            f"could not read {config.DAILY_DAG_ID}'s runs from Airflow's metadata database (a shell needs the "
            f"environment's AIRFLOW__DATABASE__SQL_ALCHEMY_CONN): {alert_messages.first_line(err)}"
        ) from err
    checks = freshness.daily_dag_checks(paused, runs, check_date)
    s3 = S3Hook(aws_conn_id=config.AWS_CONN_ID).get_conn()
    with _mysql() as conn:
        return checks + freshness.run_checks(
            conn,
            s3,
            config.setting("tokyobeta_dump_bucket"),
            config.setting("tokyobeta_dump_prefix"),
            check_date,
        )


def findings(checks: list[freshness.Check]) -> list[tuple[str, str]]:
    """(finding, what to do) of each check to act on, worst first: the alert's numbered list."""
    return [(f"{c.level.upper()} {c.headline()}: {c.detail}", c.action) for c in freshness.findings(checks)]


def freshness_task(check_date: str) -> dict[str, str]:
    """The freshness DAG's task: grade `check_date` (YYYY-MM-DD), alert as the grade asks, send the heartbeat (the
    worst table's age; tokyobeta_etl.heartbeat), return each check's level."""
    day = dt.date.fromisoformat(check_date)
    today = batch_date.today_jst()
    try:
        checks = check_freshness(day)
    except Exception:
        # Nothing could be graded: the heartbeat says so with a breaching value, then the task fails with the cause.
        # Should CloudWatch fail as well, the missing datapoint breaches the alarm all the same; that error is logged
        # and the check's own error stays the task's.
        try:
            heartbeat.publish(heartbeat.UNKNOWN_AGE_DAYS, check_date=day, today=today)
        except Exception:
            log.exception("HEARTBEAT not sent after the failed check (the alarm sees no datapoint: it breaches)")
        raise
    summary = freshness.summarise(checks, day)
    level = freshness.worst(checks)
    if level == freshness.CRITICAL:
        critical = [c.headline() for c in checks if c.level == freshness.CRITICAL]
        log.error(summary)
        alert = alert_messages.stale_data_alert(
            check_date=check_date, summary=summary, critical=critical, findings=findings(checks)
        )
        alerts.publish(alert)
        stale = StaleData(f"critical freshness on {check_date}: {', '.join(critical)}")
        try:
            heartbeat.publish(heartbeat.worst_table_age(checks), check_date=day, today=today)
        except Exception as err:  # the task fails either way, with its own alert sent; the log has both
            raise stale from err
        raise stale
    if level == freshness.WARNING:
        log.warning(summary)
        alert = alert_messages.stale_warn_alert(check_date=check_date, summary=summary, findings=findings(checks))
        with _mysql() as conn:
            alert_once.publish_once(conn, warn_key(check_date), alert)
    else:
        log.info(summary)
    # A heartbeat CloudWatch refused fails the task (FAILED alert); the alarm breaches without it too.
    heartbeat.publish(heartbeat.worst_table_age(checks), check_date=day, today=today)
    return {c.name: c.level for c in checks}
