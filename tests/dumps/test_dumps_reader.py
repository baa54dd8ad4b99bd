"""File-level reading: the samples end to end, structure rules, truncation anywhere, gzip, summary."""

from __future__ import annotations

import gzip
import itertools
import random

import pytest

from tokyobeta_etl.data_contract import CONTRACT_COLUMNS
from tokyobeta_etl.dumps import (
    DumpCompressionError,
    DumpError,
    DumpReader,
    DumpStructureError,
    DumpSyntaxError,
    ForbiddenStatement,
    StatementKind,
    read_dump,
)

HEADER = "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n"
TRAILER = "-- Dump completed on 2026-02-10  5:30:12\n"
MOVINGS_BODY = (
    "DROP TABLE IF EXISTS `movings`;\n"
    "CREATE TABLE `movings` (\n  `id` int NOT NULL,\n  `rent` int,\n  PRIMARY KEY (`id`)\n);\n"
    "LOCK TABLES `movings` WRITE;\n"
    "/*!40000 ALTER TABLE `movings` DISABLE KEYS */;\n"
    "INSERT INTO `movings` VALUES (1,100),(2,200);\n"
    "/*!40000 ALTER TABLE `movings` ENABLE KEYS */;\n"
    "UNLOCK TABLES;\n"
)


def read(data: str | bytes, stem: str = "movings", chunk: int | None = None, **kwargs):
    """(executable statements, summary) of reading `data` as `stem`'s file."""
    raw = data.encode() if isinstance(data, str) else data
    chunks = [raw] if chunk is None else [raw[i : i + chunk] for i in range(0, len(raw), chunk)]
    reader = read_dump(chunks, file_name=f"{stem}_20260210.sql", stem=stem, target_schema="load", **kwargs)
    return list(reader), reader.summary


# --- the samples ------------------------------------------------------------------------------------------------


def test_mysql8_two_table_dump(sample_dump):
    stmts, summary = read(sample_dump("mysql8_rooms.sql"), "rooms", required_columns=CONTRACT_COLUMNS)
    assert [(s.kind, s.table) for s in stmts] == [
        (StatementKind.DROP_TABLE, "apartments"),
        (StatementKind.CREATE_TABLE, "apartments"),
        (StatementKind.INSERT, "apartments"),
        (StatementKind.DROP_TABLE, "rooms"),
        (StatementKind.CREATE_TABLE, "rooms"),
        (StatementKind.INSERT, "rooms"),
    ]
    assert all(s.sql.split(b"`load`.`")[1].startswith(s.table.encode()) for s in stmts)
    assert summary.tables == ("apartments", "rooms")
    assert summary.primary_keys == {"apartments": ("id",), "rooms": ("apartment_id", "id")}
    assert summary.columns["rooms"] == CONTRACT_COLUMNS["rooms"]
    assert summary.insert_statements == {"apartments": 1, "rooms": 1}
    assert summary.header.startswith("-- MySQL dump 10.13  Distrib 8.0.36")
    assert summary.completed
    assert summary.settings["time_zone"] == "'+00:00'"
    assert summary.settings["sql_mode"] == "'NO_AUTO_VALUE_ON_ZERO'"
    assert summary.executed == 6 and summary.statements > 30


def test_percona_dump_with_databases_and_complete_inserts(sample_dump):
    stmts, summary = read(sample_dump("percona8_inquiries_B_complete.sql"), "inquiries", collation_shim=True)
    inserts = [s for s in stmts if s.kind is StatementKind.INSERT]
    assert len(inserts) == 4 == summary.insert_statements["inquiries"]
    assert all(s.columns == ("id", "tenant_id", "channel", "memo", "created_at", "updated_at") for s in inserts)
    create = next(s for s in stmts if s.kind is StatementKind.CREATE_TABLE)
    assert b"0900" not in create.sql and b"COLLATE utf8mb4_unicode_ci" in create.sql


def test_mariadb_dump_with_sandbox_line(sample_dump):
    stmts, summary = read(sample_dump("mariadb_tenants.sql"), "tenants")
    assert [s.kind for s in stmts] == [StatementKind.DROP_TABLE, StatementKind.CREATE_TABLE, StatementKind.INSERT]
    assert summary.header.startswith("-- MariaDB dump")
    assert summary.settings["note_verbosity"] == "0"


@pytest.mark.parametrize("chunk", [1, 7, 100, 4096])
def test_chunking_does_not_change_the_result(sample_dump, chunk):
    data = sample_dump("mysql8_rooms.sql")
    assert read(data, "rooms", chunk=chunk) == read(data, "rooms")


def test_gzip_input(sample_dump):
    data = sample_dump("mysql8_rooms.sql")
    packed = gzip.compress(data)
    chunks = [packed[i : i + 100] for i in range(0, len(packed), 100)]
    reader = DumpReader(chunks, file_name="rooms.sql.gz", stem="rooms", target_schema="load", gzip=True)
    assert list(reader) == read(data, "rooms")[0]
    assert reader.summary.bytes_read == len(data)
    with pytest.raises(DumpCompressionError, match="rooms.sql.gz"):
        list(DumpReader([packed[:-20]], file_name="rooms.sql.gz", stem="rooms", target_schema="load", gzip=True))


# --- structure rules --------------------------------------------------------------------------------------------


def test_compact_dump_without_header_or_locks():
    stmts, summary = read("CREATE TABLE `movings` (`id` int);\nINSERT INTO `movings` VALUES (1);\n")
    assert len(stmts) == 2 and summary.header is None and not summary.completed


def test_table_with_no_rows_is_fine():
    _, summary = read(HEADER + "CREATE TABLE `movings` (`id` int);\n" + TRAILER)
    assert summary.insert_statements == {"movings": 0}


def test_missing_table_is_reported_at_the_end_by_name(sample_dump):
    data = HEADER + "CREATE TABLE `apartments` (`id` int);\nINSERT INTO `apartments` VALUES (1);\n" + TRAILER
    with pytest.raises(DumpStructureError, match=r"\['rooms'\] missing") as err:
        read(data, "rooms")
    assert err.value.table == "rooms"
    assert "rooms_20260210.sql" in str(err.value)


def test_unexpected_table_is_refused_at_once():
    data = HEADER + MOVINGS_BODY + "CREATE TABLE `tenants` (`id` int);\n" + "SET x=" * 100000
    reader = iter(read_dump([data.encode()], file_name="m.sql", stem="movings", target_schema="load"))
    first = [s.kind for s in itertools.islice(reader, 3)]
    assert first == [StatementKind.DROP_TABLE, StatementKind.CREATE_TABLE, StatementKind.INSERT]
    # Raised at the offending statement: the unterminated garbage after it is never reached.
    with pytest.raises(ForbiddenStatement) as err:
        next(reader)
    assert (err.value.table, err.value.line, err.value.kind) == ("tenants", 14, "CREATE TABLE")


def test_insert_before_create_table():
    with pytest.raises(DumpStructureError, match="before the table's CREATE TABLE") as err:
        read("INSERT INTO `movings` VALUES (1);\nCREATE TABLE `movings` (`id` int);\n")
    assert (err.value.line, err.value.table) == (1, "movings")


def test_insert_naming_an_unknown_column():
    data = "CREATE TABLE `movings` (`id` int);\nINSERT INTO `movings` (`id`, `bogus`) VALUES (1, 2);\n"
    with pytest.raises(DumpStructureError, match="bogus") as err:
        read(data)
    assert err.value.line == 2


def test_second_create_and_drop_after_create():
    create = "CREATE TABLE `movings` (`id` int);\n"
    with pytest.raises(DumpStructureError, match="second CREATE TABLE"):
        read(create + create)
    with pytest.raises(DumpStructureError, match="would discard"):
        read(create + "DROP TABLE IF EXISTS `movings`;\n")


def test_contract_columns_can_be_required():
    with pytest.raises(DumpStructureError, match="lacks contract column") as err:
        read("CREATE TABLE `movings` (`id` int);\n", required_columns=CONTRACT_COLUMNS)
    assert err.value.table == "movings" and "tenant_id" in err.value.message


def test_lock_without_unlock():
    data = MOVINGS_BODY.replace("UNLOCK TABLES;\n", "")
    with pytest.raises(DumpStructureError, match="never closed by UNLOCK TABLES") as err:
        read(data)
    assert (err.value.line, err.value.table) == (7, "movings")


def test_disable_keys_without_enable_keys():
    data = MOVINGS_BODY.replace("/*!40000 ALTER TABLE `movings` ENABLE KEYS */;\n", "")
    with pytest.raises(DumpStructureError, match="never followed by ENABLE KEYS") as err:
        read(data)
    assert err.value.line == 8


def test_trailer_must_be_the_last_thing_in_the_file():
    read(HEADER + MOVINGS_BODY + TRAILER)
    with pytest.raises(DumpStructureError, match="truncated"):
        read(HEADER + MOVINGS_BODY + TRAILER + "SET @a=1;\n")


def test_cut_at_a_statement_boundary_after_the_header(sample_dump):
    data = sample_dump("mysql8_rooms.sql")
    cut = data.index(b"UNLOCK TABLES;\n", data.index(b"INSERT INTO `rooms`")) + len(b"UNLOCK TABLES;\n")
    with pytest.raises(DumpStructureError, match="does not end with its '-- Dump completed' trailer") as err:
        read(data[:cut], "rooms")
    assert err.value.file_name == "rooms_20260210.sql"


def test_cut_mid_insert_without_semicolon(sample_dump):
    data = sample_dump("mysql8_rooms.sql")
    cut = data.index(b"),(11,1,")
    with pytest.raises(DumpSyntaxError, match="row 1, which starts on line .*, is cut short") as err:
        read(data[:cut], "rooms")
    assert err.value.line == data[:cut].count(b"\n") + 1


@pytest.mark.parametrize("name", ["mysql8_rooms.sql", "percona8_inquiries_B_complete.sql", "mariadb_tenants.sql"])
def test_every_truncation_of_a_headed_dump_is_detected(sample_dump, name):
    data = sample_dump(name)
    stem = {"mysql8_rooms.sql": "rooms", "percona8_inquiries_B_complete.sql": "inquiries"}.get(name, "tenants")
    keep_trailer = len(data) - data.rindex(b"-- Dump completed") - len(b"-- Dump completed")
    rng = random.Random(name)
    for cut in range(0, len(data) - keep_trailer):
        if cut % 13 and data[cut - 1 : cut] != b"\n":
            continue  # every line end, and every 13th byte elsewhere, keeps the test fast
        with pytest.raises(DumpError):
            read(data[:cut], stem, chunk=rng.choice([None, 5, 64]))
    read(data[: len(data) - keep_trailer + 1], stem)


def test_summary_is_only_available_after_the_end():
    reader = read_dump([MOVINGS_BODY.encode()], file_name="m.sql", stem="movings", target_schema="load")
    with pytest.raises(RuntimeError):
        reader.summary  # noqa: B018 - the access itself is the test
    list(reader)
    assert reader.summary.tables == ("movings",)


def test_unknown_stem():
    with pytest.raises(ValueError, match="unknown dump stem"):
        read_dump([b""], file_name="x.sql", stem="bogus", target_schema="load")


def test_empty_file_is_missing_its_tables():
    with pytest.raises(DumpStructureError, match="missing"):
        read("")
