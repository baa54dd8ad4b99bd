"""Read one dump file end to end: split, classify, check the file's structure, yield what the loader executes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from ..data_contract import DUMP_FILES
from .classify import EXECUTED_KINDS, MAX_DDL_BYTES, ClassifiedStatement, Classifier, StatementKind
from .coltypes import BINARY, BIT, first_retyped, parse_column_type
from .decompress import iter_chunks_decompressed
from .errors import DumpStructureError, DumpSyntaxError
from .splitter import BATCH_BYTES, DEFAULT_MAX_ROW_BYTES, InsertRows, Statement, StatementSplitter
from .values import first_invalid_utf8, position_in_rows, row_literals

HEADER_PREFIXES = (b"-- MySQL dump", b"-- MariaDB dump")
TRAILER_PREFIX = b"-- Dump completed"


@dataclass
class DumpSummary:
    """What a fully read dump contained; complete only once iteration has finished without error."""

    file_name: str
    stem: str
    header: str | None = None  # the dump tool's first comment line, when present
    completed: bool = False  # the "-- Dump completed" trailer was the last thing in the file
    tables: tuple[str, ...] = ()  # in the order their CREATE TABLE appeared
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    primary_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    insert_statements: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # rows the file's VALUES hold, per table, counted as read
    statements: int = 0  # every non-empty statement, executed or skipped
    executed: int = 0
    bytes_read: int = 0  # after decompression
    # Session variables the dump sets to a literal (time_zone "'+00:00'", sql_mode, names): the last such value.
    settings: dict[str, str] = field(default_factory=dict)


class _StructureChecker:
    """File-level rules: exactly the file's tables, with the contract's columns and types, CREATE before INSERT,
    balanced LOCK and DISABLE KEYS."""

    def __init__(
        self,
        summary: DumpSummary,
        tables: tuple[str, ...],
        required_columns: Mapping[str, Iterable[str]],
        required_types: Mapping[str, Iterable[tuple[str, str]]] | None = None,
    ):
        self.summary = summary
        self.expected = tables
        self.required_columns = required_columns
        self.required_types = required_types or {}
        self.locked: tuple[str, ...] = ()
        self.lock_line = 0
        self.keys_disabled: dict[str, int] = {}  # table -> line of its DISABLE KEYS

    def error(self, message: str, stmt: Statement | None, table: str | None) -> DumpStructureError:
        return DumpStructureError(
            message,
            file_name=self.summary.file_name,
            line=stmt.line if stmt else None,
            table=table,
            statement=stmt.sql if stmt else None,
        )

    def observe(self, stmt: Statement, c: ClassifiedStatement) -> None:
        s = self.summary
        kind = c.kind
        if kind is StatementKind.INSERT:
            if c.table not in s.columns:
                raise self.error("INSERT before the table's CREATE TABLE", stmt, c.table)
            if c.columns is not None:
                unknown = [col for col in c.columns if col not in s.columns[c.table]]
                if unknown:
                    raise self.error(f"INSERT names column(s) the table does not define: {unknown}", stmt, c.table)
            s.insert_statements[c.table] += 1
        elif kind is StatementKind.CREATE_TABLE:
            if c.table in s.columns:
                raise self.error("second CREATE TABLE for the same table", stmt, c.table)
            missing = [col for col in self.required_columns.get(c.table, ()) if col not in c.columns]
            if missing:
                raise self.error(f"table lacks contract column(s) {missing}", stmt, c.table)
            retyped = first_retyped(c.column_types, self.required_types.get(c.table, ()))
            if retyped:
                raise self.error(
                    f"table `{c.table}`: column `{retyped.column}` is {retyped.found} in the dump but the contract "
                    f"declares {retyped.expected} (a retyped source column: {retyped.reason}). The source schema "
                    "changed: this file cannot be loaded until the source is fixed or the contract "
                    "(docs/contract/source_schema.sql, data_contract.CONTRACT_TYPES) is updated",
                    stmt,
                    c.table,
                )
            s.columns[c.table] = c.columns
            s.primary_keys[c.table] = c.primary_key
            s.insert_statements[c.table] = 0
            s.rows[c.table] = 0
            s.tables += (c.table,)
        elif kind is StatementKind.DROP_TABLE:
            created = [t for t in c.tables if t in s.columns]
            if created:
                raise self.error("DROP TABLE after the table's CREATE TABLE would discard it", stmt, created[0])
        elif kind is StatementKind.LOCK_TABLES:
            self.locked, self.lock_line = c.tables, stmt.line
        elif kind is StatementKind.UNLOCK_TABLES:
            self.locked = ()
        elif kind is StatementKind.DISABLE_KEYS:
            self.keys_disabled[c.table] = stmt.line
        elif kind is StatementKind.ENABLE_KEYS:
            self.keys_disabled.pop(c.table, None)
        elif kind is StatementKind.SET:
            # Restores (`SET TIME_ZONE=@OLD_TIME_ZONE`) say nothing about how the data was written.
            s.settings.update((name, value) for name, value in c.settings if not value.startswith("@"))

    def finish(self, splitter: StatementSplitter) -> None:
        s = self.summary
        header = splitter.leading_comment
        if header is not None and header.startswith(HEADER_PREFIXES):
            s.header = header.decode("utf-8", errors="replace")
        trailer = splitter.trailing_comment
        s.completed = trailer is not None and trailer.startswith(TRAILER_PREFIX)
        if s.header is not None and not s.completed:
            raise self.error(
                f"file is truncated: it starts with the dump tool's header ({s.header[:40]!r}...) "
                "but does not end with its '-- Dump completed' trailer",
                None,
                None,
            )
        if self.locked:
            raise DumpStructureError(
                "LOCK TABLES is never closed by UNLOCK TABLES (file truncated?)",
                file_name=s.file_name,
                line=self.lock_line,
                table=self.locked[0],
            )
        if self.keys_disabled:
            table, line = next(iter(self.keys_disabled.items()))
            raise DumpStructureError(
                "ALTER TABLE ... DISABLE KEYS is never followed by ENABLE KEYS (file truncated?)",
                file_name=s.file_name,
                line=line,
                table=table,
            )
        missing = [t for t in self.expected if t not in s.columns]
        if missing:
            raise self.error(
                f"table(s) {missing} missing: the file has no CREATE TABLE for them (expected: {list(self.expected)})",
                None,
                missing[0],
            )


class DumpReader:
    """Iterate the statements the loader must execute from one dump file, validating the whole file.

    `chunks` are the raw bytes of the S3 object (gzip-compressed when `gzip`). Iterating yields, in file order,
    the executable ClassifiedStatements (DROP TABLE, CREATE TABLE, INSERT) rewritten for `target_schema`; every
    other statement is validated and skipped. Any problem raises a DumpError subclass at once, except what can
    only be known at the end (a missing table, a missing trailer, an unclosed LOCK), raised after the last
    statement. `summary` is complete once iteration has finished.
    """

    def __init__(
        self,
        chunks: Iterable[bytes],
        *,
        file_name: str,
        stem: str,
        target_schema: str,
        gzip: bool = False,
        collation_shim: bool = False,
        strip_foreign_keys: bool = True,
        required_columns: Mapping[str, Iterable[str]] | None = None,
        required_types: Mapping[str, Iterable[tuple[str, str]]] | None = None,
        max_row_bytes: int = DEFAULT_MAX_ROW_BYTES,
        max_row_reason: str = "max_row_bytes",
        batch_bytes: int = BATCH_BYTES,
    ) -> None:
        if stem not in DUMP_FILES:
            raise ValueError(f"unknown dump stem {stem!r} (expected one of {sorted(DUMP_FILES)})")
        self.file_name = file_name
        self.tables = DUMP_FILES[stem]
        self._summary = DumpSummary(file_name=file_name, stem=stem)
        # INSERT rows stream in batches (memory stays flat); any other statement is at most a table definition.
        self._splitter = StatementSplitter(
            iter_chunks_decompressed(chunks, gzip, file_name=file_name),
            file_name=file_name,
            max_statement_bytes=MAX_DDL_BYTES,
            stream_inserts=True,
            max_row_bytes=max_row_bytes,
            max_row_reason=max_row_reason,
            batch_bytes=batch_bytes,
            columns=self._summary.columns,
        )
        self._classify = Classifier(
            file_name=file_name,
            tables=self.tables,
            target_schema=target_schema,
            collation_shim=collation_shim,
            strip_foreign_keys=strip_foreign_keys,
        )
        self._checker = _StructureChecker(self._summary, self.tables, required_columns or {}, required_types)
        self._binary: dict[str, frozenset[str]] = {}  # table -> its binary/blob columns (any bytes allowed)
        self._finished = False

    def __iter__(self) -> Iterator[ClassifiedStatement]:
        return self._read()

    def _read(self) -> Iterator[ClassifiedStatement]:
        summary = self._summary
        classify = self._classify
        observe = self._checker.observe
        rows = summary.rows
        for item in self._splitter:
            c = classify(item)
            if type(item) is InsertRows:
                if item.first:
                    observe(Statement(item.head, item.line, item.index), c)
                    summary.statements += 1
                bad = first_invalid_utf8(item.rows, self._byte_columns(c))
                if bad is not None:
                    raise self._invalid_text(item, c, *bad)
                rows[c.table] += c.rows
                summary.executed += 1
                yield c
                continue
            observe(item, c)
            if c.kind is StatementKind.CREATE_TABLE:
                self._binary[c.table] = frozenset(name for name, text in c.column_types if _holds_bytes(text))
            summary.statements += 1
            if c.kind in EXECUTED_KINDS:
                if c.kind is StatementKind.INSERT:
                    rows[c.table] += c.rows
                summary.executed += 1
                yield c
        summary.bytes_read = self._splitter.bytes_read
        self._checker.finish(self._splitter)
        self._finished = True

    def _byte_columns(self, c: ClassifiedStatement) -> frozenset[int]:
        """Positions, in the INSERT's column order, of the columns that hold bytes rather than text."""
        binary = self._binary.get(c.table)
        if not binary:
            return frozenset()
        columns = c.columns or self._summary.columns.get(c.table, ())
        return frozenset(i for i, name in enumerate(columns) if name in binary)

    def _invalid_text(self, batch: InsertRows, c: ClassifiedStatement, offset: int, reason: str) -> DumpSyntaxError:
        """Strict UTF-8 failed: name the column, the row's id and the byte offset in the file."""
        data = bytes(batch.rows)
        row, col, _ = position_in_rows(data, offset)
        columns = c.columns or self._summary.columns.get(c.table, ())
        where = f"row {row} of this batch"
        if col is not None and col <= len(columns):
            where = f"column `{columns[col - 1]}` of " + where
        if "id" in columns:
            literals = row_literals(data, row)
            i = columns.index("id")
            if i < len(literals):
                where += f" (id {literals[i].decode('utf-8', 'replace')})"
        return DumpSyntaxError(
            f"text is not valid UTF-8 ({reason}) in {where}, at byte {batch.offset + offset} of the file: dumps must "
            f"be strict UTF-8 (utf8mb4); surrogate code points (CESU-8, as some Java/Oracle exports write emoji), "
            f"overlong forms and stray bytes are refused",
            file_name=self.file_name,
            line=batch.rows_line + data.count(b"\n", 0, offset),
            table=c.table,
        )

    def columns_of(self, table: str) -> tuple[str, ...]:
        """The columns of `table` as its CREATE TABLE defined them (so far), for error messages."""
        return self._summary.columns.get(table, ())

    @property
    def summary(self) -> DumpSummary:
        if not self._finished:
            raise RuntimeError("the dump has not been read to its end yet")
        return self._summary


def _holds_bytes(type_text: str) -> bool:
    try:
        return parse_column_type(type_text).family in (BINARY, BIT)  # mariadb-dump writes bit values as raw bytes
    except ValueError:
        return False  # an unreadable type is text here; the contract type check names it where it matters


def read_dump(
    chunks: Iterable[bytes],
    *,
    file_name: str,
    stem: str,
    target_schema: str,
    gzip: bool = False,
    collation_shim: bool = False,
    strip_foreign_keys: bool = True,
    required_columns: Mapping[str, Iterable[str]] | None = None,
    required_types: Mapping[str, Iterable[tuple[str, str]]] | None = None,
    max_row_bytes: int = DEFAULT_MAX_ROW_BYTES,
    max_row_reason: str = "max_row_bytes",
    batch_bytes: int = BATCH_BYTES,
) -> DumpReader:
    """A DumpReader over `chunks`: iterate it for the statements to execute, then read `.summary`."""
    return DumpReader(
        chunks,
        file_name=file_name,
        stem=stem,
        target_schema=target_schema,
        gzip=gzip,
        collation_shim=collation_shim,
        strip_foreign_keys=strip_foreign_keys,
        required_columns=required_columns,
        required_types=required_types,
        max_row_bytes=max_row_bytes,
        max_row_reason=max_row_reason,
        batch_bytes=batch_bytes,
    )
