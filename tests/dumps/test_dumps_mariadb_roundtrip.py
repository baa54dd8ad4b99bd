"""Real `mariadb-dump` output, read by the dump reader and replayed into another schema, gives identical rows.

One of the two modules of tests/dumps that need a server (with test_dumps_schema_mariadb.py): the session's
`mysql_server` fixture (tests/conftest.py).
Statements are replayed with the driver exactly as the loader does: one `cursor.execute(sql)` per executable
statement, no parameters, in a session with utf8mb4, time_zone '+00:00' and a strict sql_mode that allows zero dates.
"""

from __future__ import annotations

import gzip
import secrets
import shutil
import subprocess

import MySQLdb
import pytest

from tokyobeta_etl.data_contract import DUMP_FILES
from tokyobeta_etl.dumps import ForbiddenStatement, StatementKind, read_dump

LOADER_SESSION = (
    "SET NAMES utf8mb4",
    "SET time_zone = '+00:00'",
    "SET sql_mode = 'STRICT_TRANS_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO'",
    "SET foreign_key_checks = 0",
)
NASTY_STRINGS = [
    "山田 太郎",
    "O'Brien's \"house\"",
    "back\\slash \\' \\\\' \\n literal",
    "semi;colon; DROP TABLE movings; --",
    "-- not a comment\n# nor this\n/* nor this */ */",
    "line1\nline2\r\nline3\ttab",
    "/*!40101 SET NAMES latin1 */;",
    "%s %d %(x)s {0}",
    "NULL",
    "",
    "--",
    "レソト",
    "🏠 emoji 𠮷",
    "x" * 70000,
]
SOURCE_DDL = {
    "movings": (
        "CREATE TABLE `movings` (\n"
        "  `id` int unsigned NOT NULL AUTO_INCREMENT,\n"
        "  `tenant_id` int unsigned NOT NULL,\n"
        "  `note` mediumtext,\n"
        "  `movein_date` date DEFAULT NULL,\n"
        "  `updated_at` datetime NOT NULL,\n"
        "  `synced_at` timestamp NULL DEFAULT NULL,\n"
        "  `rent` decimal(10,0) DEFAULT NULL,\n"
        "  `raw` blob,\n"
        "  `flag` bit(1) DEFAULT NULL,\n"
        "  PRIMARY KEY (`id`)\n"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"
    ),
    "apartments": (
        "CREATE TABLE `apartments` (`id` int NOT NULL, `apartment_name` varchar(255) NOT NULL,"
        " `latitude` decimal(8,6), PRIMARY KEY (`id`)) DEFAULT CHARSET=utf8mb4"
    ),
    "rooms": (
        "CREATE TABLE `rooms` (`apartment_id` int NOT NULL, `id` int NOT NULL, `room_number` varchar(16),"
        " PRIMARY KEY (`apartment_id`, `id`)) DEFAULT CHARSET=utf8mb4"
    ),
}
MODES = {
    "default": [],
    "compact": ["--compact"],
    "skip_extended_insert": ["--skip-extended-insert"],
    "complete_insert": ["--complete-insert"],
    "databases": ["-B"],
    "single_transaction_small_packets": ["--single-transaction", "--net-buffer-length=4096"],
    "no_autocommit": ["--no-autocommit"],
}


def _movings_rows() -> list[tuple]:
    rows = [(0, 1, "id zero needs NO_AUTO_VALUE_ON_ZERO", "2024-01-01", "2024-01-01 00:00:00", None, 1, b"", 0)]
    for i, text in enumerate(NASTY_STRINGS, start=1):
        rows.append(
            (
                i,
                i * 7,
                text,
                "0000-00-00" if i % 3 == 0 else None if i % 3 == 1 else "2026-02-10",
                "0000-00-00 00:00:00" if i % 2 else "2026-02-10 05:30:00",
                "2026-02-09 20:30:00" if i % 2 else None,
                -i * 1000,
                bytes(range(256)) if i == 2 else (b"\x00'\\\"\n;" if i % 2 else None),
                i % 2,
            )
        )
    for i in range(100, 400):  # enough rows for several INSERTs with --net-buffer-length=4096
        rows.append((i, i, f"行 {i}; it's", "2025-12-31", "2026-01-01 12:00:00", None, i, None, None))
    return rows


def _fill(conn, schema: str, stem: str) -> None:
    cur = conn.cursor()
    cur.execute(f"CREATE DATABASE `{schema}` DEFAULT CHARACTER SET utf8mb4")
    cur.execute(f"USE `{schema}`")
    cur.execute("SET sql_mode = 'NO_AUTO_VALUE_ON_ZERO'")  # zero dates and id 0 as the source system has them
    cur.execute("SET time_zone = '+09:00'")  # timestamps must survive the dump's UTC conversion
    for table in DUMP_FILES[stem]:
        cur.execute(SOURCE_DDL[table])
    if stem == "movings":
        cur.executemany("INSERT INTO movings VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s)", _movings_rows())
    else:
        cur.executemany(
            "INSERT INTO apartments VALUES (%s,%s,%s)", [(1, "ゲストハウス; '新宿'", 35.6895), (2, "B\\", None)]
        )
        cur.executemany("INSERT INTO rooms VALUES (%s,%s,%s)", [(1, 101, "101"), (1, 102, "-- x"), (2, 1, None)])


@pytest.fixture(scope="module")
def source(mysql_server):
    """{stem: source schema} with the nasty rows; dropped at the end."""
    token = secrets.token_hex(4)
    schemas = {stem: f"dumps_rt_{stem}_{token}" for stem in ("movings", "rooms")}
    conn = mysql_server.connect()
    try:
        for stem, schema in schemas.items():
            _fill(conn, schema, stem)
        yield schemas
    finally:
        cur = conn.cursor()
        for schema in schemas.values():
            cur.execute(f"DROP DATABASE IF EXISTS `{schema}`")
        conn.close()


@pytest.fixture
def target(mysql_server):
    schema = f"dumps_rt_dst_{secrets.token_hex(4)}"
    mysql_server.execute(f"CREATE DATABASE `{schema}` DEFAULT CHARACTER SET utf8mb4")
    yield schema
    mysql_server.execute(f"DROP DATABASE IF EXISTS `{schema}`")


def dump(server, schema: str, options: list[str]) -> bytes:
    tool = shutil.which("mariadb-dump") or shutil.which("mysqldump")
    assert tool, "mariadb-dump is not on PATH"
    argv = [
        tool,
        "--protocol=TCP",
        f"--host={server.host}",
        f"--port={server.port}",
        f"--user={server.admin_user}",
        f"--password={server.admin_password}",
        "--default-character-set=utf8mb4",
        *options,
        schema,
    ]
    return subprocess.run(argv, capture_output=True, check=True, timeout=120).stdout


def replay(server, statements, database: str | None = None) -> None:
    conn = server.connect(database)
    try:
        cur = conn.cursor()
        for stmt in LOADER_SESSION:
            cur.execute(stmt)
        for stmt in statements:
            cur.execute(stmt.sql)  # no parameters: '%' in the payload must not be interpreted
    finally:
        conn.close()


def table_image(server, schema: str, table: str) -> tuple:
    """Every row of `table` as hex strings (so NULL, '' and zero dates stay distinct), plus the DDL and checksum."""
    conn = server.connect(schema)
    try:
        cur = conn.cursor()
        cur.execute("SET time_zone = '+00:00'")
        cur.execute(f"SHOW COLUMNS FROM `{table}`")
        columns = [r[0] for r in cur.fetchall()]
        cur.execute(f"SELECT {', '.join(f'HEX(`{c}`)' for c in columns)} FROM `{table}` ORDER BY 1, 2")
        rows = cur.fetchall()
        cur.execute(f"SHOW CREATE TABLE `{table}`")
        ddl = cur.fetchone()[1]
        cur.execute(f"CHECKSUM TABLE `{table}`")
        checksum = cur.fetchone()[1]
        return rows, ddl, checksum
    finally:
        conn.close()


@pytest.mark.parametrize("stem", ["movings", "rooms"])
@pytest.mark.parametrize("mode", list(MODES))
def test_mariadb_dump_round_trip(mysql_server, source, target, stem, mode):
    data = dump(mysql_server, source[stem], MODES[mode])
    gz = mode == "default"  # one mode through gzip, as S3 may hold .sql.gz
    raw = gzip.compress(data) if gz else data
    chunks = [raw[i : i + 65536] for i in range(0, len(raw), 65536)]
    reader = read_dump(chunks, file_name=f"{stem}_20260210.sql", stem=stem, target_schema=target, gzip=gz)
    statements = list(reader)
    summary = reader.summary

    assert summary.tables == DUMP_FILES[stem]
    assert summary.completed == (mode != "compact")
    assert all(
        s.sql.startswith(
            (
                b"DROP TABLE IF EXISTS `" + target.encode(),
                b"CREATE TABLE `" + target.encode(),
                b"INSERT INTO `" + target.encode(),
            )
        )
        for s in statements
    )
    inserts = [s for s in statements if s.kind is StatementKind.INSERT]
    if mode == "complete_insert":
        assert all(s.columns for s in inserts)
    if stem == "movings" and mode == "skip_extended_insert":
        assert len(inserts) == len(_movings_rows())
    if stem == "movings" and mode == "single_transaction_small_packets":
        assert len(inserts) > 3

    replay(mysql_server, statements)
    for table in DUMP_FILES[stem]:
        rows, ddl, checksum = table_image(mysql_server, source[stem], table)
        assert rows, "the source table has rows"
        assert table_image(mysql_server, target, table) == (rows, ddl, checksum)


def test_dump_with_a_trigger_is_refused(mysql_server, source, target):
    conn = mysql_server.connect(source["rooms"])
    try:
        conn.cursor().execute("CREATE TRIGGER trg BEFORE INSERT ON rooms FOR EACH ROW SET NEW.room_number = 'x'")
        data = dump(mysql_server, source["rooms"], [])
    finally:
        conn.cursor().execute("DROP TRIGGER IF EXISTS trg")
        conn.close()
    with pytest.raises(ForbiddenStatement) as err:
        list(read_dump([data], file_name="rooms_20260210.sql", stem="rooms", target_schema=target))
    assert err.value.kind == "DELIMITER"


@pytest.mark.parametrize(
    ("name", "stem"), [("mysql8_rooms.sql", "rooms"), ("percona8_inquiries_B_complete.sql", "inquiries")]
)
def test_mysql8_samples_load_into_mariadb_with_the_collation_shim(mysql_server, target, sample_dump, name, stem):
    data = sample_dump(name)
    if mysql_server.flavor == "mariadb":  # MariaDB 10.11 does not know utf8mb4_0900_*: the shim is what makes it load
        unshimmed = read_dump([data], file_name=name, stem=stem, target_schema=target)
        with pytest.raises(MySQLdb.OperationalError, match="Unknown collation"):
            replay(mysql_server, unshimmed)
    shimmed = list(read_dump([data], file_name=name, stem=stem, target_schema=target, collation_shim=True))
    replay(mysql_server, shimmed)
    conn = mysql_server.connect(target)
    try:
        cur = conn.cursor()
        for table in DUMP_FILES[stem]:
            cur.execute(f"SELECT COUNT(*) FROM `{table}`")
            assert cur.fetchone()[0] > 0
        if stem == "inquiries":
            cur.execute("SELECT HEX(memo) FROM inquiries WHERE id = 1002")
            memo = bytes.fromhex(cur.fetchone()[0]).decode()
            assert memo == "it's 'quoted' and \"double\" \\ and %s %d"
            cur.execute("SELECT COUNT(*) FROM inquiries WHERE id = 0")
            assert cur.fetchone()[0] == 1
    finally:
        conn.close()
