"""KPIs computed in the warehouse: gold.occupancy_daily_metrics (CONTRACT.md section 6)."""

from tokyobeta_etl.kpi.occupancy import OccupancyInputError, compute_occupancy_metrics
from tokyobeta_etl.kpi.window import OccupancyWindow, check_run_params, occupancy_window

__all__ = [
    "OccupancyInputError",
    "OccupancyWindow",
    "check_run_params",
    "compute_occupancy_metrics",
    "occupancy_window",
]
