"""Celery's configuration in the Celery cluster's Airflow processes ([celery] celery_config_options): Airflow's own
defaults with Amazon SQS as the broker through one predefined queue (no ListQueues or CreateQueue), as MWAA configures
its workers. Plain HTTP: the queue is moto's."""

from __future__ import annotations

import copy
import os

from airflow.providers.celery.executors.default_celery import DEFAULT_CELERY_CONFIG

from .celery_sqs import QUEUE, QUEUE_URL_ENV
from .moto_server import REGION

CELERY_CONFIG = {
    **copy.deepcopy(DEFAULT_CELERY_CONFIG),
    "broker_transport_options": {
        **DEFAULT_CELERY_CONFIG["broker_transport_options"],
        "predefined_queues": {QUEUE: {"url": os.environ[QUEUE_URL_ENV]}},
        "is_secure": False,
        "region": REGION,
    },
}
