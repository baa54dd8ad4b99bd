"""Fixtures of the operations tests: an SNS topic with an SQS queue subscribed, on the harness's moto server."""

from __future__ import annotations

import json
import uuid

import pytest


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
