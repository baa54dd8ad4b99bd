"""Failure callbacks. For now they log a clear, actionable message; SNS publishing arrives with the operations work."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def on_dump_sensor_failure(context) -> None:
    ti, err = context["task_instance"], context.get("exception")
    log.error(
        "ALERT tokyobeta: %s.%s failed for run %s: %s",
        ti.dag_id,
        ti.task_id,
        context.get("run_id"),
        err or "no exception recorded",
    )
