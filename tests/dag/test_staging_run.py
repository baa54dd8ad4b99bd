"""Simulated days go from dumps in S3 to published staging through the daily DAG (dag.test, real servers)."""

import datetime as dt

import pytest

from harness import warehouse as wh
from harness.runs import daily_dag, run_batch, simulate_to_s3, task_states

DAY1 = dt.date(2026, 2, 9)


@pytest.fixture(scope="module")
def dag(airflow_env):
    return daily_dag()


def test_a_simulated_day_is_published_with_the_dump_counts(dag, warehouse, dump_bucket, s3_client):
    (day,) = simulate_to_s3(s3_client, dump_bucket, DAY1, 1)
    run = run_batch(dag, DAY1)
    assert run.state == "success", task_states(run)
    for table, rows in day.truth["row_counts"].items():
        assert wh.count(warehouse, f"staging.{table}") == rows, table
    assert (
        wh.count(warehouse, "staging.tenant_daily_snapshots", "WHERE snapshot_date = '2026-02-09'")
        == (day.truth["row_counts"]["tenants"])
    )
    assert wh.count(warehouse, "ops.load_audit", "WHERE batch_date = '2026-02-09' AND outcome = 'loaded'") == 5
