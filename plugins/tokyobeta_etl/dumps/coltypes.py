"""Column types as SHOW CREATE TABLE writes them, and whether a dump's type can stand in for the contract's.

A contract column may widen at the source (int -> bigint, varchar(32) -> varchar(64), date -> datetime) and still
load as the pipeline expects; a retyped or narrowed one (int -> varchar, date -> varchar, int -> tinyint) would be
published with values the models cannot read, so the reader refuses the file. The rule is: same family, no
narrowing. Display widths (`int(10)`, `tinyint(4)`), CHARACTER SET and COLLATE say nothing about what a column can
hold and are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from .lexer import Token, matching_paren, split_top_level, tokenize

INTEGER = "integer"
DECIMAL = "decimal"
FLOAT = "float"
TEMPORAL = "temporal"
TEXT = "text"
BINARY = "binary"
BIT = "bit"
ENUM = "enum"
SET = "set"
OTHER = "other"  # geometry, uuid, inet6, ...: compatible only with the very same type

_FAMILY_NAMES = {
    INTEGER: "an integer type",
    DECIMAL: "a decimal type",
    FLOAT: "a floating-point type",
    TEMPORAL: "a date/time type",
    TEXT: "a text type",
    BINARY: "a byte-string type",
    BIT: "a bit type",
    ENUM: "an enum",
    SET: "a set",
}
_INTEGER_BYTES = {"tinyint": 1, "smallint": 2, "mediumint": 3, "int": 4, "bigint": 8}
_FLOAT_BYTES = {"float": 4, "double": 8}
_TEMPORAL = frozenset({"date", "datetime", "timestamp", "time", "year"})
_FRACTIONAL = frozenset({"datetime", "timestamp", "time"})  # the types whose (n) is fractional-second digits
# The types each temporal type may become: every value of the key fits (a date is a datetime at midnight).
_TEMPORAL_ACCEPTS = {
    "date": frozenset({"date", "datetime", "timestamp"}),
    "datetime": frozenset({"datetime", "timestamp"}),
    "timestamp": frozenset({"datetime", "timestamp"}),
    "time": frozenset({"time"}),
    "year": frozenset({"year"}),
}
# Capacity in characters (text) or bytes (blobs); json is longtext in MariaDB and holds as much in MySQL.
_TEXT_CHARS = {"tinytext": 255, "text": 65535, "mediumtext": 16777215, "longtext": 4294967295, "json": 4294967295}
_BLOB_BYTES = {"tinyblob": 255, "blob": 65535, "mediumblob": 16777215, "longblob": 4294967295}
_SIZED_TEXT = frozenset({"char", "varchar"})
_SIZED_BINARY = frozenset({"binary", "varbinary"})
_ALIASES = {
    "integer": "int",
    "int1": "tinyint",
    "int2": "smallint",
    "int3": "mediumint",
    "int4": "int",
    "int8": "bigint",
    "middleint": "mediumint",
    "bool": "tinyint",
    "boolean": "tinyint",
    "dec": "decimal",
    "numeric": "decimal",
    "fixed": "decimal",
    "real": "double",
    "float4": "float",
    "float8": "double",
    "character": "char",
    "nchar": "char",
    "nvarchar": "varchar",
    "long": "mediumtext",
}
_TWO_WORD_NAMES = {
    ("double", "precision"): "double",
    ("character", "varying"): "varchar",
    ("char", "varying"): "varchar",
    ("national", "char"): "char",
    ("national", "character"): "char",
    ("national", "varchar"): "varchar",
    ("long", "varchar"): "mediumtext",
    ("long", "varbinary"): "mediumblob",
}
# Words after the type that only pick a character set or collation (`varchar(8) BINARY` is a _bin collation).
_CHARSET_WORDS = ("BINARY", "ASCII", "UNICODE", "BYTE")


@dataclass(frozen=True, slots=True)
class ColumnType:
    """What a column can hold. width: bytes (integer, float), characters (text), bytes (binary) or bits (bit);
    precision: total digits (decimal) or fractional-second digits (datetime, timestamp, time)."""

    family: str
    name: str  # canonical base type: "int", "varchar", "datetime", ...
    width: int | None = None
    precision: int | None = None
    scale: int | None = None
    unsigned: bool = False
    members: tuple[str, ...] = ()  # enum / set values; the arguments of an OTHER type

    @property
    def label(self) -> str:
        """The type in SHOW CREATE TABLE's MySQL 8 form, without display width: "int unsigned", "varchar(32)"."""
        if self.family == DECIMAL:
            text = f"decimal({self.precision},{self.scale})"
        elif self.name in _SIZED_TEXT or self.name in _SIZED_BINARY or self.family == BIT:
            text = f"{self.name}({self.width})"
        elif self.name in _FRACTIONAL and self.precision:
            text = f"{self.name}({self.precision})"
        elif self.members:
            text = f"{self.name}({','.join(self.members)})"
        else:
            text = self.name
        return text + " unsigned" if self.unsigned else text


class Retyped(NamedTuple):
    """A contract column whose type in the dump cannot stand in for the contract's."""

    column: str
    found: str  # as the dump writes it
    expected: str  # as the contract declares it
    reason: str


def parse_column_type(text: str) -> ColumnType:
    """Parse a column's data type as written in CREATE TABLE, e.g. "int(10) unsigned", "decimal(10,0)",
    "varchar(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", "enum('a','b')". ValueError if it is not one."""
    tokens = tokenize(text)
    if not tokens or tokens[0].kind != "word" or tokens[0].text[0].isdigit():
        raise ValueError(f"not a column type: {text!r}")
    name, i = _base_name(tokens)
    args, i = _arguments(tokens, i, text)
    unsigned = _modifiers(tokens, i, text)
    if name == "serial":  # an alias MySQL expands to bigint unsigned (plus attributes that change no values)
        return ColumnType(INTEGER, "bigint", _INTEGER_BYTES["bigint"], unsigned=True)
    return _build(name, args, unsigned, text)


def incompatibility(found: ColumnType | str, expected: ColumnType | str) -> str | None:
    """Why a column of type `found` cannot stand in for the contract's `expected`, or None when it can.

    An unreadable `found` (a dump's) is a reason; an unreadable `expected` (the contract's) raises ValueError."""
    want = _as_type(expected)
    try:
        got = _as_type(found)
    except ValueError as exc:
        return f"cannot read the type: {exc}"
    if got.family != want.family:
        if OTHER in (got.family, want.family):
            return f"{got.label} is not {want.label}"
        return f"{got.label} is {_FAMILY_NAMES[got.family]}, not {_FAMILY_NAMES[want.family]}"
    if want.family in _NUMERIC and got.unsigned and not want.unsigned:  # every numeric family: negatives lost
        return f"{got.label} cannot hold the negative values of {want.label}"
    return _NARROWING[want.family](got, want)


def first_retyped(found: Iterable[tuple[str, str]], expected: Iterable[tuple[str, str]]) -> Retyped | None:
    """The first `expected` (column, type) whose column in `found` has an incompatible type, in `expected`'s order.

    Columns `found` lacks are skipped: requiring them is the column-name check's job. A column defined without a
    type (not valid SQL, but parseable) is reported as found "(no type)"."""
    found_types = dict(found)
    for column, expected_type in expected:
        found_type = found_types.get(column)
        if found_type is None:
            continue
        reason = incompatibility(found_type, expected_type)
        if reason is not None:
            return Retyped(column, found_type or "(no type)", expected_type, reason)
    return None


def _as_type(value: ColumnType | str) -> ColumnType:
    return value if isinstance(value, ColumnType) else parse_column_type(value)


def _base_name(tokens: list[Token]) -> tuple[str, int]:
    """(canonical type name, index after it)."""
    first = tokens[0].text.lower()
    if len(tokens) > 1 and tokens[1].kind == "word":
        two = _TWO_WORD_NAMES.get((first, tokens[1].text.lower()))
        if two is not None:
            return two, 2
    return _ALIASES.get(first, first), 1


def _arguments(tokens: list[Token], i: int, text: str) -> tuple[list[Token], int]:
    """The single-token arguments of `(a, b, ...)` at tokens[i], if any, and the index after the parenthesis."""
    if i >= len(tokens) or not tokens[i].is_op("("):
        return [], i
    close = matching_paren(tokens, i)
    if close < 0:
        raise ValueError(f"unbalanced parentheses in column type {text!r}")
    args = []
    for a, b in split_top_level(tokens, i + 1, close):
        if b != a + 1:
            raise ValueError(f"unreadable arguments in column type {text!r}")
        args.append(tokens[a])
    return args, close + 1


def _modifiers(tokens: list[Token], i: int, text: str) -> bool:
    """Whether the words after the type's arguments make it unsigned; character sets and collations are skipped."""
    unsigned = False
    while i < len(tokens):
        tok = tokens[i]
        if tok.is_word("UNSIGNED", "ZEROFILL"):  # ZEROFILL implies UNSIGNED
            unsigned = True
        elif tok.is_word("SIGNED", *_CHARSET_WORDS):
            pass  # the default signedness, or a character set shorthand
        elif tok.is_word("CHARACTER", "CHAR") and i + 1 < len(tokens) and tokens[i + 1].is_word("SET"):
            i += 2  # and the charset name, skipped below
        elif tok.is_word("CHARSET", "COLLATE"):
            i += 1
        else:
            raise ValueError(f"unexpected {tok.text!r} in column type {text!r}")
        i += 1
    if i > len(tokens):
        raise ValueError(f"character set or collation name missing in column type {text!r}")
    return unsigned


def _build(name: str, args: list[Token], unsigned: bool, text: str) -> ColumnType:
    if name in _INTEGER_BYTES:
        _count(args, 0, 1, text)  # the display width, if any: not a range
        return ColumnType(INTEGER, name, _INTEGER_BYTES[name], unsigned=unsigned)
    if name == "decimal":
        _count(args, 0, 2, text)
        precision = _number(args[0], text) if args else 10
        scale = _number(args[1], text) if len(args) == 2 else 0
        return ColumnType(DECIMAL, name, precision=precision, scale=scale, unsigned=unsigned)
    if name in _FLOAT_BYTES:
        _count(args, 0, 2, text)
        # float(p) is a double from 25 binary digits on; float(M,D) and double(M,D) keep their storage type.
        if name == "float" and len(args) == 1 and _number(args[0], text) > 24:
            name = "double"
        return ColumnType(FLOAT, name, _FLOAT_BYTES[name], unsigned=unsigned)
    if name in _TEMPORAL:
        _count(args, 0, 1 if name != "date" else 0, text)
        fraction = (_number(args[0], text) if args else 0) if name in _FRACTIONAL else None
        return ColumnType(TEMPORAL, name, precision=fraction)
    if name in _SIZED_TEXT or name in _SIZED_BINARY:
        _count(args, 0 if name in ("char", "binary") else 1, 1, text)
        family = TEXT if name in _SIZED_TEXT else BINARY
        return ColumnType(family, name, _number(args[0], text) if args else 1)
    if name in _TEXT_CHARS or name in _BLOB_BYTES:
        capacities = _TEXT_CHARS if name in _TEXT_CHARS else _BLOB_BYTES
        _count(args, 0, 0 if name == "json" else 1, text)
        if args:  # text(n) / blob(n) is the smallest such type that holds n
            n = _number(args[0], text)
            name = next((t for t, size in capacities.items() if size >= n and t != "json"), "")
            if not name:
                raise ValueError(f"length {n} is beyond the largest type in column type {text!r}")
        return ColumnType(TEXT if capacities is _TEXT_CHARS else BINARY, name, capacities[name])
    if name == "bit":
        _count(args, 0, 1, text)
        return ColumnType(BIT, name, _number(args[0], text) if args else 1)
    if name in ("enum", "set"):
        if not args or any(a.kind != "string" for a in args):
            raise ValueError(f"{name} needs string members in column type {text!r}")
        return ColumnType(ENUM if name == "enum" else SET, name, members=tuple(a.text for a in args))
    return ColumnType(OTHER, name, members=tuple(a.text for a in args))


def _count(args: list[Token], low: int, high: int, text: str) -> None:
    if not low <= len(args) <= high:
        raise ValueError(f"wrong number of arguments in column type {text!r}")


def _number(tok: Token, text: str) -> int:
    if tok.kind != "word" or not tok.text.isdigit():
        raise ValueError(f"expected a number, not {tok.text!r}, in column type {text!r}")
    return int(tok.text)


def _integer(got: ColumnType, want: ColumnType) -> str | None:
    if want.unsigned and not got.unsigned:  # a signed type holds the unsigned range only from the next width up
        if got.width <= want.width:
            return f"{got.label} is signed: it cannot hold the upper half of {want.label}"
    elif got.width < want.width:
        return f"{got.label} is narrower than {want.label}"
    return None


def _decimal(got: ColumnType, want: ColumnType) -> str | None:
    got_digits, want_digits = got.precision - got.scale, want.precision - want.scale
    if got_digits < want_digits:
        return f"{got.label} keeps {got_digits} integer digits, fewer than the {want_digits} of {want.label}"
    if got.scale < want.scale:
        return f"{got.label} keeps {got.scale} decimal places, fewer than the {want.scale} of {want.label}"
    return None


def _float(got: ColumnType, want: ColumnType) -> str | None:
    return f"{got.label} is narrower than {want.label}" if got.width < want.width else None


def _temporal(got: ColumnType, want: ColumnType) -> str | None:
    if got.name not in _TEMPORAL_ACCEPTS[want.name]:
        if got.name == "date" and want.name in ("datetime", "timestamp"):
            return f"date drops the time of day of {want.label}"
        return f"{got.label} cannot hold {want.label} values"
    if (got.precision or 0) < (want.precision or 0):
        return f"{got.label} keeps fewer fractional-second digits than {want.label}"
    return None


def _sized(unit: str):
    def check(got: ColumnType, want: ColumnType) -> str | None:
        if got.width < want.width:
            return f"{got.label} holds at most {got.width:,} {unit}, fewer than the {want.width:,} of {want.label}"
        return None

    return check


def _members(got: ColumnType, want: ColumnType) -> str | None:
    lost = [m for m in want.members if m not in got.members]
    return f"{got.label} lacks the value(s) {', '.join(lost)} of {want.label}" if lost else None


def _same(got: ColumnType, want: ColumnType) -> str | None:
    return None if (got.name, got.members) == (want.name, want.members) else f"{got.label} is not {want.label}"


_NUMERIC = frozenset({INTEGER, DECIMAL, FLOAT})
_NARROWING = {
    INTEGER: _integer,
    DECIMAL: _decimal,
    FLOAT: _float,
    TEMPORAL: _temporal,
    TEXT: _sized("characters"),
    BINARY: _sized("bytes"),
    BIT: _sized("bits"),
    ENUM: _members,
    SET: _members,
    OTHER: _same,
}
