"""Alerts for the on-call engineer: task failures, SLA misses, run time-outs and stale tables.

Messages are built by pure functions (what failed, for which batch date, the error's first line, the log, and what
to do next) and published to the SNS topic in the `tokyobeta_sns_topic_arn` Variable; with no topic they are only
logged. Publishing never fails or hangs the pipeline: SNS gets short time-outs, and an SNS error is logged as such
while the task keeps its own outcome.

One message per failure: Airflow calls `on_failure_callback` only when a task has failed for good (its retries
spent); a try that will be retried calls `on_retry_callback`, which is not set.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from tokyobeta_etl import config
from tokyobeta_etl.batch_date import batch_date_of

log = logging.getLogger(__name__)

SUBJECT_MAX = 100  # SNS refuses longer subjects
SNS_TIMEOUTS = {"connect_timeout": 5, "read_timeout": 10, "retries": {"max_attempts": 2, "mode": "standard"}}


class AlertedFailure(Exception):
    """Mixin for a task failure that has already published its own alert: the failure callback stays silent."""


@dataclass(frozen=True)
class Alert:
    kind: str  # task_failed, sla_missed, run_timed_out, stale_data
    subject: str
    body: str


def _subject(text: str) -> str:
    text = " ".join(text.split())  # SNS subjects are one line of printable ASCII or UTF-8 text
    return text if len(text) <= SUBJECT_MAX else text[: SUBJECT_MAX - 1] + "…"


def first_line(error: object) -> str:
    text = str(error or "").strip()
    return text.splitlines()[0] if text else "no error message recorded"


def next_step(task_id: str, error: str) -> str:
    """What the on-call engineer should do about a failed task (README, "Operating it")."""
    if task_id == "wait_for_dumps":
        keys = re.findall(r"s3://\S+?(?=[,\s]|$)", error)
        missing = "\n".join(f"  - {k}" for k in keys) or "  (see the task log)"
        return (
            "The source system's dumps did not arrive by the deadline. Missing:\n"
            f"{missing}\n"
            "Contact the source system's owner to deliver them. Once they are in S3, clear wait_for_dumps "
            "(downstream included). staging still holds the previous complete batch."
        )
    if task_id.startswith("load_"):
        return (
            "The dump failed validation; the error above names the file and the table, column or statement "
            "(also in ops.load_audit.error_message). staging still holds the previous complete batch. "
            "Get a corrected dump, upload it over the bad one, then clear the task (downstream included). "
            'If the table really shrank, trigger the date again with {"allow_shrink": true}.'
        )
    if task_id.startswith(("silver.", "gold.")):
        return (
            "A dbt model or one of its tests failed; the task log holds dbt's output naming the model and the "
            "test. Models downstream of it did not run; the dashboards show the previous day. Fix the data or the "
            "model, then clear the task (downstream included)."
        )
    if task_id == "occupancy_kpis":
        return (
            "The occupancy KPIs were not written (one transaction: the table is as it was). Check the log, fix "
            "silver if it is the cause, then clear the task."
        )
    if task_id.startswith("refresh_quicksight"):
        return "The QuickSight refresh failed; the tables are fresh. Clear the task to refresh again."
    return "Check the task log. Every task is idempotent for its batch date: clear it to run it again."


def task_failure_alert(
    *,
    dag_id: str,
    task_id: str,
    batch: str,
    try_number: int,
    max_tries: int,
    error: object,
    log_url: str,
) -> Alert:
    line = first_line(error)
    body = (
        f"DAG:         {dag_id}\n"
        f"Task:        {task_id}\n"
        f"Batch date:  {batch}\n"
        f"Try:         {try_number} of {max_tries} (no retries left)\n"
        f"Error:       {line}\n"
        f"Log:         {log_url}\n\n"
        f"What to do:\n{next_step(task_id, str(error or ''))}\n"
    )
    return Alert("task_failed", _subject(f"[tokyobeta] FAILED {dag_id}.{task_id} batch {batch}"), body)


def sla_miss_alert(
    *, dag_id: str, missed: list[str], blocking: list[str], deadline: str, late_batches: list[str] = ()
) -> Alert:
    body = (
        f"DAG:        {dag_id}\n"
        f"Deadline:   {deadline}\n"
        f"Late batch: {', '.join(late_batches) or '-'}\n"
        f"Missed SLA: {', '.join(missed) or '-'}\n"
        f"Still blocking (not finished): {', '.join(blocking) or '-'}\n\n"
        "What to do:\nThe dashboards are not fresh yet. Look at the blocking tasks in the grid view: a sensor still "
        "waiting means the dumps are late (contact the source system's owner); a running task may just be slow; a "
        "failed one has its own alert.\n"
    )
    return Alert("sla_missed", _subject(f"[tokyobeta] SLA MISSED {dag_id}: not finished by {deadline}"), body)


def run_timeout_alert(*, dag_id: str, run_id: str, batch: str, timeout: str, unfinished: list[str]) -> Alert:
    body = (
        f"DAG:        {dag_id}\n"
        f"Run:        {run_id}\n"
        f"Batch date: {batch}\n"
        f"The run did not finish within {timeout} and was stopped.\n"
        f"Unfinished tasks: {', '.join(unfinished) or '-'}\n\n"
        "What to do:\nClear the run (or its unfinished tasks) once the cause is fixed: every task is idempotent.\n"
    )
    return Alert("run_timed_out", _subject(f"[tokyobeta] TIMED OUT {dag_id} batch {batch}"), body)


def stale_data_alert(*, check_date: str, summary: str, critical: list[str]) -> Alert:
    body = (
        f"{summary}\n\n"
        "What to do:\nCRITICAL means a table is 3 or more days behind, empty or missing, or a dump of the day is "
        "not in S3. Look at today's tokyobeta_daily_etl run: a red task has its own alert; a sensor still "
        "waiting means the dumps are late (contact the source system's owner). `python -m tokyobeta_etl.oncall "
        "check-freshness` repeats this check.\n"
    )
    names = ", ".join(critical)
    return Alert("stale_data", _subject(f"[tokyobeta] STALE DATA {check_date}: {names}"), body)


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
    from tokyobeta_etl.batch_date import batch_iso

    end = context.get("data_interval_end")
    return batch_iso(end) if end is not None else "unknown"


def on_task_failure(context) -> None:
    """Every task's on_failure_callback (default_args of both DAGs): called once, after the last try."""
    ti = context["task_instance"]
    if isinstance(context.get("exception"), AlertedFailure):
        log.info("%s.%s failed with its own alert already sent: no second message", ti.dag_id, ti.task_id)
        return
    publish(
        task_failure_alert(
            dag_id=ti.dag_id,
            task_id=ti.task_id,
            batch=_batch(context),
            try_number=ti.try_number,
            max_tries=ti.max_tries + 1,
            error=context.get("exception"),
            log_url=ti.log_url,
        )
    )


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
