"""The on-call engineer's command line: `python -m tokyobeta_etl.oncall <command> --help`.

Runs where Airflow's connections resolve (an MWAA CLI session, a worker, or a shell with AIRFLOW_CONN_TOKYOBETA_AURORA
and AIRFLOW_CONN_AWS_DEFAULT set): the same connections, Variables and code as the DAGs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

JST = dt.timezone(dt.timedelta(hours=9))


def _today_jst() -> dt.date:
    return dt.datetime.now(JST).date()


def check_freshness_command(args: argparse.Namespace) -> int:
    from tokyobeta_etl import freshness
    from tokyobeta_etl.tasks.freshness import check_freshness

    checks = check_freshness(args.date)
    print(freshness.summarise(checks, args.date))
    return 2 if freshness.worst(checks) == freshness.CRITICAL else 0


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
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
