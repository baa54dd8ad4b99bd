"""Bounded lock waits that name the blocker, against the real server: a second real session holds a lock on a staging
table, a silver model and a gold table (`LOCK TABLES ... READ`, or an open transaction); the task that needs it gives
up after `tokyobeta_lock_wait_seconds` (5 s here) plus a little, and its log and its alert name the holder's
connection id. Once the lock is released, running the task again succeeds and every table equals the clean run's.

The tasks run in-process (`dag.test`, the DAG's own operators and callbacks) with their retries off: the retry
policy is tested elsewhere, the lock behaviour here.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time

import pytest

from harness import warehouse as wh
from harness.runs import daily_dag, fire_time, run_batch, simulate_to_s3, task_states

pytestmark = pytest.mark.slow

DAY = dt.date(2026, 2, 10)
LAYERS = ("staging", "silver", "gold")
WAIT = 5  # tokyobeta_lock_wait_seconds in this module
# a task that waits WAIT seconds fails after about that much more than it takes unblocked (a dbt node: ~5-10 s)
SLACK = 40


@pytest.fixture(scope="module")
def clean_day(mysql_server, moto_server, airflow_env, etl_user):
    import os

    from tokyobeta_etl.data_contract import DEFAULT_BUCKET

    os.environ["AIRFLOW_VAR_TOKYOBETA_LOCK_WAIT_SECONDS"] = str(WAIT)
    wh.reset(mysql_server)
    moto_server.reset()
    s3 = moto_server.client("s3")
    s3.create_bucket(Bucket=DEFAULT_BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    simulate_to_s3(s3, DEFAULT_BUCKET, DAY, 1)
    dag = daily_dag()
    run = run_batch(dag, DAY, until=None)
    states = task_states(run)
    assert {s for t, s in states.items() if t != "refresh_quicksight"} == {"success"}, states
    yield wh.fingerprint(mysql_server, LAYERS)
    os.environ.pop("AIRFLOW_VAR_TOKYOBETA_LOCK_WAIT_SECONDS")


class Holder:
    """A second real session (the administrator, as a BI tool or an analyst would be) holding a lock."""

    def __init__(self, server, *statements: str):
        self.conn = server.connect()
        cur = self.conn.cursor()
        cur.execute("SELECT CONNECTION_ID()")
        self.id = cur.fetchone()[0]
        for statement in statements:
            cur.execute(statement)
            cur.fetchall()

    def release(self) -> None:
        try:
            self.conn.cursor().execute("UNLOCK TABLES")
            self.conn.rollback()
        finally:
            self.conn.close()


_runs = iter(range(1, 1000))


def run_task(task_id: str):
    """The one task, for batch DAY, as a manual run of its own (the DAG's operator, templates and callbacks). A fresh
    DAG object each time: a run in this process leaves state in its operators (as a worker's process never would)."""
    one = daily_dag().partial_subset(task_ids_or_regex=f"^{re.escape(task_id)}$", include_upstream=False)
    one.get_task(task_id).retries = 0
    run = one.test(execution_date=fire_time(DAY).add(minutes=next(_runs)), run_conf={"batch_date": str(DAY)})
    (ti,) = run.get_task_instances()
    return ti


CASES = {
    "staging table, LOCK TABLES": ("snapshot_tenants", ["LOCK TABLES staging.tenant_daily_snapshots READ"]),
    "silver model, open transaction": (
        "silver.stg_rooms_model_build",
        ["START TRANSACTION", "SELECT COUNT(*) FROM silver.stg_rooms"],
    ),
    "gold table, LOCK TABLES": ("occupancy_kpis", ["LOCK TABLES gold.occupancy_daily_metrics READ"]),
    "gold table, open transaction holding rows": (
        "occupancy_kpis",
        ["START TRANSACTION", "SELECT * FROM gold.occupancy_daily_metrics FOR UPDATE"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_task_behind_a_lock_gives_up_naming_the_holder_then_heals(case, clean_day, mysql_server, topic, caplog):
    clean = clean_day
    task_id, statements = CASES[case]
    caplog.set_level(logging.INFO)
    holder = Holder(mysql_server, *statements)
    started = time.monotonic()
    try:
        failed = run_task(task_id)
    finally:
        took = time.monotonic() - started
        holder.release()
    assert failed.state == "failed"
    assert WAIT <= took <= WAIT + SLACK, took
    named = f"session {holder.id}"
    assert named in caplog.text, caplog.text[-4000:]  # the task's log
    (alert,) = topic()
    assert alert["subject"].startswith(f"[tokyobeta] FAILED tokyobeta_daily_etl.{task_id} batch {DAY}")
    assert named in alert["body"] and f"KILL {holder.id}" in alert["body"], alert["body"]
    assert "gave up" in alert["body"] or "Lock holders now" in alert["body"]

    healed = run_task(task_id)
    assert healed.state == "success"
    assert wh.fingerprint(mysql_server, LAYERS) == clean
