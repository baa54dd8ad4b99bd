"""A dump can carry only data: what a careless or hostile source system might put in a file is refused naming the
file, line, table and what is wrong, and every schema but the load area is byte-identical afterwards (CHECKSUM
TABLE), the load area holding no table of the failed file.

The loads run as the pipeline's least-privilege user on the real server, against a published generation of the
same six-row source, with the guards the load task turns on (shrink 20%, vanished ids 1%).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from harness.dumpmaker import create_source, real_dump
from harness.mutate import redump
from tokyobeta_etl.dumps import DumpError, DumpStructureError, DumpSyntaxError, ForbiddenStatement
from tokyobeta_etl.loading.generations import batch_tag, parse_tag
from tokyobeta_etl.loading.load_dump import COMPLETENESS_NOT_PROVABLE, StagingLoadError, load_dump

PUBLISHED, BATCH = dt.date(2026, 2, 9), dt.date(2026, 2, 10)
CHECKED_SCHEMAS = ("staging", "staging_prev", "silver", "gold", "ops", "hostile_src")


@pytest.fixture(scope="module")
def source(mysql_server):
    return create_source(mysql_server, "hostile_src")


@pytest.fixture(scope="module")
def good(mysql_server, source):
    """The good dumps of every stem (real mariadb-dump output, default mode)."""
    return {stem: real_dump(mysql_server, source, stem) for stem in ("movings", "tenants", "rooms", "inquiries")}


@pytest.fixture
def loader(mysql_server, etl_user, warehouse, good):
    """Publishes the good dumps as PUBLISHED, then returns load(stem, data) for BATCH with the task's guards."""
    conn = mysql_server.connect(user=etl_user.user, password=etl_user.password)
    admin = mysql_server.connect()
    cur = admin.cursor()
    for schema in ("staging", "staging_load", "staging_prev"):
        cur.execute(f"CREATE DATABASE IF NOT EXISTS {schema} CHARACTER SET utf8mb4")
    for stem, data in good.items():
        result = load_dump(
            conn, [data], file_name=f"{stem}_20260209.sql", stem=stem, gzip=False, batch=PUBLISHED,
            target_schema="staging_load",
        )  # fmt: skip
        for table in result.tables:
            cur.execute(f"DROP TABLE IF EXISTS staging.`{table}`")
            cur.execute(f"RENAME TABLE staging_load.`{table}` TO staging.`{table}`")

    def load(stem: str, data: bytes, *, gz: bool = False, name: str | None = None):
        published = {t: count(cur, f"staging.`{t}`") for t in tables_of(stem)}
        return load_dump(
            conn,
            [data[i : i + 4093] for i in range(0, len(data), 4093)],  # the stream must not care where S3 cuts
            file_name=name or f"{stem}_20260210.sql" + (".gz" if gz else ""),
            stem=stem,
            gzip=gz,
            batch=BATCH,
            target_schema="staging_load",
            published_rows=published,
            max_shrink_share=0.2,
            published_schema="staging",
            max_vanished_share=0.01,
        )

    load.admin = cur
    yield load
    conn.close()
    admin.close()


def tables_of(stem: str) -> tuple[str, ...]:
    from tokyobeta_etl.data_contract import DUMP_FILES

    return DUMP_FILES[stem]


def count(cur, table: str) -> int:
    cur.execute(f"SELECT COUNT(*) FROM {table}")
    return int(cur.fetchone()[0])


def checksums(cur) -> dict[str, int]:
    """CHECKSUM TABLE of every table in the checked schemas, and each table's comment (where batch tags live)."""
    cur.execute(
        "SELECT table_schema, table_name, table_comment FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
        "AND table_schema IN (" + ", ".join(["%s"] * len(CHECKED_SCHEMAS)) + ")",
        CHECKED_SCHEMAS,
    )
    out = {}
    for schema, table, comment in cur.fetchall():
        cur.execute(f"CHECKSUM TABLE `{schema}`.`{table}`")
        out[f"{schema}.{table}"] = (cur.fetchone()[1], comment)
    return out


def refused(loader, stem: str, data: bytes, error: type[Exception], *fragments: str, gz: bool = False) -> str:
    """Load `data`, expect `error` whose text holds every fragment; everything but the load area is unchanged and
    the load area holds none of the file's tables."""
    before = checksums(loader.admin)
    with pytest.raises(error) as err:
        loader(stem, data, gz=gz)
    text = str(err.value)
    for fragment in fragments:
        assert fragment in text, (fragment, text)
    assert checksums(loader.admin) == before
    loader.admin.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'staging_load'")
    left = {name for (name,) in loader.admin.fetchall()}
    assert not left & set(tables_of(stem)), left
    return text


def first_row(data: bytes, table: str = "movings") -> tuple[int, int]:
    """(start, end) of the first row `(...)` of `table`'s INSERT in a default-mode mariadb-dump file."""
    head = f"INSERT INTO `{table}` VALUES\n".encode()
    start = data.index(head) + len(head)
    return start, data.index(b"),\n", start) + 1


def with_first_row(data: bytes, table: str, edit) -> bytes:
    start, end = first_row(data, table)
    return data[:start] + edit(data[start:end]) + data[end:]


def replace_literal(row: bytes, index: int, new: bytes) -> bytes:
    """The row with its index-th literal (0-based) replaced; the good rows hold no commas inside strings we edit."""
    from tokyobeta_etl.dumps.values import literal_spans

    a, b = literal_spans(row, 0)[index]
    return row[:a] + new + row[b:]


MOVINGS_MEMO = 20  # position of the extra `memo` text column (after the contract columns)
MOVINGS_TENANT_ID, MOVINGS_RENT, MOVINGS_MOVEIN_DATE = 1, 17, 6


# --- literal-only VALUES ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "token"),
    [
        (b"(SELECT full_name FROM staging.tenants LIMIT 1)", "(SELECT"),
        (b"USER()", "USER("),
        (b"@@hostname", "@@hostname"),
        (b"VERSION()", "VERSION("),
        (b"LOAD_FILE('/etc/hostname')", "LOAD_FILE("),
        (b"SLEEP(20)", "SLEEP("),
        (b"@leak", "@leak"),
        (b"apartment_id", "apartment_id"),
        (b"DEFAULT", "DEFAULT"),
        (b"CONCAT('a','b')", "CONCAT("),
        (b"'a' 'b'", "'"),
    ],
)
def test_an_expression_in_values_is_refused_naming_the_token(loader, good, value, token):
    bad = with_first_row(good["movings"], "movings", lambda row: replace_literal(row, MOVINGS_MEMO, value))
    text = refused(loader, "movings", bad, ForbiddenStatement, "movings_20260210.sql, line", "table: movings")
    assert f"found {token!r}" in text, text
    assert "column `memo`" in text and "(id 1)" in text and "at byte" in text, text


@pytest.mark.parametrize(
    ("value", "token"), [(b"1+1", "+"), (b"-(1)", "-"), (b"1 -1", "-1")], ids=["plus", "minus-paren", "minus"]
)
def test_an_operator_in_values_is_refused(loader, good, value, token):
    bad = with_first_row(good["movings"], "movings", lambda row: replace_literal(row, MOVINGS_TENANT_ID, value))
    text = refused(loader, "movings", bad, ForbiddenStatement, "INSERT with a non-literal value")
    assert "column `tenant_id`" in text, text


@pytest.mark.parametrize(
    ("clause", "kind"),
    [
        (b" ON DUPLICATE KEY UPDATE memo = VALUES(memo)", "INSERT ... ON DUPLICATE KEY UPDATE"),
        (b" RETURNING id", "INSERT ... RETURNING"),
        (b"\nDROP TABLE staging.movings", "INSERT"),
    ],
    ids=["on duplicate key update", "returning", "second statement"],
)
def test_a_clause_after_the_rows_is_refused(loader, good, clause, kind):
    data = good["movings"]
    end = data.index(b";\n", data.index(b"INSERT INTO `movings`"))
    bad = data[:end] + clause + data[end:]
    text = refused(loader, "movings", bad, ForbiddenStatement, f"statement kind: {kind}", "after the rows")
    assert "table: movings" in text


@pytest.mark.parametrize("verb", [b"INSERT IGNORE INTO", b"REPLACE INTO"])
def test_insert_ignore_or_replace_cannot_hide_a_duplicate_id(loader, good, verb):
    data = good["movings"]
    start, end = first_row(data)
    doubled = data[:start] + data[start:end] + b",\n" + data[start:]  # id 1 twice
    bad = doubled.replace(b"INSERT INTO `movings` VALUES\n", verb + b" `movings` VALUES\n", 1)
    refused(loader, "movings", bad, StagingLoadError, "duplicate id 1", "table movings")


@pytest.mark.parametrize("verb", [b"INSERT IGNORE INTO", b"REPLACE INTO"])
def test_insert_ignore_or_replace_dumps_without_duplicates_load(loader, good, verb):
    data = good["movings"].replace(b"INSERT INTO `movings` VALUES\n", verb + b" `movings` VALUES\n", 1)
    result = loader("movings", data)
    assert result.tables["movings"].rows == result.tables["movings"].rows_in_file == 6


def test_a_plain_duplicate_id_is_named(loader, good):
    start, end = first_row(good["movings"])
    bad = good["movings"][:start] + good["movings"][start:end] + b",\n" + good["movings"][start:]
    refused(loader, "movings", bad, StagingLoadError, "duplicate id 1")


# --- strict UTF-8 ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [b"\xed\xa0\x80", b"\xed\xa0\xbd\xed\xb8\x80", b"\xc0\xaf", b"\x80", b"\xe3\x81"],
    ids=["surrogate", "cesu-8 emoji", "overlong", "stray continuation", "truncated"],
)
def test_text_that_is_not_strict_utf8_is_refused_naming_column_row_and_offset(loader, good, raw):
    bad = with_first_row(good["movings"], "movings", lambda row: replace_literal(row, MOVINGS_MEMO, b"'x" + raw + b"'"))
    offset = bad.index(b"'x" + raw) + 2
    text = refused(loader, "movings", bad, DumpSyntaxError, "not valid UTF-8", "column `memo`", "(id 1)")
    assert f"at byte {offset} of the file" in text, text


def test_four_byte_characters_are_valid_text(loader, good, mysql_server):
    emoji = "ゲスト😀🏠"
    data = with_first_row(
        good["movings"], "movings", lambda row: replace_literal(row, MOVINGS_MEMO, f"'{emoji}'".encode())
    )
    loader("movings", data)
    loader.admin.execute("SELECT memo FROM staging_load.movings WHERE id = 1")
    assert loader.admin.fetchone()[0] == emoji


# --- no tagged partial table --------------------------------------------------------------------------------------


def test_a_forged_batch_tag_never_survives_and_a_failed_load_leaves_no_table(loader, good):
    forged = f"COMMENT='{batch_tag(BATCH)}'".encode()
    data = good["movings"].replace(b") ENGINE=InnoDB", b") ENGINE=InnoDB " + forged, 1)
    assert forged in data
    bad = with_first_row(data, "movings", lambda row: replace_literal(row, MOVINGS_MEMO, b"SLEEP(1)"))
    refused(loader, "movings", bad, ForbiddenStatement, "SLEEP(")
    # A good file with the forged comment: the tag is the loader's own, written after every check.
    other = data.replace(batch_tag(BATCH).encode(), batch_tag(dt.date(2030, 1, 1)).encode())
    loader("movings", other)
    loader.admin.execute(
        "SELECT table_comment FROM information_schema.tables WHERE table_schema = 'staging_load' "
        "AND table_name = 'movings'"
    )
    assert parse_tag(loader.admin.fetchone()[0]) == BATCH


# --- line endings -------------------------------------------------------------------------------------------------


def test_cr_only_line_endings_are_named(loader, good):
    bad = good["movings"].replace(b"\n", b"\r")
    refused(loader, "movings", bad, DumpSyntaxError, "CR-only line endings")


def test_crlf_line_endings_load(loader, good):
    result = loader("movings", good["movings"].replace(b"\n", b"\r\n"))
    assert result.tables["movings"].rows == 6


# --- typed contract columns ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "retype", "value", "found", "expected"),
    [
        ("tenants", "status varchar(32) NOT NULL", "status = 'abc'", "column `status` is varchar(32)", "int unsigned"),
        ("movings", "movein_date varchar(16)", "movein_date = 'soon'", "column `movein_date` is varchar(16)", "date"),
    ],
    ids=["integer", "date"],
)
def test_a_retyped_column_is_refused_before_a_row_is_loaded(
    loader, good, mysql_server, stem, retype, value, found, expected
):
    bad = redump(
        mysql_server, good[stem], stem, f"ALTER TABLE {stem} MODIFY {retype}", f"UPDATE {stem} SET {value} WHERE id = 1"
    )
    refused(loader, stem, bad, DumpStructureError, found, expected)


def test_a_widened_column_still_loads(loader, good, mysql_server):
    data = redump(
        mysql_server, good["tenants"], "tenants", "ALTER TABLE tenants MODIFY status bigint unsigned NOT NULL"
    )
    assert loader("tenants", data).tables["tenants"].rows == 6


# --- completeness -------------------------------------------------------------------------------------------------


def test_a_compact_dump_cut_at_a_statement_boundary_fails_on_vanished_ids(loader, mysql_server, source):
    compact = real_dump(mysql_server, source, "movings", "compact")
    one_per_row = redump_one_row_per_insert(mysql_server, source)
    assert b"-- Dump completed" not in compact
    cut = one_per_row[: one_per_row.rindex(b"INSERT INTO")]  # the last row's statement is gone: 1 of 6 (17%)
    text = refused(loader, "movings", cut, StagingLoadError, "1 of the 6 ids", "missing from the new file")
    assert "(e.g. 6)" in text and "tokyobeta_max_vanished_share" in text, text


def redump_one_row_per_insert(server, source) -> bytes:
    import shutil
    import subprocess

    client = server.client_cmd()
    argv = [shutil.which("mariadb-dump"), *client[1:], "--skip-dump-date", "--compact", "--skip-extended-insert"]
    return subprocess.run([*argv, source, "movings"], check=True, capture_output=True).stdout


def test_a_complete_compact_dump_loads_and_says_completeness_is_not_provable(loader, mysql_server, source):
    result = loader("movings", real_dump(mysql_server, source, "movings", "compact"))
    assert result.completeness == COMPLETENESS_NOT_PROVABLE
    assert result.tables["movings"].rows == 6


def test_a_headed_dump_without_its_trailer_still_fails_as_truncated(loader, good):
    data = good["movings"]
    cut = data[: data.index(b"-- Dump completed")]
    refused(loader, "movings", cut, DumpStructureError, "file is truncated")


# --- errors that point the right way ------------------------------------------------------------------------------


def test_text_in_an_integer_column_is_named_as_not_a_number(loader, good):
    bad = with_first_row(good["movings"], "movings", lambda row: replace_literal(row, MOVINGS_TENANT_ID, b"'abc'"))
    text = refused(loader, "movings", bad, StagingLoadError, "column `tenant_id` (row id 1)", "'abc'", "not a number")
    assert "utf8mb4" not in text, text


def test_text_in_a_decimal_column_is_named_as_not_a_number(loader, good):
    bad = with_first_row(good["movings"], "movings", lambda row: replace_literal(row, MOVINGS_RENT, b"'abc'"))
    refused(loader, "movings", bad, StagingLoadError, "column `rent` (row id 1)", "not a number")


def test_text_in_a_date_column_is_named_as_not_a_date(loader, good):
    bad = with_first_row(good["movings"], "movings", lambda row: replace_literal(row, MOVINGS_MOVEIN_DATE, b"'soon'"))
    refused(loader, "movings", bad, StagingLoadError, "column `movein_date` (row id 1)", "'soon'", "not a date")


def test_a_row_over_max_allowed_packet_fails_at_once_naming_both_sizes(loader, good):
    loader.admin.execute("SELECT @@max_allowed_packet")
    packet = int(loader.admin.fetchone()[0])
    huge = b"'" + b"x" * (packet + 1024) + b"'"
    bad = with_first_row(good["movings"], "movings", lambda row: replace_literal(row, MOVINGS_MEMO, huge))
    text = refused(loader, "movings", bad, DumpSyntaxError, f"max_allowed_packet is {packet:,} bytes", "row 1")
    assert "connection lost" not in text


def test_an_extended_insert_larger_than_max_allowed_packet_loads_in_batches(loader, good):
    loader.admin.execute("SELECT @@max_allowed_packet")
    packet = int(loader.admin.fetchone()[0])
    data = good["movings"]
    start, end = first_row(data)
    row = data[start:end]
    n = packet // len(row) + 1000
    rows = b",\n".join(re.sub(rb"^\(1,", f"({1000 + i},".encode(), row) for i in range(n))
    big = data[:start] + rows + b",\n" + data[start:]
    assert len(big) > packet
    result = loader("movings", big)
    assert result.tables["movings"].rows == result.tables["movings"].rows_in_file == n + 6


def test_a_gzip_object_named_sql_says_what_it_is(loader, good):
    import gzip

    refused(loader, "movings", gzip.compress(good["movings"]), DumpError, "gzip")
