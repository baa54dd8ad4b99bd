"""Finding a batch's dump in S3 (the harness's moto server): one of `.sql` / `.sql.gz`, never both. locate_dump
and the load task refuse a dump present in both forms, naming both objects."""

from __future__ import annotations

import datetime as dt
import pickle
from types import SimpleNamespace

import pendulum
import pytest

from tokyobeta_etl.staging.s3_source import DumpAmbiguousError, DumpMissingError, locate_dump

BATCH = dt.date(2026, 2, 10)
PREFIX = "dumps/"
ADVICE = "delete the one that is not the dump (the pipeline will not guess)"


def put(s3, bucket: str, *keys: str) -> None:
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"-- dump\n")


def both_message(bucket: str, stem: str, ymd: str) -> str:
    return f"both s3://{bucket}/dumps/{stem}_{ymd}.sql and s3://{bucket}/dumps/{stem}_{ymd}.sql.gz exist; {ADVICE}"


# --- locate_dump ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True], ids=["sql", "sql.gz"])
def test_locate_finds_the_one_form_present(s3_client, dump_bucket, gz):
    key = "dumps/movings_20260210.sql" + (".gz" if gz else "")
    put(s3_client, dump_bucket, key)
    obj = locate_dump(s3_client, dump_bucket, PREFIX, "movings", BATCH)
    assert (obj.key, obj.gzip, obj.size, obj.url) == (key, gz, 8, f"s3://{dump_bucket}/{key}")


def test_locate_names_both_keys_when_none_is_there(s3_client, dump_bucket):
    with pytest.raises(DumpMissingError) as err:
        locate_dump(s3_client, dump_bucket, PREFIX, "movings", BATCH)
    assert str(err.value) == (
        f"dump movings for batch 2026-02-10 not found: no s3://{dump_bucket}/dumps/movings_20260210.sql or "
        f"s3://{dump_bucket}/dumps/movings_20260210.sql.gz"
    )


def test_locate_refuses_a_dump_present_in_both_forms(s3_client, dump_bucket):
    put(s3_client, dump_bucket, "dumps/movings_20260210.sql", "dumps/movings_20260210.sql.gz")
    with pytest.raises(DumpAmbiguousError) as err:
        locate_dump(s3_client, dump_bucket, PREFIX, "movings", BATCH)
    assert str(err.value) == (
        f"dump movings for batch 2026-02-10 is ambiguous: {both_message(dump_bucket, 'movings', '20260210')}"
    )
    plain, packed = (f"s3://{dump_bucket}/dumps/movings_20260210.sql{ext}" for ext in ("", ".gz"))
    assert err.value.urls == (plain, packed)
    again = pickle.loads(pickle.dumps(err.value))  # Airflow hands exceptions between processes
    assert (type(again), str(again), again.urls) == (DumpAmbiguousError, str(err.value), err.value.urls)
    # the other stems and dates are untouched by it
    put(s3_client, dump_bucket, "dumps/tenants_20260210.sql.gz")
    assert locate_dump(s3_client, dump_bucket, PREFIX, "tenants", BATCH).gzip is True


# --- the load task --------------------------------------------------------------------------------------------------


def test_the_load_task_fails_at_once_without_retries_on_an_ambiguous_dump(airflow_env, s3_client, dump_bucket):
    from airflow.exceptions import AirflowFailException

    from tokyobeta_etl.staging.load_task import load_dump_task

    put(s3_client, dump_bucket, "dumps/rooms_20260210.sql", "dumps/rooms_20260210.sql.gz")
    fired = pendulum.datetime(2026, 2, 10, 7, tz="Asia/Tokyo")
    with pytest.raises(AirflowFailException) as err:  # not retried, as a missing dump
        load_dump_task("rooms", {}, fired, "manual__probe", SimpleNamespace(try_number=1))
    assert isinstance(err.value.__cause__, DumpAmbiguousError)
    expected = f"dump rooms for batch 2026-02-10 is ambiguous: {both_message(dump_bucket, 'rooms', '20260210')}"
    assert str(err.value) == expected
