"""Where the dbt project, its manifest and the dbt executable are, and the Cosmos configuration built from them.

Nothing here runs dbt or touches the network: Cosmos renders the task groups from the built manifest.json.
dbt itself runs from its own virtualenv (dbt 1.7 cannot live under MWAA's constraints):
TOKYOBETA_DBT_EXECUTABLE, else `.dbt-venv/bin/dbt` beside include/ (this repository, `make setup`), else the
virtualenv MWAA's startup script builds (`/usr/local/airflow/dbt_venv/bin/dbt`).
"""

from __future__ import annotations

import os
from pathlib import Path

from tokyobeta_etl import backups, config, data_contract

MWAA_DBT_EXECUTABLE = Path("/usr/local/airflow/dbt_venv/bin/dbt")
PROFILE_NAME = "tokyobeta"
TARGET_NAME = "airflow"
# dbt waits on the network for its usage statistics unless told not to.
DBT_ENV = {"DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}


def project_dir(dag_file: str) -> Path:
    return config.include_dir(dag_file) / "dbt"


def manifest_path(dag_file: str) -> Path:
    return project_dir(dag_file) / "target" / "manifest.json"


def dbt_executable(dag_file: str) -> Path:
    if override := os.environ.get("TOKYOBETA_DBT_EXECUTABLE"):
        return Path(override)
    local = config.include_dir(dag_file).parent / ".dbt-venv" / "bin" / "dbt"
    return local if local.exists() else MWAA_DBT_EXECUTABLE


def status_set_vars() -> dict[str, list[int]]:
    """The tenant status sets (CONTRACT.md sections 4 to 6) as dbt reads them, from data_contract, their one owner.
    dbt_project.yml repeats them as `vars:` defaults so that `dbt parse` works without vars;
    tests/dbt/test_status_sets_single_owner.py keeps every such copy equal to these."""
    return {
        "snapshot_statuses": sorted(data_contract.SNAPSHOT_STATUSES),
        "present_statuses": sorted(data_contract.PRESENT_STATUSES),
        "primary_status_rank": list(data_contract.PRIMARY_STATUS_RANK),
        "movein_statuses": sorted(data_contract.MOVEIN_STATUSES),
    }


def dbt_vars() -> dict[str, object]:
    """Templated per run: the batch date, where that batch's raw tables are now (see models' README), and the KPI
    window's lookback; constant: the status sets."""
    return {
        **status_set_vars(),
        **backups.dbt_vars(),  # the backup tables' naming pieces (macros/backups.sql reads them)
        "batch_date": "{{ tokyobeta.batch_iso(params, data_interval_end) }}",
        "batch_schema": "{{ tokyobeta.batch_schema(params, data_interval_end, tokyobeta.staging_tables) }}",
        "backup_generations": "{{ tokyobeta.setting('tokyobeta_backup_generations') }}",
        "lock_wait_seconds": "{{ tokyobeta.lock_wait_seconds() }}",
        # the occupancy KPIs' window, also gold.property_daily_metrics' (the run param; dbt_project.yml's default)
        "lookback_days": "{{ params.lookback_days }}",
    }


def profile_config():
    from cosmos import ProfileConfig
    from cosmos.profiles.mysql.user_pass import MysqlUserPasswordProfileMapping

    # The password reaches dbt as an environment variable, never in a written profile or a log line.
    return ProfileConfig(
        profile_name=PROFILE_NAME,
        target_name=TARGET_NAME,
        profile_mapping=MysqlUserPasswordProfileMapping(
            conn_id=config.MYSQL_CONN_ID, profile_args={"schema": "silver", "threads": 4}
        ),
    )


def raise_on_lock_wait(project_dir: str, **_) -> None:
    """Cosmos calls this after every dbt invocation, failed ones included, before it raises its own error (which
    carries only dbt's exit code): a node that gave up waiting for a lock fails with LockWaitTimeout instead, naming
    the session holding its table (tokyobeta_etl.db_session)."""
    import json

    from tokyobeta_etl import db_session

    results = Path(project_dir) / "target" / "run_results.json"
    if not results.is_file():
        return
    for result in json.loads(results.read_text()).get("results", []):
        message = str(result.get("message") or "")
        if result.get("status") == "error" and db_session.is_lock_wait_timeout(message):
            tables = db_session.tables_in(str(result.get("relation_name") or "")) or db_session.tables_in(message)
            raise db_session.lock_wait_error(RuntimeError(f"{result.get('unique_id')}: {message}"), tables)
