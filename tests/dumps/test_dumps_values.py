"""values.py, the literal-only VALUES grammar: every literal form the dump tools write, exact row counts on both paths
(64 tight rows per call, one row per call), refusal of anything that is not a literal, cut rows, strict UTF-8."""

from __future__ import annotations

import pytest

from tokyobeta_etl.dumps import ForbiddenStatement, iter_statements, values
from tokyobeta_etl.dumps.values import BATCH_ROWS, first_invalid_utf8, row_is_cut, scan_rows

# Every literal form the grammar accepts: what mysqldump (MySQL 8) and mariadb-dump (MariaDB 10.x) write.
LITERALS = {
    "int": b"42",
    "negative int": b"-7",
    "zero": b"0",
    "bigint unsigned": b"18446744073709551615",
    "decimal": b"-123.456",
    "decimal zero": b"0.000",
    "exponent": b"-1.5e-10",
    "exponent E+": b"1.5E+30",
    "exponent unsigned": b"1e300",
    "string": b"'abc'",
    "empty string": b"''",
    "backslash escapes": rb"""'a\'b\\c\n\r\t\0\Z\"%_'""",
    "doubled quote": b"'it''s'",
    "escape then doubled": rb"'\\'''",
    "separators inside": b"'),(;-- /* */ #'",
    "utf-8 text": "'日本語 ゲストハウス 😀'".encode(),
    "raw bytes": b"'\xff\x00\xfe\x80'",
    "raw newline": b"'line\nbreak'",
    "double-quoted": b'"dq"',
    "double-quoted doubled": b'"say ""hi"""',
    "double-quoted escape": rb'"a\"b\\"',
    "NULL": b"NULL",
    "0x hex": b"0xFF00",
    "0x hex lower": b"0xdeadbeef",
    "X'' hex": b"X'FF00'",
    "x'' hex": b"x'ab'",
    "empty X''": b"X''",
    "bit": b"b'10101'",
    "bit B": b"B'1'",
    "empty bit": b"b''",
    "_binary string": b"_binary 'x\xff'",
    "_binary tight": b"_binary'x'",
    "_binary 0x": b"_binary 0xFF",
    "_binary X''": b"_binary X'FF'",
    "_binary bit": b"_binary b'1'",
    "_utf8mb4": "_utf8mb4 '日本'".encode(),
    "_utf8mb3": b"_utf8mb3'x'",
    "_utf8": b"_utf8 'x'",
    "_utf8mb4 0x": b"_utf8mb4 0x41",
}
# Where the literal sits: (template, whether it is the row's first literal).
PLACES = {
    "alone": (b"(%s)", True),
    "first": (b"(%s,1)", True),
    "last": (b"(1,%s)", False),
    "middle": (b"(1,%s,'z')", False),
    "blanks": (b"( 1 , %s , 'z' )", False),
    "blanks first": (b"( %s , 1 )", True),
    "newlines and tabs": (b"(\n1,\t%s\r\n)", False),
}


def literal_cases():
    for name, literal in LITERALS.items():
        for place, (template, _first) in PLACES.items():
            yield pytest.param(template % literal, id=f"{name}-{place}")


def scan(buf: bytes, first: bool = True, pos: int = 0) -> tuple[int, int]:
    return scan_rows(buf, pos, len(buf), first)


# --- every literal form -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("row", literal_cases())
def test_each_literal_form_is_one_row(row):
    assert scan(row) == (len(row), 1)
    # As a later row: mysqldump's `),(`, mariadb-dump's `),\n(`, and a batch that starts after a comma.
    for sep in (b",", b",\n"):
        two = b"(0,'a')" + sep + row
        assert scan(two) == (len(two), 2)
        assert scan(sep + row, first=False) == (len(sep) + len(row), 1)


_ALL = list(LITERALS.values())
_NO_0X = [lit for lit in _ALL if not lit.startswith(b"0x")]


@pytest.mark.parametrize(
    "literals",
    [pytest.param(_NO_0X, id="without-0x"), pytest.param(_ALL, id="all")],
)
@pytest.mark.parametrize("sep", [b",", b" , ", b",\n  "], ids=["tight", "blanks", "newlines"])
def test_every_form_mixed_in_one_row(literals, sep):
    row = b"(" + sep.join(literals) + b")"
    assert scan(row) == (len(row), 1)
    three = b",\n".join([row, row, row])
    assert scan(three) == (len(three), 3)


@pytest.mark.parametrize(
    "literal",
    [pytest.param(lit, id=name) for name, lit in LITERALS.items()],
)
@pytest.mark.parametrize("sep", [b",", b",\n"], ids=["mysqldump", "mariadb-dump"])
def test_each_form_after_63_tight_rows(literal, sep):
    """The 64-row fast path fails on the batch holding the odd row: the one-row path reads it, then the fast path
    resumes; not one row is lost or counted twice."""
    rows = [b"(0,'first')"] + [b"(%d,'t',NULL,-%d.5)" % (i, i) for i in range(1, 64)]
    rows += [b"(64,%s)" % literal, b"(%s,65)" % literal]
    rows += [b"(%d,'t',NULL,%de-3)" % (i, i) for i in range(66, 66 + 2 * BATCH_ROWS + 3)]
    buf = sep.join(rows)
    assert scan(buf) == (len(buf), len(rows))


# --- row counting, both paths -----------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 63, 64, 65, 66, 127, 128, 129, 130, 200, 1000])
@pytest.mark.parametrize("sep", [b",", b",\n"], ids=["mysqldump", "mariadb-dump"])
def test_row_counts_are_exact(n, sep):
    rows = [b"(%d,'r%d',NULL,-%d.5,'it\\'s')" % (i, i, i) for i in range(n)]
    buf = sep.join(rows)
    assert scan(buf) == (len(buf), n)
    assert scan(b"\n" + buf) == (len(buf) + 1, n)  # after `VALUES\n`
    assert scan(sep + buf, first=False) == (len(sep) + len(buf), n)


class _Spy:
    """Counts the successful matches of a compiled pattern scan_rows uses."""

    def __init__(self, pattern):
        self.pattern, self.hits = pattern, 0

    def match(self, *args):
        m = self.pattern.match(*args)
        self.hits += m is not None
        return m


@pytest.fixture
def spies(monkeypatch):
    many, one = _Spy(values._NEXT_ROWS), _Spy(values._NEXT_ROW)
    monkeypatch.setattr(values, "_NEXT_ROWS", many)
    monkeypatch.setattr(values, "_NEXT_ROW", one)
    return many, one


@pytest.mark.parametrize("sep", [b",", b",\n"], ids=["mysqldump", "mariadb-dump"])
def test_tight_rows_take_the_fast_path_and_the_tail_the_one_row_path(spies, sep):
    many, one = spies
    n = 1 + 2 * BATCH_ROWS + 5
    buf = sep.join(b"(%d,'x',NULL,1.5)" % i for i in range(n))
    assert scan(buf) == (len(buf), n)
    assert (many.hits, one.hits) == (2, 5)


def test_rows_with_blanks_take_the_one_row_path(spies):
    many, one = spies
    n = 3 * BATCH_ROWS
    buf = b", ".join(b"( %d , 'x' )" % i for i in range(n))
    assert scan(buf) == (len(buf), n)
    assert (many.hits, one.hits) == (0, n - 1)


def test_forms_outside_the_fast_path_fall_back_for_their_batch_only(spies):
    many, one = spies
    rows = [b"(0)"] + [b"(%d)" % i for i in range(1, 64)] + [b"(64,X'FF')"] + [b"(%d)" % i for i in range(65, 129)]
    buf = b",".join(rows)
    assert scan(buf) == (len(buf), 129)
    assert (many.hits, one.hits) == (1, 64)


# --- where scanning stops ---------------------------------------------------------------------------------------


def test_a_first_row_needs_no_comma_and_a_later_row_one():
    assert scan(b"(1)", first=False) == (0, 0)
    assert scan(b",(1)") == (0, 0)
    assert scan(b"(1)(2)") == (3, 1)


def test_scanning_stops_before_a_row_that_is_not_literal_only():
    buf = b"(1),(2),(SLEEP(1)),(4)"
    assert scan(buf) == (buf.index(b",(SLEEP"), 2)


def test_scanning_stops_at_a_bad_row_after_fast_batches():
    rows = [b"(%d,'t')" % i for i in range(150)]
    rows[140] = b"(140,@x)"
    buf = b",".join(rows)
    assert scan(buf) == (buf.index(b",(140,"), 140)


def test_scanning_stops_before_a_row_cut_by_endpos():
    buf = b"(1,'a'),(2,'b'),(3,'c')"
    assert scan_rows(buf, 0, len(buf) - 2, True) == (buf.index(b",(3"), 2)
    assert scan_rows(buf, 0, len(buf), True) == (len(buf), 3)


def test_scanning_from_an_offset():
    buf = b"INSERT INTO t VALUES (1),(2);"
    start = buf.index(b"(")
    assert scan_rows(buf, start, len(buf), True) == (len(buf) - 1, 2)
    assert scan_rows(buf, buf.index(b",("), len(buf), False) == (len(buf) - 1, 1)


# --- refusal of what is not a literal ---------------------------------------------------------------------------


def refusal(values_text: bytes) -> ForbiddenStatement:
    with pytest.raises(ForbiddenStatement) as info:
        list(iter_statements([b"INSERT INTO t VALUES " + values_text + b";\n"], file_name="t.sql"))
    return info.value


NON_LITERALS = {
    "function call": (b"SLEEP(1)", "SLEEP("),
    "function without arguments": (b"USER()", "USER("),
    "system variable": (b"@@hostname", "@@hostname"),
    "user variable": (b"@x", "@x"),
    "column name": (b"id", "id"),
    "DEFAULT": (b"DEFAULT", "DEFAULT"),
    "addition": (b"1+1", "+"),
    # `1 -1` in a row is the expression 1 - 1 (one value), not two literals: refused at the minus.
    "subtraction with a blank": (b"1 -1", "-"),
    "subtraction": (b"1-1", "-"),
    "unary minus with a blank": (b"- 1", "-"),
    "double minus": (b"--1", "--"),
    "sub-select": (b"(SELECT 1)", "(SELECT"),
    "national string": (b"N'x'", "N"),  # not written by the tools
    "adjacent strings": (b"'a' 'b'", "'"),  # the server would concatenate them
    "adjacent strings on two lines": (b"'a'\n'b'", "'"),
    "TRUE": (b"TRUE", "TRUE"),
    "lower-case null": (b"null", "null"),
    "0X is an identifier": (b"0X1F", "X1F"),
    "identifier starting with digits": (b"123abc", "abc"),
    "0b bit literal": (b"0b101", "b101"),
    "empty 0x": (b"0x", ("x", "0")),
    "odd X'' digits": (b"X'1'", "X"),
    "not a bit": (b"b'2'", "b"),
    "other introducer": (b"_latin1'x'", "_latin1"),
    "introducer before NULL": (b"_binary NULL", "_binary"),
    "introducer before a number": (b"_binary 1", "_binary"),
    "COLLATE": (b"'a' COLLATE utf8mb4_bin", "COLLATE"),
    "CAST": (b"CAST(1 AS CHAR)", "CAST("),
    "typed literal": (b"DATE'2020-01-01'", "DATE"),
    "ODBC escape": (b"{d '2020-01-01'}", "{"),
    "concatenation operator": (b"'a'||'b'", "|"),
    "two literals without a comma": (b"1 1", "1"),
    "comment": (b"1/*c*/", "/*"),
    "executed version comment": (b"/*!50000 SLEEP(1)*/", "/*"),
    "line comment": (b"1 -- c\n", "--"),
    "placeholder": (b"?", "?"),
}


@pytest.mark.parametrize("text, token", list(NON_LITERALS.values()), ids=list(NON_LITERALS))
@pytest.mark.parametrize("where", ["only row", "second column", "after 70 rows"])
def test_non_literals_are_refused_naming_the_token(text, token, where):
    if where == "only row":
        rows, row_number = b"(" + text + b")", 1
    elif where == "second column":
        rows, row_number = b"(1," + text + b")", 1
    else:
        rows, row_number = b",".join([b"(%d,'t')" % i for i in range(70)] + [b"(70," + text + b")"]), 71
    err = refusal(rows)
    assert err.kind == "INSERT with a non-literal value"
    tokens = token if isinstance(token, tuple) else (token,)
    assert any(f"found {t!r} in row {row_number} of the statement" in err.message for t in tokens), err.message


@pytest.mark.parametrize(
    "tail, kind, token",
    [
        (b" ON DUPLICATE KEY UPDATE id=id", "INSERT ... ON DUPLICATE KEY UPDATE", "ON"),
        (b" RETURNING id", "INSERT ... RETURNING", "RETURNING"),
        (b" AS new ON DUPLICATE KEY UPDATE id=new.id", "INSERT ... AS alias", "AS"),
        (b" SLEEP(1)", "INSERT", "SLEEP("),
    ],
    ids=["on-duplicate-key-update", "returning", "as-alias", "anything-else"],
)
def test_a_clause_after_the_rows_is_refused(tail, kind, token):
    err = refusal(b"(1,'a'),(2,'b')" + tail)
    assert err.kind == kind
    assert repr(token) in err.message and "after the rows" in err.message


def test_the_refusal_names_the_column_and_the_id():
    with pytest.raises(ForbiddenStatement) as info:
        list(iter_statements([b"INSERT INTO `t` (`id`,`x`) VALUES\n(1,'a'),\n(2,USER());\n"]))
    assert "found 'USER(' in row 2 of the statement, column `x` (id 2)" in info.value.message
    assert info.value.table == "t"


def test_negative_numbers_after_a_comma_are_literals():
    stmts = list(iter_statements([b"INSERT INTO t VALUES (1,-1),(-2 , -1.5e-10);\n"]))
    assert [s.sql for s in stmts] == [b"INSERT INTO t VALUES (1,-1),(-2 , -1.5e-10)"]


# --- row_is_cut -------------------------------------------------------------------------------------------------

CUT = [
    b"",
    b",",
    b" , ",
    b"(",
    b",(1",
    b"(1,",
    b"(1, ",
    b"(1,\n",
    b"(1,'ab",
    b"(1,'ab\\",
    b"(1,'a\nb",
    b"(1,'it''",
    b"(1,'it'",
    b'(1,"ab',
    b"(1,-",
    b"(1,0",
    b"(1,1.",
    b"(1,1.5",
    b"(1,1e",
    b"(1,1e-",
    b"(1,X'A",
    b"(1,X'",
    b"(1,b'10",
    b"(1,_bin",
    b"(1,_binary ",
    b"(1,_binary 'x",
    b"(1,N",
    b"(1,NUL",
    b"(1,NULL",
]
CUT_HEX = [b"(0x", b"(0xA", b"(0xAB", b"(1,0x", b"(1,0xA", b"(1,0xAB", b"(1,_binary 0xA"]
NOT_CUT = [
    b"x",
    b"(1,SLE",
    b"(1,@",
    b"(1,1+",
    b"(1,DEFAULT",
    b"(1,TRUE",
    b"(1,NULLX",
    b"(1,0xAG",
    b"(1,--",
    b"(1,2)x",
    b"(1,2) ON",
]


@pytest.mark.parametrize("buf", CUT, ids=[repr(b) for b in CUT])
def test_a_valid_row_cut_by_the_end_of_the_buffer_is_cut(buf):
    assert row_is_cut(buf, 0)
    assert row_is_cut(b"(0)" + (buf if buf.lstrip().startswith(b",") else b"," + buf), 3)
    assert row_is_cut(buf + b"\n", 0)  # the newline the splitter adds at the end of input


@pytest.mark.parametrize(
    "buf",
    CUT_HEX,
    ids=[repr(b) for b in CUT_HEX],
)
def test_a_row_cut_inside_a_0x_literal_is_cut(buf):
    assert row_is_cut(buf, 0)


@pytest.mark.parametrize("buf", NOT_CUT, ids=[repr(b) for b in NOT_CUT])
def test_a_row_that_is_wrong_is_not_cut(buf):
    assert not row_is_cut(buf, 0)


# --- first_invalid_utf8 -----------------------------------------------------------------------------------------

INVALID = {
    "surrogate": b"\xed\xa0\x80",
    "CESU-8 emoji": b"\xed\xa0\xbd\xed\xb8\x80",
    "overlong": b"\xc0\xaf",
    "stray continuation byte": b"\x80",
    "truncated": b"\xe3\x81",
    "beyond U+10FFFF": b"\xf4\x90\x80\x80",
    "latin-1": b"caf\xe9",
}


@pytest.mark.parametrize("bad", list(INVALID.values()), ids=list(INVALID))
def test_invalid_utf8_in_text_is_found_at_its_byte(bad):
    rows = b"(1,'ok \xe6\x97\xa5'),(2,'a" + bad + b"z')"
    offset, reason = first_invalid_utf8(rows)
    first_high = next(i for i, byte in enumerate(bad) if byte >= 0x80)
    assert offset == rows.index(b"'a" + bad) + 2 + first_high
    assert reason in ("invalid start byte", "invalid continuation byte")


def test_a_truncated_character_at_the_end_of_the_rows():
    rows = b"(1,'\xe3\x81"
    assert first_invalid_utf8(rows) == (4, "unexpected end of data")


@pytest.mark.parametrize(
    "text",
    ["日本語 ゲストハウス", "😀 \U0001f3e0 \U0010ffff", "\x00\x1a\t\n control", "é ß ø"],
    ids=["japanese", "4-byte", "controls", "latin"],
)
def test_valid_utf8_text_passes(text):
    rows = b"(1,'" + text.encode() + b"'),(2,NULL,X'FF',b'1')"
    assert first_invalid_utf8(rows) is None
    assert first_invalid_utf8(memoryview(rows)) is None


def test_a_valid_4_byte_emoji_is_valid():
    assert first_invalid_utf8(b"(1,'\xf0\x9f\x98\x80')") is None


@pytest.mark.parametrize("literal", [b"_binary '\xff'", b"_binary'\xff\xfe'", b"_binary '\xed\xa0\x80'"])
def test_binary_introducer_may_hold_any_bytes(literal):
    assert first_invalid_utf8(b"(1," + literal + b",'ok')") is None


def test_other_introducers_do_not_exempt():
    rows = b"(1,_utf8mb4 '\xff')"
    assert first_invalid_utf8(rows) == (rows.index(b"\xff"), "invalid start byte")


def test_byte_columns_may_hold_any_bytes():
    rows = b"(1,'\xff\xc0\xaf','ok'),(2,'\xed\xa0\x80','ok')"
    assert first_invalid_utf8(rows, frozenset({1})) is None
    assert first_invalid_utf8(rows) == (4, "invalid start byte")
    assert first_invalid_utf8(rows, frozenset({0, 2})) == (4, "invalid start byte")


def test_bad_text_after_exempt_bytes_is_still_found():
    rows = b"(1,_binary '\xff','ok','\xff'),(2,'\xfe','ok','\x80')"
    assert first_invalid_utf8(rows) == (rows.index(b"'\xff'),") + 1, "invalid start byte")
    # Column 3 exempt: the first bad text is row 2's column 1 (row 1's is exempt by its introducer).
    assert first_invalid_utf8(rows, frozenset({3})) == (rows.index(b"\xfe"), "invalid start byte")
    # Column 1 exempt: row 1's column 3 is still text.
    assert first_invalid_utf8(rows, frozenset({1})) == (rows.index(b"'\xff'),") + 1, "invalid start byte")
    assert first_invalid_utf8(rows, frozenset({1, 3})) is None
