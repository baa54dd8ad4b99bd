"""CREATE TABLE: validate the definition, read its columns and primary key, rewrite it for the load schema."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import Refused
from .lexer import Token, matching_paren, qualified, split_top_level

# Engines a staging copy may use; others can read files (CONNECT), other servers (FEDERATED, SPIDER),
# other tables (MERGE) or drop rows (BLACKHOLE).
ALLOWED_ENGINES = frozenset({"INNODB", "MYISAM", "ARIA"})
# Words that never belong after the column definitions of a plain CREATE TABLE.
_FORBIDDEN_OPTION_WORDS = {
    "SELECT": "CREATE TABLE ... SELECT",
    "AS": "CREATE TABLE ... AS SELECT",
    "LIKE": "CREATE TABLE ... LIKE",
    "IGNORE": "CREATE TABLE ... SELECT",
    "REPLACE": "CREATE TABLE ... SELECT",
    "UNION": "CREATE TABLE ... UNION (MERGE table)",
    "DIRECTORY": "CREATE TABLE ... DATA/INDEX DIRECTORY",
    "CONNECTION": "CREATE TABLE ... CONNECTION (remote table)",
}
_NON_COLUMN_STARTS = frozenset(
    {"PRIMARY", "KEY", "INDEX", "UNIQUE", "FULLTEXT", "SPATIAL", "CONSTRAINT", "FOREIGN", "CHECK", "PERIOD"}
)
# Words that end a column's data type in its definition. The type's own words (UNSIGNED, ZEROFILL, BINARY, enum
# members) come before any of them; CHARACTER SET and COLLATE end it too: they never change what a column can hold.
_TYPE_END_WORDS = frozenset(
    "NOT NULL DEFAULT COMMENT AUTO_INCREMENT PRIMARY UNIQUE KEY GENERATED AS VIRTUAL STORED PERSISTENT COLLATE "
    "CHARACTER CHARSET ON CHECK REFERENCES CONSTRAINT INVISIBLE VISIBLE COLUMN_FORMAT STORAGE SRID REF_SYSTEM_ID "
    "COMPRESSED WITH WITHOUT SERIAL ENGINE_ATTRIBUTE SECONDARY_ENGINE_ATTRIBUTE".split()
)
_WS = re.compile(r"\s+")
# MySQL 8 collations MariaDB does not know: utf8mb4_0900_ai_ci, utf8mb4_ja_0900_as_cs, ...
MYSQL8_COLLATION = re.compile(r"utf8mb4_(?:[a-z]+_)*0900_\w+", re.I)
KIND = "CREATE TABLE"


@dataclass(frozen=True, slots=True)
class CreateTable:
    table: str
    columns: tuple[str, ...]
    primary_key: tuple[str, ...]
    sql: str  # rewritten for the target schema
    column_types: tuple[tuple[str, str], ...] = ()  # (column, data type as written, e.g. "int(10) unsigned")


def shim_collation(name: str) -> str:
    """The MariaDB collation used in place of a MySQL-8-only one (binary stays binary)."""
    return "utf8mb4_bin" if name.lower() == "utf8mb4_0900_bin" else "utf8mb4_unicode_ci"


def parse_create_table(
    text: str,
    tokens: list[Token],
    start: int,
    *,
    target_schema: str,
    allowed_tables: tuple[str, ...],
    collation_shim: bool = False,
    strip_foreign_keys: bool = True,
) -> CreateTable:
    """Parse and rewrite a CREATE TABLE whose `tokens` (of `text`, comments removed) continue at `start`, right
    after the TABLE keyword. Raise Refused when the statement is not a plain table definition for this file."""
    i = start
    if _words(tokens, i, "IF", "NOT", "EXISTS"):
        i += 3
    ref_start = i
    schema, table, i = _table_ref(tokens, i)
    check_table(schema, table, allowed_tables, KIND)
    if i >= len(tokens) or not tokens[i].is_op("("):
        if any(t.is_word("SELECT", "LIKE", "AS") for t in tokens[i:]):
            word = next(t.upper for t in tokens[i:] if t.is_word("SELECT", "LIKE", "AS"))
            raise Refused("CREATE TABLE must define its columns", f"CREATE TABLE ... {word}", table)
        raise Refused("CREATE TABLE without a column definition list", KIND, table)
    close = matching_paren(tokens, i)
    if close < 0:
        raise Refused("unbalanced parentheses in CREATE TABLE", KIND, table)
    if close == i + 1 or tokens[i + 1].is_word("LIKE", "SELECT", "WITH"):
        raise Refused("CREATE TABLE must define its columns", f"CREATE TABLE ... {tokens[i + 1].upper}", table)
    _check_table_options(tokens, close + 1, table)

    edits: list[tuple[int, int, str]] = [
        (tokens[ref_start].start, tokens[i - 1].end, qualified(target_schema, table)),
        *_table_comment_edits(tokens, close + 1, table),
    ]
    columns: list[str] = []
    column_types: list[tuple[str, str]] = []
    primary_key: tuple[str, ...] = ()
    items = split_top_level(tokens, i + 1, close)
    for n, (a, b) in enumerate(items):
        if a == b:
            raise Refused("empty item in the column definition list", KIND, table)
        head = tokens[a]
        if head.is_word("CONSTRAINT"):
            a += 1 if a + 1 < b and tokens[a + 1].is_word("PRIMARY", "UNIQUE", "FOREIGN", "CHECK") else 2
            head = tokens[a] if a < b else head
        if head.kind == "ident" or (head.kind == "word" and head.upper not in _NON_COLUMN_STARTS):
            columns.append(head.name)
            column_types.append((head.name, _type_text(text, tokens, a + 1, b)))
            if any(t.is_word("REFERENCES") for t in tokens[a:b]):
                raise Refused(f"column `{head.name}` has a REFERENCES clause", KIND, table)
            if _has_inline_primary_key(tokens, a, b):
                primary_key = (head.name,)
        elif head.is_word("PRIMARY"):
            primary_key = _key_parts(tokens, a, b, table)
        elif head.is_word("FOREIGN"):
            if len(items) == 1:
                break  # no columns at all: refused below
            if not strip_foreign_keys:
                raise Refused(
                    "FOREIGN KEY constraints are not loaded into staging", "CREATE TABLE ... FOREIGN KEY", table
                )
            # Staging tables are swapped in and out whole; a foreign key would tie them together.
            item_start = items[n - 1][1] if n > 0 else items[n][0]  # from the preceding comma
            item_end = b if n > 0 else items[n + 1][0]
            edits.append((tokens[item_start].start, tokens[item_end - 1].end, ""))
    if not columns:
        raise Refused("CREATE TABLE defines no columns", KIND, table)
    if collation_shim:
        edits += _collation_edits(tokens)
    return CreateTable(table, tuple(columns), primary_key, _apply(text, edits), tuple(column_types))


def _type_text(text: str, tokens: list[Token], a: int, b: int) -> str:
    """The data type at the start of the column definition tokens[a:b] (after the name), as written, whitespace
    collapsed: "int(10) unsigned", "enum('a','b')". "" when the definition has no type."""
    stop = b
    depth = 0
    for j in range(a, b):
        tok = tokens[j]
        if tok.is_op("("):
            depth += 1
        elif tok.is_op(")"):
            depth -= 1
        elif j > a and depth == 0 and tok.kind == "word" and tok.upper in _TYPE_END_WORDS:
            stop = j  # the first word is the type's name even when it reads CHARACTER, NATIONAL or SERIAL
            break
    return _WS.sub(" ", text[tokens[a].start : tokens[stop - 1].end]) if stop > a else ""


def _table_comment_edits(tokens: list[Token], start: int, table: str) -> list[tuple[int, int, str]]:
    """Remove the table-level COMMENT options among the table options at tokens[start:]: the loader owns table
    comments (they carry its batch tag), so a dump must not be able to forge one. Column COMMENTs are untouched."""
    edits = []
    depth = 0
    consumed = start - 1  # the last token a removal took
    for j in range(start, len(tokens)):
        tok = tokens[j]
        if tok.is_op("("):
            depth += 1
        elif tok.is_op(")"):
            depth -= 1
        elif depth == 0 and tok.is_word("PARTITION"):
            break  # partition definitions (and their own COMMENTs) follow the table options
        elif depth == 0 and tok.is_word("COMMENT"):
            k = j + 1
            if k < len(tokens) and tokens[k].is_op("="):
                k += 1
            if k < len(tokens) and tokens[k].kind == "word" and tokens[k].text.startswith("_"):
                k += 1  # a character set introducer: _utf8mb4'...'
            if k >= len(tokens) or tokens[k].kind != "string":
                raise Refused("table COMMENT is not a string literal", f"{KIND} ... COMMENT", table)
            while k + 1 < len(tokens) and tokens[k + 1].kind == "string":
                k += 1  # adjacent literals are one string: 'tokyobeta ' 'batch=...'
            # Take one separating comma with it (one no earlier removal took), so `x=1, COMMENT='y', z=2` stays valid.
            if tokens[j - 1].is_op(",") and j - 1 > consumed:
                first, last = j - 1, k
            elif k + 1 < len(tokens) and tokens[k + 1].is_op(","):
                first, last = j, k + 1
            else:
                first, last = j, k
            edits.append((tokens[first - 1].end, tokens[last].end, ""))  # from the end of the token before
            consumed = last
    return edits


def _collation_edits(tokens: list[Token]) -> list[tuple[int, int, str]]:
    """Replace MySQL-8-only collation names where they are collations: right after COLLATE [=]."""
    edits = []
    for j, tok in enumerate(tokens):
        prev = j - 2 if j >= 2 and tokens[j - 1].is_op("=") else j - 1
        if prev < 0 or not tokens[prev].is_word("COLLATE"):
            continue
        if tok.kind == "word" and MYSQL8_COLLATION.fullmatch(tok.text):
            edits.append((tok.start, tok.end, shim_collation(tok.text)))
        elif tok.kind == "string" and MYSQL8_COLLATION.fullmatch(tok.text[1:-1]):
            edits.append((tok.start, tok.end, "'" + shim_collation(tok.text[1:-1]) + "'"))
    return edits


def check_table(schema: str | None, table: str, allowed_tables: tuple[str, ...], kind: str) -> None:
    """Refuse a schema-qualified name or a table the file is not meant to carry."""
    if schema is not None:
        raise Refused(
            f"schema-qualified table name `{schema}`.`{table}`: a dump may only name its own tables",
            kind,
            f"{schema}.{table}",
        )
    if table not in allowed_tables:
        expected = ", ".join(allowed_tables)
        raise Refused(f"table `{table}` is not one this file carries (expected: {expected})", kind, table)


def _table_ref(tokens: list[Token], i: int) -> tuple[str | None, str, int]:
    """(schema or None, table, next index) of a possibly qualified table name at tokens[i]."""
    if i >= len(tokens) or tokens[i].name is None:
        raise Refused("expected a table name", KIND)
    first = tokens[i].name
    if i + 2 < len(tokens) and tokens[i + 1].is_op(".") and tokens[i + 2].name is not None:
        return first, tokens[i + 2].name, i + 3
    return None, first, i + 1


def table_ref(tokens: list[Token], i: int, kind: str) -> tuple[str | None, str, int]:
    try:
        return _table_ref(tokens, i)
    except Refused as exc:
        raise Refused(exc.message, kind) from exc


def _words(tokens: list[Token], i: int, *words: str) -> bool:
    return len(tokens) >= i + len(words) and all(tokens[i + k].is_word(w) for k, w in enumerate(words))


def _check_table_options(tokens: list[Token], start: int, table: str) -> None:
    for j in range(start, len(tokens)):
        tok = tokens[j]
        if tok.kind != "word":
            continue
        word = tok.upper
        if word in _FORBIDDEN_OPTION_WORDS:
            if word == "AS" and j + 1 < len(tokens) and not tokens[j + 1].is_word("SELECT", "WITH", "VALUES", "TABLE"):
                continue
            raise Refused(f"table option {word} is not allowed", _FORBIDDEN_OPTION_WORDS[word], table)
        if word in ("ENGINE", "TYPE"):
            k = j + 1
            if k < len(tokens) and tokens[k].is_op("="):
                k += 1
            if k < len(tokens):
                engine = (tokens[k].name or tokens[k].text.strip("'\"")).upper()
                if engine not in ALLOWED_ENGINES:
                    raise Refused(f"storage engine {engine} is not allowed", "CREATE TABLE ... ENGINE", table)


def _has_inline_primary_key(tokens: list[Token], a: int, b: int) -> bool:
    depth = 0
    for j in range(a, b - 1):
        tok = tokens[j]
        if tok.is_op("("):
            depth += 1
        elif tok.is_op(")"):
            depth -= 1
        elif depth == 0 and tok.is_word("PRIMARY") and tokens[j + 1].is_word("KEY"):
            return True
    return False


def _key_parts(tokens: list[Token], a: int, b: int, table: str) -> tuple[str, ...]:
    """Column names of `PRIMARY KEY [USING x] (col[(len)] [ASC|DESC], ...)` in tokens[a:b]."""
    open_index = next((j for j in range(a, b) if tokens[j].is_op("(")), -1)
    close = matching_paren(tokens, open_index) if open_index >= 0 else -1
    if close < 0 or close >= b:
        raise Refused("cannot read the PRIMARY KEY columns", KIND, table)
    parts = []
    for p, q in split_top_level(tokens, open_index + 1, close):
        name = tokens[p].name if p < q else None
        if name is None:
            raise Refused("cannot read the PRIMARY KEY columns", KIND, table)
        parts.append(name)
    return tuple(parts)


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    out = []
    pos = 0
    for start, end, replacement in sorted(edits):
        out.append(text[pos:start])
        out.append(replacement)
        pos = end
    out.append(text[pos:])
    return "".join(out)
