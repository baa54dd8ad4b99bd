"""tokyobeta_oncall_*: every on-call command as a DAG, triggered from the Airflow UI ("Trigger DAG w/ config").

MWAA has no shell: these are the on-call engineer's tools there. Each DAG runs one command of
`python -m tokyobeta_etl.oncall` (the same code), logs what it found as a table, and fails with the usual alert when
the finding needs action. Every form's defaults change nothing.
"""

from __future__ import annotations

import datetime as dt

from airflow import DAG
from airflow.models.param import Param

from tokyobeta_etl import config, dag_defaults, freshness
from tokyobeta_etl.data_contract import DUMP_FILES
from tokyobeta_etl.operators import oncall
from tokyobeta_etl.operators.guards import check_no_other_writer

DATE_FIELD = {"type": ["null", "string"], "format": "date"}
WHERE = "Find the output in the Grid view: the task's Logs tab."


def oncall_dag(command: str, summary: str, doc_md: str, params: dict | None = None) -> DAG:
    return DAG(
        dag_id=f"{config.ONCALL_DAG_PREFIX}{command}",
        description=summary,
        schedule=None,
        start_date=config.dag_start_date(),
        catchup=False,
        max_active_runs=1,
        dagrun_timeout=dt.timedelta(hours=1),
        default_args=dag_defaults.default_args(retries=0),
        params=params or {},
        tags=["tokyobeta", "oncall"],
        doc_md=f"### {summary}\n\n{doc_md}\n\n{WHERE}",
    )


with oncall_dag(
    "check_freshness",
    "On-call: check freshness",
    f"The {config.hhmm(config.FRESHNESS_FIRE_JST)} check on demand: staging, silver, gold and the day's dumps, graded "
    f"({freshness.grades_text()}). Critical fails the task and alerts.",
    {"date": Param(None, **DATE_FIELD, description="Check date YYYY-MM-DD; empty = today (JST).")},
) as check_freshness_dag:
    oncall.command_task("check_freshness", "Grades freshness on the chosen date.")

with oncall_dag(
    "verify_row_counts",
    "On-call: verify row counts",
    "For the published batch: rows per table in the dump (ops.load_audit), staging, silver's stg_* model and the "
    "previous dump. A difference, or a dump that shrank beyond `tokyobeta_max_shrink_share`, fails the task and "
    "alerts.",
) as verify_row_counts_dag:
    oncall.command_task("verify_row_counts", "Row counts along the pipeline.")

with oncall_dag(
    "reload",
    "On-call: reload a batch date's dumps",
    "Streams the date's dumps from S3 through the daily DAG's load code (same validation, same batch tag) into "
    "`staging_load`. With **check_only** (the default) nothing else changes. Without it, the reloaded tables are "
    "published into `staging` with one RENAME (previous ones in `staging_prev`); then clear the daily run of that "
    "batch date from `snapshot_tenants` (downstream included). A subset of the dumps is refused for any date but the "
    "published one. Never runs beside a daily run: `check_no_other_writer` refuses, changing nothing.",
    {
        "batch_date": Param(None, **DATE_FIELD, description="Batch date YYYY-MM-DD; empty = today (JST)."),
        "tables": Param(
            list(DUMP_FILES),
            type="array",
            items={"type": "string", "enum": list(DUMP_FILES)},
            minItems=1,
            uniqueItems=True,
            examples=list(DUMP_FILES),
            description=f"The dumps to reload: {', '.join(DUMP_FILES)} (default all four).",
        ),
        "check_only": Param(
            True, type="boolean", description="Validate only: staging, silver and gold stay as they are."
        ),
        "allow_shrink": Param(
            False, type="boolean", description="Accept a table shrinking, or losing published ids, beyond the limits."
        ),
    },
) as reload_dag:
    check_no_other_writer() >> oncall.command_task("reload", "Reloads the chosen dumps.")

with oncall_dag(
    "restore_backup",
    "On-call: restore a table's backup by batch date",
    "With no **table** (the default): lists the backups of the full-rebuild silver and gold tables and of "
    "`gold.occupancy_daily_metrics` by batch date (`ops.bak__<schema>__<table>__<yyyymmdd>`, one per batch: the "
    "newest `tokyobeta_backup_generations` batch dates), with the batch each live table holds. With a table "
    "(`schema.table`, e.g. `gold.moveout_summary`): swaps it and its backup of **batch_date** in one RENAME; the "
    "table it replaced becomes the backup of its own batch, so restoring that batch undoes it. The next daily run "
    "rebuilds the table. Never runs beside a daily run.",
    {
        "table": Param(
            None,
            type=["null", "string"],
            pattern=r"^(silver|gold)\.[a-z0-9_]+$",
            description="schema.table to restore, e.g. gold.moveout_summary; empty = list the backups.",
        ),
        "batch_date": Param(
            None,
            **DATE_FIELD,
            description="Batch date YYYY-MM-DD of the backup to restore (as listed); empty = the newest kept. "
            "Used only with a table.",
        ),
    },
) as restore_backup_dag:
    check_no_other_writer() >> oncall.command_task("restore_backup", "Lists the backups or restores one by batch date.")

with oncall_dag(
    "show_locks",
    "On-call: show locks",
    "The sessions holding or waiting for locks on the pipeline's schemas, longest first: connection id, user, host, "
    "command, seconds, statement. A session waiting for a lock fails the task and alerts: ask the holder's owner to "
    "end it, or `KILL <id>` it.",
) as show_locks_dag:
    oncall.command_task("show_locks", "Lists lock holders and waiters.")
