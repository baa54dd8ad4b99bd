"""One production-scale batch day through the whole daily DAG as MWAA runs it: the CeleryExecutor with two workers
that share nothing but the synced DAG folder and the dbt venv (harness.celery_cluster), and the faults a production
week brings, during the same run. S3 (moto behind a proxy that slows and cuts the link, harness.tcp_proxy) is
unreachable for a minute from the run's start: the dump sensor's first look fails to reach it, and it waits for its
next look instead of failing the day. While the staging loads stream their production-scale dumps from S3, on the
one worker that runs at first:

- the link breaks under one load's read and S3 refuses that object for a minute: the load fails naming the object and
  how far it read, and its retry loads it whole;
- that worker's whole process tree is SIGKILLed with the other loads half-streamed: nothing half-loaded is published,
  and their retries (on the second worker, started then) load them whole.

While the silver group runs:

- one worker's whole process tree is SIGKILLed while it runs dbt model tasks (a container that vanished: the task
  processes, which Airflow puts in process groups of their own, and their dbt die with it): the scheduler finds
  those tasks without heartbeat and they run again on the other worker, then the worker comes back;
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
from harness import run_progress, tcp_proxy
from harness import warehouse as wh
from harness.dbt_crash import crashed, crashing_dbt
from harness.dbt_runner import query
from harness.runs import daily_dag, fire_time, simulate_to_s3
from tokyobeta_etl.data_contract import DEFAULT_BUCKET, DUMP_FILES, STAGING_TABLES, dump_key

pytestmark = pytest.mark.slow

DAG_ID = "tokyobeta_daily_etl"
DAY = dt.date(2026, 3, 2)  # after the week's days: its own logical date in the week's cluster too
SCHEMAS = ("staging", "silver", "gold")
AUDIT = (
    "SELECT table_name, dump_key, dump_sha256, rows_loaded, outcome, run_id FROM ops.load_audit "
    "WHERE batch_date = %s ORDER BY table_name"
)
CRASH_FQN, CRASH_TASK = "tokyobeta.silver.staging.stg_tenants", "silver.stg_tenants_model_build"
LOADS = tuple(f"load_{stem}" for stem in DUMP_FILES)
CUT_LOAD = "load_tenants"  # the largest dump: the longest read to break
# bytes a second per S3 connection until the loads' faults are in: the smallest dump streams for half a minute, so
# all four loads read at once however far apart their task processes start
STREAM_RATE = 50 * 1024
S3_REFUSED_SECONDS = 60
# MWAA keeps Airflow's defaults, 300 s for a running task without heartbeat and 600 s for a task still queued (a
# worker lost after it took the message, before the task started); here a lost task is found within two minutes.
ZOMBIE_THRESHOLD_SECONDS = 30
QUEUED_TIMEOUT_SECONDS = 120


@pytest.fixture(scope="module")
def crash_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("dbt-crash")


@pytest.fixture(scope="module")
def s3_link(moto_server):
    """The Celery cluster's way to S3 (and SNS): moto behind a proxy the test slows and cuts."""
    proxy = tcp_proxy.start(moto_server.endpoint_url)
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture(scope="module")
def celery(request, mysql_server, etl_user, moto_server, s3_link, airflow_cluster_include, crash_dir):
    from harness import moto_server as mt

    cluster = cc.start(
        dags=[ac.REPO / "dags" / f"{DAG_ID}.py"],
        mysql_url=mysql_server.url(etl_user.user, etl_user.password),
        aws_endpoint_url=s3_link.url,
        region=mt.REGION,
        first_workers=1,  # the second starts once the first is lost during the loads
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


def streaming(cluster, run_id: str, worker: str) -> set[str]:
    """The loads running their first try on worker, past finding their dump: reading it from S3."""
    running = {t.task_id for t in cluster.task_instances(DAG_ID, run_id) if t.state == "running" and t.try_number == 1}
    logs = {task: cluster.worker_task_log(worker, DAG_ID, run_id, task, 1) for task in running & set(LOADS)}
    return {task for task, log in logs.items() if log.exists() and "loading s3://" in log.read_text(errors="replace")}


def inject_sensor_fault(cluster, s3_link, run_id: str) -> dict:
    """S3 cut from before the run starts until the sensor has looked once and a minute has passed."""
    s3_link.cut()
    cut_at = time.monotonic()
    state = cluster.wait_for_task_state(DAG_ID, run_id, "wait_for_dumps", {"up_for_reschedule", "failed"}, 600)
    time.sleep(max(0.0, cut_at + S3_REFUSED_SECONDS - time.monotonic()))
    s3_link.restore()
    return {"state_while_cut": state, "cut_seconds": round(time.monotonic() - cut_at)}


def inject_load_faults(cluster, s3_link, run_id: str) -> dict:
    """While every load streams its dump (slowly) on the one worker: one read cut and its object refused for a
    minute, then the worker killed with the other loads in hand; the second worker starts and takes the retries."""
    worker, other = cc.worker_name(1), cc.worker_name(2)
    cluster.poll(lambda: streaming(cluster, run_id, worker) == set(LOADS), 900, f"every load streaming on {worker}")
    cut_key = dump_key("dumps/", CUT_LOAD.removeprefix("load_"), f"{DAY:%Y%m%d}")
    s3_link.cut_path(f"/{DEFAULT_BUCKET}/{cut_key}")
    cut_at = time.monotonic()
    cluster.wait_for_task_state(DAG_ID, run_id, CUT_LOAD, {"up_for_retry"}, timeout=300)
    lost = streaming(cluster, run_id, worker)  # the other loads, still reading
    cluster.kill_worker(worker)
    s3_link.throttle(None)
    cluster.start_worker(other)
    time.sleep(max(0.0, cut_at + S3_REFUSED_SECONDS - time.monotonic()))
    s3_link.restore()

    def loaded():
        return {t.task_id for t in cluster.task_instances(DAG_ID, run_id) if t.state == "success"} >= set(LOADS)

    try:
        cluster.poll(loaded, 900, "every load to succeed on a retry")
    except TimeoutError as timed_out:
        raise TimeoutError(f"{timed_out}\n{where_tries_ran(cluster, run_id, dict.fromkeys(LOADS, 1))}") from None
    cluster.start_worker(worker)
    return {"cut_key": cut_key, "lost": sorted(lost), "worker": worker, "other": other, "cuts": s3_link.cuts}


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

    try:
        cluster.poll(lost_tasks_run_again_elsewhere, 1200, f"the tasks lost with {worker} to run again on {other}")
    except TimeoutError as timed_out:
        details = f"{where_tries_ran(cluster, run_id, lost)}\n{cluster.post_mortem(DAG_ID, run_id)}"
        raise TimeoutError(f"{timed_out}\n{details}") from None
    cluster.start_worker(worker)
    return {"worker": worker, "other": other, "lost": lost, "killed_at": killed_at}


def where_tries_ran(cluster, run_id: str, tasks: dict[str, int]) -> str:
    """Each task's state now and the workers whose logs hold each of its tries."""
    now = {t.task_id: t for t in cluster.task_instances(DAG_ID, run_id)}
    return "\n".join(
        f"  {task}: {now[task].state} try {now[task].try_number}; "
        + ", ".join(f"try {n} on {cluster.ran_on(DAG_ID, run_id, task, n)}" for n in range(1, now[task].try_number + 1))
        for task in tasks
    )


@pytest.fixture(scope="module")
def day(celery, airflow_cluster, mysql_server, moto_server, s3_link) -> dict:
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
    progress: list[str] = []  # what `make demo` prints while it waits, read from this run
    with run_progress.watching(airflow_cluster.query, DAG_ID, fire_time(DAY), fire_time(DAY), 1, out=progress.append):
        facts["local"] = {"state": airflow_cluster.wait_for_run(DAG_ID, local_run)}
    facts["local"]["progress"] = progress
    facts["local"]["tables"] = wh.fingerprint(mysql_server, SCHEMAS)
    facts["local"]["audit"] = query(mysql_server, AUDIT, (DAY,))

    wh.reset(mysql_server)
    run_id = f"celery__{DAY}"
    s3_link.throttle(STREAM_RATE)
    celery.trigger(DAG_ID, fire_time(DAY), run_id=run_id)
    sensor_fault = inject_sensor_fault(celery, s3_link, run_id)
    load_faults = inject_load_faults(celery, s3_link, run_id)
    faults = inject_faults(celery, mysql_server, run_id)
    facts["celery"] = {"run_id": run_id, "state": celery.wait_for_run(DAG_ID, run_id), "faults": faults}
    facts["celery"]["load_faults"] = load_faults
    facts["celery"]["sensor_fault"] = sensor_fault
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


def test_a_wait_on_the_run_printed_its_progress_as_it_went(day):
    lines = day["local"]["progress"]
    counts = [line.split("] ")[1].split(" ")[0].split("/") for line in lines]
    done = [(int(n), int(total)) for n, total in counts if total != "?"]  # "?": before the run had its tasks
    assert len(lines) > 3 and done == sorted(done)  # a line per change, never backwards
    assert done[-1] == (len(daily_dag().tasks),) * 2  # the last line: every task of the run done
    assert any("; running: silver." in line for line in lines)


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


def test_the_sensor_kept_waiting_while_s3_was_unreachable_and_found_the_dumps_once_it_was_back(day, celery):
    fault, run_id = day["celery"]["sensor_fault"], day["celery"]["run_id"]
    assert fault["state_while_cut"] == "up_for_reschedule"  # waiting, not failed: the day is not lost
    assert fault["cut_seconds"] >= S3_REFUSED_SECONDS
    sensor = {t.task_id: t for t in day["celery"]["tis"]}["wait_for_dumps"]
    assert (sensor.state, sensor.try_number) == ("success", 1)  # no retry, no alert: the next look found them
    log = celery.task_log(DAG_ID, run_id, "wait_for_dumps", 1).read_text()
    objects = ", ".join(f"s3://{DEFAULT_BUCKET}/{dump_key('dumps/', stem, f'{DAY:%Y%m%d}')}" for stem in DUMP_FILES)
    assert f"S3 unreachable while looking for {objects} (" in log, log[-3000:]
    assert "looking again in 60 s" in log
    looks = celery.query(
        "SELECT count(*) FROM task_reschedule WHERE dag_id = %s AND run_id = %s AND task_id = 'wait_for_dumps'",
        (DAG_ID, run_id),
    )[0][0]
    assert looks >= 1


def test_the_load_whose_read_broke_named_the_object_and_its_retry_loaded_it_whole(day, celery):
    faults, run_id = day["celery"]["load_faults"], day["celery"]["run_id"]
    assert faults["cuts"] >= 1
    first_try = celery.worker_task_log(faults["worker"], DAG_ID, run_id, CUT_LOAD, 1).read_text()
    broke = f"DumpReadError: reading s3://{DEFAULT_BUCKET}/{faults['cut_key']} broke after "
    assert broke in first_try, first_try[-3000:]
    final = {t.task_id: t for t in day["celery"]["tis"]}[CUT_LOAD]
    assert final.state == "success" and final.try_number >= 2
    last_try = celery.task_log(DAG_ID, run_id, CUT_LOAD, final.try_number).read_text()
    assert f"{faults['cut_key'].rsplit('/', 1)[-1]}: loaded " in last_try


def test_the_loads_lost_with_their_worker_were_loaded_whole_by_their_retries_before_anything_was_published(day, celery):
    faults, run_id = day["celery"]["load_faults"], day["celery"]["run_id"]
    assert faults["lost"]  # the worker died with loads half-read
    final = {t.task_id: t for t in day["celery"]["tis"]}
    for task in faults["lost"]:
        first_try = celery.worker_task_log(faults["worker"], DAG_ID, run_id, task, 1).read_text()
        assert "loading s3://" in first_try and ": loaded {" not in first_try  # it died reading
        assert final[task].state == "success" and final[task].try_number >= 2
        assert celery.ran_on(DAG_ID, run_id, task, final[task].try_number) == [faults["other"]]
    publish = final["publish_staging"]
    assert publish.try_number == 1  # it waited for every load to be whole: it ran once
    assert publish.start >= max(final[t].end for t in LOADS)


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
