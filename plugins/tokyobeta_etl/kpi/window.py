"""The date window one occupancy KPI run rewrites (CONTRACT.md section 6). Pure: no database, no clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Run parameter ranges (CONTRACT.md section 2).
MAX_LOOKBACK_DAYS = 365
MAX_FORWARD_DAYS = 730
DEFAULT_LOOKBACK_DAYS = 3
DEFAULT_FORWARD_DAYS = 90
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


@dataclass(frozen=True)
class RunParam:
    """One KPI run param: the DAG's Param is built from it and check_run_params enforces the same range."""

    name: str
    default: int
    maximum: int
    meaning: str

    @property
    def allowed(self) -> str:
        return f"an integer from 0 to {self.maximum}"

    def param_kwargs(self) -> dict[str, object]:
        """Keyword arguments of the DAG's `Param` (its JSON schema refuses a trigger outside the range)."""
        return {
            "default": self.default,
            "type": "integer",
            "minimum": 0,
            "maximum": self.maximum,
            "description": f"{self.meaning}: {self.allowed}.",
        }


RUN_PARAMS = (
    RunParam("lookback_days", DEFAULT_LOOKBACK_DAYS, MAX_LOOKBACK_DAYS, "KPI recompute window before the batch date"),
    RunParam("forward_days", DEFAULT_FORWARD_DAYS, MAX_FORWARD_DAYS, "KPI projection after the latest snapshot"),
)


def check_run_params(lookback_days: int, forward_days: int) -> None:
    """Refuse values outside the contract's ranges (bool is an int subclass: refused too)."""
    for param, value in zip(RUN_PARAMS, (lookback_days, forward_days), strict=True):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= param.maximum:
            raise ValueError(f"{param.name} must be {param.allowed}, got {value!r}")


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
