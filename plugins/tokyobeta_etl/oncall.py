"""The on-call engineer's command line: `python -m tokyobeta_etl.oncall <command> --help`.

The same commands as the `tokyobeta_oncall_*` DAGs (MWAA has no shell: use those there), with the same code
(tokyobeta_etl.oncall_reports). Runs where Airflow's connections resolve (a shell with AIRFLOW_CONN_TOKYOBETA_AURORA
and AIRFLOW_CONN_AWS_DEFAULT set): the same connections, Variables and code as the DAGs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from tokyobeta_etl import config, freshness, oncall_reports
from tokyobeta_etl.batch_date import today_jst
from tokyobeta_etl.data_contract import DUMP_FILES


def _print(report) -> int:
    print(report.text)
    return report.exit_code


def check_freshness_command(args: argparse.Namespace) -> int:
    return _print(oncall_reports.freshness(args.date))


def verify_row_counts_command(args: argparse.Namespace) -> int:
    return _print(oncall_reports.row_counts())


def reload_command(args: argparse.Namespace) -> int:
    return _print(
        oncall_reports.reload(args.date, args.tables, check_only=args.check_only, allow_shrink=args.allow_shrink)
    )


def restore_backup_command(args: argparse.Namespace) -> int:
    return _print(oncall_reports.restore_backup(None if args.list else args.table, args.batch))


def show_locks_command(args: argparse.Namespace) -> int:
    return _print(oncall_reports.locks())


def _ymd(value: str) -> dt.date:
    return dt.datetime.strptime(value, "%Y%m%d").date()


FRESHNESS_AT = config.hhmm(config.FRESHNESS_FIRE_JST)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tokyobeta_etl.oncall", description=__doc__)
    commands = p.add_subparsers(dest="command", required=True, metavar="command")
    fresh = commands.add_parser(
        "check-freshness",
        help=f"the {FRESHNESS_AT} freshness check on demand (exit 2 when critical; sends nothing)",
        description=f"The {FRESHNESS_AT} freshness check: the daily DAG active with a successful run for the date, "
        f"staging's batch tag = the date, silver and gold graded ({freshness.grades_text()}), the day's dumps in S3. "
        "One line per check and what to do; exits 2 when critical; sends nothing. Reads the daily DAG's runs from "
        "Airflow's metadata database.",
    )
    fresh.add_argument(
        "--date", type=dt.date.fromisoformat, default=today_jst(), help="check date, YYYY-MM-DD (default: today JST)"
    )
    fresh.set_defaults(run=check_freshness_command)
    counts = commands.add_parser(
        "verify-row-counts",
        help="dump vs staging vs silver rows per table, flagging unexpected drops (exit 1 when flagged)",
        description="For the published batch: rows in each dump (ops.load_audit), in staging, in silver's stg_* "
        "model, and the previous batch's dump. Flags staging differing from its dump, silver differing from "
        "staging, and a dump that shrank by more than tokyobeta_max_shrink_share. Exits 1 when anything is flagged.",
    )
    counts.set_defaults(run=verify_row_counts_command)
    reload = commands.add_parser(
        "reload",
        help="emergency reload of a date's dumps from S3: validated, then published atomically",
        description="Streams the date's dumps from S3 through the DAG's load code (same validation, same batch "
        "tag) into staging_load, then swaps the reloaded tables into staging with one RENAME (previous ones kept in "
        "staging_prev). --check-only validates and changes nothing. A subset of the dumps may be reloaded only for "
        "the published batch date.",
    )
    reload.add_argument("--date", type=_ymd, required=True, help="batch date, YYYYMMDD")
    reload.add_argument(
        "--tables", nargs="+", default=list(DUMP_FILES), metavar="DUMP", help=f"dumps: {', '.join(DUMP_FILES)} (all)"
    )
    reload.add_argument("--check-only", action="store_true", help="validate into the load area only; publish nothing")
    reload.add_argument("--allow-shrink", action="store_true", help="accept a table shrinking beyond the limit")
    reload.set_defaults(run=reload_command)
    restore = commands.add_parser(
        "restore-backup",
        help="list the silver and gold tables' backups by batch date, or swap one back in",
        description="Before a full-rebuild silver or gold table, or gold.occupancy_daily_metrics, is rewritten, it is "
        "copied to ops as the backup of the batch it holds (one per batch date: re-running a batch replaces only "
        "that batch's backup; the newest tokyobeta_backup_generations batch dates are kept, default 3). Without "
        "--table: list them. With --table schema.table: swap the live table and that batch's backup in one atomic "
        "RENAME; the table it replaced becomes the backup of its own batch (restore that batch to undo).",
    )
    restore.add_argument("--table", help="e.g. gold.moveout_summary")
    restore.add_argument(
        "--batch", type=dt.date.fromisoformat, help="batch date of the backup, YYYY-MM-DD (default: the newest kept)"
    )
    restore.add_argument("--list", action="store_true", help="list the backups (also the default without --table)")
    restore.set_defaults(run=restore_backup_command)
    show_locks = commands.add_parser(
        "show-locks",
        help="the sessions holding or waiting for locks on the pipeline's schemas (exit 1 when one waits)",
        description="Lists the database sessions that hold or wait for a lock on the pipeline's schemas (staging, "
        "its load and previous areas, silver, gold, ops), longest first: connection id, user, host, command, seconds, "
        "tables, the sessions each waiter waits for, and its statement. Where the server cannot tell a blocker "
        "exactly (MariaDB without the METADATA_LOCK_INFO plugin) it lists the candidates, marked `?`. End a blocker "
        "by asking its owner, or with KILL <id> as the administrator. Exits 1 when a session waits.",
    )
    show_locks.set_defaults(run=show_locks_command)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
