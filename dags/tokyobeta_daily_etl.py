"""tokyobeta_daily_etl: the four morning dumps -> staging -> dbt silver -> dbt gold -> occupancy KPIs -> QuickSight."""

from __future__ import annotations

import datetime as dt

from airflow import DAG
from airflow.models.baseoperator import cross_downstream
from airflow.models.param import Param

from tokyobeta_etl import alerts, config, dag_defaults, runbook
from tokyobeta_etl.batch_date import BATCH_DATE_PARAM
from tokyobeta_etl.kpi import window
from tokyobeta_etl.operators.dbt_layers import dbt_layer
from tokyobeta_etl.operators.guards import check_run
from tokyobeta_etl.operators.kpi import occupancy_kpis
from tokyobeta_etl.operators.loads import create_schemas, load_dumps, publish_staging, snapshot_tenants, wait_for_dumps
from tokyobeta_etl.operators.quicksight import quicksight_refresh
from tokyobeta_etl.template_macros import USER_DEFINED_MACROS

FIRES_AT = config.hhmm(config.DAILY_FIRE_JST)
SLA_BY = config.DEFAULT_SLA_DEADLINE_JST
DOC_MD = f"""
### Tokyo Beta daily ETL

**What it does.** At {FIRES_AT} JST it loads the source system's four dumps of the **batch date** (the JST date the run
fires, e.g. the 2026-02-10 {FIRES_AT} run loads `s3://jram-gghouse/dumps/*_20260210.sql[.gz]`; a manual run may name
another with the `batch_date` param) into `staging`, builds the dbt `silver` and `gold` layers (one task per seed
and model, each running its own tests), then the occupancy KPIs.

```
check_run ─> wait_for_dumps ─┐
          └> create_schemas ─┴─> load_movings / load_tenants / load_rooms / load_inquiries -> snapshot_tenants
                -> publish_staging
                -> silver (dbt: code seeds, stg_*, int_contracts, tenant_status_history, daily snapshots)
                -> gold (dbt: new_contracts, moveouts, moveout_notices/_analysis/_summary, status transitions)
                -> occupancy_kpis (gold.occupancy_daily_metrics: past days + a forward_days projection)
                -> quicksight_datasets -> refresh_quicksight (one SPICE refresh per configured dataset)
```

**Guarantees.** `check_run` refuses a bad `batch_date` before anything is loaded and waits while an on-call write
(`{config.ONCALL_WRITING_DAG_IDS[0]}`, `{config.ONCALL_WRITING_DAG_IDS[1]}`) runs. Each load streams its dump into
`staging_load`, validates it (allowed statements only, literal-only rows, the file's own tables, contract columns
and types, strict UTF-8, unique ids, every row accounted for, non-empty, no shrink beyond `tokyobeta_max_shrink_share`,
no more vanished ids than `tokyobeta_max_vanished_share`) and tags it with the batch date. `publish_staging` swaps
all five tables into `staging` with one atomic RENAME; readers never see a half-loaded state, and the previous
generation stays in `staging_prev`. A batch older than the published one is never published (its tenant snapshot
and its date-keyed rows are still rewritten).

**Alerts.** A task that fails after its retries sends one SNS message (Variable `tokyobeta_sns_topic_arn`; unset:
logged only) saying what failed and what to do. Every task but the (mapped) QuickSight refresh has an SLA: the
scheduled run must be done by {SLA_BY} JST (`TOKYOBETA_SLA_DEADLINE_JST`); Airflow flags each daily interval not done
by then (README, "Alerts"). A manual run has no SLA of its own. A run still going after `dagrun_timeout` (6 h) is
stopped and alerted too.

**Run one batch date now** (a missed or bad day): Trigger DAG w/ config, `batch_date` = the date (YYYY-MM-DD, from
{config.DAILY_START_DATE} to today JST), leave the logical date as it is. CLI: `airflow dags trigger --conf
'{{"batch_date": "2026-02-10"}}' {config.DAILY_DAG_ID}`. Never give a manual run a logical date of {FIRES_AT} JST: that
is a scheduled run's, and Airflow would then skip that scheduled day.

**On-call** (the `tokyobeta_oncall_*` DAGs run every on-call command from the UI).
{runbook.daily_doc_list()}
"""

# Run params (a trigger with a malformed value is refused; README "Operating it"). The KPI bounds are the KPI
# module's own.
PARAMS = {
    BATCH_DATE_PARAM: Param(
        None,
        type=["null", "string"],
        format="date",
        description=f"Batch date to load, YYYY-MM-DD from {config.DAILY_START_DATE} to today (JST); empty = the run's "
        "own (the JST date it fires). Leave the logical date as Airflow proposes it.",
    ),
    **{p.name: Param(**p.param_kwargs()) for p in window.RUN_PARAMS},
    "allow_shrink": Param(
        False,
        type="boolean",
        description="Accept a table shrinking beyond tokyobeta_max_shrink_share, or losing more published ids than "
        "tokyobeta_max_vanished_share, this run.",
    ),
}

with DAG(
    dag_id=config.DAILY_DAG_ID,
    description="Daily: S3 dumps -> staging -> silver -> gold -> occupancy KPIs -> QuickSight (Aurora MySQL)",
    schedule=config.DAILY_SCHEDULE,
    start_date=config.dag_start_date(),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=dt.timedelta(hours=6),
    sla_miss_callback=alerts.on_sla_miss,
    on_failure_callback=alerts.on_run_failure,  # a run stopped by dagrun_timeout
    template_searchpath=[str(config.sql_dir(__file__))],
    user_defined_macros=USER_DEFINED_MACROS,
    render_template_as_native_obj=False,
    default_args=dag_defaults.default_args(
        retries=3,
        retry_delay=dt.timedelta(minutes=2),
        retry_exponential_backoff=True,
        # Airflow doubles the back-off per try number, and every clear raises the try number too: uncapped, a task
        # cleared three times would wait 16-32 min for its first retry. A fresh run's retries wait 2-4, 4-8, 8-10 min.
        max_retry_delay=dt.timedelta(minutes=10),
        on_retry_callback=alerts.on_task_retry,  # logs a lock's holder, sends nothing
        sla=config.daily_sla(),  # after data_interval_end (07:00 JST): done by 08:00 JST by default
    ),
    params=PARAMS,
    tags=["tokyobeta", "etl", "daily"],
    doc_md=DOC_MD,
) as dag:
    run_checked = check_run()
    dumps_ready = wait_for_dumps()
    schemas_ready = create_schemas()
    loads = load_dumps()
    snapshot = snapshot_tenants()
    publish = publish_staging()

    silver = dbt_layer("silver", __file__)
    gold = dbt_layer("gold", __file__)
    kpis = occupancy_kpis()
    datasets, refresh = quicksight_refresh()

    run_checked >> [dumps_ready, schemas_ready]
    cross_downstream([dumps_ready, schemas_ready], loads)
    loads >> snapshot >> publish >> silver >> gold >> kpis >> datasets >> refresh
