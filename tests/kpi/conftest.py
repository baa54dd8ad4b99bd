"""Fixtures of the occupancy KPI tests: the silver input tables on a clean warehouse."""

from __future__ import annotations

import pytest
from kpi_db import KpiDb


@pytest.fixture
def kpi_db(warehouse, etl_user):
    return KpiDb(warehouse, etl_user)
