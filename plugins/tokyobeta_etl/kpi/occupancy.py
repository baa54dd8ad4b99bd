"""gold.occupancy_daily_metrics (CONTRACT.md section 6), set-based, in one transaction.

`compute_occupancy_metrics` runs include/sql/kpi/occupancy_*.sql: each statement covers every date of the window
at once (fact days grouped by date, projection days from a generated calendar with a running SUM), never a query
per date. Python only picks the window (window.py), binds the driver placeholders (the window's dates and the
status sets of data_contract, status_params.py) and runs the files in order.

Indexes the SQL relies on (the silver models must keep them):
- silver.tenant_room_snapshot_daily: an index leading with snapshot_date, such as (snapshot_date, apartment_id,
  room_id): the window's fact days are a range on it (grouped by date), the projection base S(as_of) an equality,
  and as_of = MAX(snapshot_date) is read from its end.
- silver.room_count_daily primary key (snapshot_date).
- silver.tenant_status_history needs none: the application periods in the window are found by one scan of the
  history (a row per tenant and status change); an index leading with tenant_id, e.g. (tenant_id, valid_from),
  serves the previous-period lookup but measured no faster (bench/results/kpi.json).
- gold.occupancy_daily_metrics primary key (snapshot_date): both deletes are primary key ranges.

as_of_date: the as_of of the run for daily runs. A past batch date re-run recomputes every date in its window, but
stamps each fact day with the as_of of the daily run that last wrote it in a chronological series (the latest
snapshot date within lookback_days after it), so that the re-run leaves the table exactly as the chronological runs
did (CONTRACT.md section 7, invariant 2). See occupancy_insert_facts.sql.

Backups (tokyobeta_etl.backups): before the rewrite the table is copied to the backup of the batch its tag names and
then left untagged while its rows change; a successful run tags it `tokyobeta batch=<max(batch date, as_of)>`
(a past date re-run leaves the table as of the latest batch, invariant 2), a failed one puts the old comment back.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

from tokyobeta_etl import backups
from tokyobeta_etl.kpi.sql_files import default_sql_dir, load_statement
from tokyobeta_etl.kpi.status_params import status_params
from tokyobeta_etl.kpi.window import OccupancyWindow, check_run_params, occupancy_window
from tokyobeta_etl.loading.generations import batch_tag

log = logging.getLogger(__name__)
TABLE = "gold.occupancy_daily_metrics"
_SCHEMA, _TABLE = TABLE.split(".")
SNAPSHOT_TABLE = "silver.tenant_room_snapshot_daily"


class OccupancyInputError(RuntimeError):
    """The silver input cannot yield the KPI; nothing was written."""


def compute_occupancy_metrics(
    conn,
    batch_date: dt.date,
    lookback_days: int,
    forward_days: int,
    computed_at: dt.datetime,
    *,
    sql_dir: Path | None = None,
    backup_generations: int | None = None,
) -> dict:
    """Rewrite the window `[batch_date - lookback_days, as_of + forward_days]` of gold.occupancy_daily_metrics and
    drop the projections past as_of + forward_days, in one transaction; rows before the window stay as they are.

    `conn` is a DB-API connection to the warehouse (mysqlclient, as MySqlHook gives). `computed_at` is the caller's
    clock (an aware value is stored in UTC), to the second: the same input gives the same rows apart from it.
    Returns a summary: as_of, window, rows deleted and written, seconds. `backup_generations`: batch dates of
    backups kept (None: the Variable tokyobeta_backup_generations).
    """
    check_run_params(lookback_days, forward_days)
    sql_dir = sql_dir or default_sql_dir()
    statement = {name: load_statement(sql_dir, f"occupancy_{name}") for name in _STATEMENTS}
    started = time.monotonic()
    cur = conn.cursor()
    try:
        cur.execute(statement["daily_metrics_ddl"])  # DDL commits implicitly: kept out of the transaction
        comment = _keep_backup(cur, backup_generations)  # DDL as well
        cur.execute("START TRANSACTION")
        try:
            window = _window(cur, statement["as_of"], batch_date, lookback_days, forward_days)
            params = statement_params(window, _utc_seconds(computed_at))
            counts = {name: _run(cur, statement[name], params) for name in _WRITES}
        except BaseException:
            conn.rollback()
            backups.set_comment(cur, _SCHEMA, _TABLE, comment)  # the rows are as they were: so is their tag
            raise
        conn.commit()
        backups.set_comment(cur, _SCHEMA, _TABLE, batch_tag(max(batch_date, window.as_of)))
    finally:
        cur.close()
    return {
        "table": TABLE,
        "batch_date": batch_date.isoformat(),
        "as_of": window.as_of.isoformat(),
        "window_start": window.start.isoformat(),
        "window_end": window.end.isoformat(),
        "deleted_rows": counts["delete_window"] + counts["delete_beyond_horizon"],
        "fact_rows": counts["insert_facts"],
        "projection_rows": counts["insert_projections"],
        "seconds": round(time.monotonic() - started, 3),
    }


def statement_params(window: OccupancyWindow, computed_at: dt.datetime) -> dict[str, object]:
    """Every placeholder of the kpi/*.sql files: the window's dates and the contract's status sets."""
    return {**window.sql_params(computed_at), **status_params()}


_WRITES = ("delete_window", "delete_beyond_horizon", "insert_facts", "insert_projections")
_STATEMENTS = ("daily_metrics_ddl", "as_of", *_WRITES)


def _keep_backup(cur, generations: int | None) -> str:
    """Back the table up by its tag, then untag it: should the rewrite's commit be followed by no new tag (the tag
    is DDL, after the commit), the next try finds no tag to copy the new rows under an older batch's name. Returns
    the comment to put back if the rewrite fails."""
    keep = backups.generations_to_keep() if generations is None else generations
    comment = backups.table_comment(cur, _SCHEMA, _TABLE)
    held = backups.keep_generation(cur, _SCHEMA, _TABLE, keep)
    log.info("%s: %s; newest %s batch dates kept", TABLE, f"batch {held} backed up" if held else "no tag", keep)
    backups.set_comment(cur, _SCHEMA, _TABLE, "")
    return comment


def _window(cur, as_of_sql: str, batch_date: dt.date, lookback_days: int, forward_days: int) -> OccupancyWindow:
    cur.execute(as_of_sql)
    (as_of,) = cur.fetchone()
    if as_of is None:
        raise OccupancyInputError(f"{SNAPSHOT_TABLE} is empty: no snapshot date to compute {TABLE} from")
    return occupancy_window(batch_date, as_of, lookback_days, forward_days)


def _utc_seconds(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.replace(microsecond=0)


def _run(cur, sql: str, params: dict) -> int:
    cur.execute(sql, params)
    return cur.rowcount
