"""tokyobeta_run_duration_check: every few minutes, is a daily run taking too long?"""

from __future__ import annotations

import datetime as dt

from airflow import DAG

from tokyobeta_etl import config, dag_defaults, runbook
from tokyobeta_etl.operators.run_watch import run_duration_check

ALERT_MINUTES = config.VARIABLE_DEFAULTS["tokyobeta_run_alert_minutes"]
DOC_MD = f"""
### Tokyo Beta run-duration check

**What it does.** Every {config.RUN_DURATION_EVERY_MINUTES} minutes it looks at the running `tokyobeta_daily_etl`
runs. One still running `tokyobeta_run_alert_minutes` (Variable, default {ALERT_MINUTES}) after it started sends
one `[tokyobeta] RUNNING LONG` message per run, naming its running and waiting tasks. The run is not stopped.

**On-call.** {runbook.RUNNING_LONG.todo} A red task of this DAG itself means the check could not run (its log says
why); it alerts like any task.
"""

with DAG(
    dag_id=config.RUN_DURATION_DAG_ID,
    description=f"Every {config.RUN_DURATION_EVERY_MINUTES} min: a daily run running longer than "
    "tokyobeta_run_alert_minutes alerts once",
    schedule=config.RUN_DURATION_SCHEDULE,
    start_date=config.dag_start_date(),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=dt.timedelta(minutes=config.RUN_DURATION_EVERY_MINUTES - 1),  # done before the next one starts
    default_args=dag_defaults.default_args(
        retries=0,  # the next check is only minutes away
        execution_timeout=config.TASK_TIMEOUTS["check"],
    ),
    tags=["tokyobeta", "monitoring"],
    doc_md=DOC_MD,
) as dag:
    run_duration_check()
