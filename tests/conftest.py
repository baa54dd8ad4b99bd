"""Session fixtures: a real MySQL-compatible server, a real moto server, an isolated Airflow home.

No test relies on a service this harness did not start (TOKYOBETA_TEST_MYSQL_URL is the one, explicit, exception).
"""

from __future__ import annotations

import json
import os
import uuid
from collections import defaultdict

import pytest

from harness import airflow_env as airflow_env_mod

# Airflow reads its configuration when first imported: isolate before any test module is collected.
AIRFLOW_HOME = airflow_env_mod.isolate()


FAILURE_TEXT_CHARS = 8000


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Print a failure (its last FAILURE_TEXT_CHARS characters) the moment it happens, not only in the summary at the
    end: CI keeps only this output, and a run stopped at CI's time limit never reaches the summary."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        terminal = item.config.pluginmanager.get_plugin("terminalreporter")
        text = str(report.longrepr)[-FAILURE_TEXT_CHARS:]
        terminal.write_line(f"\n---- {report.when} of {item.nodeid} failed ({call.duration:.0f} s):\n{text}\n----")


_SECONDS_BY_MODULE: dict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report):
    _SECONDS_BY_MODULE[report.nodeid.split("::", 1)[0]] += report.duration


def pytest_terminal_summary(terminalreporter):
    from harness.session_times import time_lines

    if _SECONDS_BY_MODULE:
        terminalreporter.section("time per test folder and module (min:s)")
        for line in time_lines(_SECONDS_BY_MODULE):
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def mysql_server():
    from harness import mysql_server as ms

    url = os.environ.get("TOKYOBETA_TEST_MYSQL_URL")
    server = ms.from_url(url) if url else ms.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def moto_server():
    from harness import moto_server as mt

    server = mt.start()
    for key, value in mt.CREDENTIALS.items():
        os.environ[key] = value
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3_client(moto_server):
    return moto_server.client("s3")


@pytest.fixture(scope="session")
def s3_endpoint(moto_server) -> str:
    return moto_server.endpoint_url


@pytest.fixture(scope="session")
def etl_user(mysql_server):
    """The pipeline's least-privilege user, created by the shipped grants file. Tests run the pipeline as it."""
    from harness import warehouse

    return warehouse.create_etl_user(mysql_server)


@pytest.fixture(scope="session")
def airflow_env(mysql_server, etl_user, moto_server):
    """Airflow metadata DB migrated, connections pointing at the harness servers as the ETL user."""
    from harness import moto_server as mt

    airflow_env_mod.set_connections(
        mysql_server.url(etl_user.user, etl_user.password), moto_server.endpoint_url, mt.REGION
    )
    from airflow.utils import db

    db.initdb(load_connections=False)
    return AIRFLOW_HOME


@pytest.fixture
def warehouse(mysql_server, etl_user):
    """A clean warehouse for one test: every project table dropped."""
    from harness import warehouse as wh

    wh.reset(mysql_server)
    return mysql_server


@pytest.fixture
def dump_bucket(moto_server, s3_client):
    """The contract's default bucket, empty."""
    from tokyobeta_etl.data_contract import DEFAULT_BUCKET

    moto_server.reset()
    s3_client.create_bucket(Bucket=DEFAULT_BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    return DEFAULT_BUCKET


@pytest.fixture(scope="session")
def dbt(mysql_server, etl_user, tmp_path_factory):
    """dbt as the pipeline runs it: the least-privilege user, target/ and logs/ in a session temp dir; one warm dbt
    process for the session (see harness.dbt_runner)."""
    from harness.dbt_runner import DbtRunner

    runner = DbtRunner.for_etl_user(mysql_server, etl_user, workdir=tmp_path_factory.mktemp("dbt"), warm=True)
    yield runner
    runner.cleanup()


@pytest.fixture(scope="session")
def airflow_cluster_include(tmp_path_factory):
    """A copy of include/ for the real Airflow below, so a test may break a file of it without touching the repo."""
    import shutil

    from harness.airflow_cluster import REPO

    target = tmp_path_factory.mktemp("cluster") / "include"
    shutil.copytree(REPO / "include", target, ignore=shutil.ignore_patterns("logs", "run", "compiled"))
    return target


@pytest.fixture(scope="session")
def airflow_cluster(request, mysql_server, etl_user, moto_server, airflow_cluster_include):
    """A real Airflow (PostgreSQL metadata DB, scheduler with the LocalExecutor, triggerer, web server) running dags/
    against the harness servers as the ETL user. The scheduler makes no runs of its own: tests trigger, backfill and
    clear them."""
    from harness import airflow_cluster as ac
    from harness import moto_server as mt

    cluster = ac.start(
        dags=sorted((ac.REPO / "dags").glob("*.py")),
        mysql_url=mysql_server.url(etl_user.user, etl_user.password),
        aws_endpoint_url=moto_server.endpoint_url,
        region=mt.REGION,
        webserver=True,
        extra_env={
            **ac.pipeline_env(airflow_cluster_include),
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            # The runs here are for dates months back: Airflow 2's SLA check would rightly flag every daily interval
            # since then (no run succeeded in them). SLAs are tested on their own (tests/ops/test_alerts.py).
            "AIRFLOW__CORE__CHECK_SLAS": "False",
        },
    )
    try:
        yield cluster
    finally:
        failed = request.session.testsfailed > 0
        cluster.stop(keep_home=failed)  # its logs are what explains a failure
        if failed:
            print(f"\nreal Airflow's home (logs) kept at {cluster.home}")


@pytest.fixture
def topic(airflow_env, moto_server, monkeypatch):
    """A new SNS topic with a new SQS queue subscribed (raw delivery off: the SNS envelope carries the subject).
    Returns a function that drains the queue. moto is not reset: other fixtures' buckets stay."""
    name = f"tokyobeta-alerts-{uuid.uuid4().hex[:8]}"
    sns, sqs = moto_server.client("sns"), moto_server.client("sqs")
    arn = sns.create_topic(Name=name)["TopicArn"]
    queue_url = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn)
    monkeypatch.setenv("AIRFLOW_VAR_TOKYOBETA_SNS_TOPIC_ARN", arn)

    def received() -> list[dict]:
        out = []
        while True:
            got = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            if not got.get("Messages"):
                return out
            for m in got["Messages"]:
                envelope = json.loads(m["Body"])
                out.append({"subject": envelope.get("Subject"), "body": envelope["Message"]})
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])

    return received
