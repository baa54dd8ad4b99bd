"""QuickSight SPICE refresh after the KPIs: one ingestion per dataset id in `tokyobeta_quicksight_dataset_ids`
(tokyobeta_etl.quicksight reads the Variables)."""

from __future__ import annotations

from airflow.operators.python import PythonOperator
from airflow.providers.amazon.aws.operators.quicksight import QuickSightCreateIngestionOperator

from tokyobeta_etl import config, quicksight


class RefreshQuickSightDataset(QuickSightCreateIngestionOperator):
    """The provider's ingestion operator; whether it waits for the ingestion to finish is read when it runs, from
    `tokyobeta_quicksight_wait` (default true: a failed refresh fails the task and alerts)."""

    def pre_execute(self, context):
        self.wait_for_completion = quicksight.wait_for_refresh()
        super().pre_execute(context)


def quicksight_refresh() -> tuple[PythonOperator, QuickSightCreateIngestionOperator]:
    datasets = PythonOperator(
        task_id="quicksight_datasets",
        python_callable=quicksight.dataset_ids_task,
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
