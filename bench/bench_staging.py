"""Benchmark: the staging load of one production-scale day, against the plain `mariadb` client on the same dumps,
and the loader's peak memory at --scale 1 and --scale 5 (it streams, so the peak must stay flat).

Run with `make bench`; writes bench/results/staging.json. Not a test: numbers, not verdicts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "plugins"), str(REPO / "tests")]

from harness import airflow_env, moto_server, mysql_server, warehouse  # noqa: E402
from tokyobeta_etl.data_contract import DEFAULT_BUCKET, DUMP_FILES  # noqa: E402

BATCH = dt.date(2026, 2, 10)


def simulate_day(directory: Path, scale: float) -> dict:
    from tokyobeta_sim import DirectorySink, simulate

    (day,) = simulate(BATCH, 1, sink=DirectorySink(directory), seed=1, scale=scale)
    return day.truth


def client_replay(db, directory: Path) -> float:
    db.execute("DROP DATABASE IF EXISTS bench_client", "CREATE DATABASE bench_client CHARACTER SET utf8mb4")
    started = time.monotonic()
    for stem in DUMP_FILES:
        with open(directory / f"{stem}_{BATCH:%Y%m%d}.sql", "rb") as f:
            subprocess.run(db.client_cmd("bench_client"), stdin=f, check=True)
    return time.monotonic() - started


def vm_hwm_kib() -> int:
    """This process's peak RSS. Not ru_maxrss: Linux carries that across exec from the parent (the simulator)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def child_load(source: str) -> None:
    """In a fresh process, load the four dumps and print seconds and peak RSS.

    source "s3": exactly the DAG task's path (S3 stream from moto, hooks, audit rows).
    source DIR: the loader itself (load_dump) streaming the same files from local disk, as the client reads them.
    """
    from airflow.providers.mysql.hooks.mysql import MySqlHook

    from tokyobeta_etl.loading.load_dump import load_dump
    from tokyobeta_etl.loading.load_task import load_dump_to_load_area

    base = vm_hwm_kib()
    started = time.monotonic()
    if source == "s3":
        for stem in DUMP_FILES:
            load_dump_to_load_area(stem, batch=BATCH, allow_shrink=True)
    else:
        conn = MySqlHook(mysql_conn_id="tokyobeta_aurora").get_conn()
        for stem in DUMP_FILES:
            name = f"{stem}_{BATCH:%Y%m%d}.sql"
            with open(Path(source) / name, "rb") as f:
                load_dump(
                    conn,
                    iter(lambda: f.read(1 << 20), b""),
                    file_name=name,
                    stem=stem,
                    gzip=False,
                    batch=BATCH,
                    target_schema="staging_load",
                )
        conn.close()
    seconds = time.monotonic() - started
    peak = vm_hwm_kib()
    print(json.dumps({"seconds": seconds, "rss_after_imports_kib": base, "peak_rss_kib": peak}))


def loader_run(env: dict, source: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child-load", source], env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def s3_read_seconds(client, keys: list[str]) -> float:
    """How long the S3 stand-in alone takes to serve the objects (moto is far slower than S3)."""
    started = time.monotonic()
    for key in keys:
        body = client.get_object(Bucket=DEFAULT_BUCKET, Key=key)["Body"]
        for _ in body.iter_chunks(1 << 20):
            pass
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child-load", metavar="SOURCE", help="internal: 's3' or a directory")
    parser.add_argument("--scales", default="1,5")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.child_load:
        child_load(args.child_load)
        return 0
    work = Path(tempfile.mkdtemp(prefix="tokyobeta-bench-"))
    os.environ["TMPDIR"] = str(work)
    airflow_env.isolate()
    db, s3 = mysql_server.start(), moto_server.start()
    results: dict = {
        "benchmark": "staging load",
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "server": db.flavor,
        "scales": {},
    }
    try:
        etl = warehouse.create_etl_user(db)
        airflow_env.set_connections(db.url(etl.user, etl.password), s3.endpoint_url, moto_server.REGION)
        env = {
            **os.environ,
            **moto_server.CREDENTIALS,
            "AIRFLOW_VAR_TOKYOBETA_DUMP_BUCKET": DEFAULT_BUCKET,
            "AIRFLOW_VAR_TOKYOBETA_DUMP_PREFIX": "dumps/",
            "AIRFLOW_VAR_TOKYOBETA_MAX_SHRINK_SHARE": "1",
            "PYTHONPATH": str(REPO / "plugins"),
        }
        db.execute(*[line for line in _create_schemas_sql()])
        client = s3.client("s3")
        client.create_bucket(
            Bucket=DEFAULT_BUCKET, CreateBucketConfiguration={"LocationConstraint": moto_server.REGION}
        )
        for scale in (float(s) for s in args.scales.split(",")):
            directory = work / f"scale{scale:g}"
            truth = simulate_day(directory, scale)
            size = 0
            for stem in DUMP_FILES:
                path = directory / f"{stem}_{BATCH:%Y%m%d}.sql"
                size += path.stat().st_size
                client.upload_file(str(path), DEFAULT_BUCKET, f"dumps/{path.name}")
            keys = [f"dumps/{stem}_{BATCH:%Y%m%d}.sql" for stem in DUMP_FILES]
            entry = {
                "dump_bytes": size,
                "rows": truth["row_counts"],
                "client_seconds": [],
                "loader": [],
                "task_from_s3": [],
                "s3_standin_read_seconds": [],
            }
            for _ in range(args.repeat if scale == 1 else 1):
                entry["client_seconds"].append(round(client_replay(db, directory), 3))
                entry["loader"].append(loader_run(env, str(directory)))
                entry["task_from_s3"].append(loader_run(env, "s3"))
                entry["s3_standin_read_seconds"].append(round(s3_read_seconds(client, keys), 3))
            best = {k: min(r["seconds"] for r in entry[k]) for k in ("loader", "task_from_s3")}
            entry["client_seconds_best"] = min(entry["client_seconds"])
            entry["loader_seconds_best"] = round(best["loader"], 3)
            entry["task_from_s3_seconds_best"] = round(best["task_from_s3"], 3)
            entry["ratio_loader_to_client"] = round(best["loader"] / entry["client_seconds_best"], 2)
            for k in ("loader", "task_from_s3"):
                entry[f"{k}_peak_rss_mib"] = round(max(r["peak_rss_kib"] for r in entry[k]) / 1024, 1)
                entry[f"{k}_rss_after_imports_mib"] = round(min(r["rss_after_imports_kib"] for r in entry[k]) / 1024, 1)
            results["scales"][f"{scale:g}"] = entry
            print(
                f"scale {scale:g}: {size / 1e6:.1f} MB of dumps; client {entry['client_seconds_best']:.2f} s; "
                f"loader {best['loader']:.2f} s (x{entry['ratio_loader_to_client']}); DAG task path from moto S3 "
                f"{best['task_from_s3']:.2f} s (moto alone serves the bytes in "
                f"{min(entry['s3_standin_read_seconds']):.2f} s); peak RSS loader "
                f"{entry['loader_peak_rss_mib']} MiB, task {entry['task_from_s3_peak_rss_mib']} MiB",
                flush=True,
            )
    finally:
        s3.stop()
        db.stop()
    targets = {"ratio_loader_to_client_at_scale_1": "<= 1.5", "peak_rss_scale5_over_scale1": "flat (<= 1.2)"}
    s = results["scales"]
    if "1" in s and "5" in s:
        results["peak_rss_scale5_over_scale1"] = round(
            s["5"]["task_from_s3_peak_rss_mib"] / s["1"]["task_from_s3_peak_rss_mib"], 2
        )
    results["targets"] = targets
    out = REPO / "bench" / "results" / "staging.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


def _create_schemas_sql() -> list[str]:
    from tokyobeta_etl.admin import split_sql

    return split_sql((REPO / "include" / "sql" / "staging" / "create_schemas.sql").read_text(encoding="utf-8"))


if __name__ == "__main__":
    raise SystemExit(main())
