"""`make bundle` deployed as Amazon MWAA lays it out, and the daily DAG run from there.

The bundle is unpacked into a directory shaped like MWAA's /usr/local/airflow (dags/, plugins/ unzipped from
plugins.zip, requirements/requirements.txt, startup/startup.sh); the startup script is sourced there as MWAA does
and builds the dbt venv from the package registry; then the MWAA-constrained Airflow venv (.venv), seeing only the
deployed plugins and dags folders (never the repository's), parses the DAGs and `airflow dags test`s one simulated
day against the harness's MySQL-compatible server and moto S3 (docs/decisions/0006-mwaa-bundle.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import subprocess
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness import airflow_env
from harness import moto_server as mt
from harness import warehouse as wh
from harness.runs import REPO, fire_time, simulate_to_s3
from tokyobeta_etl.data_contract import DEFAULT_BUCKET

pytestmark = pytest.mark.slow

DAY = dt.date(2026, 2, 9)
DAG_FILES = {
    "tokyobeta_daily_etl.py",
    "tokyobeta_freshness_check.py",
    "tokyobeta_oncall.py",
    "tokyobeta_run_duration_check.py",
}
ONCALL_COMMANDS = ("check_freshness", "verify_row_counts", "reload", "restore_backup", "show_locks")
DAG_IDS = {"tokyobeta_daily_etl", "tokyobeta_freshness_check", "tokyobeta_run_duration_check"} | {
    f"tokyobeta_oncall_{command}" for command in ONCALL_COMMANDS
}
VENV_BIN = REPO / ".venv" / "bin"
# Set by the test process or the harness: never let them reach the deployed Airflow (pip's own settings stay).
LEAKY_PREFIXES = ("AIRFLOW", "TOKYOBETA_", "PYTHONPATH", "AWS_", "DBT_", "DO_NOT_TRACK", "VIRTUAL_ENV")
STARTUP_EXPORTS = {
    "DO_NOT_TRACK": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
}

# Run by the deployed Airflow's Python: what the DAG processor sees in the dags folder, and where everything came from.
PARSE = """
import json, sys
from airflow import plugins_manager
from airflow.configuration import conf
from airflow.models import DagBag
from airflow.utils.file import find_path_from_directory, list_py_file_paths

folder = conf.get("core", "dags_folder")
bag = DagBag(dag_folder=folder, include_examples=False)
plugins_manager.ensure_plugins_loaded()
daily = bag.dags.get("tokyobeta_daily_etl")
print("PARSED " + json.dumps({
    "import_errors": {path: str(err) for path, err in bag.import_errors.items()},
    "dag_ids": sorted(bag.dag_ids),
    "walked": sorted(find_path_from_directory(folder, ".airflowignore")),
    "dag_files": sorted(list_py_file_paths(folder, include_examples=False)),
    "plugin_files": sorted(find_path_from_directory(conf.get("core", "plugins_folder"), ".airflowignore")),
    "plugin_errors": plugins_manager.import_errors,
    "modules": {name: getattr(mod, "__file__", None) for name, mod in sys.modules.items()
                if name.split(".")[0] == "tokyobeta_etl"},
    "dbt_executables": sorted({str(t.dbt_executable_path) for t in daily.tasks if hasattr(t, "dbt_executable_path")}),
}))
"""


@dataclass
class Deployment:
    bundle: Path
    root: Path  # the stand-in for /usr/local/airflow
    seconds: dict[str, float]  # per step (also written to timings.json beside the bundle)
    startup_log: str
    exported: dict[str, str]  # what startup.sh exported, as MWAA hands it to Airflow
    second_startup_log: str
    venv_untouched: bool
    parsed: dict
    dags_test: subprocess.CompletedProcess
    states: dict[str, str]
    dbt_tasks: int  # tasks that run a dbt command (Cosmos renders ephemeral models as empty tasks)
    snapshot_rows: int
    kpi_rows: int


def _clean_environ() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(LEAKY_PREFIXES)}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"  # `python3` and `airflow`, as on MWAA
    return env


def _unpack(bundle: Path, root: Path) -> None:
    """As MWAA lays out its S3 objects on a container."""
    root.mkdir(parents=True)
    subprocess.run(["cp", "-a", str(bundle / "dags"), str(root / "dags")], check=True)
    with zipfile.ZipFile(bundle / "plugins.zip") as zf:
        zf.extractall(root / "plugins")
    for name, target in (("requirements.txt", "requirements"), ("startup.sh", "startup")):
        (root / target).mkdir()
        subprocess.run(["cp", "-a", str(bundle / name), str(root / target / name)], check=True)


def _source_startup(root: Path, env: dict[str, str]) -> tuple[dict[str, str], str]:
    """Source startup.sh in bash and read the environment it leaves, as MWAA's entrypoint does."""
    proc = subprocess.run(
        ["/bin/bash", "-c", 'source "$0" 1>&2 && env -0', str(root / "startup" / "startup.sh")],
        cwd=root,
        env=env,
        capture_output=True,
        timeout=300,  # MWAA's limit
    )
    log = proc.stderr.decode(errors="replace")
    assert proc.returncode == 0, log
    after = dict(item.split("=", 1) for item in proc.stdout.decode().split("\0") if "=" in item)
    noise = {"_", "SHLVL", "PWD", "OLDPWD"}
    return {k: v for k, v in after.items() if env.get(k) != v and k not in noise}, log


def _run(args: list[str], env: dict[str, str], cwd: Path, timeout: int) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


class _Clock(dict):
    """Seconds per named step."""

    @contextlib.contextmanager
    def step(self, name: str):
        started = time.monotonic()
        yield
        self[name] = round(time.monotonic() - started, 1)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory, mysql_server, etl_user, moto_server) -> Deployment:
    work = tmp_path_factory.mktemp("mwaa")
    bundle = work / "bundle"
    clock = _Clock()
    with clock.step("make bundle"):
        built = _run(["make", "--no-print-directory", "bundle", f"BUNDLE_DIR={bundle}"], os.environ.copy(), REPO, 300)
    assert built.returncode == 0, built.stdout + built.stderr

    root = work / "usr" / "local" / "airflow"
    _unpack(bundle, root)
    bare = {**_clean_environ(), "AIRFLOW_HOME": str(root)}
    with clock.step("startup.sh"):
        exported, startup_log = _source_startup(root, bare)
    dbt = root / "dbt_venv" / "bin" / "dbt"
    stamp_before = (root / "dbt_venv" / ".tokyobeta-pins").stat().st_mtime_ns, dbt.stat().st_mtime_ns
    with clock.step("startup.sh again"):
        _, second_log = _source_startup(root, bare)
    stamp_after = (root / "dbt_venv" / ".tokyobeta-pins").stat().st_mtime_ns, dbt.stat().st_mtime_ns

    env = {
        **bare,
        **airflow_env.settings(root),
        "AIRFLOW__CORE__DAGS_FOLDER": str(root / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(root / "plugins"),
        "PYTHONPATH": str(root / "plugins"),
        **airflow_env.connections(
            mysql_server.url(etl_user.user, etl_user.password), moto_server.endpoint_url, mt.REGION
        ),
        **mt.CREDENTIALS,
        **exported,  # MWAA: the startup script's exports win over its own opinionated defaults
    }
    with clock.step("db migrate"):
        migrated = _run([str(VENV_BIN / "airflow"), "db", "migrate"], env, root, 300)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr

    with clock.step("parse"):
        parse = _run([str(VENV_BIN / "python"), "-c", PARSE], env, root, 300)
    assert parse.returncode == 0, parse.stdout + parse.stderr
    parsed = json.loads(next(line for line in parse.stdout.splitlines() if line.startswith("PARSED "))[7:])

    wh.reset(mysql_server)
    moto_server.reset()
    s3 = moto_server.client("s3")
    s3.create_bucket(Bucket=DEFAULT_BUCKET, CreateBucketConfiguration={"LocationConstraint": mt.REGION})
    simulate_to_s3(s3, DEFAULT_BUCKET, DAY, 1)
    logical_date = fire_time(DAY).isoformat()
    with clock.step("dags test"):
        dags_test = _run(
            [str(VENV_BIN / "airflow"), "dags", "test", "tokyobeta_daily_etl", logical_date], env, root, 900
        )
    (work / "dags_test.log").write_text(dags_test.stdout + dags_test.stderr)
    (work / "timings.json").write_text(json.dumps(clock, indent=1))
    db = sqlite3.connect(root / "airflow.db")
    rows = db.execute("SELECT task_id, state, operator FROM task_instance WHERE dag_id = 'tokyobeta_daily_etl'")
    tasks = {task_id: (state, operator or "") for task_id, state, operator in rows}
    db.close()

    return Deployment(
        bundle=bundle,
        root=root,
        seconds=dict(clock),
        startup_log=startup_log,
        exported=exported,
        second_startup_log=second_log,
        venv_untouched=stamp_before == stamp_after,
        parsed=parsed,
        dags_test=dags_test,
        states={task_id: state for task_id, (state, _) in tasks.items()},
        dbt_tasks=sum(operator.startswith("Dbt") for _, operator in tasks.values()),
        snapshot_rows=wh.count(mysql_server, "silver.tenant_room_snapshot_daily", f"WHERE snapshot_date = '{DAY}'"),
        kpi_rows=wh.count(mysql_server, "gold.occupancy_daily_metrics"),
    )


def test_the_bundle_has_the_mwaa_layout(deployed):
    bundle = deployed.bundle
    assert sorted(p.name for p in bundle.iterdir()) == ["dags", "plugins.zip", "requirements.txt", "startup.sh"]
    assert {p.name for p in (bundle / "dags").iterdir()} == DAG_FILES | {".airflowignore", "include"}
    assert (bundle / "requirements.txt").read_bytes() == (REPO / "requirements.txt").read_bytes()
    assert os.access(bundle / "startup.sh", os.X_OK)
    assert (bundle / "dags" / ".airflowignore").read_text().splitlines()[-1] == "^include(/|$)"

    include = bundle / "dags" / "include"
    assert (include / "sql" / "staging" / "publish.sql").is_file()
    assert (include / "dbt" / "dbt_project.yml").is_file()
    manifest = include / "dbt" / "target" / "manifest.json"
    assert manifest.read_bytes() == (REPO / "include" / "dbt" / "target" / "manifest.json").read_bytes()
    assert [p.name for p in manifest.parent.iterdir()] == ["manifest.json"]  # no run artefacts
    # no caches, logs, virtualenvs, secrets or test code (dbt's own data tests, macros/tests, are part of the project)
    unwanted = {"__pycache__", "logs", "dbt_venv", ".dbt-venv", ".venv", "harness", "profiles.yml", "conftest.py"}
    shipped = [p.relative_to(bundle) for p in bundle.rglob("*")]
    assert [
        path
        for path in shipped
        if unwanted & set(path.parts) or path.suffix == ".pyc" or path.name.startswith(("test_", ".env"))
    ] == []


def test_plugins_zip_holds_the_package_at_its_root(deployed):
    names = zipfile.ZipFile(deployed.bundle / "plugins.zip").namelist()
    assert ".airflowignore" in names  # the plugins manager must not execute the package's modules
    assert "tokyobeta_etl/__init__.py" in names and "tokyobeta_etl/operators/dbt_layers.py" in names
    assert all(name == ".airflowignore" or name.startswith("tokyobeta_etl/") for name in names)
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]
    assert not [name for name in names if name.startswith("tokyobeta_sim/")]  # test and demo data only
    repo_modules = {
        p.relative_to(REPO / "plugins").as_posix()
        for p in (REPO / "plugins" / "tokyobeta_etl").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert repo_modules <= set(names)


def test_startup_builds_the_dbt_venv_and_exports_where_it_is(deployed):
    dbt = deployed.root / "dbt_venv" / "bin" / "dbt"
    assert "building the dbt venv" in deployed.startup_log
    assert deployed.exported == {"TOKYOBETA_DBT_EXECUTABLE": str(dbt), **STARTUP_EXPORTS}
    # exactly the repository's full pin of the dbt venv (make dbt-lock writes it the same way)
    frozen = subprocess.run(
        [str(dbt.parent / "pip"), "freeze", "--exclude-editable"], capture_output=True, text=True, check=True
    ).stdout.split()
    lock = (REPO / "constraints" / "dbt-venv.txt").read_text().splitlines()
    assert sorted(frozen) == sorted(line for line in lock if line and not line.startswith("#"))


def test_startup_is_idempotent_and_fast_the_second_time(deployed):
    assert "is up to date" in deployed.second_startup_log, deployed.second_startup_log
    assert "building" not in deployed.second_startup_log
    assert deployed.venv_untouched
    assert deployed.seconds["startup.sh again"] < 10


def test_the_dags_parse_from_the_deployed_folders_only(deployed):
    parsed, root = deployed.parsed, deployed.root
    assert parsed["import_errors"] == {}
    assert set(parsed["dag_ids"]) == DAG_IDS
    assert {Path(p).name for p in parsed["dag_files"]} == DAG_FILES
    # the DAG processor does not even look into include/
    assert sorted(Path(p).relative_to(root / "dags").as_posix() for p in parsed["walked"]) == sorted(DAG_FILES)
    # the plugins manager skips the package (plugins.zip's .airflowignore): it is a library, not a plugin
    assert parsed["plugin_files"] == [] and parsed["plugin_errors"] == {}
    assert parsed["modules"]["tokyobeta_etl"] == str(root / "plugins" / "tokyobeta_etl" / "__init__.py")
    assert all(file is None or file.startswith(str(root / "plugins")) for file in parsed["modules"].values())
    assert parsed["dbt_executables"] == [str(root / "dbt_venv" / "bin" / "dbt")]


def test_dags_test_runs_a_day_with_the_startup_built_dbt(deployed):
    run = deployed.dags_test
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-5000:]
    states = deployed.states
    assert states.pop("refresh_quicksight") == "skipped"  # no QuickSight dataset configured
    assert len(states) > 30 and set(states.values()) == {"success"}, states
    assert any(task.startswith("silver.") for task in states) and any(task.startswith("gold.") for task in states)
    assert deployed.snapshot_rows > 0
    assert deployed.kpi_rows > 0
    # Cosmos logs each dbt command it runs: all of them with the startup-built executable, none with the repository's
    lines = run.stdout.splitlines()
    commands = [lines[i + 1] for i, line in enumerate(lines[:-1]) if line.endswith("Trying to run the command:")]
    dbt = str(deployed.root / "dbt_venv" / "bin" / "dbt")
    assert len(commands) == deployed.dbt_tasks > 20
    assert all(command.startswith(f" [PosixPath('{dbt}'), ") for command in commands), commands[:3]
    assert str(REPO / ".dbt-venv") not in run.stdout + run.stderr
