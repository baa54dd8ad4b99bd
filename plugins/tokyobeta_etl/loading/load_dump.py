"""Replay one dump into the load area and validate it there, before anything becomes visible.

The dump reader (tokyobeta_etl.dumps) turns the byte stream into allow-listed statements rewritten to the load
schema, INSERT rows literal-only and in batches that fit the server's max_allowed_packet; this module executes them
on a MySQL connection with the pipeline's own session settings, then checks the result in the database: every row
of the file is in its table, contract columns, utf8mb4 text, unique primary keys, non-empty tables, no big shrink,
no more than a small share of the published ids vanished. Only a table that passed everything gets its batch tag
(the loader owns table comments: a dump's own is stripped); a failed load drops the file's tables from the load
area, so nothing a later step reads there can be taken for complete.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import MySQLdb

from tokyobeta_etl.data_contract import CONTRACT_COLUMNS, CONTRACT_TYPES, DUMP_FILES
from tokyobeta_etl.db_session import LOCK_WAIT_TIMEOUT_ERRNO
from tokyobeta_etl.dumps import StatementKind, read_dump
from tokyobeta_etl.dumps.splitter import BATCH_BYTES
from tokyobeta_etl.dumps.values import INSERT_HEAD, row_literals
from tokyobeta_etl.loading.generations import batch_tag
from tokyobeta_etl.loading.shrink import excessive_shrink

log = logging.getLogger(__name__)

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
ER_NET_PACKET_TOO_LARGE = 1153
CONNECTION_LOST = {2006, 2013, 1927, 4031}  # gone away, lost during query, killed, idle timeout
# Strict-mode conversion errors, by what the value failed to be.
NUMBER_ERRORS = {1264, 1265, 1366}  # out of range, data truncated, incorrect integer/decimal/double value
DATE_ERRORS = {1292}  # incorrect date/datetime/time value
TEXT_ERRORS = {1406}  # data too long
# Room an INSERT's own head and the protocol need beside its rows inside max_allowed_packet.
PACKET_MARGIN = 64 * 1024
# What the audit and the task log say about a file's completeness.
COMPLETE_BY_TRAILER = "proven: dump trailer"
COMPLETENESS_NOT_PROVABLE = "completeness not provable: no trailer"
_CONVERSION = re.compile(r"Incorrect (?P<what>\w+) value: '(?P<value>.*)' for column ", re.S)
_COLUMN_AT_ROW = re.compile(r"column [`'\w.]*?[`']?(?P<column>[^`'.]+)[`']? at row (?P<row>\d+)")
_DUPLICATE = re.compile(r"Duplicate entry '(?P<value>.*)' for key")


class StagingLoadError(ValueError):
    """Bad input: the message names the file and the table/column/statement. Retrying cannot fix it."""


@dataclass
class TableLoad:
    table: str
    rows: int = 0  # in the table after the load
    columns: tuple[str, ...] = ()
    rows_in_file: int = 0  # in the file's VALUES


@dataclass
class DumpLoadResult:
    file_name: str
    bytes: int
    sha256: str
    seconds: float
    tables: dict[str, TableLoad] = field(default_factory=dict)
    completeness: str = COMPLETE_BY_TRAILER


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


def max_allowed_packet(cursor) -> int:
    cursor.execute("SELECT @@max_allowed_packet")
    return int(cursor.fetchone()[0])


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
    published_schema: str | None = None,
    max_vanished_share: float | None = None,
) -> DumpLoadResult:
    """Load one dump file into `target_schema` and validate it. Raises StagingLoadError for bad input.

    `published_rows` (table -> rows of the published generation) with `max_shrink_share` turns on the shrink check;
    `published_schema` with `max_vanished_share` the vanished-id check against that schema's tables.
    """
    tables = DUMP_FILES[stem]
    started = time.monotonic()
    # The reader's statement splitting must be the only splitting: one execute, one statement.
    conn.set_server_option(MYSQL_OPTION_MULTI_STATEMENTS_OFF)
    cur = conn.cursor()
    for stmt in SESSION_SETUP:
        cur.execute(stmt)
    packet = max_allowed_packet(cur)
    # A fresh start: also removes any tag an earlier load of these tables left behind.
    _drop(cur, target_schema, tables)
    try:
        result, rows_in_file = _load(cur, chunks, file_name, stem, gzip, target_schema, packet)
        for table in tables:
            loaded = _validate_table(cur, file_name, target_schema, table, published_rows, max_shrink_share)
            loaded.rows_in_file = rows_in_file.get(table, 0)
            if loaded.rows != loaded.rows_in_file:
                raise StagingLoadError(_rows_unaccounted(cur, file_name, target_schema, loaded))
            result.tables[table] = loaded
        if published_schema is not None and max_vanished_share is not None:
            for table in tables:
                _check_vanished(cur, file_name, published_schema, target_schema, table, max_vanished_share)
        for table in tables:
            cur.execute(f"ALTER TABLE `{target_schema}`.`{table}` COMMENT = %s", (batch_tag(batch),))
    except BaseException:
        _drop_after_failure(cur, target_schema, tables, file_name)
        raise
    result.seconds = time.monotonic() - started
    return result


def _load(
    cur, chunks, file_name: str, stem: str, gzip: bool, target_schema: str, packet: int
) -> tuple[DumpLoadResult, dict[str, int]]:
    """Execute the reader's statements; (result, rows each table's VALUES held)."""
    digest = _Digest(chunks)
    reader = read_dump(
        digest,
        file_name=file_name,
        stem=stem,
        gzip=gzip,
        target_schema=target_schema,
        collation_shim=not server_knows_0900_collations(cur),
        required_columns=CONTRACT_COLUMNS,
        required_types=CONTRACT_TYPES,
        max_row_bytes=packet - PACKET_MARGIN,
        max_row_reason=f"the server's max_allowed_packet is {packet:,} bytes",
        batch_bytes=min(BATCH_BYTES, (packet - PACKET_MARGIN) // 2),
    )
    for stmt in reader:
        if len(stmt.sql) > packet:
            raise StagingLoadError(
                f"{file_name}: table {stmt.table}, statement at line {stmt.line}: the statement is "
                f"{len(stmt.sql):,} bytes, over the server's max_allowed_packet of {packet:,} bytes"
            )
        try:
            cur.execute(stmt.sql)
        except MySQLdb.MySQLError as err:
            raise _explain(err, file_name, stmt, reader, packet) from err
        if stmt.kind is StatementKind.INSERT and cur.rowcount != stmt.rows:
            raise StagingLoadError(
                f"{file_name}: table {stmt.table}, statement at line {stmt.line}: the statement's VALUES hold "
                f"{stmt.rows} rows but the server stored {cur.rowcount}: a row was hidden or merged"
            )
    summary = reader.summary
    result = DumpLoadResult(file_name=file_name, bytes=digest.bytes, sha256=digest.sha256, seconds=0.0)
    result.completeness = COMPLETE_BY_TRAILER if summary.completed else COMPLETENESS_NOT_PROVABLE
    return result, dict(summary.rows)


def _drop(cur, schema: str, tables) -> None:
    cur.execute("DROP TABLE IF EXISTS " + ", ".join(f"`{schema}`.`{t}`" for t in tables))


def _drop_after_failure(cur, schema: str, tables, file_name: str) -> None:
    """Leave no partial table behind. If the connection is gone the tables stay, untagged (the batch tag is written
    last), and the next load drops them first; the load's own error is the one raised."""
    try:
        _drop(cur, schema, tables)
    except MySQLdb.MySQLError:
        log.warning(
            "%s: could not drop the partially loaded tables of %s after the failure", file_name, schema, exc_info=True
        )


def _rows_unaccounted(cur, file_name: str, schema: str, table: TableLoad) -> str:
    cur.execute(f"SELECT id, COUNT(*) FROM `{schema}`.`{table.table}` GROUP BY id HAVING COUNT(*) > 1 LIMIT 10")
    dups = ", ".join(str(r[0]) for r in cur.fetchall())
    return (
        f"{file_name}: table {table.table}: the file's VALUES hold {table.rows_in_file:,} rows but the table holds "
        f"{table.rows:,}" + (f"; duplicated id(s): {dups}" if dups else "")
    )


def _check_vanished(cur, file_name: str, published: str, loaded: str, table: str, max_share: float) -> None:
    """The source deletes rows rarely: many published ids missing from the new file means a cut-off file."""
    cur.execute(f"SELECT COUNT(*) FROM `{published}`.`{table}`")
    before = int(cur.fetchone()[0])
    if before == 0:
        return
    missing_sql = (
        f"FROM `{published}`.`{table}` p WHERE NOT EXISTS (SELECT 1 FROM `{loaded}`.`{table}` l WHERE l.id = p.id)"
    )
    cur.execute(f"SELECT COUNT(*) {missing_sql}")
    missing = int(cur.fetchone()[0])
    if missing / before <= max_share:
        return
    cur.execute(f"SELECT p.id {missing_sql} ORDER BY p.id LIMIT 10")
    sample = ", ".join(str(r[0]) for r in cur.fetchall())
    raise StagingLoadError(
        f"{file_name}: table {table}: {missing:,} of the {before:,} ids of the published generation "
        f"({missing / before:.1%}) are missing from the new file (e.g. {sample}); the limit is {max_share:.1%} "
        f"(Variable tokyobeta_max_vanished_share). A cut-off file looks like this: ask the source system's owner for "
        f"a complete dump; if the source really deleted these rows, rerun with the run parameter allow_shrink=true"
    )


def _explain(err: MySQLdb.MySQLError, file_name: str, stmt, reader, packet: int) -> Exception:
    code = err.args[0] if err.args else None
    message = err.args[1] if len(err.args) > 1 else str(err)
    where = f"{file_name}: table {stmt.table}, statement at line {stmt.line}"
    if code == ER_NET_PACKET_TOO_LARGE or (code in CONNECTION_LOST and len(stmt.sql) > packet):
        return StagingLoadError(
            f"{where}: the statement is {len(stmt.sql):,} bytes, over the server's max_allowed_packet of "
            f"{packet:,} bytes: {message}"
        )
    if code in CONNECTION_LOST or isinstance(err, MySQLdb.OperationalError) and code and code >= 2000:
        # Not the input's fault: keep it retryable, but say where it happened.
        return type(err)(code, f"{where}: database connection lost: {message}")
    if code == LOCK_WAIT_TIMEOUT_ERRNO:  # another session holds the table: retryable, and the caller names the holder
        return type(err)(code, f"{where}: {message}")
    if code == ER_DUP_ENTRY:
        m = _DUPLICATE.search(message)
        dup = m.group("value") if m else "?"
        return StagingLoadError(
            f"{where}: duplicate id {dup}: the file holds more than one row with it (an INSERT IGNORE or REPLACE "
            f"dump would have hidden one; the loader never does): {message}"
        )
    if code in NUMBER_ERRORS or code in DATE_ERRORS or code in TEXT_ERRORS:
        return StagingLoadError(f"{where}: {_conversion_hint(code, message, stmt, reader)}: {message}")
    return StagingLoadError(f"{where}: the database refused the statement ({code}): {message}")


def _conversion_hint(code: int, message: str, stmt, reader) -> str:
    """What kind of value failed, in which column and row id, and what the value was."""
    conv = _CONVERSION.search(message)
    what = conv.group("what").lower() if conv else ""
    at = _COLUMN_AT_ROW.search(message)
    column = at.group("column") if at else "?"
    columns = stmt.columns or reader.columns_of(stmt.table)
    row_id, value = None, conv.group("value") if conv else None
    if at and stmt.kind is StatementKind.INSERT:
        head = INSERT_HEAD.match(stmt.sql)
        literals = row_literals(bytes(stmt.sql[head.end() :]), int(at.group("row"))) if head else []
        if "id" in columns and columns.index("id") < len(literals):
            row_id = literals[columns.index("id")].decode("utf-8", "replace")
        if value is None and column in columns and columns.index(column) < len(literals):
            value = literals[columns.index(column)].decode("utf-8", "replace")
    of_row = f" (row id {row_id})" if row_id is not None else ""
    shown = f"{value!r}" if value is not None else "a value"
    if what == "string" or code in TEXT_ERRORS:
        return (
            f"column `{column}`{of_row} holds text the column cannot store ({shown}): text must be valid utf8mb4 "
            f"and fit the column"
        )
    if what in ("date", "datetime", "time", "timestamp", "year") or code in DATE_ERRORS:
        return (
            f"column `{column}`{of_row} holds {shown}, which is not a date/time: dates are 'YYYY-MM-DD' "
            f"('0000-00-00' means unknown and is accepted)"
        )
    return f"column `{column}`{of_row} holds {shown}, which is not a number its type accepts (or is out of range)"


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
    if published_rows and max_shrink_share is not None:
        before = published_rows.get(table)
        if (shrink := excessive_shrink(before, rows, max_shrink_share)) is not None:
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
