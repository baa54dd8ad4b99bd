"""The on-call DAGs' task callables: each runs one on-call command (tokyobeta_etl.oncall_reports, the same code as
the command line), logs its report as a table and fails, with the usual alert, on a finding that needs action."""

from __future__ import annotations

import datetime as dt
import logging

from airflow.exceptions import AirflowFailException

from tokyobeta_etl import oncall_reports
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


# Each on-call DAG's command task, by task id.
CALLABLES = {
    "check_freshness": check_freshness_callable,
    "verify_row_counts": verify_row_counts_callable,
    "reload": reload_callable,
    "restore_backup": restore_backup_callable,
    "show_locks": show_locks_callable,
}
