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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .errors import DumpSyntaxError, ForbiddenStatement

DEFAULT_MAX_STATEMENT_BYTES = 256 * 1024 * 1024
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
# Between statements: whitespace and empty statements (`;`), skipped in C so a flood of `;` costs no Python loop.
_GAP = re.compile(rb"[ \t\r\n\f\v;]*")
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

    After iteration: `leading_comment` is the first line comment if it came before any statement (the dump
    tool's header, e.g. b"-- MySQL dump 10.13 ..."), `trailing_comment` the last line comment if nothing but
    whitespace followed it (the "-- Dump completed ..." trailer), `bytes_read` the input size in bytes.
    """

    def __init__(
        self,
        chunks: Iterable[bytes],
        *,
        file_name: str = "<dump>",
        max_statement_bytes: int = DEFAULT_MAX_STATEMENT_BYTES,
        read_size: int = READ_SIZE,
    ) -> None:
        self._chunks = chunks
        self.read_size = read_size
        self.file_name = file_name
        self.max_statement_bytes = max_statement_bytes
        self.leading_comment: bytes | None = None
        self.trailing_comment: bytes | None = None
        self.bytes_read = 0
        self._started = False

    def __iter__(self) -> Iterator[Statement]:
        if self._started:
            raise RuntimeError("a StatementSplitter can be iterated only once")
        self._started = True
        return self._split()

    def _error(self, message: str, line: int, statement: bytes | None = None) -> DumpSyntaxError:
        return DumpSyntaxError(message, file_name=self.file_name, line=line, statement=statement)

    def _split(self) -> Iterator[Statement]:  # one state machine, kept in one piece on purpose
        src = iter(self._chunks)
        max_bytes = self.max_statement_bytes
        span = _SPAN.match
        buf = b""
        pos = 0  # scan position; everything before it is decided
        eof = False
        line_no, line_pos = 1, 0  # line_no is the line number of buffer offset line_pos
        in_stmt = in_exec = False
        pieces: list[bytes] = []  # statement text already cut out (around removed comments)
        pieces_len = 0
        seg_start = 0  # start of the statement text not yet copied into pieces
        stmt_line = 0
        index = 0
        first_fill = True

        def line_at(p: int) -> int:
            return line_no + buf.count(b"\n", line_pos, p)

        def refill() -> None:
            nonlocal buf, pos, seg_start, line_no, line_pos, eof, first_fill
            if eof:
                raise AssertionError("refill after end of input")  # a bug in the state machine, not bad input
            cut = seg_start if in_stmt else pos
            held = pieces_len + len(buf) - cut
            if held > max_bytes:
                what = "statement" if in_stmt else "comment"
                raise self._error(
                    f"{what} larger than max_statement_bytes={max_bytes}",
                    stmt_line if in_stmt else line_at(pos),
                    (b"".join(pieces) + buf[cut : cut + 400]) if in_stmt else None,
                )
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
            buf = b"".join(parts)
            pos -= cut
            seg_start -= cut
            line_pos = 0
            if first_fill and buf.startswith(_BOM):
                pos = line_pos = 3
            first_fill = False

        while True:
            if not in_stmt:
                # Between statements: skip whitespace, comments and empty statements; find where the next starts.
                pos = _GAP.match(buf, pos).end()
                if len(buf) - pos < _LOOKAHEAD and not eof:
                    refill()
                    continue
                if pos >= len(buf):
                    return
                c = buf[pos]
                if c == 0x23 or (c == 0x2D and buf[pos + 1] == 0x2D and buf[pos + 2] <= 0x20):  # "#", "-- "
                    end = buf.find(b"\n", pos)
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
                in_stmt = True
                line_no += buf.count(b"\n", line_pos, pos)
                line_pos = pos
                stmt_line = line_no
                seg_start = pos

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
                if len(sql) > max_bytes:
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
                continue
            if c == 0x2A and nxt == 0x2F and in_exec:  # */ closing an executed version comment
                in_exec = False
                pieces.append(buf[seg_start:pos])
                pieces.append(b" ")
                pieces_len += pos - seg_start + 1
                pos = seg_start = pos + 2
                continue
            pos += 1  # an ordinary `-`, `/` or `*` the span's lookahead could not classify


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
