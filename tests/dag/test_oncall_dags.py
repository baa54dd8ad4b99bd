"""The on-call engineer's paths through a real Airflow (scheduler with its own job schedule, triggerer, web server,
PostgreSQL metadata DB), driven only as the README says: the CLI, the REST API and the web UI.

1. Bad `batch_date` values are refused: malformed ones by the trigger itself (CLI and REST), a future one by the
   run's first task, before anything is loaded, with one alert naming the param and the allowed range.
2. A manual run for the latest batch date (`airflow dags trigger --conf '{"batch_date": ...}'`) is triggered while the
   DAG is paused; unpaused, the scheduler still creates its scheduled run, and both run. The manual run's logical
   date is its trigger time, never a scheduled one: the next scheduled day stays free.
3. While that daily run runs, an on-call reload is refused, changing nothing.
4. While an on-call reload runs (held by a lock on a staging table), a manual run for a past date waits in
   `check_run`, then runs: staging, the full-rebuild silver models and the gold marts still show the latest batch.
5. Every on-call DAG through the REST API: defaults change nothing; a finding fails the task and alerts.
6. The trigger forms render in the web UI (a screenshot of one in docs/images).
"""

from __future__ import annotations

import datetime as dt
import time

import pendulum
import pytest

from harness import airflow_cluster as ac
from harness import moto_server as mt
from harness import warehouse as wh
from harness.runs import latest_fire_time, simulate_to_s3
from tokyobeta_etl.batch_date import batch_date_of, logical_date_for_batch, today_jst
from tokyobeta_etl.data_contract import DEFAULT_BUCKET, STAGING_TABLES
from tokyobeta_etl.loading import generations

pytestmark = pytest.mark.slow

DAG_ID = "tokyobeta_daily_etl"
RELOAD = "tokyobeta_oncall_reload"
WATCH = "tokyobeta_run_duration_check"
FORM_SCREENSHOT = ac.REPO / "docs" / "images" / "oncall_reload_form.png"
# Rebuilt from the current staging tables only: a past-date run must leave them as the latest batch made them.
# (tenant_status_history and the transitions built on it gain the past date's statuses, as a run in date order has.)
CURRENT_STATE = ("silver.stg_", "silver.int_", "gold.new_contracts", "gold.moveout")


def run_states(cluster, dag_id: str, run_id: str) -> dict[str, str | None]:
    return {t.task_id: t.state for t in cluster.task_instances(dag_id, run_id)}


def log_text(cluster, dag_id: str, run_id: str, task_id: str) -> str:
    (ti,) = (t for t in cluster.task_instances(dag_id, run_id) if t.task_id == task_id)
    return cluster.task_log(dag_id, run_id, task_id, ti.try_number).read_text(errors="replace")


def api_trigger(cluster, dag_id: str, run_id: str, conf: dict | None = None) -> str:
    """POST /dagRuns as the README's REST recipe: no logical date, Airflow uses the trigger time."""
    cluster.api("POST", f"dags/{dag_id}/dagRuns", {"dag_run_id": run_id, "conf": conf or {}})
    return run_id


def staging_batches(server) -> set[dt.date | None]:
    rows = wh_query(
        server,
        "SELECT table_comment FROM information_schema.tables WHERE table_schema = 'staging' AND table_name IN "
        f"({', '.join(repr(t) for t in STAGING_TABLES)})",
    )
    return {generations.parse_tag(comment) for (comment,) in rows}


def wh_query(server, sql: str, params: tuple = ()) -> list[tuple]:
    conn = server.connect()
    try:
        cur = conn.cursor()
        cur.execute(sql, params)
        return list(cur.fetchall())
    finally:
        conn.close()


class HeldLock:
    """A second real session holding `LOCK TABLES <table> WRITE` until released (the reload then waits on it)."""

    def __init__(self, server, table: str):
        self.conn = server.connect()
        self.conn.cursor().execute(f"LOCK TABLES {table} WRITE")

    def release(self) -> None:
        try:
            self.conn.cursor().execute("UNLOCK TABLES")
        finally:
            self.conn.close()


@pytest.fixture(scope="module")
def oncall(mysql_server, etl_user, moto_server, airflow_cluster_include):
    wh.reset(mysql_server)
    moto_server.reset()
    s3 = moto_server.client("s3")
    s3.create_bucket(Bucket=DEFAULT_BUCKET, CreateBucketConfiguration={"LocationConstraint": mt.REGION})
    alerts = ac.alert_queue(moto_server)
    # The latest batch the scheduler runs on unpausing (catchup=False: the interval ending at the latest 07:00 JST)
    fired = batch_date_of(latest_fire_time(pendulum.now("UTC")))
    latest = dt.date(fired.year, fired.month, fired.day)
    past = latest - dt.timedelta(days=1)
    simulate_to_s3(s3, DEFAULT_BUCKET, past, 2)
    cluster = ac.start(
        dags=sorted((ac.REPO / "dags").glob("*.py")),
        mysql_url=mysql_server.url(etl_user.user, etl_user.password),
        aws_endpoint_url=moto_server.endpoint_url,
        region=mt.REGION,
        webserver=True,
        public_role="Op",  # the headless browser sees the trigger forms without logging in
        extra_env={
            **ac.pipeline_env(airflow_cluster_include),
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "True",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__CORE__CHECK_SLAS": "False",  # tests/dag/test_scheduled_sla.py has the SLA
            "AIRFLOW_VAR_TOKYOBETA_RUN_ALERT_MINUTES": "1",  # the run-duration check's threshold, short
        },
    )
    facts: dict = {"latest": latest, "past": past, "alerts": {}, "drain_alerts": alerts}
    try:
        for dag_id in (DAG_ID, RELOAD):
            cluster.wait_for_dag(dag_id)
        # 1. malformed batch dates: refused by the trigger, no run created
        facts["cli_refusal"] = cluster.cli(
            "dags", "trigger", "--conf", '{"batch_date": "2026-02-30"}', DAG_ID, check=False
        )
        facts["rest_refusal"] = cluster.api(
            "POST", f"dags/{DAG_ID}/dagRuns", {"conf": {"batch_date": "soon"}}, expect=400
        )
        facts["runs_after_refusals"] = cluster.dag_runs(DAG_ID)

        # 2. a manual run for the latest batch while paused, then unpause: the scheduled run comes as well
        manual = cluster.trigger_now(DAG_ID, {"batch_date": str(latest)}, run_id="oncall__manual_latest")
        for dag_id in (DAG_ID, RELOAD, "tokyobeta_oncall_restore_backup"):
            cluster.cli("dags", "unpause", dag_id)

        # 3. an on-call reload while a daily run is past its check_run: refused
        def daily_run_started():
            return cluster.query(
                "SELECT run_id FROM task_instance WHERE dag_id = %s AND task_id = 'check_run' AND state = 'success'",
                (DAG_ID,),
            )

        cluster.poll(daily_run_started, 600, "a daily run past check_run")
        publish = {"batch_date": str(latest), "check_only": False}
        refused = api_trigger(cluster, RELOAD, "oncall__reload_refused", publish)
        facts["refused_reload"] = (cluster.wait_for_run(RELOAD, refused), run_states(cluster, RELOAD, refused))
        facts["refused_reload_log"] = log_text(cluster, RELOAD, refused, "check_no_other_writer")
        facts["alerts"]["refused_reload"] = alerts()

        def scheduled_run():
            return [r for r in cluster.dag_runs(DAG_ID) if r.run_type == "scheduled"]

        (scheduled,) = cluster.poll(scheduled_run, 300, "the scheduled run")
        facts["manual_state"] = cluster.wait_for_run(DAG_ID, manual)
        facts["scheduled_state"] = cluster.wait_for_run(DAG_ID, scheduled.run_id)
        facts["runs"] = cluster.dag_runs(DAG_ID)
        facts["after_latest"] = wh.fingerprint(mysql_server, ("staging", "silver", "gold"))
        facts["staging_batches_latest"] = staging_batches(mysql_server)
        facts["alerts"]["green_runs"] = alerts()

        # 4. a reload held by a lock on staging.movings; a past-date run triggered meanwhile waits in check_run
        lock = HeldLock(mysql_server, "staging.movings")
        try:
            held_reload = api_trigger(cluster, RELOAD, "oncall__reload_held", {"batch_date": str(latest)})
            cluster.wait_for_task_state(RELOAD, held_reload, "reload", {"running"}, timeout=300)
            past_run = api_trigger(cluster, DAG_ID, "oncall__manual_past", {"batch_date": str(past)})

            def waiting_logged():
                try:
                    return "waits for on-call writes to finish" in log_text(cluster, DAG_ID, past_run, "check_run")
                except (ValueError, FileNotFoundError):
                    return False

            cluster.poll(waiting_logged, 300, "check_run to log that it waits for the reload")
            facts["past_check_run_log"] = log_text(cluster, DAG_ID, past_run, "check_run")

            # 4b. the waiting run is past the 1-minute threshold: the duration check alerts once, however often it runs
            started = cluster.run_times(DAG_ID, past_run)[0]
            time.sleep(max(0.0, (started + dt.timedelta(seconds=65) - dt.datetime.now(dt.UTC)).total_seconds()))
            cluster.cli("dags", "unpause", WATCH)
            for attempt in (1, 2):
                watch = api_trigger(cluster, WATCH, f"oncall__watch_{attempt}")
                assert cluster.wait_for_run(WATCH, watch, timeout=300) == "success"
            cluster.cli("dags", "pause", WATCH)
            facts["past_run_while_watched"] = cluster.dag_runs(DAG_ID)
            facts["alerts"]["running_long"] = alerts()
        finally:
            lock.release()
        facts["held_reload_state"] = cluster.wait_for_run(RELOAD, held_reload)
        facts["reload_end"] = cluster.run_times(RELOAD, held_reload)[1]
        facts["past_state"] = cluster.wait_for_run(DAG_ID, past_run)
        facts["past_tasks"] = cluster.task_instances(DAG_ID, past_run)
        facts["after_past"] = wh.fingerprint(mysql_server, ("staging", "silver", "gold"))
        facts["staging_batches_past"] = staging_batches(mysql_server)
        facts["history_dates"] = wh_query(
            mysql_server, "SELECT DISTINCT snapshot_date FROM silver.tenant_room_snapshot_daily ORDER BY 1"
        )

        # 1 (again). a future batch date: the run's first task refuses it, nothing else runs
        tomorrow = today_jst() + dt.timedelta(days=1)
        future = api_trigger(cluster, DAG_ID, "oncall__future", {"batch_date": str(tomorrow)})
        facts["future"] = (tomorrow, cluster.wait_for_run(DAG_ID, future), run_states(cluster, DAG_ID, future))
        facts["future_log"] = log_text(cluster, DAG_ID, future, "check_run")
        facts["alerts"]["future"] = alerts()
        facts["after_future"] = wh.fingerprint(mysql_server, ("staging", "silver", "gold"))
        yield cluster, facts
    finally:
        cluster.stop()


def test_a_malformed_batch_date_is_refused_by_the_trigger_itself(oncall):
    _, facts = oncall
    cli = facts["cli_refusal"]
    assert cli.returncode != 0
    assert "Invalid input for param batch_date" in cli.stdout + cli.stderr
    assert "batch_date" in facts["rest_refusal"]["detail"]
    assert facts["runs_after_refusals"] == []


def test_a_future_batch_date_fails_the_first_task_before_anything_loads(oncall):
    _, facts = oncall
    tomorrow, state, tasks = facts["future"]
    assert state == "failed"
    assert tasks.pop("check_run") == "failed"
    assert set(tasks.values()) <= {"upstream_failed", None}, tasks
    assert f"batch_date {tomorrow} is outside the dates that can be loaded: from 2026-01-01" in facts["future_log"]
    assert facts["after_future"] == facts["after_past"]
    (message,) = facts["alerts"]["future"]
    assert message["subject"].startswith("[tokyobeta] FAILED tokyobeta_daily_etl.check_run")
    assert "Trigger the DAG again" in message["body"] and str(tomorrow) in message["body"]


def test_a_manual_run_for_the_latest_batch_leaves_the_scheduled_run_to_be_created_and_run(oncall):
    _, facts = oncall
    latest = facts["latest"]
    runs = {r.run_id: r for r in facts["runs"]}
    manual = runs["oncall__manual_latest"]
    (scheduled,) = (r for r in facts["runs"] if r.run_type == "scheduled")
    assert (facts["manual_state"], facts["scheduled_state"]) == ("success", "success")
    assert scheduled.logical_date == logical_date_for_batch(latest)
    # the manual run's logical date is its trigger time: no scheduled day (07:00 JST) is taken
    jst = pendulum.instance(manual.logical_date).in_timezone("Asia/Tokyo")
    assert manual.run_type == "manual" and (jst.hour, jst.minute, jst.second) != (7, 0, 0)
    # the next scheduled run's logical date (batch latest + 1) is free: nothing takes that day from it
    assert all(r.logical_date != logical_date_for_batch(latest + dt.timedelta(days=1)) for r in facts["runs"])
    assert facts["staging_batches_latest"] == {latest}
    assert facts["alerts"]["green_runs"] == []


def test_an_oncall_reload_is_refused_while_a_daily_run_runs(oncall):
    _, facts = oncall
    state, tasks = facts["refused_reload"]
    assert state == "failed"
    assert tasks == {"check_no_other_writer": "failed", "reload": "upstream_failed"}
    assert "tokyobeta_daily_etl run" in facts["refused_reload_log"]
    (message,) = facts["alerts"]["refused_reload"]
    assert message["subject"].startswith("[tokyobeta] FAILED tokyobeta_oncall_reload.check_no_other_writer")
    assert "Nothing was changed" in message["body"]


def test_a_past_date_run_waits_for_the_oncall_write_then_keeps_current_tables_at_the_latest_batch(oncall):
    _, facts = oncall
    assert (facts["held_reload_state"], facts["past_state"]) == ("success", "success")
    assert "tokyobeta_oncall_reload run oncall__reload_held" in facts["past_check_run_log"]
    first_write = min(t.start for t in facts["past_tasks"] if t.task_id in ("create_schemas", "load_movings"))
    assert first_write >= facts["reload_end"]
    # invariant 2: staging still holds the latest batch; the tables rebuilt from it are unchanged
    assert facts["staging_batches_past"] == {facts["latest"]}
    before, after = facts["after_latest"], facts["after_past"]
    # staging's date-keyed tables (one row per tenant per date, one row per date) gain the past date's rows
    dated = ("staging.tenant_daily_snapshots", "staging.tenant_snapshot_dates")
    current = [t for t in before if t.startswith(CURRENT_STATE) or t.startswith("staging.") and t not in dated]
    assert len(current) > 10
    for table in current:
        assert after[table] == before[table], table
    # and the past date's own rows were written
    assert facts["history_dates"] == [(facts["past"],), (facts["latest"],)]


def test_a_run_past_the_duration_threshold_alerts_once_and_keeps_running(oncall):
    _, facts = oncall
    past = facts["past"]
    (message,) = facts["alerts"]["running_long"]
    assert message["subject"].startswith(f"[tokyobeta] RUNNING LONG tokyobeta_daily_etl batch {past}: ")
    assert "Run:        oncall__manual_past\n" in message["body"] and "check_run" in message["body"]
    assert "tokyobeta_oncall_show_locks" in message["body"]
    (watched,) = (r for r in facts["past_run_while_watched"] if r.run_id == "oncall__manual_past")
    assert watched.state == "running" and facts["past_state"] == "success"  # warned, not stopped


def test_every_oncall_dag_runs_from_the_rest_api_and_its_defaults_change_nothing(oncall, mysql_server):
    cluster, facts = oncall
    before = wh.fingerprint(mysql_server, ("staging", "silver", "gold"))
    latest = str(facts["latest"])
    expected_output = {
        "tokyobeta_oncall_check_freshness": ({"date": latest}, "check_freshness", f"Freshness on {latest} (JST): "),
        "tokyobeta_oncall_verify_row_counts": ({}, "verify_row_counts", "OK: no unexpected drop"),
        RELOAD: ({"batch_date": latest}, "reload", "CHECK ONLY: staging, silver and gold were not changed"),
        "tokyobeta_oncall_restore_backup": ({}, "restore_backup", "Backups by batch date, newest first"),
        "tokyobeta_oncall_show_locks": ({}, "show_locks", "no session holds or waits for a lock"),
    }
    for dag_id, (conf, task_id, line) in expected_output.items():
        cluster.cli("dags", "unpause", dag_id)
        run_id = api_trigger(cluster, dag_id, "api__defaults", conf)
        assert cluster.wait_for_run(dag_id, run_id, timeout=600) == "success", run_states(cluster, dag_id, run_id)
        assert line in log_text(cluster, dag_id, run_id, task_id), dag_id
    assert wh.fingerprint(mysql_server, ("staging", "silver", "gold")) == before
    assert facts["drain_alerts"]() == []


def test_an_oncall_finding_fails_its_task_and_sends_the_usual_alert(oncall):
    cluster, facts = oncall
    dag_id = "tokyobeta_oncall_check_freshness"
    run_id = api_trigger(cluster, dag_id, "api__stale", {"date": "2027-01-01"})
    assert cluster.wait_for_run(dag_id, run_id) == "failed"
    log = log_text(cluster, dag_id, run_id, "check_freshness")
    assert "Freshness on 2027-01-01 (JST): CRITICAL" in log
    (failed,) = facts["drain_alerts"]()
    assert failed["subject"].startswith(f"[tokyobeta] FAILED {dag_id}.check_freshness")
    assert "critical freshness on 2027-01-01" in failed["body"] and "What to do:" in failed["body"]


def test_the_trigger_forms_render_in_the_web_ui(oncall, tmp_path):
    import os
    import shutil

    import requests

    from harness import browser

    cluster, _ = oncall
    for dag_id, fields in (
        (DAG_ID, ("batch_date", "lookback_days", "allow_shrink")),
        (RELOAD, ("batch_date", "tables", "check_only", "allow_shrink")),
        ("tokyobeta_oncall_restore_backup", ("table", "batch_date")),
    ):
        page = requests.get(f"{cluster.web_url}/dags/{dag_id}/trigger", timeout=60)
        assert page.status_code == 200, (dag_id, page.status_code)
        for field in fields:
            assert f'name="element_{field}"' in page.text or f'id="element_{field}"' in page.text, (dag_id, field)
    url = f"{cluster.web_url}/dags/{RELOAD}/trigger"
    png = browser.screenshot(url, tmp_path / "form.png")
    assert browser.png_size(png) == browser.WINDOW and png.stat().st_size > 30_000
    if os.environ.get("TOKYOBETA_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(png, FORM_SCREENSHOT)
