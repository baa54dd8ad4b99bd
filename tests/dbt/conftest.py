"""Fixtures for the dbt (silver) tests: the project's dbt CLI bound to the harness server as the ETL user."""

from __future__ import annotations

import pytest

from harness.dbt_runner import DbtRunner


@pytest.fixture(scope="session")
def dbt(mysql_server, etl_user, tmp_path_factory):
    """dbt as the pipeline runs it: the least-privilege user, target/ and logs/ in a session temp dir; one warm dbt
    process for the session (see harness.dbt_runner)."""
    runner = DbtRunner.for_etl_user(mysql_server, etl_user, workdir=tmp_path_factory.mktemp("dbt"), warm=True)
    yield runner
    runner.cleanup()
