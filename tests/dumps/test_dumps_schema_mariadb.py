"""The reader's schema rules on real `mariadb-dump` output: contract types checked, table comments dropped.

Needs the session's `mysql_server` (tests/conftest.py). The source is the contract DDL as tests/harness/dumpmaker.py
creates it; bad dumps are made as tests/harness/mutate.py makes them: by altering a copy and dumping it again.
"""

from __future__ import annotations

import secrets

import pytest

from harness import dumpmaker, mutate
from tokyobeta_etl.data_contract import CONTRACT_COLUMNS, CONTRACT_TYPES, DUMP_FILES
from tokyobeta_etl.dumps import DumpStructureError, StatementKind, read_dump

CONTRACT = {"required_columns": CONTRACT_COLUMNS, "required_types": CONTRACT_TYPES}


@pytest.fixture(scope="module")
def source(mysql_server):
    name = dumpmaker.create_source(mysql_server, f"dumps_types_{secrets.token_hex(4)}")
    yield name
    mysql_server.execute(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture
def target(mysql_server):
    schema = f"dumps_types_dst_{secrets.token_hex(4)}"
    mysql_server.execute(f"CREATE DATABASE `{schema}` DEFAULT CHARACTER SET utf8mb4")
    yield schema
    mysql_server.execute(f"DROP DATABASE IF EXISTS `{schema}`")


def read(data: bytes, stem: str, target_schema: str = "load", **kwargs):
    reader = read_dump([data], file_name=f"{stem}_20260210.sql", stem=stem, target_schema=target_schema, **kwargs)
    return list(reader), reader.summary


def replay(server, statements) -> None:
    """Execute the reader's statements as the loader does: one execute each, no parameters."""
    conn = server.connect()
    try:
        cur = conn.cursor()
        cur.execute("SET sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'")
        for stmt in statements:
            cur.execute(stmt.sql)
    finally:
        conn.close()


def table_options(server, schema: str, table: str) -> tuple:
    conn = server.connect()
    try:
        cur = conn.cursor()
        cur.execute(
            "SELECT TABLE_COMMENT, ENGINE, ROW_FORMAT, TABLE_COLLATION FROM information_schema.TABLES"
            " WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s",
            (schema, table),
        )
        return cur.fetchone()
    finally:
        conn.close()


@pytest.mark.parametrize("stem", list(DUMP_FILES))
@pytest.mark.parametrize("mode", ["default", "compact", "databases"])
def test_real_dumps_of_the_contract_schema_pass_the_type_check(mysql_server, source, stem, mode):
    data = dumpmaker.real_dump(mysql_server, source, stem, mode)
    _, summary = read(data, stem, **CONTRACT)
    assert summary.tables == DUMP_FILES[stem]
    assert all(summary.insert_statements[t] for t in summary.tables)


def test_a_harmless_redump_passes(mysql_server, source):
    data = dumpmaker.real_dump(mysql_server, source, "movings")
    changed = mutate.redump(mysql_server, data, "movings", "UPDATE movings SET rent = rent + 1")
    _, summary = read(changed, "movings", **CONTRACT)
    assert summary.insert_statements == {"movings": 1}


@pytest.mark.parametrize(
    ("stem", "mutations", "message"),
    [
        (
            "tenants",
            ("ALTER TABLE tenants MODIFY status varchar(32) NOT NULL", "UPDATE tenants SET status = 'abc'"),
            "column `status` is varchar(32) in the dump but the contract declares int unsigned",
        ),
        (
            "movings",
            ("ALTER TABLE movings MODIFY movein_date varchar(16)", "UPDATE movings SET movein_date = 'soon'"),
            "column `movein_date` is varchar(16) in the dump but the contract declares date",
        ),
        (
            "rooms",
            ("ALTER TABLE rooms MODIFY rent decimal(8,2)",),
            "column `rent` is decimal(8,2) in the dump but the contract declares decimal(10,0)",
        ),
        (
            "inquiries",
            ("ALTER TABLE inquiries MODIFY tenant_id int(11)",),
            "column `tenant_id` is int(11) in the dump but the contract declares int unsigned",
        ),
    ],
)
def test_a_retyped_source_column_is_refused_before_any_row(mysql_server, source, stem, mutations, message):
    data = mutate.redump(mysql_server, dumpmaker.real_dump(mysql_server, source, stem), stem, *mutations)
    reader = read_dump([data], file_name=f"{stem}_20260210.sql", stem=stem, target_schema="load", **CONTRACT)
    yielded = []
    with pytest.raises(DumpStructureError, match="a retyped source column") as err:
        yielded.extend(reader)
    assert message in err.value.message
    table = DUMP_FILES[stem][-1]  # rooms_*.sql: apartments comes first and may load; the file still fails
    assert err.value.table == table
    assert [s.kind for s in yielded if s.table == table] == [StatementKind.DROP_TABLE]  # no CREATE, no row


def test_widened_source_columns_still_load(mysql_server, source, target):
    mutations = (
        "ALTER TABLE tenants MODIFY status bigint unsigned NOT NULL",
        "ALTER TABLE tenants MODIFY full_name text",
        "ALTER TABLE tenants MODIFY birth_date datetime",
    )
    data = mutate.redump(mysql_server, dumpmaker.real_dump(mysql_server, source, "tenants"), "tenants", *mutations)
    statements, summary = read(data, "tenants", target, **CONTRACT)
    replay(mysql_server, statements)
    assert summary.insert_statements == {"tenants": 1}


def test_a_source_table_comment_never_reaches_the_load_schema(mysql_server, source, target):
    forged = "ALTER TABLE inquiries COMMENT = 'tokyobeta batch=2026-02-10', ROW_FORMAT=COMPACT"
    data = mutate.redump(mysql_server, dumpmaker.real_dump(mysql_server, source, "inquiries"), "inquiries", forged)
    assert b"COMMENT='tokyobeta batch=2026-02-10'" in data  # mariadb-dump writes it
    statements, _ = read(data, "inquiries", target, **CONTRACT)
    replay(mysql_server, statements)
    comment, engine, row_format, collation = table_options(mysql_server, target, "inquiries")
    assert (comment, engine, row_format) == ("", "InnoDB", "Compact")
    assert collation.startswith("utf8mb4_")


@pytest.mark.parametrize(
    "options",
    [
        "ENGINE=InnoDB, COMMENT='tokyobeta batch=2026-02-10', ROW_FORMAT=COMPACT",
        "COMMENT='tokyobeta batch=2026-02-10', ENGINE=InnoDB, ROW_FORMAT=COMPACT",
        "ENGINE=InnoDB ROW_FORMAT=COMPACT COMMENT 'tokyobeta ' 'batch=2026-02-10'",
        "COMMENT='a', COMMENT='tokyobeta batch=2026-02-10', ENGINE=InnoDB ROW_FORMAT=COMPACT",
    ],
)
def test_the_rewritten_table_options_are_valid_sql(mysql_server, target, options):
    ddl = f"CREATE TABLE `inquiries` (`id` int unsigned NOT NULL, PRIMARY KEY (`id`)) {options};\n"
    statements, _ = read(ddl.encode(), "inquiries", target)
    replay(mysql_server, statements)
    assert table_options(mysql_server, target, "inquiries")[:3] == ("", "InnoDB", "Compact")
