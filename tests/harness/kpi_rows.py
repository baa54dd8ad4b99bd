"""Row shapes of the KPI tests: the silver inputs and the gold rows, as plain tuples (test-side only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple


class Snap(NamedTuple):
    """One row of silver.tenant_room_snapshot_daily, in its column order."""

    snapshot_date: dt.date
    tenant_id: int
    moving_id: int
    apartment_id: int
    room_id: int
    management_status_code: int
    tenant_type: str
    move_in_date: dt.date | None
    moveout_date: dt.date | None
    moveout_plans_date: dt.date | None
    is_room_primary: int


class Period(NamedTuple):
    """One row of silver.tenant_status_history (SCD2)."""

    tenant_id: int
    status: int
    contract_type: int
    valid_from: dt.date
    valid_to: dt.date | None
    is_current: int


class Metric(NamedTuple):
    """One row of gold.occupancy_daily_metrics without computed_at."""

    snapshot_date: dt.date
    applications: int
    new_moveins: int
    new_moveouts: int
    occupancy_delta: int
    period_start_rooms: int
    period_end_rooms: int
    total_rooms: int | None
    occupancy_rate: Decimal | None
    is_projection: int
    as_of_date: dt.date


@dataclass
class Silver:
    snapshots: list[Snap] = field(default_factory=list)
    history: list[Period] = field(default_factory=list)
    room_counts: dict[dt.date, int] = field(default_factory=dict)


def scd2(observations: dict[dt.date, dict[int, tuple[int, int]]]) -> list[Period]:
    """SCD2 periods from daily (status, contract_type) observations per tenant, as CONTRACT.md section 5 says:
    a new period whenever the pair changes; valid_to = the day before the next period starts."""
    starts: dict[int, list[tuple[dt.date, tuple[int, int]]]] = {}
    for day in sorted(observations):
        for tenant, value in observations[day].items():
            periods = starts.setdefault(tenant, [])
            if not periods or periods[-1][1] != value:
                periods.append((day, value))
    out = []
    for tenant, periods in sorted(starts.items()):
        for i, (start, (status, contract_type)) in enumerate(periods):
            last = i == len(periods) - 1
            valid_to = None if last else periods[i + 1][0] - dt.timedelta(days=1)
            out.append(Period(tenant, status, contract_type, start, valid_to, int(last)))
    return out
