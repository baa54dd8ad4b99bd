"""Byte-exact mariadb-dump 10.11 output for already-rendered rows.

Mirrors client/mysqldump.cc (VER 10.19): the header and footer SET lines, the per-table structure and data blocks,
and the extended-INSERT split rule driven by --net-buffer-length (default 1046528): a row joins the current
statement while `total + 2 + len(row) < net_buffer_length`, where a new statement starts at
`total = len(row) + 2 + len(insert_prefix) + 4`. Lengths are in bytes of the UTF-8 text.
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .schema import DATABASE_OPTIONS, TableDef

CLIENT_BANNER = "-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)"
SERVER_VERSION = "10.11.19-MariaDB-0+deb12u1"
DEFAULT_NET_BUFFER_LENGTH = 1046528
SANDBOX_LINE = "/*M!999999\\- enable the sandbox mode */ \n"

_HEADER_SETS = """\
/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;
"""

_FOOTER_SETS = """\
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;
"""


@dataclass(frozen=True)
class DumpOptions:
    """The mariadb-dump modes the simulator reproduces (defaults = plain `mariadb-dump db tables...`)."""

    compact: bool = False  # --compact
    extended_insert: bool = True  # --skip-extended-insert sets False
    complete_insert: bool = False  # --complete-insert
    databases: bool = False  # -B / --databases: CREATE DATABASE + USE
    database: str = "gghouse"  # the source database name written in the header (and by -B)
    gzip: bool = False  # write .sql.gz
    net_buffer_length: int = DEFAULT_NET_BUFFER_LENGTH
    host: str = "localhost"  # shown in the header comment only

    def mariadb_dump_flags(self) -> list[str]:
        """The mariadb-dump arguments that produce this mode (used by tests to re-dump and compare)."""
        flags = []
        if self.compact:
            flags.append("--compact")
        if not self.extended_insert:
            flags.append("--skip-extended-insert")
        if self.complete_insert:
            flags.append("--complete-insert")
        if self.net_buffer_length != DEFAULT_NET_BUFFER_LENGTH:
            flags.append(f"--net-buffer-length={self.net_buffer_length}")
        return flags


def completed_stamp(when: datetime) -> str:
    """mysys get_date(GETDATE_DATE_TIME): the hour is space-padded (`%2d`), e.g. '2026-02-10  5:30:00'."""
    return f"{when.year}-{when.month:02d}-{when.day:02d} {when.hour:2d}:{when.minute:02d}:{when.second:02d}"


def render_dump(
    tables: Sequence[tuple[TableDef, Sequence[bytes]]], options: DumpOptions, completed_at: datetime | None
) -> bytes:
    """The whole dump file for `tables` (each with its rendered rows in primary-key order).

    completed_at=None writes the `--skip-dump-date` trailer.
    """
    out: list[bytes] = [SANDBOX_LINE.encode()]
    db = options.database
    create_db = f"CREATE DATABASE /*!32312 IF NOT EXISTS*/ `{db}` /*!40100 {DATABASE_OPTIONS} */;\n\nUSE `{db}`;\n"
    if options.compact:
        if options.databases:
            out.append(("\n" + create_db).encode())
    else:
        out.append(
            (
                f"{CLIENT_BANNER}\n--\n-- Host: {options.host}    Database: {db}\n"
                f"-- ------------------------------------------------------\n"
                f"-- Server version\t{SERVER_VERSION}\n\n{_HEADER_SETS}"
            ).encode()
        )
        if options.databases:
            out.append(f"\n--\n-- Current Database: `{db}`\n--\n\n{create_db}".encode())
    for table, rows in tables:
        _table_block(out, table, rows, options)
    if not options.compact:
        stamp = "" if completed_at is None else f" on {completed_stamp(completed_at)}"
        out.append(f"{_FOOTER_SETS}\n-- Dump completed{stamp}\n".encode())
    data = b"".join(out)
    # mtime=0 keeps .gz output byte-identical across runs.
    return gzip.compress(data, compresslevel=6, mtime=0) if options.gzip else data


def _table_block(out: list[bytes], table: TableDef, rows: Sequence[bytes], options: DumpOptions) -> None:
    name = f"`{table.name}`"
    cs = (
        "/*!40101 SET @saved_cs_client     = @@character_set_client */;\n"
        "/*!40101 SET character_set_client = utf8mb4 */;\n"
        f"{table.create_statement()};\n"
        "/*!40101 SET character_set_client = @saved_cs_client */;\n"
    )
    if options.compact:
        out.append(cs.encode())
    else:
        out.append(
            (
                f"\n--\n-- Table structure for table {name}\n--\n\nDROP TABLE IF EXISTS {name};\n{cs}"
                f"\n--\n-- Dumping data for table {name}\n--\n\n"
                f"LOCK TABLES {name} WRITE;\n/*!40000 ALTER TABLE {name} DISABLE KEYS */;\n"
            ).encode()
        )
    _inserts(out, table, rows, options)
    if not options.compact:
        out.append(f"/*!40000 ALTER TABLE {name} ENABLE KEYS */;\nUNLOCK TABLES;\n".encode())


def _inserts(out: list[bytes], table: TableDef, rows: Sequence[bytes], options: DumpOptions) -> None:
    name = f"`{table.name}`"
    if options.complete_insert:
        cols = ", ".join(f"`{c}`" for c in table.column_names)
        prefix = f"INSERT INTO {name} ({cols}) VALUES " + ("" if options.extended_insert else "(")
    else:
        prefix = f"INSERT INTO {name} VALUES\n" if options.extended_insert else f"INSERT INTO {name} VALUES ("
    pat = prefix.encode()
    if not options.extended_insert:
        # The prefix already opened the parenthesis: each row goes without its own '('.
        out.extend(pat + row[1:] + b";\n" for row in rows)
        return
    limit = options.net_buffer_length
    init_length = len(pat) + 4
    total = limit  # forces a new statement on the first row
    started = False
    append = out.append
    for row in rows:
        row_length = 2 + len(row)
        if total + row_length < limit:
            total += row_length
            append(b",\n")
            append(row)
        else:
            if started:
                append(b";\n")
            started = True
            append(pat)
            append(row)
            total = row_length + init_length
    if started:
        append(b";\n")
