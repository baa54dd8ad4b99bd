"""The date window one occupancy KPI run rewrites (CONTRACT.md section 6). Pure: no database, no clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Run parameter ranges (CONTRACT.md section 2).
MAX_LOOKBACK_DAYS = 365
MAX_FORWARD_DAYS = 730
# The projection calendar is three decimal digits cross joined (1000 days, occupancy_insert_projections.sql):
# MAX_FORWARD_DAYS must stay below it (tests/kpi/test_occupancy_window.py checks).
CALENDAR_CAPACITY_DAYS = 1000


@dataclass(frozen=True)
class OccupancyWindow:
    """`start..end` is rewritten; fact days are the snapshot dates in `start..as_of`, projection days
    `projection_start..end` (empty when forward_days is 0)."""

    batch_date: dt.date
    as_of: dt.date
    lookback_days: int
    forward_days: int
    start: dt.date
    end: dt.date

    @property
    def projection_start(self) -> dt.date:
        return max(self.start, self.as_of + dt.timedelta(days=1))

    def sql_params(self, computed_at: dt.datetime) -> dict[str, object]:
        """Driver placeholders of the kpi/*.sql files."""
        return {
            "batch_date": self.batch_date,
            "as_of": self.as_of,
            "lookback_days": self.lookback_days,
            "forward_days": self.forward_days,
            "window_start": self.start,
            "window_end": self.end,
            "computed_at": computed_at,
        }


def check_run_params(lookback_days: int, forward_days: int) -> None:
    """Refuse values outside the contract's ranges (bool is an int subclass: refused too)."""
    for name, value, top in (
        ("lookback_days", lookback_days, MAX_LOOKBACK_DAYS),
        ("forward_days", forward_days, MAX_FORWARD_DAYS),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
            raise ValueError(f"{name} must be an integer from 0 to {top}, got {value!r}")


def occupancy_window(batch_date: dt.date, as_of: dt.date, lookback_days: int, forward_days: int) -> OccupancyWindow:
    """`[batch_date - lookback_days, as_of + forward_days]`. as_of (the latest snapshot date) may be after the batch
    date: a past date re-run still projects from the latest snapshot, as the chronological run did."""
    check_run_params(lookback_days, forward_days)
    return OccupancyWindow(
        batch_date=batch_date,
        as_of=as_of,
        lookback_days=lookback_days,
        forward_days=forward_days,
        start=batch_date - dt.timedelta(days=lookback_days),
        end=as_of + dt.timedelta(days=forward_days),
    )
