"""Small, nasty source databases and their dumps written by the real `mariadb-dump`, in any contract mode."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
from pathlib import Path

from tokyobeta_etl.data_contract import DUMP_FILES

REPO = Path(__file__).resolve().parents[2]
SOURCE_DDL = REPO / "docs" / "contract" / "source_schema.sql"
MODES = {
    "default": [],
    "compact": ["--compact"],
    "skip-extended-insert": ["--skip-extended-insert"],
    "complete-insert": ["--complete-insert"],
    "single-transaction": ["--single-transaction"],
    "databases": ["-B"],
}
NASTY = [
    "a';b",
    'quote " and \\ backslash',
    "line\nbreak -- not a comment; /* nor this */",
    "日本語 ゲストハウス",
    "NULL",
    "--",
    "",
]


def source_ddl() -> list[str]:
    """The contract DDL as MariaDB 10.11 accepts it (no MySQL-8-only collation), plus one extra source column."""
    text = SOURCE_DDL.read_text(encoding="utf-8").replace("utf8mb4_0900_ai_ci", "utf8mb4_unicode_ci")
    text = re.sub(r"--[^\n]*", "", text)
    stmts = [s.strip() for s in text.split(";") if s.strip()]
    return [
        s.replace("`updated_at` datetime NOT NULL,", "`updated_at` datetime NOT NULL,\n  `memo` text,", 1)
        if s.startswith("CREATE TABLE `movings`")
        else s
        for s in stmts
    ]


def rows(n: int = 6) -> dict[str, list[tuple]]:
    ts = "2026-02-09 10:00:00"
    return {
        "apartments": [
            (
                i,
                f"A{i:04d}",
                f"ゲストハウス{i}",
                f"Guest House {i}",
                "東京都",
                "杉並区",
                f"高円寺{i}",
                "166-0002",
                "35.705000",
                "139.649000",
                10,
                ts,
                ts,
            )
            for i in range(1, n + 1)
        ],
        "rooms": [(i, 1 + i % n, f"{100 + i}", 50000, 1, 1, 1, 1, None, ts, ts) for i in range(1, n + 1)],
        "tenants": [
            (
                i,
                [9, 4, 14, 7, 17, 8][i % 6],
                i,
                1,
                NASTY[i % len(NASTY)],
                "山田",
                "太郎",
                1,
                "0000-00-00" if i == 2 else "1990-01-01",
                30,
                "レソト" if i == 3 else "日本",
                "1",
                "NULL",
                1,
                None,
                0,
                None,
                ts,
                ts,
            )
            for i in range(1, n + 1)
        ],
        "movings": [
            (
                i,
                i,
                1 + i % n,
                i,
                1,
                "0000-00-00 00:00:00",
                "2026-01-01",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                0,
                0,
                0,
                50000,
                ts,
                ts,
                NASTY[(i + 1) % len(NASTY)],
            )
            for i in range(1, n + 1)
        ],
        "inquiries": [(i, i if i % 2 else None, "web", ts, ts) for i in range(1, n + 1)],
    }


def create_source(server, name: str = "gghouse", n: int = 6) -> str:
    server.execute(f"DROP DATABASE IF EXISTS `{name}`", f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    conn = server.connect(name)
    try:
        cur = conn.cursor()
        cur.execute("SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'")  # zero dates are legal source values
        for stmt in source_ddl():
            cur.execute(stmt)
        for table, data in rows(n).items():
            marks = ", ".join(["%s"] * len(data[0]))
            cur.executemany(f"INSERT INTO `{table}` VALUES ({marks})", data)
    finally:
        conn.close()
    return name


def real_dump(server, database: str, stem: str, mode: str = "default", gz: bool = False) -> bytes:
    """What `mariadb-dump` writes for one contract file, in one of MODES."""
    client = server.client_cmd()
    dump_bin = shutil.which("mariadb-dump") or shutil.which("mysqldump")
    argv = [dump_bin, *client[1:]]  # same connection flags as the client
    flags = MODES[mode]
    tables = list(DUMP_FILES[stem])
    target = [database, "--tables", *tables] if "-B" in flags else [database, *tables]
    out = subprocess.run([*argv, "--skip-dump-date", *flags, *target], check=True, capture_output=True).stdout
    return gzip.compress(out, mtime=0) if gz else out
