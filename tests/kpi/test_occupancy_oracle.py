"""gold.occupancy_daily_metrics against the independent oracle (kpi_oracle) over generated multi-week histories:
every column of every row, facts and projections, after each daily run and after past-date re-runs."""

from __future__ import annotations

import datetime as dt

import pytest
from kpi_db import MYSQL8_SQL_MODE
from kpi_history import generate

from harness.kpi_oracle import run as oracle_run

FIRST = dt.date(2026, 1, 5)
DAYS = 24


def daily_runs(kpi_db, history, lookback_days, forward_days, sql_mode=None):
    """Each dump date in order, silver as it stood that day; the table checked against the oracle after each."""
    expected = {}
    for day in history.dump_dates:
        silver = history.silver_upto(day)
        kpi_db.load(silver)
        kpi_db.run(day, lookback_days, forward_days, sql_mode=sql_mode)
        expected = oracle_run(expected, silver, day, lookback_days, forward_days)
        assert kpi_db.metrics() == expected, f"after the run of {day}"
    return expected


@pytest.mark.parametrize(
    ("seed", "lookback_days", "forward_days"),
    [(1, 3, 90), (2, 3, 90), (3, 0, 0), (4, 1, 7), (5, 7, 30), (6, 2, 400)],
)
def test_daily_runs_match_the_oracle(kpi_db, seed, lookback_days, forward_days):
    history = generate(seed, FIRST, DAYS)
    assert len(history.dump_dates) >= 10
    table = daily_runs(kpi_db, history, lookback_days, forward_days)
    facts = [m for m in table.values() if m.is_projection == 0]
    as_of = history.dump_dates[-1]
    projections = [m for m in table.values() if m.snapshot_date > as_of]
    # the generated history exercises what the rules distinguish
    assert sum(m.applications for m in facts) > 0 and sum(m.new_moveins for m in facts) > 0
    assert sum(m.new_moveouts for m in facts) > 0
    assert len(projections) == forward_days and all(m.is_projection == 1 for m in projections)
    assert len(facts) == len(history.dump_dates)


def test_mysql8_default_sql_mode(kpi_db):
    """ONLY_FULL_GROUP_BY and the strict modes of MySQL 8.0's default sql_mode accept every statement."""
    daily_runs(kpi_db, generate(11, FIRST, 12), 3, 90, sql_mode=MYSQL8_SQL_MODE)
