"""What every DAG of the package gives its tasks: the owner and the once-only alert on a task's final failure."""

from __future__ import annotations

from tokyobeta_etl import alerts

OWNER = "data-platform"


def default_args(**settings) -> dict:
    """The shared defaults plus this DAG's own task settings (retries, back-off, SLA, time-outs)."""
    return {"owner": OWNER, "on_failure_callback": alerts.on_task_failure, **settings}
