"""Fixtures of the source-simulator tests: a small simulated week and scratch databases on the harness server."""

from __future__ import annotations

import pytest
from sim_support import SEED, SMALL_SCALE, START, ScratchDatabases

from tokyobeta_sim import DirectorySink, simulate


@pytest.fixture(scope="session")
def small_week(tmp_path_factory):
    """7 days at scale 0.05 written to a directory: (directory, [DayResult, ...])."""
    out = tmp_path_factory.mktemp("sim-week")
    results = list(simulate(START, 7, sink=DirectorySink(out), seed=SEED, scale=SMALL_SCALE))
    return out, results


@pytest.fixture
def scratch(mysql_server):
    dbs = ScratchDatabases(mysql_server)
    try:
        yield dbs
    finally:
        dbs.drop_all()
