"""A small SQL tokenizer for classifying statement heads (never used on INSERT payloads)."""

from __future__ import annotations

import re
from typing import NamedTuple

_QUOTED_IDENT = r"`(?:[^`]|``)*`"
_SQ_STRING = r"'(?:[^'\\]|\\.|'')*'"
_DQ_STRING = r'"(?:[^"\\]|\\.|"")*"'
_TOKEN = re.compile(
    rf"""\s*(?:
      (?P<ident>{_QUOTED_IDENT})
    | (?P<string>[Nn]?{_SQ_STRING}|{_DQ_STRING})
    | (?P<sysvar>@@(?:[A-Za-z_]+\.)?(?:{_QUOTED_IDENT}|[\w$]+))
    | (?P<var>@(?:{_QUOTED_IDENT}|{_SQ_STRING}|{_DQ_STRING}|[\w$.]+))
    | (?P<word>[\w$]+)
    | (?P<op>:=|<=>|<>|!=|<=|>=|\S)
    )""",
    re.S | re.X,
)


class Token(NamedTuple):
    kind: str  # ident (`quoted`), string, sysvar (@@x), var (@x), word (keyword, bare name or number), op
    text: str  # as written
    start: int  # offsets in the tokenized text
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper()

    @property
    def name(self) -> str | None:
        """The identifier this token spells (quoted or bare), or None if it is not an identifier."""
        if self.kind == "ident":
            return self.text[1:-1].replace("``", "`")
        if self.kind == "word":
            return self.text
        return None

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words

    def is_op(self, op: str) -> bool:
        return self.kind == "op" and self.text == op


def tokenize(text: str) -> list[Token]:
    """All tokens of `text` (comments were already removed by the splitter)."""
    tokens = []
    pos, end = 0, len(text)
    match = _TOKEN.match
    while pos < end:
        m = match(text, pos)
        if m is None:  # only trailing whitespace is left
            break
        kind = m.lastgroup
        start = m.start(kind)
        tokens.append(Token(kind, m.group(kind), start, m.end()))
        pos = m.end()
    return tokens


def quote_ident(name: str) -> str:
    """`name` as a backquoted identifier."""
    return "`" + name.replace("`", "``") + "`"


def qualified(schema: str, table: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(table)}"


def matching_paren(tokens: list[Token], open_index: int) -> int:
    """Index of the `)` closing the `(` at open_index, or -1 if it is never closed."""
    depth = 0
    for i in range(open_index, len(tokens)):
        tok = tokens[i]
        if tok.kind == "op":
            if tok.text == "(":
                depth += 1
            elif tok.text == ")":
                depth -= 1
                if depth == 0:
                    return i
    return -1


def split_top_level(tokens: list[Token], start: int, stop: int) -> list[tuple[int, int]]:
    """(start, stop) index ranges of the comma-separated items in tokens[start:stop], outside parentheses."""
    items = []
    depth = 0
    item_start = start
    for i in range(start, stop):
        tok = tokens[i]
        if tok.kind != "op":
            continue
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
        elif tok.text == "," and depth == 0:
            items.append((item_start, i))
            item_start = i + 1
    items.append((item_start, stop))
    return items
