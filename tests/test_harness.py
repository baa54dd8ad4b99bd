"""The harness servers are real: data goes in and comes back out through the network protocols."""

import os
import uuid


def test_mysql_table_round_trip_keeps_japanese_text(mysql_server):
    db = f"rt_{uuid.uuid4().hex[:8]}"
    mysql_server.execute(f"CREATE DATABASE {db}")
    try:
        conn = mysql_server.connect(db)
        cur = conn.cursor()
        cur.execute("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(64))")
        cur.execute("INSERT INTO t VALUES (1, %s)", ("高円寺ハウス",))
        cur.execute("SELECT name FROM t WHERE id = 1")
        assert cur.fetchone() == ("高円寺ハウス",)
        cur.execute("SELECT @@character_set_database")
        assert cur.fetchone()[0] == "utf8mb4"
        conn.close()
    finally:
        mysql_server.execute(f"DROP DATABASE {db}")


def test_mysql_server_is_a_separate_process_on_its_own_port(mysql_server):
    conn = mysql_server.connect()
    cur = conn.cursor()
    cur.execute("SELECT @@port, @@version")
    port, version = cur.fetchone()
    conn.close()
    assert port == mysql_server.port
    assert ("MariaDB" in version) == (mysql_server.flavor == "mariadb") or mysql_server.flavor == "external"


def test_s3_object_round_trip(s3_client):
    bucket = f"rt-{uuid.uuid4().hex[:8]}"
    s3_client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    s3_client.put_object(Bucket=bucket, Key="dumps/x.sql", Body=b"SELECT 1;")
    assert s3_client.get_object(Bucket=bucket, Key="dumps/x.sql")["Body"].read() == b"SELECT 1;"


def test_moto_serves_sns_sqs_and_quicksight(moto_server):
    sns, sqs = moto_server.client("sns"), moto_server.client("sqs")
    topic = sns.create_topic(Name="rt-topic")["TopicArn"]
    queue_url = sqs.create_queue(QueueName="rt-queue")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    sns.publish(TopicArn=topic, Message="hello", Subject="rt")
    messages = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1)["Messages"]
    assert "hello" in messages[0]["Body"]
    qs = moto_server.client("quicksight")
    resp = qs.create_ingestion(AwsAccountId="123456789012", DataSetId="ds-1", IngestionId="ing-1")
    assert resp["IngestionId"] == "ing-1"


def test_airflow_home_is_isolated():
    import os

    from airflow import settings
    from airflow.configuration import conf

    assert os.environ["AIRFLOW_HOME"] in conf.get("database", "sql_alchemy_conn")
    # what the session really uses, fixed when airflow was first imported (the above reads the environment now)
    assert os.environ["AIRFLOW_HOME"] in str(settings.engine.url)
    assert conf.getboolean("core", "load_examples") is False


def test_kill_tree_reaches_children_in_their_own_process_group_and_session(tmp_path):
    """Airflow's task runner moves each task into a process group of its own: a worker's kill must still reach it."""
    import subprocess
    import sys
    import time

    import psutil

    from harness.process_tree import kill_tree

    pids = tmp_path / "pids"
    grandchildren = (
        "import os, subprocess, sys, time\n"
        "a = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'], process_group=0)\n"
        "b = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'], start_new_session=True)\n"
        f"open({str(pids)!r}, 'w').write(f'{{a.pid}} {{b.pid}}')\n"
        "time.sleep(600)\n"
    )
    root = subprocess.Popen([sys.executable, "-c", grandchildren], start_new_session=True)
    deadline = time.monotonic() + 30
    while not (pids.exists() and pids.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    a, b = map(int, pids.read_text().split())
    assert os.getpgid(a) == a and os.getsid(b) == b  # neither shares the root's group

    assert set(kill_tree(root.pid)) == {root.pid, a, b}
    root.wait(timeout=10)

    def dead(pid: int) -> bool:  # reparented to init, which reaps it; a zombie until then
        try:
            return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True

    deadline = time.monotonic() + 10
    while not (dead(a) and dead(b)):
        assert time.monotonic() < deadline, "a grandchild outlived kill_tree"
        time.sleep(0.1)


def test_progress_line_counts_done_of_all_runs_and_names_the_running_tasks():
    import datetime as dt

    from harness.run_progress import progress_line

    # the logical dates of the daily runs of batches 2026-02-10 and 2026-02-11 (07:00 JST the day before), in UTC
    d1, d2 = dt.datetime(2026, 2, 8, 22, tzinfo=dt.UTC), dt.datetime(2026, 2, 9, 22, tzinfo=dt.UTC)
    tis = [("a", "success", d1), ("b", "running", d1), ("c", "upstream_failed", d1), ("d", None, d1)]
    assert progress_line(tis, 3, 12.4) == "[   12 s] 2/12 tasks done (1 failed); running: b (batch 2026-02-10)"
    tis += [("a", "running", d2), ("b", "running", d2), ("c", "running", d2), ("d", "queued", d2)]
    assert progress_line(tis, 2, 95).endswith(
        "2/8 tasks done (1 failed); running: b (batch 2026-02-10), a (batch 2026-02-11), b (batch 2026-02-11)"
        " and 1 more"
    )
    assert progress_line([], 5, 0) == "[    0 s] 0/? tasks done"  # the backfill has not made its first run yet


def test_the_session_time_summary_totals_folders_and_lists_the_slow_modules():
    from harness.session_times import time_lines

    week, locks, backups = "tests/dag/test_daily_week.py", "tests/dag/test_lock_waits.py", "tests/ops/test_backups.py"
    seconds = {week: 954.2, locks: 12.0, backups: 61.5, "tests/test_harness.py": 3}
    assert time_lines(seconds) == [
        " 16:06  tests/dag/",
        "  1:01  tests/ops/",
        "  0:03  tests/",
        f" 15:54  {week}",
        f"  1:01  {backups}",
        "  0:15  the other 2 modules (under 30 s each)",
    ]
