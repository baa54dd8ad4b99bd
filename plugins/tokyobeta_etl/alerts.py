"""Alerts for the on-call engineer, sent: the Airflow callbacks (task failures, SLA misses, run time-outs) gather
what happened and publish the message (built by tokyobeta_etl.alert_messages) to the SNS topic in the
`tokyobeta_sns_topic_arn` Variable; with no topic it is only logged. Publishing never fails or hangs the pipeline:
SNS gets short time-outs, and an SNS error is logged as such while the task keeps its own outcome.

One message per failure: Airflow calls `on_failure_callback` only when a task has failed for good (its retries
spent); a try that will be retried calls `on_retry_callback`, which is not set.
"""

from __future__ import annotations

import datetime as dt
import logging

from tokyobeta_etl import config, db_session
from tokyobeta_etl.alert_messages import Alert, dbt_node_table, run_timeout_alert, sla_miss_alert, task_failure_alert
from tokyobeta_etl.batch_date import batch_date_of

log = logging.getLogger(__name__)

SNS_TIMEOUTS = {"connect_timeout": 5, "read_timeout": 10, "retries": {"max_attempts": 2, "mode": "standard"}}


class AlertedFailure(Exception):
    """Mixin for a task failure that has already published its own alert: the failure callback stays silent."""


def publish(alert: Alert) -> bool:
    """Send the alert to SNS, or only log it when no topic is configured. Never raises; True when SNS took it."""
    log.warning("ALERT tokyobeta %s: %s\n%s", alert.kind, alert.subject, alert.body)
    try:
        topic = config.setting("tokyobeta_sns_topic_arn")
    except Exception:  # an alert must not fail the task it reports on; the reason is logged
        log.exception("ALERT not published: could not read the tokyobeta_sns_topic_arn Variable")
        return False
    if not topic:
        log.warning("ALERT not sent to SNS: the tokyobeta_sns_topic_arn Variable is not set (logged only)")
        return False
    try:
        from airflow.providers.amazon.aws.hooks.base_aws import AwsBaseHook
        from botocore.config import Config

        client = AwsBaseHook(aws_conn_id=config.AWS_CONN_ID, client_type="sns", config=Config(**SNS_TIMEOUTS))
        message_id = client.get_conn().publish(TopicArn=topic, Subject=alert.subject, Message=alert.body)["MessageId"]
    except Exception:  # an alert must not fail the task it reports on; the reason is logged
        log.exception("ALERT not published to SNS topic %s (the pipeline's outcome stands)", topic)
        return False
    log.info("ALERT published to %s (message %s)", topic, message_id)
    return True


# --- Airflow callbacks ---------------------------------------------------------------------------------------


def _batch(context) -> str:
    from tokyobeta_etl.batch_date import BatchDateRefused, batch_iso

    end, params = context.get("data_interval_end"), context.get("params") or {}
    if context["dag"].dag_id.startswith(config.ONCALL_DAG_PREFIX):  # an on-call command: its date field, if any
        return str(params.get("batch_date") or params.get("date") or "-")
    if end is None:
        return "unknown"
    try:
        return batch_iso(params, end)
    except BatchDateRefused:  # the refusal is the failure being reported; its message names the value
        return f"refused batch_date {params.get('batch_date')!r}"


def lock_holders(task_id: str, error: object) -> str | None:
    """For a failure that gave up waiting for a lock: who held it (as the task found out), or for a failure that does
    not say (a dbt node's output) who holds the locks on the task's tables now. None for any other failure."""
    if isinstance(error, db_session.LockWaitTimeout):
        return error.holders
    if not db_session.is_lock_wait_timeout(error):
        return None
    tables = db_session.tables_in(str(error))
    if (node := dbt_node_table(task_id)) and node not in tables:
        tables.insert(0, node)
    try:
        return db_session.explain(tables)
    except Exception as err:  # the alert must still go out; it says the holders could not be read, and why
        log.exception("could not read the lock holders of %s", ", ".join(tables))
        return f"(could not be read: {type(err).__name__}: {err}; trigger tokyobeta_oncall_show_locks)"


def on_task_retry(context) -> None:
    """Every task's on_retry_callback: no message (one per failure, after the last try); a try that gave up on a
    lock logs who holds it, so each try's log names the blocker."""
    ti = context["task_instance"]
    error = context.get("exception")
    if (holders := lock_holders(ti.task_id, error)) and not isinstance(error, db_session.LockWaitTimeout):
        log.error("%s gave up waiting for a lock; held now by:\n%s", ti.task_id, holders)


def on_task_failure(context) -> None:
    """Every task's on_failure_callback (default_args of both DAGs): called once, after the last try."""
    ti = context["task_instance"]
    error = context.get("exception")
    if isinstance(error, AlertedFailure):
        log.info("%s.%s failed with its own alert already sent: no second message", ti.dag_id, ti.task_id)
        return
    holders = lock_holders(ti.task_id, error)
    if holders and not isinstance(error, db_session.LockWaitTimeout):  # (its own message is in the log already)
        log.error("%s gave up waiting for a lock; held now by:\n%s", ti.task_id, holders)
    alert = task_failure_alert(
        dag_id=ti.dag_id,
        task_id=ti.task_id,
        batch=_batch(context),
        try_number=ti.try_number,
        max_tries=ti.max_tries + 1,
        error=error,
        log_url=ti.log_url,
        lock_holders=holders,
    )
    publish(alert)


def on_run_failure(context) -> None:
    """The DAG's on_failure_callback: alerts only a run stopped by dagrun_timeout (a failed task alerts itself)."""
    if context.get("reason") != "timed_out":
        return
    run = context["dag_run"]
    dag = context["dag"]
    unfinished = sorted(ti.task_id for ti in run.get_task_instances() if ti.state not in ("success", "skipped"))
    publish(
        run_timeout_alert(
            dag_id=run.dag_id,
            run_id=run.run_id,
            batch=_batch(context),
            timeout=str(dag.dagrun_timeout),
            unfinished=unfinished,
        )
    )


def on_sla_miss(dag, task_list, blocking_task_list, slas, blocking_tis) -> None:
    """The DAG's sla_miss_callback: every interval Airflow found late since each task's last success, in one
    message (README "Alerts").

    Airflow 2 dates an SLA miss by the fire time it was due after (a data_interval_end): its JST date is the late
    batch. The tasks Airflow itself passes as blocking are those of the run *starting* then, usually none yet; the
    ones that matter are the unfinished tasks of the run *ending* then, looked up here."""
    missed = sorted({sla.task_id for sla in slas})
    due = sorted({sla.execution_date for sla in slas})
    blocking = sorted({ti.task_id for ti in blocking_tis} | set(_unfinished_tasks_of_runs_ending(dag.dag_id, due)))
    sla = dag.default_args.get("sla")
    fire_hour, fire_minute = config.DAILY_FIRE_JST
    deadline = (dt.datetime(2000, 1, 1, fire_hour, fire_minute) + sla).strftime("%H:%M JST") if sla else "its SLA"
    late = sorted({str(batch_date_of(when)) for when in due})
    publish(sla_miss_alert(dag_id=dag.dag_id, missed=missed, blocking=blocking, deadline=deadline, late_batches=late))


def _unfinished_tasks_of_runs_ending(dag_id: str, ends: list[dt.datetime]) -> list[str]:
    from airflow.models import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    if not ends:
        return []
    with create_session() as session:
        runs = session.scalars(select(DagRun).where(DagRun.dag_id == dag_id, DagRun.data_interval_end.in_(ends)))
        return [
            ti.task_id
            for run in runs
            for ti in run.get_task_instances(session=session)
            if ti.state not in ("success", "skipped")
        ]
