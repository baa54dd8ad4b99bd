"""Session fixtures: a real MySQL-compatible server, a real moto server, an isolated Airflow home.

No test relies on a service this harness did not start (TOKYOBETA_TEST_MYSQL_URL is the one, explicit, exception).
"""

from __future__ import annotations

import os

import pytest

from harness import airflow_env

# Airflow reads its configuration when first imported: isolate before any test module is collected.
AIRFLOW_HOME = airflow_env.isolate()


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
