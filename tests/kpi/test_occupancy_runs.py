"""How runs of the occupancy KPI combine: the window, re-runs, past dates, failures and the transaction."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import MySQLdb
import pytest
from kpi_db import COMPUTED_AT
from kpi_history import generate

from harness.kpi_oracle import run as oracle_run
from harness.kpi_rows import Silver
from tokyobeta_etl.kpi import OccupancyInputError, compute_occupancy_metrics

FIRST = dt.date(2026, 1, 5)
SQL_DIR = Path(__file__).resolve().parents[2] / "include" / "sql" / "kpi"


def at(n: int) -> dt.datetime:
    """A distinct computed_at per run, so that untouched rows are told apart from rewritten ones."""
    return COMPUTED_AT + dt.timedelta(hours=n)


def chronological(kpi_db, history, lookback_days=3, forward_days=90) -> None:
    for i, day in enumerate(history.dump_dates):
        kpi_db.load(history.silver_upto(day))
        kpi_db.run(day, lookback_days, forward_days, computed_at=at(i))


def test_rows_before_the_window_are_untouched(kpi_db):
    history = generate(21, FIRST, 20)
    chronological(kpi_db, history)
    before = kpi_db.full_rows()
    last = history.dump_dates[-1]
    kpi_db.run(last, lookback_days=3, forward_days=90, computed_at=at(99))
    after = kpi_db.full_rows()
    start = last - dt.timedelta(days=3)
    assert [r for r in after if r[0] < start] == [r for r in before if r[0] < start]
    assert {r[-1] for r in after if r[0] >= start} == {at(99)}


def test_projections_beyond_the_new_horizon_are_deleted(kpi_db):
    history = generate(22, FIRST, 12)
    chronological(kpi_db, history, forward_days=90)
    as_of = history.dump_dates[-1]
    assert max(kpi_db.metrics()) == as_of + dt.timedelta(days=90)
    kpi_db.run(as_of, lookback_days=3, forward_days=10)
    table = kpi_db.metrics()
    assert max(table) == as_of + dt.timedelta(days=10)
    assert sum(1 for m in table.values() if m.is_projection) == 10


def test_running_twice_gives_the_same_rows(kpi_db):
    history = generate(23, FIRST, 15)
    chronological(kpi_db, history)
    last = history.dump_dates[-1]
    kpi_db.run(last, computed_at=at(50))
    once = kpi_db.full_rows()
    kpi_db.run(last, computed_at=at(50))
    assert kpi_db.full_rows() == once
    kpi_db.run(last, computed_at=at(51))
    assert [r[:-1] for r in kpi_db.full_rows()] == [r[:-1] for r in once]


@pytest.mark.parametrize(("seed", "lookback_days", "gap_rate"), [(24, 3, 0.125), (25, 0, 0.0), (26, 6, 0.25)])
def test_past_date_rerun_leaves_the_chronological_table(kpi_db, seed, lookback_days, gap_rate):
    """Re-running earlier batch dates after the latest (silver holding every date) changes nothing but computed_at:
    facts are the same, projections still start from the latest snapshot, as_of_date is the chronological one.
    Holds while no dump gap is longer than lookback_days: see test_gap_longer_than_the_lookback_keeps_a_projection."""
    history = generate(seed, FIRST, 21, gap_rate=gap_rate)
    assert history.longest_gap() <= lookback_days and (gap_rate == 0 or history.longest_gap() > 0)
    chronological(kpi_db, history, lookback_days=lookback_days, forward_days=30)
    expected = kpi_db.metrics()
    silver = history.silver_upto(history.dump_dates[-1])
    oracle = {}
    for day in history.dump_dates:
        oracle = oracle_run(oracle, history.silver_upto(day), day, lookback_days, 30)
    assert expected == oracle
    for past in (history.dump_dates[0], history.dump_dates[7], history.dump_dates[-2], FIRST + dt.timedelta(days=9)):
        kpi_db.run(past, lookback_days, 30, computed_at=at(70))
        assert kpi_db.metrics() == expected, f"after re-running {past}"
        assert oracle_run(expected, silver, past, lookback_days, 30) == expected


def test_empty_snapshot_is_an_error_and_writes_nothing(kpi_db):
    history = generate(27, FIRST, 10)
    chronological(kpi_db, history)
    before = kpi_db.full_rows()
    kpi_db.load(Silver())
    with pytest.raises(OccupancyInputError, match="silver.tenant_room_snapshot_daily is empty"):
        kpi_db.run(history.dump_dates[-1], computed_at=at(80))
    assert kpi_db.full_rows() == before


@pytest.mark.parametrize(
    ("lookback_days", "forward_days"), [(-1, 90), (366, 90), (3, 731), (3, -1), (True, 90), (3, 9.0)]
)
def test_out_of_range_parameters_are_refused_before_any_query(lookback_days, forward_days):
    class NoConnection:
        def cursor(self):
            raise AssertionError("the database was touched")

    with pytest.raises(ValueError, match="must be an integer from 0 to"):
        compute_occupancy_metrics(NoConnection(), FIRST, lookback_days, forward_days, COMPUTED_AT)


def test_a_failing_statement_rolls_the_whole_run_back(kpi_db, tmp_path):
    """The projections statement fails after the deletes and the facts ran: the table is as it was."""
    history = generate(28, FIRST, 10)
    chronological(kpi_db, history)
    before = kpi_db.full_rows()
    broken = tmp_path / "kpi"
    shutil.copytree(SQL_DIR, broken)
    path = broken / "occupancy_insert_projections.sql"
    path.write_text(path.read_text().replace("FROM chained AS c", "FROM silver.no_such_table AS c"))
    conn = kpi_db.connect_etl()
    try:
        with pytest.raises(MySQLdb.ProgrammingError, match="no_such_table"):
            compute_occupancy_metrics(conn, history.dump_dates[-1], 3, 90, at(90), sql_dir=broken)
    finally:
        conn.close()
    assert kpi_db.full_rows() == before


def test_summary_and_a_connection_without_autocommit(kpi_db):
    """MySqlHook connections do not autocommit: the run commits its own transaction."""
    history = generate(29, FIRST, 10)
    kpi_db.load(history.silver_upto(history.dump_dates[-1]))
    last = history.dump_dates[-1]
    conn = kpi_db.connect_etl()
    conn.autocommit(False)
    try:
        summary = compute_occupancy_metrics(conn, last, 3, 90, dt.datetime(2026, 1, 14, 22, 0, tzinfo=dt.UTC))
    finally:
        conn.close()
    facts = sum(1 for d in history.dump_dates if d >= last - dt.timedelta(days=3))
    assert {k: v for k, v in summary.items() if k != "seconds"} == {
        "table": "gold.occupancy_daily_metrics",
        "batch_date": last.isoformat(),
        "as_of": last.isoformat(),
        "window_start": (last - dt.timedelta(days=3)).isoformat(),
        "window_end": (last + dt.timedelta(days=90)).isoformat(),
        "deleted_rows": 0,
        "fact_rows": facts,
        "projection_rows": 90,
    }
    assert len(kpi_db.full_rows()) == facts + 90
    assert {r[-1] for r in kpi_db.full_rows()} == {dt.datetime(2026, 1, 14, 22, 0)}


def test_gap_longer_than_the_lookback_keeps_a_projection(kpi_db):
    """CONTRACT.md section 6 read literally: with lookback_days 0, the run after a day without dumps starts its window
    after that day, so the projection row the previous run wrote for it stays (rows before the window are
    untouched). A later re-run of an earlier date, whose window covers the day, deletes it: the only way a past
    re-run can differ from the chronological table. Documented here so that a change of the rule shows."""
    history = generate(30, FIRST, 6, gap_rate=0.0)
    days = [d for d in history.dump_dates if d != FIRST + dt.timedelta(days=2)]
    for i, day in enumerate(days):
        silver = history.silver_upto(day)
        silver.snapshots = [r for r in silver.snapshots if r.snapshot_date in days]
        kpi_db.load(silver)
        kpi_db.run(day, 0, 5, computed_at=at(i))
    gap = FIRST + dt.timedelta(days=2)
    assert kpi_db.metrics()[gap].is_projection == 1
    assert kpi_db.metrics()[gap].as_of_date == FIRST + dt.timedelta(days=1)
    kpi_db.run(FIRST, 0, 5, computed_at=at(9))
    assert gap not in kpi_db.metrics()
