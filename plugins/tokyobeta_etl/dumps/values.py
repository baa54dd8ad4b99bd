"""The VALUES of a dump's INSERT: literals only, exactly what mysqldump (MySQL 8) and mariadb-dump (MariaDB 10.x) write.

A row is `(literal, ...)`; a literal is one of
    NULL | -?digits[.digits][e[+-]digits] | '...' or "..." (backslash escapes, doubled quotes)
    | 0x<hex> | X'<hex pairs>' | b'<bits>'
    | an introducer (_binary, _utf8mb4, _utf8mb3, _utf8) before a quoted, hex or bit literal.
Anything else (a function call, a variable, a column name, an operator, a sub-select, DEFAULT, a clause after the
rows, a second statement) is not a literal, so the server is only ever asked to store values, never to compute one.

Speed: rows are matched by compiled regexes, 64 rows per call on the tight form the tools write (no blanks inside a
row), so a row costs no Python work of its own; blanks inside rows are read one row per call.
"""

from __future__ import annotations

import codecs
import re

from .session import ALLOWED_CHARSETS

_IDENT = rb"(?:`(?:[^`]|``)++`|[0-9A-Za-z_$\x80-\xff]++)"
# The INSERT heads dump tools write: INSERT [IGNORE] INTO t [(cols)] VALUES / REPLACE INTO ... (--insert-ignore,
# --replace). The loader runs every one as a plain INSERT into an empty table, so IGNORE/REPLACE cannot hide a row:
# a duplicate id fails instead.
INSERT_HEAD = re.compile(
    rb"(?P<verb>INSERT(?:\s++IGNORE)?+|REPLACE)\s++(?:INTO\s++)?"
    rb"(?P<ref>" + _IDENT + rb"(?:\s*+\.\s*+" + _IDENT + rb")?+)"
    rb"\s*+(?P<cols>\(\s*+" + _IDENT + rb"(?:\s*+,\s*+" + _IDENT + rb")*+\s*+\))?+\s*+(?P<kw>VALUES?)(?=[\s(])",
    re.I,
)
IDENT = re.compile(_IDENT)
# Longest INSERT head read before deciding a statement is not a streamable INSERT (a --complete-insert column list).
MAX_HEAD_BYTES = 64 * 1024

_STRING = rb"'[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+'"
_DQ_STRING = rb'"[^"\\]*+(?:(?:\\.|"")[^"\\]*+)*+"'
_NUMBER = rb"-?+\d++(?:\.\d++)?+(?:[eE][-+]?+\d++)?+(?!x)"  # not the 0 of 0x..
_HEX = rb"0x[0-9A-Fa-f]++|[Xx]'(?:[0-9A-Fa-f][0-9A-Fa-f])*+'"
_BIT = rb"[Bb]'[01]*+'"
_INTRODUCER = rb"_(?:" + b"|".join(sorted(c.encode() for c in ALLOWED_CHARSETS)) + rb")\s*+"
# Most frequent first: quoted text and dates, numbers, NULL.
_LITERAL = (
    rb"(?:" + _STRING + rb"|" + _NUMBER + rb"|NULL|" + _HEX + rb"|" + _BIT + rb"|" + _DQ_STRING + rb"|"
    rb"" + _INTRODUCER + rb"(?:" + _STRING + rb"|" + _HEX + rb"|" + _BIT + rb"))"
)
# The fast path, a strict subset: the literals nearly every row holds, no blanks inside a row. Anything else (hex,
# bits, introducers, doubled quotes, blanks) falls back to one row at a time with the whole grammar.
# (A 0x.. or an exponent stops it at the x or e, and the row is read again with the whole grammar.)
_COMMON_LITERAL = rb"(?:'[^'\\]*+(?:\\.[^'\\]*+)*+'|NULL|-?+\d++(?:\.\d++)?+)"
_ROW_TIGHT = rb"\(" + _COMMON_LITERAL + rb"(?:," + _COMMON_LITERAL + rb")*+\)"
_ROW = rb"\(\s*+" + _LITERAL + rb"(?:\s*+,\s*+" + _LITERAL + rb")*+\s*+\)"
BATCH_ROWS = 64
_FIRST_ROW = re.compile(rb"\s*+" + _ROW, re.S)
_NEXT_ROW = re.compile(rb"\s*+,\s*+" + _ROW, re.S)
_NEXT_ROWS = re.compile(rb"(?:,\n?+" + _ROW_TIGHT + rb"){%d}" % BATCH_ROWS, re.S)
# A prefix of a literal, for telling a row cut by the end of the buffer from a row that is wrong.
_LITERAL_PREFIX = re.compile(
    rb"(?:_[a-z0-9]*+\s*+)?+(?:'(?:[^'\\]|\\.|'')*+\\?+|\"(?:[^\"\\]|\\.|\"\")*+\\?+|[Xx]'[0-9A-Fa-f]*+|[Bb]'[01]*+"
    rb"|0x?+[0-9A-Fa-f]*+|-?+\d*+(?:\.\d*+)?+(?:[eE][-+]?+\d*+)?+|N(?:U(?:LL?+)?+)?+)",
    re.S,
)
_ROW_PROGRESS = re.compile(rb"\s*+(?:,\s*+)?+\(\s*+(?:" + _LITERAL + rb"\s*+,\s*+)*+(?:" + _LITERAL + rb"\s*+)?+", re.S)
_LITERAL_AT = re.compile(rb"\s*+(" + _LITERAL + rb")\s*+([,)])", re.S)
_TOKEN = re.compile(rb"\(\s*+[A-Za-z_@][\w$.@]*+|[A-Za-z_@$][\w$.@]*+(?:\s*+\()?+|`[^`]{0,40}`?|/\*|--|\S")


def scan_rows(buf: bytes, pos: int, endpos: int, first: bool) -> tuple[int, int]:
    """(end, rows): the complete rows of buf[pos:endpos] from pos, each a literal-only row; `first` when no row of
    the statement came before (no leading comma). Stops at the first thing that is not a complete row."""
    count = 0
    if first:
        m = _FIRST_ROW.match(buf, pos, endpos)
        if m is None:
            return pos, 0
        pos, count = m.end(), 1
    many, one = _NEXT_ROWS.match, _NEXT_ROW.match
    while True:
        m = many(buf, pos, endpos)
        if m is not None:
            pos = m.end()
            count += BATCH_ROWS
            continue
        # One row at a time for a while: the tail of the buffer, or rows with blanks inside.
        for _ in range(BATCH_ROWS):
            m = one(buf, pos, endpos)
            if m is None:
                return pos, count
            pos = m.end()
            count += 1


def row_is_cut(buf: bytes, row_start: int) -> bool:
    """Whether the row starting at buf[row_start] (after any comma) is a valid row cut short by the end of buf."""
    progress = _ROW_PROGRESS.match(buf, row_start)
    if progress is None:  # not even an opening parenthesis: cut only if nothing but blanks and a comma remain
        rest = buf[row_start:].strip()
        return rest in (b"", b",")
    end, stop = progress.end(), len(buf)
    while stop > end and buf[stop - 1] in b" \t\r\n":  # the newline the splitter adds at the end of input
        stop -= 1
    return end == stop or _LITERAL_PREFIX.fullmatch(buf, end, stop) is not None


def offending_token(buf: bytes, row_start: int) -> tuple[int, str]:
    """(offset, text) of the first thing in the row at row_start that is not part of a literal-only row."""
    progress = _ROW_PROGRESS.match(buf, row_start)
    at = progress.end() if progress is not None else row_start
    while at < len(buf) and buf[at : at + 1].isspace():
        at += 1
    if progress is None and buf[at : at + 1] == b",":  # a comma not followed by a row: name what follows it
        at += 1
        while at < len(buf) and buf[at : at + 1].isspace():
            at += 1
    m = _TOKEN.match(buf, at)
    text = m.group(0) if m else buf[at : at + 1]
    return at, text.decode("utf-8", "replace")


_ROW_OPEN = re.compile(rb"\s*+(?:,\s*+)?+\(")


def literals_before_error(buf: bytes, row_start: int) -> list[bytes] | None:
    """The literals of the row at row_start up to the first thing that is not one; None when no row starts there
    (what is wrong comes after the rows)."""
    m = _ROW_OPEN.match(buf, row_start)
    if m is None:
        return None
    out, pos = [], m.end()
    while (m := _LITERAL_AT.match(buf, pos)) is not None:
        out.append(m.group(1))
        pos = m.end()
        if m.group(2) == b")":
            break
    return out


def literal_spans(rows: bytes, row_start: int) -> list[tuple[int, int]]:
    """(start, end) of each literal of the complete row whose `(` is at rows[row_start] (error paths only)."""
    spans, pos = [], row_start + 1
    while (m := _LITERAL_AT.match(rows, pos)) is not None:
        spans.append(m.span(1))
        pos = m.end()
        if m.group(2) == b")":
            break
    return spans


def row_starts(rows: bytes) -> list[int]:
    """Offsets of each row's `(` in a run of complete rows (error paths only)."""
    starts, pos = [], 0
    m = _FIRST_ROW.match(rows, pos)
    while m is not None:
        starts.append(rows.index(b"(", pos))
        pos = m.end()
        m = _NEXT_ROW.match(rows, pos)
    return starts


def position_in_rows(rows: bytes, offset: int) -> tuple[int, int | None, tuple[int, int] | None]:
    """(row number from 1, column number from 1, the literal's span) of `offset` inside `rows`; None where `offset`
    is between literals."""
    starts = row_starts(rows)
    row = max((i for i, s in enumerate(starts) if s <= offset), default=0)
    for col, (a, b) in enumerate(literal_spans(rows, starts[row]) if starts else (), start=1):
        if a <= offset < b:
            return row + 1, col, (a, b)
    return row + 1, None, None


def row_literals(rows: bytes, row_number: int) -> list[bytes]:
    """The literal texts of row `row_number` (from 1) of `rows` (error paths only)."""
    starts = row_starts(rows)
    if not 1 <= row_number <= len(starts):
        return []
    return [rows[a:b] for a, b in literal_spans(rows, starts[row_number - 1])]


def first_invalid_utf8(rows: bytes | memoryview, byte_columns: frozenset[int] = frozenset()) -> tuple[int, str] | None:
    """(offset, reason) of the first byte of `rows` that is not strict UTF-8 text (surrogates, overlong forms and
    stray bytes are not); None when all text is valid. 4-byte characters are valid. Literals with a `_binary`
    introducer, and those of `byte_columns` (0-based positions of binary/blob columns), may hold any bytes."""
    base = 0
    view = memoryview(rows)
    while True:
        try:
            codecs.utf_8_decode(view[base:], "strict", True)
            return None
        except UnicodeDecodeError as exc:
            bad, reason = base + exc.start, exc.reason
        data = bytes(view)
        _, col, span = position_in_rows(data, bad)
        if span is None or not (data.startswith(b"_binary", span[0]) or col - 1 in byte_columns):
            return bad, reason
        base = span[1]  # skip the byte string, look further


def scan_one_row(buf: bytes, pos: int, first: bool) -> tuple[int, int]:
    """(end, 1) for one complete literal-only row at pos (a row larger than a batch), else (pos, 0)."""
    m = (_FIRST_ROW if first else _NEXT_ROW).match(buf, pos)
    return (pos, 0) if m is None else (m.end(), 1)
