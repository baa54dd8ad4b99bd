"""The on-call engineer's alert messages, built by pure functions: what failed, for which batch date, the error's
first line, the log, and what to do next. tokyobeta_etl.alerts sends them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tokyobeta_etl import config, db_session, runbook
from tokyobeta_etl.loading.s3_source import AMBIGUITY_ADVICE

SUBJECT_MAX = 100  # SNS refuses longer subjects


@dataclass(frozen=True)
class Alert:
    kind: str  # task_failed, sla_missed, run_timed_out, stale_data, stale_warn, running_long
    subject: str
    body: str


def subject_line(text: str) -> str:
    text = " ".join(text.split())  # SNS subjects are one line of printable ASCII or UTF-8 text
    return text if len(text) <= SUBJECT_MAX else text[: SUBJECT_MAX - 1] + "…"


def first_line(error: object) -> str:
    text = str(error or "").strip()
    return text.splitlines()[0] if text else "no error message recorded"


# The on-call DAGs' command tasks whose finding has its own "what to do", by task id.
ONCALL_FINDINGS = {entry.tasks[0]: runbook.plain(entry.todo) for entry in runbook.ONCALL_FINDINGS}


def next_step(task_id: str, error: str) -> str:
    """What the on-call engineer should do about a failed task (tokyobeta_etl.runbook): the error's kind first (a
    lock wait, a dump in S3 twice), whichever task it failed; then the task's own entry."""
    if db_session.is_lock_wait_timeout(error):
        return runbook.plain(runbook.LOCK_WAIT.todo)
    if AMBIGUITY_ADVICE in error:  # the sensor's or a load's refusal of a dump in S3 as both .sql and .sql.gz
        return runbook.plain(runbook.DUMP_TWICE.todo)
    entry = runbook.for_task(task_id)
    if entry is runbook.WAIT_FOR_DUMPS:
        keys = re.findall(r"s3://\S+?(?=[,\s]|$)", error)
        missing = "\n".join(f"  - {k}" for k in keys) or "  (see the task log)"
        return f"{runbook.plain(entry.todo)}\nMissing:\n{missing}"
    return runbook.plain(entry.todo)


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
        f"What to do:\n{runbook.plain(runbook.SLA_MISSED.todo)}\n"
    )
    return Alert("sla_missed", subject_line(f"[tokyobeta] SLA MISSED {dag_id}: not finished by {deadline}"), body)


def run_timeout_alert(*, dag_id: str, run_id: str, batch: str, timeout: str, unfinished: list[str]) -> Alert:
    body = (
        f"DAG:        {dag_id}\n"
        f"Run:        {run_id}\n"
        f"Batch date: {batch}\n"
        f"The run did not finish within {timeout} and was stopped.\n"
        f"Unfinished tasks: {', '.join(unfinished) or '-'}\n\n"
        f"What to do:\n{runbook.plain(runbook.RUN_TIMED_OUT.todo)}\n"
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
