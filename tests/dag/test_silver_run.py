"""Two consecutive simulated days through the whole DAG, dbt silver layer included (Cosmos, one task per node)."""

import datetime as dt

from harness import warehouse as wh
from harness.runs import daily_dag, run_batch, simulate_to_s3, task_states


def test_two_days_through_the_dag_match_the_simulators_truth(airflow_env, warehouse, dump_bucket, s3_client):
    dag = daily_dag()
    days = simulate_to_s3(s3_client, dump_bucket, dt.date(2026, 2, 9), 2)
    for day in days:
        run = run_batch(dag, day.date, until=None)
        states = task_states(run)
        assert run.state == "success", {t: s for t, s in states.items() if s != "success"}
        assert any(t.startswith("silver.") for t in states)
        where = f"WHERE snapshot_date = '{day.date}'"
        snapshot = "silver.tenant_room_snapshot_daily"
        assert wh.count(warehouse, snapshot, where + " AND is_room_primary = 1") == day.truth["occupied_rooms"]
        assert wh.count(warehouse, snapshot, where) == day.truth["snapshot_rows"]
        conn = warehouse.connect()
        cur = conn.cursor()
        cur.execute(f"SELECT total_rooms FROM silver.room_count_daily {where}")
        assert cur.fetchone()[0] == day.truth["total_rooms"]
        conn.close()
