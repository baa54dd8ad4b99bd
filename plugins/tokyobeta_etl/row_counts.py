"""Row counts along the pipeline for each source table: the dump (ops.load_audit), staging, silver's stg_* model,
and the previous batch's dump; unexpected drops are flagged (the on-call `verify-row-counts`).

`assess` is pure; `read_counts` reads the warehouse through a DB-API connection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tokyobeta_etl import db_session
from tokyobeta_etl.data_contract import STAGING_TABLES
from tokyobeta_etl.loading import generations
from tokyobeta_etl.loading.shrink import excessive_shrink


@dataclass(frozen=True)
class TableCounts:
    table: str
    batch: dt.date | None
    dump: int | None
    previous_batch: dt.date | None
    previous_dump: int | None
    staging: int | None
    silver: int | None
    flags: tuple[str, ...]

    def line(self) -> str:
        def n(v):
            return "-" if v is None else f"{v:,}"

        verdict = "; ".join(self.flags) if self.flags else "ok"
        return (
            f"{self.table:<11} dump {n(self.dump):>8}  staging {n(self.staging):>8}  silver {n(self.silver):>8}  "
            f"previous dump {n(self.previous_dump):>8}  {verdict}"
        )


def assess(
    dump: int | None, previous_dump: int | None, staging: int | None, silver: int | None, max_shrink_share: float
) -> tuple[str, ...]:
    flags = []
    if dump is None:
        flags.append("no loaded dump recorded for the published batch")
    elif staging is not None and staging != dump:
        flags.append(f"staging has {staging - dump:+,} rows against its dump")
    if staging is None:
        flags.append("staging table missing")
    elif silver is None:
        flags.append("silver model missing")
    elif silver != staging:
        flags.append(f"silver has {silver - staging:+,} rows against staging")
    if dump is not None and (drop := excessive_shrink(previous_dump, dump, max_shrink_share)) is not None:
        flags.append(f"dump shrank {drop:.0%} since the previous batch (limit {max_shrink_share:.0%})")
    return tuple(flags)


def _count(cur, table: str) -> int | None:
    schema, name = table.split(".")
    if not db_session.table_exists(cur, schema, name):
        return None
    cur.execute(f"SELECT COUNT(*) FROM `{schema}`.`{name}`")
    return int(cur.fetchone()[0])


def read_counts(conn, max_shrink_share: float) -> list[TableCounts]:
    """Counts for the published batch (from the staging tables' batch tags)."""
    cur = conn.cursor()
    try:
        published, _ = generations.read_generations(cur)
        batch = generations.published_batch(published)
        out = []
        for table in STAGING_TABLES:
            dump = previous = previous_batch = None
            if batch is not None:
                cur.execute(
                    "SELECT rows_loaded FROM ops.load_audit WHERE batch_date = %s AND table_name = %s "
                    "AND outcome = 'loaded'",
                    (batch, table),
                )
                row = cur.fetchone()
                dump = int(row[0]) if row and row[0] is not None else None
                cur.execute(
                    "SELECT batch_date, rows_loaded FROM ops.load_audit WHERE batch_date < %s AND table_name = %s "
                    "AND outcome = 'loaded' ORDER BY batch_date DESC LIMIT 1",
                    (batch, table),
                )
                row = cur.fetchone()
                if row:
                    previous_batch, previous = row[0], int(row[1])
            staging, silver = _count(cur, f"staging.{table}"), _count(cur, f"silver.stg_{table}")
            out.append(
                TableCounts(
                    table,
                    batch,
                    dump,
                    previous_batch,
                    previous,
                    staging,
                    silver,
                    assess(dump, previous, staging, silver, max_shrink_share),
                )
            )
        return out
    finally:
        cur.close()
