"""Run the project's dbt (its own venv, .dbt-venv) against the harness server, as the pipeline's ETL user.

The profile (include/dbt/profiles.yml) reads everything from environment variables; this module sets them. dbt's
target/ and logs/ go to a temporary directory per runner so the repository is never dirtied.

Two ways to run the same CLI: `warm=False` starts `.dbt-venv/bin/dbt` for every command (exactly what Cosmos does);
`warm=True` keeps one dbt-venv Python process alive and hands it each command line through dbt's own programmatic
entry point (`dbtRunner().invoke(argv)`, what the `dbt` script runs; dbt's own functional tests call it many times
per process). Same arguments, environment, parsing and output; it only saves dbt's ~4 s of imports per command,
which is most of a small test build.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from tokyobeta_etl import dbt_project

REPO = Path(__file__).resolve().parents[2]
PROJECT_DIR = REPO / "include" / "dbt"
DBT = REPO / ".dbt-venv" / "bin" / "dbt"
DBT_PYTHON = REPO / ".dbt-venv" / "bin" / "python"

# The warm process: one JSON request per line ({"args": [...]}) in, one JSON answer per line out. dbt's console log
# goes to a buffer for the duration of each command (dbt opens its console stream per invocation).
_WORKER = r"""
import contextlib, io, json, sys
from dbt.cli.main import dbtRunner
out = sys.stdout
for line in sys.stdin:
    args = json.loads(line)["args"]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        try:
            res = dbtRunner().invoke(args)
            code = 0 if res.success else (2 if res.exception is not None else 1)
        except BaseException as e:  # a crash must not kill the worker silently
            print(f"worker: {type(e).__name__}: {e}")
            code = 2
    out.write(json.dumps({"returncode": code, "output": buf.getvalue()}) + "\n")
    out.flush()
"""
CREATE_SCHEMAS = REPO / "include" / "sql" / "staging" / "create_schemas.sql"


class DbtError(RuntimeError):
    """A dbt command failed; `result` holds its output and the run results."""

    def __init__(self, result: DbtResult):
        self.result = result
        super().__init__(f"dbt {' '.join(result.args)} exited {result.returncode}\n{result.tail()}")


@dataclass
class DbtResult:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    target_dir: Path
    run_results: dict | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def tail(self, lines: int = 60) -> str:
        return "\n".join((self.stdout + self.stderr).splitlines()[-lines:])

    def statuses(self) -> dict[str, str]:
        """unique_id -> status ('success', 'pass', 'fail', 'error', ...) from run_results.json."""
        if not self.run_results:
            return {}
        return {r["unique_id"]: r["status"] for r in self.run_results["results"]}

    def failed(self) -> dict[str, str]:
        """Nodes that failed, errored or were skipped (warnings are not failures)."""
        return {k: v for k, v in self.statuses().items() if v not in ("success", "pass", "warn")}

    def warned(self) -> list[str]:
        return sorted(k for k, v in self.statuses().items() if v == "warn")

    def timings(self) -> dict[str, float]:
        """unique_id -> execution seconds (database work plus dbt overhead per node)."""
        if not self.run_results:
            return {}
        return {r["unique_id"]: float(r["execution_time"]) for r in self.run_results["results"]}


class DbtRunner:
    """dbt CLI bound to one server and user; `run(...)` returns a DbtResult, raising DbtError unless check=False."""

    def __init__(
        self,
        host: str,
        port: int,
        user: str,
        password: str,
        workdir: Path | None = None,
        threads: int = 4,
        warm: bool = False,
    ):
        self.warm = warm
        self._worker: subprocess.Popen | None = None
        self._answers: queue.Queue = queue.Queue()
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="tokyobeta-dbt-"))
        self.target_dir = self.workdir / "target"
        self.log_dir = self.workdir / "logs"
        self.env = {
            **os.environ,
            "DO_NOT_TRACK": "1",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
            "TOKYOBETA_DB_HOST": host,
            "TOKYOBETA_DB_PORT": str(port),
            "TOKYOBETA_DB_USER": user,
            "DBT_ENV_SECRET_TOKYOBETA_DB_PASSWORD": password,
            "TOKYOBETA_DBT_THREADS": str(threads),
            "DBT_PROFILES_DIR": str(PROJECT_DIR),
            "DBT_PROJECT_DIR": str(PROJECT_DIR),
            "DBT_TARGET_PATH": str(self.target_dir),
            "DBT_LOG_PATH": str(self.log_dir),
            "DBT_USE_COLORS": "False",
            "DBT_PRINTER_WIDTH": "160",
        }
        # the Airflow venv's PYTHONPATH must not leak into dbt's interpreter
        self.env.pop("PYTHONPATH", None)

    @classmethod
    def for_etl_user(cls, server, etl_user, **kwargs) -> DbtRunner:
        return cls(server.host, server.port, etl_user.user, etl_user.password, **kwargs)

    def run(self, *args: str, vars: dict | None = None, check: bool = True, timeout: float = 600) -> DbtResult:
        argv = [str(DBT), *args]
        # the status sets as the DAG passes them (dbt_project.dbt_vars), not dbt_project.yml's copies
        argv += ["--vars", json.dumps({**dbt_project.status_set_vars(), **(vars or {})})]
        results_file = self.target_dir / "run_results.json"
        if results_file.exists():
            results_file.unlink()
        if self.warm:
            returncode, stdout, stderr = self._run_warm(argv[1:], timeout)
        else:
            proc = subprocess.run(
                argv, cwd=PROJECT_DIR, env=self.env, capture_output=True, text=True, timeout=timeout, check=False
            )
            returncode, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
        run_results = json.loads(results_file.read_text()) if results_file.exists() else None
        result = DbtResult(list(args), returncode, stdout, stderr, self.target_dir, run_results)
        if check and not result.ok:
            raise DbtError(result)
        return result

    def _run_warm(self, args: list[str], timeout: float) -> tuple[int, str, str]:
        if self._worker is None or self._worker.poll() is not None:
            self.workdir.mkdir(parents=True, exist_ok=True)
            self._worker = subprocess.Popen(
                [str(DBT_PYTHON), "-c", _WORKER],
                cwd=PROJECT_DIR,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=open(self.workdir / "worker.stderr", "ab"),  # noqa: SIM115 - owned by the worker process
                text=True,
            )
            threading.Thread(target=self._read_answers, args=(self._worker,), daemon=True).start()
        self._worker.stdin.write(json.dumps({"args": args}) + "\n")
        self._worker.stdin.flush()
        try:
            answer = self._answers.get(timeout=timeout)
        except queue.Empty:
            self.close()
            raise TimeoutError(f"dbt {' '.join(args)} did not finish in {timeout} s") from None
        if answer is None:
            raise RuntimeError(f"the dbt worker died; see {self.workdir / 'worker.stderr'}")
        return answer["returncode"], answer["output"], ""

    def _read_answers(self, worker: subprocess.Popen) -> None:
        for line in worker.stdout:
            self._answers.put(json.loads(line))
        self._answers.put(None)

    def build_silver(self, batch_date, batch_schema: str = "staging", check: bool = True, **kwargs) -> DbtResult:
        """The silver layer for one batch date: seeds, models and their tests (`dbt build --select tag:silver`)."""
        return self.run(
            "build",
            "--select",
            "tag:silver",
            vars={"batch_date": str(batch_date), "batch_schema": batch_schema},
            check=check,
            **kwargs,
        )

    def close(self) -> None:
        """Stop the warm process, if any (it is this runner's own child)."""
        if self._worker is not None:
            self._worker.stdin.close()
            try:
                self._worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._worker.kill()
                self._worker.wait()
            self._worker = None

    def cleanup(self) -> None:
        self.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


def empty_warehouse(server) -> None:
    """Every project table dropped, then staging's placeholders and ops tables created (as create_schemas does)."""
    from harness import warehouse
    from tokyobeta_etl.admin import split_sql

    warehouse.reset(server)
    server.execute(*split_sql(CREATE_SCHEMAS.read_text(encoding="utf-8")))


def query(server, sql: str, params: tuple | None = None) -> list[tuple]:
    """Rows of one query, as the administrator."""
    conn = server.connect()
    try:
        cur = conn.cursor()
        cur.execute(sql, params)
        return [tuple(r) for r in cur.fetchall()]
    finally:
        conn.close()
