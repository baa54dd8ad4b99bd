"""The gold tables as Airflow Datasets: a downstream DAG can be scheduled on them (`schedule=[GOLD_DATASETS[...]]`).

The daily DAG's `occupancy_kpis` task, the last writer of gold in a run, lists them all as outlets: when it succeeds,
every gold table is fresh for the run's batch date.
"""

from __future__ import annotations

from airflow.datasets import Dataset

GOLD_TABLES = (
    "new_contracts",
    "moveouts",
    "moveout_notices",
    "moveout_analysis",
    "moveout_summary",
    "tenant_status_transitions",
    "occupancy_daily_metrics",
    "property_daily_metrics",
)


def gold_dataset(table: str) -> Dataset:
    if table not in GOLD_TABLES:
        raise KeyError(f"{table} is not a gold table: {', '.join(GOLD_TABLES)}")
    return Dataset(f"tokyobeta://gold/{table}")


GOLD_DATASETS = {table: gold_dataset(table) for table in GOLD_TABLES}
