"""Seven simulated days through the daily DAG (staging) and `dbt build --select tag:silver` (silver), real servers.

One module-scoped week: each day is published by run_batch, then silver is built for it with the batch schema the
DAG will pass (resolved from the batch tags, as tokyobeta_etl's `batch_schema` macro does). The tests then compare
silver with the simulator's ground truth, re-run days, and break rows to prove the custom dbt tests can fail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from contextlib import closing
from dataclasses import dataclass, field

import pytest

from harness import warehouse as wh
from harness.dbt_runner import DbtResult, query
from harness.runs import daily_dag, run_batch, task_states
from tokyobeta_etl.contract import DEFAULT_BUCKET, DUMP_FILES, MOVEIN_STATUSES

pytestmark = pytest.mark.slow

DAY1 = dt.date(2026, 2, 9)
DAYS = 7
SEED, SCALE = 7, 0.05
BATCH_TABLES = ("movings", "tenants", "rooms")  # what the silver history models read from the batch schema
HISTORY = ("silver.tenant_room_snapshot_daily", "silver.room_count_daily")


@dataclass
class Week:
    days: list[dt.date]
    truths: list[dict]
    statuses: list[dict[int, tuple[int, int]]]  # per day: tenant id -> (status, contract_type), from the simulator
    builds: list[DbtResult] = field(default_factory=list)
    fingerprints: list[dict[str, str]] = field(default_factory=list)
    history_rows: list[dict[str, str]] = field(default_factory=list)  # per day: history table -> digest of that date


def resolved_batch_schema(server, day: dt.date) -> str:
    """The `batch_schema` var the DAG passes: where the batch's tables are now (published first, else load area)."""
    from tokyobeta_etl.staging import generations

    with closing(server.connect()) as conn, closing(conn.cursor()) as cur:
        published, loaded = generations.read_generations(cur)
    return generations.batch_schema(day, published, loaded, BATCH_TABLES)


def date_digest(server, table: str, day: dt.date) -> str:
    h = hashlib.sha256()
    for row in query(server, f"SELECT * FROM {table} WHERE snapshot_date = %s ORDER BY 1, 2", (day,)):
        h.update(repr(row).encode())
    return h.hexdigest()


def simulate_week(s3) -> Week:
    """The week's dumps into S3 (as harness.runs.simulate_to_s3 writes them), its truth, and every tenant's
    (status, contract_type) on each dump date straight from the simulator's state."""
    from tokyobeta_etl.sim import DumpOptions, S3Sink, Simulator
    from tokyobeta_etl.sim.engine import file_name

    sink, options = S3Sink(DEFAULT_BUCKET, "dumps/", client=s3), DumpOptions()
    sim = Simulator(DAY1, seed=SEED, scale=SCALE)
    week = Week([], [], [])
    for index in range(DAYS):
        if index:
            sim.advance()
        for stem in DUMP_FILES:
            sink.put(file_name(stem, sim.today, options), sim.dump(stem, options))
        week.days.append(sim.today)
        week.truths.append(sim.truth())
        week.statuses.append({t.id: (t.status, t.contract_type) for t in sim.state.tenants})
    return week


def build_day(server, dbt, day: dt.date, expect_schema: str) -> DbtResult:
    schema = resolved_batch_schema(server, day)
    assert schema == expect_schema
    return dbt.build_silver(day, schema)


@pytest.fixture(scope="module")
def dag(airflow_env):
    """The daily DAG up to and including publish_staging: staging only (silver is built here with dbt directly)."""
    return daily_dag().partial_subset(
        task_ids_or_regex="^publish_staging$", include_upstream=True, include_downstream=False
    )


@pytest.fixture(scope="module")
def week(mysql_server, etl_user, moto_server, dag, dbt) -> Week:
    wh.reset(mysql_server)
    moto_server.reset()
    s3 = moto_server.client("s3")
    s3.create_bucket(Bucket=DEFAULT_BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    week = simulate_week(s3)
    for day in week.days:
        run = run_batch(dag, day)
        assert run.state == "success", task_states(run)
        week.builds.append(build_day(mysql_server, dbt, day, "staging"))
        week.fingerprints.append(wh.fingerprint(mysql_server, ("silver",)))
        week.history_rows.append({t: date_digest(mysql_server, t, day) for t in HISTORY})
    return week


def test_every_day_builds_with_all_dbt_tests_passing(week):
    for day, build in zip(week.days, week.builds, strict=True):
        assert build.failed() == {}, (day, build.tail())
        assert build.warned() == [], (day, build.warned())
        assert any(k.startswith("test.tokyobeta.one_primary_per_occupied_room") for k in build.statuses())


def test_every_day_matches_the_simulators_truth(week, mysql_server):
    movein = ", ".join(str(s) for s in sorted(MOVEIN_STATUSES))
    for day, truth in zip(week.days, week.truths, strict=True):
        rows, primary, moveins, moveouts = query(
            mysql_server,
            "SELECT COUNT(*), SUM(is_room_primary), "
            f"COUNT(DISTINCT CASE WHEN management_status_code IN ({movein}) AND move_in_date = snapshot_date "
            "THEN CONCAT(apartment_id, '/', room_id) END), "
            "COUNT(DISTINCT CASE WHEN moveout_plans_date = snapshot_date THEN CONCAT(apartment_id, '/', room_id) END) "
            "FROM silver.tenant_room_snapshot_daily WHERE snapshot_date = %s",
            (day,),
        )[0]
        assert (rows, primary) == (truth["snapshot_rows"], truth["occupied_rooms"]), day
        assert (moveins, moveouts) == (truth["new_moveins"], truth["new_moveouts"]), day
        total = query(mysql_server, "SELECT total_rooms FROM silver.room_count_daily WHERE snapshot_date = %s", (day,))
        assert total == [(truth["total_rooms"],)], day
    # the full-rebuild models hold the latest batch
    latest = week.truths[-1]["row_counts"]
    for table in ("movings", "tenants", "apartments", "rooms", "inquiries"):
        assert wh.count(mysql_server, f"silver.stg_{table}") == latest[table], table
    assert query(mysql_server, "SELECT MIN(snapshot_date), MAX(snapshot_date) FROM silver.room_count_daily") == [
        (week.days[0], week.days[-1])
    ]


def test_status_history_reproduces_the_simulators_status_changes(week, mysql_server):
    expected: dict[int, list[tuple]] = {}
    for day, statuses in zip(week.days, week.statuses, strict=True):
        for tenant, pair in statuses.items():
            periods = expected.setdefault(tenant, [])
            if not periods or periods[-1][1:] != pair:
                periods.append((day, *pair))
    got: dict[int, list[tuple]] = {}
    for tenant, valid_from, status, contract_type in query(
        mysql_server,
        "SELECT tenant_id, valid_from, management_status_code, legacy_contract_type "
        "FROM silver.tenant_status_history ORDER BY tenant_id, valid_from",
    ):
        got.setdefault(tenant, []).append((valid_from, status, contract_type))
    assert got == expected
    changed = sum(1 for periods in expected.values() if len(periods) > 1)
    assert changed >= 10, "the week should hold status changes to compare"
    current = query(mysql_server, "SELECT COUNT(*) FROM silver.tenant_status_history WHERE valid_to IS NULL")
    assert current == [(len(expected),)]


def test_rerunning_the_latest_day_leaves_silver_identical(week, mysql_server, dag, dbt):
    run = run_batch(dag, week.days[-1])
    assert run.state == "success", task_states(run)
    build = build_day(mysql_server, dbt, week.days[-1], "staging")
    assert build.failed() == {}, build.tail()
    assert wh.fingerprint(mysql_server, ("silver",)) == week.fingerprints[-1]


def test_a_past_day_rerun_rebuilds_its_history_from_its_own_batch(week, mysql_server, dag, dbt):
    day3 = week.days[2]
    run = run_batch(dag, day3)  # loads day 3 into staging_load and keeps day 7 published
    assert run.state == "success", task_states(run)
    build = build_day(mysql_server, dbt, day3, "staging_load")
    assert build.failed() == {}, build.tail()
    # day 3's history rows are exactly the first run's; stg_*, int_contracts and tenant_status_history still show
    # day 7; every other date is untouched: silver as a whole is what it was after day 7.
    assert {t: date_digest(mysql_server, t, day3) for t in HISTORY} == week.history_rows[2]
    assert wh.fingerprint(mysql_server, ("silver",)) == week.fingerprints[-1]


def _failures(result: DbtResult) -> dict[str, int]:
    """test name (without its hash) -> failing rows, for the tests that failed."""
    return {
        r["unique_id"].split(".")[2]: int(r["failures"]) for r in result.run_results["results"] if r["status"] == "fail"
    }


def test_broken_rows_fail_the_custom_tests(week, mysql_server, dbt):
    """Break the built tables in three ways, run the two models' tests once, expect exactly those failures."""
    day = week.days[-1]
    columns = [r[0] for r in query(mysql_server, "SHOW COLUMNS FROM silver.tenant_room_snapshot_daily")]
    # 1. a second is_room_primary row for an occupied room: a copy of a primary row under another tenant id
    (primary_tenant,) = query(
        mysql_server,
        "SELECT MIN(tenant_id) FROM silver.tenant_room_snapshot_daily WHERE snapshot_date = %s AND is_room_primary = 1",
        (day,),
    )[0]
    intruder = 10_000_000
    copy = ", ".join(str(intruder) if c == "tenant_id" else c for c in columns)
    # 2. a primary row in a room whose tenants are applicants only (no physically present tenant)
    rooms_without_present = query(
        mysql_server,
        "SELECT MIN(tenant_id) FROM silver.tenant_room_snapshot_daily WHERE snapshot_date = %s "
        "GROUP BY apartment_id, room_id HAVING MAX(is_present) = 0 ORDER BY 1 LIMIT 1",
        (day,),
    )
    assert rooms_without_present, "the week should hold rooms with applicants only"
    applicant = rooms_without_present[0][0]
    # 3. SCD2: a hole (a closed period ending a day early) and a current period flagged not current
    (tenant, valid_from, valid_to) = query(
        mysql_server,
        "SELECT tenant_id, valid_from, valid_to FROM silver.tenant_status_history "
        "WHERE valid_to IS NOT NULL ORDER BY tenant_id, valid_from LIMIT 1",
    )[0]
    (other,) = query(
        mysql_server,
        "SELECT MIN(tenant_id) FROM silver.tenant_status_history WHERE is_current = 1 AND tenant_id <> %s",
        (tenant,),
    )[0]
    snap = "silver.tenant_room_snapshot_daily"
    hole = f"tenant_id = {tenant} AND valid_from = '{valid_from}'"
    mysql_server.execute(
        f"INSERT INTO {snap} ({', '.join(columns)}) SELECT {copy} FROM {snap} "
        f"WHERE snapshot_date = '{day}' AND tenant_id = {primary_tenant}",
        f"UPDATE {snap} SET is_room_primary = 1 WHERE snapshot_date = '{day}' AND tenant_id = {applicant}",
        f"UPDATE silver.tenant_status_history SET valid_to = DATE_SUB(valid_to, INTERVAL 1 DAY) WHERE {hole}",
        f"UPDATE silver.tenant_status_history SET is_current = 0 WHERE tenant_id = {other} AND is_current = 1",
    )
    try:
        result = dbt.run(
            "test",
            "--select",
            "tenant_room_snapshot_daily",
            "tenant_status_history",
            vars={"batch_date": str(day)},
            check=False,
        )
        assert not result.ok
        assert _failures(result) == {
            "one_primary_per_occupied_room_tenant_room_snapshot_daily_": 2,
            "scd2_periods_contiguous_tenant_status_history_tenant_id": 1,
            # the shortened period now ends before its last snapshot: caught twice
            "tenant_status_history_last_snapshot_inside_its_period": 1,
            "scd2_current_flag_tenant_status_history_tenant_id": 1,
        }, result.tail()
    finally:
        mysql_server.execute(
            f"DELETE FROM {snap} WHERE snapshot_date = '{day}' AND tenant_id = {intruder}",
            f"UPDATE {snap} SET is_room_primary = 0 WHERE snapshot_date = '{day}' AND tenant_id = {applicant}",
            f"UPDATE silver.tenant_status_history SET valid_to = '{valid_to}' WHERE {hole}",
            f"UPDATE silver.tenant_status_history SET is_current = 1 WHERE tenant_id = {other} AND valid_to IS NULL",
        )
    # everything put back exactly
    assert wh.fingerprint(mysql_server, ("silver",)) == week.fingerprints[-1]
