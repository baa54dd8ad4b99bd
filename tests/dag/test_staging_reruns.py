"""Reruns change nothing: the same batch twice, one task cleared and re-run, a past date after a later one,
and a load whose database connection is killed mid-way."""

import datetime as dt
import threading
import time

import pytest

from harness import warehouse as wh
from harness.runs import STAGING_END, daily_dag, fire_time, run_batch, simulate_to_s3, task_states

D1, D2 = dt.date(2026, 2, 9), dt.date(2026, 2, 10)
PUBLISHED = ("staging",)


@pytest.fixture(scope="module")
def dag(airflow_env):
    return daily_dag()


def rendered_sql(run, task_id: str) -> str:
    from airflow.models.renderedtifields import RenderedTaskInstanceFields

    ti = run.get_task_instance(task_id)
    return str(RenderedTaskInstanceFields.get_templated_fields(ti)["sql"])


def test_same_batch_twice_gives_identical_tables(dag, warehouse, dump_bucket, s3_client):
    simulate_to_s3(s3_client, dump_bucket, D1, 1)
    assert run_batch(dag, D1).state == "success"
    first = wh.fingerprint(warehouse, PUBLISHED)
    run = run_batch(dag, D1)
    assert run.state == "success", task_states(run)
    assert wh.fingerprint(warehouse, PUBLISHED) == first
    assert "publish:" in rendered_sql(run, "publish_staging")


@pytest.mark.parametrize("task_id", ["publish_staging", "snapshot_tenants", "load_tenants", "create_schemas"])
def test_one_task_cleared_and_rerun_changes_nothing(dag, warehouse, dump_bucket, s3_client, task_id):
    simulate_to_s3(s3_client, dump_bucket, D1, 1)
    assert run_batch(dag, D1).state == "success"
    before = wh.fingerprint(warehouse, ("staging", "staging_prev"))
    # What "Clear" in the UI does by default: the task and everything downstream of it.
    staging = dag.partial_subset(task_ids_or_regex=f"^{STAGING_END}$", include_upstream=True, include_downstream=False)
    subset = staging.partial_subset(task_ids_or_regex=f"^{task_id}$", include_downstream=True, include_upstream=False)
    run = subset.test(execution_date=fire_time(D1))
    assert run.state == "success", task_states(run)
    after = wh.fingerprint(warehouse, ("staging",))
    assert after == {k: v for k, v in before.items() if k.startswith("staging.")}
    if task_id == "publish_staging":
        assert "already_published" in rendered_sql(run, "publish_staging")


def test_past_date_rerun_keeps_the_later_published_staging(dag, warehouse, dump_bucket, s3_client):
    simulate_to_s3(s3_client, dump_bucket, D1, 2)
    assert run_batch(dag, D1).state == "success"
    d1_snapshot = wh.fingerprint(warehouse, ("staging",))["staging.tenant_daily_snapshots"]
    assert run_batch(dag, D2).state == "success"
    latest = wh.fingerprint(warehouse, ("staging",))
    run = run_batch(dag, D1)
    assert run.state == "success", task_states(run)
    assert "keep_published" in rendered_sql(run, "publish_staging")
    assert wh.fingerprint(warehouse, ("staging",)) == latest  # snapshots of D1 rewritten identically
    assert d1_snapshot != latest["staging.tenant_daily_snapshots"]  # D2's rows really are there too
    assert wh.count(warehouse, "staging.tenant_daily_snapshots", "WHERE snapshot_date = '2026-02-09'") > 0


def test_killed_connection_is_retried_without_duplicates(dag, warehouse, dump_bucket, s3_client, mysql_server):
    (day,) = simulate_to_s3(s3_client, dump_bucket, D1, 1, scale=0.5)
    for task in dag.tasks:
        task.retry_delay = dt.timedelta(seconds=1)  # the DAG's minutes of back-off would only slow the test
    killed: list[str] = []
    stop = threading.Event()

    def kill_first_insert():
        conn = mysql_server.connect()
        cur = conn.cursor()
        while not stop.is_set() and not killed:
            cur.execute(
                "SELECT id, info FROM information_schema.processlist "
                "WHERE user = 'tokyobeta_etl' AND info LIKE 'INSERT INTO `staging_load`.%'"
            )
            row = cur.fetchone()
            if row:
                cur.execute(f"KILL CONNECTION {int(row[0])}")
                killed.append(row[1][:60])
            time.sleep(0.002)
        conn.close()

    watcher = threading.Thread(target=kill_first_insert, daemon=True)
    watcher.start()
    try:
        run = run_batch(dag, D1)
    finally:
        stop.set()
        watcher.join()
    assert killed, "the watcher never saw a load INSERT to kill"
    assert run.state == "success", task_states(run)
    retried = [ti.task_id for ti in run.get_task_instances() if ti.try_number > 1]
    assert len(retried) == 1 and retried[0].startswith("load_"), retried
    for table, rows in day.truth["row_counts"].items():
        assert wh.count(warehouse, f"staging.{table}") == rows, table
    assert wh.count(warehouse, "ops.load_audit", "WHERE batch_date = '2026-02-09' AND outcome = 'loaded'") == 5
