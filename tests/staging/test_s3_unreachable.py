"""S3 out of reach (the harness's moto behind a TCP proxy that the test cuts): the dump sensor keeps waiting and says
which objects it could not look for, even past its deadline; a load whose read breaks mid-object fails naming the
object and how far it got, publishes nothing, stays retryable, and its retry loads the object whole."""

from __future__ import annotations

import datetime as dt
import logging
from types import SimpleNamespace

import pendulum
import pytest

from harness import airflow_env as airflow_env_mod
from harness import moto_server as mt
from harness import tcp_proxy
from harness.dbt_runner import query
from harness.dump_sensor import context_for, sensor_for, tomorrow
from harness.runs import simulate_to_s3
from tokyobeta_etl.admin import split_sql
from tokyobeta_etl.data_contract import DUMP_FILES
from tokyobeta_etl.loading.s3_source import DumpReadError

BATCH = dt.date(2026, 2, 10)
FIRED = pendulum.datetime(2026, 2, 10, 7, tz="Asia/Tokyo")
CREATE_SCHEMAS = "include/sql/staging/create_schemas.sql"


@pytest.fixture
def s3_link(airflow_env, mysql_server, etl_user, moto_server):
    """The pipeline's AWS connection routed through a proxy the test can cut; moto's own address again after."""
    proxy = tcp_proxy.start(moto_server.endpoint_url)
    mysql_url = mysql_server.url(etl_user.user, etl_user.password)
    airflow_env_mod.set_connections(mysql_url, proxy.url, mt.REGION)
    try:
        yield proxy
    finally:
        airflow_env_mod.set_connections(mysql_url, moto_server.endpoint_url, mt.REGION)
        proxy.stop()


def test_the_sensor_keeps_waiting_while_s3_is_unreachable_naming_the_objects(s3_link, s3_client, dump_bucket, caplog):
    batch = tomorrow()  # its deadline has not come
    for stem in DUMP_FILES:
        s3_client.put_object(Bucket=dump_bucket, Key=f"dumps/{stem}_{batch:%Y%m%d}.sql", Body=b"-- dump\n")
    sensor = sensor_for(dump_bucket, batch)
    s3_link.cut()
    with caplog.at_level(logging.WARNING):
        assert sensor.poke(context_for(batch)) is False  # not a failure: the day is not lost to a network blip
    warning = next(r.getMessage() for r in caplog.records if "S3 unreachable" in r.getMessage())
    for stem in DUMP_FILES:
        assert f"s3://{dump_bucket}/dumps/{stem}_{batch:%Y%m%d}.sql" in warning
    assert f"looking again in {sensor.poke_interval:.0f} s" in warning
    s3_link.restore()
    assert sensor.poke(context_for(batch)) is True


def test_past_the_deadline_an_unreachable_s3_is_looked_at_again_not_a_missing_dump(s3_link, dump_bucket, caplog):
    from airflow.exceptions import AirflowSensorTimeout

    sensor = sensor_for(dump_bucket, BATCH)  # long past its deadline: a look that finds nothing fails it at once
    s3_link.cut()
    with caplog.at_level(logging.WARNING):
        assert sensor.poke(context_for(BATCH)) is False  # S3 not answering says nothing about the dumps
    warning = next(r.getMessage() for r in caplog.records if "S3 unreachable" in r.getMessage())
    assert f"s3://{dump_bucket}/dumps/tenants_20260210.sql" in warning
    assert warning.endswith(f"(for at most {sensor.timeout / 3600:.0f} h from the first look)")
    s3_link.restore()
    with pytest.raises(AirflowSensorTimeout, match="still missing at the deadline"):
        sensor.poke(context_for(BATCH))  # S3 answers again: now missing is missing


@pytest.fixture
def schemas(warehouse, mysql_server, etl_user):
    from harness.warehouse import REPO

    statements = split_sql((REPO / CREATE_SCHEMAS).read_text(encoding="utf-8"))
    conn = mysql_server.connect(user=etl_user.user, password=etl_user.password)
    try:
        for statement in statements:
            conn.cursor().execute(statement)
    finally:
        conn.close()
    return mysql_server


def load_area_tables(server) -> set[str]:
    return {name for (name,) in query(server, "SHOW TABLES IN staging_load")}


def test_a_read_cut_mid_object_fails_naming_it_publishes_nothing_and_the_retry_loads_it_whole(
    s3_link, s3_client, dump_bucket, schemas
):
    from airflow.exceptions import AirflowFailException

    from tokyobeta_etl.loading.load_task import load_dump_task

    simulate_to_s3(s3_client, dump_bucket, BATCH, 1, scale=0.2)
    key = "dumps/tenants_20260210.sql"
    size = s3_client.head_object(Bucket=dump_bucket, Key=key)["ContentLength"]
    assert size > 1 << 18  # the cut, a third of the way in, lands well inside the object
    s3_link.cut_after(size // 3)
    with pytest.raises(DumpReadError) as err:
        load_dump_task("tenants", {}, FIRED, "manual__cut", SimpleNamespace(try_number=1))
    assert not isinstance(err.value, AirflowFailException)  # Airflow retries it
    assert str(err.value).startswith(f"reading s3://{dump_bucket}/{key} broke after ")
    assert f" of {size} bytes: " in str(err.value)
    assert s3_link.cuts == 1
    assert load_area_tables(schemas) == set()  # nothing half-loaded stays behind for publish
    audit = query(
        schemas, "SELECT table_name, outcome, error_message FROM ops.load_audit WHERE batch_date = %s", (BATCH,)
    )
    assert {(t, o) for t, o, _ in audit} == {(t, "failed") for t in DUMP_FILES["tenants"]}
    assert all(f"s3://{dump_bucket}/{key}" in message for *_, message in audit)

    s3_link.restore()
    result = load_dump_task("tenants", {}, FIRED, "manual__cut", SimpleNamespace(try_number=2))
    assert result["bytes"] == size and result["key"] == key
    assert load_area_tables(schemas) == set(DUMP_FILES["tenants"])
    for table, rows in result["rows"].items():
        assert query(schemas, f"SELECT COUNT(*) FROM staging_load.`{table}`")[0][0] == rows > 0
    audit = query(schemas, "SELECT outcome, try_number FROM ops.load_audit WHERE batch_date = %s", (BATCH,))
    assert set(audit) == {("loaded", 2)}
