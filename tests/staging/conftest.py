"""Fixtures of the staging-load tests."""

import pytest


@pytest.fixture
def etl_conn(mysql_server, etl_user, warehouse):
    """A connection as the pipeline's least-privilege user, with an empty warehouse and the load schema."""
    conn = mysql_server.connect(user=etl_user.user, password=etl_user.password)
    conn.cursor().execute("CREATE DATABASE IF NOT EXISTS staging_load")
    yield conn
    conn.close()
