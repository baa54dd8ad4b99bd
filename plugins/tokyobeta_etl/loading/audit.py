"""ops.load_audit: one row per batch date and source table, rewritten by every attempt (UTC times)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

_UPSERT = (
    "INSERT INTO ops.load_audit (batch_date, table_name, dump_key, dump_bytes, dump_sha256, rows_loaded, started_at, "
    "finished_at, seconds, outcome, error_message, run_id, try_number, completeness) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON DUPLICATE KEY UPDATE dump_key = VALUES(dump_key), dump_bytes = VALUES(dump_bytes), "
    "dump_sha256 = VALUES(dump_sha256), rows_loaded = VALUES(rows_loaded), started_at = VALUES(started_at), "
    "finished_at = VALUES(finished_at), seconds = VALUES(seconds), outcome = VALUES(outcome), "
    "error_message = VALUES(error_message), run_id = VALUES(run_id), try_number = VALUES(try_number), "
    "completeness = VALUES(completeness)"
)


@dataclass
class AuditRow:
    batch_date: dt.date
    table_name: str
    dump_key: str
    started_at: dt.datetime
    outcome: str = "running"
    dump_bytes: int | None = None
    dump_sha256: str | None = None
    rows_loaded: int | None = None
    finished_at: dt.datetime | None = None
    error_message: str | None = None
    run_id: str | None = None
    try_number: int | None = None
    completeness: str | None = None  # whether the file proved it is complete (its dump trailer)

    @property
    def seconds(self) -> float | None:
        return None if self.finished_at is None else (self.finished_at - self.started_at).total_seconds()


def write(conn, rows: list[AuditRow]) -> None:
    cur = conn.cursor()
    for r in rows:
        cur.execute(
            _UPSERT,
            (
                r.batch_date,
                r.table_name,
                r.dump_key,
                r.dump_bytes,
                r.dump_sha256,
                r.rows_loaded,
                r.started_at.replace(tzinfo=None),
                r.finished_at and r.finished_at.replace(tzinfo=None),
                r.seconds,
                r.outcome,
                (r.error_message or None) and r.error_message[:4000],
                r.run_id,
                r.try_number,
                r.completeness,
            ),
        )
    conn.commit()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
