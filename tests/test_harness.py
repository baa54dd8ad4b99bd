"""The harness servers are real: data goes in and comes back out through the network protocols."""

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
