"""Session statements the dump tools write: SET, and a few known tool lines. All are validated, none executed."""

from __future__ import annotations

import re

from .errors import Refused
from .lexer import Token, split_top_level

# Session variables dump tools set (and restore) around the data; anything else in a SET is refused.
ALLOWED_SESSION_VARIABLES = frozenset(
    {
        "autocommit",
        "character_set_client",
        "character_set_connection",
        "character_set_results",
        "collation_connection",
        "foreign_key_checks",
        "note_verbosity",  # MariaDB 10.6.16+ (/*M!100616 ... */)
        "sql_log_bin",  # mysqldump on GTID servers: SET @@SESSION.SQL_LOG_BIN= 0
        "sql_mode",
        "sql_notes",
        "sql_quote_show_create",
        "time_zone",
        "unique_checks",
    }
)
# SET NAMES x / SET CHARACTER SET x, recorded under these names.
_CHARSET_SETTINGS = frozenset({"names", "character_set"})
# The text of a dump is utf8mb4 (CONTRACT.md); a dump written in another character set would load as mojibake.
_CLIENT_CHARSET_SETTINGS = _CHARSET_SETTINGS | {"character_set_client", "character_set_connection"}
ALLOWED_CHARSETS = frozenset({"utf8mb4", "utf8mb3", "utf8", "binary"})
# Percona Server's mysqldump wraps the data in a RocksDB bulk-load toggle built from user variables.
_PERCONA_VARIABLE = re.compile(r"@\w*(?:rocksdb|bulk_load)\w*", re.I)
_PERCONA_STATEMENTS = (
    re.compile(
        r"SELECT\s+COUNT\(\*\)\s+INTO\s+@\w*rocksdb\w*\s+FROM\s+INFORMATION_SCHEMA\.\w+\s+WHERE\s+[\w\s=.']+",
        re.I,
    ),
    re.compile(r"PREPARE\s+s\s+FROM\s+@\w*(?:rocksdb|bulk_load)\w*", re.I),
    re.compile(r"EXECUTE\s+s", re.I),
    re.compile(r"DEALLOCATE\s+PREPARE\s+s", re.I),
)
_REFUSED_SET_WORDS = {
    "GLOBAL": "SET GLOBAL",
    "PERSIST": "SET PERSIST",
    "PERSIST_ONLY": "SET PERSIST",
    "PASSWORD": "SET PASSWORD",
    "ROLE": "SET ROLE",
    "DEFAULT": "SET DEFAULT ROLE",
    "TRANSACTION": "SET TRANSACTION",
    "STATEMENT": "SET STATEMENT",
    "RESOURCE": "SET RESOURCE GROUP",
}


def is_percona_bulk_load_line(text: str) -> bool:
    """Whether `text` is one of the non-SET statements of Percona mysqldump's RocksDB bulk-load preamble."""
    return any(p.fullmatch(text) for p in _PERCONA_STATEMENTS)


def parse_set(tokens: list[Token]) -> tuple[bool, tuple[tuple[str, str], ...]]:
    """Validate `SET ...` (tokens[0] is SET). Return (is_gtid_purged, ((variable, value text), ...)).

    `SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ '...'` is what mysqldump writes for GTID servers: accepted as a known
    dump-tool line (is_gtid_purged) but never executed. Raise Refused for anything that is not a session setting.
    """
    settings = []
    items = split_top_level(tokens, 1, len(tokens))
    for a, b in items:
        if a == b:
            raise Refused("empty assignment in SET", "SET")
        name, scope, value = _assignment(tokens[a:b])
        if scope == "global":
            if name == "gtid_purged" and len(items) == 1 and _is_gtid_value(value):
                return True, ((name, " ".join(t.text for t in value)),)
            raise Refused(f"SET GLOBAL {name} changes the server, not the session", "SET GLOBAL")
        if scope == "user":
            if not (_is_simple_value(value) or _PERCONA_VARIABLE.fullmatch(name)):
                raise Refused(f"unsupported value for user variable {name}", "SET")
            continue
        if name not in ALLOWED_SESSION_VARIABLES and name not in _CHARSET_SETTINGS:
            raise Refused(f"SET of session variable {name} is not a dump-tool setting", f"SET {name.upper()}")
        if name not in _CHARSET_SETTINGS and not _is_simple_value(value):
            raise Refused(f"unsupported value for {name}", "SET")
        if name in _CLIENT_CHARSET_SETTINGS and value[0].kind in ("word", "string", "ident"):
            charset = (value[0].name or value[0].text.strip("'\"")).lower()
            if charset not in ALLOWED_CHARSETS:
                raise Refused(f"the dump is written in character set {charset}, not utf8mb4", f"SET {name.upper()}")
        settings.append((name, " ".join(t.text for t in value)))
    return False, tuple(settings)


def _assignment(toks: list[Token]) -> tuple[str, str, list[Token]]:
    """(variable name, scope: session|global|user|names, value tokens) of one SET item."""
    first = toks[0]
    if first.kind == "word" and first.upper in _REFUSED_SET_WORDS:
        if first.upper == "GLOBAL" and len(toks) > 1:
            name = (toks[1].name or toks[1].text).lower()
            return name, "global", _after_equals(toks[2:], name)
        raise Refused(f"{_REFUSED_SET_WORDS[first.upper]} is not a session setting", _REFUSED_SET_WORDS[first.upper])
    if first.is_word("SESSION", "LOCAL"):
        toks = toks[1:]
        if not toks:
            raise Refused("SET SESSION without a variable", "SET")
        first = toks[0]
        if first.kind == "word" and first.upper in _REFUSED_SET_WORDS:
            kind = _REFUSED_SET_WORDS[first.upper]
            raise Refused(f"{kind} is not a session variable assignment", kind)
    if first.is_word("NAMES"):
        return "names", "session", _names_value(toks[1:])
    if first.is_word("CHARSET") or (first.is_word("CHARACTER") and len(toks) > 1 and toks[1].is_word("SET")):
        value = toks[1:] if first.is_word("CHARSET") else toks[2:]
        return "character_set", "session", _names_value(value)
    if first.kind == "var":
        name = first.text.lower()
        return name, "user", _after_equals(toks[1:], name)
    if first.kind == "sysvar":
        scope, _, name = first.text[2:].rpartition(".")
        name = name.strip("`").lower()
        scope = scope.lower()
        if scope in ("global", "persist", "persist_only"):
            return name, "global", _after_equals(toks[1:], name)
        if scope not in ("", "session", "local"):
            raise Refused(f"unknown variable scope in {first.text}", "SET")
        return name, "session", _after_equals(toks[1:], name)
    if first.name is not None and first.kind in ("word", "ident"):
        name = first.name.lower()
        return name, "session", _after_equals(toks[1:], name)
    raise Refused("unrecognised SET assignment", "SET")


def _after_equals(toks: list[Token], name: str) -> list[Token]:
    if not toks or not (toks[0].is_op("=") or toks[0].is_op(":=")):
        raise Refused(f"expected '=' after {name} in SET", "SET")
    if len(toks) == 1:
        raise Refused(f"missing value for {name} in SET", "SET")
    return toks[1:]


def _names_value(toks: list[Token]) -> list[Token]:
    """`charset [COLLATE collation]` or DEFAULT: plain names only."""
    if not toks or len(toks) not in (1, 3) or any(t.kind not in ("word", "string", "ident") for t in toks):
        raise Refused("unsupported SET NAMES / CHARACTER SET value", "SET")
    if len(toks) == 3 and not toks[1].is_word("COLLATE"):
        raise Refused("unsupported SET NAMES / CHARACTER SET value", "SET")
    return toks


def _is_simple_value(toks: list[Token]) -> bool:
    """A literal, a name (ON, utf8mb4, DEFAULT), a variable, or a signed number: what dump tools assign."""
    if len(toks) == 1:
        return toks[0].kind in ("word", "string", "var", "sysvar", "ident")
    if len(toks) == 2:
        sign, val = toks
        if sign.kind == "op" and sign.text in "+-" and val.kind == "word":
            return True
        # A charset introducer: _utf8mb4'...'
        return sign.kind == "word" and sign.text.startswith("_") and val.kind == "string"
    if len(toks) == 3 and toks[0].kind == "word" and toks[1].is_op(".") and toks[2].kind == "word":
        return toks[0].text.isdigit() and toks[2].text.isdigit()  # a decimal number
    return False


def _is_gtid_value(toks: list[Token]) -> bool:
    """`'uuid:1-5'` or `'+' 'uuid:1-5'` (the `'+'` came from /*!80000 '+'*/)."""
    return 1 <= len(toks) <= 2 and all(t.kind == "string" for t in toks)
