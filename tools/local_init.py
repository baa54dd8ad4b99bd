"""Make the docker compose stack ready for the daily DAG (docker-compose.yaml runs this in `airflow-init`).

It reads its targets from the environment the Airflow containers get, so it prepares exactly what the DAG will use:

- the warehouse: the project's schemas and the least-privilege user of the `tokyobeta_aurora` connection
  (AIRFLOW_CONN_TOKYOBETA_AURORA: its login and password), created with the shipped grants
  (include/sql/admin/grants.sql, rendered by tokyobeta_etl.admin) as the administrator of
  TOKYOBETA_LOCAL_MYSQL_ADMIN_URL (mysql://user:password@host:port);
- S3: the dump bucket (Variable tokyobeta_dump_bucket, default jram-gghouse) at the `aws_default` connection's
  endpoint_url (moto), in its region_name;
- SNS: the alert topic AIRFLOW_VAR_TOKYOBETA_SNS_TOPIC_ARN (skipped when unset: alerts are then only logged);
- the dumps of the last --days batch dates up to --end (default: today JST), written by the source simulator
  (tokyobeta_sim) under the Variable tokyobeta_dump_prefix (default dumps/), with its truth_YYYYMMDD.json.
  The simulated source starts at --history-start (the daily DAG's start date) whatever the window, so a date's
  dumps are the same on every run and the next day's continue the same history, as the real source's do.

Idempotent: running it again keeps the user (same password, same grants), the bucket and the topic, and leaves
each dump alone when the object already holds the same bytes. Dev only: never point it at a real account or
database.

    python tools/local_init.py [--days 3] [--end YYYY-MM-DD] [--scale 1.0] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlparse

REPO = Path(__file__).resolve().parents[1]  # the repository, or /opt/airflow in the compose containers
sys.path.insert(0, str(REPO / "plugins"))

from tokyobeta_etl import config  # noqa: E402
from tokyobeta_etl.admin import render_grants, split_sql  # noqa: E402
from tokyobeta_etl.batch_date import logical_date_for_batch, today_jst  # noqa: E402
from tokyobeta_etl.data_contract import DUMP_FILES  # noqa: E402

GRANTS = REPO / "include" / "sql" / "admin" / "grants.sql"
ADMIN_URL_ENV = "TOKYOBETA_LOCAL_MYSQL_ADMIN_URL"
HISTORY_START = config.DAILY_START_DATE


@dataclass(frozen=True)
class Conn:
    """The parts of an Airflow connection this script needs."""

    host: str
    port: int | None
    login: str | None
    password: str | None
    extra: dict


@dataclass(frozen=True)
class Targets:
    admin: Conn
    mysql: Conn
    endpoint_url: str | None
    region: str
    aws_key: str | None
    aws_secret: str | None
    bucket: str
    prefix: str
    topic_arn: str | None


def parse_conn(value: str) -> Conn:
    """An AIRFLOW_CONN_* value, JSON form ({"conn_type": ..., "host": ...}) or URI form (scheme://login:pw@host:port)."""
    value = value.strip()
    if value.startswith("{"):
        data = json.loads(value)
        extra = data.get("extra") or {}
        if isinstance(extra, str):
            extra = json.loads(extra) if extra.strip() else {}
        port = data.get("port")
        return Conn(data.get("host") or "", int(port) if port else None, data.get("login"), data.get("password"), extra)
    u = urlparse(value)
    return Conn(
        unquote(u.hostname or ""),
        u.port,
        unquote(u.username) if u.username else None,
        unquote(u.password) if u.password else None,
        dict(parse_qsl(u.query)),
    )


def targets_from_env(env: dict[str, str]) -> Targets:
    """What to prepare, from the variables the Airflow containers get (see the module docstring)."""
    missing = [
        name
        for name in (ADMIN_URL_ENV, "AIRFLOW_CONN_TOKYOBETA_AURORA", "AIRFLOW_CONN_AWS_DEFAULT")
        if not env.get(name)
    ]
    if missing:
        raise SystemExit(f"set {', '.join(missing)} (docker-compose.yaml sets them for airflow-init)")
    admin, mysql = parse_conn(env[ADMIN_URL_ENV]), parse_conn(env["AIRFLOW_CONN_TOKYOBETA_AURORA"])
    if not mysql.login or not mysql.password:
        raise SystemExit("the tokyobeta_aurora connection needs a login and a password: the ETL user to create")
    if mysql.login == admin.login:
        raise SystemExit(
            f"the tokyobeta_aurora connection logs in as the administrator {admin.login!r}: "
            "the DAG must run as its own least-privilege user"
        )
    aws = parse_conn(env["AIRFLOW_CONN_AWS_DEFAULT"])

    def variable(name: str) -> str:
        value = env.get(f"AIRFLOW_VAR_{name.upper()}", "").strip()
        return value or config.VARIABLE_DEFAULTS[name]

    return Targets(
        admin=admin,
        mysql=mysql,
        endpoint_url=aws.extra.get("endpoint_url"),
        region=aws.extra.get("region_name") or env.get("AWS_DEFAULT_REGION") or "ap-northeast-1",
        aws_key=aws.login,
        aws_secret=aws.password,
        bucket=variable("tokyobeta_dump_bucket"),
        prefix=variable("tokyobeta_dump_prefix"),
        topic_arn=env.get("AIRFLOW_VAR_TOKYOBETA_SNS_TOPIC_ARN", "").strip() or None,
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--days", type=int, default=int(env.get("TOKYOBETA_LOCAL_DAYS") or 3), help="batch dates (3)")
    p.add_argument(
        "--end",
        type=dt.date.fromisoformat,
        default=env.get("TOKYOBETA_LOCAL_END") or today_jst(),
        help="last batch date, YYYY-MM-DD (default: today JST)",
    )
    p.add_argument(
        "--scale", type=float, default=float(env.get("TOKYOBETA_LOCAL_SCALE") or 1.0), help="1 = production (1)"
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--history-start",
        type=dt.date.fromisoformat,
        default=HISTORY_START,
        help=f"date the simulated source starts from, before the window ({HISTORY_START})",
    )
    p.add_argument("--etl-host", default="%", help="host part of the ETL user ('%%': any, as on Aurora)")
    p.add_argument("--wait", type=float, default=120, help="seconds to wait for MySQL and moto to answer (120)")
    args = p.parse_args(argv)  # a string default (TOKYOBETA_LOCAL_END) goes through `type` too
    if args.days < 1:
        p.error("--days must be at least 1")
    return args


def retry(what: str, wait: float, attempt, errors: tuple[type[Exception], ...]):
    """attempt() until it stops raising one of `errors` (a server still starting), at most `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return attempt()
        except errors as err:
            if time.monotonic() >= deadline:
                raise SystemExit(f"{what} did not answer within {wait:.0f} s: {err}") from err
            time.sleep(1)


# -- warehouse ----------------------------------------------------------------------------------------------------
def prepare_warehouse(t: Targets, etl_host: str, wait: float) -> None:
    import MySQLdb

    def connect(conn: Conn):
        return MySQLdb.connect(
            host=conn.host,
            port=conn.port or 3306,
            user=conn.login or "root",
            password=conn.password or "",
            charset="utf8mb4",
            autocommit=True,
        )

    where = f"{t.admin.host}:{t.admin.port or 3306}"
    admin = retry(f"MySQL at {where}", wait, lambda: connect(t.admin), (MySQLdb.OperationalError,))
    try:
        cur = admin.cursor()
        cur.execute("SELECT COUNT(*) FROM mysql.user WHERE user = %s AND host = %s", (t.mysql.login, etl_host))
        existed = cur.fetchone()[0] > 0
        sql = render_grants(GRANTS.read_text(encoding="utf-8"), t.mysql.login, etl_host, t.mysql.password)
        statements = split_sql(sql)
        for statement in statements:
            cur.execute(statement)
        cur.execute("SELECT @@version")
        version = cur.fetchone()[0]
    finally:
        admin.close()
    schemas = [s.split("`")[1] for s in statements if s.upper().startswith("CREATE DATABASE")]
    print(f"warehouse {where} (server {version}): schemas {', '.join(schemas)} ready")
    probe = connect(t.mysql)  # what the DAG will do: the connection's host and credentials, as the ETL user
    try:
        cur = probe.cursor()
        cur.execute("SELECT CURRENT_USER()")
        current = cur.fetchone()[0]
    finally:
        probe.close()
    print(
        f"  ETL user '{t.mysql.login}'@'{etl_host}' {'kept' if existed else 'created'}, "
        f"grants from {GRANTS.relative_to(REPO)} applied; it logs in as {current}"
    )


# -- S3 and SNS ---------------------------------------------------------------------------------------------------
def aws_client(t: Targets, service: str):
    import boto3

    return boto3.client(
        service,
        endpoint_url=t.endpoint_url,
        region_name=t.region,
        aws_access_key_id=t.aws_key,
        aws_secret_access_key=t.aws_secret,
    )


def prepare_bucket(t: Targets, s3, wait: float) -> None:
    from botocore.exceptions import ClientError, EndpointConnectionError

    def exists() -> bool:
        try:
            s3.head_bucket(Bucket=t.bucket)
            return True
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") in ("404", "NoSuchBucket", "NotFound"):
                return False
            raise

    if retry(f"S3 at {t.endpoint_url}", wait, exists, (EndpointConnectionError,)):
        print(f"s3 bucket {t.bucket} kept ({t.endpoint_url or 'AWS'}, {t.region})")
        return
    kwargs = {} if t.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": t.region}}
    s3.create_bucket(Bucket=t.bucket, **kwargs)
    print(f"s3 bucket {t.bucket} created ({t.endpoint_url or 'AWS'}, {t.region})")


def prepare_topic(t: Targets, sns) -> None:
    if not t.topic_arn:
        print("sns: AIRFLOW_VAR_TOKYOBETA_SNS_TOPIC_ARN unset: alerts will only be logged")
        return
    existing = {topic["TopicArn"] for page in sns.get_paginator("list_topics").paginate() for topic in page["Topics"]}
    arn = sns.create_topic(Name=t.topic_arn.rsplit(":", 1)[-1])["TopicArn"]
    if arn != t.topic_arn:
        raise SystemExit(
            f"the topic was created as {arn}, but AIRFLOW_VAR_TOKYOBETA_SNS_TOPIC_ARN says {t.topic_arn}: "
            "make their region and account agree"
        )
    print(f"sns topic {arn} {'kept' if arn in existing else 'created'}")


class UnchangedSkippingS3Sink:
    """The simulator's S3 output, leaving an object alone when it already holds the same bytes (S3's ETag of a
    single-part upload is the MD5 of its content)."""

    def __init__(self, s3, bucket: str, prefix: str) -> None:
        self.s3, self.bucket, self.prefix = s3, bucket, prefix
        self.written = self.unchanged = 0

    def put(self, name: str, data: bytes) -> str:
        from botocore.exceptions import ClientError

        key = f"{self.prefix}{name}"
        try:
            head = self.s3.head_object(Bucket=self.bucket, Key=key)
            same = head["ETag"].strip('"') == hashlib.md5(data, usedforsecurity=False).hexdigest()
        except ClientError:
            same = False
        if same:
            self.unchanged += 1
        else:
            self.s3.put_object(Bucket=self.bucket, Key=key, Body=data)
            self.written += 1
        return f"s3://{self.bucket}/{key}"


def simulate_dumps(t: Targets, s3, args: argparse.Namespace) -> list[dt.date]:
    from tokyobeta_sim import simulate

    first = args.end - dt.timedelta(days=args.days - 1)
    sink = UnchangedSkippingS3Sink(s3, t.bucket, t.prefix)
    started = time.monotonic()
    history = min(args.history_start, first)
    print(
        f"dumps: batch dates {first} .. {args.end} (simulator: scale {args.scale}, seed {args.seed}, "
        f"history from {history})"
    )
    dates = []
    for day in simulate(first, args.days, sink=sink, seed=args.seed, scale=args.scale, history_start=history):
        stems = ",".join(DUMP_FILES)
        print(
            f"  {day.date}  s3://{t.bucket}/{t.prefix}{{{stems}}}_{day.date:%Y%m%d}.sql  "
            f"occupied {day.truth['occupied_rooms']:,} of {day.truth['total_rooms']:,} rooms"
        )
        dates.append(day.date)
    print(
        f"  {sink.written} objects written, {sink.unchanged} unchanged (dumps and truth files) "
        f"in {time.monotonic() - started:.1f} s"
    )
    return dates


def next_steps(dates: list[dt.date]) -> str:
    """The commands that run the simulated batch dates (a run's logical date is the day before its batch date)."""
    start, end = logical_date_for_batch(dates[0]), logical_date_for_batch(dates[-1])
    last = dates[-1]
    return "\n".join(
        [
            "next (in the scheduler container: docker compose exec airflow-scheduler <command>):",
            f"  all {len(dates)} batch dates: airflow dags backfill -s {start.isoformat()} -e {end.isoformat()} "
            f"{config.DAILY_DAG_ID}",
            f"  or one, e.g. {last}: airflow dags unpause {config.DAILY_DAG_ID} && airflow dags trigger "
            f"-e {last.isoformat()}T{config.hhmm(config.DAILY_FIRE_JST)}:00+09:00 {config.DAILY_DAG_ID}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    t = targets_from_env(dict(os.environ))
    prepare_warehouse(t, args.etl_host, args.wait)
    s3 = aws_client(t, "s3")
    prepare_bucket(t, s3, args.wait)
    prepare_topic(t, aws_client(t, "sns"))
    dates = simulate_dumps(t, s3, args)
    print(next_steps(dates))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
