"""Finding a batch's dump in S3 (the harness's moto server): one of `.sql` / `.sql.gz`, never both. locate_dump,
the load task and the dump sensor each refuse a dump present in both forms, naming both objects."""

from __future__ import annotations

import datetime as dt
import pickle
from types import SimpleNamespace

import pendulum
import pytest

from harness.dump_sensor import context_for, sensor_for, tomorrow
from tokyobeta_etl.data_contract import DUMP_FILES
from tokyobeta_etl.loading.s3_source import DumpAmbiguousError, DumpMissingError, locate_dump

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

    from tokyobeta_etl.loading.load_task import load_dump_task

    put(s3_client, dump_bucket, "dumps/rooms_20260210.sql", "dumps/rooms_20260210.sql.gz")
    fired = pendulum.datetime(2026, 2, 10, 7, tz="Asia/Tokyo")
    with pytest.raises(AirflowFailException) as err:  # not retried, as a missing dump
        load_dump_task("rooms", {}, fired, "manual__probe", SimpleNamespace(try_number=1))
    assert isinstance(err.value.__cause__, DumpAmbiguousError)
    expected = f"dump rooms for batch 2026-02-10 is ambiguous: {both_message(dump_bucket, 'rooms', '20260210')}"
    assert str(err.value) == expected


# --- the dump sensor ------------------------------------------------------------------------------------------------


def test_the_sensor_waits_for_missing_dumps_before_the_deadline(airflow_env, s3_client, dump_bucket):
    batch = tomorrow()
    put(s3_client, dump_bucket, f"dumps/movings_{batch:%Y%m%d}.sql")
    sensor = sensor_for(dump_bucket, batch)
    assert sensor.poke(context_for(batch)) is False
    assert sensor.missing_keys() == [f"dumps/{stem}_{batch:%Y%m%d}.sql" for stem in ("tenants", "rooms", "inquiries")]
    assert sensor.ambiguous_keys() == []


def test_the_sensor_fails_at_once_on_a_dump_in_both_forms_before_the_deadline(airflow_env, s3_client, dump_bucket):
    from airflow.exceptions import AirflowFailException

    batch = tomorrow()
    ymd = f"{batch:%Y%m%d}"
    put(s3_client, dump_bucket, f"dumps/movings_{ymd}.sql", f"dumps/movings_{ymd}.sql.gz")  # the others not there yet
    with pytest.raises(AirflowFailException) as err:
        sensor_for(dump_bucket, batch).poke(context_for(batch))
    assert str(err.value) == (
        f"dumps for batch {batch} are ambiguous: {both_message(dump_bucket, 'movings', ymd)}. Then clear this task."
    )


def test_the_sensor_fails_on_every_dump_in_both_forms_even_when_all_are_there(airflow_env, s3_client, dump_bucket):
    from airflow.exceptions import AirflowFailException

    ymd = f"{BATCH:%Y%m%d}"
    put(s3_client, dump_bucket, *(f"dumps/{stem}_{ymd}.sql" for stem in DUMP_FILES))
    put(s3_client, dump_bucket, f"dumps/rooms_{ymd}.sql.gz", f"dumps/inquiries_{ymd}.sql.gz")
    sensor = sensor_for(dump_bucket, BATCH)
    assert sensor.missing_keys() == []
    with pytest.raises(AirflowFailException) as err:
        sensor.poke(context_for(BATCH))
    assert str(err.value) == (
        f"dumps for batch 2026-02-10 are ambiguous: {both_message(dump_bucket, 'rooms', ymd)}; "
        f"{both_message(dump_bucket, 'inquiries', ymd)}. Then clear this task."
    )


def test_the_sensor_passes_with_one_form_of_each_dump(airflow_env, s3_client, dump_bucket):
    ymd = f"{BATCH:%Y%m%d}"
    put(
        s3_client, dump_bucket, *(f"dumps/{stem}_{ymd}.sql" + (".gz" if stem == "rooms" else "") for stem in DUMP_FILES)
    )
    assert sensor_for(dump_bucket, BATCH).poke(context_for(BATCH)) is True


def test_the_sensor_does_not_take_an_upload_in_progress_for_a_dump(airflow_env, s3_client, dump_bucket):
    batch = tomorrow()
    ymd = f"{batch:%Y%m%d}"
    put(s3_client, dump_bucket, *(f"dumps/{stem}_{ymd}.sql" for stem in DUMP_FILES if stem != "rooms"))
    put(s3_client, dump_bucket, f"dumps/rooms_{ymd}.sql.tmp")  # matches the key pattern, but the load reads .sql
    sensor = sensor_for(dump_bucket, batch)
    assert sensor.poke(context_for(batch)) is False
    assert sensor.missing_keys() == [f"dumps/rooms_{ymd}.sql"]


def test_the_sensor_still_gives_up_at_the_deadline_naming_what_is_missing(airflow_env, s3_client, dump_bucket):
    from airflow.exceptions import AirflowSensorTimeout

    ymd = f"{BATCH:%Y%m%d}"  # long past its deadline
    put(s3_client, dump_bucket, *(f"dumps/{stem}_{ymd}.sql" for stem in DUMP_FILES if stem != "tenants"))
    with pytest.raises(AirflowSensorTimeout, match=rf"still missing at the deadline .*: s3://{dump_bucket}/dumps/"
                       rf"tenants_{ymd}.sql \(.sql or .sql.gz\)"):  # fmt: skip
        sensor_for(dump_bucket, BATCH).poke(context_for(BATCH))
