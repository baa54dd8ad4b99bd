"""The on-call engineer's alert messages, built by pure functions: what failed, for which batch date, the error's
first line, the log, and what to do next. tokyobeta_etl.alerts sends them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tokyobeta_etl import config, db_session
from tokyobeta_etl.loading.s3_source import AMBIGUITY_ADVICE

SUBJECT_MAX = 100  # SNS refuses longer subjects


@dataclass(frozen=True)
class Alert:
    kind: str  # task_failed, sla_missed, run_timed_out, stale_data
    subject: str
    body: str


def subject_line(text: str) -> str:
    text = " ".join(text.split())  # SNS subjects are one line of printable ASCII or UTF-8 text
    return text if len(text) <= SUBJECT_MAX else text[: SUBJECT_MAX - 1] + "…"


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
    return Alert("task_failed", subject_line(f"[tokyobeta] FAILED {dag_id}.{task_id} batch {batch}"), body)


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
    return Alert("sla_missed", subject_line(f"[tokyobeta] SLA MISSED {dag_id}: not finished by {deadline}"), body)


def run_timeout_alert(*, dag_id: str, run_id: str, batch: str, timeout: str, unfinished: list[str]) -> Alert:
    body = (
        f"DAG:        {dag_id}\n"
        f"Run:        {run_id}\n"
        f"Batch date: {batch}\n"
        f"The run did not finish within {timeout} and was stopped.\n"
        f"Unfinished tasks: {', '.join(unfinished) or '-'}\n\n"
        "What to do:\nClear the run (or its unfinished tasks) once the cause is fixed: every task is idempotent.\n"
    )
    return Alert("run_timed_out", subject_line(f"[tokyobeta] TIMED OUT {dag_id} batch {batch}"), body)


def stale_data_alert(*, check_date: str, summary: str, critical: list[str], findings: list[tuple[str, str]]) -> Alert:
    """The freshness check's CRITICAL message. critical: the critical findings' short names (the subject);
    findings: (finding, what to do) for each finding, worst first; summary: the check's table."""
    steps = "\n".join(f"{n}. {finding}\n   What to do: {todo}" for n, (finding, todo) in enumerate(findings, 1))
    body = (
        f"The freshness check of {check_date} (JST) found:\n{steps}\n\n"
        f"Every check:\n{summary}\n\n"
        f"Trigger tokyobeta_oncall_check_freshness (date {check_date}) or clear check_freshness to check again.\n"
    )
    return Alert("stale_data", subject_line(f"[tokyobeta] STALE DATA {check_date}: {', '.join(critical)}"), body)


def stale_warn_alert(*, check_date: str, summary: str, findings: list[tuple[str, str]]) -> Alert:
    """The freshness check's WARNING message (sent once per check date): the same body, its own subject."""
    body = stale_data_alert(check_date=check_date, summary=summary, critical=[], findings=findings).body
    return Alert("stale_warn", subject_line(f"[tokyobeta] STALE DATA WARN {check_date}"), body)


def dbt_node_table(task_id: str) -> str | None:
    """silver.stg_tenants_model_build -> silver.stg_tenants (a Cosmos task id: the layer's group, then the node)."""
    layer, _, node = task_id.partition(".")
    if layer not in (config.SILVER, config.GOLD) or not node:
        return None
    return f"{layer}.{re.sub(r'_(model|seed)_(build|run)$', '', node)}"
