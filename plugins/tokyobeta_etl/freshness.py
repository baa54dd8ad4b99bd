"""Freshness of what the dashboards read (the 09:00 JST check; CONTRACT.md section 2), caught on the first stale day.

The check date (today JST) is the batch the pipeline must have in place by 09:00. CRITICAL (one SNS message and a
failed task in the DAG; exit 2 from the on-call command):
- the daily DAG is paused (or unknown to Airflow);
- no run of the daily DAG for the check date's batch succeeded: none at all, or one that failed or is still running;
- the published staging tables' batch tag (staging.generations) is older than the check date, or missing;
- silver or gold is more than CRITICAL_AFTER_DAYS old, empty or missing; a dump of the check date is not in S3, or
  is there twice (`.sql` and `.sql.gz`).
WARNING (one SNS message per check date, the task succeeds): silver or gold more than WARNING_AFTER_DAYS old.
Each finding carries what to do about it. Grading is pure (the *_check(s) functions, `worst`, `summarise`); the
readers take a DB-API connection and an S3 client, and the caller passes what Airflow's metadata says (airflow_meta).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pendulum

from tokyobeta_etl import db_session
from tokyobeta_etl.airflow_meta import RunInfo
from tokyobeta_etl.batch_date import BatchDateRefused, run_batch_date
from tokyobeta_etl.config import DAILY_DAG_ID, DAILY_FIRE_JST, STAGING, TIMEZONE, hhmm
from tokyobeta_etl.data_contract import DUMP_FILES, STAGING_TABLES
from tokyobeta_etl.loading import generations
from tokyobeta_etl.loading.s3_source import AMBIGUOUS, FORMS_TEXT, MISSING, ambiguity, dump_objects, verdict

OK, WARNING, CRITICAL = "ok", "warning", "critical"
WARNING_AFTER_DAYS = 1  # silver and gold older than this: warning
CRITICAL_AFTER_DAYS = 2  # silver and gold older than this: critical

# The check of staging's published batch, dated by its batch tag.
STAGING_CHECK = f"{STAGING} (published batch)"
# table -> the expression giving its latest business date (staging is dated by its batch tag instead)
TABLE_CHECKS: dict[str, str] = {
    "silver.tenant_room_snapshot_daily": "MAX(snapshot_date)",
    "gold.occupancy_daily_metrics": "MAX(as_of_date)",
}


def _trigger(day: dt.date) -> str:
    """How to load one batch date now (README "Operating it")."""
    return f'Trigger DAG w/ config on {DAILY_DAG_ID} with {{"batch_date": "{day}"}}'


@dataclass(frozen=True)
class Check:
    name: str
    latest: dt.date | None
    age_days: int | None
    level: str
    detail: str
    title: str = ""  # what a finding is called in the alert's subject; the name when empty
    action: str = ""  # what the on-call engineer should do about a finding

    def line(self) -> str:
        return f"{self.level.upper():<8} {self.name:<36} {self.detail}"

    def headline(self) -> str:
        return self.title or self.name


def days_text(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def grades_text() -> str:
    """The silver and gold grades in words, from the thresholds above, for the texts that state them."""
    first_warning, first_critical = WARNING_AFTER_DAYS + 1, CRITICAL_AFTER_DAYS + 1
    warning = (
        days_text(first_warning)
        if first_warning == CRITICAL_AFTER_DAYS
        else f"{first_warning} to {days_text(CRITICAL_AFTER_DAYS)}"
    )
    return (
        f"up to {days_text(WARNING_AFTER_DAYS)} old fresh, {warning} a warning, "
        f"{first_critical} or more, empty or missing critical"
    )


# --- grading (pure) -----------------------------------------------------------------------------------------


def grade(name: str, latest: dt.date | dt.datetime | None, today: dt.date) -> Check:
    """A silver or gold table by its latest date: the thresholds above."""
    rebuild = f"Run {DAILY_DAG_ID} for the latest batch: {_trigger(today)}."
    if latest is None:
        return Check(name, None, None, CRITICAL, "no rows: nothing to date it by", action=f"It is empty. {rebuild}")
    if isinstance(latest, dt.datetime):
        latest = latest.date()
    age = (today - latest).days
    if age > CRITICAL_AFTER_DAYS:
        level = CRITICAL
    elif age > WARNING_AFTER_DAYS:
        level = WARNING
    else:
        level = OK
    detail = f"latest {latest.isoformat()} ({days_text(age)} old)"
    if level == OK:
        return Check(name, latest, age, OK, detail)
    action = (
        f"The {DAILY_DAG_ID} runs after {latest} did not rebuild it: open them in the grid view; the first red "
        "task has its own FAILED alert. Fix that, then clear the task (downstream included)."
    )
    if level == WARNING:
        action += f" It turns CRITICAL when more than {days_text(CRITICAL_AFTER_DAYS)} old."
    return Check(name, latest, age, level, detail, action=action)


def staging_check(published: generations.Generation, today: dt.date) -> Check:
    """The published staging tables by their batch tag: anything older than the check date is critical."""
    name = STAGING_CHECK
    reload = f"{_trigger(today)} to load and publish the day."
    if missing := [t for t in STAGING_TABLES if t not in published]:
        detail = f"table{'s' if len(missing) > 1 else ''} {', '.join(missing)} missing from {STAGING}"
        return Check(name, None, None, CRITICAL, detail, "staging missing", reload)
    try:
        batch = generations.published_batch(published)
    except generations.StagingStateError as err:  # tags that disagree: a finding to act on, not a crash of the check
        action = "A publish never leaves this (one RENAME): restore the tables from staging_prev or reload the day."
        return Check(name, None, None, CRITICAL, str(err), "staging mixed batches", action)
    if batch is None:
        detail = f"no batch tag on the {STAGING} tables: nothing published yet"
        return Check(name, None, None, CRITICAL, detail, "staging untagged", reload)
    age = (today - batch).days
    detail = f"batch {batch.isoformat()} (tag on the {len(STAGING_TABLES)} tables)"
    if age <= 0:
        return Check(name, batch, age, OK, detail)
    action = (
        f"The dashboards show {batch}: no run published {today}'s dumps (see the daily DAG and run findings). Readers "
        "keep the previous complete batch until a run for the day succeeds."
    )
    detail += f", {days_text(age)} older than the check date"
    return Check(name, batch, age, CRITICAL, detail, f"staging at {batch}", action)


def pause_check(paused: bool | None) -> Check:
    name = "daily DAG"
    if paused is None:
        detail = f"{DAILY_DAG_ID} is not known to Airflow"
        action = (
            "Its DAG file did not load: look at the import errors above the Airflow UI's DAG list (MWAA: the "
            "DAG processing logs), fix them and deploy again."
        )
        return Check(name, None, None, CRITICAL, detail, "daily DAG unknown", action)
    if paused:
        detail = f"{DAILY_DAG_ID} is paused: the scheduler starts none of its runs"
        action = (
            f"Unpause {DAILY_DAG_ID} (its toggle in the Airflow UI's DAG list, or `airflow dags unpause "
            f"{DAILY_DAG_ID}`): the scheduler then runs the latest day itself (catchup is off), and runs triggered "
            'while it was paused start. For each other day missed meanwhile, Trigger DAG w/ config {"batch_date": '
            '"YYYY-MM-DD"}.'
        )
        return Check(name, None, None, CRITICAL, detail, "daily DAG paused", action)
    return Check(name, None, None, OK, f"{DAILY_DAG_ID} is active (not paused)")


def runs_window_start(today: dt.date) -> dt.datetime:
    """Where to look for the runs of `today`'s batch: a scheduled run's interval ends at 07:00 JST that day, and a
    manual one (any batch_date) ends at the last 07:00 before it was triggered, which is the day before at the
    earliest for a run that loads `today` at all."""
    day = today - dt.timedelta(days=1)
    return pendulum.datetime(day.year, day.month, day.day, tz=TIMEZONE)


def _batch_of(run: RunInfo, today: dt.date) -> dt.date | None:
    try:
        return run_batch_date(run.conf, run.data_interval_end, today=today)
    except BatchDateRefused:  # a batch_date after the check date (or malformed): not a run for this check date
        return None


def daily_run_check(runs: list[RunInfo], today: dt.date) -> Check:
    """Did a run of the daily DAG load `today`'s batch? `runs`: the DAG's runs ending since runs_window_start()."""
    name = "daily run"
    mine = [r for r in runs if _batch_of(r, today) == today]
    if done := [r for r in mine if r.state == "success"]:
        return Check(name, today, 0, OK, f"batch {today} loaded by run {done[-1].run_id} (success)")
    if not mine:
        detail = f"no run of {DAILY_DAG_ID} for batch {today} at all"
        action = (
            f"Nothing loaded {today}. If the DAG is paused, unpause it first; else the scheduler did not create the "
            f"{hhmm(DAILY_FIRE_JST)} JST run: check its health (MWAA: environment monitoring). {_trigger(today)} to "
            "load the day."
        )
        return Check(name, None, None, CRITICAL, detail, "no daily run", action)
    states = sorted({r.state for r in mine})
    runs_text = "; ".join(f"run {r.run_id} is {r.state}" for r in mine)
    advice = []
    if "failed" in states:
        advice.append(
            "A failed run's first red task sent its own FAILED alert with what to do: fix that, then clear the "
            "task (downstream included)."
        )
    if set(states) - {"failed"}:
        advice.append(
            "A run that has not finished: open it in the grid view. wait_for_dumps still waiting means the dumps "
            "are late (contact the source system's owner); a queued run of a paused DAG starts only once unpaused."
        )
    detail = f"no successful run of {DAILY_DAG_ID} for batch {today}: {runs_text}"
    title = "daily run " + "/".join(s if s == "failed" else f"still {s}" for s in states)
    return Check(name, None, None, CRITICAL, detail, title, " ".join(advice))


def daily_dag_checks(paused: bool | None, runs: list[RunInfo], today: dt.date) -> list[Check]:
    return [pause_check(paused), daily_run_check(runs, today)]


def dump_checks(present: dict[str, tuple[str, ...]], today: dt.date) -> list[Check]:
    """present: dump stem -> the s3:// URLs of its objects for the check date (`.sql`, `.sql.gz`; none, one or both)."""
    out = []
    for stem in DUMP_FILES:
        urls = present.get(stem, ())
        name = f"s3 dump {stem}_{today:%Y%m%d}"
        judged = verdict(urls)
        if judged == MISSING:
            action = (
                "The source system has not delivered it (due 05:30 JST): contact its owner. Once it is in S3, clear "
                "wait_for_dumps of the day's run (downstream included) if it has given up."
            )
            out.append(Check(name, None, None, CRITICAL, f"missing ({FORMS_TEXT})", action=action))
        elif judged == AMBIGUOUS:
            action = (
                f"The day's run fails on it: {ambiguity(*urls)}. Then clear wait_for_dumps of the day's run "
                "(downstream included)."
            )
            out.append(
                Check(name, None, None, CRITICAL, f"ambiguous: {' and '.join(urls)}", f"{name} ambiguous", action)
            )
        else:
            out.append(Check(name, today, 0, OK, f"present: {urls[0]}"))
    return out


def worst(checks: list[Check]) -> str:
    levels = {c.level for c in checks}
    return CRITICAL if CRITICAL in levels else WARNING if WARNING in levels else OK


def findings(checks: list[Check]) -> list[Check]:
    """The checks to act on, critical first, each level in check order."""
    return [c for c in checks if c.level == CRITICAL] + [c for c in checks if c.level == WARNING]


def summarise(checks: list[Check], today: dt.date) -> str:
    return f"Freshness on {today.isoformat()} (JST): {worst(checks).upper()}\n" + "\n".join(c.line() for c in checks)


# --- readers ------------------------------------------------------------------------------------------------


def table_checks(conn, today: dt.date) -> list[Check]:
    """Staging (its batch tag), then silver and gold (TABLE_CHECKS)."""
    out = []
    cur = conn.cursor()
    try:
        published, _ = generations.read_generations(cur)
        out.append(staging_check(published, today))
        for table, expression in TABLE_CHECKS.items():
            if not db_session.table_exists(cur, *table.split(".")):
                action = f"It was never built: {_trigger(today)}."
                out.append(Check(table, None, None, CRITICAL, "table does not exist", action=action))
                continue
            cur.execute(f"SELECT {expression} FROM {table}")  # names from TABLE_CHECKS only
            out.append(grade(table, cur.fetchone()[0], today))
    finally:
        cur.close()
    return out


def present_dumps(s3_client, bucket: str, prefix: str, today: dt.date) -> dict[str, tuple[str, ...]]:
    return {stem: tuple(o.url for o in dump_objects(s3_client, bucket, prefix, stem, today)) for stem in DUMP_FILES}


def run_checks(conn, s3_client, bucket: str, prefix: str, today: dt.date) -> list[Check]:
    """The warehouse and S3 checks (the daily DAG's are daily_dag_checks, from Airflow's metadata)."""
    return table_checks(conn, today) + dump_checks(present_dumps(s3_client, bucket, prefix, today), today)
