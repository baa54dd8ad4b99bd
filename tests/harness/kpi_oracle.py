"""The KPI oracle: CONTRACT.md section 6 read literally, in plain Python over the silver rows.

Shares nothing with tokyobeta_etl.kpi (no import, no SQL): it walks the dates one by one, counts with sets and chains
the projection day to day, where the implementation groups in SQL and uses a running SUM.

One rule the contract leaves to the implementation, stated here independently: `as_of_date` of a fact day D is the
batch date of the last daily run that wrote D if the runs had gone day by day (the latest snapshot date in
[D, D + lookback_days], never after as_of). For a daily run (batch date = as_of) that is as_of itself, as the
contract says; it makes a past-date re-run leave exactly the chronological table (section 7, invariant 2).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from .kpi_rows import Metric, Silver

APPLICATION = {4, 5}
FACT_MOVEIN = {4, 5, 6, 7, 9}


def rate(rooms: int, total: int | None) -> Decimal | None:
    if not total:
        return None
    return (Decimal(rooms) / Decimal(total)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def applications_by_day(silver: Silver) -> dict[dt.date, int]:
    """Tenants whose status enters {4, 5} on D: a 4/5 period starting D after a period of another status, or the
    tenant's first period. The first date the history holds gets 0."""
    by_tenant = defaultdict(list)
    for p in silver.history:
        by_tenant[p.tenant_id].append(p)
    entered = defaultdict(set)
    for tenant, periods in by_tenant.items():
        periods.sort(key=lambda p: p.valid_from)
        previous = None
        for p in periods:
            if p.status in APPLICATION and (previous is None or previous.status not in APPLICATION):
                entered[p.valid_from].add(tenant)
            previous = p
    counts = {day: len(tenants) for day, tenants in entered.items()}
    if silver.history:
        counts[min(p.valid_from for p in silver.history)] = 0
    return counts


def run(
    previous: dict[dt.date, Metric], silver: Silver, batch_date: dt.date, lookback_days: int, forward_days: int
) -> dict[dt.date, Metric]:
    """The table after one run, from the table before it."""
    by_day = defaultdict(list)
    for r in silver.snapshots:
        by_day[r.snapshot_date].append(r)
    as_of = max(by_day)
    first = batch_date - dt.timedelta(days=lookback_days)
    last = as_of + dt.timedelta(days=forward_days)

    table = {}
    for day, row in previous.items():
        if first <= day <= last:
            continue  # recomputed, or deleted when it has no snapshot and is not after as_of
        if row.is_projection == 1 and day > last:
            continue  # past the new horizon
        table[day] = row

    applications = applications_by_day(silver)
    snapshot_days = sorted(by_day)
    for day in snapshot_days:
        if not first <= day <= as_of:
            continue
        rows = by_day[day]
        moveins = len(
            {
                (r.apartment_id, r.room_id)
                for r in rows
                if r.management_status_code in FACT_MOVEIN and r.move_in_date == day
            }
        )
        moveouts = len({(r.apartment_id, r.room_id) for r in rows if r.moveout_plans_date == day})
        end_rooms = len([r for r in rows if r.is_room_primary == 1])
        total = silver.room_counts.get(day)
        reach = min(day + dt.timedelta(days=lookback_days), as_of)
        written_by = max(d for d in snapshot_days if day <= d <= reach)
        table[day] = Metric(
            day,
            applications.get(day, 0),
            moveins,
            moveouts,
            moveins - moveouts,
            end_rooms - (moveins - moveouts),
            end_rooms,
            total,
            rate(end_rooms, total),
            0,
            written_by,
        )

    base = by_day[as_of]
    total = silver.room_counts.get(as_of)
    period_end = len([r for r in base if r.is_room_primary == 1])
    for offset in range(1, forward_days + 1):
        day = as_of + dt.timedelta(days=offset)
        moveins = len(
            {
                (r.apartment_id, r.room_id)
                for r in base
                if r.management_status_code in APPLICATION and r.move_in_date == day
            }
        )
        moveouts = len({(r.apartment_id, r.room_id) for r in base if r.moveout_date == day})
        period_start = period_end
        period_end = period_start + moveins - moveouts
        if day >= first:
            table[day] = Metric(
                day, 0, moveins, moveouts, moveins - moveouts, period_start, period_end, total,
                rate(period_end, total), 1, as_of,
            )  # fmt: skip
    return table
