"""Benchmark: the daily DAG on day 1 and on day 365 of production-scale history, side by side, under a real Airflow
(scheduler, LocalExecutor, PostgreSQL metadata database; `airflow dags backfill`, as bench_silver.py runs it).

1. Day 1: the first batch date through the DAG on an empty warehouse (the "first run": every table created), then
   again `--reps` times, measured (the daily code path, with one date of history).
2. The year between, the fast way (bench/history_fast.py): the DAG's own statements for its date-keyed tables,
   date by date, from the simulator's source; the rest built once by dbt and the KPI SQL where that is exact.
   Proof, besides construction: the fast path run on day 1 leaves the real run's rows as they were; every date's
   silver rows and KPIs equal the simulator's truth; a real run of the last fast date, and a real past-date re-run
   of a mid-year date after day 365, leave every staging, silver and gold table unchanged, date by date
   (CONTRACT.md invariants 1 and 2 at a year of history).
3. Day 365: the last `--reps` batch dates through the DAG (each a new latest date, as every morning), measured.

Measured for day 1 and day 365 (the fastest of the repetitions, which the other sessions of a shared machine
disturb least; the CPU they used during each run is reported): each task's duration (task_instance), the run's wall
time, rows and MB per table, and every statement the run sent (MariaDB's slow query log at long_query_time = 0),
compared statement by statement; the day-365 statements that read a date-keyed table (or the tables rebuilt from
them) are EXPLAINed. Flags: a task over 1.5x its day-1 time, the run over 1.2x, a plan that scans a big table. A
failed check names the table and the date and fails the benchmark (exit 1) after the report is written.

    .venv/bin/python bench/bench_history.py [--scale 1.0] [--days 365]     # quick: --scale 0.05 --days 20

Run with `make bench`; writes bench/results/history.json (history-<scale>-<days>.json for other sizes). Not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "plugins"), str(REPO / "tests"), str(REPO / "bench")]

import cpu_use  # noqa: E402
import history_db as hdb  # noqa: E402
import history_fast  # noqa: E402
from cpu_use import CpuUse, wait_for_quiet  # noqa: E402

from harness import airflow_cluster, moto_server, mysql_server, run_progress, warehouse  # noqa: E402
from harness.dbt_runner import DbtRunner  # noqa: E402
from tokyobeta_etl.batch_date import logical_date_for_batch  # noqa: E402
from tokyobeta_etl.data_contract import DEFAULT_BUCKET, DUMP_FILES  # noqa: E402

DAG_ID = "tokyobeta_daily_etl"
DAILY = REPO / "dags" / f"{DAG_ID}.py"
LAST = dt.date(2026, 12, 1)  # day 365 by default: a fixed date, so every run simulates the same year
TASK_TARGET, RUN_TARGET = 1.5, 1.2
STARTED = time.monotonic()


def say(line: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.0f} s] {line}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="simulator scale (1 = production)")
    parser.add_argument("--days", type=int, default=365, help="batch dates of history, day 1 to the last (>= 10)")
    parser.add_argument("--last", type=dt.date.fromisoformat, default=LAST, help="the last batch date (YYYY-MM-DD)")
    parser.add_argument("--reps", type=int, default=2, help="measured runs of day 1 and of day 365 (the last dates)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--parallelism", type=int, default=4, help="Airflow [core] parallelism")
    args = parser.parse_args()
    if args.days < 10 or not 1 <= args.reps <= 3:
        parser.error("--days must be at least 10 and --reps 1 to 3")
    first = args.last - dt.timedelta(days=args.days - 1)
    measured = [args.last - dt.timedelta(days=args.reps - 1 - i) for i in range(args.reps)]  # day 365 and before
    fast_last = measured[0] - dt.timedelta(days=1)  # the last date built fast, then run through the DAG
    mid = first + dt.timedelta(days=round((args.days - 1) * 179 / 364))  # D180 of 365
    name = "history.json" if (args.scale, args.days) == (1.0, 365) else f"history-{args.scale:g}-{args.days}.json"
    out = REPO / "bench" / "results" / name

    work = Path(tempfile.mkdtemp(prefix="tokyobeta-bench-history-"))
    os.environ["TMPDIR"] = str(work)
    os.environ.update(moto_server.CREDENTIALS)
    db, s3 = mysql_server.start(), moto_server.start()
    cluster, runner, failed = None, None, True
    results: dict = {
        "benchmark": "daily DAG on day 1 and day 365 of history",
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "scale": args.scale,
        "days": args.days,
        "seed": args.seed,
        "dates": {
            "day1": str(first),
            "fast_build": f"{first + dt.timedelta(days=1)}..{fast_last}",
            "rerun_of_last_fast_date": str(fast_last),
            "day365_runs": [str(d) for d in measured],
            "past_date_rerun": str(mid),
        },
        "airflow": f"LocalExecutor, parallelism {args.parallelism}, PostgreSQL metadata database, scheduler running",
        "checks": {"passed": False, "failures": [], "done": []},
    }
    checks = results["checks"]
    try:
        etl = warehouse.create_etl_user(db)
        admin = db.connect()
        ((version, pool),) = hdb.rows(admin, "SELECT VERSION(), @@innodb_buffer_pool_size")
        results["server"] = f"{version}, InnoDB buffer pool {int(pool) // 2**20} MiB"
        client = s3.client("s3")
        client.create_bucket(
            Bucket=DEFAULT_BUCKET, CreateBucketConfiguration={"LocationConstraint": moto_server.REGION}
        )
        cluster = airflow_cluster.start(
            dags=[DAILY],
            mysql_url=db.url(etl.user, etl.password),
            aws_endpoint_url=s3.endpoint_url,
            region=moto_server.REGION,
            parallelism=args.parallelism,
            # a backfill runs a paused DAG; unpaused, the scheduler would start today's run beside the benchmark
            extra_env={"AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True"},
        )
        from tokyobeta_sim import DumpOptions, S3Sink, Simulator
        from tokyobeta_sim.engine import file_name

        sink, options = S3Sink(DEFAULT_BUCKET, client=client), DumpOptions()

        def keep_dumps(sim) -> None:
            for stem in DUMP_FILES:
                sink.put(file_name(stem, sim.today, options), sim.dump(stem, options))

        started = time.monotonic()
        sim = Simulator(first, seed=args.seed, scale=args.scale)
        keep_dumps(sim)
        truths = {sim.today: truth_numbers(sim)}
        say(f"simulator built at {first} (scale {args.scale}) in {time.monotonic() - started:.1f} s")

        runs = results["runs"] = {"day1_first": dag_run(cluster, first, "day 1, first run (empty warehouse)")}
        logs: dict[str, list] = {}
        for rep in range(1, args.reps + 1):
            runs[f"day1_rep{rep}"], logs[f"day1_rep{rep}"] = measured_run(cluster, admin, etl.user, first, "day 1")
        sizes = results["table_sizes"] = {"day1": hdb.table_sizes(admin)}

        # -- the year between, the fast way ------------------------------------------------------------------------
        fast_started = time.monotonic()
        runner = DbtRunner.for_etl_user(db, etl, warm=True)
        conn = db.connect(user=etl.user, password=etl.password)
        daily = history_fast.DailyStatements(conn, runner)
        before = hdb.digests(admin, daily.tables)
        daily.run(conn, first, defaultdict(float))
        check(checks, "the fast path on day 1 leaves the real run's rows",
              hdb.differences(before, hdb.digests(admin, daily.tables)))  # fmt: skip
        mirror = history_fast.SourceMirror(db.connect(user=etl.user, password=etl.password), sim)
        reload_seconds = mirror.full_reload_seconds()

        def on_date(sim) -> None:
            truths[sim.today] = truth_numbers(sim)
            if sim.today in (mid, fast_last):
                keep_dumps(sim)

        fast = history_fast.build_dates(sim, mirror, daily, conn, fast_last, on_date, say)
        mirror.tag(sim.today)
        fast["finish"] = history_fast.finish(db, runner, conn, first, sim.today, say)
        runner.close()
        fast["source_update"] = {
            "changed rows as multi-row REPLACE, seconds per date": round(
                fast["seconds_by_part"]["staging source: changed rows (REPLACE)"] / fast["dates"], 4
            ),
            "every row as multi-row INSERT (a full reload), seconds per date": round(reload_seconds, 2),
        }
        fast["seconds"] = round(time.monotonic() - fast_started, 1)
        results["fast_build"] = fast
        say(f"fast build of {fast['dates']} dates done in {fast['seconds']} s")
        check(checks, f"silver rows and KPIs of every date {first}..{sim.today} equal the simulator's truth",
              truth_differences(admin, truths))  # fmt: skip

        # -- proof: a real run of the last fast date changes nothing ------------------------------------------------
        before = hdb.digests(admin)
        runs["rerun_of_last_fast_date"] = dag_run(cluster, fast_last, f"{fast_last} (built fast) through the DAG")
        check(checks, f"the DAG's run of {fast_last} leaves every staging, silver and gold table as the fast build "
              "left it", hdb.differences(before, hdb.digests(admin)))  # fmt: skip

        # -- day 365 ---------------------------------------------------------------------------------------------------
        for rep, day in enumerate(measured, 1):
            sim.advance()
            keep_dumps(sim)
            truths[sim.today] = truth_numbers(sim)
            what = f"day {args.days - len(measured) + rep}"
            runs[f"day365_rep{rep}"], logs[f"day365_rep{rep}"] = measured_run(cluster, admin, etl.user, day, what)
        sizes["day365"] = hdb.table_sizes(admin)
        check(checks, "the measured last dates equal the simulator's truth",
              truth_differences(admin, {d: truths[d] for d in measured}))  # fmt: skip
        day1_logs = [logs[f"day1_rep{r}"] for r in range(1, args.reps + 1)]
        day365_logs = [logs[f"day365_rep{r}"] for r in range(1, args.reps + 1)]
        explained = explain_history_reads(admin, day1_logs, day365_logs, sizes["day365"])

        # -- proof: a past-date re-run after day 365 changes nothing (invariant 2) ---------------------------------
        before = hdb.digests(admin)
        runs["past_date_rerun"] = dag_run(cluster, mid, f"past date {mid} again, after day 365")
        check(checks, f"the past-date re-run of {mid} leaves every staging, silver and gold table (each date of "
              "the date-keyed ones) as it was", hdb.differences(before, hdb.digests(admin)))  # fmt: skip

        results["comparison"] = compare(runs, sizes, args.reps)
        results["statements"] = {
            "how": "MariaDB slow query log at long_query_time = 0 to a table, the ETL user's sessions, during the "
            "measured runs only; statements grouped with dates and row values taken out; per statement the "
            "fastest repetition",
            "seconds_by_task_day1": hdb.seconds_by_task(logs["day1_rep1"]),
            "seconds_by_task_day365": hdb.seconds_by_task(logs[f"day365_rep{args.reps}"]),
            "grew_most": hdb.compare_statements(day1_logs, day365_logs),
        }
        results["explain"] = explained
        checks["passed"] = not checks["failures"]
        failed = False
        print_report(results)
    finally:
        if runner is not None:
            runner.cleanup()
        if cluster is not None:
            cluster.stop(keep_home=failed)
            if failed:
                print(f"Airflow home kept for its logs: {cluster.home}")
        s3.stop()
        db.stop()
        results["seconds"] = round(time.monotonic() - STARTED, 1)
        out.write_text(json.dumps(results, indent=2, default=str) + "\n")
        print(f"wrote {out} ({results['seconds']:.0f} s in all)")
    if checks["failures"]:
        print("CHECKS FAILED:\n  " + "\n  ".join(checks["failures"]), file=sys.stderr)
        return 1
    return 0


def check(checks: dict, what: str, failures: list[str]) -> None:
    if failures:
        checks["failures"].extend(f"{what}: {f}" for f in failures)
        say(f"CHECK FAILED: {what}:\n  " + "\n  ".join(failures[:30]))
    else:
        checks["done"].append(what)
        say(f"check passed: {what}")


# -- real runs ---------------------------------------------------------------------------------------------------


def dag_run(cluster, batch: dt.date, what: str) -> dict:
    """One batch date through `airflow dags backfill` (a re-run when the run exists); its tasks' durations."""
    at = logical_date_for_batch(batch)
    say(f"DAG run: {what} (batch {batch})")
    # a re-run continues its tasks' try numbers: a retry is a try beyond the one this run adds
    tries_before = dict(
        cluster.query(
            "SELECT ti.task_id || '/' || ti.map_index, ti.try_number FROM task_instance ti JOIN dag_run dr "
            "ON dr.dag_id = ti.dag_id AND dr.run_id = ti.run_id WHERE dr.dag_id = %s AND dr.execution_date = %s",
            (DAG_ID, at),
        )
    )
    started = time.monotonic()
    with CpuUse() as use, run_progress.watching(cluster.query, DAG_ID, at, at, 1):
        done = cluster.cli(
            "dags", "backfill", DAG_ID, "-s", at.isoformat(), "-e", at.isoformat(), "--reset-dagruns", "--yes",
            check=False, timeout=7200,
        )  # fmt: skip
    wall = time.monotonic() - started
    ((run_id, state, start, end),) = cluster.query(
        "SELECT run_id, state, start_date, end_date FROM dag_run WHERE dag_id = %s AND execution_date = %s",
        (DAG_ID, at),
    )
    if done.returncode != 0 or state != "success":
        raise RuntimeError(
            f"the run of {batch} ended {state} (backfill exit {done.returncode}):\n{done.stderr[-3000:]}\n"
            f"{cluster.post_mortem(DAG_ID, run_id)}"
        )
    tasks = {}
    for ti in cluster.task_instances(DAG_ID, run_id):
        key = ti.task_id + (f"[{ti.map_index}]" if ti.map_index >= 0 else "")
        seconds = (ti.end - ti.start).total_seconds() if ti.start and ti.end else None
        tries = ti.try_number - tries_before.get(f"{ti.task_id}/{ti.map_index}", 0)
        tasks[key] = {"seconds": seconds and round(seconds, 2), "state": ti.state, "tries": tries,
                      "_span": (ti.start, ti.end)}  # fmt: skip
    say(
        f"DAG run of {batch} done: {wall:.1f} s, {use.seconds['total']:.0f} CPU seconds (other processes used "
        f"{use.others_share:.0%} of the machine meanwhile)"
    )
    return {
        "batch_date": str(batch),
        "backfill_seconds": round(wall, 1),
        "run_seconds": round((end - start).total_seconds(), 1),
        "cpu_seconds": use.seconds,
        "other_processes_cpu_share": round(use.others_share, 3),
        "retried_tasks": sorted(t for t, v in tasks.items() if v["tries"] > 1),
        "tasks": tasks,
    }


def measured_run(cluster, admin, user: str, batch: dt.date, what: str) -> tuple[dict, list]:
    """A run with every statement it sent logged, each attributed to its task, started once the machine is quiet
    enough (other sessions' tests disturb the wall times)."""
    quiet = wait_for_quiet(say)
    hdb.start_statement_log(admin)
    try:
        run = dag_run(cluster, batch, what)
    finally:
        statements = hdb.stop_statement_log(admin, user)
    hdb.attribute(statements, {t: v["_span"] for t, v in run["tasks"].items()})
    for v in run["tasks"].values():
        del v["_span"]
    run["statements_logged"] = len(statements)
    run["slowest_statements"] = [
        {"task": x.task, "seconds": round(x.seconds, 2), "statement": hdb.brief(hdb.normalised(x.text), 200)}
        for x in sorted(statements, key=lambda x: -x.seconds)[:8]
    ]
    run["quiet_wait"] = quiet
    return run, statements


# -- the simulator's truth -----------------------------------------------------------------------------------------


def truth_numbers(sim) -> dict:
    t = sim.truth()
    keys = ("snapshot_rows", "occupied_rooms", "new_moveins", "new_moveouts", "applications", "total_rooms")
    return {**{k: t[k] for k in keys}, "tenants": t["row_counts"]["tenants"]}


def truth_differences(conn, truths: dict[dt.date, dict]) -> list[str]:
    """Each date's rows against the simulator's truth (the KPI's fact days, the silver counts, the snapshot rows,
    and gold.property_daily_metrics summed over properties against the KPI)."""
    got: dict[str, dict] = {}
    queries = {
        "silver.tenant_room_snapshot_daily": (
            "SELECT snapshot_date, COUNT(*), SUM(is_room_primary) FROM silver.tenant_room_snapshot_daily "
            "GROUP BY snapshot_date",
            ("snapshot_rows", "occupied_rooms"),
        ),
        "silver.room_count_daily": ("SELECT snapshot_date, total_rooms FROM silver.room_count_daily", ("total_rooms",)),
        "staging.tenant_daily_snapshots": (
            "SELECT snapshot_date, COUNT(*) FROM staging.tenant_daily_snapshots GROUP BY snapshot_date",
            ("tenants",),
        ),
        "gold.occupancy_daily_metrics": (
            "SELECT snapshot_date, applications, new_moveins, new_moveouts, period_end_rooms, total_rooms "
            "FROM gold.occupancy_daily_metrics WHERE is_projection = 0",
            ("applications", "new_moveins", "new_moveouts", "occupied_rooms", "total_rooms"),
        ),
        "gold.property_daily_metrics": (
            "SELECT snapshot_date, SUM(new_moveins), SUM(new_moveouts), SUM(occupied_rooms), SUM(total_rooms) "
            "FROM gold.property_daily_metrics GROUP BY snapshot_date",
            ("new_moveins", "new_moveouts", "occupied_rooms", "total_rooms"),
        ),
    }
    for table, (sql, names) in queries.items():
        got[table] = {r[0]: dict(zip(names, (int(v) for v in r[1:]), strict=True)) for r in hdb.rows(conn, sql)}
    found = []
    for day, truth in sorted(truths.items()):
        for table, (_, names) in queries.items():
            row = got[table].get(day)
            if row is None:
                found.append(f"{table}: no row for date {day}")
                continue
            wrong = {n: (row[n], truth[n]) for n in names if row[n] != truth[n]}
            if wrong:
                said = ", ".join(f"{n} {a} (truth {b})" for n, (a, b) in wrong.items())
                found.append(f"{table}, date {day}: {said}")
    return found


# -- the report ----------------------------------------------------------------------------------------------------


def fastest(reps: list[dict]) -> dict:
    """Per task and for the whole run, the fastest of the repetitions (the one others disturbed least)."""
    clean = [r for r in reps if not r["retried_tasks"]] or reps  # a retry waits out its back-off
    tasks = {}
    for task in {t for r in reps for t in r["tasks"]}:
        samples = [r["tasks"][task]["seconds"] for r in reps if r["tasks"].get(task, {}).get("seconds") is not None]
        tasks[task] = {"seconds": min(samples) if samples else None, "samples": samples}
    return {
        "backfill_seconds": min(r["backfill_seconds"] for r in clean),
        "backfill_samples": [r["backfill_seconds"] for r in reps],
        "run_seconds": min(r["run_seconds"] for r in clean),
        "other_processes_cpu_share": [r["other_processes_cpu_share"] for r in reps],
        "cpu_seconds": {k: min(r["cpu_seconds"].get(k, 0) for r in clean) for k in clean[0]["cpu_seconds"]},
        "tasks": tasks,
    }


def compare(runs: dict, sizes: dict, reps: int) -> dict:
    a = fastest([runs[f"day1_rep{r}"] for r in range(1, reps + 1)])
    b = fastest([runs[f"day365_rep{r}"] for r in range(1, reps + 1)])
    first = runs["day1_first"]
    tasks = {}
    for task in sorted(set(a["tasks"]) | set(b["tasks"]), key=lambda t: -(b["tasks"].get(t, {}).get("seconds") or 0)):
        x = a["tasks"].get(task, {}).get("seconds")
        y = b["tasks"].get(task, {}).get("seconds")
        ratio = round(y / x, 2) if x and y else None
        tasks[task] = {
            "day1_first_run": first["tasks"].get(task, {}).get("seconds"),
            "day1": x,
            "day365": y,
            "ratio": ratio,
            "growth_seconds": round(y - x, 2) if x is not None and y is not None else None,
            "over_target": bool(ratio and ratio > TASK_TARGET),
            "samples": {
                "day1": a["tasks"].get(task, {}).get("samples"),
                "day365": b["tasks"].get(task, {}).get("samples"),
            },
        }
    run_ratio = round(b["backfill_seconds"] / a["backfill_seconds"], 2)
    biggest = sorted(sizes["day365"], key=lambda t: -sizes["day365"][t]["mb"])[:12]
    return {
        "targets": {"run": f"day 365 <= {RUN_TARGET}x day 1", "task": f"each task <= {TASK_TARGET}x day 1"},
        "how": f"the fastest of {reps} runs on each side (day 1: re-runs of the first date; day 365: the last "
        f"{reps} dates, each a new latest date); the first run on the empty warehouse beside them",
        "run": {
            "day1_first_run_seconds": first["backfill_seconds"],
            "day1_seconds": a["backfill_seconds"],
            "day365_seconds": b["backfill_seconds"],
            "ratio": run_ratio,
            "over_target": run_ratio > RUN_TARGET,
            "samples": {"day1": a["backfill_samples"], "day365": b["backfill_samples"]},
            "dag_run_seconds": {"day1": a["run_seconds"], "day365": b["run_seconds"]},
            # the work the runs did, whatever ran beside them (fewest CPU seconds of the repetitions, by kind)
            "cpu_seconds": {
                "day1_first_run": first["cpu_seconds"],
                "day1": a["cpu_seconds"],
                "day365": b["cpu_seconds"],
            },
            "other_processes_cpu_share": {
                "day1_first_run": first["other_processes_cpu_share"],
                "day1": a["other_processes_cpu_share"],
                "day365": b["other_processes_cpu_share"],
            },
        },
        "tasks_over_target": [t for t, v in tasks.items() if v["over_target"]],
        "tasks": tasks,
        "biggest_tables": {t: {"day1": sizes["day1"].get(t), "day365": sizes["day365"][t]} for t in biggest},
    }


def explain_history_reads(conn, day1_logs: list[list], day365_logs: list[list], sizes: dict) -> dict:
    """EXPLAIN of each distinct statement of the day-365 runs that names a date-keyed table (or one rebuilt from
    them), with its time in both (the fastest repetition); the plans that scan a big table, flagged."""
    day1 = hdb.fastest_groups(day1_logs)
    out = []
    for key, g in sorted(hdb.fastest_groups(day365_logs).items(), key=lambda kv: -kv[1].seconds):
        if not hdb.reads_history(g.example):
            continue
        plan = hdb.explain(conn, g.example, sizes)
        old = day1.get(key)
        out.append(
            {
                "statement": hdb.brief(key),
                "tasks": sorted(g.tasks),
                "count": g.count,
                "seconds_day365": round(g.seconds, 3),
                "seconds_day1": round(old.seconds, 3) if old else None,
                "rows_examined_day365": g.rows_examined,
                "rows_examined_day1": old.rows_examined if old else None,
                "plan": [hdb.plan_line(r) for r in plan["plan"] or []],
                "note": plan["note"],
                "flags": plan.get("flags", []),
            }
        )
    return {
        "how": "each distinct statement of the day-365 runs naming a date-keyed table or one rebuilt from them "
        f"(qualified), EXPLAINed after the runs; flagged: type ALL or index on a base table of >= {hdb.BIG_ROWS} "
        "rows (or expected to read as many)",
        "statements": len(out),
        "flagged": [s for s in out if s["flags"]],
        "all": out,
    }


def print_report(results: dict) -> None:
    c = results["comparison"]
    r = c["run"]
    print(f"\nwhole run (backfill wall time, {c['how']}): day 1 first run {r['day1_first_run_seconds']} s, day 1 "
          f"{r['day1_seconds']} s, day 365 {r['day365_seconds']} s: {r['ratio']}x"
          f"{'  OVER ' + str(RUN_TARGET) + 'x' if r['over_target'] else ''}")  # fmt: skip
    cpu = r["cpu_seconds"]
    print(f"CPU seconds of the run (database, metadata, Airflow+dbt): day 1 {_kinds(cpu['day1'])}, day 365 "
          f"{_kinds(cpu['day365'])}")  # fmt: skip
    print(f"\n{'task':70} {'first':>6} {'day1':>6} {'day365':>6} {'ratio':>6}")
    for task, v in c["tasks"].items():
        mark = f"  OVER {TASK_TARGET}x" if v["over_target"] else ""
        print(f"{task[:70]:70} {v['day1_first_run'] or 0:6.1f} {v['day1'] or 0:6.1f} {v['day365'] or 0:6.1f} "
              f"{v['ratio'] or 0:6.2f}{mark}")  # fmt: skip
    print(f"\n{'table':58} {'rows d1':>10} {'MB d1':>8} {'rows d365':>10} {'MB d365':>8}")
    for table, v in c["biggest_tables"].items():
        d1 = v["day1"] or {"rows": 0, "mb": 0}
        print(f"{table:58} {d1['rows']:10} {d1['mb']:8.1f} {v['day365']['rows']:10} {v['day365']['mb']:8.1f}")
    print("\nstatements that grew most (seconds day 1 -> day 365):")
    for s in results["statements"]["grew_most"][:12]:
        x, y = s["day1"] or {"seconds": 0}, s["day365"] or {"seconds": 0}
        print(f"  {x['seconds']:7.2f} -> {y['seconds']:7.2f}  [{s['task']}] {s['statement'][:150]}")
    print("\nflagged plans (day 365):")
    for s in results["explain"]["flagged"]:
        print(f"  [{', '.join(s['tasks'])}] {s['seconds_day1']} -> {s['seconds_day365']} s: {s['statement'][:150]}")
        for f in s["flags"]:
            print(f"      {f}")
    print(f"\nfast build: {results['fast_build']['seconds']} s; checks: "
          f"{'passed' if results['checks']['passed'] else 'FAILED'}")  # fmt: skip


def _kinds(seconds: dict) -> str:
    return " / ".join(
        f"{seconds.get(k, 0):.0f}" for k in ("database server", "metadata database (PostgreSQL)", cpu_use.REST)
    )


if __name__ == "__main__":
    raise SystemExit(main())
