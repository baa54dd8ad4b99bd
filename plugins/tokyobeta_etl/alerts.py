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

from tokyobeta_etl import config, db_session
from tokyobeta_etl.batch_date import batch_date_of
from tokyobeta_etl.loading.s3_source import AMBIGUITY_ADVICE

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


subject_line = _subject  # for alert builders outside this module


def first_line(error: object) -> str:
    text = str(error or "").strip()
    return text.splitlines()[0] if text else "no error message recorded"


# What to do about a finding of an on-call DAG's command task (the task log holds the whole report as a table).
ONCALL_FINDINGS = {
    "check_freshness": "The daily DAG is paused, the day has no successful run, or a table or dump is stale or "
    "missing (the task log lists each check and what to do).",
    "verify_row_counts": "Rows differ along the pipeline or a dump shrank (the task log has the counts per table). "
    "Check the day's dump with tokyobeta_oncall_reload (check_only) and its load task's log.",
    "reload": "The reload was refused or a dump failed validation (named above); nothing was published. Fix the "
    "dump or the form's fields, then trigger tokyobeta_oncall_reload again.",
    "restore_backup": "The restore was refused (named above); nothing was changed. Trigger "
    "tokyobeta_oncall_restore_backup with an empty table to list the backups by batch date.",
    "show_locks": "A session waits for a lock on the pipeline's schemas (the task log lists holders and waiters, "
    "longest first). Ask the holder's owner to end it, or KILL <connection id> it, then clear the blocked task.",
}


LOCK_WAIT_STEP = (
    "A statement gave up waiting for a lock that another session holds (named above, with its connection id). Ask "
    "the session's owner to end it (COMMIT or ROLLBACK, UNLOCK TABLES, close the BI extract), or KILL <connection "
    "id> as the database administrator; tokyobeta_oncall_show_locks lists the holders. Then clear the task: nothing "
    "half-written is left."
)


def next_step(task_id: str, error: str) -> str:
    """What the on-call engineer should do about a failed task (README, "Operating it")."""
    if db_session.is_lock_wait_timeout(error):
        return LOCK_WAIT_STEP
    if AMBIGUITY_ADVICE in error:  # the sensor's or a load's refusal of a dump in S3 as both .sql and .sql.gz
        return (
            "A dump is in S3 twice, as .sql and as .sql.gz (the error above names both objects). Ask the source "
            "system's owner which one is the dump and delete the other, then clear the task (downstream included). "
            "staging still holds the previous complete batch."
        )
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
            "If the table really shrank, trigger the DAG again (Trigger DAG w/ config) with "
            '{"batch_date": "<the batch date>", "allow_shrink": true}.'
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
    if task_id == "check_run":
        return (
            "The run was refused before it loaded anything: the error above says which run param and the allowed "
            "range. Trigger the DAG again (Trigger DAG w/ config) with a batch_date in that range, or empty for the "
            "run's own date. Nothing was changed."
        )
    if task_id == "check_no_other_writer":
        return (
            "The on-call write did not start: a daily run or another on-call write is active (named above). "
            "Nothing was changed. Wait for it to finish (Browse > DAG Runs), then trigger this DAG again."
        )
    if task_id in ONCALL_FINDINGS:
        return ONCALL_FINDINGS[task_id]
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
    lock_holders: str | None = None,
) -> Alert:
    line = first_line(error)
    held = f"Lock holders now:\n{lock_holders}\n\n" if lock_holders else ""
    body = (
        f"DAG:         {dag_id}\n"
        f"Task:        {task_id}\n"
        f"Batch date:  {batch}\n"
        f"Try:         {try_number} of {max_tries} (no retries left)\n"
        f"Error:       {line}\n"
        f"Log:         {log_url}\n\n"
        f"{held}"
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


def stale_data_alert(*, check_date: str, summary: str, critical: list[str], findings: list[tuple[str, str]]) -> Alert:
    """The freshness check's CRITICAL message. critical: the critical findings' short names (the subject);
    findings: (finding, what to do) for each finding, worst first; summary: the check's table."""
    steps = "\n".join(f"{n}. {finding}\n   What to do: {todo}" for n, (finding, todo) in enumerate(findings, 1))
    body = (
        f"The freshness check of {check_date} (JST) found:\n{steps}\n\n"
        f"Every check:\n{summary}\n\n"
        f"Trigger tokyobeta_oncall_check_freshness (date {check_date}) or clear check_freshness to check again.\n"
    )
    return Alert("stale_data", _subject(f"[tokyobeta] STALE DATA {check_date}: {', '.join(critical)}"), body)


def stale_warn_alert(*, check_date: str, summary: str, findings: list[tuple[str, str]]) -> Alert:
    """The freshness check's WARNING message (sent once per check date): the same body, its own subject."""
    body = stale_data_alert(check_date=check_date, summary=summary, critical=[], findings=findings).body
    return Alert("stale_warn", _subject(f"[tokyobeta] STALE DATA WARN {check_date}"), body)


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


def dbt_node_table(task_id: str) -> str | None:
    """silver.stg_tenants_model_build -> silver.stg_tenants (a Cosmos task id: the layer's group, then the node)."""
    layer, _, node = task_id.partition(".")
    if layer not in (config.SILVER, config.GOLD) or not node:
        return None
    return f"{layer}.{re.sub(r'_(model|seed)_(build|run)$', '', node)}"


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
