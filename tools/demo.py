"""`make demo`: the daily job on local defaults, end to end, on this machine.

Starts a throwaway MySQL-compatible server (or uses TOKYOBETA_DEMO_MYSQL_URL, an admin URL of a server of yours)
and a moto S3 stand-in, creates the pipeline's least-privilege user with the shipped grants, simulates the source
system's dumps for a few days into the bucket, runs those days through Airflow with `airflow dags backfill`, and
prints what was loaded and built (staging, silver, gold, the occupancy KPIs) beside the simulator's truth.
Everything lives under .demo/ and is removed on the next run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "plugins"), str(REPO / "tests")]

from harness import airflow_env, moto_server, mysql_server, postgres_server, run_progress, warehouse  # noqa: E402
from tokyobeta_etl import config  # noqa: E402
from tokyobeta_etl.batch_date import logical_date_for_batch, today_jst  # noqa: E402
from tokyobeta_etl.data_contract import DEFAULT_BUCKET, STAGING_TABLES  # noqa: E402
from tokyobeta_sim import S3Sink, simulate  # noqa: E402

DEMO = REPO / ".demo"


def parse_args() -> argparse.Namespace:
    today = today_jst()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--days", type=int, default=3, help="how many batch dates to run (default 3)")
    p.add_argument("--end", type=dt.date.fromisoformat, default=today, help="last batch date (default: today JST)")
    p.add_argument("--scale", type=float, default=1.0, help="simulator population scale (default 1 = production)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--keep", action="store_true", help="leave the servers running and print how to reach them")
    return p.parse_args()


def airflow(*args: str, env: dict) -> None:
    """Run the Airflow CLI; its chatter goes to .demo/airflow.log, shown in full if the command fails."""
    log = DEMO / "airflow.log"
    print("$ airflow " + " ".join(args), flush=True)
    with open(log, "ab") as out:
        done = subprocess.run(["airflow", *args], env=env, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        sys.stdout.write(log.read_text(errors="replace")[-20000:])
        raise SystemExit(f"airflow {args[0]} {args[1]} failed (exit {done.returncode}); full log: {log}")


def main() -> int:
    args = parse_args()
    if DEMO.exists():
        shutil.rmtree(DEMO)
    DEMO.mkdir()
    os.environ["TMPDIR"] = str(DEMO)
    home = airflow_env.isolate()
    url = os.environ.get("TOKYOBETA_DEMO_MYSQL_URL")
    db = mysql_server.from_url(url) if url else mysql_server.start()
    s3 = moto_server.start()
    metadata = postgres_server.start()
    # A deployment's executor: tasks in parallel (LocalExecutor needs a real metadata database, not SQLite).
    os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = metadata.create_database("airflow")
    os.environ["AIRFLOW__CORE__EXECUTOR"] = "LocalExecutor"
    os.environ["AIRFLOW__CORE__PARALLELISM"] = "4"
    os.environ.update(config.airflow_config_env())
    try:
        print(f"MySQL-compatible server: {db.host}:{db.port} ({db.flavor}); moto: {s3.endpoint_url}")
        etl = warehouse.create_etl_user(db)
        os.environ.update(moto_server.CREDENTIALS)
        airflow_env.set_connections(db.url(etl.user, etl.password), s3.endpoint_url, moto_server.REGION)
        client = s3.client("s3")
        client.create_bucket(
            Bucket=DEFAULT_BUCKET, CreateBucketConfiguration={"LocationConstraint": moto_server.REGION}
        )
        first = args.end - dt.timedelta(days=args.days - 1)
        started = time.monotonic()
        days = list(
            simulate(
                first,
                args.days,
                sink=S3Sink(DEFAULT_BUCKET, client=client),
                seed=args.seed,
                scale=args.scale,
                progress=True,
            )
        )
        print(
            f"simulated {args.days} days {first}..{args.end} at scale {args.scale} in "
            f"{time.monotonic() - started:.1f} s into s3://{DEFAULT_BUCKET}/dumps/"
        )
        venv_bin = str(REPO / ".venv" / "bin")  # the executor starts `airflow tasks run` from PATH
        env = {**os.environ, "PYTHONPATH": str(REPO / "plugins"), "PATH": venv_bin + os.pathsep + os.environ["PATH"]}
        airflow("db", "migrate", env=env)
        started = time.monotonic()
        first_logical, last_logical = logical_date_for_batch(first), logical_date_for_batch(args.end)
        query = functools.partial(metadata.query, "airflow")
        with run_progress.watching(query, "tokyobeta_daily_etl", first_logical, last_logical, args.days):
            airflow(
                "dags",
                "backfill",
                "tokyobeta_daily_etl",
                "--reset-dagruns",
                "--yes",
                "-s",
                first_logical.isoformat(),
                "-e",
                last_logical.isoformat(),
                env=env,
            )
        print(
            f"\nbackfill of {args.days} batch dates took {time.monotonic() - started:.0f} s "
            f"(Airflow home: {home})\n"
        )
        report(db, days)
        if args.keep:
            print(
                f"\nservers left running: mysql -h {db.host} -P {db.port} -u {db.admin_user} "
                f"-p{db.admin_password}; S3 at {s3.endpoint_url}"
            )
    finally:
        if not args.keep:
            s3.stop()
            db.stop()
            metadata.stop()
    return 0


def report(db, days) -> None:
    conn = db.connect()
    cur = conn.cursor()
    print("ops.load_audit (batch_date, table, rows, seconds, outcome):")
    cur.execute(
        "SELECT batch_date, table_name, rows_loaded, seconds, outcome FROM ops.load_audit "
        "ORDER BY batch_date, table_name"
    )
    for row in cur.fetchall():
        print(f"  {row[0]}  {row[1]:<11} {row[2]:>7,}  {row[3]:>6} s  {row[4]}")
    cur.execute(
        "SELECT table_name, table_comment FROM information_schema.tables WHERE table_schema = 'staging' "
        "ORDER BY table_name"
    )
    print("\npublished staging (rows; batch tag | expected rows from the simulator's last day):")
    truth = days[-1].truth["row_counts"]
    for name, comment in cur.fetchall():
        cur.execute(f"SELECT COUNT(*) FROM staging.`{name}`")
        n = cur.fetchone()[0]
        expected = truth.get(name, "-") if name in STAGING_TABLES else "-"
        print(f"  staging.{name:<24} {n:>8,}  {comment or '':<28} | {expected}")
    cur.execute("SELECT snapshot_date, COUNT(*) FROM staging.tenant_daily_snapshots GROUP BY snapshot_date")
    print("\nstaging.tenant_daily_snapshots per date: " + ", ".join(f"{d}: {n:,}" for d, n in cur.fetchall()))
    truth = {day.date: day.truth for day in days}
    cur.execute(
        "SELECT s.snapshot_date, SUM(s.is_room_primary), COUNT(*), MAX(r.total_rooms) "
        "FROM silver.tenant_room_snapshot_daily s JOIN silver.room_count_daily r USING (snapshot_date) "
        "GROUP BY s.snapshot_date ORDER BY s.snapshot_date"
    )
    print("\nsilver per date: occupied rooms / snapshot rows / total rooms (simulator's truth in brackets)")
    for d, occupied, rows, total in cur.fetchall():
        t = truth[d]
        print(
            f"  {d}  {int(occupied):>6,} ({t['occupied_rooms']:,})  {rows:>6,} ({t['snapshot_rows']:,})  "
            f"{total:>6,} ({t['total_rooms']:,})  occupancy {int(occupied) / total:.1%}"
        )
    print("\ngold marts (rows):")
    for table in ("new_contracts", "moveouts", "moveout_notices", "moveout_analysis", "moveout_summary"):
        cur.execute(f"SELECT COUNT(*) FROM gold.{table}")
        print(f"  gold.{table:<26} {cur.fetchone()[0]:>8,}")
    cur.execute("SELECT COUNT(*) FROM gold.tenant_status_transitions")
    print(f"  gold.{'tenant_status_transitions':<26} {cur.fetchone()[0]:>8,}")
    cur.execute(
        "SELECT snapshot_date, applications, new_moveins, new_moveouts, period_end_rooms, total_rooms, occupancy_rate "
        "FROM gold.occupancy_daily_metrics WHERE is_projection = 0 ORDER BY snapshot_date"
    )
    print("\ngold.occupancy_daily_metrics, fact days: applications / move-ins / move-outs / occupied / rate")
    for d, apps, moveins, moveouts, occupied, total, rate in cur.fetchall():
        t = truth.get(d, {})
        print(
            f"  {d}  {apps:>4} ({t.get('applications', '-')})  {moveins:>4} ({t.get('new_moveins', '-')})  "
            f"{moveouts:>4} ({t.get('new_moveouts', '-')})  {occupied:>6,} of {total:,}  {rate}"
        )
    cur.execute(
        "SELECT MIN(snapshot_date), MAX(snapshot_date), MIN(occupancy_rate), MAX(occupancy_rate) "
        "FROM gold.occupancy_daily_metrics WHERE is_projection = 1"
    )
    first, last, low, high = cur.fetchone()
    print(f"  projection {first} .. {last}: occupancy rate {low} .. {high}")
    conn.close()


if __name__ == "__main__":
    raise SystemExit(main())
