"""The streaming statement splitter: literals, comments, version comments, truncation, chunk independence."""

from __future__ import annotations

import random
import re

import pytest

from tokyobeta_etl.dumps import DumpSyntaxError, ForbiddenStatement, StatementSplitter, iter_statements


def split(text: bytes | str, chunk: int | None = None, **kwargs) -> list[tuple[bytes, int]]:
    """(sql, line) of every statement; with `chunk`, fed `chunk` bytes at a time with a 1-byte read size."""
    data = text.encode() if isinstance(text, str) else text
    if chunk is None:
        chunks = [data]
    else:
        chunks = [data[i : i + chunk] for i in range(0, len(data), chunk)]
        kwargs.setdefault("read_size", 1)
    return [(s.sql, s.line) for s in iter_statements(chunks, file_name="t.sql", **kwargs)]


def sqls(text: bytes | str, **kwargs) -> list[bytes]:
    return [sql for sql, _ in split(text, **kwargs)]


# --- literals ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "literal",
    [
        r"'a;b'",
        r"'it''s; ok'",
        r"'back\\'",
        r"'esc\'aped;'",
        r"'\\\';'",
        r'"dq;\";"',
        r'"doubled "";"',
        r"'-- not a comment;'",
        r"'# not a comment;'",
        r"'/* not a comment; */'",
        r"'*/ ; /*!40101 ;'",
        "'real\nnewline;'",
        r"'\n escaped newline ;'",
        "'日本語；セミコロン;'",
        r"'\0\Z\b\t\r%_'",
        r"_binary 'x;\0'",
        r"X'3B'",
    ],
)
def test_separators_inside_literals_do_not_split(literal):
    text = f"INSERT INTO t VALUES ({literal},2);\nINSERT INTO t VALUES (3);\n"
    assert sqls(text) == [f"INSERT INTO t VALUES ({literal},2)".encode(), b"INSERT INTO t VALUES (3)"]


def test_line_numbers_count_newlines_inside_strings_and_comments():
    text = "SET a=1;\n\n-- c\nINSERT INTO t VALUES ('x\ny\nz');\n/* a\nb */\n  DROP TABLE t;\n"
    assert split(text) == [(b"SET a=1", 1), (b"INSERT INTO t VALUES ('x\ny\nz')", 4), (b"DROP TABLE t", 9)]


def test_index_counts_non_empty_statements():
    stmts = list(iter_statements([b"SET a=1;;  ; SET b=2;\n/*!40101 */;\nSET c=3;"]))
    assert [(s.sql, s.index) for s in stmts] == [(b"SET a=1", 0), (b"SET b=2", 1), (b"SET c=3", 2)]


@pytest.mark.parametrize("chunk", [None, 1, 5])
def test_runs_of_empty_statements_between_statements_are_skipped_and_lines_still_counted(chunk):
    text = "SET a=1;" + ";\n ;;\t;" * 1000 + "\n;;-- c\nSET b=2;;;" + ";" * 5000
    assert split(text, chunk) == [(b"SET a=1", 1), (b"SET b=2", 1003)]


def test_statement_ending_at_end_of_file_without_newline():
    assert sqls("SET a=1;") == [b"SET a=1"]


# --- comments ---------------------------------------------------------------------------------------------------


def test_comments_are_removed_between_and_inside_statements():
    text = (
        "-- header; with semicolon\n# hash; comment\n/* block; comment */\n"
        "CREATE TABLE t ( -- trailing; comment\n  `id` int, # another;\n  /* inline; */ `x` int\n);\n"
    )
    assert sqls(text) == [b"CREATE TABLE t ( \n  `id` int, \n    `x` int\n)"]


def test_double_dash_without_whitespace_is_code_not_comment():
    assert sqls("SELECT 1--1;\nSELECT 2---\n3;\n") == [b"SELECT 1--1", b"SELECT 2-\n3"]


def test_double_dash_then_tab_is_a_comment_that_hides_the_semicolon():
    assert sqls("SELECT 1 --\tx;\nFROM t;\n") == [b"SELECT 1 \nFROM t"]


def test_comment_like_operators_in_code():
    assert sqls("SELECT 4/2*3-1, 2*/**/3;") == [b"SELECT 4/2*3-1, 2* 3"]


# --- version comments -------------------------------------------------------------------------------------------


def test_executed_version_comment_content_is_code():
    assert sqls("/*!40101 SET NAMES utf8mb4 */;\n/*!50503 SET character_set_client = utf8mb4 */;\n") == [
        b"SET NAMES utf8mb4",
        b"SET character_set_client = utf8mb4",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/*!80099 SET a=1 */;", [b"SET a=1"]),
        ("/*!80100 SET a=1 */;", []),
        ("/*!90000 GRANT ALL ON *.* TO x */;", []),
        ("/*M!101199 SET a=1 */;", [b"SET a=1"]),
        ("/*M!101200 SET a=1 */;", []),
        (
            "/*M!100616 SET @OLD_NOTE_VERBOSITY=@@NOTE_VERBOSITY, NOTE_VERBOSITY=0 */;",
            [b"SET @OLD_NOTE_VERBOSITY=@@NOTE_VERBOSITY, NOTE_VERBOSITY=0"],
        ),
        ("/*! SET a=1 */;", [b"SET a=1"]),
        ("/*!100301 PAGE_COMPRESSED */ SET a=1;", [b"SET a=1"]),
        ("SET @a='*/' /*!40101 , @b='*/;' */;", [b"SET @a='*/'   , @b='*/;'"]),
    ],
)
def test_version_gates(text, expected):
    assert sqls(text) == expected


def test_gtid_purged_version_comment_inside_a_statement():
    text = "SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5';\n"
    assert sqls(text) == [b"SET @@GLOBAL.GTID_PURGED=  '+'  '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5'"]


def test_mysqldump_trigger_form_is_normalised_for_the_classifier():
    text = (
        "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER trg BEFORE INSERT ON movings "
        "FOR EACH ROW SET NEW.rent = 1 */;\n"
    )
    [sql] = sqls(text)
    assert b" ".join(sql.split()) == (
        b"CREATE DEFINER=`root`@`localhost` TRIGGER trg BEFORE INSERT ON movings FOR EACH ROW SET NEW.rent = 1"
    )


def test_mariadb_sandbox_first_line_is_a_comment_not_glued_to_the_next_statement():
    text = "/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19\n/*!40101 SET NAMES utf8mb4 */;\n"
    splitter = StatementSplitter([text.encode()])
    assert [(s.sql, s.line) for s in splitter] == [(b"SET NAMES utf8mb4", 3)]
    assert splitter.leading_comment == b"-- MariaDB dump 10.19"


def test_semicolon_inside_an_executed_version_comment_is_an_error():
    with pytest.raises(DumpSyntaxError, match="inside a version comment"):
        sqls("/*!40101 SET a=1; SET b=2 */;")


def test_nested_comment_inside_a_version_comment_is_an_error():
    with pytest.raises(DumpSyntaxError, match="nested comment"):
        sqls("/*!40101 SET a=1 /* x */ */;")


# --- header, trailer, odd bytes ---------------------------------------------------------------------------------


def test_leading_and_trailing_comments():
    splitter = StatementSplitter([b"-- MySQL dump 10.13\n--\nSET a=1;\n-- Dump completed on 2026-02-10\n\n"])
    assert [s.sql for s in splitter] == [b"SET a=1"]
    assert splitter.leading_comment == b"-- MySQL dump 10.13"
    assert splitter.trailing_comment == b"-- Dump completed on 2026-02-10"


def test_trailing_comment_is_none_when_a_statement_comes_last():
    splitter = StatementSplitter([b"-- MySQL dump\n-- Dump completed\nSET a=1;\n"])
    list(splitter)
    assert splitter.trailing_comment is None


def test_crlf_line_endings_and_utf8_bom():
    text = b"\xef\xbb\xbf-- MySQL dump\r\nSET a=1;\r\n-- x\r\nSET b=2;\r\n-- Dump completed\r\n"
    splitter = StatementSplitter([text[i : i + 1] for i in range(len(text))], read_size=1)
    assert [(s.sql, s.line) for s in splitter] == [(b"SET a=1", 2), (b"SET b=2", 4)]
    assert splitter.leading_comment == b"-- MySQL dump"
    assert splitter.trailing_comment == b"-- Dump completed"
    assert splitter.bytes_read == len(text)


# --- client commands and limits ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["DELIMITER ;;\nCREATE TRIGGER x;;\nDELIMITER ;\n", "SET a=1;\n-- x\ndelimiter $$\n"])
def test_delimiter_is_refused(text):
    with pytest.raises(ForbiddenStatement) as err:
        sqls(text)
    assert err.value.kind == "DELIMITER"
    assert err.value.line == text[: text.lower().index("delimiter")].count("\n") + 1


def test_statement_larger_than_the_cap_is_refused():
    text = "INSERT INTO t VALUES ('" + "x" * 5000 + "');"
    assert sqls(text, max_statement_bytes=6000)
    for chunk in (None, 100):
        with pytest.raises(DumpSyntaxError, match="max_statement_bytes=1000"):
            sqls(text, max_statement_bytes=1000, chunk=chunk)


# --- truncation -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("SET a=1;\nINSERT INTO t VALUES (1,'abc", "row 1, which starts on line 2, is cut short", 2),
        ("SET a=1;\nINSERT INTO t VALUES\n(1,'a\nb", "row 1, which starts on line 3, is cut short", 2),
        ('SET a=1;\nINSERT INTO t VALUES (1),("abc', "row 2, which starts on line 2, is cut short", 2),
        ("SET a=1;\nCREATE TABLE `t", "`identifier`", 2),
        ("SET a=1;\nINSERT INTO t VALUES (1),(2)", "missing its ';'", 2),
        ("SET a=1;\n/* unterminated", "inside a /* comment */", 2),
        ("SET a=1;\nINSERT /* unterminated", "inside a /* comment */", 2),
        ("SET a=1;\n/*!40101 SET b=2", "inside a version comment", 2),
    ],
)
def test_file_ending_mid_statement_is_a_syntax_error(text, message, line):
    for chunk in (None, 1, 3):
        with pytest.raises(DumpSyntaxError, match=re.escape(message)) as err:
            split(text, chunk=chunk)
        assert err.value.line == line
        assert err.value.file_name == "t.sql"


# --- chunk-boundary independence (property test against a character-by-character oracle) ------------------------


def oracle_split(data: bytes) -> list[tuple[bytes, int]]:
    """A slow, obviously-correct reference splitter with the same normalisation as the real one."""

    def version_code(i: int) -> int | None:
        """Length of an executed version-comment marker at i, or None."""
        j = i + 2
        maria = data[j : j + 1] == b"M"
        j += maria
        if data[j : j + 1] != b"!":
            return None
        j += 1
        k = j
        while k < len(data) and k - j < 6 and data[k : k + 1].isdigit():
            k += 1
        digits = data[j:k]
        if len(digits) < 5:
            return j - i
        return k - i if int(digits) <= (101199 if maria else 80099) else None

    out, cur, i, line, n = [], [], 0, 1, len(data)
    in_stmt = in_exec = False
    start_line = 0
    while i < n:
        c = data[i : i + 1]
        line_comment = c == b"#" or (data[i : i + 2] == b"--" and (i + 2 >= n or data[i + 2] <= 0x20))
        if not in_stmt:
            if c in b" \t\r\n\f\v":
                line += c == b"\n"
                i += 1
                continue
            if c == b";":
                i += 1
                continue
            if line_comment:
                while i < n and data[i : i + 1] != b"\n":
                    i += 1
                continue
            if data[i : i + 2] == b"/*" and version_code(i) is None:
                end = data.index(b"*/", i + 2) + 2
                line += data.count(b"\n", i, end)
                i = end
                continue
            in_stmt, start_line, cur = True, line, []
        if c == b";":
            sql = b"".join(cur).strip()
            if sql:
                out.append((sql, start_line))
            in_stmt = False
            i += 1
        elif c in (b"'", b'"', b"`"):
            j = i + 1
            while True:
                d = data[j : j + 1]
                if (d == b"\\" and c != b"`") or (d == c and data[j + 1 : j + 2] == c):
                    j += 2  # an escape, or a doubled quote
                elif d == c:
                    break
                else:
                    j += 1
            cur.append(data[i : j + 1])
            line += data.count(b"\n", i, j + 1)
            i = j + 1
        elif line_comment:
            while data[i : i + 1] != b"\n":
                i += 1
            cur.append(b"\n")
            line += 1
            i += 1
        elif data[i : i + 2] == b"/*":
            marker = version_code(i)
            if marker is not None:
                in_exec = True
                i += marker
            else:
                end = data.index(b"*/", i + 2) + 2
                line += data.count(b"\n", i, end)
                i = end
            cur.append(b" ")
        elif in_exec and data[i : i + 2] == b"*/":
            in_exec = False
            cur.append(b" ")
            i += 2
        else:
            line += c == b"\n"
            cur.append(c)
            i += 1
    return out


_STRING_ALPHABET = ["a", "Z", "0", " ", ";", "-", "--", "-- ", "#", "/", "*", "/*", "*/", "\n", "日本", "%", "`", '"']


def _random_string(rng: random.Random, quote: str) -> str:
    parts = []
    for _ in range(rng.randrange(0, 8)):
        r = rng.random()
        if r < 0.15:
            parts.append("\\" + rng.choice(["'", '"', "\\", "n", "0", ";", "Z"]))
        elif r < 0.25:
            parts.append(quote * 2)
        else:
            parts.append(rng.choice(_STRING_ALPHABET + ["'" if quote == '"' else '"']).replace(quote, ""))
    return quote + "".join(parts) + quote


def _random_value(rng: random.Random) -> str:
    return rng.choice(
        [
            lambda: str(rng.randrange(-999, 99999)),
            lambda: "NULL",
            lambda: _random_string(rng, "'"),
            lambda: _random_string(rng, '"'),
            lambda: "-" + str(rng.randrange(10)),
            lambda: "_binary " + _random_string(rng, "'"),
        ]
    )()


def _random_gap(rng: random.Random) -> str:
    return rng.choice(
        [
            " ",
            "\n",
            "\r\n",
            " -- line comment; 'x\n",
            ' # hash comment; "x\n',
            " /* block; 'x */ ",
            " /*!99999 not executed; */ ",
            "\n--\n",
            "\t",
        ]
    )


def random_dump(rng: random.Random) -> str:
    lines = ["/*M!999999\\- enable the sandbox mode */ ", "-- MariaDB dump 10.19", ""]
    for _ in range(rng.randrange(1, 12)):
        kind = rng.random()
        if kind < 0.2:
            lines.append(f"/*!40101 SET @x{rng.randrange(9)}={_random_value(rng)} */;")
        elif kind < 0.3:
            lines.append("/*!50003 CREATE*/ /*!50017 DEFINER=`u`@`h`*/ /*!50003 TRIGGER t x */;")
        elif kind < 0.4:
            lines.append(f"CREATE TABLE `t;{rng.randrange(9)}`` x` ({_random_gap(rng)}`id` int){_random_gap(rng)};")
        else:
            rows = [
                "(" + ",".join(_random_value(rng) for _ in range(rng.randrange(1, 5))) + ")"
                for _ in range(rng.randrange(1, 6))
            ]
            sep = rng.choice([",", ",\n", ", "])
            lines.append(f"INSERT INTO `t`{_random_gap(rng)}VALUES {sep.join(rows)};")
        lines.append(_random_gap(rng) + rng.choice(["", ";", " ;; "]))
    lines.append("-- Dump completed on 2026-02-10")
    return "\n".join(lines) + rng.choice(["", "\n", "\n\n"])


def _random_chunks(data: bytes, rng: random.Random) -> list[bytes]:
    chunks, i = [], 0
    while i < len(data):
        size = rng.choice([1, 2, 3, 5, 11, 64, 500])
        chunks.append(data[i : i + size])
        i += size
    return chunks


@pytest.mark.parametrize("seed", range(60))
def test_chunk_boundaries_never_change_the_statements(seed):
    rng = random.Random(seed)
    data = random_dump(rng).encode()
    expected = oracle_split(data)
    assert expected, "generator produced no statements"
    assert split(data) == expected
    for chunk in (1, 7):
        assert split(data, chunk=chunk) == expected
    got = [(s.sql, s.line) for s in iter_statements(_random_chunks(data, rng), read_size=rng.choice([1, 13, 4096]))]
    assert got == expected


@pytest.mark.parametrize("seed", range(20))
def test_truncated_random_dumps_never_yield_a_partial_statement(seed):
    """Cut anywhere: either the statements before the cut come out unchanged, or a DumpSyntaxError is raised."""
    rng = random.Random(1000 + seed)
    data = random_dump(rng).encode()
    full = oracle_split(data)
    for cut in sorted(rng.sample(range(1, len(data)), min(25, len(data) - 1))):
        try:
            got = split(data[:cut], chunk=rng.choice([1, 7, 64]))
        except DumpSyntaxError:
            continue
        assert got == full[: len(got)]


def test_the_skip_pattern_and_the_version_rule_agree_on_every_version():
    """Between statements a version comment that is not code is skipped in one regex call; that pattern and
    version_comment_is_code are the same rule written twice, so they must agree everywhere."""
    from tokyobeta_etl.dumps.splitter import _SKIP, version_comment_is_code

    versions = [*range(0, 1_000_000, 997), 80099, 80100, 99999, 101199, 101200, 999999, 8010, 1]
    for v in versions:
        for marker in (f"/*!{v:05d}", f"/*!{v:06d}", f"/*M!{v:05d}", f"/*M!{v:06d}", f"/*!{v}", f"/*M!{v}"):
            comment = marker.encode() + b" SET a=1 */"
            skipped = _SKIP.match(comment).end() == len(comment)
            assert skipped == (not version_comment_is_code(comment[:12])), marker


def test_floods_of_comments_and_empty_statements_between_statements_cost_no_python_loop():
    """Each of these 8 MiB floods is one regex call per buffer: the statements around them come out unchanged."""
    for unit in (b";", b"/**/", b"/*!99999 x*/", b"/*M!999999 x*/", b"#\n", b"-- x\n", b"\r\n", b" \t"):
        data = b"SET a=1;\n" + unit * (8 * 1024 * 1024 // len(unit)) + b"\nSET b=2;\n"
        assert sqls(data) == [b"SET a=1", b"SET b=2"], unit
