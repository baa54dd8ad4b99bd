"""`python -m tokyobeta_sim`: write simulated source dumps (and their ground truth) for a range of dates."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta

from tokyobeta_etl.data_contract import DEFAULT_PREFIX

from .dumpformat import DumpOptions
from .engine import simulate
from .sinks import DirectorySink, S3Sink


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tokyobeta_sim",
        description="Simulate the share-house source system and write its four daily mariadb-dump files per date, "
        "plus truth_YYYYMMDD.json with the KPIs those dumps must yield.",
    )
    parser.add_argument("--start", required=True, type=date.fromisoformat, help="first dump date (YYYY-MM-DD, JST)")
    span = parser.add_mutually_exclusive_group()
    span.add_argument("--days", type=int, help="number of dump dates (default 1)")
    span.add_argument("--end", type=date.fromisoformat, help="last dump date, inclusive")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scale", type=float, default=1.0, help="population and event-rate factor (1 = production)")
    where = parser.add_argument_group("output (one of)")
    where.add_argument("--out", help="directory to write into")
    where.add_argument("--bucket", help="S3 bucket to upload to")
    where.add_argument("--prefix", default=DEFAULT_PREFIX, help=f"S3 key prefix (default {DEFAULT_PREFIX})")
    where.add_argument("--endpoint-url", help="S3 endpoint (e.g. a local moto server)")
    mode = parser.add_argument_group("dump mode (as mariadb-dump)")
    mode.add_argument("--compact", action="store_true")
    mode.add_argument("--skip-extended-insert", action="store_true")
    mode.add_argument("--complete-insert", "-c", action="store_true")
    mode.add_argument("--databases", "-B", action="store_true", help="add CREATE DATABASE / USE")
    mode.add_argument("--database-name", default="gghouse", help="source database name (default gghouse)")
    mode.add_argument("--gzip", action="store_true", help="write .sql.gz")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")
    args = parser.parse_args(argv)
    if (args.out is None) == (args.bucket is None):
        parser.error("give exactly one of --out DIR or --bucket NAME")
    if args.end is not None:
        args.days = (args.end - args.start).days + 1
    elif args.days is None:
        args.days = 1
    if args.days < 1:
        parser.error("the date range is empty")
    if args.scale <= 0:
        parser.error("--scale must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    options = DumpOptions(
        compact=args.compact,
        extended_insert=not args.skip_extended_insert,
        complete_insert=args.complete_insert,
        databases=args.databases,
        database=args.database_name,
        gzip=args.gzip,
    )
    sink = DirectorySink(args.out) if args.out else S3Sink(args.bucket, args.prefix, args.endpoint_url)
    started = time.perf_counter()
    files = 0
    for result in simulate(
        args.start, args.days, sink=sink, seed=args.seed, scale=args.scale, options=options, progress=not args.quiet
    ):
        files += len(result.files)
    if not args.quiet:
        last = args.start + timedelta(days=args.days - 1)
        where = args.out or f"s3://{args.bucket}/{args.prefix}"
        print(
            f"wrote {files} files for {args.start}..{last} to {where} in {time.perf_counter() - started:.1f}s",
            file=sys.stderr,
        )
    return 0
