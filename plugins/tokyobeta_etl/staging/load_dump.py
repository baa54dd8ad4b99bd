"""Replay one dump into the load area and validate it there, before anything becomes visible.

The dump reader (tokyobeta_etl.dumps) turns the byte stream into allow-listed statements rewritten to the load
schema; this module executes them on a MySQL connection with the pipeline's own session settings, then checks the
result in the database: contract columns, utf8mb4 text, unique primary keys, non-empty tables, no big shrink.
A table that passes gets its batch tag; a failed load leaves the load area untagged, so it can never be published.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import MySQLdb

from tokyobeta_etl.contract import CONTRACT_COLUMNS, DUMP_FILES
from tokyobeta_etl.db_session import LOCK_WAIT_TIMEOUT_ERRNO
from tokyobeta_etl.dumps import read_dump
from tokyobeta_etl.staging.generations import batch_tag

# Strict, so bad text or numbers fail instead of being mangled with a warning; no NO_ZERO_DATE / NO_ZERO_IN_DATE,
# because zero dates are legal source values (CONTRACT.md). The dump's own SET statements are validated, not run.
SESSION_SETUP = (
    "SET NAMES utf8mb4",
    "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'",
    "SET SESSION time_zone = '+00:00'",
    "SET SESSION foreign_key_checks = 0",
    "SET SESSION unique_checks = 1",
    "SET SESSION autocommit = 1",
)

MYSQL_OPTION_MULTI_STATEMENTS_OFF = 1  # mysql_set_server_option(); mysqlclient turns multi-statements on
ER_DUP_ENTRY = 1062
ER_TRUNCATED_WRONG_VALUE_FOR_FIELD = 1366  # "Incorrect string value" under strict mode
CONNECTION_LOST = {2006, 2013, 1927, 4031}  # gone away, lost during query, killed, idle timeout


class StagingLoadError(ValueError):
    """Bad input: the message names the file and the table/column/statement. Retrying cannot fix it."""


@dataclass
class TableLoad:
    table: str
    rows: int = 0
    columns: tuple[str, ...] = ()


@dataclass
class DumpLoadResult:
    file_name: str
    bytes: int
    sha256: str
    seconds: float
    tables: dict[str, TableLoad] = field(default_factory=dict)


class _Digest:
    """Counts and hashes the raw (possibly gzipped) object bytes as they stream past."""

    def __init__(self, chunks: Iterable[bytes]):
        self._chunks, self.bytes, self._sha = chunks, 0, hashlib.sha256()

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            self.bytes += len(chunk)
            self._sha.update(chunk)
            yield chunk

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()


def server_knows_0900_collations(cursor) -> bool:
    cursor.execute("SHOW COLLATION LIKE 'utf8mb4_0900_ai_ci'")
    return cursor.fetchone() is not None


def load_dump(
    conn,
    chunks: Iterable[bytes],
    *,
    file_name: str,
    stem: str,
    gzip: bool,
    batch: dt.date,
    target_schema: str,
    published_rows: dict[str, int] | None = None,
    max_shrink_share: float | None = None,
) -> DumpLoadResult:
    """Load one dump file into `target_schema` and validate it. Raises StagingLoadError for bad input.

    `published_rows` (table -> rows of the published generation) with `max_shrink_share` turns on the shrink check.
    """
    tables = DUMP_FILES[stem]
    started = time.monotonic()
    # The reader's statement splitting must be the only splitting: one execute, one statement.
    conn.set_server_option(MYSQL_OPTION_MULTI_STATEMENTS_OFF)
    cur = conn.cursor()
    for stmt in SESSION_SETUP:
        cur.execute(stmt)
    # A fresh start: also removes any tag an earlier load of these tables left behind.
    cur.execute("DROP TABLE IF EXISTS " + ", ".join(f"`{target_schema}`.`{t}`" for t in tables))
    digest = _Digest(chunks)
    reader = read_dump(
        digest,
        file_name=file_name,
        stem=stem,
        gzip=gzip,
        target_schema=target_schema,
        collation_shim=not server_knows_0900_collations(cur),
        required_columns=CONTRACT_COLUMNS,
    )
    for stmt in reader:
        try:
            cur.execute(stmt.sql)
        except MySQLdb.MySQLError as err:
            raise _explain(err, file_name, stmt) from err
    result = DumpLoadResult(file_name=file_name, bytes=digest.bytes, sha256=digest.sha256, seconds=0.0)
    for table in tables:
        result.tables[table] = _validate_table(cur, file_name, target_schema, table, published_rows, max_shrink_share)
    for table in tables:
        cur.execute(f"ALTER TABLE `{target_schema}`.`{table}` COMMENT = %s", (batch_tag(batch),))
    result.seconds = time.monotonic() - started
    return result


def _explain(err: MySQLdb.MySQLError, file_name: str, stmt) -> Exception:
    code = err.args[0] if err.args else None
    message = err.args[1] if len(err.args) > 1 else str(err)
    where = f"{file_name}: table {stmt.table}, statement at line {stmt.line}"
    if code in CONNECTION_LOST or isinstance(err, MySQLdb.OperationalError) and code and code >= 2000:
        # Not the input's fault: keep it retryable, but say where it happened.
        return type(err)(code, f"{where}: database connection lost: {message}")
    if code == LOCK_WAIT_TIMEOUT_ERRNO:  # another session holds the table: retryable, and the caller names the holder
        return type(err)(code, f"{where}: {message}")
    if code == ER_DUP_ENTRY:
        return StagingLoadError(f"{where}: duplicate primary key: {message}")
    if code == ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
        return StagingLoadError(f"{where}: invalid value (text must be valid utf8mb4): {message}")
    return StagingLoadError(f"{where}: the database refused the statement ({code}): {message}")


def _validate_table(cur, file_name, schema, table, published_rows, max_shrink_share) -> TableLoad:
    cur.execute(
        "SELECT column_name, data_type, character_set_name, column_key FROM information_schema.columns "
        "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
        (schema, table),
    )
    columns = cur.fetchall()
    names = tuple(c[0] for c in columns)
    missing = [c for c in CONTRACT_COLUMNS[table] if c not in names]
    if missing:
        raise StagingLoadError(f"{file_name}: table {table} lacks contract column(s) {', '.join(missing)}")
    not_utf8mb4 = [f"{c[0]} ({c[2]})" for c in columns if c[2] is not None and c[2] != "utf8mb4"]
    if not_utf8mb4:
        raise StagingLoadError(f"{file_name}: table {table}: text column(s) not utf8mb4: {', '.join(not_utf8mb4)}")
    cur.execute(f"SELECT COUNT(*) FROM `{schema}`.`{table}`")
    rows = int(cur.fetchone()[0])
    if rows == 0:
        raise StagingLoadError(f"{file_name}: table {table} has no rows")
    if not any(c[0] == "id" and c[3] == "PRI" for c in columns) or _pk_columns(cur, schema, table) != ["id"]:
        cur.execute(f"SELECT id, COUNT(*) FROM `{schema}`.`{table}` GROUP BY id HAVING COUNT(*) > 1 LIMIT 5")
        dups = cur.fetchall()
        if dups:
            ids = ", ".join(str(d[0]) for d in dups)
            raise StagingLoadError(f"{file_name}: table {table}: duplicate primary key id: {ids}")
    if published_rows and max_shrink_share is not None and published_rows.get(table):
        before = published_rows[table]
        shrink = 1 - rows / before
        if shrink > max_shrink_share:
            raise StagingLoadError(
                f"{file_name}: table {table} would shrink from {before:,} to {rows:,} rows ({shrink:.0%}) against "
                f"the published generation; the limit is {max_shrink_share:.0%}. If the source really lost rows, "
                f"rerun with the run parameter allow_shrink=true"
            )
    return TableLoad(table=table, rows=rows, columns=names)


def _pk_columns(cur, schema, table) -> list[str]:
    cur.execute(
        "SELECT column_name FROM information_schema.key_column_usage WHERE table_schema = %s AND table_name = %s "
        "AND constraint_name = 'PRIMARY' ORDER BY ordinal_position",
        (schema, table),
    )
    return [r[0] for r in cur.fetchall()]
