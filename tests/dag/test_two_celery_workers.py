"""One production-scale batch day through the whole daily DAG as MWAA runs it: the CeleryExecutor with two workers
that share nothing but the synced DAG folder and the dbt venv (harness.celery_cluster), and the faults a production
week brings, all during the same run while the silver group runs:

- one worker's whole process tree is SIGKILLed while it runs dbt model tasks (a container that vanished): the
  scheduler finds those tasks without heartbeat and they run again on the other worker, then the worker comes back;
- the MariaDB server is restarted, cutting every open session: the tasks it breaks retry;
- the scheduler is SIGKILLed and a new one started: the run goes on;
- the dbt process of one model dies of SIGSEGV on its own: the task retries and nothing downstream ran on that try.

The same day also runs, without faults, on the LocalExecutor cluster of the week. Staging, silver and gold must be
the same table for table, row for row (audit columns aside): nothing relies on a file, a temp dir or a process that
one task leaves for another, and no fault loses or duplicates a row. Nobody is alerted: every fault ends in a retried
success.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

from harness import airflow_cluster as ac
from harness import celery_cluster as cc
from harness import warehouse as wh
from harness.dbt_crash import crashed, crashing_dbt
from harness.dbt_runner import query
from harness.runs import daily_dag, fire_time, simulate_to_s3
from tokyobeta_etl.data_contract import DEFAULT_BUCKET, STAGING_TABLES

pytestmark = pytest.mark.slow

DAG_ID = "tokyobeta_daily_etl"
DAY = dt.date(2026, 3, 2)  # after the week's days: its own logical date in the week's cluster too
SCHEMAS = ("staging", "silver", "gold")
AUDIT = (
    "SELECT table_name, dump_key, dump_sha256, rows_loaded, outcome, run_id FROM ops.load_audit "
    "WHERE batch_date = %s ORDER BY table_name"
)
CRASH_FQN, CRASH_TASK = "tokyobeta.silver.staging.stg_tenants", "silver.stg_tenants_model_build"
# MWAA keeps Airflow's defaults, 300 s for a running task without heartbeat and 600 s for a task still queued (a
# worker lost after it took the message, before the task started); here a lost task is found within two minutes.
ZOMBIE_THRESHOLD_SECONDS = 30
QUEUED_TIMEOUT_SECONDS = 120


@pytest.fixture(scope="module")
def crash_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("dbt-crash")


@pytest.fixture(scope="module")
def celery(request, mysql_server, etl_user, moto_server, airflow_cluster_include, crash_dir):
    from harness import moto_server as mt

    cluster = cc.start(
        dags=[ac.REPO / "dags" / f"{DAG_ID}.py"],
        mysql_url=mysql_server.url(etl_user.user, etl_user.password),
        aws_endpoint_url=moto_server.endpoint_url,
        region=mt.REGION,
        extra_env={
            **ac.pipeline_env(airflow_cluster_include),
            "TOKYOBETA_DBT_EXECUTABLE": str(crashing_dbt(crash_dir, ac.REPO / ".dbt-venv" / "bin" / "dbt", CRASH_FQN)),
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            "AIRFLOW__CORE__CHECK_SLAS": "False",  # a day months back: every interval since would be flagged
            "AIRFLOW__SCHEDULER__SCHEDULER_ZOMBIE_TASK_THRESHOLD": str(ZOMBIE_THRESHOLD_SECONDS),
            "AIRFLOW__SCHEDULER__ZOMBIE_DETECTION_INTERVAL": "5",
            "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT": str(QUEUED_TIMEOUT_SECONDS),
            "AIRFLOW__SCHEDULER__ORPHANED_TASKS_CHECK_INTERVAL": "30",
        },
    )
    try:
        yield cluster
    finally:
        failed = request.session.testsfailed > 0
        cluster.stop(keep_home=failed)
        if failed:
            print(f"\nthe Celery cluster's home (worker logs) kept at {cluster.home}")


def taken_by_a_worker(cluster, run_id: str):
    """(worker, {task: try} of everything it has taken: running, or queued with its try's log begun there) once a
    silver model build runs on a worker (not the one whose dbt crashes), else None."""
    tis = [t for t in cluster.task_instances(DAG_ID, run_id) if t.state in ("queued", "running")]
    models = {t.task_id for t in tis if t.state == "running" and t.task_id.startswith("silver.")}
    models = {t for t in models if t.endswith("_model_build") and t != CRASH_TASK}
    by_worker: dict[str, dict[str, int]] = {}
    for t in tis:
        if workers := cluster.ran_on(DAG_ID, run_id, t.task_id, t.try_number):
            by_worker.setdefault(workers[0], {})[t.task_id] = t.try_number
    return next(((worker, tasks) for worker, tasks in by_worker.items() if models & tasks.keys()), None)


def inject_faults(cluster, mysql_server, run_id: str) -> dict:
    """The worker kill, the MariaDB restart and the scheduler restart, one after the other, as soon as a silver
    model runs; the worker comes back once its tasks run again on the other one."""
    worker, taken = cluster.poll(lambda: taken_by_a_worker(cluster, run_id), 1200, "a silver model on a worker")
    cluster.kill_worker(worker)
    # what the worker took and had not finished when it died (a task may have ended between the look and the kill)
    states = {t.task_id: (t.state, t.try_number) for t in cluster.task_instances(DAG_ID, run_id)}
    lost = {task: n for task, n in taken.items() if states[task] in (("queued", n), ("running", n))}
    killed_at = time.monotonic()
    mysql_server.restart()
    cluster.restart_scheduler()
    other = next(w for w in cluster.workers if w != worker)

    def lost_tasks_run_again_elsewhere():
        now = {t.task_id: t for t in cluster.task_instances(DAG_ID, run_id)}
        return all(
            now[task].try_number > lost_try and other in cluster.ran_on(DAG_ID, run_id, task, now[task].try_number)
            for task, lost_try in lost.items()
        )

    cluster.poll(lost_tasks_run_again_elsewhere, 1200, f"the tasks lost with {worker} to run again on {other}")
    cluster.start_worker(worker)
    return {"worker": worker, "other": other, "lost": lost, "killed_at": killed_at}


@pytest.fixture(scope="module")
def day(celery, airflow_cluster, mysql_server, moto_server) -> dict:
    s3 = moto_server.client("s3")
    if DEFAULT_BUCKET not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
        s3.create_bucket(Bucket=DEFAULT_BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    simulate_to_s3(s3, DEFAULT_BUCKET, DAY, 1, scale=1.0)
    alerts = ac.alert_queue(moto_server)
    alerts()  # what an earlier module left on the queue
    facts: dict = {}

    wh.reset(mysql_server)
    local_run = f"local__{DAY}"
    airflow_cluster.trigger(DAG_ID, fire_time(DAY), run_id=local_run)
    facts["local"] = {"state": airflow_cluster.wait_for_run(DAG_ID, local_run)}
    facts["local"]["tables"] = wh.fingerprint(mysql_server, SCHEMAS)
    facts["local"]["audit"] = query(mysql_server, AUDIT, (DAY,))

    wh.reset(mysql_server)
    run_id = f"celery__{DAY}"
    celery.trigger(DAG_ID, fire_time(DAY), run_id=run_id)
    faults = inject_faults(celery, mysql_server, run_id)
    facts["celery"] = {"run_id": run_id, "state": celery.wait_for_run(DAG_ID, run_id), "faults": faults}
    facts["celery"]["seconds_since_kill"] = time.monotonic() - faults["killed_at"]
    facts["celery"]["mariadb_uptime"] = int(query(mysql_server, "SHOW GLOBAL STATUS LIKE 'Uptime'")[0][1])
    facts["celery"]["tis"] = celery.task_instances(DAG_ID, run_id)
    facts["celery"]["tables"] = wh.fingerprint(mysql_server, SCHEMAS)
    facts["celery"]["audit"] = query(mysql_server, AUDIT, (DAY,))
    facts["alerts"] = alerts()
    return facts


def test_the_day_ends_green_on_both_executors_and_nobody_is_alerted(day, celery):
    assert day["local"]["state"] == "success"
    assert day["celery"]["state"] == "success", celery.post_mortem(DAG_ID, day["celery"]["run_id"])
    assert day["alerts"] == []  # retried successes send nothing


def test_every_task_ran_on_one_worker_and_the_dbt_tasks_on_both(day, celery):
    run_id = day["celery"]["run_id"]
    # an EmptyOperator (an ephemeral model) never reaches a worker: the scheduler marks it done
    ran = [t for t in day["celery"]["tis"] if t.state == "success" and t.operator != "EmptyOperator"]
    where = {t.task_id: celery.ran_on(DAG_ID, run_id, t.task_id, t.try_number) for t in ran}
    assert all(len(workers) == 1 for workers in where.values()), {k: v for k, v in where.items() if len(v) != 1}
    dbt_tasks = [t.task_id for t in ran if t.task_id.startswith(("silver.", "gold."))]
    assert len(dbt_tasks) > 20
    assert {where[t][0] for t in dbt_tasks} == set(celery.workers) == {cc.worker_name(1), cc.worker_name(2)}
    assert not (celery.home / "logs" / f"dag_id={DAG_ID}").exists()  # no task ran beside the scheduler


def test_the_tasks_of_the_lost_worker_ran_again_on_the_other_one(day, celery):
    faults, run_id = day["celery"]["faults"], day["celery"]["run_id"]
    assert faults["lost"]  # the worker died with work in hand
    final = {t.task_id: t for t in day["celery"]["tis"]}
    for task, lost_try in faults["lost"].items():
        assert celery.ran_on(DAG_ID, run_id, task, lost_try) == [faults["worker"]]  # it started there
        assert final[task].state == "success" and final[task].try_number > lost_try
        assert celery.ran_on(DAG_ID, run_id, task, final[task].try_number) == [faults["other"]]


def test_the_mariadb_restart_and_the_new_scheduler_came_during_the_run(day, celery):
    # read at the same moment, once the run ended: the server started after the worker was killed
    assert day["celery"]["mariadb_uptime"] <= day["celery"]["seconds_since_kill"] + 1
    jobs = celery.query("SELECT state FROM job WHERE job_type = 'SchedulerJob' ORDER BY id")
    assert len(jobs) == 2 and jobs[0][0] != "running", jobs  # the killed one never heartbeats again
    assert day["celery"]["run_id"] in celery.log("scheduler-2").read_text()  # the new one took the run over


def test_the_crashed_dbt_process_was_retried_and_nothing_downstream_ran_on_it(day, celery, crash_dir):
    run_id = day["celery"]["run_id"]
    assert crashed(crash_dir, CRASH_FQN)
    final = {t.task_id: t for t in day["celery"]["tis"]}
    crash = final[CRASH_TASK]
    assert crash.state == "success" and crash.try_number >= 2
    first_try = celery.task_log(DAG_ID, run_id, CRASH_TASK, 1).read_text()
    assert "-11" in first_try, first_try[-3000:]  # the return code of a process killed by SIGSEGV
    downstream = daily_dag().get_task(CRASH_TASK).get_flat_relative_ids(upstream=False)
    started = {t: final[t].start for t in downstream if final[t].start is not None}
    assert started and all(start >= crash.start for start in started.values()), (crash.start, started)


def test_every_table_equals_the_local_executors(day):
    celery, local = day["celery"]["tables"], day["local"]["tables"]
    assert sorted(celery) == sorted(local)
    assert {name.split(".")[0] for name in celery} == set(SCHEMAS)
    assert [name for name in celery if celery[name] != local[name]] == []


def test_the_load_audit_has_one_row_per_staging_table_as_the_local_run_wrote_it(day):
    celery, local = day["celery"]["audit"], day["local"]["audit"]
    assert sorted(row[0] for row in celery) == sorted(STAGING_TABLES)
    assert [row[:5] for row in celery] == [row[:5] for row in local]
    assert {row[5] for row in celery} == {day["celery"]["run_id"]}
