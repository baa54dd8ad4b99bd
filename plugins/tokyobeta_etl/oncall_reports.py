"""What each on-call command finds, as one readable report: the shared core of the command line
(`python -m tokyobeta_etl.oncall`) and the on-call DAGs (`tokyobeta_oncall_*`, run from the Airflow UI).

A report carries the text the engineer reads (the CLI prints it, a DAG task logs it) and whether it is a finding
that needs action (the CLI exits non-zero, the DAG task fails and sends the usual alert).
"""

from __future__ import annotations

import datetime as dt
from contextlib import closing
from dataclasses import dataclass

from tokyobeta_etl import config


@dataclass(frozen=True)
class Report:
    text: str
    finding: str | None = None  # set: something needs action; one line saying what
    exit_code: int = 0  # the CLI's exit status (0 = nothing to act on)

    @property
    def needs_action(self) -> bool:
        return self.finding is not None


def _connect():
    from tokyobeta_etl import db_session

    return closing(db_session.connect())


def freshness(check_date: dt.date) -> Report:
    """The 09:00 check's grading and report, without its messages: the engineer reads the report, and a WARN sent
    from here would use up the day's one WARN message of the 09:00 DAG (alert_once) before it runs."""
    from tokyobeta_etl import freshness as grading
    from tokyobeta_etl.freshness_run import check_freshness, findings

    checks = check_freshness(check_date)
    text = grading.summarise(checks, check_date)
    if todo := findings(checks):
        text += "\n\nWhat to do:\n" + "\n".join(f"- {finding}\n  {action}" for finding, action in todo)
    if grading.worst(checks) != grading.CRITICAL:
        return Report(text)
    critical = ", ".join(c.headline() for c in checks if c.level == grading.CRITICAL)
    return Report(text, f"critical freshness on {check_date}: {critical}", exit_code=2)


def row_counts() -> Report:
    from tokyobeta_etl import row_counts as counting

    share = float(config.setting("tokyobeta_max_shrink_share"))
    with _connect() as conn:
        counts = counting.read_counts(conn, share)
    batch = counts[0].batch if counts else None
    flagged = [c.table for c in counts if c.flags]
    lines = [f"Row counts of the published batch {batch or '(none published)'}:"]
    lines += ["  " + c.line() for c in counts]
    lines.append(f"FLAGGED: {', '.join(flagged)}" if flagged else "OK: no unexpected drop")
    text = "\n".join(lines)
    return Report(text, f"row counts flagged: {', '.join(flagged)}", exit_code=1) if flagged else Report(text)


def reload(batch: dt.date, stems: list[str], *, check_only: bool, allow_shrink: bool) -> Report:
    from tokyobeta_etl.loading.reload import ReloadRefused
    from tokyobeta_etl.loading.reload import reload as reload_dumps

    try:
        result = reload_dumps(batch, stems, check_only=check_only, allow_shrink=allow_shrink)
    except ReloadRefused as err:
        return Report(f"REFUSED: {err}", f"reload refused: {err}", exit_code=2)
    lines = [f"{stem}: {got['key']} valid, rows {got['rows']}, sha256 {got['sha256']}" for stem, got in
             result["checked"].items()]  # fmt: skip
    if check_only:
        lines.append("CHECK ONLY: staging, silver and gold were not changed")
    else:
        lines.append(
            f"PUBLISHED into staging in one RENAME: {', '.join(result['published'])} (previous in staging_prev)"
        )
        lines.append(
            f"Next: clear {config.DAILY_DAG_ID}'s run of batch {batch} from snapshot_tenants (downstream included) "
            "so that silver, gold and the KPIs are rebuilt from it."
        )
    return Report("\n".join(lines))


def restore_backup(table: str | None, batch: dt.date | None) -> Report:
    """No table: list the backups by batch date. A table: swap in its backup of `batch` (None: the newest kept);
    restoring the batch it replaced undoes it."""
    from tokyobeta_etl import backups

    with _connect() as conn:
        if not table:
            with closing(conn.cursor()) as cur:
                return Report(backups.listing(cur))
        try:
            done = backups.restore(conn, table, batch)
        except backups.RestoreRefused as err:
            return Report(f"REFUSED: {err}", f"restore refused: {err}", exit_code=2)
    if done.replaced is None:
        undo = "There was no live table to swap out."
    else:
        undo = (
            f"The table it replaced (batch {done.replaced}) is now {config.OPS}.{done.replaced_name}: restore batch "
            f"{done.replaced} of {table} to undo."
        )
    return Report(
        f"RESTORED {table} to batch {done.batch}: {'; '.join(done.statements)}\n{undo}\n"
        "The next daily run rebuilds the table from staging (keeping this one as its batch's backup)."
    )


def locks() -> Report:
    from tokyobeta_etl import locks as lock_views

    with _connect() as conn:
        sessions = lock_views.lock_sessions(conn)
    text = lock_views.render(sessions)
    if not lock_views.needs_action(sessions):
        return Report(text)
    waiting = ", ".join(str(s.connection_id) for s in sessions if s.role == "waits")
    return Report(text, f"sessions waiting for a lock on the pipeline's schemas: {waiting}", exit_code=1)
