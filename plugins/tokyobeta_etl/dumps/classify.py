"""Classify one dump statement, refuse what the contract does not allow, rewrite what the loader executes.

Only DROP TABLE, CREATE TABLE and INSERT are executed, rewritten to name `target_schema`.`table`; SET, LOCK/UNLOCK,
ALTER TABLE ... DISABLE/ENABLE KEYS, CREATE DATABASE/USE (from -B) and known dump-tool lines are validated and
skipped. An INSERT's rows come from the splitter already read with the literal-only grammar (values.py), in batches;
the classifier checks and rewrites its head once per statement and adds it to each batch (one copy of the rows).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection
from dataclasses import dataclass

from .ddl import check_table, parse_create_table, table_ref
from .errors import DumpSyntaxError, ForbiddenStatement, Refused
from .lexer import Token, qualified, split_top_level, tokenize
from .session import is_percona_bulk_load_line, parse_set
from .splitter import InsertRows, Statement
from .values import IDENT, INSERT_HEAD, offending_token, scan_rows

HEAD_CHARS = 64 * 1024  # longer non-INSERT statements are refused from their head, unless CREATE TABLE
MAX_DDL_BYTES = 1024 * 1024  # a CREATE TABLE larger than this is not a table definition a dump tool writes

_WS = re.compile(r"\s+")
_OBJECT_WORDS = frozenset(
    "TRIGGER PROCEDURE FUNCTION EVENT VIEW USER ROLE SERVER INDEX TABLESPACE SEQUENCE PACKAGE LOGFILE RESOURCE "
    "SPATIAL DATABASE SCHEMA TABLE".split()
)
_TWO_WORD_KINDS = frozenset("LOAD LOCK UNLOCK SHOW START CHANGE RESET INSTALL UNINSTALL".split())


class StatementKind(enum.StrEnum):
    CREATE_TABLE = "CREATE TABLE"
    DROP_TABLE = "DROP TABLE"
    INSERT = "INSERT"
    LOCK_TABLES = "LOCK TABLES"
    UNLOCK_TABLES = "UNLOCK TABLES"
    DISABLE_KEYS = "ALTER TABLE ... DISABLE KEYS"
    ENABLE_KEYS = "ALTER TABLE ... ENABLE KEYS"
    SET = "SET"
    CREATE_DATABASE = "CREATE DATABASE"
    USE = "USE"
    COMMIT = "COMMIT"  # mysqldump --no-autocommit
    DUMP_TOOL = "dump-tool statement"  # SET @@GLOBAL.GTID_PURGED, Percona's RocksDB bulk-load toggle


EXECUTED_KINDS = frozenset({StatementKind.CREATE_TABLE, StatementKind.DROP_TABLE, StatementKind.INSERT})


@dataclass(frozen=True, slots=True)
class ClassifiedStatement:
    """A validated statement. `sql` is what the loader executes (rewritten), or None: validated and skipped."""

    kind: StatementKind
    line: int
    index: int
    sql: bytes | None = None
    table: str | None = None  # the (first) table the statement is about
    tables: tuple[str, ...] = ()  # every table it names (DROP TABLE a, b; LOCK TABLES a WRITE, b WRITE)
    columns: tuple[str, ...] | None = None  # CREATE TABLE: all columns in order; INSERT: explicit list or None
    primary_key: tuple[str, ...] | None = None  # CREATE TABLE only; () when the table has none
    settings: tuple[tuple[str, str], ...] = ()  # SET: (session variable, value as written)
    rows: int = 0  # INSERT: the rows its VALUES hold
    column_types: tuple[tuple[str, str], ...] = ()  # CREATE TABLE only: (column, data type as written), in order

    @property
    def executable(self) -> bool:
        return self.sql is not None


class Classifier:
    """Classifies the statements of one dump file, whose allowed tables are `tables`, for `target_schema`."""

    def __init__(
        self,
        *,
        file_name: str,
        tables: Collection[str],
        target_schema: str,
        collation_shim: bool = False,
        strip_foreign_keys: bool = True,
    ) -> None:
        if not target_schema or len(target_schema) > 64:
            raise ValueError(f"invalid target schema name {target_schema!r}")
        self.file_name = file_name
        self.tables = tuple(tables)
        self.target_schema = target_schema
        self.collation_shim = collation_shim
        self.strip_foreign_keys = strip_foreign_keys
        self._qualified = {t: qualified(target_schema, t).encode() for t in self.tables}
        self._heads: dict[int, tuple[bytes, str, tuple[str, ...] | None]] = {}  # statement index -> rewritten head

    def __call__(self, stmt: Statement | InsertRows) -> ClassifiedStatement:
        try:
            if type(stmt) is InsertRows:
                return self._insert_rows(stmt)
            return self._classify(stmt)
        except Refused as exc:
            raise ForbiddenStatement(
                exc.message,
                file_name=self.file_name,
                line=stmt.line,
                table=exc.table,
                statement=stmt.head if type(stmt) is InsertRows else stmt.sql,
                kind=exc.kind,
            ) from None  # Refused is only the internal carrier of these fields

    def _classify(self, stmt: Statement) -> ClassifiedStatement:
        sql = stmt.sql
        if sql[:6].upper() == b"INSERT" or sql[:7].upper() == b"REPLACE":
            return self._insert(stmt)
        text = self._decode(stmt)
        if len(text) > HEAD_CHARS:
            return self._long_statement(stmt, text)
        tokens = tokenize(text)
        first = tokens[0]
        word = first.upper if first.kind == "word" else ""
        if word == "CREATE":
            return self._create(stmt, text, tokens)
        if word == "DROP":
            return self._drop(stmt, tokens)
        if word == "SET":
            gtid, settings = parse_set(tokens)
            kind = StatementKind.DUMP_TOOL if gtid else StatementKind.SET
            return ClassifiedStatement(kind, stmt.line, stmt.index, settings=settings)
        if word == "LOCK":
            return self._lock(stmt, tokens)
        if word == "UNLOCK" and len(tokens) == 2 and tokens[1].is_word("TABLES", "TABLE"):
            return ClassifiedStatement(StatementKind.UNLOCK_TABLES, stmt.line, stmt.index)
        if word == "ALTER":
            return self._alter_keys(stmt, tokens)
        if word == "USE" and len(tokens) == 2 and tokens[1].name is not None:
            return ClassifiedStatement(StatementKind.USE, stmt.line, stmt.index)
        if word == "COMMIT" and len(tokens) == 1:
            return ClassifiedStatement(StatementKind.COMMIT, stmt.line, stmt.index)
        if word in ("SELECT", "PREPARE", "EXECUTE", "DEALLOCATE") and is_percona_bulk_load_line(_WS.sub(" ", text)):
            return ClassifiedStatement(StatementKind.DUMP_TOOL, stmt.line, stmt.index)
        kind = refused_kind(tokens)
        raise Refused(f"{kind} is not allowed in a dump", kind)

    def _long_statement(self, stmt: Statement, text: str) -> ClassifiedStatement:
        """Only a CREATE TABLE (long COMMENTs, ENUMs) may be this long; anything else is refused from its head."""
        tokens = tokenize(text[:HEAD_CHARS])
        if _words(tokens, 0, "CREATE", "TABLE") or _words(tokens, 0, "CREATE", "OR", "REPLACE", "TABLE"):
            return self._create(stmt, text, tokenize(text))
        kind = refused_kind(tokens)
        raise Refused(f"{kind} statement longer than {HEAD_CHARS} characters is not a dump-tool statement", kind)

    def _decode(self, stmt: Statement) -> str:
        try:
            return stmt.sql.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DumpSyntaxError(
                f"statement is not valid UTF-8 ({exc.reason} at byte {exc.start})",
                file_name=self.file_name,
                line=stmt.line,
                statement=stmt.sql,
            ) from exc

    def _ident(self, raw: bytes, stmt: Statement) -> str:
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DumpSyntaxError(
                "table or column name is not valid UTF-8", file_name=self.file_name, line=stmt.line, statement=stmt.sql
            ) from exc
        return name[1:-1].replace("``", "`") if name.startswith("`") else name

    def _insert_head(self, sql: bytes, stmt: Statement) -> tuple[bytes, str, tuple[str, ...] | None, int]:
        """(`INSERT INTO target [(cols)] `, table, explicit columns, offset of the VALUES keyword) of an INSERT head
        dump tools write.

        IGNORE and REPLACE become a plain INSERT: the load table starts empty, so they could only hide a duplicate
        row (or, for IGNORE, a bad value); a plain INSERT fails on it instead, naming the id."""
        m = INSERT_HEAD.match(sql)
        if m is None:
            raise _insert_refusal(sql, self.tables)
        parts = [self._ident(p, stmt) for p in IDENT.findall(m.group("ref"))]
        schema, table = (None, parts[0]) if len(parts) == 1 else (parts[0], parts[1])
        check_table(schema, table, self.tables, StatementKind.INSERT.value)
        cols = m.group("cols")
        columns = tuple(self._ident(c, stmt) for c in IDENT.findall(cols)) if cols else None
        prefix = b"INSERT INTO " + self._qualified[table] + b" " + (cols + b" " if cols else b"")
        return prefix, table, columns, m.start("kw")

    def _insert_rows(self, batch: InsertRows) -> ClassifiedStatement:
        """One batch of a streamed INSERT: its rows were read with the literal-only grammar by the splitter."""
        head = self._heads.get(batch.index)
        if head is None:
            stmt = Statement(batch.head, batch.line, batch.index)
            prefix, table, columns, kw = self._insert_head(batch.head + b" ", stmt)
            self._heads = {batch.index: (prefix + batch.head[kw:] + b" ", table, columns)}  # this statement's only
            head = self._heads[batch.index]
        prefix, table, columns = head
        return ClassifiedStatement(
            StatementKind.INSERT,
            batch.line,
            batch.index,
            b"".join((prefix, batch.rows)),
            table,
            (table,),
            columns,
            rows=batch.count,
        )

    def _insert(self, stmt: Statement) -> ClassifiedStatement:
        """A whole INSERT (not streamed: comments in its head, or the splitter's whole-statement mode), read with
        the same literal-only grammar."""
        sql = stmt.sql
        prefix, table, columns, kw = self._insert_head(sql, stmt)
        rows_start = kw + len(INSERT_HEAD.match(sql).group("kw"))
        stop, count = scan_rows(sql, rows_start, len(sql), True)
        if count == 0 or sql[stop:].strip():
            _, token = offending_token(sql, stop)
            raise Refused(
                f"VALUES may hold only literals (numbers, quoted strings, NULL, hex and bit literals): found {token!r}",
                "INSERT with a non-literal value",
                table,
            )
        return ClassifiedStatement(
            StatementKind.INSERT,
            stmt.line,
            stmt.index,
            b"".join((prefix, memoryview(sql)[kw:stop])),
            table,
            (table,),
            columns,
            rows=count,
        )

    def _create(self, stmt: Statement, text: str, tokens: list[Token]) -> ClassifiedStatement:
        i = 1
        if _words(tokens, i, "OR", "REPLACE"):
            i += 2
        if _words(tokens, i, "TEMPORARY", "TABLE"):
            raise Refused("CREATE TEMPORARY TABLE is not a dump-tool statement", "CREATE TEMPORARY TABLE")
        if _words(tokens, i, "TABLE"):
            if len(stmt.sql) > MAX_DDL_BYTES:
                raise Refused(f"CREATE TABLE larger than {MAX_DDL_BYTES} bytes", "CREATE TABLE")
            parsed = parse_create_table(
                text,
                tokens,
                i + 1,
                target_schema=self.target_schema,
                allowed_tables=self.tables,
                collation_shim=self.collation_shim,
                strip_foreign_keys=self.strip_foreign_keys,
            )
            return ClassifiedStatement(
                StatementKind.CREATE_TABLE,
                stmt.line,
                stmt.index,
                parsed.sql.encode("utf-8"),
                parsed.table,
                (parsed.table,),
                parsed.columns,
                parsed.primary_key,
                column_types=parsed.column_types,
            )
        if i == 1 and len(tokens) > 2 and tokens[1].is_word("DATABASE", "SCHEMA"):
            # mysqldump -B: the loader always writes into its own load schema, whatever the dump names.
            return ClassifiedStatement(StatementKind.CREATE_DATABASE, stmt.line, stmt.index)
        kind = refused_kind(tokens)
        raise Refused(f"{kind} is not allowed in a dump", kind)

    def _drop(self, stmt: Statement, tokens: list[Token]) -> ClassifiedStatement:
        if _words(tokens, 1, "TEMPORARY"):
            raise Refused("DROP TEMPORARY TABLE is not a dump-tool statement", "DROP TEMPORARY TABLE")
        if not _words(tokens, 1, "TABLE"):
            kind = refused_kind(tokens)
            raise Refused(f"{kind} is not allowed in a dump", kind)
        i = 2
        if _words(tokens, i, "IF", "EXISTS"):
            i += 2
        end = len(tokens)
        if end > i and tokens[end - 1].is_word("RESTRICT", "CASCADE"):
            end -= 1
        tables = []
        for a, b in split_top_level(tokens, i, end):
            schema, table, nxt = table_ref(tokens, a, StatementKind.DROP_TABLE.value)
            if nxt != b:
                raise Refused("unrecognised DROP TABLE form", StatementKind.DROP_TABLE.value, table)
            check_table(schema, table, self.tables, StatementKind.DROP_TABLE.value)
            tables.append(table)
        # Always IF EXISTS: the load schema starts empty, and the file's own DROP means "replace if present".
        sql = b"DROP TABLE IF EXISTS " + b", ".join(self._qualified[t] for t in tables)
        return ClassifiedStatement(StatementKind.DROP_TABLE, stmt.line, stmt.index, sql, tables[0], tuple(tables))

    def _lock(self, stmt: Statement, tokens: list[Token]) -> ClassifiedStatement:
        if not _words(tokens, 1, "TABLES") and not _words(tokens, 1, "TABLE"):
            kind = refused_kind(tokens)
            raise Refused(f"{kind} is not allowed in a dump", kind)
        tables = []
        for a, b in split_top_level(tokens, 2, len(tokens)):
            schema, table, nxt = table_ref(tokens, a, StatementKind.LOCK_TABLES.value)
            mode = " ".join(t.upper for t in tokens[nxt:b])
            if mode not in ("WRITE", "READ", "READ LOCAL", "LOW_PRIORITY WRITE", "WRITE CONCURRENT"):
                raise Refused(f"unrecognised lock mode {mode!r}", StatementKind.LOCK_TABLES.value, table)
            check_table(schema, table, self.tables, StatementKind.LOCK_TABLES.value)
            tables.append(table)
        return ClassifiedStatement(StatementKind.LOCK_TABLES, stmt.line, stmt.index, None, tables[0], tuple(tables))

    def _alter_keys(self, stmt: Statement, tokens: list[Token]) -> ClassifiedStatement:
        if _words(tokens, 1, "TABLE") and len(tokens) > 2:
            schema, table, nxt = table_ref(tokens, 2, "ALTER TABLE")
            if len(tokens) == nxt + 2 and tokens[nxt + 1].is_word("KEYS") and tokens[nxt].is_word("DISABLE", "ENABLE"):
                kind = StatementKind.DISABLE_KEYS if tokens[nxt].is_word("DISABLE") else StatementKind.ENABLE_KEYS
                check_table(schema, table, self.tables, kind.value)
                return ClassifiedStatement(kind, stmt.line, stmt.index, None, table, (table,))
            raise Refused("ALTER TABLE other than DISABLE/ENABLE KEYS is not allowed in a dump", "ALTER TABLE", table)
        kind = refused_kind(tokens)
        raise Refused(f"{kind} is not allowed in a dump", kind)


def classify_statement(
    stmt: Statement,
    *,
    file_name: str,
    tables: Collection[str],
    target_schema: str,
    collation_shim: bool = False,
    strip_foreign_keys: bool = True,
) -> ClassifiedStatement:
    """One-off form of Classifier(...)(stmt)."""
    classifier = Classifier(
        file_name=file_name,
        tables=tables,
        target_schema=target_schema,
        collation_shim=collation_shim,
        strip_foreign_keys=strip_foreign_keys,
    )
    return classifier(stmt)


def refused_kind(tokens: list[Token]) -> str:
    """A short human name for a statement that is not allowed: 'GRANT', 'CREATE TRIGGER', 'LOAD DATA', ..."""
    if not tokens:
        return "empty statement"
    first = tokens[0]
    if first.kind != "word":
        return f"statement starting with {first.text[:20]!r}"
    word = first.upper
    if word in ("CREATE", "DROP", "ALTER"):
        for tok in tokens[1:16]:
            if tok.kind == "word" and tok.upper in _OBJECT_WORDS:
                return f"{word} {tok.upper}"
        return word
    if word == "SELECT":
        for j, tok in enumerate(tokens[:-1]):
            if tok.is_word("INTO") and tokens[j + 1].is_word("OUTFILE", "DUMPFILE"):
                return f"SELECT ... INTO {tokens[j + 1].upper}"
        return "SELECT"
    if word in _TWO_WORD_KINDS and len(tokens) > 1:
        return f"{word} {tokens[1].upper}"
    return word


def _words(tokens: list[Token], i: int, *words: str) -> bool:
    return len(tokens) >= i + len(words) and all(tokens[i + k].is_word(w) for k, w in enumerate(words))


def _insert_refusal(sql: bytes, tables: tuple[str, ...]) -> Refused:
    """Explain why an INSERT head is not one a dump tool writes (only called on refusal, so speed is no concern)."""
    tokens = tokenize(sql[:4096].decode("utf-8", errors="replace"))
    i = 1
    if i < len(tokens) and tokens[i].is_word("LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY"):
        kind = f"INSERT {tokens[i].upper}"
        return Refused(f"{kind} is not a form dump tools write", kind)
    if i < len(tokens) and tokens[i].is_word("INTO"):
        i += 1
    try:
        schema, table, i = table_ref(tokens, i, "INSERT")
        check_table(schema, table, tables, "INSERT")
    except Refused as exc:
        return exc
    after = tokens[i] if i < len(tokens) else None
    if after is not None and after.is_word("SET", "PARTITION"):
        kind = f"INSERT ... {after.upper}"
    elif any(t.is_word("SELECT", "TABLE", "WITH") for t in tokens[i:]):
        kind = "INSERT ... SELECT"
    else:
        return Refused("unrecognised INSERT form", "INSERT", table)
    return Refused(f"{kind} is not allowed in a dump", kind, table)
