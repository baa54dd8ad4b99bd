"""Benchmark: gold.occupancy_daily_metrics for the default window (lookback 3, forward 90) over one year of daily
silver history at production scale (~16,100 rooms, ~70 % occupied, ~12,000 snapshot rows a day, ~4.4M rows).

The history is generated straight into the silver tables: tenancies per room in Python (a few tens of thousands),
expanded to daily snapshot rows by one INSERT ... SELECT per month against a calendar table. The KPI then runs as the
pipeline's least-privilege user on a throwaway harness server. The old system needed 480 s; the target is < 5 s.

    .venv/bin/python bench/bench_kpi.py [--repeat 5] [--seed 1]

Writes bench/results/kpi.json. Not a test: numbers, not verdicts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "plugins"), str(REPO / "tests")]

from harness import mysql_server, warehouse  # noqa: E402
from tokyobeta_etl.kpi import compute_occupancy_metrics  # noqa: E402
from tokyobeta_etl.kpi.occupancy import statement_params  # noqa: E402
from tokyobeta_etl.kpi.sql_files import default_sql_dir, load_statement  # noqa: E402
from tokyobeta_etl.kpi.window import occupancy_window  # noqa: E402

FIRST = dt.date(2025, 2, 11)
LAST = dt.date(2026, 2, 10)  # 365 daily snapshots
ROOMS = 16_100
ROOMS_PER_APARTMENT = 23
LOOKBACK, FORWARD = 3, 90
OLD_SYSTEM_SECONDS = 480.0
TARGET_SECONDS = 5.0

# The silver tables as the dbt models give them: the snapshot table with its two indexes and no primary key (a
# table dbt creates has none), the history with its natural key (dropped for a second measurement).
SILVER_DDL = (
    """CREATE TABLE silver.tenant_room_snapshot_daily (
        snapshot_date DATE NOT NULL,
        tenant_id INT UNSIGNED NOT NULL,
        moving_id INT UNSIGNED NOT NULL,
        apartment_id INT UNSIGNED NOT NULL,
        room_id INT UNSIGNED NOT NULL,
        management_status_code INT NOT NULL,
        tenant_type VARCHAR(16) NULL,
        move_in_date DATE NULL,
        moveout_date DATE NULL,
        moveout_plans_date DATE NULL,
        is_room_primary TINYINT NOT NULL,
        KEY ix_snapshot_room (snapshot_date, apartment_id, room_id),
        KEY ix_snapshot_primary (snapshot_date, is_room_primary)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4""",
    """CREATE TABLE silver.room_count_daily (
        snapshot_date DATE NOT NULL PRIMARY KEY,
        total_rooms INT NOT NULL
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4""",
    """CREATE TABLE silver.tenant_status_history (
        tenant_id INT UNSIGNED NOT NULL,
        management_status_code INT NOT NULL,
        legacy_contract_type INT NULL,
        valid_from DATE NOT NULL,
        valid_to DATE NULL,
        is_current TINYINT NOT NULL,
        PRIMARY KEY (tenant_id, valid_from)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4""",
)

TENANCY_DDL = """CREATE TABLE bench_kpi.tenancy (
    tenant_id INT UNSIGNED NOT NULL PRIMARY KEY,
    apartment_id INT UNSIGNED NOT NULL,
    room_id INT UNSIGNED NOT NULL,
    tenant_type VARCHAR(16) NOT NULL,
    applied DATE NOT NULL,
    deposit DATE NOT NULL,
    move_in DATE NOT NULL,
    notice DATE NULL,
    moveout DATE NOT NULL,
    moveout_silver DATE NOT NULL,
    cancelled DATE NULL,
    turnover_in TINYINT NOT NULL,
    KEY ix_tenancy_span (applied, moveout)
) ENGINE = InnoDB"""

# One row per tenancy and visible day, statuses as status_on() below: applicant 4 -> 5 -> 6, moved in 7 on the day,
# resident 9, notice 14, 15 in the last three days. A cancelled applicant is visible until the day before its
# cancellation. On a same-day turnover the leaving tenant (15) outranks the arriving one (7) as the room's primary
# row (CONTRACT.md section 5).
EXPAND_SQL = """INSERT INTO silver.tenant_room_snapshot_daily
SELECT
    v.d, v.tenant_id, v.tenant_id, v.apartment_id, v.room_id, v.status, v.tenant_type, v.move_in,
    IF(v.noticed, v.moveout_silver, NULL),
    IF(v.noticed, v.moveout, NULL),
    IF(v.status IN (9, 14, 15) OR (v.status = 7 AND v.turnover_in = 0), 1, 0)
FROM (
    SELECT
        c.d, t.tenant_id, t.apartment_id, t.room_id, t.tenant_type, t.move_in, t.moveout, t.moveout_silver,
        t.turnover_in, t.notice <= c.d AS noticed,
        CASE
            WHEN c.d < t.deposit THEN 4
            WHEN c.d < DATE_SUB(t.move_in, INTERVAL 2 DAY) THEN 5
            WHEN c.d < t.move_in THEN 6
            WHEN c.d = t.move_in THEN 7
            WHEN t.notice IS NULL OR c.d < t.notice THEN 9
            WHEN c.d < DATE_SUB(t.moveout, INTERVAL 3 DAY) THEN 14
            ELSE 15
        END AS status
    FROM bench_kpi.calendar AS c
    INNER JOIN bench_kpi.tenancy AS t
        ON c.d BETWEEN t.applied AND LEAST(t.moveout, COALESCE(DATE_SUB(t.cancelled, INTERVAL 1 DAY), t.moveout))
    WHERE c.d BETWEEN %s AND %s
) AS v"""
DAY = dt.timedelta(days=1)
SNAPSHOT = "silver.tenant_room_snapshot_daily"


def day_offset(d: dt.date) -> int:
    return (d - FIRST).days


def tenancies(rng: random.Random) -> list[tuple]:
    """Per room, alternating vacancies and stays from well before FIRST to after LAST: stays ~300 days, vacancies
    ~150 days (about 70 % occupied), one turnover in five the same day; a tenant applies 1-30 days ahead; one
    application in ten is cancelled."""
    rows, tenant_id = [], 0
    for room in range(1, ROOMS + 1):
        apartment = (room - 1) // ROOMS_PER_APARTMENT + 1
        cursor = FIRST - dt.timedelta(days=rng.randint(0, 700))
        previous_out = None
        while cursor <= LAST + dt.timedelta(days=120):
            gap = 0 if previous_out is not None and rng.random() < 0.2 else int(rng.expovariate(1 / 150))
            move_in = cursor + dt.timedelta(days=gap)
            applied = move_in - dt.timedelta(days=rng.randint(0, 30))
            if previous_out is not None and applied <= previous_out - dt.timedelta(days=45):
                applied = previous_out - dt.timedelta(days=45)
            deposit = applied + dt.timedelta(days=(move_in - applied).days // 2)
            tenant_id += 1
            kind = "corporate" if rng.random() < 0.25 else "individual"
            turnover = int(previous_out == move_in)
            if rng.random() < 0.1:  # cancelled: visible as an applicant for a while, the room stays as it was
                cancelled = applied + dt.timedelta(days=rng.randint(1, max(1, (move_in - applied).days)))
                rows.append((tenant_id, apartment, room, kind, applied, deposit, move_in, None, move_in, move_in,
                             cancelled, turnover))  # fmt: skip
                continue
            moveout = move_in + dt.timedelta(days=max(30, int(rng.gauss(300, 150))))
            notice = max(moveout - dt.timedelta(days=rng.randint(7, 45)), move_in + DAY)
            silver_out = moveout + dt.timedelta(days=rng.choice([0, 0, 0, 0, -1, 2]))
            rows.append((tenant_id, apartment, room, kind, applied, deposit, move_in, notice, moveout, silver_out,
                         None, turnover))  # fmt: skip
            previous_out, cursor = moveout, moveout
    return rows


def status_on(t: tuple, d: dt.date) -> int:
    """The tenant's status in the dump of day d: EXPAND_SQL's CASE, plus 8 after a cancellation, 17 after moving out."""
    _, _, _, _, applied, deposit, move_in, notice, moveout, _, cancelled, _ = t
    if cancelled is not None and d >= cancelled:
        return 8
    if d > moveout:
        return 17
    if d < deposit:
        return 4
    if d < move_in - 2 * DAY:
        return 5
    if d < move_in:
        return 6
    if d == move_in:
        return 7
    if notice is None or d < notice:
        return 9
    return 14 if d < moveout - 3 * DAY else 15


def status_periods(t: tuple) -> list[tuple]:
    """The SCD2 periods of one tenancy in tenant_status_history over the dump dates FIRST..LAST (the tenant is in
    every tenants dump from its application on). The status only changes on these candidate days."""
    tenant_id, _, _, _, applied, deposit, move_in, notice, moveout, _, cancelled, _ = t
    candidates = {applied, deposit, move_in - 2 * DAY, move_in, move_in + DAY, moveout - 3 * DAY, moveout + DAY}
    candidates |= {d for d in (notice, cancelled) if d is not None}
    days = sorted(
        {max(d, FIRST) for d in candidates if max(d, applied) <= LAST and d >= applied} | {max(applied, FIRST)}
    )
    kept: list[tuple[dt.date, int]] = []
    for d in days:
        status = status_on(t, d)
        if not kept or kept[-1][1] != status:
            kept.append((d, status))
    out = []
    for i, (start, status) in enumerate(kept):
        end = kept[i + 1][0] - DAY if i + 1 < len(kept) else None
        out.append((tenant_id, status, 1, start, end, int(end is None)))
    return out


def generate(db, seed: int) -> dict:
    started = time.monotonic()
    rng = random.Random(seed)
    stays = tenancies(rng)
    db.execute("DROP DATABASE IF EXISTS bench_kpi", "CREATE DATABASE bench_kpi", TENANCY_DDL, *SILVER_DDL)
    db.execute("CREATE TABLE bench_kpi.calendar (d DATE NOT NULL PRIMARY KEY) ENGINE = InnoDB")
    conn = db.connect()
    try:
        cur = conn.cursor()
        days = [FIRST + dt.timedelta(days=i) for i in range(day_offset(LAST) + 1)]
        cur.executemany("INSERT INTO bench_kpi.calendar VALUES (%s)", [(d,) for d in days])
        for i in range(0, len(stays), 5000):
            cur.executemany(
                "INSERT INTO bench_kpi.tenancy VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                stays[i : i + 5000],
            )
        history = [p for t in stays if t[4] <= LAST for p in status_periods(t)]
        for i in range(0, len(history), 10000):
            cur.executemany(
                "INSERT INTO silver.tenant_status_history VALUES (%s, %s, %s, %s, %s, %s)", history[i : i + 10000]
            )
        # a property opens now and then: a few more rooms every month
        cur.executemany(
            "INSERT INTO silver.room_count_daily VALUES (%s, %s)",
            [(d, ROOMS + 3 * (day_offset(d) // 30)) for d in days],
        )
        month = FIRST
        while month <= LAST:
            end = min(LAST, (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1))
            cur.execute("START TRANSACTION")
            cur.execute(EXPAND_SQL, (month, end))
            conn.commit()
            month = end + dt.timedelta(days=1)
        cur.execute("ANALYZE TABLE silver.tenant_room_snapshot_daily, silver.tenant_status_history")
        cur.fetchall()
        cur.execute("SELECT COUNT(*), COUNT(DISTINCT snapshot_date), SUM(is_room_primary) FROM " + SNAPSHOT)
        rows, dates, primary = cur.fetchone()
        cur.execute(
            "SELECT COUNT(*), SUM(is_room_primary) FROM silver.tenant_room_snapshot_daily WHERE snapshot_date = %s",
            (LAST,),
        )
        last_rows, last_primary = cur.fetchone()
        cur.execute("SELECT COUNT(*) FROM silver.tenant_status_history")
        (history_rows,) = cur.fetchone()
    finally:
        conn.close()
    return {
        "seconds": round(time.monotonic() - started, 1),
        "rooms": ROOMS,
        "tenancies": len(stays),
        "snapshot_dates": int(dates),
        "snapshot_rows": int(rows),
        "snapshot_rows_per_day": round(int(rows) / int(dates)),
        "occupancy_share": round(int(primary) / int(dates) / ROOMS, 3),
        "snapshot_rows_latest_day": int(last_rows),
        "occupied_rooms_latest_day": int(last_primary),
        "status_history_rows": int(history_rows),
    }


def timed_run(db, etl, lookback: int, forward: int, computed_at: dt.datetime, batch: dt.date = LAST) -> dict:
    conn = db.connect(user=etl.user, password=etl.password)
    try:
        started = time.monotonic()
        summary = compute_occupancy_metrics(conn, batch, lookback, forward, computed_at)
        summary["wall_seconds"] = round(time.monotonic() - started, 3)
        return summary
    finally:
        conn.close()


def explain(db, etl) -> dict:
    """EXPLAIN of the two INSERT ... SELECT statements with the default window's parameters."""
    sql_dir = default_sql_dir()
    params = statement_params(occupancy_window(LAST, LAST, LOOKBACK, FORWARD), dt.datetime(2026, 2, 10, 22, 0))
    conn = db.connect(user=etl.user, password=etl.password)
    out = {}
    try:
        cur = conn.cursor()
        for name in ("occupancy_insert_facts", "occupancy_insert_projections"):
            cur.execute("EXPLAIN " + load_statement(sql_dir, name), params)
            columns = [c[0] for c in cur.description]
            out[name] = [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]
    finally:
        conn.close()
    return out


def highlights(plans: dict) -> list[str]:
    """Base-table accesses only (derived tables and CTE references are in-memory): table, access type, index, rows."""
    lines = []
    for name, rows in plans.items():
        for r in rows:
            table = str(r.get("table") or "")
            if table.startswith("<") or not table:
                continue
            lines.append(
                f"{name}: {table} type={r.get('type')} key={r.get('key')} rows={r.get('rows')} extra={r.get('Extra')}"
            )
    return lines


def server_version(db) -> str:
    conn = db.connect()
    try:
        cur = conn.cursor()
        cur.execute("SELECT VERSION()")
        return cur.fetchone()[0]
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    db = mysql_server.start()
    try:
        etl = warehouse.create_etl_user(db)
        print("generating one year of silver history ...", flush=True)
        data = generate(db, args.seed)
        print(json.dumps(data, indent=2), flush=True)
        at = dt.datetime(2026, 2, 10, 22, 0)
        backfill = timed_run(db, etl, 365, FORWARD, at)  # the whole year once, as a first deployment would
        print(f"backfill (lookback 365): {backfill['wall_seconds']} s", flush=True)
        daily = [timed_run(db, etl, LOOKBACK, FORWARD, at + dt.timedelta(minutes=i)) for i in range(args.repeat)]
        seconds = [r["wall_seconds"] for r in daily]
        print(f"daily window (lookback {LOOKBACK}, forward {FORWARD}): {seconds} s", flush=True)
        past = LAST - dt.timedelta(days=180)  # a past date re-run: facts from past - 3 up to the latest snapshot
        rerun = timed_run(db, etl, LOOKBACK, FORWARD, at, batch=past)
        print(f"re-run of {past} (window {rerun['window_start']}..{rerun['window_end']}): {rerun['wall_seconds']} s")
        plans = explain(db, etl)
        db.execute("ALTER TABLE silver.tenant_status_history DROP PRIMARY KEY")
        no_index = [timed_run(db, etl, LOOKBACK, FORWARD, at)["wall_seconds"] for _ in range(3)]
        print(f"same, tenant_status_history without any index: {no_index} s", flush=True)
        results = {
            "benchmark": "occupancy KPI (gold.occupancy_daily_metrics)",
            "date": dt.datetime.now().isoformat(timespec="seconds"),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "server": f"{db.flavor} {server_version(db)}",
            "data": data,
            "batch_date": LAST.isoformat(),
            "window": {"lookback_days": LOOKBACK, "forward_days": FORWARD},
            "daily_seconds": seconds,
            "daily_median_seconds": statistics.median(seconds),
            "daily_summary": {k: v for k, v in daily[-1].items() if k not in ("seconds", "wall_seconds")},
            "backfill_365_days_seconds": backfill["wall_seconds"],
            "backfill_summary": {k: v for k, v in backfill.items() if k not in ("seconds", "wall_seconds")},
            "past_date_rerun": {
                "batch_date": past.isoformat(),
                "seconds": rerun["wall_seconds"],
                "fact_rows": rerun["fact_rows"],
                "projection_rows": rerun["projection_rows"],
            },
            "daily_seconds_history_without_index": no_index,
            "old_system_seconds": OLD_SYSTEM_SECONDS,
            "target_seconds": TARGET_SECONDS,
            "indexes_relied_on": [
                "silver.tenant_room_snapshot_daily (snapshot_date, apartment_id, room_id): range/equality on the date",
                "silver.room_count_daily PRIMARY KEY (snapshot_date)",
                "silver.tenant_status_history: none required ((tenant_id, valid_from) optional, see no-index runs)",
                "gold.occupancy_daily_metrics PRIMARY KEY (snapshot_date)",
            ],
            "explain_highlights": highlights(plans),
            "explain": plans,
        }
        out = REPO / "bench" / "results" / "kpi.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
        print("\n".join(results["explain_highlights"]))
        print(f"wrote {out}")
    finally:
        db.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
