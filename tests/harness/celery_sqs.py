"""Amazon SQS as the Celery cluster's broker, as on MWAA: one predefined queue on a moto server of its own (the
pipeline's S3 stand-in can then go away while the broker stays), and Celery's configuration built the way MWAA builds
its own (harness.celery_sqs_config, which the Airflow processes import)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from . import moto_server

QUEUE = "default"  # Airflow's [operators] default_queue: every task is sent there and every worker reads it
QUEUE_URL_ENV = "TOKYOBETA_HARNESS_SQS_QUEUE_URL"
CONFIG_OPTIONS = "harness.celery_sqs_config.CELERY_CONFIG"
# A predefined queue keeps its own visibility time-out (kombu sets none on it), and Airflow acknowledges a task's
# message only when the task ends: a message that becomes visible again while its task runs goes to a second worker,
# whose `airflow tasks run` then finds the task running (seen with SQS's default of 30 s: a second log for one try
# of every task longer than that). So the queue's outlasts any task: SQS's maximum, 12 h (the daily run's own
# dagrun_timeout is 6 h).
VISIBILITY_TIMEOUT_SECONDS = 43200


@dataclass
class SqsBroker:
    moto: moto_server.MotoServer
    queue_url: str

    def env(self) -> dict[str, str]:
        """What the scheduler and the workers need to reach the queue."""
        endpoint = urlparse(self.moto.endpoint_url)
        key, secret = moto_server.CREDENTIALS["AWS_ACCESS_KEY_ID"], moto_server.CREDENTIALS["AWS_SECRET_ACCESS_KEY"]
        return {
            "AIRFLOW__CELERY__BROKER_URL": f"sqs://{key}:{secret}@{endpoint.hostname}:{endpoint.port}/",
            "AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS": CONFIG_OPTIONS,
            QUEUE_URL_ENV: self.queue_url,
        }

    def depth(self) -> int:
        """Messages waiting or in flight on the queue."""
        attrs = self.moto.client("sqs").get_queue_attributes(
            QueueUrl=self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])

    def stop(self) -> None:
        self.moto.stop()


def start() -> SqsBroker:
    moto = moto_server.start()
    try:
        url = moto.client("sqs").create_queue(
            QueueName=QUEUE, Attributes={"VisibilityTimeout": str(VISIBILITY_TIMEOUT_SECONDS)}
        )["QueueUrl"]
    except BaseException:
        moto.stop()
        raise
    return SqsBroker(moto=moto, queue_url=url)
