"""A throwaway MySQL-compatible server for the test session.

Starts `mariadbd` (or `mysqld`) from PATH in a temp datadir on a free port, utf8mb4 by default, and removes it at the
end. With TOKYOBETA_TEST_MYSQL_URL=mysql://user:password@host:port set, that server is used instead: the harness then
drops and recreates the project's schemas there, so point it only at a server dedicated to tests.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import MySQLdb

from .ports import free_port, stop_process, wait_for_port

SERVER_BINARIES = ("mariadbd", "mysqld")
SEARCH_PATH = os.environ.get("PATH", "") + os.pathsep + "/usr/sbin" + os.pathsep + "/usr/local/sbin"


@dataclass
class MySQLServer:
    host: str
    port: int
    admin_user: str
    admin_password: str
    flavor: str  # "mariadb" or "mysql"
    _proc: subprocess.Popen | None = field(default=None, repr=False)
    _workdir: Path | None = field(default=None, repr=False)
    _argv: list[str] = field(default_factory=list, repr=False)

    def connect(
        self, database: str | None = None, user: str | None = None, password: str | None = None, **kwargs
    ) -> MySQLdb.Connection:
        return MySQLdb.connect(
            host=self.host,
            port=self.port,
            user=user or self.admin_user,
            password=self.admin_password if password is None else password,
            database=database or "",
            charset="utf8mb4",
            autocommit=True,
            **kwargs,
        )

    def client_cmd(
        self, database: str | None = None, user: str | None = None, password: str | None = None
    ) -> list[str]:
        """argv for the plain command-line client, connected like `connect()`."""
        client = shutil.which("mariadb", path=SEARCH_PATH) or shutil.which("mysql", path=SEARCH_PATH)
        if client is None:
            raise RuntimeError("neither `mariadb` nor `mysql` client is on PATH")
        argv = [
            client,
            "--protocol=TCP",
            "-h",
            self.host,
            "-P",
            str(self.port),
            "-u",
            user or self.admin_user,
            f"-p{self.admin_password if password is None else password}",
            "--default-character-set=utf8mb4",
        ]
        return argv + ([database] if database else [])

    def execute(self, *statements: str, database: str | None = None) -> None:
        conn = self.connect(database)
        try:
            cur = conn.cursor()
            for stmt in statements:
                cur.execute(stmt)
        finally:
            conn.close()

    def url(self, user: str | None = None, password: str | None = None) -> str:
        return f"mysql://{user or self.admin_user}:{password or self.admin_password}@{self.host}:{self.port}"

    def restart(self) -> None:
        """Stop the server (SIGTERM: every client connection is cut) and start it again on the same port and data."""
        if self._proc is None:
            raise RuntimeError("only a server this harness started can be restarted")
        stop_process(self._proc)
        self._proc = _launch(self._argv, self._workdir)
        wait_for_port(self.port, timeout=60, proc=self._proc, what=f"restarted server (log: {self._workdir})")

    def stop(self) -> None:
        if self._proc is not None:
            stop_process(self._proc)
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=False)


def from_url(url: str) -> MySQLServer:
    u = urlparse(url)
    if u.scheme not in ("mysql", "mariadb") or not u.hostname:
        raise ValueError(f"TOKYOBETA_TEST_MYSQL_URL must look like mysql://user:password@host:port, got {u.scheme}://…")
    return MySQLServer(
        host=u.hostname,
        port=u.port or 3306,
        admin_user=unquote(u.username or "root"),
        admin_password=unquote(u.password or ""),
        flavor="external",
    )


def start() -> MySQLServer:
    binary = next((b for name in SERVER_BINARIES if (b := shutil.which(name, path=SEARCH_PATH))), None)
    if binary is None:
        raise RuntimeError("no mariadbd or mysqld on PATH: install mariadb-server (see .ci/run)")
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout
    flavor = "mariadb" if "mariadb" in version.lower() else "mysql"
    workdir = Path(tempfile.mkdtemp(prefix="tokyobeta-mysql-"))
    datadir, sock, port = workdir / "data", workdir / "mysqld.sock", free_port()
    as_root = ["--user=root"] if os.geteuid() == 0 else []
    if flavor == "mariadb":
        install = shutil.which("mariadb-install-db", path=SEARCH_PATH) or shutil.which(
            "mysql_install_db", path=SEARCH_PATH
        )
        subprocess.run(
            [
                install,
                "--no-defaults",
                f"--datadir={datadir}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                *as_root,
            ],
            check=True,
            capture_output=True,
        )
    else:
        subprocess.run(
            [binary, "--no-defaults", "--initialize-insecure", f"--datadir={datadir}", *as_root],
            check=True,
            capture_output=True,
        )
    # its own temporary directory: nothing else that cleans /tmp can pull a temporary table from under a query
    (workdir / "tmp").mkdir()
    argv = [
        binary,
        "--no-defaults",
        f"--datadir={datadir}",
        f"--socket={sock}",
        f"--port={port}",
        "--bind-address=127.0.0.1",
        f"--pid-file={workdir / 'mysqld.pid'}",
        f"--tmpdir={workdir / 'tmp'}",
        "--character-set-server=utf8mb4",
        "--collation-server=utf8mb4_unicode_ci",
        "--innodb-buffer-pool-size=512M",
        "--innodb-log-file-size=256M",
        "--innodb-flush-log-at-trx-commit=2",
        "--max-allowed-packet=256M",
        "--skip-name-resolve",
        "--max-connections=300",
        *as_root,
    ]
    proc = _launch(argv, workdir)
    try:
        wait_for_port(port, timeout=60, proc=proc, what=f"{binary} (log: {workdir / 'server.log'})")
        password = secrets.token_hex(12)
        _create_admin(sock, password)
    except BaseException:
        proc.kill()
        raise
    return MySQLServer(
        host="127.0.0.1",
        port=port,
        admin_user="harness_admin",
        admin_password=password,
        flavor=flavor,
        _proc=proc,
        _workdir=workdir,
        _argv=argv,
    )


def _launch(argv: list[str], workdir: Path) -> subprocess.Popen:
    log = open(workdir / "server.log", "ab")  # noqa: SIM115 - kept open for the server's lifetime
    return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)


def _create_admin(sock: Path, password: str) -> None:
    """root can only log in over the socket; tests use a TCP admin like a real Aurora master user."""
    deadline = time.monotonic() + 30
    while True:
        try:
            conn = MySQLdb.connect(unix_socket=str(sock), user="root", password="", autocommit=True)
            break
        except MySQLdb.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    try:
        cur = conn.cursor()
        cur.execute("CREATE USER 'harness_admin'@'%%' IDENTIFIED BY %s", (password,))
        cur.execute("GRANT ALL PRIVILEGES ON *.* TO 'harness_admin'@'%' WITH GRANT OPTION")
    finally:
        conn.close()
