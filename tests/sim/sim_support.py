"""Shared helpers of the source-simulator tests (a uniquely named module: tests/ holds several conftests)."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import uuid
from dataclasses import replace
from datetime import date
from pathlib import Path

from tokyobeta_etl.data_contract import DUMP_FILES
from tokyobeta_sim import DumpOptions, Simulator

START = date(2026, 2, 1)
SMALL_SCALE = 0.05
SEED = 20260201


class ScratchDatabases:
    """Creates empty utf8mb4 databases on the harness server and drops them all at teardown."""

    def __init__(self, server) -> None:
        self.server = server
        self.names: list[str] = []

    def create(self, name: str | None = None) -> str:
        name = name or f"sim_{uuid.uuid4().hex[:10]}"
        self.server.execute(f"CREATE DATABASE `{name}` DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
        self.names.append(name)
        return name

    def load(self, database: str | None, dump: Path) -> None:
        """Feed a dump file (.sql or .sql.gz) to the plain `mariadb` client, as an operator would."""
        data = dump.read_bytes()
        if dump.suffix == ".gz":
            data = gzip.decompress(data)
        proc = subprocess.run(self.server.client_cmd(database), input=data, capture_output=True)
        assert proc.returncode == 0, f"loading {dump.name} failed: {proc.stderr.decode(errors='replace')}"

    def query(self, database: str, sql: str) -> list[tuple]:
        conn = self.server.connect(database)
        try:
            cur = conn.cursor()
            cur.execute(sql)
            return list(cur.fetchall())
        finally:
            conn.close()

    def dump_cmd(self) -> list[str]:
        """argv prefix for the real mariadb-dump, connected like the client."""
        binary = shutil.which("mariadb-dump") or shutil.which("mysqldump")
        assert binary, "mariadb-dump is not on PATH"
        s = self.server
        return [binary, "--protocol=TCP", "-h", s.host, "-P", str(s.port), "-u", s.admin_user, f"-p{s.admin_password}"]

    def drop_all(self) -> None:
        for name in self.names:
            self.server.execute(f"DROP DATABASE IF EXISTS `{name}`")


# Header/trailer lines that name the client, host, server version or time: the only lines allowed to differ.
VARYING = (b"-- MariaDB dump ", b"-- Host: ", b"-- Server version", b"-- Dump completed")


def _comparable(data: bytes) -> list[bytes]:
    return [line for line in data.split(b"\n") if not line.startswith(VARYING)]


def redump_and_compare(scratch, sim: Simulator, stem: str, options: DumpOptions) -> None:
    """Load one simulated dump into a fresh database and check mariadb-dump writes the same bytes back."""
    db = scratch.create()
    if options.databases:
        options = replace(options, database=db)  # the -B file names its own database: make it the scratch one
    data = sim.dump(stem, options, dump_date=False)
    proc = subprocess.run(scratch.server.client_cmd(db), input=data, capture_output=True)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    target = ["-B", db] if options.databases else [db, *DUMP_FILES[stem]]
    argv = [*scratch.dump_cmd(), "--skip-dump-date", *options.mariadb_dump_flags(), *target]
    real = subprocess.run(argv, capture_output=True, check=True).stdout
    ours, theirs = _comparable(data), _comparable(real)
    assert len(ours) == len(theirs), f"{stem}: {len(ours)} lines vs mariadb-dump's {len(theirs)}"
    for number, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        assert a == b, f"{stem} line {number}: {a[:300]!r} != {b[:300]!r}"
