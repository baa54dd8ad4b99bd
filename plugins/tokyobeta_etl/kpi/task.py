"""The daily DAG's KPI step: gold.occupancy_daily_metrics for the run's batch date and window parameters."""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import closing

from tokyobeta_etl import backups, config, db_session
from tokyobeta_etl.kpi.occupancy import compute_occupancy_metrics

log = logging.getLogger(__name__)
KPI_TABLE = f"{config.GOLD}.occupancy_daily_metrics"


def occupancy_kpi_task(batch: str, lookback_days: str | int, forward_days: str | int) -> dict:
    """Airflow callable: the arguments arrive rendered (the batch date as YYYY-MM-DD, the run params validated by
    the DAG's Param schema). Returns the run's summary (as_of, window, rows written) as the task's XCom."""
    with closing(db_session.connect()) as conn, db_session.blockers_named([KPI_TABLE]):
        summary = compute_occupancy_metrics(
            conn,
            dt.date.fromisoformat(batch),
            int(lookback_days),
            int(forward_days),
            computed_at=dt.datetime.now(dt.UTC),
            backup_generations=backups.generations_to_keep(),
        )
    log.info(
        "gold.occupancy_daily_metrics: batch %s, as_of %s, window %s..%s: %s fact rows, %s projection rows, "
        "%s rows deleted, %.3f s",
        summary["batch_date"],
        summary["as_of"],
        summary["window_start"],
        summary["window_end"],
        summary["fact_rows"],
        summary["projection_rows"],
        summary["deleted_rows"],
        summary["seconds"],
    )
    return summary
