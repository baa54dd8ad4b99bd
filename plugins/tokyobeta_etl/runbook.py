"""The on-call runbook, one entry per situation: what to do in the Airflow UI and, where there is one, the shell
command. It is written once here and read by the alerts ("What to do", tokyobeta_etl.alert_messages), the daily
DAG's on-call notes (its doc_md) and README's on-call table (written by tools/runbook_table.py, checked by
tests/ops/test_runbook.py).

The texts are Markdown for README and the DAG docs; an alert is plain text and gets them without the markup.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from tokyobeta_etl import config

DAILY = config.DAILY_DAG_ID
ONCALL = config.ONCALL_DAG_PREFIX
CLI = "python -m tokyobeta_etl.oncall"


@dataclass(frozen=True)
class Entry:
    situation: str  # README's first column; the daily DAG doc's bullet starts with it
    todo: str  # what to do (the UI): README's second column, the doc's bullet, the alert's "What to do"
    shell: str = ""  # the same from a shell: README's third column
    tasks: tuple[str, ...] = ()  # the failed task ids (fnmatch patterns) whose alert says `todo`
    in_daily_doc: bool = False  # listed in the daily DAG's on-call notes


WAIT_FOR_DUMPS = Entry(  # its alert adds the missing keys, read from the sensor's error
    "`wait_for_dumps` failed",
    "The source system's dumps did not arrive by the deadline; the log and the alert name the missing keys. Contact "
    "the source system's owner to deliver them. If it timed out instead and its log says S3 was unreachable (it "
    f"keeps looking while S3 does not answer, up to {config.DUMP_SENSOR_TIMEOUT.total_seconds() / 3600:.0f} hours), "
    "check that the environment reaches S3 (its VPC endpoint or NAT route). Once the dumps are in S3 and S3 "
    "answers, **Clear** `wait_for_dumps` (Downstream ticked). "
    "`staging` still holds the previous complete batch.",
    f"`airflow tasks clear {DAILY} -s <logical date> -e <logical date> -t '^wait_for_dumps$' --downstream --yes`",
    tasks=("wait_for_dumps",),
    in_daily_doc=True,
)

DUMP_TWICE = Entry(  # chosen by the error (AMBIGUITY_ADVICE), whichever task refused the dump
    "`wait_for_dumps` or a `load_*` task failed: a dump is in S3 as both `.sql` and `.sql.gz`",
    "A dump is in S3 twice, as .sql and as .sql.gz (the error above names both objects). Ask the source system's "
    "owner which one is the dump and delete the other, then clear the task (downstream included). staging still "
    "holds the previous complete batch.",
    in_daily_doc=True,
)

LOAD_FAILED = Entry(
    "a `load_*` task failed (no retries)",
    "The dump failed validation; the error names the file and the table, column or statement (also in "
    "`ops.load_audit.error_message`). `staging` still holds the previous complete batch. Get a corrected dump, "
    f"upload it over the bad one (check it first with **`{ONCALL}reload`**, `check_only` ticked), then **Clear** "
    "the task (Downstream ticked). If the table really shrank, trigger the DAG again (Trigger DAG w/ config) with "
    '`{"batch_date": "<the batch date>", "allow_shrink": true}`.',
    f"`{CLI} reload --date YYYYMMDD --tables movings --check-only`",
    tasks=("load_*",),
    in_daily_doc=True,
)

SHRANK = Entry(
    "a table really shrank",
    f"Trigger `{DAILY}` w/ config: `batch_date` = the date, `allow_shrink` ticked.",
    f"""`airflow dags trigger --conf '{{"batch_date": "2026-02-10", "allow_shrink": true}}' {DAILY}`""",
    in_daily_doc=True,
)

TRANSIENT = Entry(
    "a task failed for a transient reason",
    "It retries with exponential back-off (up to 3 retries, after 2-4, 4-8 and 8-10 min; never more than 10 min, "
    "however often it was cleared); or **Clear** it: every task is idempotent.",
)

DBT_FAILED = Entry(
    "a `silver.*` / `gold.*` task failed",
    "A dbt model or one of its tests failed; the task log holds dbt's output naming the model and the test. Models "
    "downstream of it did not run; the dashboards show the previous day. Fix the data or the model, then **Clear** "
    "the task (Downstream ticked).",
    tasks=("silver.*", "gold.*"),
    in_daily_doc=True,
)

KPIS_FAILED = Entry(
    "`occupancy_kpis` failed",
    "The occupancy KPIs were not written (one transaction: the table is as it was). Check the log, fix silver if it "
    "is the cause, then **Clear** the task. To recompute a longer past, trigger the date w/ config "
    '`{"batch_date": "<date>", "lookback_days": N}`.',
    tasks=("occupancy_kpis",),
    in_daily_doc=True,
)

QUICKSIGHT_FAILED = Entry(
    "`refresh_quicksight` failed",
    "The QuickSight refresh failed; the tables are fresh. **Clear** the task to refresh again (each try starts a new "
    "ingestion id). Skipped = no dataset configured (`tokyobeta_quicksight_dataset_ids`).",
    tasks=("refresh_quicksight*",),
    in_daily_doc=True,
)

RUN_REFUSED = Entry(
    "`check_run` failed",
    "The run was refused before it loaded anything: the error says which run param and the allowed range. Trigger "
    "the DAG again (Trigger DAG w/ config) with a `batch_date` in that range, or empty for the run's own date. "
    "Nothing was changed.",
    tasks=("check_run",),
    in_daily_doc=True,
)

LOCK_WAIT = Entry(  # chosen by the error (a lock wait time-out), whichever task gave up
    f'a task failed: "gave up after {config.VARIABLE_DEFAULTS["tokyobeta_lock_wait_seconds"]} s ... waiting for a '
    'lock on `<table>`"',
    "A statement gave up waiting for a lock that another session holds (a dashboard, a BI extract, an analyst's open "
    "transaction; the error and the alert name it, with its connection id; on MariaDB without the metadata-lock "
    "plugin, as candidates). Ask the session's owner to end it "
    "(COMMIT or ROLLBACK, UNLOCK TABLES, close the BI extract), or `KILL <connection id>` as the database "
    f"administrator; `{ONCALL}show_locks` lists the holders. Then **Clear** the task: nothing half-written is left.",
    f"`{CLI} show-locks`",
    in_daily_doc=True,
)

RUNNING_LONG = Entry(
    "`[tokyobeta] RUNNING LONG` arrived",
    "The run goes on; this is a warning before the SLA. Open the running tasks' logs (the message names the running "
    f"and waiting tasks): a statement waiting for a lock (`{ONCALL}show_locks` names the holder), `wait_for_dumps` "
    "still waiting (late dumps: contact the source system's owner), or a slow model. Nothing needs clearing unless a "
    "task fails.",
)

SLA_MISSED = Entry(
    "`[tokyobeta] SLA MISSED` arrived",
    "The dashboards are not fresh yet. Look at the blocking tasks in the grid view: a sensor still waiting means the "
    "dumps are late (contact the source system's owner); a running task may just be slow; a failed one has its own "
    "alert.",
)

RUN_TIMED_OUT = Entry(
    "`[tokyobeta] TIMED OUT` arrived",
    "Clear the run (or its unfinished tasks) once the cause is fixed: every task is idempotent.",
)

SHOW_LOCKS = Entry(
    "a run is slow or stuck on a lock",
    f"**`{ONCALL}show_locks`**: the sessions holding or waiting for locks on the pipeline's schemas, longest first "
    "(connection id, user, host, command, seconds, statement). Ask the holder's owner to end it, or `KILL <id>` it.",
    f"`{CLI} show-locks`",
)

FRESHNESS = Entry(
    "the 09:00 freshness check is critical (or warns)",
    f"The message names each cause and what to do: **daily DAG paused**: unpause `{DAILY}`, then trigger each missed "
    "day w/ config `batch_date`; **no daily run**: trigger it w/ config `batch_date` = the date; **daily run failed / "
    "still running**: its own FAILED alert, or its grid view (a waiting `wait_for_dumps` means late dumps); "
    "**staging at `<date>`**: no run has published the day's dumps yet; a silver/gold table or a dump: the runs after "
    f"its date, or the source system's owner. **`{ONCALL}check_freshness`** (`date`, empty = today) grades again and "
    "sends nothing; **Clear** `check_freshness` to check again with the messages.",
    f"`{CLI} check-freshness [--date YYYY-MM-DD]` (exit 2 when critical; it reads the daily DAG's runs from "
    "Airflow's metadata database, so the shell needs `AIRFLOW__DATABASE__SQL_ALCHEMY_CONN` too)",
)

ROW_COUNTS = Entry(
    "do the numbers add up?",
    f"**`{ONCALL}verify_row_counts`**: rows per table in the dump (`ops.load_audit`), staging and silver, and the "
    "previous dump; flags differences and a shrink beyond `tokyobeta_max_shrink_share`.",
    f"`{CLI} verify-row-counts` (exit 1 when flagged)",
)

RELOAD = Entry(
    "a dump was bad and a corrected one is in S3",
    f"**`{ONCALL}reload`**: `batch_date`, `tables`, `check_only` (default: validate only, nothing changes). Untick "
    "`check_only` to publish the tables in one RENAME (previous ones in `staging_prev`), then **Clear** the day's run "
    "from `snapshot_tenants` (Downstream ticked). A subset is refused for any date but the published one.",
    f"`{CLI} reload --date YYYYMMDD --tables movings tenants [--check-only]`",
)

RESTORE = Entry(
    "a silver or gold table must go back to an earlier batch",
    f"**`{ONCALL}restore_backup`**: empty `table` lists the backups by batch date "
    "(`ops.bak__<schema>__<table>__<yyyymmdd>`: the newest `tokyobeta_backup_generations` batch dates, default 3, "
    "with the batch each live table holds; re-running or clearing a batch replaces only that batch's backup). "
    "`table` = `gold.moveout_summary` (or `gold.occupancy_daily_metrics`), `batch_date` = `2026-03-01` (empty = the "
    "newest kept) swaps that batch's backup in with one RENAME. The table it replaced becomes the backup of its own "
    "batch, so restoring that batch undoes it. The next run rebuilds the table.",
    f"`{CLI} restore-backup [--table gold.moveout_summary --batch 2026-03-01]`",
)

ONE_BATCH_NOW = Entry(
    "one batch date, now (a missed or bad day)",
    f"Trigger `{DAILY}` w/ config: `batch_date` = `YYYY-MM-DD` (from the start date {config.DAILY_START_DATE} to "
    "today JST); **leave the logical date as the form proposes it**.",
    f"""`airflow dags trigger --conf '{{"batch_date": "2026-02-10"}}' {DAILY}`""",
)

BACKFILL = Entry(
    "re-load batch dates D1..D2",
    "Backfill from a shell: a run's logical date is the day before its batch date (the 2026-02-10 07:00 JST run has "
    "logical date 2026-02-09 07:00 JST); a bare date is read as midnight UTC and misses D1. Add "
    "`--reset-dagruns --yes` for dates already run.",
    f"`airflow dags backfill -s <D1 minus one day>T07:00:00+09:00 -e <D2 minus one day>T07:00:00+09:00 {DAILY}`",
    in_daily_doc=True,
)

WRITER_ACTIVE = Entry(
    "`check_no_other_writer` failed (an on-call write)",
    "The on-call write did not start: a daily run or another on-call write is active (named above). Nothing was "
    "changed. Wait for it to finish (Browse > DAG Runs), then trigger this DAG again.",
    tasks=("check_no_other_writer",),
)

# What a finding of an on-call DAG's command task means (the task log holds the whole report as a table).
ONCALL_FINDINGS = (
    Entry(
        f"`{ONCALL}check_freshness` failed",
        "The daily DAG is paused, the day has no successful run, or a table or dump is stale or missing (the task "
        "log lists each check and what to do).",
        tasks=("check_freshness",),
    ),
    Entry(
        f"`{ONCALL}verify_row_counts` failed",
        "Rows differ along the pipeline or a dump shrank (the task log has the counts per table). Check the day's "
        f"dump with `{ONCALL}reload` (check_only) and its load task's log.",
        tasks=("verify_row_counts",),
    ),
    Entry(
        f"`{ONCALL}reload` failed",
        "The reload was refused or a dump failed validation (named above); nothing was published. Fix the dump or "
        f"the form's fields, then trigger `{ONCALL}reload` again.",
        tasks=("reload",),
    ),
    Entry(
        f"`{ONCALL}restore_backup` failed",
        f"The restore was refused (named above); nothing was changed. Trigger `{ONCALL}restore_backup` with an empty "
        "table to list the backups by batch date.",
        tasks=("restore_backup",),
    ),
    Entry(
        f"`{ONCALL}show_locks` failed",
        "A session waits for a lock on the pipeline's schemas (the task log lists holders and waiters, longest "
        "first). Ask the holder's owner to end it, or `KILL <connection id>` it, then clear the blocked task.",
        tasks=("show_locks",),
    ),
)

ANY_TASK = Entry(  # the alert of a failed task no other entry names
    "any other task failed",
    "Check the task log. Every task is idempotent for its batch date: clear it to run it again.",
    in_daily_doc=True,
)

ENTRIES = (
    WAIT_FOR_DUMPS,
    DUMP_TWICE,
    LOAD_FAILED,
    SHRANK,
    TRANSIENT,
    DBT_FAILED,
    KPIS_FAILED,
    QUICKSIGHT_FAILED,
    RUN_REFUSED,
    LOCK_WAIT,
    RUNNING_LONG,
    SLA_MISSED,
    RUN_TIMED_OUT,
    SHOW_LOCKS,
    FRESHNESS,
    ROW_COUNTS,
    RELOAD,
    RESTORE,
    ONE_BATCH_NOW,
    BACKFILL,
    WRITER_ACTIVE,
    *ONCALL_FINDINGS,
    ANY_TASK,
)


def plain(text: str) -> str:
    """An entry's text for a plain-text message: the Markdown markup dropped."""
    return text.replace("**", "").replace("`", "")


def for_task(task_id: str) -> Entry:
    """The entry whose alert a failed `task_id` gets (ANY_TASK when none names it)."""
    for entry in ENTRIES:
        if any(fnmatch.fnmatchcase(task_id, pattern) for pattern in entry.tasks):
            return entry
    return ANY_TASK


def daily_doc_list() -> str:
    """The daily DAG doc's on-call list: one Markdown bullet per entry marked for it."""
    lines = []
    for entry in ENTRIES:
        if entry.in_daily_doc:
            shell = f" From a shell: {entry.shell}" if entry.shell.startswith("`") else ""
            lines.append(f"- {entry.situation}: {entry.todo}{shell}")
    return "\n".join(lines)


def readme_table() -> str:
    """README's on-call table (Markdown), one row per entry."""
    rows = ["| situation | in the UI | from a shell |", "|---|---|---|"]
    for entry in ENTRIES:
        cells = (entry.situation, entry.todo, entry.shell)
        if any("|" in cell or "\n" in cell for cell in cells):
            raise ValueError(f"a runbook cell cannot hold '|' or a line break: {entry.situation}")
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)
