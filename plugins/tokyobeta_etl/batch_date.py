"""The one definition of a run's batch date: the run param `batch_date` when given, else the Asia/Tokyo calendar date
of `data_interval_end`.

The run that fires 2026-02-10 07:00 JST has data_interval_end 2026-02-10 07:00 JST and loads the `_20260210` dumps.
Its logical date (data_interval_start) is the day before, 07:00 JST: `airflow dags backfill -s
2026-02-09T07:00:00+09:00` starts at batch 02-10 (a bare `-s 2026-02-09` is midnight UTC and starts at 02-11).

A manual run for one batch date passes `{"batch_date": "YYYY-MM-DD"}` and keeps the logical date Airflow gives it
(the trigger time): it never takes the logical date of a scheduled run, so no scheduled day is lost to it.
"""

from __future__ import annotations

import datetime as dt
import re

import pendulum

from tokyobeta_etl.config import DAILY_FIRE_JST, DAILY_START_DATE, TIMEZONE

BATCH_DATE_PARAM = "batch_date"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class BatchDateRefused(ValueError):
    """A `batch_date` run param outside what may be loaded."""


def batch_date_of(data_interval_end: dt.datetime) -> dt.date:
    if data_interval_end.tzinfo is None:
        raise ValueError("data_interval_end must be timezone-aware")
    return pendulum.instance(data_interval_end).in_timezone(TIMEZONE).date()


def today_jst() -> dt.date:
    """A plain date (pendulum's Date subclass would leak into code that dispatches on type, such as the simulator)."""
    now = pendulum.now(TIMEZONE)
    return dt.date(now.year, now.month, now.day)


def allowed_range(today: dt.date) -> str:
    return f"from {DAILY_START_DATE} (the DAG's start date) to {today} (today in {TIMEZONE})"


def check_batch_date(value: object, today: dt.date) -> dt.date | None:
    """The `batch_date` param as a date (None when not given), or BatchDateRefused naming the param and the range."""
    if value is None or value == "":
        return None
    try:  # exactly YYYY-MM-DD, as the param's JSON schema (format: date) has it
        day = dt.datetime.strptime(str(value), "%Y-%m-%d").date() if ISO_DATE.fullmatch(str(value)) else None
    except ValueError:
        day = None
    if day is None:
        raise BatchDateRefused(f"{BATCH_DATE_PARAM} must be a date YYYY-MM-DD {allowed_range(today)}, got {value!r}")
    if not DAILY_START_DATE <= day <= today:
        raise BatchDateRefused(
            f"{BATCH_DATE_PARAM} {day} is outside the dates that can be loaded: {allowed_range(today)}"
        )
    return day


def run_batch_date(params: dict | None, data_interval_end: dt.datetime, today: dt.date | None = None) -> dt.date:
    """The batch date a run loads: its `batch_date` param, else the JST date of its data_interval_end."""
    chosen = check_batch_date((params or {}).get(BATCH_DATE_PARAM), today or today_jst())
    return chosen if chosen is not None else batch_date_of(data_interval_end)


def batch_ymd(params: dict | None, data_interval_end: dt.datetime) -> str:
    """YYYYMMDD, as in the dump keys."""
    return run_batch_date(params, data_interval_end).strftime("%Y%m%d")


def batch_iso(params: dict | None, data_interval_end: dt.datetime) -> str:
    """YYYY-MM-DD, as in SQL and dbt vars."""
    return run_batch_date(params, data_interval_end).isoformat()


def logical_date_for_batch(batch: dt.date) -> pendulum.DateTime:
    """The logical date (data_interval_start) of the scheduled run that loads `batch`: the day before, at the daily
    fire time (config.DAILY_FIRE_JST).
    For backfills and tests only: a manual run must never be given a scheduled run's logical date."""
    hour, minute = DAILY_FIRE_JST
    return pendulum.datetime(batch.year, batch.month, batch.day, hour, minute, tz=TIMEZONE).subtract(days=1)
