"""Dumps written by the real `mariadb-dump`, in every contract mode and gzipped, load identically."""

import datetime as dt

import pytest

from harness.dumpmaker import MODES, create_source, real_dump
from tokyobeta_etl.data_contract import CONTRACT_COLUMNS, DUMP_FILES
from tokyobeta_etl.loading.generations import parse_tag
from tokyobeta_etl.loading.load_dump import load_dump

BATCH = dt.date(2026, 2, 10)


@pytest.fixture(scope="module")
def source(mysql_server):
    return create_source(mysql_server, "gghouse_src")


def rows_of(server, schema, table):
    conn = server.connect(schema)
    try:
        cur = conn.cursor()
        cur.execute("SET SESSION sql_mode = ''")
        cols = ", ".join(f"`{c}`" for c in CONTRACT_COLUMNS[table])
        cur.execute(f"SELECT {cols} FROM `{table}` ORDER BY id")
        return cur.fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("gz", [False, True], ids=["sql", "sql.gz"])
@pytest.mark.parametrize("mode", list(MODES))
def test_every_mode_loads_the_same_rows(mysql_server, source, etl_conn, mode, gz):
    for stem, tables in DUMP_FILES.items():
        data = real_dump(mysql_server, source, stem, mode, gz)
        # Odd chunk sizes: the stream must not care where S3 cuts it.
        chunks = [data[i : i + 4093] for i in range(0, len(data), 4093)]
        result = load_dump(
            etl_conn,
            chunks,
            file_name=f"{stem}_20260210.sql" + (".gz" if gz else ""),
            stem=stem,
            gzip=gz,
            batch=BATCH,
            target_schema="staging_load",
        )
        assert result.bytes == len(data)
        for table in tables:
            assert rows_of(mysql_server, "staging_load", table) == rows_of(mysql_server, source, table), (mode, table)
            assert result.tables[table].rows == 6


def test_loaded_tables_carry_the_batch_tag_and_extra_columns(mysql_server, source, etl_conn):
    data = real_dump(mysql_server, source, "movings")
    load_dump(
        etl_conn,
        [data],
        file_name="movings_20260210.sql",
        stem="movings",
        gzip=False,
        batch=BATCH,
        target_schema="staging_load",
    )
    cur = etl_conn.cursor()
    cur.execute(
        "SELECT table_comment FROM information_schema.tables "
        "WHERE table_schema = 'staging_load' AND table_name = 'movings'"
    )
    assert parse_tag(cur.fetchone()[0]) == BATCH
    cur.execute("SELECT memo FROM staging_load.movings WHERE id = 1")
    assert cur.fetchone()[0] == "line\nbreak -- not a comment; /* nor this */"
    cur.execute("SELECT CAST(movein_decided_date AS CHAR) FROM staging_load.movings WHERE id = 1")
    assert cur.fetchone()[0] == "0000-00-00 00:00:00"
