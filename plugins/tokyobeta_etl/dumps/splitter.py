"""Streaming statement splitter for mysqldump / mariadb-dump output.

Turns byte chunks into complete SQL statements without holding the file in memory. Speed comes from never
looping over characters in Python: one compiled regex (`_SPAN`) consumes, in C, every run of ordinary code and
complete string / identifier literals, and stops only at bytes that need a decision (`;`, a comment opener, the
end of a version comment, or a literal the buffer does not yet hold completely).

Comments are removed and the content of version comments that MySQL 8 / MariaDB 10.11 would execute
(`/*!40101 ... */` up to 80099, `/*M!100616 ... */` up to 101199) is inlined, so a statement's `sql` is exactly
what the server would run and what the classifier validates: nothing hides in a comment the server executes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from .errors import DumpSyntaxError, ForbiddenStatement
from .values import (
    IDENT,
    INSERT_HEAD,
    MAX_HEAD_BYTES,
    literals_before_error,
    offending_token,
    row_is_cut,
    scan_one_row,
    scan_rows,
)

DEFAULT_MAX_STATEMENT_BYTES = 256 * 1024 * 1024
# With stream_inserts: the largest row (the unit that cannot be split into smaller statements), and the bytes of
# rows handed on at once, so memory stays flat however large one extended INSERT is.
DEFAULT_MAX_ROW_BYTES = 64 * 1024 * 1024
BATCH_BYTES = 1024 * 1024
# Minimum bytes pulled per refill, so small source chunks do not mean many rescans (tests lower it to hit every
# chunk boundary).
READ_SIZE = 1024 * 1024

# Version comments whose content counts as code: what MySQL 8.0 (`/*!`) and MariaDB 10.11 (`/*M!`) execute.
MYSQL_EXECUTED_MAX_VERSION = 80099
MARIADB_EXECUTED_MAX_VERSION = 101199

# Ordinary code plus complete quoted literals, consumed possessively (no backtracking state in sre) and unrolled
# as code (literal code)* so the common INSERT row costs one alternation per literal.
# Doubled quotes ('it''s', `a``b`) need no rule of their own: two adjacent literals end at the same byte.
# A `-`, `/` or `*` is consumed only when the next byte proves it does not start `-- `, `/*` or `*/`; at the
# end of the buffer it is left for the refill logic, so a token split across chunks is never misread.
_CODE = rb"""[^'"`;#/*\-]*+"""
_SPAN = re.compile(
    _CODE + rb"""(?:(?:'[^'\\]*+(?:\\.[^'\\]*+)*+'"""
    rb"""|[-/*](?=[^-/*])"""
    rb'''|"[^"\\]*+(?:\\.[^"\\]*+)*+"'''
    rb"""|`[^`]*+`"""
    rb"""|-(?=[^-]|-[^\x00-\x20])|/(?=[^*])|\*(?=[^/]))""" + _CODE + rb")*+",
    re.S,
)
_WS = re.compile(rb"[ \t\r\n\f\v]*")


# Between statements, in one C call: blanks, empty statements, plain /* */ comments and complete line comments
# (the last line comment is captured: it may be the dump's trailer). Bare CRs stop it (see _cr_only).
def _digits_above(limit: int, width: int) -> bytes:
    """A regex alternation matching exactly the `width`-digit strings whose value is greater than `limit`."""
    text = str(limit).zfill(width)
    alternatives = [text[:i] + f"[{int(d) + 1}-9]" + r"\d" * (width - i - 1) for i, d in enumerate(text) if d != "9"]
    return "|".join(alternatives).encode() if len(text) == width else b"(?!)"


# A version comment that is not code (version_comment_is_code, written as a pattern): `/*!` with 6 digits, or 5
# not followed by a sixth, above MYSQL_EXECUTED_MAX_VERSION; `/*M!` likewise above MARIADB_EXECUTED_MAX_VERSION.
_NOT_CODE_VERSION = (
    rb"(?:!(?:"
    + _digits_above(MYSQL_EXECUTED_MAX_VERSION, 6)
    + rb"|(?:"
    + _digits_above(MYSQL_EXECUTED_MAX_VERSION, 5)
    + rb")(?!\d))|M!(?:"
    + _digits_above(MARIADB_EXECUTED_MAX_VERSION, 6)
    + rb"|(?:"
    + _digits_above(MARIADB_EXECUTED_MAX_VERSION, 5)
    + rb")(?!\d)))"
)
_BLOCK_REST = rb"[^*]*+\*++(?:[^/*][^*]*+\*++)*+/"
_SKIP = re.compile(
    rb"(?:[ \t\n\f\v;]++|\r\n|/\*(?:(?![!]|M!)|"
    + _NOT_CODE_VERSION
    + rb")"
    + _BLOCK_REST
    + rb"|(?P<line>(?:#|--(?=[\x00-\x20]))[^\n\r]*+)\r?\n)*+"
)
_VERSION_COMMENT = re.compile(rb"/\*(M?)!(\d{5,6})?")
_DELIMITER = re.compile(rb"delimiter\s", re.I)
_LOOKAHEAD = 12  # enough for "/*M!101199" and "DELIMITER " at a statement start
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Statement:
    """One complete statement: comments removed, executed version comments inlined, no terminating `;`."""

    sql: bytes
    line: int  # 1-based line where the statement starts
    index: int  # 0-based position among the statements of the file


@dataclass(frozen=True, slots=True)
class InsertRows:
    """Complete, literal-only rows of one INSERT (stream_inserts): a statement yields one or more of these."""

    head: bytes  # `INSERT [IGNORE] INTO t [(cols)] VALUES` as written
    rows: memoryview  # `(...),(...)` with the file's own separators; no leading comma
    count: int  # rows in `rows`
    line: int  # line where the statement starts
    index: int  # the statement's position among the statements of the file
    offset: int  # byte offset of rows[0] in the (decompressed) file
    rows_line: int  # line of rows[0]
    first: bool  # the statement's first batch


def version_comment_is_code(marker: bytes) -> bool:
    """Whether the content of a `/*!NNNNN` / `/*M!NNNNNN` comment is executed (True) or a plain comment."""
    m = _VERSION_COMMENT.match(marker)
    if m is None:
        return False
    if m.group(2) is None:
        return True  # `/*!` without a version is always executed
    limit = MARIADB_EXECUTED_MAX_VERSION if m.group(1) else MYSQL_EXECUTED_MAX_VERSION
    return int(m.group(2)) <= limit


class StatementSplitter:
    """Iterate the statements of a dump given as byte chunks; see the module docstring.

    An INSERT is read with the literal-only VALUES grammar (values.py): anything in its rows that is not a literal
    raises ForbiddenStatement naming the token. With `stream_inserts`, an INSERT is yielded as InsertRows batches of
    at most about BATCH_BYTES (one row may be up to `max_row_bytes`), so memory stays flat; otherwise as one
    Statement. Every other statement is a Statement of at most `max_statement_bytes` bytes as written.

    After iteration: `leading_comment` is the first line comment if it came before any statement (the dump
    tool's header, e.g. b"-- MySQL dump 10.13 ..."), `trailing_comment` the last line comment if nothing but
    whitespace followed it (the "-- Dump completed ..." trailer), `bytes_read` the input size in bytes.
    `columns` (table -> column names, filled by the caller as it reads CREATE TABLE) lets errors name a column.
    """

    def __init__(
        self,
        chunks: Iterable[bytes],
        *,
        file_name: str = "<dump>",
        max_statement_bytes: int = DEFAULT_MAX_STATEMENT_BYTES,
        read_size: int = READ_SIZE,
        stream_inserts: bool = False,
        max_row_bytes: int = DEFAULT_MAX_ROW_BYTES,
        max_row_reason: str = "max_row_bytes",
        batch_bytes: int = BATCH_BYTES,
        columns: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self._chunks = chunks
        self.read_size = read_size
        self.file_name = file_name
        self.max_statement_bytes = max_statement_bytes
        self.stream_inserts = stream_inserts
        self.max_row_bytes = max_row_bytes
        self.max_row_reason = max_row_reason
        self.batch_bytes = batch_bytes
        self.columns = columns if columns is not None else {}
        self.leading_comment: bytes | None = None
        self.trailing_comment: bytes | None = None
        self.bytes_read = 0
        self._started = False

    def __iter__(self) -> Iterator[Statement | InsertRows]:
        if self._started:
            raise RuntimeError("a StatementSplitter can be iterated only once")
        self._started = True
        return self._split()

    def _error(self, message: str, line: int, statement: bytes | None = None) -> DumpSyntaxError:
        return DumpSyntaxError(message, file_name=self.file_name, line=line, statement=statement)

    def _not_a_literal(
        self, head: bytes, buf: bytes, buf_offset: int, row_start: int, rows_before: int, line: int
    ) -> ForbiddenStatement:
        """The error for something in an INSERT that is not a literal-only row: where it is and what it is."""
        at, token = offending_token(buf, row_start)
        table, columns = self._insert_target(head)
        literals = literals_before_error(buf, row_start)
        where = f"row {rows_before + 1} of the statement"
        if literals is not None and columns:
            col = len(literals)
            if col < len(columns):
                where += f", column `{columns[col]}`"
            if "id" in columns and columns.index("id") < col:
                where += f" (id {literals[columns.index('id')].decode('utf-8', 'replace')})"
        after_comma = literals is None and buf[row_start:].lstrip()[:1] == b","
        if after_comma:
            kind = "INSERT with a non-literal value"
            message = f"VALUES may hold only rows of literals: found {token!r} where a row '(...)' should follow ','"
        elif literals is None:
            kind = _clause_kind(token)
            message = (
                f"{kind} after the rows: a dump's INSERT ends with its last row and ';' (found {token!r})"
                if kind != "INSERT"
                else f"{token!r} after the rows: a dump's INSERT ends with its last row and ';'"
            )
        else:
            kind = "INSERT with a non-literal value"
            message = (
                f"VALUES may hold only literals (numbers, quoted strings, NULL, hex and bit literals): "
                f"found {token!r} in {where}"
            )
        return ForbiddenStatement(
            f"{message}, at byte {buf_offset + at} of the file",
            file_name=self.file_name,
            line=line,
            table=table,
            statement=head,
            kind=kind,
        )

    def _row_too_large(self, rows_before: int, line: int, head: bytes) -> DumpSyntaxError:
        return DumpSyntaxError(
            f"row {rows_before + 1} of the statement is larger than {self.max_row_bytes:,} bytes "
            f"({self.max_row_reason}): it cannot be sent to the server as one statement",
            file_name=self.file_name,
            line=line,
            statement=head,
        )

    def _insert_target(self, head: bytes) -> tuple[str | None, tuple[str, ...] | None]:
        m = INSERT_HEAD.match(head + b" ")  # the head ends at VALUES; the pattern looks one byte past it
        if m is None:
            return None, None
        names = [n.decode("utf-8", "replace") for n in IDENT.findall(m.group("ref"))]
        table = names[-1].strip("`") if names else None
        if m.group("cols"):
            cols = tuple(c.decode("utf-8", "replace").strip("`") for c in IDENT.findall(m.group("cols")))
            return table, cols
        return table, self.columns.get(table) if table else None

    def _split(self) -> Iterator[Statement | InsertRows]:  # one state machine, kept in one piece on purpose
        src = iter(self._chunks)
        max_bytes = self.max_statement_bytes
        stream = self.stream_inserts
        span = _SPAN.match
        skip = _SKIP.match
        buf = b""
        buf_offset = 0  # file offset of buf[0]
        pos = 0  # scan position; everything before it is decided
        eof = False
        line_no, line_pos = 1, 0  # line_no is the line number of buffer offset line_pos
        in_stmt = in_exec = in_insert = False
        pieces: list[bytes] = []  # statement text already cut out (around removed comments)
        pieces_len = 0
        seg_start = 0  # start of the statement text not yet copied into pieces
        stmt_start = 0  # file offset where the statement started (its raw size bounds comments too)
        stmt_line = 0
        index = 0
        first_fill = True
        ins_head = b""
        ins_first = True
        ins_rows = 0  # rows of the current INSERT so far

        def line_at(p: int) -> int:
            return line_no + buf.count(b"\n", line_pos, p)

        def refill() -> None:
            nonlocal buf, buf_offset, pos, seg_start, line_no, line_pos, eof, first_fill
            if eof:
                raise AssertionError("refill after end of input")  # a bug in the state machine, not bad input
            cut = seg_start if in_stmt else pos
            held = buf_offset + len(buf) - stmt_start if in_stmt else pieces_len + len(buf) - cut
            if in_stmt and held > max_bytes:
                raise self._error(
                    f"statement larger than max_statement_bytes={max_bytes}",
                    stmt_line,
                    b"".join(pieces)[:400] + buf[cut : cut + 400],
                )
            if not in_stmt and not in_insert and len(buf) - cut > max_bytes:
                raise self._error(f"comment larger than max_statement_bytes={max_bytes}", line_at(pos))
            line_no += buf.count(b"\n", line_pos, cut)
            # At least double what may be rescanned (linear overall), and never less than the lookahead.
            want = max(self.read_size, len(buf) - pos, _LOOKAHEAD)
            parts = [buf[cut:]]
            got = 0
            for chunk in src:
                parts.append(chunk)
                got += len(chunk)
                if got >= want:
                    break
            else:
                eof = True
                parts.append(b"\n")  # ends a last line comment; never part of a statement's text
            self.bytes_read += got
            buf_offset += cut
            buf = b"".join(parts)
            pos -= cut
            seg_start -= cut
            line_pos = 0
            if first_fill and buf.startswith(_BOM):
                pos = line_pos = 3
            first_fill = False

        while True:
            if in_insert:
                # Rows of an INSERT: literal-only, read by the grammar's regexes, handed on in batches.
                start = pos
                end, count = scan_rows(buf, pos, min(len(buf), pos + self.batch_bytes), ins_first)
                if count == 0 and len(buf) - pos > self.batch_bytes:
                    end, count = scan_one_row(buf, pos, ins_first)  # one row larger than a batch
                    if end - pos > self.max_row_bytes:
                        raise self._row_too_large(ins_rows, line_at(pos), ins_head)
                if count:
                    rows_start = buf.index(b"(", start)
                    if stream:
                        line_no += buf.count(b"\n", line_pos, rows_start)
                        line_pos = rows_start
                        yield InsertRows(
                            ins_head,
                            memoryview(buf)[rows_start:end],
                            count,
                            stmt_line,
                            index,
                            buf_offset + rows_start,
                            line_no,
                            ins_first,
                        )
                    else:
                        pieces.append(buf[start:end])
                        pieces_len += end - start
                        if pieces_len > max_bytes:
                            raise self._error(
                                f"statement larger than max_statement_bytes={max_bytes}", stmt_line, pieces[0]
                            )
                    ins_first = False
                    ins_rows += count
                    pos = end
                    continue
                q = _WS.match(buf, pos).end()
                if q < len(buf) and buf[q] == 0x3B and not ins_first:  # ; ends the INSERT
                    pos = q + 1
                    in_insert = False
                    self.trailing_comment = None
                    if not stream:
                        yield Statement(b"".join(pieces), stmt_line, index)
                        pieces = []
                        pieces_len = 0
                    index += 1
                    continue
                if q >= len(buf) or row_is_cut(buf, pos):
                    if eof:
                        what = (
                            f"row {ins_rows + 1}, which starts on line {line_at(q)}, is cut short"
                            if q < len(buf) and buf[q] != 0x0A
                            else "the statement is missing its ';'"
                        )
                        raise self._error(f"file ends inside an INSERT: {what}", stmt_line, ins_head)
                    if len(buf) - pos > self.max_row_bytes:
                        raise self._row_too_large(ins_rows, line_at(pos), ins_head)
                    refill()
                    continue
                raise self._not_a_literal(ins_head, buf, buf_offset, pos, ins_rows, line_at(q))

            if not in_stmt:
                # Between statements: skip whitespace, comments and empty statements; find where the next starts.
                m = skip(buf, pos)
                if m.end() > pos:
                    if m.start("line") >= 0:
                        line_text = m.group("line").rstrip()
                        if index == 0 and self.leading_comment is None:
                            self.leading_comment = _first_line_comment(buf, pos, m.end())
                        after = m.end("line")
                        self.trailing_comment = None if buf.find(b"/*", after, m.end()) >= 0 else line_text
                    elif buf.find(b"/*", pos, m.end()) >= 0:
                        self.trailing_comment = None
                    pos = m.end()
                if len(buf) - pos < _LOOKAHEAD and not eof:
                    refill()
                    continue
                if pos >= len(buf):
                    return
                c = buf[pos]
                if c == 0x0D:  # a CR the skip did not take: not followed by LF
                    raise self._error(_CR_ONLY, line_at(pos))
                if c == 0x3B:  # ;
                    pos += 1
                    continue
                if c == 0x23 or (c == 0x2D and buf[pos + 1] == 0x2D and buf[pos + 2] <= 0x20):  # "#", "-- "
                    end = buf.find(b"\n", pos)
                    cr = buf.find(b"\r", pos, end if end >= 0 else len(buf))
                    if cr >= 0 and (cr + 1 < len(buf) and buf[cr + 1] != 0x0A):
                        raise self._error(_CR_ONLY, line_at(pos))
                    if end < 0:
                        refill()
                        continue
                    text = buf[pos:end].rstrip()
                    if index == 0 and self.leading_comment is None:
                        self.leading_comment = text
                    self.trailing_comment = text
                    pos = end + 1
                    continue
                if c == 0x2F and buf[pos + 1] == 0x2A:  # /*
                    if not version_comment_is_code(buf[pos : pos + _LOOKAHEAD]):
                        end = buf.find(b"*/", pos + 2)
                        if end < 0:
                            if eof:
                                raise self._error("file ends inside a /* comment */", line_at(pos))
                            refill()
                            continue
                        self.trailing_comment = None
                        pos = end + 2
                        continue
                elif _DELIMITER.match(buf, pos):
                    line = line_at(pos)
                    raise ForbiddenStatement(
                        "DELIMITER client command (dumps only use it for triggers, procedures and events)",
                        file_name=self.file_name,
                        line=line,
                        statement=buf[pos : pos + 200].split(b"\n", 1)[0],
                        kind="DELIMITER",
                    )
                elif c in _INSERT_STARTS:
                    m = INSERT_HEAD.match(buf, pos)
                    if m is None and not eof and len(buf) - pos < MAX_HEAD_BYTES:
                        refill()  # the head may continue in the next chunk
                        continue
                    if m is not None:
                        line_no += buf.count(b"\n", line_pos, pos)
                        line_pos = pos
                        stmt_line = line_no
                        ins_head = buf[pos : m.end()]
                        ins_first, ins_rows = True, 0
                        in_insert = True
                        if not stream:
                            pieces = [ins_head]
                            pieces_len = len(ins_head)
                        pos = m.end()
                        continue
                in_stmt = True
                line_no += buf.count(b"\n", line_pos, pos)
                line_pos = pos
                stmt_line = line_no
                seg_start = pos
                stmt_start = buf_offset + pos

            pos = span(buf, pos).end()
            if pos >= len(buf):
                if eof:
                    what = "inside a version comment /*!...*/" if in_exec else "inside a statement missing its ';'"
                    raise self._error(f"file ends {what}", stmt_line, b"".join(pieces) + buf[seg_start:])
                refill()
                continue
            c = buf[pos]
            if c == 0x3B:  # ; ends the statement
                if in_exec:
                    raise self._error("';' inside a version comment /*!...*/", line_at(pos), buf[seg_start:pos])
                pieces.append(buf[seg_start:pos])
                sql = b"".join(pieces).strip()
                pos += 1
                in_stmt = False
                pieces = []
                pieces_len = 0
                if buf_offset + pos - stmt_start > max_bytes:
                    raise self._error(f"statement larger than max_statement_bytes={max_bytes}", stmt_line, sql)
                if sql:  # an executed version comment can be empty: `/*!40101 */;`
                    self.trailing_comment = None
                    yield Statement(sql, stmt_line, index)
                    index += 1
                continue
            if c == 0x27 or c == 0x22 or c == 0x60:  # a quote the span could not close within the buffer
                if eof:
                    kind = {0x27: "string literal '...'", 0x22: 'string literal "..."', 0x60: "`identifier`"}[c]
                    raise self._error(
                        f"file ends inside a {kind} that starts on line {line_at(pos)}",
                        stmt_line,
                        b"".join(pieces) + buf[seg_start : seg_start + 400],
                    )
                refill()
                continue
            if pos + 2 >= len(buf) and not eof:
                refill()  # `-`, `/`, `*` or `#`: decide with the next bytes in hand
                continue
            nxt = buf[pos + 1]
            if c == 0x23 or (c == 0x2D and nxt == 0x2D and buf[pos + 2] <= 0x20):  # line comment inside a statement
                end = buf.find(b"\n", pos)
                if end < 0:
                    refill()
                    continue
                pieces.append(buf[seg_start:pos])
                pieces.append(b"\n")
                pieces_len += pos - seg_start + 1
                pos = seg_start = end + 1
                continue
            if c == 0x2F and nxt == 0x2A:  # /*
                if len(buf) - pos < _LOOKAHEAD and not eof:
                    refill()
                    continue
                if in_exec:
                    raise self._error(
                        "nested comment inside a version comment /*!...*/", line_at(pos), buf[seg_start:pos]
                    )
                m = _VERSION_COMMENT.match(buf, pos)
                if m is not None and version_comment_is_code(m.group(0)):
                    in_exec = True
                    end = m.end()
                else:
                    close = buf.find(b"*/", pos + 2)
                    if close < 0:
                        if eof:
                            raise self._error(
                                f"file ends inside a /* comment */ that starts on line {line_at(pos)}", stmt_line
                            )
                        refill()
                        continue
                    end = close + 2
                pieces.append(buf[seg_start:pos])
                pieces.append(b" ")
                pieces_len += pos - seg_start + 1
                pos = seg_start = end
                if buf_offset + pos - stmt_start > max_bytes:  # comments count: they cost time to read
                    raise self._error(f"statement larger than max_statement_bytes={max_bytes}", stmt_line)
                continue
            if c == 0x2A and nxt == 0x2F and in_exec:  # */ closing an executed version comment
                in_exec = False
                pieces.append(buf[seg_start:pos])
                pieces.append(b" ")
                pieces_len += pos - seg_start + 1
                pos = seg_start = pos + 2
                continue
            pos += 1  # an ordinary `-`, `/` or `*` the span's lookahead could not classify


_INSERT_STARTS = frozenset(b"IiRr")
_CR_ONLY = (
    "the file uses CR-only line endings (a bare carriage return, as old Mac tools write): dump tools write LF or "
    "CRLF; convert the file (e.g. tr '\\r' '\\n') or fix the export"
)
_CLAUSES = {
    "ON": "INSERT ... ON DUPLICATE KEY UPDATE",
    "RETURNING": "INSERT ... RETURNING",
    "SELECT": "INSERT ... SELECT",
    "AS": "INSERT ... AS alias",
}


def _clause_kind(token: str) -> str:
    word = token.split("(", 1)[0].strip().upper()
    return _CLAUSES.get(word, "INSERT")


def _first_line_comment(buf: bytes, start: int, end: int) -> bytes | None:
    """The first line comment in buf[start:end], a run of blanks and comments (only read once per file)."""
    for m in _SKIP_ITEM.finditer(buf, start, end):
        if m.group("line") is not None:
            return m.group("line").rstrip()
    return None


_SKIP_ITEM = re.compile(
    rb"[ \t\n\f\v;]++|\r\n|/\*[^*]*+\*++(?:[^/*][^*]*+\*++)*+/|(?P<line>(?:#|--(?=[\x00-\x20]))[^\n\r]*+)\r?\n"
)


def iter_statements(
    chunks: Iterable[bytes],
    *,
    file_name: str = "<dump>",
    max_statement_bytes: int = DEFAULT_MAX_STATEMENT_BYTES,
    read_size: int = READ_SIZE,
) -> Iterator[Statement]:
    """The statements of a dump given as byte chunks (see StatementSplitter for header/trailer information)."""
    return iter(
        StatementSplitter(chunks, file_name=file_name, max_statement_bytes=max_statement_bytes, read_size=read_size)
    )
