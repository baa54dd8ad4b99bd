"""Column types: the contract's copy, parsing SHOW CREATE TABLE types, the no-narrowing rule, the reader's refusal."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from harness import dumpmaker
from tokyobeta_etl.data_contract import CONTRACT_COLUMNS, CONTRACT_TYPES, DUMP_FILES, STAGING_TABLES
from tokyobeta_etl.dumps import Classifier, DumpStructureError, StatementKind, iter_statements, read_dump
from tokyobeta_etl.dumps.coltypes import (
    BINARY,
    BIT,
    DECIMAL,
    ENUM,
    FLOAT,
    INTEGER,
    OTHER,
    SET,
    TEMPORAL,
    TEXT,
    ColumnType,
    first_retyped,
    incompatibility,
    parse_column_type,
)
from tokyobeta_sim.dumpformat import DumpOptions, render_dump
from tokyobeta_sim.schema import TABLES

REPO = Path(__file__).resolve().parents[2]
SOURCE_SCHEMA = REPO / "docs" / "contract" / "source_schema.sql"
DATA = Path(__file__).parent / "data"
SAMPLES = {
    "mysql8_rooms.sql": "rooms",
    "percona8_inquiries_B_complete.sql": "inquiries",
    "mariadb_tenants.sql": "tenants",
}


def create_tables(sql: bytes, tables=STAGING_TABLES) -> dict[str, tuple[tuple[str, str], ...]]:
    """{table: column_types} of every CREATE TABLE in `sql`, read by the project's own parser."""
    classify = Classifier(file_name="schema.sql", tables=tables, target_schema="contract")
    found = {}
    for stmt in iter_statements([sql]):
        c = classify(stmt)
        if c.kind is StatementKind.CREATE_TABLE:
            found[c.table] = c.column_types
    return found


def read(data: str | bytes, stem: str, **kwargs):
    raw = data.encode() if isinstance(data, str) else data
    reader = read_dump([raw], file_name=f"{stem}_20260210.sql", stem=stem, target_schema="load", **kwargs)
    return list(reader), reader.summary


# --- the contract's types ---------------------------------------------------------------------------------------


def test_contract_types_are_exactly_those_of_the_contract_file():
    assert create_tables(SOURCE_SCHEMA.read_bytes()) == CONTRACT_TYPES
    assert list(CONTRACT_TYPES) == list(STAGING_TABLES)


def test_contract_columns_are_the_names_of_the_contract_types():
    names = {t: tuple(name for name, _ in columns) for t, columns in CONTRACT_TYPES.items()}
    assert names == CONTRACT_COLUMNS
    assert list(CONTRACT_COLUMNS) == list(CONTRACT_TYPES)


def test_every_contract_type_is_readable_and_written_in_its_plain_form():
    for columns in CONTRACT_TYPES.values():
        for _, text in columns:
            assert parse_column_type(text).label == text


# --- parsing ----------------------------------------------------------------------------------------------------


def _int(name: str, unsigned: bool = False) -> ColumnType:
    return ColumnType(
        INTEGER, name, {"tinyint": 1, "smallint": 2, "mediumint": 3, "int": 4, "bigint": 8}[name], unsigned=unsigned
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # MariaDB 10.11 (and the simulator) write display widths; MySQL 8 does not.
        ("int(10) unsigned", _int("int", True)),
        ("int unsigned", _int("int", True)),
        ("int(11)", _int("int")),
        ("int", _int("int")),
        ("tinyint(3) unsigned", _int("tinyint", True)),
        ("tinyint(4)", _int("tinyint")),
        ("tinyint(1)", _int("tinyint")),
        ("smallint(6)", _int("smallint")),
        ("mediumint(8) unsigned", _int("mediumint", True)),
        ("bigint(20)", _int("bigint")),
        ("bigint(20) unsigned", _int("bigint", True)),
        ("bigint unsigned", _int("bigint", True)),
        ("int(10) unsigned zerofill", _int("int", True)),
        ("int zerofill", _int("int", True)),
        ("INT(10) UNSIGNED", _int("int", True)),
        ("integer signed", _int("int")),
        ("boolean", _int("tinyint")),
        ("serial", _int("bigint", True)),
        ("decimal(10,0)", ColumnType(DECIMAL, "decimal", precision=10, scale=0)),
        ("decimal(8,6)", ColumnType(DECIMAL, "decimal", precision=8, scale=6)),
        ("decimal( 9 , 6 )", ColumnType(DECIMAL, "decimal", precision=9, scale=6)),
        ("decimal(12)", ColumnType(DECIMAL, "decimal", precision=12, scale=0)),
        ("decimal", ColumnType(DECIMAL, "decimal", precision=10, scale=0)),
        ("numeric(12,2) unsigned", ColumnType(DECIMAL, "decimal", precision=12, scale=2, unsigned=True)),
        ("float", ColumnType(FLOAT, "float", 4)),
        ("float(10,2)", ColumnType(FLOAT, "float", 4)),
        ("float(24)", ColumnType(FLOAT, "float", 4)),
        ("float(25)", ColumnType(FLOAT, "double", 8)),
        ("double", ColumnType(FLOAT, "double", 8)),
        ("double(16,4) unsigned", ColumnType(FLOAT, "double", 8, unsigned=True)),
        ("double precision", ColumnType(FLOAT, "double", 8)),
        ("real", ColumnType(FLOAT, "double", 8)),
        ("date", ColumnType(TEMPORAL, "date")),
        ("datetime", ColumnType(TEMPORAL, "datetime", precision=0)),
        ("datetime(6)", ColumnType(TEMPORAL, "datetime", precision=6)),
        ("timestamp", ColumnType(TEMPORAL, "timestamp", precision=0)),
        ("timestamp(3)", ColumnType(TEMPORAL, "timestamp", precision=3)),
        ("time", ColumnType(TEMPORAL, "time", precision=0)),
        ("time(6)", ColumnType(TEMPORAL, "time", precision=6)),
        ("year", ColumnType(TEMPORAL, "year")),
        ("year(4)", ColumnType(TEMPORAL, "year")),
        ("varchar(191)", ColumnType(TEXT, "varchar", 191)),
        ("varchar(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", ColumnType(TEXT, "varchar", 32)),
        ("varchar(32) CHARSET utf8mb4 COLLATE 'utf8mb4_0900_bin'", ColumnType(TEXT, "varchar", 32)),
        ("varchar(8) COLLATE utf8mb4_ja_0900_as_cs", ColumnType(TEXT, "varchar", 8)),
        ("varchar(8) binary", ColumnType(TEXT, "varchar", 8)),
        ("national varchar(10)", ColumnType(TEXT, "varchar", 10)),
        ("character varying(10)", ColumnType(TEXT, "varchar", 10)),
        ("char(8)", ColumnType(TEXT, "char", 8)),
        ("char", ColumnType(TEXT, "char", 1)),
        ("char(2) ascii", ColumnType(TEXT, "char", 2)),
        ("tinytext", ColumnType(TEXT, "tinytext", 255)),
        ("text", ColumnType(TEXT, "text", 65535)),
        ("text CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", ColumnType(TEXT, "text", 65535)),
        ("text(300)", ColumnType(TEXT, "text", 65535)),
        ("text(100)", ColumnType(TEXT, "tinytext", 255)),
        ("mediumtext", ColumnType(TEXT, "mediumtext", 16777215)),
        ("longtext", ColumnType(TEXT, "longtext", 4294967295)),
        ("long varchar", ColumnType(TEXT, "mediumtext", 16777215)),
        ("json", ColumnType(TEXT, "json", 4294967295)),
        ("binary(16)", ColumnType(BINARY, "binary", 16)),
        ("varbinary(255)", ColumnType(BINARY, "varbinary", 255)),
        ("tinyblob", ColumnType(BINARY, "tinyblob", 255)),
        ("blob", ColumnType(BINARY, "blob", 65535)),
        ("mediumblob", ColumnType(BINARY, "mediumblob", 16777215)),
        ("longblob", ColumnType(BINARY, "longblob", 4294967295)),
        ("bit(1)", ColumnType(BIT, "bit", 1)),
        ("bit(64)", ColumnType(BIT, "bit", 64)),
        ("bit", ColumnType(BIT, "bit", 1)),
        ("enum('a','b c','it''s')", ColumnType(ENUM, "enum", members=("'a'", "'b c'", "'it''s'"))),
        ("enum('x') CHARACTER SET utf8mb4", ColumnType(ENUM, "enum", members=("'x'",))),
        ("set('x','y')", ColumnType(SET, "set", members=("'x'", "'y'"))),
        ("geometry", ColumnType(OTHER, "geometry")),
        ("uuid", ColumnType(OTHER, "uuid")),
    ],
)
def test_parse_column_type(text, expected):
    assert parse_column_type(text) == expected


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("int(10) unsigned", "int unsigned"),
        ("tinyint(4)", "tinyint"),
        ("decimal", "decimal(10,0)"),
        ("numeric(12,2) unsigned", "decimal(12,2) unsigned"),
        ("char", "char(1)"),
        ("varchar(32) COLLATE utf8mb4_bin", "varchar(32)"),
        ("datetime(6)", "datetime(6)"),
        ("datetime", "datetime"),
        ("bit(3)", "bit(3)"),
        ("enum('a','b')", "enum('a','b')"),
    ],
)
def test_label_is_the_plain_mysql8_form(text, label):
    assert parse_column_type(text).label == label


@pytest.mark.parametrize(
    "text",
    [
        "",
        "10",
        "(10)",
        "varchar",
        "varbinary",
        "varchar(x)",
        "varchar(10, 2)",
        "decimal(10,0",
        "decimal(10,2,1)",
        "int(10) unsigned NOT NULL",
        "date(3)",
        "json(10)",
        "enum()",
        "enum(a, b)",
        "text(5000000000)",
        "varchar(8) CHARACTER SET",
        "varchar(8) COLLATE",
    ],
)
def test_unreadable_types_raise(text):
    with pytest.raises(ValueError, match="column type"):
        parse_column_type(text)


# --- the no-narrowing rule --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        ("int(10) unsigned", "int unsigned"),
        ("int unsigned", "int(10) unsigned"),
        ("int unsigned", "int unsigned"),
        ("bigint(20) unsigned", "int unsigned"),
        ("bigint(20)", "int unsigned"),  # signed, but wider: every int unsigned fits
        ("int(11)", "int"),
        ("bigint", "int"),
        ("mediumint", "smallint"),
        ("smallint", "tinyint unsigned"),
        ("int", "mediumint unsigned"),
        ("tinyint(3) unsigned", "tinyint unsigned"),
        ("tinyint(4)", "tinyint"),
        ("tinyint(1)", "tinyint"),
        ("int unsigned zerofill", "int unsigned"),
        ("decimal(10,0)", "decimal(10,0)"),
        ("decimal(12,2)", "decimal(10,0)"),
        ("decimal(10,6)", "decimal(9,6)"),
        ("decimal(9,6)", "decimal(8,6)"),
        ("decimal", "decimal(10,0)"),
        ("decimal(10,0)", "decimal(10,0) unsigned"),
        ("double", "float"),
        ("float(30)", "float"),
        ("float", "float"),
        ("date", "date"),
        ("datetime", "date"),
        ("timestamp", "date"),
        ("datetime", "datetime"),
        ("datetime(6)", "datetime"),
        ("timestamp", "datetime"),
        ("datetime", "timestamp"),
        ("time(3)", "time"),
        ("year(4)", "year"),
        ("varchar(191)", "varchar(191)"),
        ("varchar(255)", "varchar(191)"),
        ("varchar(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", "varchar(32)"),
        ("char(8)", "varchar(8)"),
        ("varchar(8)", "char(8)"),
        ("tinytext", "varchar(255)"),
        ("text", "varchar(255)"),
        ("text", "tinytext"),
        ("varchar(255)", "tinytext"),
        ("mediumtext", "text"),
        ("longtext", "mediumtext"),
        ("json", "text"),
        ("longtext", "json"),
        ("varbinary(32)", "binary(16)"),
        ("blob", "varbinary(255)"),
        ("longblob", "blob"),
        ("bit(8)", "bit(1)"),
        ("enum('a','b','c')", "enum('a','b')"),
        ("set('x','y')", "set('y')"),
        ("geometry", "geometry"),
    ],
)
def test_compatible(found, expected):
    assert incompatibility(found, expected) is None


@pytest.mark.parametrize(
    ("found", "expected", "reason"),
    [
        # what the two published incidents would have been caught as
        ("varchar(32)", "int unsigned", "varchar(32) is a text type, not an integer type"),
        ("varchar(16)", "date", "varchar(16) is a text type, not a date/time type"),
        ("int(11)", "varchar(32)", "int is an integer type, not a text type"),
        ("int", "date", "int is an integer type, not a date/time type"),
        ("datetime", "int unsigned", "datetime is a date/time type, not an integer type"),
        ("blob", "text", "blob is a byte-string type, not a text type"),
        ("text", "blob", "text is a text type, not a byte-string type"),
        ("int", "decimal(10,0)", "int is an integer type, not a decimal type"),
        ("decimal(20,0)", "int", "decimal(20,0) is a decimal type, not an integer type"),
        ("double", "decimal(10,0)", "double is a floating-point type, not a decimal type"),
        ("enum('a','b')", "varchar(8)", "enum('a','b') is an enum, not a text type"),
        ("varchar(8)", "enum('a')", "varchar(8) is a text type, not an enum"),
        ("bit(1)", "tinyint", "bit(1) is a bit type, not an integer type"),
        ("geometry", "varchar(32)", "geometry is not varchar(32)"),
        ("varchar(32)", "geometry", "varchar(32) is not geometry"),
        ("point", "geometry", "point is not geometry"),
        # integers: narrower, or losing half of the range
        ("tinyint unsigned", "int unsigned", "tinyint unsigned is narrower than int unsigned"),
        ("smallint(6)", "int", "smallint is narrower than int"),
        ("int", "bigint", "int is narrower than bigint"),
        ("tinyint(3) unsigned", "smallint unsigned", "tinyint unsigned is narrower than smallint unsigned"),
        ("int(11)", "int unsigned", "int is signed: it cannot hold the upper half of int unsigned"),
        ("tinyint", "tinyint unsigned", "tinyint is signed: it cannot hold the upper half of tinyint unsigned"),
        ("smallint", "mediumint unsigned", "smallint is signed: it cannot hold the upper half of mediumint unsigned"),
        ("int unsigned", "int", "int unsigned cannot hold the negative values of int"),
        ("tinyint(3) unsigned", "tinyint", "tinyint unsigned cannot hold the negative values of tinyint"),
        ("bigint unsigned", "tinyint", "bigint unsigned cannot hold the negative values of tinyint"),
        ("int zerofill", "int", "int unsigned cannot hold the negative values of int"),
        # decimals, floats
        ("decimal(8,2)", "decimal(10,0)", "decimal(8,2) keeps 6 integer digits, fewer than the 10 of decimal(10,0)"),
        ("decimal(10,0)", "decimal(8,6)", "decimal(10,0) keeps 0 decimal places, fewer than the 6 of decimal(8,6)"),
        ("decimal(8,6)", "decimal(9,6)", "decimal(8,6) keeps 2 integer digits, fewer than the 3 of decimal(9,6)"),
        ("decimal(12,2) unsigned", "decimal(10,0)", "decimal(12,2) unsigned cannot hold the negative values"),
        ("float", "double", "float is narrower than double"),
        ("float unsigned", "float", "float unsigned cannot hold the negative values of float"),
        # dates and times
        ("date", "datetime", "date drops the time of day of datetime"),
        ("date", "timestamp", "date drops the time of day of timestamp"),
        ("time", "datetime", "time cannot hold datetime values"),
        ("datetime", "time", "datetime cannot hold time values"),
        ("year", "date", "year cannot hold date values"),
        ("date", "year", "date cannot hold year values"),
        ("datetime", "datetime(6)", "datetime keeps fewer fractional-second digits than datetime(6)"),
        ("timestamp(3)", "datetime(6)", "timestamp(3) keeps fewer fractional-second digits than datetime(6)"),
        # text and bytes: fewer characters, bytes or bits, or values lost
        ("varchar(16)", "varchar(32)", "varchar(16) holds at most 16 characters, fewer than the 32 of varchar(32)"),
        ("char(1)", "varchar(2)", "char(1) holds at most 1 characters, fewer than the 2 of varchar(2)"),
        ("tinytext", "varchar(256)", "tinytext holds at most 255 characters, fewer than the 256 of varchar(256)"),
        ("varchar(254)", "tinytext", "varchar(254) holds at most 254 characters, fewer than the 255 of tinytext"),
        ("text", "mediumtext", "text holds at most 65,535 characters, fewer than the 16,777,215 of mediumtext"),
        ("varchar(255)", "json", "fewer than the 4,294,967,295 of json"),
        ("mediumtext", "json", "mediumtext holds at most"),
        ("binary(8)", "binary(16)", "binary(8) holds at most 8 bytes, fewer than the 16 of binary(16)"),
        ("blob", "mediumblob", "blob holds at most 65,535 bytes"),
        ("bit(1)", "bit(8)", "bit(1) holds at most 1 bits, fewer than the 8 of bit(8)"),
        ("enum('a')", "enum('a','b')", "enum('a') lacks the value(s) 'b' of enum('a','b')"),
        ("set('x')", "set('x','y','z')", "lacks the value(s) 'y', 'z'"),
        # a dump type this module cannot read is a reason, not a crash
        ("", "int unsigned", "cannot read the type: not a column type: ''"),
        ("varchar", "varchar(32)", "cannot read the type: wrong number of arguments"),
    ],
)
def test_incompatible(found, expected, reason):
    got = incompatibility(found, expected)
    assert got is not None and reason in got


def test_incompatibility_takes_parsed_types_and_refuses_an_unreadable_contract_type():
    assert incompatibility(parse_column_type("bigint(20)"), parse_column_type("int unsigned")) is None
    assert incompatibility(parse_column_type("int"), "int unsigned") is not None
    with pytest.raises(ValueError, match="column type"):
        incompatibility("int", "integer please")


def test_first_retyped_follows_the_contract_order_and_leaves_missing_columns_to_the_name_check():
    found = (("b", "varchar(8)"), ("a", "varchar(8)"), ("c", "int"))
    expected = (("missing", "int"), ("a", "int"), ("b", "date"), ("c", "int"))
    retyped = first_retyped(found, expected)
    assert retyped == ("a", "varchar(8)", "int", "varchar(8) is a text type, not an integer type")
    assert (retyped.column, retyped.found, retyped.expected) == ("a", "varchar(8)", "int")
    assert first_retyped(found, (("missing", "int"), ("c", "bigint(20)"))) is not None
    assert first_retyped(found, (("missing", "int"), ("c", "int(11)"))) is None
    assert first_retyped((), expected) is None


# --- types from CREATE TABLE ------------------------------------------------------------------------------------


def test_create_table_column_types_stop_at_the_first_attribute():
    ddl = (
        "CREATE TABLE `movings` (\n"
        "  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n"
        "  `a` varchar(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL COMMENT 'x, (y) NOT NULL',\n"
        "  `b` enum('x','y, z','NOT NULL') DEFAULT 'x',\n"
        "  `c` decimal( 10 ,\n 0 ) unsigned zerofill,\n"
        "  `d` datetime(6) NOT NULL DEFAULT current_timestamp(6) ON UPDATE current_timestamp(6),\n"
        "  `e` int GENERATED ALWAYS AS (`id` + 1) VIRTUAL,\n"
        "  `f` int AS (`id` * 2) STORED,\n"
        "  `g` int /*!80023 INVISIBLE */,\n"
        "  `h` text,\n"
        "  `i` tinyint(1) DEFAULT NULL,\n"
        "  `j` json CHECK (json_valid(`j`)),\n"
        "  `k` blob /*M!100301 COMPRESSED*/,\n"
        "  `l` char(2) UNIQUE KEY,\n"
        "  `m` varchar(8) binary NULL,\n"
        "  `n` int(11) DEFAULT NULL INVISIBLE,\n"
        "  `o` varchar(8) COLLATE utf8mb4_0900_ai_ci,\n"
        "  p INT,\n"
        "  PRIMARY KEY (`id`),\n"
        "  KEY `k1` (`a`),\n"
        "  CONSTRAINT `chk` CHECK (`i` >= 0)\n"
        ") ENGINE=InnoDB"
    )
    [stmt] = list(iter_statements([ddl.encode() + b";"]))
    c = Classifier(file_name="f", tables=("movings",), target_schema="load", collation_shim=True)(stmt)
    assert c.column_types == (
        ("id", "int(10) unsigned"),
        ("a", "varchar(32)"),
        ("b", "enum('x','y, z','NOT NULL')"),
        ("c", "decimal( 10 , 0 ) unsigned zerofill"),
        ("d", "datetime(6)"),
        ("e", "int"),
        ("f", "int"),
        ("g", "int"),
        ("h", "text"),
        ("i", "tinyint(1)"),
        ("j", "json"),
        ("k", "blob"),
        ("l", "char(2)"),
        ("m", "varchar(8) binary"),
        ("n", "int(11)"),
        ("o", "varchar(8)"),
        ("p", "INT"),
    )
    assert tuple(name for name, _ in c.column_types) == c.columns
    for _, text in c.column_types:
        parse_column_type(text)  # every one readable


def test_only_create_table_carries_column_types():
    classify = Classifier(file_name="f", tables=("movings",), target_schema="load")
    sql = b"DROP TABLE IF EXISTS `movings`; INSERT INTO `movings` VALUES (1); SET NAMES utf8mb4;"
    assert all(classify(stmt).column_types == () for stmt in iter_statements([sql]))


# --- the reader refuses a retyped contract column ---------------------------------------------------------------


def retyped_dump(table: str, column: str, definition: str, row: str) -> str:
    """A mariadb-dump-like file of the simulator's `table` with `column` redefined, and one row."""
    sim = TABLES[table]
    columns = tuple((name, definition if name == column else d) for name, d in sim.columns)
    create = dataclasses.replace(sim, columns=columns).create_statement()
    return (
        "-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)\n"
        f"DROP TABLE IF EXISTS `{table}`;\n{create};\n"
        f"LOCK TABLES `{table}` WRITE;\nINSERT INTO `{table}` VALUES {row};\nUNLOCK TABLES;\n"
        "-- Dump completed on 2026-02-10  5:30:00\n"
    )


TS = "'2026-02-09 10:00:00'"
TENANT_ROW = f"(1,'abc',1,0,'a','b','c',1,'1990-01-01',30,'日本','1','x',1,NULL,NULL,NULL,NULL,{TS},{TS})"
MOVING_ROW = f"(1,1,1,1,1,NULL,'soon',NULL,NULL,NULL,NULL,NULL,NULL,NULL,0,0,0,50000,NULL,{TS},{TS})"


def refusal(data: str, stem: str, **kwargs) -> tuple[list, DumpStructureError]:
    """(what the reader yielded before refusing, the refusal)."""
    reader = read_dump([data.encode()], file_name=f"{stem}_20260210.sql", stem=stem, target_schema="load", **kwargs)
    yielded = []
    with pytest.raises(DumpStructureError) as err:
        for stmt in reader:
            yielded.append(stmt)
    return yielded, err.value


@pytest.mark.parametrize(
    ("stem", "column", "definition", "row", "found", "expected", "reason"),
    [
        ("tenants", "status", "varchar(32) NOT NULL", TENANT_ROW, "varchar(32)", "int unsigned", "not an integer type"),
        ("movings", "movein_date", "varchar(16) DEFAULT NULL", MOVING_ROW, "varchar(16)", "date", "not a date/time"),
    ],
)
def test_retyped_contract_column_is_refused_before_a_row_is_loaded(
    stem, column, definition, row, found, expected, reason
):
    data = retyped_dump(stem, column, definition, row)
    yielded, err = refusal(data, stem, required_columns=CONTRACT_COLUMNS, required_types=CONTRACT_TYPES)
    assert [s.kind for s in yielded] == [StatementKind.DROP_TABLE]  # not the CREATE TABLE, not a row
    assert err.table == stem and err.line == 3
    assert err.message.startswith(
        f"table `{stem}`: column `{column}` is {found} in the dump but the contract declares {expected} "
        "(a retyped source column: "
    )
    assert reason in err.message
    assert "The source schema changed: this file cannot be loaded until the source is fixed" in err.message
    assert f"{stem}_20260210.sql, line 3" in str(err)
    # Without the contract's types the same file reads (the names are all there): the check is what refuses it.
    stmts, _ = read(data, stem, required_columns=CONTRACT_COLUMNS)
    assert StatementKind.INSERT in [s.kind for s in stmts]


def test_the_first_retyped_column_in_contract_order_is_named():
    data = retyped_dump("tenants", "updated_at", "date NOT NULL", TENANT_ROW).replace(
        "`moving_id` int(10) unsigned DEFAULT NULL", "`moving_id` bigint(20) DEFAULT NULL"
    )
    data = data.replace("`full_name` varchar(191)", "`full_name` varchar(100)")
    _, err = refusal(data, "tenants", required_types=CONTRACT_TYPES)
    assert "column `full_name` is varchar(100) in the dump but the contract declares varchar(191)" in err.message


@pytest.mark.parametrize(
    ("column", "definition"),
    [
        ("status", "bigint(20) unsigned NOT NULL"),
        ("status", "bigint NOT NULL"),
        ("full_name", "varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL"),
        ("full_name", "text DEFAULT NULL"),
        ("birth_date", "datetime DEFAULT NULL"),
        ("created_at", "timestamp NOT NULL DEFAULT current_timestamp()"),
        ("age", "bigint(20) DEFAULT NULL"),
        ("email", "int(11) DEFAULT NULL"),  # not a contract column: any type
    ],
)
def test_widened_contract_columns_and_extra_columns_read(column, definition):
    _, summary = read(retyped_dump("tenants", column, definition, TENANT_ROW), "tenants", required_types=CONTRACT_TYPES)
    assert summary.insert_statements == {"tenants": 1}


def test_missing_columns_are_the_name_checks_business():
    data = "CREATE TABLE `tenants` (`id` int unsigned, `status` int unsigned);\n"
    _, summary = read(data, "tenants", required_types=CONTRACT_TYPES)
    assert summary.columns["tenants"] == ("id", "status")
    _, err = refusal(data, "tenants", required_columns=CONTRACT_COLUMNS, required_types=CONTRACT_TYPES)
    assert "lacks contract column(s)" in err.message


def test_a_contract_column_without_a_readable_type_is_refused():
    data = "CREATE TABLE `inquiries` (`id` int unsigned, `tenant_id`, `channel` varchar(32));\n"
    _, err = refusal(data, "inquiries", required_types=CONTRACT_TYPES)
    assert "column `tenant_id` is (no type) in the dump but the contract declares int unsigned" in err.message
    assert "cannot read the type" in err.message


# --- every dump the tests and the simulator write passes the check ---------------------------------------------


def _retype_first_contract_column(data: bytes) -> bytes:
    return re.sub(rb"`id` int(?:\(\d+\))?(?: unsigned)?", b"`id` varchar(32)", data, count=1)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_dumps_have_the_contract_types(name):
    data = (DATA / name).read_bytes()
    stem = SAMPLES[name]
    _, summary = read(data, stem, required_types=CONTRACT_TYPES)
    assert summary.tables == DUMP_FILES[stem]
    checked = [c for t in summary.tables for c in summary.columns[t] if c in CONTRACT_COLUMNS[t]]
    assert len(checked) >= 5
    _, err = refusal(_retype_first_contract_column(data).decode(), stem, required_types=CONTRACT_TYPES)
    assert "column `id` is varchar(32)" in err.message  # the check does look at this sample


@pytest.mark.parametrize("stem", list(DUMP_FILES))
@pytest.mark.parametrize("options", [DumpOptions(), DumpOptions(compact=True, databases=True)], ids=["default", "-B"])
def test_simulator_dumps_have_the_contract_types(stem, options):
    tables = [(TABLES[name], []) for name in DUMP_FILES[stem]]
    data = render_dump(tables, options, None)
    _, summary = read(data, stem, required_columns=CONTRACT_COLUMNS, required_types=CONTRACT_TYPES)
    assert summary.tables == DUMP_FILES[stem]
    _, err = refusal(_retype_first_contract_column(data).decode(), stem, required_types=CONTRACT_TYPES)
    assert "column `id` is varchar(32)" in err.message


def test_simulator_schema_is_compatible_column_by_column():
    for name, table in TABLES.items():
        found = create_tables(table.create_statement().encode() + b";", (name,))[name]
        assert first_retyped(found, CONTRACT_TYPES[name]) is None
        assert [c for c, _ in found if c in CONTRACT_COLUMNS[name]] == list(CONTRACT_COLUMNS[name])


def test_dumpmaker_source_ddl_has_the_contract_types():
    found = create_tables(";\n".join(dumpmaker.source_ddl()).encode() + b";")
    assert set(found) == set(STAGING_TABLES)
    for table, columns in found.items():
        assert first_retyped(columns, CONTRACT_TYPES[table]) is None
