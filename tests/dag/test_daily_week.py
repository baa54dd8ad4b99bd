"""Ten simulated days through the daily DAG in a real Airflow (scheduler, LocalExecutor, PostgreSQL metadata DB):
staging, the Cosmos silver and gold groups (one task per dbt node) and the occupancy KPI task. Silver and gold are
checked against the simulator's truth, the KPI table against an independent oracle after every day. Then what the
on-call engineer does: clear a whole run, clear one model task, re-run a past day, and a code-table row broken on
purpose.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from harness import daily_week
from harness import warehouse as wh
from harness.airflow_cluster import alert_queue
from harness.dbt_runner import DbtResult, query
from harness.kpi_oracle import run as oracle_run
from harness.runs import fire_time
from tokyobeta_etl.contract import DEFAULT_BUCKET

pytestmark = pytest.mark.slow

DAG_ID = "tokyobeta_daily_etl"


def run_day(cluster, day: dt.date) -> str:
    """A manual run whose data interval ends at the day's 07:00 JST, i.e. batch `day`, as the scheduled run has."""
    run_id = cluster.trigger(DAG_ID, fire_time(day), run_id=f"week__{day}")
    assert cluster.wait_for_run(DAG_ID, run_id) == "success", failed_tasks(cluster, run_id)
    return run_id


def failed_tasks(cluster, run_id: str) -> list:
    return [(t.task_id, t.state) for t in cluster.task_instances(DAG_ID, run_id) if t.state != "success"]


def clear(cluster, day: dt.date, *task_regex: str) -> None:
    """`airflow tasks clear` for the day's run, downstream included, as the UI's Clear does."""
    logical = fire_time(day).isoformat()
    args = ["tasks", "clear", DAG_ID, "-s", logical, "-e", logical, "--yes"]
    if task_regex:
        args += ["-t", task_regex[0], "--downstream"]
    cluster.cli(*args)


@pytest.fixture(scope="module")
def week(airflow_cluster, mysql_server, moto_server) -> daily_week.Week:
    wh.reset(mysql_server)
    moto_server.reset()
    s3 = moto_server.client("s3")
    s3.create_bucket(Bucket=DEFAULT_BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    airflow_cluster.alerts = alert_queue(moto_server)  # after the reset: the topic the cluster publishes to
    week = daily_week.simulate_week(s3)
    for day in week.days:
        run_day(airflow_cluster, day)
        daily_week.record_day(mysql_server, week, day)
    return week


def dbt_summaries(cluster, run_id: str) -> dict[str, str]:
    """dbt task -> dbt's closing summary line ("Done. PASS=5 WARN=0 ERROR=0 SKIP=0 TOTAL=5")."""
    out = {}
    for ti in cluster.task_instances(DAG_ID, run_id):
        if ti.task_id.startswith(("silver.", "gold.")) and ti.operator != "EmptyOperator":
            text = cluster.task_log(DAG_ID, run_id, ti.task_id, ti.try_number).read_text()
            done = re.findall(r"Done\. PASS=\d+ WARN=\d+ ERROR=\d+ SKIP=\d+ TOTAL=\d+", text)
            assert done, f"no dbt summary in {ti.task_id}'s log"
            out[ti.task_id] = done[-1]
    return out


def test_every_day_runs_green_with_every_dbt_test_passing(week, airflow_cluster):
    for day in week.days:
        run_id = f"week__{day}"
        tasks = {t.task_id: t.state for t in airflow_cluster.task_instances(DAG_ID, run_id)}
        assert tasks.pop("refresh_quicksight") == "skipped"  # no QuickSight dataset configured
        assert set(tasks.values()) == {"success"}
        assert {"silver.tenant_room_snapshot_daily_model_build", "gold.moveout_summary_model_build"} <= set(tasks)
        assert "occupancy_kpis" in tasks
        summaries = dbt_summaries(airflow_cluster, run_id)
        assert all(" WARN=0 ERROR=0 SKIP=0 " in s for s in summaries.values()), summaries
    log = airflow_cluster.task_log(DAG_ID, run_id, "silver.tenant_room_snapshot_daily_model_build", 1).read_text()
    assert re.search(r"PASS .*one_primary_per_occupied_room", log), "the custom test ran in the model's build"


def test_the_database_password_is_in_no_log_and_no_written_file(week, airflow_cluster, etl_user):
    """Cosmos builds dbt's profile from the connection with the password as an environment variable: neither the
    task logs nor the cached profiles hold it."""
    import tempfile
    from pathlib import Path

    cosmos_cache = Path(airflow_cluster.env.get("TMPDIR") or tempfile.gettempdir()) / "cosmos"
    profiles = list(cosmos_cache.rglob("profiles.yml"))
    assert profiles, f"no cached dbt profile under {cosmos_cache} to check"
    secret = etl_user.password.encode()
    leaked = [
        path
        for root in (airflow_cluster.home, cosmos_cache)
        for path in root.rglob("*")
        if path.is_file() and secret in path.read_bytes()
    ]
    assert leaked == []


def test_green_runs_send_no_alert_and_a_failed_task_sends_exactly_one(week, airflow_cluster):
    assert airflow_cluster.alerts() == []  # ten green days
    missing = week.days[-1] + dt.timedelta(days=2)  # no dumps were written for this date
    run_id = airflow_cluster.trigger(DAG_ID, fire_time(missing), run_id=f"alert_probe__{missing}")
    assert airflow_cluster.wait_for_run(DAG_ID, run_id) == "failed"
    states = {t.task_id: t.state for t in airflow_cluster.task_instances(DAG_ID, run_id)}
    assert states["wait_for_dumps"] == "failed" and states["publish_staging"] == "upstream_failed"
    (message,) = airflow_cluster.alerts()  # the sensor's; upstream_failed tasks and the failed run add none
    assert message["subject"] == f"[tokyobeta] FAILED tokyobeta_daily_etl.wait_for_dumps batch {missing}"
    assert f"s3://jram-gghouse/dumps/movings_{missing:%Y%m%d}" in message["body"]
    assert "Contact the source system's owner" in message["body"]


def test_every_day_matches_the_simulators_truth(week, mysql_server):
    daily_week.assert_matches_truth(mysql_server, week)


def test_status_history_reproduces_the_simulators_status_changes(week, mysql_server):
    daily_week.assert_history_reproduces_status_changes(mysql_server, week)


def test_occupancy_kpis_match_the_oracle_after_every_day(week):
    """The oracle (plain Python, sharing nothing with tokyobeta_etl.kpi) replays each day's run from the silver
    tables as they stood after it, with the DAG's default params; every column of every row must agree."""
    expected = {}
    for day, silver, metrics in zip(week.days, week.silver, week.metrics, strict=True):
        expected = oracle_run(expected, silver, day, lookback_days=3, forward_days=90)
        assert metrics == expected, f"after the run of {day}"
    final = week.metrics[-1]
    assert len([m for m in final.values() if m.is_projection]) == 90
    assert sum(m.applications for m in final.values()) > 0, "the days should hold applications to count"


def test_occupancy_facts_match_the_simulators_truth(week):
    final = week.metrics[-1]
    for day, truth in zip(week.days, week.truths, strict=True):
        m = final[day]
        assert (m.period_end_rooms, m.total_rooms) == (truth["occupied_rooms"], truth["total_rooms"]), day
        assert (m.new_moveins, m.new_moveouts) == (truth["new_moveins"], truth["new_moveouts"]), day
        assert m.is_projection == 0
        # the as_of of the last daily run that rewrote the day: lookback_days (3) later (docs/decisions/0005)
        assert m.as_of_date == min(day + dt.timedelta(days=3), week.days[-1])


def test_gold_marts_are_built_and_labelled(week, mysql_server):
    for table in ("new_contracts", "moveouts", "moveout_notices", "moveout_analysis", "moveout_summary"):
        assert wh.count(mysql_server, f"gold.{table}") > 0, table
    assert wh.count(mysql_server, "gold.tenant_status_transitions") == sum(
        1 for tenant_periods in _periods(week).values() for _ in tenant_periods[1:]
    )
    unlabelled = query(
        mysql_server,
        "SELECT COUNT(*) FROM gold.tenant_status_transitions WHERE new_status_label_ja IS NULL "
        "OR new_status_label_en IS NULL OR previous_status_label_en IS NULL",
    )
    assert unlabelled == [(0,)]
    as_of = query(mysql_server, "SELECT DISTINCT as_of_date FROM gold.moveout_notices")
    assert as_of == [(week.days[-1],)]


def _periods(week) -> dict[int, list]:
    periods: dict[int, list] = {}
    for day, statuses in zip(week.days, week.statuses, strict=True):
        for tenant, pair in statuses.items():
            mine = periods.setdefault(tenant, [])
            if not mine or mine[-1][1:] != pair:
                mine.append((day, *pair))
    return periods


def test_clearing_the_latest_run_leaves_silver_and_gold_identical(week, airflow_cluster, mysql_server):
    clear(airflow_cluster, week.days[-1])
    assert airflow_cluster.wait_for_run(DAG_ID, f"week__{week.days[-1]}") == "success"
    assert wh.fingerprint(mysql_server, daily_week.LAYERS) == week.fingerprints[-1]


def test_clearing_one_model_task_leaves_silver_and_gold_identical(week, airflow_cluster, mysql_server):
    clear(airflow_cluster, week.days[-1], r"^silver\.tenant_status_history_model_build$")
    run_id = f"week__{week.days[-1]}"
    assert airflow_cluster.wait_for_run(DAG_ID, run_id) == "success"
    tries = {t.task_id: t.try_number for t in airflow_cluster.task_instances(DAG_ID, run_id)}
    assert tries["silver.tenant_status_history_model_build"] > tries["publish_staging"]  # it really ran again
    assert wh.fingerprint(mysql_server, daily_week.LAYERS) == week.fingerprints[-1]


def test_day_3_again_after_the_last_day_leaves_every_table_as_it_was(week, airflow_cluster, mysql_server):
    day3 = week.days[2]
    clear(airflow_cluster, day3)
    assert airflow_cluster.wait_for_run(DAG_ID, f"week__{day3}") == "success"
    # day 3's history rows are exactly its first run's; stg_*, int_contracts, tenant_status_history and the gold
    # marts still show the last day; the KPI rows of day 3's window are recomputed as they were: silver and gold as
    # a whole are what they were after the last day.
    assert {t: daily_week.date_digest(mysql_server, t, day3) for t in daily_week.HISTORY} == week.history_rows[2]
    assert wh.fingerprint(mysql_server, daily_week.LAYERS) == week.fingerprints[-1]


def test_a_broken_code_row_fails_its_seed_task_and_holds_the_models_downstream(
    week, airflow_cluster, mysql_server, airflow_cluster_include
):
    """A duplicate code in code_gender.csv: the seed's build task fails on its `unique` test; stg_tenants, which
    joins that code table, and everything after it do not run. Fixing the row and clearing the task heals the run."""
    seed_file = airflow_cluster_include / "dbt" / "seeds" / "code_gender.csv"
    good = seed_file.read_bytes()
    day, run_id = week.days[-1], f"week__{week.days[-1]}"
    seed_task = "silver.code_gender_seed_build"
    try:
        seed_file.write_bytes(good + "2,女性(重複),Female (duplicate)\n".encode())
        cleared_at = dt.datetime.now(dt.UTC)
        clear(airflow_cluster, day, rf"^{re.escape(seed_task)}$")
        state = airflow_cluster.wait_for_task_state(DAG_ID, run_id, seed_task, {"up_for_retry", "failed"})
        tis = {t.task_id: t for t in airflow_cluster.task_instances(DAG_ID, run_id)}
        log = airflow_cluster.task_log(DAG_ID, run_id, seed_task, tis[seed_task].try_number).read_text()
        assert re.search(r"FAIL 1 unique_code_gender_code", log), log[-3000:]
        for downstream in ("silver.stg_tenants_model_build", "silver.tenant_room_snapshot_daily_model_build"):
            assert tis[downstream].state in (None, "upstream_failed"), (downstream, tis[downstream].state)
            started = tis[downstream].start  # a cleared task keeps its last start until it runs again
            assert started is None or started < cleared_at, f"{downstream} ran although its upstream seed failed"
        assert state in ("up_for_retry", "failed")
    finally:  # heal the run whatever happened above: the tests after this one read the same warehouse
        seed_file.write_bytes(good)
        clear(airflow_cluster, day, rf"^{re.escape(seed_task)}$")
        assert airflow_cluster.wait_for_run(DAG_ID, run_id) == "success", failed_tasks(airflow_cluster, run_id)
    assert wh.fingerprint(mysql_server, daily_week.LAYERS) == week.fingerprints[-1]


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
    assert wh.fingerprint(mysql_server, daily_week.LAYERS) == week.fingerprints[-1]
