"""Benchmark: DAG parse time, and the dbt silver group's wall time under a real scheduler (LocalExecutor on a
PostgreSQL metadata database) for each Cosmos execution set-up, beside one plain `dbt build --select tag:silver`
over the same data, all in one run (docs/decisions/0004-cosmos-execution.md).

Steps: simulate one batch day into moto S3; run the daily DAG for it with `airflow dags backfill` (staging + silver
with the shipped set-up); then, under the scheduler, trigger bench/dags/bench_silver_dags.py's one-group DAGs
(shipped, Cosmos defaults, WATCHER) on that same published staging, interleaved, `--reps` times each, and time the
plain dbt build between them. Every silver model is idempotent for its batch date, so each run does the same work.

Run with `make bench`; writes bench/results/silver.json. Not a test: numbers, not verdicts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "plugins"), str(REPO / "tests")]

from harness import airflow_cluster, moto_server, mysql_server, run_progress, warehouse  # noqa: E402
from harness.dbt_runner import DbtRunner  # noqa: E402
from harness.runs import fire_time  # noqa: E402
from tokyobeta_etl.batch_date import logical_date_for_batch  # noqa: E402
from tokyobeta_etl.data_contract import DEFAULT_BUCKET  # noqa: E402

BATCH = dt.date(2026, 2, 10)
DAILY = REPO / "dags" / "tokyobeta_daily_etl.py"
BENCH_DAGS = REPO / "bench" / "dags" / "bench_silver_dags.py"
SETUPS = ("shipped", "cosmos_default", "watcher", "watcher_poke_1s")

# As Airflow's DAG processor parses a file: in a child forked from a process that has airflow and its plugins
# loaded, so the child pays for the DAG file's own imports (Cosmos, the project) and for building the DAG.
PARSE_PROBE = r"""
import json, os, statistics, sys, time
from airflow import plugins_manager
from airflow.models import DagBag
plugins_manager.ensure_plugins_loaded()
path, n = sys.argv[1], int(sys.argv[2])
seconds = []
for _ in range(n):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        started = time.perf_counter()
        bag = DagBag(dag_folder=path, include_examples=False)
        took = time.perf_counter() - started
        ok = not bag.import_errors and len(bag.dags) == 1
        tasks = sum(len(d.tasks) for d in bag.dags.values())
        os.write(w, json.dumps({"seconds": took, "ok": ok, "tasks": tasks}).encode())
        os._exit(0)
    os.close(w)
    data = b""
    while chunk := os.read(r, 65536):
        data += chunk
    os.waitpid(pid, 0)
    seconds.append(json.loads(data))
print(json.dumps(seconds))
"""


def parse_times(env: dict, n: int = 7) -> dict:
    out = subprocess.run(
        [str(airflow_cluster.VENV_BIN / "python"), "-c", PARSE_PROBE, str(DAILY), str(n)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    runs = json.loads(out.strip().splitlines()[-1])
    if not all(r["ok"] for r in runs):
        raise RuntimeError(f"the daily DAG did not parse cleanly: {runs}")
    seconds = [r["seconds"] for r in runs]
    return {
        "file": "dags/tokyobeta_daily_etl.py",
        "tasks": runs[0]["tasks"],
        "seconds_median": round(statistics.median(seconds), 3),
        "seconds_max": round(max(seconds), 3),
        "samples": [round(s, 3) for s in seconds],
        "how": "DagBag of the file in a child forked from a process with airflow and its plugins loaded "
        "(as the DAG processor does)",
    }


def group_span(tis: list, prefix: str = "silver.") -> dict:
    group = [t for t in tis if t.task_id.startswith(prefix)]
    bad = [(t.task_id, t.state) for t in group if t.state != "success"]
    if bad:
        raise RuntimeError(f"silver tasks not successful: {bad}")
    # A retried task (a transient failure, e.g. a dbt process killed by a signal) inflates that run: reported.
    retried = sorted(t.task_id for t in group if t.try_number != 1)
    start = min(t.start for t in group)
    end = max(t.end for t in group)
    return {
        "tasks": len(group),
        "span_seconds": round((end - start).total_seconds(), 2),
        "task_seconds_sum": round(sum((t.end - t.start).total_seconds() for t in group), 2),
        "retried_tasks": retried,
        "_start": start,
        "_end": end,
    }


def scheduled_run(cluster, setup: str, rep: int) -> dict:
    dag_id = f"bench_silver_{setup}"
    cluster.cli("dags", "unpause", dag_id)
    # one run per logical date: repetitions fire minutes apart on the same JST batch date
    logical = fire_time(BATCH) + dt.timedelta(minutes=rep)
    run_id = cluster.trigger(dag_id, logical, run_id=f"bench_{setup}_{rep}")
    state = cluster.wait_for_run(dag_id, run_id, timeout=1800)
    if state != "success":
        raise RuntimeError(f"{dag_id} run {run_id} ended {state}; logs under {cluster.home / 'logs'}")
    start, end = cluster.run_times(dag_id, run_id)
    tis = cluster.task_instances(dag_id, run_id)
    span = group_span(tis)
    out = {
        "run_seconds": round((end - start).total_seconds(), 2),
        **{k: v for k, v in span.items() if not k.startswith("_")},
    }
    for ti in tis:
        if ti.task_id.endswith("dbt_producer_watcher"):  # the one `dbt build` of the WATCHER set-up
            out["producer_seconds"] = round((ti.end - ti.start).total_seconds(), 2)
    return out


def plain_build(db, etl) -> float:
    runner = DbtRunner.for_etl_user(db, etl, threads=4)
    started = time.monotonic()
    runner.build_silver(BATCH)
    return round(time.monotonic() - started, 2)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="simulator scale (1 = production)")
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--parallelism", type=int, default=4, help="Airflow [core] parallelism")
    parser.add_argument("--setups", default=",".join(SETUPS), help="comma-separated subset of " + ",".join(SETUPS))
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tokyobeta-bench-"))
    os.environ["TMPDIR"] = str(work)
    os.environ.update(moto_server.CREDENTIALS)
    db, s3 = mysql_server.start(), moto_server.start()
    cluster = None
    setups = args.setups.split(",")
    failed = True
    results: dict = {
        "benchmark": "dbt silver layer under a real scheduler",
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "server": db.flavor,
        "scale": args.scale,
        "batch_date": BATCH.isoformat(),
        "airflow": f"LocalExecutor, parallelism {args.parallelism}, PostgreSQL metadata database",
    }
    try:
        etl = warehouse.create_etl_user(db)
        client = s3.client("s3")
        client.create_bucket(
            Bucket=DEFAULT_BUCKET, CreateBucketConfiguration={"LocationConstraint": moto_server.REGION}
        )
        from tokyobeta_sim import S3Sink, simulate

        list(simulate(BATCH, 1, sink=S3Sink(DEFAULT_BUCKET, client=client), seed=1, scale=args.scale))
        cluster = airflow_cluster.start(
            dags=[DAILY, BENCH_DAGS],
            mysql_url=db.url(etl.user, etl.password),
            aws_endpoint_url=s3.endpoint_url,
            region=moto_server.REGION,
            parallelism=args.parallelism,
            # bench/dags/ is two levels below include/
            extra_env={
                "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
                "TOKYOBETA_INCLUDE_DIR": str(REPO / "include"),
            },
        )
        results["dag_parse"] = parse_times(cluster.env)
        print(f"DAG parse: {results['dag_parse']['seconds_median']} s median", flush=True)

        at = logical_date_for_batch(BATCH)
        logical = at.isoformat()
        started = time.monotonic()
        with run_progress.watching(cluster.query, "tokyobeta_daily_etl", at, at, 1):
            cluster.cli(
                "dags", "backfill", "tokyobeta_daily_etl", "-s", logical, "-e", logical, "--reset-dagruns", "--yes",
                timeout=3600,
            )  # fmt: skip
        backfill_seconds = time.monotonic() - started
        ((run_id,),) = cluster.query(
            "SELECT run_id FROM dag_run WHERE dag_id = 'tokyobeta_daily_etl' AND run_type = 'backfill'"
        )
        tis = cluster.task_instances("tokyobeta_daily_etl", run_id)
        span = group_span(tis)
        publish_end = next(t.end for t in tis if t.task_id == "publish_staging")
        results["daily_dag_backfill"] = {
            "seconds": round(backfill_seconds, 1),
            "silver_tasks": span["tasks"],
            "silver_span_seconds": span["span_seconds"],
            "publish_to_silver_end_seconds": round((span["_end"] - publish_end).total_seconds(), 2),
        }
        print(f"daily DAG backfill: {results['daily_dag_backfill']}", flush=True)

        runs: dict[str, list] = {name: [] for name in (*setups, "plain_dbt_build")}
        for rep in range(args.reps):
            runs["plain_dbt_build"].append({"seconds": plain_build(db, etl)})
            print(f"rep {rep}: plain dbt build {runs['plain_dbt_build'][-1]['seconds']} s", flush=True)
            for setup in setups:
                runs[setup].append(scheduled_run(cluster, setup, rep))
                print(f"rep {rep}: {setup}: {runs[setup][-1]}", flush=True)
        plain = statistics.median(r["seconds"] for r in runs["plain_dbt_build"])
        # the median over the repetitions without a retried task (a retry waits out the DAG's back-off)
        clean = {s: [r for r in runs[s] if not r["retried_tasks"]] or runs[s] for s in setups}
        summary = {"plain_dbt_build_seconds_median": round(plain, 2)}
        for setup in setups:
            run_s = statistics.median(r["run_seconds"] for r in clean[setup])
            summary[setup] = {
                "tasks": runs[setup][0]["tasks"],
                "run_seconds_median": round(run_s, 2),
                "ratio_to_plain_build": round(run_s / plain, 2),
            }
        results["runs"] = runs
        results["summary"] = summary
        results["targets"] = {"dag_parse_seconds": "< 1", "silver_run_over_plain_dbt_build": "<= 2"}
        print(json.dumps(summary, indent=2))
        failed = False
    finally:
        if cluster is not None:
            cluster.stop(keep_home=failed)
            if failed:
                print(f"Airflow home kept for its logs: {cluster.home}")
        s3.stop()
        db.stop()
    out = REPO / "bench" / "results" / "silver.json"
    out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
