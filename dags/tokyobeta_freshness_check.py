"""tokyobeta_freshness_check: at 09:00 JST, is what the dashboards read fresh?"""

from __future__ import annotations

import datetime as dt

import pendulum
from airflow import DAG

from tokyobeta_etl import alerts, config
from tokyobeta_etl.macros import USER_DEFINED_MACROS
from tokyobeta_etl.tasks.freshness import freshness_check

DOC_MD = """
### Tokyo Beta freshness check

**What it does.** Every day at 09:00 JST it reads the latest date in `staging.movings` and `staging.tenants`
(`updated_at`), `silver.tenant_room_snapshot_daily` (`snapshot_date`) and `gold.occupancy_daily_metrics`
(`as_of_date`), and looks for today's four dumps in S3. Up to 1 day old is fresh; 2 days old is a **warning** in the
log; 3 days or more, an empty or missing table, or a missing dump is **critical**: one SNS message, and the task fails.

**On-call.** A critical check usually means today's `tokyobeta_daily_etl` run failed or is still waiting for dumps:
look there first (its failures alert on their own). `python -m tokyobeta_etl.oncall check-freshness` runs the same
check from a shell; clear `check_freshness` to check again.
"""

with DAG(
    dag_id=config.FRESHNESS_DAG_ID,
    description="Daily 09:00 JST: staging, silver, gold and today's dumps are fresh",
    schedule="0 9 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz=config.TIMEZONE),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=dt.timedelta(minutes=30),
    user_defined_macros=USER_DEFINED_MACROS,
    default_args={
        "owner": "data-platform",
        "retries": 2,
        "retry_delay": dt.timedelta(minutes=1),
        "retry_exponential_backoff": True,
        "on_failure_callback": alerts.on_task_failure,
    },
    tags=["tokyobeta", "monitoring", "daily"],
    doc_md=DOC_MD,
) as dag:
    freshness_check()
