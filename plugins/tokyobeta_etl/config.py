"""Runtime settings: connection ids, schema names, Airflow Variables and their defaults.

Variables are read only inside tasks (never at DAG parse time), through `setting()`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from tokyobeta_etl.data_contract import DEFAULT_BUCKET, DEFAULT_PREFIX

MYSQL_CONN_ID = "tokyobeta_aurora"
AWS_CONN_ID = "aws_default"

DAILY_DAG_ID = "tokyobeta_daily_etl"
FRESHNESS_DAG_ID = "tokyobeta_freshness_check"
RUN_DURATION_DAG_ID = "tokyobeta_run_duration_check"
ONCALL_DAG_PREFIX = "tokyobeta_oncall_"
# The on-call DAGs that change the warehouse: they never run beside a daily run (tokyobeta_etl.run_exclusion).
ONCALL_WRITING_DAG_IDS = (f"{ONCALL_DAG_PREFIX}reload", f"{ONCALL_DAG_PREFIX}restore_backup")
TIMEZONE = "Asia/Tokyo"
# The DAGs' start date, and so the first batch date that can be loaded.
DAILY_START_DATE = dt.date(2026, 1, 1)


def dag_start_date():
    import pendulum

    return pendulum.datetime(DAILY_START_DATE.year, DAILY_START_DATE.month, DAILY_START_DATE.day, tz=TIMEZONE)


# Airflow configuration options every deployment sets (MWAA: the environment's configuration options; locally and
# in the tests: the AIRFLOW__SECTION__KEY environment variables of `airflow_config_env`). A finished task's own
# "mini scheduler" locks its dag_run row and then its downstream task rows; `airflow dags backfill` updates the same
# rows in the other order, and on PostgreSQL Airflow 2.10.3's backfill then dies of the deadlock (measured: 1 of 2
# backfills of three days). Without it the scheduler alone queues the next tasks, at most one scheduler loop later.
AIRFLOW_CONFIGURATION_OPTIONS = {"scheduler.schedule_after_task_execution": "False"}


def option_env_var(option: str) -> str:
    """The environment variable Airflow (and MWAA) reads an option from: `section.key` -> AIRFLOW__SECTION__KEY."""
    section, key = option.split(".")
    return f"AIRFLOW__{section.upper()}__{key.upper()}"


def airflow_config_env() -> dict[str, str]:
    """AIRFLOW_CONFIGURATION_OPTIONS as Airflow's environment variables."""
    return {option_env_var(option): value for option, value in AIRFLOW_CONFIGURATION_OPTIONS.items()}


# Our own options on MWAA (custom section `tokyobeta`; MWAA hands them to every component as AIRFLOW__TOKYOBETA__*).
SLA_DEADLINE_OPTION = "tokyobeta.sla_deadline_jst"
# The MWAA environment's name: the freshness heartbeat's CloudWatch dimension (tokyobeta_etl.heartbeat).
ENVIRONMENT_NAME_OPTION = "tokyobeta.environment_name"

# Airflow's secrets backend on MWAA: connection `c` is the secret `airflow/connections/c`, Variable `v` the secret
# `airflow/variables/v` (deploy/tokyobeta-platform.yaml creates them; its execution role reads `airflow/*` only).
SECRETS_BACKEND = "airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend"
SECRETS_CONNECTIONS_PREFIX = "airflow/connections"
SECRETS_VARIABLES_PREFIX = "airflow/variables"


def connection_secret(conn_id: str) -> str:
    return f"{SECRETS_CONNECTIONS_PREFIX}/{conn_id}"


def variable_secret(name: str) -> str:
    if name not in VARIABLE_DEFAULTS:
        raise KeyError(f"unknown Variable {name!r}")
    return f"{SECRETS_VARIABLES_PREFIX}/{name}"


def mwaa_configuration_options(environment_name: str, sla_deadline_jst: str) -> dict[str, str]:
    """Every Airflow configuration option of the MWAA environment (deploy/tokyobeta-platform.yaml sets exactly these;
    a test compares): the deployment-wide ones above, the secrets backend, Cosmos without telemetry, the SLA deadline
    and the environment's name."""
    kwargs = {"connections_prefix": SECRETS_CONNECTIONS_PREFIX, "variables_prefix": SECRETS_VARIABLES_PREFIX}
    return {
        **AIRFLOW_CONFIGURATION_OPTIONS,
        "secrets.backend": SECRETS_BACKEND,
        "secrets.backend_kwargs": json.dumps(kwargs),
        "cosmos.enable_telemetry": "False",
        SLA_DEADLINE_OPTION: sla_deadline_jst,
        ENVIRONMENT_NAME_OPTION: environment_name,
    }


# Schemas (CONTRACT.md section 2). staging_load and staging_prev are the load area and the previous generation.
STAGING = "staging"
STAGING_LOAD = "staging_load"
STAGING_PREV = "staging_prev"
SILVER = "silver"
GOLD = "gold"
OPS = "ops"

# Airflow Variable -> default. None means "not configured".
VARIABLE_DEFAULTS: dict[str, str | None] = {
    "tokyobeta_dump_bucket": DEFAULT_BUCKET,
    "tokyobeta_dump_prefix": DEFAULT_PREFIX,
    "tokyobeta_sns_topic_arn": None,
    "tokyobeta_quicksight_dataset_ids": None,
    # Wait for each SPICE ingestion to finish (a failed refresh then fails its task) or only start it.
    "tokyobeta_quicksight_wait": "true",
    # Wall-clock JST time on the batch date after which the dump sensor gives up.
    "tokyobeta_dump_deadline_jst": "10:00",
    # A table may shrink by at most this share against the published generation (run param allow_shrink overrides).
    "tokyobeta_max_shrink_share": "0.2",
    # At most this share of the published generation's ids may be missing from a new dump (the source deletes rows
    # rarely, so a cut-off file shows as vanished ids); run param allow_shrink overrides it too.
    "tokyobeta_max_vanished_share": "0.01",
    # Batch dates of backups kept of each full-rebuild silver and gold table and of gold.occupancy_daily_metrics
    # (ops.bak__*; restore-backup).
    "tokyobeta_backup_generations": "3",
    # How long any pipeline statement waits for a lock held by another session before it gives up and names the
    # holder (lock_wait_timeout and innodb_lock_wait_timeout of every pipeline session; tokyobeta_etl.db_session).
    "tokyobeta_lock_wait_seconds": "300",
    # A daily run still running this many minutes after it started sends one RUNNING LONG alert (it keeps running).
    "tokyobeta_run_alert_minutes": "60",
}


# Every task but the sensors has an execution_timeout: a hung task fails (and alerts) instead of holding the run
# until its 6 h dagrun_timeout. Measured at production scale on 2 cores (bench/results): a load ~4 s, a dbt node
# 5-45 s (tenant_status_history after a year), the KPI < 1 s, an SQL step < 5 s. The margins also cover a few
# statements each waiting tokyobeta_lock_wait_seconds (300 s) for a lock, and a SPICE ingestion.
TASK_TIMEOUTS: dict[str, dt.timedelta] = {
    "sql_step": dt.timedelta(minutes=30),
    "load": dt.timedelta(minutes=30),
    "dbt_node": dt.timedelta(minutes=60),
    "kpi": dt.timedelta(minutes=30),
    "quicksight": dt.timedelta(minutes=60),
    "check": dt.timedelta(minutes=15),  # freshness, run watch, the daily run's own checks, on-call commands
    "oncall_reload": dt.timedelta(minutes=45),
}


# The dump sensor's hard cap from its first look. Missing dumps fail it at the JST deadline long before; this cap
# ends the looks while S3 itself does not answer, which no deadline decides.
DUMP_SENSOR_TIMEOUT = dt.timedelta(hours=8)


def include_dir(dag_file: str) -> Path:
    """include/ beside the DAG files (MWAA bundle: dags/include) or one level up (this repository's layout).
    TOKYOBETA_INCLUDE_DIR overrides both."""
    if override := os.environ.get("TOKYOBETA_INCLUDE_DIR"):
        return Path(override)
    here = Path(dag_file).resolve().parent
    for candidate in (here / "include", here.parent / "include"):
        if (candidate / "sql").is_dir():
            return candidate
    raise FileNotFoundError(f"no include/sql beside or above {here}; set TOKYOBETA_INCLUDE_DIR")


def sql_dir(dag_file: str) -> Path:
    return include_dir(dag_file) / "sql"


def setting(name: str) -> str | None:
    """The Variable's value, or its default. Only call this while a task runs."""
    from airflow.models import Variable

    if name not in VARIABLE_DEFAULTS:
        raise KeyError(f"unknown setting {name!r}; known: {', '.join(sorted(VARIABLE_DEFAULTS))}")
    value = Variable.get(name, default_var=None)
    if value is None or not str(value).strip():
        return VARIABLE_DEFAULTS[name]
    return str(value).strip()


# When the scheduled DAGs fire, (hour, minute) in TIMEZONE: a cron schedule is read in the zone of the DAG's
# start_date (dag_start_date), so these crons are JST. The batch date, the SLA and the alerts read the fire time here.
DAILY_FIRE_JST = (7, 0)
FRESHNESS_FIRE_JST = (9, 0)
RUN_DURATION_EVERY_MINUTES = 10


def hhmm(time_of_day: tuple[int, int]) -> str:
    """(7, 0) -> "07:00", as the texts write a fire time."""
    return f"{time_of_day[0]:02d}:{time_of_day[1]:02d}"


def parse_hhmm(raw: str, name: str) -> tuple[int, int]:
    """(hour, minute) of the HH:MM setting `name`; ValueError naming the setting and the value otherwise."""
    try:
        hour, minute = (int(part) for part in raw.split(":"))
    except ValueError as err:
        raise ValueError(f"{name} must be HH:MM, got {raw!r}") from err
    return hour, minute


def daily_cron(time_of_day: tuple[int, int]) -> str:
    return f"{time_of_day[1]} {time_of_day[0]} * * *"


DAILY_SCHEDULE = daily_cron(DAILY_FIRE_JST)
FRESHNESS_SCHEDULE = daily_cron(FRESHNESS_FIRE_JST)
RUN_DURATION_SCHEDULE = f"*/{RUN_DURATION_EVERY_MINUTES} * * * *"

# The daily run must finish by this JST time (CONTRACT: dashboards fresh by 07:20; the alert fires at 08:00 by
# default). Read from the environment when the DAG file is parsed (an Airflow Variable would mean a database call at
# parse time); MWAA: set it as an Airflow configuration option `tokyobeta.sla_deadline_jst` or the environment
# variable TOKYOBETA_SLA_DEADLINE_JST.
DEFAULT_SLA_DEADLINE_JST = "08:00"


def daily_sla() -> dt.timedelta:
    """How long after the daily fire time (DAILY_FIRE_JST) the whole daily run must be done (Airflow task `sla`)."""
    raw = os.environ.get("TOKYOBETA_SLA_DEADLINE_JST") or os.environ.get(option_env_var(SLA_DEADLINE_OPTION))
    raw = (raw or DEFAULT_SLA_DEADLINE_JST).strip()
    hours, minutes = parse_hhmm(raw, "TOKYOBETA_SLA_DEADLINE_JST")
    sla = dt.timedelta(hours=hours, minutes=minutes) - dt.timedelta(hours=DAILY_FIRE_JST[0], minutes=DAILY_FIRE_JST[1])
    if sla <= dt.timedelta(0):
        raise ValueError(f"TOKYOBETA_SLA_DEADLINE_JST {raw} must be after the {hhmm(DAILY_FIRE_JST)} JST fire time")
    return sla
