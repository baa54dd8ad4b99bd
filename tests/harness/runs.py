"""Drive the daily DAG through Airflow, one batch date at a time, as `airflow dags test` does."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pendulum

REPO = Path(__file__).resolve().parents[2]
JST = "Asia/Tokyo"


def daily_dag():
    from airflow.models import DagBag

    bag = DagBag(dag_folder=str(REPO / "dags" / "tokyobeta_daily_etl.py"), include_examples=False)
    assert bag.import_errors == {}, bag.import_errors
    return bag.dags["tokyobeta_daily_etl"]


def fire_time(batch: dt.date) -> pendulum.DateTime:
    """The scheduled 07:00 JST fire time whose data_interval_end gives `batch`."""
    return pendulum.datetime(batch.year, batch.month, batch.day, 7, tz=JST)


def latest_fire_time(now: pendulum.DateTime) -> pendulum.DateTime:
    """The latest 07:00 JST at or before `now`: the end of the interval the scheduler runs first (catchup=False)."""
    fire = now.in_timezone(JST).replace(hour=7, minute=0, second=0, microsecond=0)
    return fire if fire <= now else fire.subtract(days=1)


STAGING_END = "publish_staging"


def run_batch(dag, batch: dt.date, conf: dict | None = None, until: str | None = STAGING_END):
    """A run for `batch` (in-process, task by task), of `until` and everything upstream of it; until=None runs the
    whole DAG. Staging tests stop at the publish: the dbt layers add minutes per run and have their own tests.
    Returns the DagRun; task failures do not raise."""
    logging.getLogger("airflow.task").setLevel(logging.WARNING)
    if until is not None:
        dag = dag.partial_subset(task_ids_or_regex=f"^{until}$", include_upstream=True, include_downstream=False)
    return dag.test(execution_date=fire_time(batch), run_conf=conf or {})


def task_states(run) -> dict[str, str]:
    return {ti.task_id: ti.state for ti in run.get_task_instances()}


def simulate_to_s3(
    s3_client,
    bucket: str,
    start: dt.date,
    days: int,
    *,
    seed: int = 7,
    scale: float = 0.05,
    prefix: str = "dumps/",
    **options,
):
    from tokyobeta_sim import DumpOptions, S3Sink, simulate

    return list(
        simulate(
            start,
            days,
            sink=S3Sink(bucket, prefix, client=s3_client),
            seed=seed,
            scale=scale,
            options=DumpOptions(**options),
        )
    )
