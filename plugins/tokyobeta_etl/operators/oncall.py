"""The on-call DAGs' tasks: each runs one on-call command (tokyobeta_etl.oncall_reports, the same code as the command
line), logs its report as a table and fails, with the usual alert, on a finding that needs action."""

from __future__ import annotations

import datetime as dt
import logging

from airflow.exceptions import AirflowFailException
from airflow.operators.python import PythonOperator

from tokyobeta_etl import config, oncall_reports
from tokyobeta_etl.batch_date import today_jst

log = logging.getLogger(__name__)


class FindingNeedsAction(AirflowFailException):
    """An on-call command found something to act on: the task fails without retries and alerts once."""


def finish(report: oncall_reports.Report) -> str:
    log.info("\n%s", report.text)
    if report.needs_action:
        raise FindingNeedsAction(report.finding)
    return report.text


def _date(value: str | None) -> dt.date:
    return dt.date.fromisoformat(value) if value else today_jst()


def check_freshness_callable(params: dict, **_) -> str:
    return finish(oncall_reports.freshness(_date(params["date"])))


def verify_row_counts_callable(**_) -> str:
    return finish(oncall_reports.row_counts())


def reload_callable(params: dict, **_) -> str:
    report = oncall_reports.reload(
        _date(params["batch_date"]),
        list(params["tables"]),
        check_only=bool(params["check_only"]),
        allow_shrink=bool(params["allow_shrink"]),
    )
    return finish(report)


def restore_backup_callable(params: dict, **_) -> str:
    batch = dt.date.fromisoformat(params["batch_date"]) if params["batch_date"] else None  # empty: the newest kept
    return finish(oncall_reports.restore_backup(params["table"] or None, batch))


def show_locks_callable(**_) -> str:
    return finish(oncall_reports.locks())


def command_task(task_id: str, callable_, doc_md: str) -> PythonOperator:
    timeout = config.TASK_TIMEOUTS["oncall_reload" if task_id == "reload" else "check"]
    return PythonOperator(
        task_id=task_id, python_callable=callable_, retries=0, execution_timeout=timeout, doc_md=doc_md
    )
