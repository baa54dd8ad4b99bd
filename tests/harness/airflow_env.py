"""An isolated AIRFLOW_HOME for the test session; must be applied before anything imports airflow."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def isolate() -> Path:
    if "airflow.settings" in sys.modules:  # too late: it would keep ~/airflow/airflow.db, shared by every session
        raise RuntimeError("airflow was imported before the test home was isolated (a pytest plugin or ini option?)")
    home = Path(tempfile.mkdtemp(prefix="tokyobeta-airflow-"))
    os.environ.update(settings(home))
    return home


def settings(home: Path) -> dict[str, str]:
    """Airflow's configuration for a harness home: SequentialExecutor on SQLite unless the caller overrides it."""
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DEFAULT_TIMEZONE": "utc",
        "AIRFLOW__CORE__EXECUTOR": "SequentialExecutor",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__DATABASE__LOAD_DEFAULT_CONNECTIONS": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        "AIRFLOW__WEBSERVER__EXPOSE_CONFIG": "False",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        "AIRFLOW__SCHEDULER__STANDALONE_DAG_PROCESSOR": "False",
        "SCARF_ANALYTICS": "false",
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "NO_PROXY": "*",
    }


def set_connections(mysql_url: str, aws_endpoint_url: str, region: str) -> None:
    """Point `tokyobeta_aurora` and `aws_default` at the harness servers (AIRFLOW_CONN_* env, JSON form)."""
    os.environ.update(connections(mysql_url, aws_endpoint_url, region))


def connections(mysql_url: str, aws_endpoint_url: str, region: str) -> dict[str, str]:
    from urllib.parse import urlparse

    u = urlparse(mysql_url)
    return {
        "AIRFLOW_CONN_TOKYOBETA_AURORA": json.dumps(
            {
                "conn_type": "mysql",
                "host": u.hostname,
                "port": u.port,
                "login": u.username,
                "password": u.password,
                "extra": {"charset": "utf8mb4"},
            }
        ),
        "AIRFLOW_CONN_AWS_DEFAULT": json.dumps(
            {
                "conn_type": "aws",
                "login": "testing",
                "password": "testing",
                "extra": {"endpoint_url": aws_endpoint_url, "region_name": region},
            }
        ),
    }
