"""A year of the daily DAG's date-keyed history the fast way, with the DAG's own SQL (bench_history.py).

For each batch date the DAG's run writes its date's rows of staging.tenant_daily_snapshots and
staging.tenant_snapshot_dates (snapshot_tenants.sql) and of the three silver history models (dbt, delete+insert on
snapshot_date), reading the batch's raw tables. Here, without Airflow and without dbt processes:

- The published staging tables (loaded by a real run of the first date, so with the load's own table definitions)
  are kept equal to the simulator's dump of each next date: the rows it rendered again since the day before
  (changed or new; the simulator re-renders a row only after a change and never deletes one) go in as multi-row
  REPLACE statements, in the load's session settings, from the very bytes the dump would hold.
- snapshot_tenants.sql is rendered once as its task renders it (the batch published in staging) and the three
  models are compiled once by `dbt compile`, all with a placeholder date; each date runs them with its date, as
  the pre-hook's delete and the incremental materialization's insert (into the table's columns, by name).

After the last date the rest is built once, by the DAG's own code where that is exact (see `finish`): the whole
silver layer by `dbt build` for the last date, gold.property_daily_metrics by one dbt run whose window covers the
year, the gold marts by `dbt build`, and gold.occupancy_daily_metrics by the KPI task's SQL over one window from the
first date (CONTRACT.md section 6: a fact day's row depends only on that day's silver rows and on the SCD2 periods
up to it, and its as_of_date is the latest snapshot within lookback_days after it, so one window gives the table
that the daily runs leave).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

from tokyobeta_etl import backups
from tokyobeta_etl.admin import split_sql
from tokyobeta_etl.kpi import occupancy
from tokyobeta_etl.kpi.sql_files import default_sql_dir, load_statement
from tokyobeta_etl.kpi.window import DEFAULT_FORWARD_DAYS, DEFAULT_LOOKBACK_DAYS, OccupancyWindow
from tokyobeta_etl.loading.generations import batch_tag
from tokyobeta_etl.loading.load_dump import SESSION_SETUP

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT_SQL = REPO / "include" / "sql" / "staging" / "snapshot_tenants.sql"
PLACEHOLDER = "1901-02-03"  # the date the statements are prepared with; each date replaces it
HISTORY_MODELS = ("tenant_room_snapshot_daily", "room_count_daily", "room_count_by_apartment_daily")
SOURCE_TABLES = ("movings", "tenants", "apartments", "rooms", "inquiries")
STATEMENT_BYTES = 4 * 2**20


class DailyStatements:
    """The statements one run issues for its own date's rows of the date-keyed staging and silver tables."""

    def __init__(self, conn, runner):
        self.statements: list[tuple[str, str]] = [(_target(s), s) for s in _snapshot_sql()]
        runner.run("compile", "--select", *HISTORY_MODELS, vars={"batch_date": PLACEHOLDER, "batch_schema": "staging"})
        for model in HISTORY_MODELS:
            (path,) = runner.target_dir.glob(f"compiled/tokyobeta/models/**/{model}.sql")
            select = path.read_text(encoding="utf-8").strip().rstrip(";")
            cur = conn.cursor()
            cur.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'silver' "
                "AND table_name = %s ORDER BY ordinal_position",
                (model,),
            )
            columns = ", ".join(f"`{c}`" for (c,) in cur.fetchall())
            table = f"silver.{model}"
            self.statements.append((table, f"DELETE FROM `silver`.`{model}` WHERE snapshot_date = '{PLACEHOLDER}'"))
            self.statements.append(
                (table, f"INSERT INTO `silver`.`{model}` ({columns}) SELECT {columns} FROM ({select}) AS fast_build")
            )
        for table, sql in self.statements:
            if f"'{PLACEHOLDER}'" not in sql:
                raise RuntimeError(f"{table}: the prepared statement does not hold the placeholder date:\n{sql}")

    def run(self, conn, day: dt.date, seconds: dict[str, float]) -> None:
        """The date's statements in one transaction; adds each table's time to `seconds`."""
        cur = conn.cursor()
        cur.execute("START TRANSACTION")
        for table, sql in self.statements:
            started = time.perf_counter()
            cur.execute(sql.replace(f"'{PLACEHOLDER}'", f"'{day.isoformat()}'"))
            seconds[table] += time.perf_counter() - started
        conn.commit()
        cur.close()

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for t, _ in self.statements))


def _target(sql: str) -> str:
    m = re.match(r"\s*(?:DELETE\s+FROM|INSERT\s+INTO|REPLACE\s+INTO)\s+`?(\w+)`?\.`?(\w+)`?", sql, re.I)
    if m is None:
        raise RuntimeError(f"snapshot_tenants.sql: no table written by {sql[:200]}")
    return f"{m.group(1)}.{m.group(2)}"


def _snapshot_sql() -> list[str]:
    """snapshot_tenants.sql as its task renders it for a batch published in staging (the tokyobeta macros stubbed)."""
    import jinja2

    macros = SimpleNamespace(batch_iso=lambda *_: PLACEHOLDER, batch_schema=lambda *_, **__: "staging")
    template = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(SNAPSHOT_SQL.read_text("utf-8"))
    return split_sql(template.render(tokyobeta=macros, params={}, data_interval_end=None))


class SourceMirror:
    """The published staging tables kept equal to the simulator's current dump."""

    def __init__(self, conn, sim):
        self.conn, self.sim = conn, sim
        cur = conn.cursor()
        for stmt in SESSION_SETUP:
            cur.execute(stmt)
        cur.close()
        self.previous = {t: sim.table_rows(t) for t in SOURCE_TABLES}  # what the tables hold now

    def changed(self) -> dict[str, list[bytes]]:
        """Per table, the rows rendered again since the last call: a cached row comes back as the same object."""
        out = {}
        for table in SOURCE_TABLES:
            now, before = self.sim.table_rows(table), self.previous[table]
            out[table] = [row for i, row in enumerate(now) if i >= len(before) or row is not before[i]]
            if table == "apartments" and any(i < len(before) and now[i] is not before[i] for i in range(len(now))):
                raise RuntimeError(
                    f"{self.sim.today}: a property changed; the one-window build of gold.property_daily_metrics "
                    "assumes a property's name and place never change (each day's rows read the current ones)"
                )
            self.previous[table] = now
        return out

    def apply(self, changed: dict[str, list[bytes]]) -> int:
        cur = self.conn.cursor()
        for table, rows in changed.items():
            for chunk in _chunks(rows):
                cur.execute(b"REPLACE INTO `staging`.`" + table.encode() + b"` VALUES " + b",".join(chunk))
        cur.close()
        return sum(len(r) for r in changed.values())

    def full_reload_seconds(self, schema: str = "staging_load") -> float:
        """For comparison: the same tables written in full from every row (CREATE LIKE, multi-row INSERT), in
        `schema` (left empty again)."""
        cur = self.conn.cursor()
        started = time.perf_counter()
        for table in SOURCE_TABLES:
            cur.execute(f"DROP TABLE IF EXISTS `{schema}`.`{table}`")
            cur.execute(f"CREATE TABLE `{schema}`.`{table}` LIKE `staging`.`{table}`")
            for chunk in _chunks(self.sim.table_rows(table)):
                cur.execute(f"INSERT INTO `{schema}`.`{table}` VALUES ".encode() + b",".join(chunk))
        took = time.perf_counter() - started
        for table in SOURCE_TABLES:
            cur.execute(f"DROP TABLE `{schema}`.`{table}`")
        cur.close()
        return took

    def tag(self, day: dt.date) -> None:
        """The batch tag the load gives each table (its table comment)."""
        cur = self.conn.cursor()
        for table in SOURCE_TABLES:
            cur.execute(f"ALTER TABLE `staging`.`{table}` COMMENT = %s", (batch_tag(day),))
        cur.close()


def _chunks(rows: list[bytes]):
    chunk, size = [], 0
    for row in rows:
        if chunk and size + len(row) > STATEMENT_BYTES:
            yield chunk
            chunk, size = [], 0
        chunk.append(row)
        size += len(row) + 1
    if chunk:
        yield chunk


def build_dates(sim, mirror: SourceMirror, daily: DailyStatements, conn, last: dt.date, on_date, progress) -> dict:
    """Step the simulator to `last`, writing each date's history; on_date(sim) sees every date (the truth, the
    dumps kept for real runs). Returns the time spent per part."""
    seconds: dict[str, float] = defaultdict(float)
    changed_rows, total = 0, (last - sim.today).days
    started = time.monotonic()
    for done in range(1, total + 1):
        t0 = time.perf_counter()
        sim.advance()
        t1 = time.perf_counter()
        changed = mirror.changed()
        changed_rows += mirror.apply(changed)
        t2 = time.perf_counter()
        daily.run(conn, sim.today, seconds)
        t3 = time.perf_counter()
        on_date(sim)
        seconds["simulator: advance"] += t1 - t0
        seconds["staging source: changed rows (REPLACE)"] += t2 - t1
        seconds["truth and dumps kept"] += time.perf_counter() - t3
        if done == total or done % 25 == 0 or done in (1, 5):
            progress(f"fast build: {done}/{total} dates done (batch {sim.today}), {time.monotonic() - started:.0f} s")
    return {
        "dates": total,
        "seconds": round(time.monotonic() - started, 1),
        "changed_source_rows_per_date": round(changed_rows / max(total, 1)),
        "seconds_by_part": {k: round(v, 1) for k, v in sorted(seconds.items(), key=lambda kv: -kv[1])},
    }


def finish(db, runner, conn, first: dt.date, last: dt.date, progress) -> dict:
    """Everything the runs up to `last` leave besides those rows, built once (module docstring). Returns seconds."""
    out = {}
    started = time.monotonic()
    # a full rebuild from the whole year's snapshots, as the model builds it every run (dropped first so that a
    # table that became incremental is built from all of them too, not stepped from the first date's)
    db.execute("DROP TABLE IF EXISTS silver.tenant_status_history")
    runner.build_silver(last)
    out["dbt build silver (last date)"] = round(time.monotonic() - started, 1)
    progress(f"fast build: silver built for {last} in {out['dbt build silver (last date)']} s")
    started = time.monotonic()
    # window from the first date on (batch_date - lookback_days): every date rewritten from the snapshots
    runner.run("run", "--select", "property_daily_metrics", vars={"batch_date": str(first), "lookback_days": 0})
    runner.run("build", "--select", "tag:gold", vars={"batch_date": str(last), "batch_schema": "staging"})
    out["dbt gold (property_daily_metrics over the year, then the gold build)"] = took = round(
        time.monotonic() - started, 1
    )
    progress(f"fast build: gold built in {took} s")
    started = time.monotonic()
    out["occupancy KPIs over one window"] = kpi_over_history(conn, first, last)
    out["occupancy KPIs over one window"]["seconds"] = round(time.monotonic() - started, 1)
    return out


def kpi_over_history(conn, first: dt.date, last: dt.date) -> dict:
    """gold.occupancy_daily_metrics as the daily runs of first..last leave it: the KPI task's statements over the
    window [first, as_of + forward_days] with the runs' lookback_days (it sets each fact day's as_of_date), tagged
    as the last run tags it."""
    sql_dir = default_sql_dir()
    cur = conn.cursor()
    cur.execute(load_statement(sql_dir, "occupancy_daily_metrics_ddl"))
    cur.execute(load_statement(sql_dir, "occupancy_as_of"))
    (as_of,) = cur.fetchone()
    window = OccupancyWindow(
        batch_date=last,
        as_of=as_of,
        lookback_days=DEFAULT_LOOKBACK_DAYS,
        forward_days=DEFAULT_FORWARD_DAYS,
        start=first,
        end=as_of + dt.timedelta(days=DEFAULT_FORWARD_DAYS),
    )
    params = occupancy.statement_params(window, dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0))
    counts = {}
    cur.execute("START TRANSACTION")
    for name in occupancy._WRITES:  # the task's own statements, in its order
        cur.execute(load_statement(sql_dir, f"occupancy_{name}"), params)
        counts[name] = cur.rowcount
    conn.commit()
    backups.set_comment(cur, "gold", "occupancy_daily_metrics", batch_tag(max(last, as_of)))
    cur.close()
    return {"as_of": as_of.isoformat(), "window": [str(window.start), str(window.end)], "rows": counts}
