"""The pipeline's database as the tests see it: the least-privilege ETL user, resets and table fingerprints."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from tokyobeta_etl.admin import render_grants, split_sql

REPO = Path(__file__).resolve().parents[2]
GRANTS = REPO / "include" / "sql" / "admin" / "grants.sql"
PROJECT_SCHEMAS = ("staging", "staging_load", "staging_prev", "silver", "gold", "ops")
ETL_USER = "tokyobeta_etl"


@dataclass(frozen=True)
class EtlUser:
    user: str
    password: str


def create_etl_user(server) -> EtlUser:
    """Runs the shipped grants file as the administrator, exactly as a DBA would."""
    password = secrets.token_hex(12)
    sql = render_grants(GRANTS.read_text(encoding="utf-8"), ETL_USER, "%", password)
    server.execute(*split_sql(sql))
    return EtlUser(ETL_USER, password)


def reset(server) -> None:
    """Empty every project schema (the schemas themselves stay: the ETL user may create but they are the DBA's)."""
    conn = server.connect()
    try:
        cur = conn.cursor()
        for schema in PROJECT_SCHEMAS:
            cur.execute(
                "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = %s", (schema,)
            )
            for name, kind in cur.fetchall():
                cur.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} `{schema}`.`{name}`")
    finally:
        conn.close()


# Columns that record when a row was written, not what it says: invariant 1 ("apart from audit timestamps").
AUDIT_COLUMNS = ("computed_at", "written_at", "status_history_read_at")


def fingerprint(server, schemas=("staging",)) -> dict[str, str]:
    """table -> hash of its definition, comment and every row (ordered; audit timestamps left out), for before/after
    comparisons."""
    conn = server.connect()
    out = {}
    try:
        cur = conn.cursor()
        for schema in schemas:
            cur.execute(
                "SELECT table_name, table_comment FROM information_schema.tables "
                "WHERE table_schema = %s AND table_type = 'BASE TABLE' ORDER BY table_name",
                (schema,),
            )
            for name, comment in cur.fetchall():
                h = hashlib.sha256(str(comment).encode())
                cur.execute(f"SHOW CREATE TABLE `{schema}`.`{name}`")
                h.update(cur.fetchone()[1].encode())
                cur.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
                    "ORDER BY ordinal_position",
                    (schema, name),
                )
                columns = ", ".join(f"`{c}`" for (c,) in cur.fetchall() if c not in AUDIT_COLUMNS)
                cur.execute(f"SELECT {columns} FROM `{schema}`.`{name}` ORDER BY 1, 2")
                for row in cur.fetchall():
                    h.update(repr(row).encode())
                out[f"{schema}.{name}"] = h.hexdigest()
    finally:
        conn.close()
    return out


def count(server, table: str, where: str = "") -> int:
    conn = server.connect()
    try:
        cur = conn.cursor()
        cur.execute(f"SELECT COUNT(*) FROM {table} {where}")
        return int(cur.fetchone()[0])
    finally:
        conn.close()
