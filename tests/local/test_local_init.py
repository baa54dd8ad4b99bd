"""tools/local_init.py, the compose stack's airflow-init step, run for real outside Docker against the harness's
MySQL-compatible server and moto server, as a separate process the way the container runs it."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import MySQLdb
import pytest

from harness import airflow_env
from harness import moto_server as mt
from tokyobeta_etl.admin import render_grants, split_sql
from tokyobeta_etl.data_contract import DEFAULT_PREFIX, DUMP_FILES, dump_key
from tokyobeta_sim import DirectorySink, simulate

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "tools" / "local_init.py"
GRANTS = REPO / "include" / "sql" / "admin" / "grants.sql"
# Not the session's `tokyobeta_etl` (harness.warehouse): re-running the grants for it would change its password.
USER = "tokyobeta_local_init"
END, DAYS, SCALE = dt.date(2026, 2, 10), 2, 0.05


@pytest.fixture
def stack(mysql_server, moto_server):
    """The environment airflow-init gets, pointed at the harness servers; a bucket and a topic of this test's own
    (other tests share the moto server and reset it at will), removed afterwards with the user."""
    suffix = uuid.uuid4().hex[:8]
    password = secrets.token_hex(10)
    env = {
        **os.environ,
        **mt.CREDENTIALS,
        **airflow_env.connections(mysql_server.url(USER, password), moto_server.endpoint_url, mt.REGION),
        "TOKYOBETA_LOCAL_MYSQL_ADMIN_URL": mysql_server.url(),
        "AIRFLOW_VAR_TOKYOBETA_DUMP_BUCKET": f"tokyobeta-local-init-{suffix}",
        "AIRFLOW_VAR_TOKYOBETA_SNS_TOPIC_ARN": f"arn:aws:sns:{mt.REGION}:123456789012:tokyobeta-local-init-{suffix}",
    }
    for name in ("PYTHONPATH", "AIRFLOW_VAR_TOKYOBETA_DUMP_PREFIX"):  # the script finds plugins/ by itself
        env.pop(name, None)
    mysql_server.execute(f"DROP USER IF EXISTS '{USER}'@'%'")
    yield env, password
    s3, sns = moto_server.client("s3"), moto_server.client("sns")
    bucket = env["AIRFLOW_VAR_TOKYOBETA_DUMP_BUCKET"]
    try:
        for obj in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=obj["Key"])
        s3.delete_bucket(Bucket=bucket)
    except s3.exceptions.ClientError:
        pass  # another test reset moto meanwhile
    sns.delete_topic(TopicArn=env["AIRFLOW_VAR_TOKYOBETA_SNS_TOPIC_ARN"])
    mysql_server.execute(f"DROP USER IF EXISTS '{USER}'@'%'")


def run_init(env: dict, cwd: Path, end: dt.date = END) -> str:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--days", str(DAYS), "--end", end.isoformat(), "--scale", str(SCALE)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def grants(statements) -> set[tuple[frozenset[str], str]]:
    """{(privileges, on what)} of GRANT statements, in the file's or in SHOW GRANTS' spelling."""
    out = set()
    for statement in statements:
        m = re.match(r"GRANT\s+(.+?)\s+ON\s+(\S+)\s+TO\s", statement, re.S)
        if m:
            privileges = frozenset(" ".join(p.split()) for p in m.group(1).split(","))
            out.add((privileges, m.group(2).replace("`", "").replace("\\", "")))
    return out


def objects(s3, bucket: str) -> dict[str, tuple[str, dt.datetime]]:
    listing = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: (o["ETag"], o["LastModified"]) for o in listing}


def user_grants(mysql_server, password: str) -> set:
    conn = mysql_server.connect(user=USER, password=password)
    try:
        cur = conn.cursor()
        cur.execute("SHOW GRANTS FOR CURRENT_USER()")
        return {row[0] for row in cur.fetchall()}
    finally:
        conn.close()


def test_init_prepares_the_warehouse_bucket_topic_and_dumps_and_a_second_run_changes_nothing(
    stack, mysql_server, moto_server, tmp_path, local_init
):
    env, password = stack
    bucket, topic = env["AIRFLOW_VAR_TOKYOBETA_DUMP_BUCKET"], env["AIRFLOW_VAR_TOKYOBETA_SNS_TOPIC_ARN"]
    s3, sns = moto_server.client("s3"), moto_server.client("sns")

    first = run_init(env, tmp_path)
    assert f"ETL user '{USER}'@'%' created" in first
    assert f"s3 bucket {bucket} created" in first and f"sns topic {topic} created" in first

    # the dumps: four per batch date under the contract's names, plus the truth file, byte for byte the simulator's
    days = [END - dt.timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
    stored = objects(s3, bucket)
    expected = {dump_key(DEFAULT_PREFIX, stem, f"{d:%Y%m%d}") for d in days for stem in DUMP_FILES}
    assert {k for k in stored if k.endswith(".sql")} == expected and len(expected) == 4 * DAYS
    assert set(stored) - expected == {f"{DEFAULT_PREFIX}truth_{d:%Y%m%d}.json" for d in days}
    history = local_init.HISTORY_START
    list(simulate(days[0], DAYS, sink=DirectorySink(tmp_path / "sim"), seed=1, scale=SCALE, history_start=history))
    for key in stored:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        assert body == (tmp_path / "sim" / key.removeprefix(DEFAULT_PREFIX)).read_bytes(), key
    assert "all 2 batch dates: airflow dags backfill -s 2026-02-08T07:00:00+09:00 -e 2026-02-09T07:00:00+09:00" in first

    # the topic, and the ETL user: it logs in with the connection's password and holds exactly the shipped grants
    assert topic in {t["TopicArn"] for t in sns.list_topics()["Topics"]}
    shown = user_grants(mysql_server, password)
    shipped = grants(split_sql(render_grants(GRANTS.read_text(encoding="utf-8"), USER, "%", password)))
    assert grants(shown) == shipped  # PROCESS on *.* stands where a user without global rights shows USAGE
    conn = mysql_server.connect(user=USER, password=password)
    with pytest.raises((MySQLdb.OperationalError, MySQLdb.ProgrammingError)):
        conn.cursor().execute("CREATE DATABASE not_ours")
    conn.close()

    # again: everything is kept, no object is rewritten
    second = run_init(env, tmp_path)
    assert f"ETL user '{USER}'@'%' kept" in second
    assert f"s3 bucket {bucket} kept" in second and f"sns topic {topic} kept" in second
    assert f"0 objects written, {5 * DAYS} unchanged" in second
    assert objects(s3, bucket) == stored  # same ETags, same LastModified
    assert user_grants(mysql_server, password) == shown

    # the next day: the window moves on over the same simulated history, the shared date stays as it was
    third = run_init(env, tmp_path, end=END + dt.timedelta(days=1))
    assert f"5 objects written, {5 * (DAYS - 1)} unchanged" in third
    now = objects(s3, bucket)
    assert {k: v for k, v in now.items() if k in stored} == stored
    assert len(now) == len(stored) + 5


def test_targets_come_from_the_airflow_environment_with_the_dags_defaults(local_init):
    env = {
        "TOKYOBETA_LOCAL_MYSQL_ADMIN_URL": "mysql://root:r%40ot@db:3306",
        **airflow_env.connections("mysql://etl:pw@db:3306", "http://s3:5000", "ap-northeast-1"),
    }
    t = local_init.targets_from_env(env)
    assert (t.admin.login, t.admin.password, t.admin.host) == ("root", "r@ot", "db")
    assert (t.mysql.login, t.mysql.password, t.mysql.port) == ("etl", "pw", 3306)
    assert (t.bucket, t.prefix, t.topic_arn) == ("jram-gghouse", "dumps/", None)
    assert (t.endpoint_url, t.region, t.aws_key) == ("http://s3:5000", "ap-northeast-1", "testing")
    env["AIRFLOW_VAR_TOKYOBETA_DUMP_PREFIX"] = "incoming/"
    assert local_init.targets_from_env(env).prefix == "incoming/"


def test_it_refuses_a_missing_setting_and_the_administrator_as_the_pipelines_user(local_init):
    with pytest.raises(SystemExit, match="TOKYOBETA_LOCAL_MYSQL_ADMIN_URL"):
        local_init.targets_from_env(airflow_env.connections("mysql://etl:pw@db:3306", "http://s3:5000", "x"))
    env = {
        "TOKYOBETA_LOCAL_MYSQL_ADMIN_URL": "mysql://root:pw@db:3306",
        **airflow_env.connections("mysql://root:pw@db:3306", "http://s3:5000", "ap-northeast-1"),
    }
    with pytest.raises(SystemExit, match="least-privilege"):
        local_init.targets_from_env(env)
