"""The one definition of a run's batch date: the Asia/Tokyo calendar date of `data_interval_end`.

The run that fires 2026-02-10 07:00 JST has data_interval_end 2026-02-10 07:00 JST and loads the `_20260210` dumps.
Its logical date (data_interval_start) is the day before, 07:00 JST: `airflow dags backfill -s
2026-02-09T07:00:00+09:00` starts at batch 02-10 (a bare `-s 2026-02-09` is midnight UTC and starts at 02-11).
"""

from __future__ import annotations

import datetime as dt

import pendulum

from tokyobeta_etl.config import TIMEZONE


def batch_date_of(data_interval_end: dt.datetime) -> dt.date:
    if data_interval_end.tzinfo is None:
        raise ValueError("data_interval_end must be timezone-aware")
    return pendulum.instance(data_interval_end).in_timezone(TIMEZONE).date()


def batch_ymd(data_interval_end: dt.datetime) -> str:
    """YYYYMMDD, as in the dump keys."""
    return batch_date_of(data_interval_end).strftime("%Y%m%d")


def batch_iso(data_interval_end: dt.datetime) -> str:
    """YYYY-MM-DD, as in SQL and dbt vars."""
    return batch_date_of(data_interval_end).isoformat()


def logical_date_for_batch(batch: dt.date) -> pendulum.DateTime:
    """The logical date (data_interval_start) of the scheduled run that loads `batch`: the day before, 07:00 JST."""
    return pendulum.datetime(batch.year, batch.month, batch.day, 7, tz=TIMEZONE).subtract(days=1)
