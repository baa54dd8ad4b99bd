"""The daily DAG's dump sensor outside a DAG run, for tests that call its poke against the harness's S3."""

from __future__ import annotations

import datetime as dt

import pendulum

from harness.runs import fire_time
from tokyobeta_etl.data_contract import DUMP_FILES


def sensor_for(bucket: str, batch: dt.date, prefix: str = "dumps/"):
    from tokyobeta_etl.sensors import DumpSensor

    keys = [f"{prefix}{stem}_{batch:%Y%m%d}.sql*" for stem in DUMP_FILES]  # as dump_key_patterns() renders them
    return DumpSensor(task_id="wait_for_dumps_probe", bucket_name=bucket, bucket_key=keys, wildcard_match=True)


def context_for(batch: dt.date) -> dict:
    """What poke reads of the scheduled run that loads `batch`."""
    return {"params": {}, "data_interval_end": fire_time(batch)}


def tomorrow() -> dt.date:
    """A batch whose 10:00 JST deadline has not come: the sensor would wait for anything missing."""
    return pendulum.now("Asia/Tokyo").date() + dt.timedelta(days=1)
