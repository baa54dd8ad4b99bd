"""The freshness check: grading, the tables and dumps it reads, the 09:00 DAG's one SNS message, the command."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from tokyobeta_etl import freshness
from tokyobeta_etl.contract import DUMP_FILES

TODAY = dt.date(2026, 3, 10)


@pytest.mark.parametrize(
    ("latest", "level", "age"),
    [
        (TODAY, "ok", 0),
        (dt.datetime(2026, 3, 9, 23, 59), "ok", 1),
        (dt.date(2026, 3, 8), "warning", 2),
        (dt.date(2026, 3, 7), "critical", 3),
        (None, "critical", None),
    ],
)
def test_grade(latest, level, age):
    check = freshness.grade("t", latest, TODAY)
    assert (check.level, check.age_days) == (level, age)


def _tables(server, ages: dict[str, int]) -> None:
    """The four checked tables, each holding one row dated `age` days before TODAY."""
    d = {t: TODAY - dt.timedelta(days=a) for t, a in ages.items()}
    server.execute(
        "CREATE TABLE IF NOT EXISTS silver.tenant_room_snapshot_daily (snapshot_date DATE NOT NULL)",
        "CREATE TABLE IF NOT EXISTS gold.occupancy_daily_metrics (as_of_date DATE NOT NULL)",
        "SET SESSION sql_mode = ''",  # the placeholders' other NOT NULL columns take their implicit defaults
        f"INSERT INTO staging.movings (id, tenant_id, apartment_id, room_id, cancel_flag, is_moveout, updated_at) "
        f"VALUES (1, 1, 1, 1, 0, 0, '{d['staging.movings']} 05:00:00')",
        f"INSERT INTO staging.tenants (id, status, updated_at) VALUES (1, 9, '{d['staging.tenants']} 05:00:00')",
        f"INSERT INTO silver.tenant_room_snapshot_daily VALUES ('{d['silver.tenant_room_snapshot_daily']}')",
        f"INSERT INTO gold.occupancy_daily_metrics VALUES ('{d['gold.occupancy_daily_metrics']}')",
    )


def _dumps(s3, bucket: str, day: dt.date, skip: tuple[str, ...] = ()) -> None:
    for stem in DUMP_FILES:
        if stem not in skip:
            ext = ".sql.gz" if stem == "rooms" else ".sql"  # either form counts
            s3.put_object(Bucket=bucket, Key=f"dumps/{stem}_{day:%Y%m%d}{ext}", Body=b"-- dump\n")


@pytest.fixture
def checked(warehouse, dump_bucket, s3_client):
    from harness.dbt_runner import empty_warehouse

    empty_warehouse(warehouse)

    def run(ages: dict[str, int], skip: tuple[str, ...] = ()):
        _tables(warehouse, ages)
        _dumps(s3_client, dump_bucket, TODAY, skip)
        conn = warehouse.connect()
        try:
            return {c.name: c for c in freshness.run_checks(conn, s3_client, dump_bucket, "dumps/", TODAY)}
        finally:
            conn.close()

    return run


FRESH = dict.fromkeys(freshness.TABLE_CHECKS, 0)


def test_fresh_tables_and_dumps_pass(checked):
    checks = checked(FRESH)
    assert {c.level for c in checks.values()} == {"ok"}
    assert len(checks) == len(freshness.TABLE_CHECKS) + len(DUMP_FILES)
    assert checks["s3 dump rooms_20260310"].detail == "present: s3://jram-gghouse/dumps/rooms_20260310.sql.gz"


def test_tables_two_and_three_days_old_warn_and_are_critical(checked):
    checks = checked({**FRESH, "staging.tenants": 2, "gold.occupancy_daily_metrics": 3})
    assert checks["staging.tenants"].level == "warning"
    assert checks["gold.occupancy_daily_metrics"].level == "critical"
    assert checks["gold.occupancy_daily_metrics"].detail == "latest 2026-03-07 (3 days old)"
    assert freshness.worst(list(checks.values())) == "critical"


def test_a_missing_dump_is_reported(checked):
    checks = checked(FRESH, skip=("inquiries",))
    assert checks["s3 dump inquiries_20260310"].level == "critical"
    assert checks["s3 dump inquiries_20260310"].detail == "missing (.sql or .sql.gz)"


def test_an_empty_or_missing_table_is_critical(warehouse, dump_bucket, s3_client):
    from harness.dbt_runner import empty_warehouse

    empty_warehouse(warehouse)  # staging placeholders exist but are empty; silver and gold tables do not exist
    conn = warehouse.connect()
    try:
        checks = {c.name: c for c in freshness.table_checks(conn, TODAY)}
    finally:
        conn.close()
    assert checks["staging.movings"].detail == "no rows: nothing to date it by"
    assert checks["gold.occupancy_daily_metrics"].detail == "table does not exist"
    assert {c.level for c in checks.values()} == {"critical"}


def _freshness_run(day: dt.date):
    from airflow.models import DagBag

    from harness.runs import REPO

    bag = DagBag(dag_folder=str(REPO / "dags" / "tokyobeta_freshness_check.py"), include_examples=False)
    dag = bag.dags["tokyobeta_freshness_check"]
    return dag.test(execution_date=pendulum.datetime(day.year, day.month, day.day, 9, tz="Asia/Tokyo"))


def test_the_0900_dag_sends_one_message_when_critical_and_none_when_fresh(checked, topic):
    checked({**FRESH, "silver.tenant_room_snapshot_daily": 4})
    run = _freshness_run(TODAY)
    assert run.get_task_instance("check_freshness").state == "failed"
    (message,) = topic()  # the check's own alert; the failure callback does not add a second
    assert message["subject"] == "[tokyobeta] STALE DATA 2026-03-10: silver.tenant_room_snapshot_daily"
    assert "CRITICAL silver.tenant_room_snapshot_daily" in message["body"]
    assert "latest 2026-03-06 (4 days old)" in message["body"]


def test_the_0900_dag_is_green_and_silent_when_fresh(checked, topic):
    checked(FRESH)
    run = _freshness_run(TODAY)
    assert run.get_task_instance("check_freshness").state == "success"
    assert topic() == []


def test_the_command_exits_2_when_critical(checked, capsys):
    from tokyobeta_etl import oncall

    checked({**FRESH, "staging.movings": 5}, skip=("movings",))
    assert oncall.main(["check-freshness", "--date", TODAY.isoformat()]) == 2
    out = capsys.readouterr().out
    assert out.startswith("Freshness on 2026-03-10 (JST): CRITICAL")
    assert "CRITICAL s3 dump movings_20260310" in out
