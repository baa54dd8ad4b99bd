"""A throwaway PostgreSQL cluster: the metadata database of a real Airflow (LocalExecutor needs more than SQLite).

initdb into a temp dir, trust auth on loopback only, a free port. PostgreSQL refuses to run as root, so as root the
cluster belongs to the `postgres` system user the distribution's package creates.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .ports import free_port, stop_process, wait_for_port


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    if initdb := shutil.which("initdb"):
        return Path(initdb).parent
    raise RuntimeError("no PostgreSQL server binaries (initdb): install postgresql (see .ci/run)")


@dataclass
class PostgresServer:
    port: int
    user: str
    _proc: subprocess.Popen | None = field(default=None, repr=False)
    _workdir: Path | None = field(default=None, repr=False)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg2://{self.user}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user=self.user, dbname=database)
        conn.autocommit = True
        return conn

    def query(self, database: str, sql: str, params: tuple = ()) -> list[tuple]:
        """The rows of one statement, on a connection of its own (safe from any thread)."""
        conn = self.connect(database)
        try:
            cur = conn.cursor()
            cur.execute(sql, params)
            return cur.fetchall()
        finally:
            conn.close()

    def create_database(self, name: str) -> str:
        conn = self.connect()
        try:
            conn.cursor().execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.cursor().execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()
        return self.url(name)

    def stop(self) -> None:
        if self._proc is not None:
            stop_process(self._proc)  # SIGTERM: PostgreSQL's "smart" shutdown
        if self._workdir is not None:
            shutil.rmtree(self._workdir)


def start() -> PostgresServer:
    bindir = _bindir()
    workdir = Path(tempfile.mkdtemp(prefix="tokyobeta-postgres-"))
    datadir, port = workdir / "data", free_port()
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*as_user, str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    log = open(workdir / "server.log", "wb")  # noqa: SIM115 - kept open for the server's lifetime
    proc = subprocess.Popen(
        [
            *as_user,
            str(bindir / "postgres"),
            "-D",
            str(datadir),
            "-p",
            str(port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={workdir}",
            "-c",
            "max_connections=200",
            "-c",
            "fsync=off",  # a throwaway metadata DB: durability buys nothing here
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, timeout=60, proc=proc, what=f"postgres (log: {workdir / 'server.log'})")
    except BaseException:
        proc.kill()
        raise
    return PostgresServer(port=port, user="postgres", _proc=proc, _workdir=workdir)
