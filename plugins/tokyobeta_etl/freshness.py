"""Freshness of what the dashboards read (the 09:00 JST check; CONTRACT.md section 2).

Each check finds the latest date a table (or S3) holds and grades its age against the check date (JST):
at most 1 day old is fresh, 2 days old is a warning (logged), 3 days or more, an empty or missing table, or a
missing dump of the day is critical (sent to SNS by the DAG, non-zero exit in the command).
Grading is pure (`grade`, `summarise`); the readers take a DB-API connection and an S3 client.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tokyobeta_etl.contract import DUMP_FILES

OK, WARNING, CRITICAL = "ok", "warning", "critical"
WARNING_AFTER_DAYS = 1  # older than this: warning
CRITICAL_AFTER_DAYS = 2  # older than this: critical

# table -> the expression giving its latest business date
TABLE_CHECKS: dict[str, str] = {
    "staging.movings": "MAX(updated_at)",
    "staging.tenants": "MAX(updated_at)",
    "silver.tenant_room_snapshot_daily": "MAX(snapshot_date)",
    "gold.occupancy_daily_metrics": "MAX(as_of_date)",
}


@dataclass(frozen=True)
class Check:
    name: str
    latest: dt.date | None
    age_days: int | None
    level: str
    detail: str

    def line(self) -> str:
        return f"{self.level.upper():<8} {self.name:<36} {self.detail}"


def grade(name: str, latest: dt.date | dt.datetime | None, today: dt.date) -> Check:
    if latest is None:
        return Check(name, None, None, CRITICAL, "no rows: nothing to date it by")
    if isinstance(latest, dt.datetime):
        latest = latest.date()
    age = (today - latest).days
    if age > CRITICAL_AFTER_DAYS:
        level = CRITICAL
    elif age > WARNING_AFTER_DAYS:
        level = WARNING
    else:
        level = OK
    return Check(name, latest, age, level, f"latest {latest.isoformat()} ({age} day{'s' if age != 1 else ''} old)")


def dump_checks(present: dict[str, str | None], today: dt.date) -> list[Check]:
    """present: dump stem -> the key found for the check date (None: missing)."""
    out = []
    for stem in DUMP_FILES:
        key = present.get(stem)
        name = f"s3 dump {stem}_{today:%Y%m%d}"
        if key is None:
            out.append(Check(name, None, None, CRITICAL, "missing (.sql or .sql.gz)"))
        else:
            out.append(Check(name, today, 0, OK, f"present: {key}"))
    return out


def worst(checks: list[Check]) -> str:
    levels = {c.level for c in checks}
    return CRITICAL if CRITICAL in levels else WARNING if WARNING in levels else OK


def summarise(checks: list[Check], today: dt.date) -> str:
    return f"Freshness on {today.isoformat()} (JST): {worst(checks).upper()}\n" + "\n".join(c.line() for c in checks)


# --- readers ------------------------------------------------------------------------------------------------


def table_checks(conn, today: dt.date) -> list[Check]:
    out = []
    cur = conn.cursor()
    try:
        for table, expression in TABLE_CHECKS.items():
            schema, name = table.split(".")
            cur.execute(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = %s AND table_name = %s",
                (schema, name),
            )
            if cur.fetchone()[0] == 0:
                out.append(Check(table, None, None, CRITICAL, "table does not exist"))
                continue
            cur.execute(f"SELECT {expression} FROM {table}")  # names from TABLE_CHECKS only
            out.append(grade(table, cur.fetchone()[0], today))
    finally:
        cur.close()
    return out


def present_dumps(s3_client, bucket: str, prefix: str, today: dt.date) -> dict[str, str | None]:
    from botocore.exceptions import ClientError

    found: dict[str, str | None] = {}
    for stem in DUMP_FILES:
        found[stem] = None
        for ext in (".sql", ".sql.gz"):
            key = f"{prefix}{stem}_{today:%Y%m%d}{ext}"
            try:
                s3_client.head_object(Bucket=bucket, Key=key)
            except ClientError as err:
                if err.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                    continue
                raise
            found[stem] = f"s3://{bucket}/{key}"
            break
    return found


def run_checks(conn, s3_client, bucket: str, prefix: str, today: dt.date) -> list[Check]:
    return table_checks(conn, today) + dump_checks(present_dumps(s3_client, bucket, prefix, today), today)
