"""The on-call engineer's command line: `python -m tokyobeta_etl.oncall <command> --help`.

Runs where Airflow's connections resolve (an MWAA CLI session, a worker, or a shell with AIRFLOW_CONN_TOKYOBETA_AURORA
and AIRFLOW_CONN_AWS_DEFAULT set): the same connections, Variables and code as the DAGs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from tokyobeta_etl.contract import DUMP_FILES

JST = dt.timezone(dt.timedelta(hours=9))


def _today_jst() -> dt.date:
    return dt.datetime.now(JST).date()


def check_freshness_command(args: argparse.Namespace) -> int:
    from tokyobeta_etl import freshness
    from tokyobeta_etl.tasks.freshness import check_freshness

    checks = check_freshness(args.date)
    print(freshness.summarise(checks, args.date))
    return 2 if freshness.worst(checks) == freshness.CRITICAL else 0


def verify_row_counts_command(args: argparse.Namespace) -> int:
    from contextlib import closing

    from airflow.providers.mysql.hooks.mysql import MySqlHook

    from tokyobeta_etl import config, row_counts

    share = float(config.setting("tokyobeta_max_shrink_share"))
    with closing(MySqlHook(mysql_conn_id=config.MYSQL_CONN_ID).get_conn()) as conn:
        counts = row_counts.read_counts(conn, share)
    batch = counts[0].batch if counts else None
    print(f"Row counts of the published batch {batch or '(none published)'}:")
    for c in counts:
        print("  " + c.line())
    flagged = [c.table for c in counts if c.flags]
    print(f"FLAGGED: {', '.join(flagged)}" if flagged else "OK: no unexpected drop")
    return 1 if flagged else 0


def reload_command(args: argparse.Namespace) -> int:
    from tokyobeta_etl.staging.reload import ReloadRefused, reload

    try:
        result = reload(args.date, args.tables, check_only=args.check_only, allow_shrink=args.allow_shrink)
    except ReloadRefused as err:
        print(f"REFUSED: {err}")
        return 2
    for stem, loaded in result["checked"].items():
        print(f"{stem}: {loaded['key']} valid, rows {loaded['rows']}, sha256 {loaded['sha256']}")
    if args.check_only:
        print("CHECK ONLY: staging, silver and gold were not changed")
    else:
        print(f"PUBLISHED into staging in one RENAME: {', '.join(result['published'])} (previous in staging_prev)")
        print(
            f"Next: clear tokyobeta_daily_etl's run of batch {args.date} from snapshot_tenants (downstream "
            "included) so that silver, gold and the KPIs are rebuilt from it."
        )
    return 0


def restore_backup_command(args: argparse.Namespace) -> int:
    from contextlib import closing

    from airflow.providers.mysql.hooks.mysql import MySqlHook

    from tokyobeta_etl import backups, config

    with closing(MySqlHook(mysql_conn_id=config.MYSQL_CONN_ID).get_conn()) as conn:
        if args.list or not args.table:
            with closing(conn.cursor()) as cur:
                kept = backups.list_backups(cur)
            print("Kept generations (g1 = newest):" if kept else "No generations kept in ops.")
            for b in kept:
                print(f"  {b.schema}.{b.table:<28} g{b.generation}  ~{b.rows or 0:,} rows  taken {b.created}")
            return 0
        try:
            statement = backups.restore(conn, args.table, args.generation)
        except backups.RestoreRefused as err:
            print(f"REFUSED: {err}")
            return 2
    print(f"RESTORED {args.table} from generation g{args.generation}: {statement}")
    print("The replaced table is now that generation: the same command undoes the restore. The next daily run "
          "rebuilds the table from staging.")  # fmt: skip
    return 0


def _ymd(value: str) -> dt.date:
    return dt.datetime.strptime(value, "%Y%m%d").date()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tokyobeta_etl.oncall", description=__doc__)
    commands = p.add_subparsers(dest="command", required=True, metavar="command")
    fresh = commands.add_parser(
        "check-freshness",
        help="grade staging, silver, gold and the day's dumps (exit 2 when critical)",
        description="The 09:00 freshness check: up to 1 day old is fresh, 2 days a warning, 3 or more (or an "
        "empty or missing table, or a missing dump) critical. Prints one line per check; exits 2 when critical.",
    )
    fresh.add_argument(
        "--date", type=dt.date.fromisoformat, default=_today_jst(), help="check date, YYYY-MM-DD (default: today JST)"
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
        help="list the kept generations of the silver and gold tables, or swap one back in",
        description="Before a full-rebuild silver or gold table is replaced, dbt keeps the previous one in ops "
        "(tokyobeta_backup_generations, default 3). Without --table: list them. With --table schema.table: swap "
        "the live table and the chosen generation in one atomic RENAME (run it again to undo).",
    )
    restore.add_argument("--table", help="e.g. gold.moveout_summary")
    restore.add_argument("--generation", type=int, default=1, help="1 = the previous version (default)")
    restore.add_argument("--list", action="store_true", help="list the kept generations")
    restore.set_defaults(run=restore_backup_command)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
