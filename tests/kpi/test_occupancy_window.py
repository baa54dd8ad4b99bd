"""The run window of the occupancy KPI: a pure function of the batch date, the latest snapshot and the parameters."""

from __future__ import annotations

import datetime as dt

import pytest

from tokyobeta_etl.kpi import check_run_params, occupancy_window
from tokyobeta_etl.kpi.sql_files import default_sql_dir, load_statement
from tokyobeta_etl.kpi.window import CALENDAR_CAPACITY_DAYS, MAX_FORWARD_DAYS


def test_daily_run_window():
    w = occupancy_window(dt.date(2026, 2, 10), dt.date(2026, 2, 10), 3, 90)
    assert (w.start, w.as_of, w.projection_start, w.end) == (
        dt.date(2026, 2, 7),
        dt.date(2026, 2, 10),
        dt.date(2026, 2, 11),
        dt.date(2026, 5, 11),
    )


def test_past_date_rerun_still_projects_from_the_latest_snapshot():
    w = occupancy_window(dt.date(2026, 1, 31), dt.date(2026, 2, 10), 3, 90)
    assert (w.start, w.end, w.projection_start) == (dt.date(2026, 1, 28), dt.date(2026, 5, 11), dt.date(2026, 2, 11))


def test_batch_date_far_after_the_latest_snapshot():
    """Silver stopped on 2026-02-01: the window starts after the snapshot, projections from the window on."""
    w = occupancy_window(dt.date(2026, 2, 10), dt.date(2026, 2, 1), 3, 90)
    assert (w.start, w.projection_start, w.end) == (dt.date(2026, 2, 7), dt.date(2026, 2, 7), dt.date(2026, 5, 2))


def test_extreme_parameters():
    w = occupancy_window(dt.date(2026, 2, 10), dt.date(2026, 2, 10), 365, 730)
    assert (w.start, w.end) == (dt.date(2025, 2, 10), dt.date(2028, 2, 10))
    w = occupancy_window(dt.date(2026, 2, 10), dt.date(2026, 2, 10), 0, 0)
    assert (w.start, w.end) == (dt.date(2026, 2, 10), dt.date(2026, 2, 10))


def test_projection_calendar_covers_the_longest_horizon():
    assert MAX_FORWARD_DAYS < CALENDAR_CAPACITY_DAYS
    text = (default_sql_dir() / "occupancy_insert_projections.sql").read_text()
    assert "1 + u.d + 10 * t.d + 100 * h.d" in text  # three digits: 1000 days


def test_sql_params():
    w = occupancy_window(dt.date(2026, 2, 10), dt.date(2026, 2, 10), 3, 90)
    at = dt.datetime(2026, 2, 10, 22, 0)
    assert w.sql_params(at) == {
        "batch_date": dt.date(2026, 2, 10),
        "as_of": dt.date(2026, 2, 10),
        "lookback_days": 3,
        "forward_days": 90,
        "window_start": dt.date(2026, 2, 7),
        "window_end": dt.date(2026, 5, 11),
        "computed_at": at,
    }


@pytest.mark.parametrize(
    ("lookback_days", "forward_days"), [(-1, 0), (366, 0), (0, 731), (0, -1), (False, 0), (0, "9")]
)
def test_out_of_range_parameters(lookback_days, forward_days):
    with pytest.raises(ValueError, match="must be an integer from 0 to"):
        check_run_params(lookback_days, forward_days)


def test_sql_files_hold_one_statement_each():
    sql_dir = default_sql_dir()
    names = sorted(p.stem for p in sql_dir.glob("*.sql"))
    assert names == [
        "occupancy_as_of",
        "occupancy_daily_metrics_ddl",
        "occupancy_delete_beyond_horizon",
        "occupancy_delete_window",
        "occupancy_insert_facts",
        "occupancy_insert_projections",
    ]
    for name in names:
        statement = load_statement(sql_dir, name)
        assert "--" not in statement.splitlines()[0] and not statement.endswith(";")


def test_include_dir_override(tmp_path, monkeypatch):
    monkeypatch.setenv("TOKYOBETA_INCLUDE_DIR", str(tmp_path))
    assert default_sql_dir() == tmp_path / "sql" / "kpi"
