"""Staleness caught on its first day, under a real scheduler (LocalExecutor, PostgreSQL metadata DB, web server for
the REST API): the 09:00 JST freshness check sends ONE critical SNS message, and fails, when

1. the daily DAG was paused and a day passed (warehouse at D0, the dumps of D1 in S3, check date D1);
2. the daily DAG is active but no run of it exists for the day (check date D2);
3. the day's only daily run failed (check date D3);

and is green and silent when the day's run succeeded and the tables carry the day (check date D0).

Nothing runs the pipeline (dbt costs minutes): the warehouse tables the check reads are written by hand (staging's
published tables with their batch tag comment, a few rows of silver and gold), and the daily runs' states are made
through Airflow itself: manual runs with {"batch_date": ...} triggered while the DAG is paused (they stay queued)
and set to success or failed with the REST API. The scheduler makes no runs of its own (use_job_schedule off): each
check is a freshness run triggered at 09:00 JST of its check date.
"""

from __future__ import annotations

import datetime as dt

import pytest

from harness import airflow_cluster as ac
from harness import moto_server as mt
from harness import warehouse as wh
from harness.dbt_runner import empty_warehouse
from tokyobeta_etl.batch_date import today_jst
from tokyobeta_etl.config import DAILY_DAG_ID, FRESHNESS_DAG_ID
from tokyobeta_etl.data_contract import DEFAULT_BUCKET, DUMP_FILES, STAGING_TABLES
from tokyobeta_etl.loading.generations import batch_tag

pytestmark = pytest.mark.slow

RUN_TIMEOUT = 180  # one freshness run: a task start-up or two on a loaded 2-core machine


def warehouse_at(server, *, staging: dt.date, built: dt.date) -> None:
    """staging published with batch `staging`; silver and gold built up to `built` (three days of rows each)."""
    days = [built - dt.timedelta(days=n) for n in range(3)]
    server.execute(
        *(f"ALTER TABLE staging.`{t}` COMMENT = '{batch_tag(staging)}'" for t in STAGING_TABLES),
        "CREATE TABLE IF NOT EXISTS silver.tenant_room_snapshot_daily (snapshot_date DATE NOT NULL, tenant_id INT "
        "NOT NULL, apartment_id INT NOT NULL, room_id INT NOT NULL, PRIMARY KEY (snapshot_date, tenant_id))",
        "CREATE TABLE IF NOT EXISTS gold.occupancy_daily_metrics (snapshot_date DATE NOT NULL PRIMARY KEY, "
        "period_end_rooms INT NOT NULL, is_projection TINYINT NOT NULL, as_of_date DATE NOT NULL)",
        "DELETE FROM silver.tenant_room_snapshot_daily",
        "DELETE FROM gold.occupancy_daily_metrics",
        *(f"INSERT INTO silver.tenant_room_snapshot_daily VALUES ('{d}', {t}, 1, {t})" for d in days for t in (1, 2)),
        *(f"INSERT INTO gold.occupancy_daily_metrics VALUES ('{d}', 2, 0, '{built}')" for d in days),
    )


def put_dumps(s3, day: dt.date) -> None:
    for stem in DUMP_FILES:
        s3.put_object(Bucket=DEFAULT_BUCKET, Key=f"dumps/{stem}_{day:%Y%m%d}.sql", Body=b"-- dump\n")


@pytest.fixture(scope="module")
def day_one(mysql_server, etl_user, moto_server, airflow_cluster_include):
    wh.reset(mysql_server)
    empty_warehouse(mysql_server)
    moto_server.reset()
    s3 = moto_server.client("s3")
    s3.create_bucket(Bucket=DEFAULT_BUCKET, CreateBucketConfiguration={"LocationConstraint": mt.REGION})
    alerts = ac.alert_queue(moto_server)
    today = today_jst()
    d0, d1, d2, d3 = (today - dt.timedelta(days=n) for n in (4, 3, 2, 1))
    cluster = ac.start(
        dags=[ac.REPO / "dags" / "tokyobeta_daily_etl.py", ac.REPO / "dags" / "tokyobeta_freshness_check.py"],
        mysql_url=mysql_server.url(etl_user.user, etl_user.password),
        aws_endpoint_url=moto_server.endpoint_url,
        region=mt.REGION,
        webserver=True,  # the REST API sets the daily runs' states
        extra_env={
            **ac.pipeline_env(airflow_cluster_include),
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",  # nothing runs that the test did not make
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",  # no scheduled run of either DAG: days pass by trigger
            "AIRFLOW__CORE__CHECK_SLAS": "False",
        },
    )
    facts: dict = {"days": (d0, d1, d2, d3), "checks": {}}

    def daily_run(batch: dt.date, state: str) -> str:
        """A manual daily run for `batch`, queued (the DAG is paused), then set to `state` through the REST API."""
        run_id = f"day_one__{batch}"
        cluster.api("POST", f"dags/{DAILY_DAG_ID}/dagRuns", {"dag_run_id": run_id, "conf": {"batch_date": str(batch)}})
        cluster.api("PATCH", f"dags/{DAILY_DAG_ID}/dagRuns/{run_id}", {"state": state})
        return run_id

    def check(day: dt.date) -> None:
        """The 09:00 JST freshness run of `day`: its state and the SNS messages it sent."""
        run_id = f"day_one__check_{day}"
        body = {"dag_run_id": run_id, "logical_date": f"{day}T09:00:00+09:00"}
        cluster.api("POST", f"dags/{FRESHNESS_DAG_ID}/dagRuns", body)
        state = cluster.wait_for_run(FRESHNESS_DAG_ID, run_id, timeout=RUN_TIMEOUT)
        facts["checks"][day] = (state, alerts())

    try:
        for dag_id in (DAILY_DAG_ID, FRESHNESS_DAG_ID):
            cluster.wait_for_dag(dag_id)
        facts["paused_at_creation"] = cluster.api("GET", f"dags/{DAILY_DAG_ID}")["is_paused"]
        facts["runs"] = {"d0": daily_run(d0, "success"), "d3": daily_run(d3, "failed")}
        cluster.api("PATCH", f"dags/{FRESHNESS_DAG_ID}", {"is_paused": False})

        # 1. the daily DAG paused since D0's run; D1's dumps arrived, nothing loaded them
        warehouse_at(mysql_server, staging=d0, built=d0)
        put_dumps(s3, d1)
        check(d1)

        # 2. the daily DAG active again, but no run for D2 (staging holds D2 by an on-call reload: only the run is off)
        cluster.api("PATCH", f"dags/{DAILY_DAG_ID}", {"is_paused": False})
        warehouse_at(mysql_server, staging=d2, built=d1)
        put_dumps(s3, d2)
        check(d2)

        # 3. D3's run failed after publishing staging (a dbt model failed): silver and gold are a day behind
        warehouse_at(mysql_server, staging=d3, built=d2)
        put_dumps(s3, d3)
        check(d3)

        # and a good day: D0's run succeeded and everything carries D0
        warehouse_at(mysql_server, staging=d0, built=d0)
        put_dumps(s3, d0)
        check(d0)
        facts["late_alerts"] = alerts()  # anything a check sent after its run ended
        facts["daily_states"] = {r.run_id: r.state for r in cluster.dag_runs(DAILY_DAG_ID)}
        yield facts
    finally:
        cluster.stop()


def _one_critical(facts: dict, day: dt.date) -> dict:
    state, messages = facts["checks"][day]
    assert state == "failed"
    (message,) = messages  # the check's own alert; its failure callback adds none
    assert message["subject"].startswith(f"[tokyobeta] STALE DATA {day}: ")
    return message


def test_a_paused_daily_dag_is_critical_on_the_first_day_without_its_run(day_one):
    d0, d1, _, _ = day_one["days"]
    assert day_one["paused_at_creation"] is True
    message = _one_critical(day_one, d1)
    assert message["subject"] == f"[tokyobeta] STALE DATA {d1}: daily DAG paused, no daily run, staging at {d0}"
    lines = message["body"].splitlines()
    assert lines[0] == f"The freshness check of {d1} (JST) found:"
    assert (
        lines[1] == "1. CRITICAL daily DAG paused: tokyobeta_daily_etl is paused: the scheduler starts none of its runs"
    )
    assert lines[2].startswith("   What to do: Unpause tokyobeta_daily_etl")
    assert f"2. CRITICAL no daily run: no run of tokyobeta_daily_etl for batch {d1} at all" in lines
    assert f"3. CRITICAL staging at {d0}: batch {d0} (tag on the 5 tables), 1 day older than the check date" in lines


def test_a_day_without_a_run_is_critical(day_one):
    _, _, d2, _ = day_one["days"]
    message = _one_critical(day_one, d2)
    assert message["subject"] == f"[tokyobeta] STALE DATA {d2}: no daily run"
    assert f"1. CRITICAL no daily run: no run of tokyobeta_daily_etl for batch {d2} at all" in message["body"]
    assert f'Trigger DAG w/ config on tokyobeta_daily_etl with {{"batch_date": "{d2}"}}' in message["body"]


def test_a_failed_run_is_critical_and_named(day_one):
    _, _, _, d3 = day_one["days"]
    message = _one_critical(day_one, d3)
    assert message["subject"] == f"[tokyobeta] STALE DATA {d3}: daily run failed"
    run_id = day_one["runs"]["d3"]
    finding = f"no successful run of tokyobeta_daily_etl for batch {d3}: run {run_id} is failed"
    assert f"1. CRITICAL daily run failed: {finding}\n" in message["body"]
    assert "FAILED alert" in message["body"]


def test_a_good_day_is_green_and_silent(day_one):
    d0 = day_one["days"][0]
    assert day_one["checks"][d0] == ("success", [])
    assert day_one["late_alerts"] == []
    # the daily runs are the two the test made, in the states it gave them: the scheduler ran none of them
    assert day_one["daily_states"] == {day_one["runs"]["d0"]: "success", day_one["runs"]["d3"]: "failed"}
