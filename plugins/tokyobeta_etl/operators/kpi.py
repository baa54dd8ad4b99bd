"""The KPI task of the daily DAG (after the gold marts)."""

from __future__ import annotations

from airflow.operators.python import PythonOperator

from tokyobeta_etl import config
from tokyobeta_etl.datasets import GOLD_DATASETS
from tokyobeta_etl.kpi.task import occupancy_kpi_task


def occupancy_kpis() -> PythonOperator:
    return PythonOperator(
        task_id="occupancy_kpis",
        python_callable=occupancy_kpi_task,
        execution_timeout=config.TASK_TIMEOUTS["kpi"],
        op_kwargs={
            "batch": "{{ tokyobeta.batch_iso(params, data_interval_end) }}",
            "lookback_days": "{{ params.lookback_days }}",
            "forward_days": "{{ params.forward_days }}",
        },
        outlets=list(GOLD_DATASETS.values()),  # the last writer of gold in the run
        doc_md="Rewrites `gold.occupancy_daily_metrics` for `[batch date - lookback_days, as_of + forward_days]` "
        "(facts up to the latest snapshot date as_of, projections after it) in one transaction; rows before the "
        "window stay. The rendered arguments and the XCom show the window and the rows written.",
    )
