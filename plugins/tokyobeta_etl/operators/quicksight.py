"""QuickSight SPICE refresh after the KPIs: one ingestion per dataset id in `tokyobeta_quicksight_dataset_ids`."""

from __future__ import annotations

import logging

from airflow.operators.python import PythonOperator
from airflow.providers.amazon.aws.operators.quicksight import QuickSightCreateIngestionOperator

from tokyobeta_etl import config

log = logging.getLogger(__name__)


def parse_dataset_ids(raw: str | None) -> list[str]:
    """'a, b,,c' -> ['a', 'b', 'c'] (order kept, duplicates dropped)."""
    out: list[str] = []
    for part in (raw or "").split(","):
        if part.strip() and part.strip() not in out:
            out.append(part.strip())
    return out


def dataset_ids_task() -> list[str]:
    ids = parse_dataset_ids(config.setting("tokyobeta_quicksight_dataset_ids"))
    if ids:
        log.info("QuickSight datasets to refresh: %s", ", ".join(ids))
    else:
        log.warning(
            "No QuickSight dataset to refresh: the tokyobeta_quicksight_dataset_ids Variable is not set. "
            "refresh_quicksight is skipped."
        )
    return ids


class RefreshQuickSightDataset(QuickSightCreateIngestionOperator):
    """The provider's ingestion operator; whether it waits for the ingestion to finish is read when it runs, from
    `tokyobeta_quicksight_wait` (default true: a failed refresh fails the task and alerts)."""

    def pre_execute(self, context):
        self.wait_for_completion = parse_flag(config.setting("tokyobeta_quicksight_wait"))
        super().pre_execute(context)


def parse_flag(raw: str | None) -> bool:
    value = (raw or "").strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise ValueError(f"tokyobeta_quicksight_wait must be true or false, got {raw!r}")


def quicksight_refresh() -> tuple[PythonOperator, QuickSightCreateIngestionOperator]:
    datasets = PythonOperator(
        task_id="quicksight_datasets",
        python_callable=dataset_ids_task,
        execution_timeout=config.TASK_TIMEOUTS["check"],
        doc_md="Reads `tokyobeta_quicksight_dataset_ids` (comma-separated). None: the refresh below is skipped.",
    )
    refresh = RefreshQuickSightDataset.partial(
        task_id="refresh_quicksight",
        aws_conn_id=config.AWS_CONN_ID,
        # unique per run, dataset and try: a cleared task starts a new ingestion instead of colliding
        ingestion_id="tokyobeta-{{ ts_nodash }}-{{ ti.map_index }}-try{{ ti.try_number }}",
        ingestion_type="FULL_REFRESH",
        check_interval=30,
        execution_timeout=config.TASK_TIMEOUTS["quicksight"],
        sla=None,  # Airflow refuses SLAs on mapped tasks; the tasks before it carry the run's SLA
        doc_md="One SPICE full refresh per dataset (mapped over `quicksight_datasets`), waiting for it to finish "
        "unless `tokyobeta_quicksight_wait` is false.",
    ).expand(data_set_id=datasets.output)
    return datasets, refresh
