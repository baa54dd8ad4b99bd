"""tokyobeta_freshness_check: at 09:00 JST, is what the dashboards read fresh?"""

from __future__ import annotations

import datetime as dt

from airflow import DAG

from tokyobeta_etl import alerts, config, dag_defaults, runbook
from tokyobeta_etl.freshness import CRITICAL_AFTER_DAYS, WARNING_AFTER_DAYS, days_text
from tokyobeta_etl.operators.freshness import freshness_check
from tokyobeta_etl.template_macros import USER_DEFINED_MACROS

DOC_MD = f"""
### Tokyo Beta freshness check

**What it does.** Every day at {config.hhmm(config.FRESHNESS_FIRE_JST)} JST it checks that today's batch is in place,
so staleness is caught on its first day:

- `tokyobeta_daily_etl` is not paused, and a run of it for today's batch date succeeded (a run's batch date is its
  `batch_date` param, else the JST date its data interval ends);
- the published `staging` tables carry today's batch tag (table comment `tokyobeta batch=YYYY-MM-DD`);
- `silver.tenant_room_snapshot_daily` (`snapshot_date`) and `gold.occupancy_daily_metrics` (`as_of_date`): more than
  {days_text(WARNING_AFTER_DAYS)} old is a **warning**, more than {days_text(CRITICAL_AFTER_DAYS)} old, empty or missing
  **critical**;
- today's four dumps are in S3.

**Critical**: one SNS message `[tokyobeta] STALE DATA <date>: <findings>` saying which check and what to do, and the
task fails. **Warning**: one SNS message `[tokyobeta] STALE DATA WARN <date>` per day however often the check runs
(kept in `ops.alerts_sent`), and the task succeeds.

**On-call.** {runbook.FRESHNESS.todo} From a shell: {runbook.FRESHNESS.shell}.
"""

with DAG(
    dag_id=config.FRESHNESS_DAG_ID,
    description=f"Daily {config.hhmm(config.FRESHNESS_FIRE_JST)} JST: today's daily run succeeded; staging, silver, "
    "gold and today's dumps are fresh",
    schedule=config.FRESHNESS_SCHEDULE,
    start_date=config.dag_start_date(),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=dt.timedelta(minutes=30),
    user_defined_macros=USER_DEFINED_MACROS,
    default_args=dag_defaults.default_args(
        retries=2,
        retry_delay=dt.timedelta(minutes=1),
        retry_exponential_backoff=True,
        on_retry_callback=alerts.on_task_retry,
    ),
    tags=["tokyobeta", "monitoring", "daily"],
    doc_md=DOC_MD,
) as dag:
    freshness_check()
