"""Every literal form the real `mariadb-dump` writes, in every mode the contract allows, loads back byte for byte.

The source `movings` is the contract table plus columns that make the tool write each literal form: doubles in
exponent and long decimal notation, negative decimals, text full of quotes, backslashes, control bytes, `%`,
Japanese and emoji, blobs and varbinaries that are not UTF-8 (quoted raw bytes, or 0x.. with --hex-blob), a bit
column, JSON, and NULLs. Seventy rows: the odd ones first (read one row at a time), then enough plain rows for the
reader's 64-row fast path.
"""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
import subprocess
from decimal import Decimal

import pytest

from harness.dumpmaker import rows, source_ddl
from tokyobeta_etl.loading.generations import parse_tag
from tokyobeta_etl.loading.load_dump import COMPLETE_BY_TRAILER, COMPLETENESS_NOT_PROVABLE, load_dump

BATCH = dt.date(2026, 2, 10)
SOURCE = "literal_forms_src"
EXTRA_COLUMNS = (
    "`ratio` double DEFAULT NULL,\n  `amount` decimal(12,3) DEFAULT NULL,\n  `note` text,\n  `raw` blob,\n"
    "  `bits` bit(5) DEFAULT NULL,\n  `bin` varbinary(8) DEFAULT NULL,\n  `js` json DEFAULT NULL,"
)
NOTE = 'it\'s "q" \\ back\\slash\nnew\r\nline\ttab\x00nul\x1aZ %s %% 日本語 ゲストハウス 😀🏠'
# (ratio, amount, note, raw, bits, bin, js)
ODD_EXTRAS = [
    (-1.5e-10, Decimal("-123.456"), NOTE, b"\xff\x00\xfe\x80'\\\"\n\r\x1a", 0b10101, b"\x00\xff'\\", '{"a": "é"}'),
    (1e300, Decimal("-0.001"), "", b"", 0, b"", "[]"),
    (None, None, None, None, None, None, None),
    (
        -1.7976931348623157e308,
        Decimal("999999999.999"),
        "NULL",
        b"NULL",
        31,
        b"\x80\x81\x82\x83\x84\x85\x86\x87",
        '"s"',
    ),
    (5e-324, Decimal("-999999999.999"), "'); DROP TABLE movings; -- ", b"\xed\xa0\x80\xc0\xaf", 1, b"\xc0\xaf", "{}"),
    (0.1, Decimal("0.000"), "\\'\\\\''", b"\\'\\\\''", 16, b"0x41", '{"k": "😀", "q": "\\"", "n": null}'),
]
ROWS = 70

# (mariadb-dump flags, gzip)
MODES = {
    "default": ([], False),
    "hex-blob": (["--hex-blob"], False),
    "skip-extended-insert": (["--skip-extended-insert"], False),
    "complete-insert": (["--complete-insert"], False),
    "compact": (["--compact"], False),
    "insert-ignore": (["--insert-ignore"], False),
    "replace": (["--replace"], False),
    "skip-extended-insert-compact": (["--skip-extended-insert", "--compact"], False),
    "default-gzip": ([], True),
}


def extras(i: int) -> tuple:
    if i <= len(ODD_EXTRAS):
        return ODD_EXTRAS[i - 1]
    return (i / 8, Decimal(f"-{i}.5"), f"n{i}", f"r{i}".encode(), i % 32, f"b{i}".encode(), f"[{i}]")


def create_source(server, name: str, extra_columns: str, extra_values) -> str:
    """A source database with only `movings`: the contract DDL plus `extra_columns` after `memo`."""
    server.execute(f"DROP DATABASE IF EXISTS `{name}`", f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    ddl = next(s for s in source_ddl() if s.startswith("CREATE TABLE `movings`"))
    assert "`memo` text," in ddl
    ddl = ddl.replace("`memo` text,", "`memo` text,\n  " + extra_columns, 1)
    data = [base + extra_values(base[0]) for base in rows(ROWS)["movings"]]
    conn = server.connect(name)
    try:
        cur = conn.cursor()
        cur.execute("SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'")  # zero dates are legal source values
        cur.execute(ddl)
        cur.executemany(f"INSERT INTO `movings` VALUES ({', '.join(['%s'] * len(data[0]))})", data)
    finally:
        conn.close()
    return name


def mariadb_dump(server, database: str, flags: list[str], gz: bool) -> bytes:
    client = server.client_cmd()
    dump_bin = shutil.which("mariadb-dump") or shutil.which("mysqldump")
    argv = [dump_bin, *client[1:], "--skip-dump-date", *flags, database, "movings"]
    out = subprocess.run(argv, check=True, capture_output=True).stdout
    return gzip.compress(out, mtime=0) if gz else out


def all_rows(server, schema: str) -> tuple[tuple[str, ...], list[tuple]]:
    """(column names, every row ordered by id) of `schema`.movings, as the driver returns them (bytes for blobs)."""
    conn = server.connect(schema)
    try:
        cur = conn.cursor()
        cur.execute("SET SESSION sql_mode = ''")
        cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = 'movings' "
            "ORDER BY ordinal_position",
            (schema,),
        )
        columns = tuple(r[0] for r in cur.fetchall())
        cur.execute(f"SELECT {', '.join(f'`{c}`' for c in columns)} FROM `movings` ORDER BY id")
        return columns, list(cur.fetchall())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def source(mysql_server):
    name = create_source(mysql_server, SOURCE, EXTRA_COLUMNS, extras)
    yield name
    mysql_server.execute(f"DROP DATABASE IF EXISTS `{name}`")


def load(conn, data: bytes, gz: bool):
    # Odd chunk sizes: rows and literals are cut at arbitrary bytes.
    return load_dump(
        conn,
        [data[i : i + 997] for i in range(0, len(data), 997)],
        file_name="movings_20260210.sql" + (".gz" if gz else ""),
        stem="movings",
        gzip=gz,
        batch=BATCH,
        target_schema="staging_load",
    )


def test_source_holds_every_form(mysql_server, source):
    columns, got = all_rows(mysql_server, source)
    assert columns[-7:] == ("ratio", "amount", "note", "raw", "bits", "bin", "js")
    assert len(got) == ROWS
    assert got[0][-7:] == (-1.5e-10, Decimal("-123.456"), NOTE, ODD_EXTRAS[0][3], b"\x15", b"\x00\xff'\\", '{"a": "é"}')
    assert got[2][-7:] == (None,) * 7


@pytest.mark.parametrize("mode", list(MODES))
def test_every_mode_loads_every_literal_form(mysql_server, source, etl_conn, mode):
    flags, gz = MODES[mode]
    data = mariadb_dump(mysql_server, source, flags, gz)
    result = load(etl_conn, data, gz)

    assert all_rows(mysql_server, "staging_load") == all_rows(mysql_server, source)
    assert result.tables["movings"].rows == result.tables["movings"].rows_in_file == ROWS
    assert result.bytes == len(data)
    compact = "--compact" in flags
    assert result.completeness == (COMPLETENESS_NOT_PROVABLE if compact else COMPLETE_BY_TRAILER)
    cur = etl_conn.cursor()
    cur.execute(
        "SELECT table_comment FROM information_schema.tables "
        "WHERE table_schema = 'staging_load' AND table_name = 'movings'"
    )
    assert parse_tag(cur.fetchone()[0]) == BATCH


def test_the_dumps_write_the_forms_this_test_is_about(mysql_server, source):
    """Guards the test itself: the tool really wrote raw bytes, 0x.., exponents and the two row separators."""
    default = mariadb_dump(mysql_server, source, [], False)
    assert b",-0.00000000015," in default and b",1e300," in default and b",-1.7976931348623157e308," in default
    assert b"-123.456" in default and b"'\xff\\0\xfe\x80\\'\\\\\\\"\\n\\r\\Z'" in default
    assert b"),\n(" in default
    hexed = mariadb_dump(mysql_server, source, ["--hex-blob"], False)
    assert b",0xFF00FE80275C220A0D1A," in hexed
    single = mariadb_dump(mysql_server, source, ["--skip-extended-insert"], False)
    assert single.count(b"INSERT INTO `movings` VALUES (") == ROWS
    ignore = mariadb_dump(mysql_server, source, ["--insert-ignore"], False)
    assert b"INSERT IGNORE INTO `movings` VALUES" in ignore
    assert b"REPLACE INTO `movings` VALUES" in mariadb_dump(mysql_server, source, ["--replace"], False)


def test_bit_column_with_high_bit_loads(mysql_server, etl_conn):
    name = create_source(
        mysql_server, SOURCE + "_bit8", "`flags` bit(8) DEFAULT NULL,", lambda i: (0xFF if i % 2 else 0x80,)
    )
    try:
        load(etl_conn, mariadb_dump(mysql_server, name, [], False), False)
        assert all_rows(mysql_server, "staging_load") == all_rows(mysql_server, name)
    finally:
        mysql_server.execute(f"DROP DATABASE IF EXISTS `{name}`")
