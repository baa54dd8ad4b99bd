"""Hand-written cases of gold.occupancy_daily_metrics, each with its expected numbers written out.

Days are offsets from DAY0; `m(...)` is one expected row: (day, applications, new_moveins, new_moveouts, delta,
period_start_rooms, period_end_rooms, total_rooms, occupancy_rate, is_projection, as_of day).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from harness.kpi_rows import Metric, Period, Silver, Snap

DAY0 = dt.date(2026, 3, 2)


def day(n: int) -> dt.date:
    return DAY0 + dt.timedelta(days=n)


def snap(on, tenant, room, status, *, move_in=None, moveout=None, plans=None, primary=0, apartment=1) -> Snap:
    """A snapshot row; dates as day offsets. `moveout` is the silver moveout_date, `plans` the raw plans date."""
    dates = [None if n is None else day(n) for n in (move_in, moveout, plans)]
    return Snap(day(on), tenant, tenant * 10, apartment, room, status, "individual", *dates, primary)


def period(tenant, status, start, end=None, contract_type=1) -> Period:
    return Period(tenant, status, contract_type, day(start), None if end is None else day(end), int(end is None))


def m(n, apps, ins, outs, delta, start, end, total, rate, projection, as_of) -> Metric:
    return Metric(day(n), apps, ins, outs, delta, start, end, total, None if rate is None else Decimal(rate),
                  projection, day(as_of))  # fmt: skip


def counts(days, total=4) -> dict[dt.date, int]:
    return {day(n): total for n in days}


def test_same_day_turnover_in_one_room(kpi_db):
    """Room 1: tenant 1 leaves on day 1 (plans date) and tenant 2 moves in the same day; both are in S(1).
    Tenant 1 (status 15) outranks tenant 2 (status 7) as primary: the room stays occupied, delta 0."""
    kpi_db.load(
        Silver(
            snapshots=[
                snap(0, 1, 1, 15, move_in=-300, moveout=1, plans=1, primary=1),
                snap(0, 2, 1, 6, move_in=1),
                snap(0, 3, 2, 9, move_in=-50, primary=1),
                snap(1, 1, 1, 15, move_in=-300, moveout=1, plans=1, primary=1),
                snap(1, 2, 1, 7, move_in=1),
                snap(1, 3, 2, 9, move_in=-50, primary=1),
            ],
            history=[period(1, 15, 0), period(2, 6, 0, 0), period(2, 7, 1), period(3, 9, 0)],
            room_counts=counts([0, 1]),
        )
    )
    kpi_db.run(day(1), lookback_days=1, forward_days=2)
    assert list(kpi_db.metrics().values()) == [
        m(0, 0, 0, 0, 0, 2, 2, 4, "0.5000", 0, 1),
        m(1, 0, 1, 1, 0, 2, 2, 4, "0.5000", 0, 1),
        m(2, 0, 0, 0, 0, 2, 2, 4, "0.5000", 1, 1),
        m(3, 0, 0, 0, 0, 2, 2, 4, "0.5000", 1, 1),
    ]


def test_room_with_only_an_applicant_is_vacant_but_projects_a_movein(kpi_db):
    """Room 5's only tenant is in status 4, moving in on day 3: no primary row (vacant), a projected move-in."""
    kpi_db.load(
        Silver(
            snapshots=[
                snap(0, 1, 1, 9, move_in=-20, primary=1),
                snap(1, 1, 1, 9, move_in=-20, primary=1),
                snap(1, 7, 5, 4, move_in=3),
            ],
            history=[period(1, 9, 0), period(7, 4, 1)],
            room_counts=counts([0, 1]),
        )
    )
    kpi_db.run(day(1), lookback_days=1, forward_days=3)
    assert list(kpi_db.metrics().values()) == [
        m(0, 0, 0, 0, 0, 1, 1, 4, "0.2500", 0, 1),
        m(1, 1, 0, 0, 0, 1, 1, 4, "0.2500", 0, 1),
        m(2, 0, 0, 0, 0, 1, 1, 4, "0.2500", 1, 1),
        m(3, 0, 1, 0, 1, 1, 2, 4, "0.5000", 1, 1),
        m(4, 0, 0, 0, 0, 2, 2, 4, "0.5000", 1, 1),
    ]


def test_cancelled_contract_counts_as_application_only(kpi_db):
    """Tenant 8 applies on day 1 and cancels on day 2; the cancelled moving is never in the snapshot (its move-in
    date, day 3, is not projected). The application still counts on day 1: applications come from the history."""
    kpi_db.load(
        Silver(
            snapshots=[snap(n, 1, 1, 9, move_in=-20, primary=1) for n in (0, 1, 2)],
            history=[period(1, 9, 0), period(8, 17, 0, 0), period(8, 4, 1, 1), period(8, 8, 2)],
            room_counts=counts([0, 1, 2]),
        )
    )
    kpi_db.run(day(2), lookback_days=2, forward_days=2)
    assert list(kpi_db.metrics().values()) == [
        m(0, 0, 0, 0, 0, 1, 1, 4, "0.2500", 0, 2),
        m(1, 1, 0, 0, 0, 1, 1, 4, "0.2500", 0, 2),
        m(2, 0, 0, 0, 0, 1, 1, 4, "0.2500", 0, 2),
        m(3, 0, 0, 0, 0, 1, 1, 4, "0.2500", 1, 2),
        m(4, 0, 0, 0, 0, 1, 1, 4, "0.2500", 1, 2),
    ]


def test_tenant_who_leaves_and_comes_back(kpi_db):
    """Tenant 9: resident, notice on day 1 for day 2, moved out (17) on day 3, applies again on day 4 (4, an
    application: the previous period is 17), status 5 on day 5 (not a new application), moves in on day 6."""
    snapshots = [
        snap(0, 9, 1, 9, move_in=-100, primary=1),
        snap(1, 9, 1, 14, move_in=-100, moveout=2, plans=2, primary=1),
        snap(2, 9, 1, 14, move_in=-100, moveout=2, plans=2, primary=1),
        snap(4, 9, 3, 4, move_in=6),
        snap(5, 9, 3, 5, move_in=6),
        snap(6, 9, 3, 7, move_in=6, primary=1),
    ] + [snap(n, 1, 2, 9, move_in=-20, primary=1) for n in range(7)]
    history = [period(1, 9, 0), period(9, 9, 0, 0), period(9, 14, 1, 2), period(9, 17, 3, 3), period(9, 4, 4, 4)]
    history += [period(9, 5, 5, 5), period(9, 7, 6)]
    kpi_db.load(Silver(snapshots, history, counts(range(7))))
    kpi_db.run(day(6), lookback_days=6, forward_days=0)
    assert list(kpi_db.metrics().values()) == [
        m(0, 0, 0, 0, 0, 2, 2, 4, "0.5000", 0, 6),
        m(1, 0, 0, 0, 0, 2, 2, 4, "0.5000", 0, 6),
        m(2, 0, 0, 1, -1, 3, 2, 4, "0.5000", 0, 6),
        m(3, 0, 0, 0, 0, 1, 1, 4, "0.2500", 0, 6),
        m(4, 1, 0, 0, 0, 1, 1, 4, "0.2500", 0, 6),
        m(5, 0, 0, 0, 0, 1, 1, 4, "0.2500", 0, 6),
        m(6, 0, 1, 0, 1, 1, 2, 4, "0.5000", 0, 6),
    ]


def test_gap_day_without_dumps(kpi_db):
    """Dumps on days 0 and 2, none on day 1. The run of day 0 projected day 1; the run of day 2 deletes that row
    (no snapshot, not after as_of) and writes no row for day 1. Tenant 4's application shows on day 2, the first
    snapshot that sees it."""
    day0 = Silver([snap(0, 1, 1, 9, move_in=-20, primary=1)], [period(1, 9, 0)], counts([0]))
    kpi_db.load(day0)
    kpi_db.run(day(0), lookback_days=3, forward_days=2)
    assert [(r.snapshot_date, r.is_projection) for r in kpi_db.metrics().values()] == [
        (day(0), 0),
        (day(1), 1),
        (day(2), 1),
    ]
    kpi_db.load(
        Silver(
            snapshots=day0.snapshots + [snap(2, 1, 1, 9, move_in=-20, primary=1), snap(2, 4, 2, 4, move_in=5)],
            history=[period(1, 9, 0), period(4, 4, 2)],
            room_counts=counts([0, 2]),
        )
    )
    kpi_db.run(day(2), lookback_days=3, forward_days=3)
    assert list(kpi_db.metrics().values()) == [
        m(0, 0, 0, 0, 0, 1, 1, 4, "0.2500", 0, 2),
        m(2, 1, 0, 0, 0, 1, 1, 4, "0.2500", 0, 2),
        m(3, 0, 0, 0, 0, 1, 1, 4, "0.2500", 1, 2),
        m(4, 0, 0, 0, 0, 1, 1, 4, "0.2500", 1, 2),
        m(5, 0, 1, 0, 1, 1, 2, 4, "0.5000", 1, 2),
    ]


def test_first_day_of_history_has_no_applications(kpi_db):
    """On the first date the history holds, the three tenants already in status 4/5 are not applications; on day 1
    tenant 4's first period (4) and tenant 1's change 9 -> 4 are."""
    kpi_db.load(
        Silver(
            snapshots=[
                snap(0, 1, 1, 9, move_in=-20, primary=1),
                snap(0, 2, 2, 4, move_in=9),
                snap(0, 3, 3, 5, move_in=9),
                snap(1, 1, 1, 4, move_in=-20),
                snap(1, 2, 2, 4, move_in=9),
                snap(1, 3, 3, 5, move_in=9),
                snap(1, 4, 4, 4, move_in=9),
            ],
            history=[period(1, 9, 0, 0), period(1, 4, 1), period(2, 4, 0), period(3, 5, 0), period(4, 4, 1)],
            room_counts=counts([0, 1], total=10),
        )
    )
    kpi_db.run(day(1), lookback_days=1, forward_days=0)
    assert list(kpi_db.metrics().values()) == [
        m(0, 0, 0, 0, 0, 1, 1, 10, "0.1000", 0, 1),
        m(1, 2, 0, 0, 0, 0, 0, 10, "0.0000", 0, 1),
    ]


def test_forward_days_zero_writes_no_projection_and_drops_old_ones(kpi_db):
    kpi_db.load(Silver([snap(0, 1, 1, 9, move_in=-20, primary=1)], [period(1, 9, 0)], counts([0])))
    kpi_db.run(day(0), lookback_days=0, forward_days=5)
    assert len(kpi_db.metrics()) == 6
    kpi_db.run(day(0), lookback_days=0, forward_days=0)
    assert list(kpi_db.metrics().values()) == [m(0, 0, 0, 0, 0, 1, 1, 4, "0.2500", 0, 0)]


def test_lookback_reaching_before_the_first_snapshot(kpi_db):
    """A 30-day lookback from day 1 covers 28 days without snapshots: no rows for them, and a leftover row there
    (day -5, from some earlier load) is deleted as a date up to as_of without a snapshot."""
    kpi_db.load(Silver([snap(0, 1, 1, 9, move_in=-20, primary=1)], [period(1, 9, 0)], counts([0])))
    kpi_db.run(day(0), lookback_days=0, forward_days=0)
    stale = "INSERT INTO gold.occupancy_daily_metrics VALUES (%s, 0, 0, 0, 0, 0, 0, 4, 0, 0, %s, %s)"
    conn = kpi_db.server.connect()
    conn.cursor().execute(stale, (day(-5), day(-5), dt.datetime(2025, 1, 1)))
    conn.close()
    kpi_db.load(
        Silver(
            snapshots=[snap(n, 1, 1, 9, move_in=-20, primary=1) for n in (0, 1)]
            + [snap(1, 2, 2, 7, move_in=1, primary=1)],
            history=[period(1, 9, 0), period(2, 7, 1)],
            room_counts=counts([0, 1]),
        )
    )
    kpi_db.run(day(1), lookback_days=30, forward_days=1)
    assert list(kpi_db.metrics().values()) == [
        m(0, 0, 0, 0, 0, 1, 1, 4, "0.2500", 0, 1),
        m(1, 0, 1, 0, 1, 1, 2, 4, "0.5000", 0, 1),
        m(2, 0, 0, 0, 0, 2, 2, 4, "0.5000", 1, 1),
    ]


def test_moveout_and_movein_projected_on_the_same_day(kpi_db):
    """Day 3 from S(0): room 1 turns over (tenant 1 out, tenant 2 in), room 2 empties (tenant 3 out; its raw plans
    date is day 4 but the silver moveout_date, day 3, is what projections use), room 3 fills (tenant 4, status 4).
    Tenant 5 (status 6, day 3) is not an applicant in {4, 5}: not projected. Room 4 has two tenants leaving on
    day 4: one room."""
    kpi_db.load(
        Silver(
            snapshots=[
                snap(0, 1, 1, 14, move_in=-90, moveout=3, plans=3, primary=1),
                snap(0, 2, 1, 5, move_in=3),
                snap(0, 3, 2, 15, move_in=-90, moveout=3, plans=4, primary=1),
                snap(0, 4, 3, 4, move_in=3),
                snap(0, 5, 5, 6, move_in=3),
                snap(0, 6, 4, 15, move_in=-30, moveout=4, plans=4, primary=1),
                snap(0, 7, 4, 15, move_in=-60, moveout=4, plans=4),
            ],
            history=[period(t, s, 0) for t, s in ((1, 14), (2, 5), (3, 15), (4, 4), (5, 6), (6, 15), (7, 15))],
            room_counts=counts([0], total=8),
        )
    )
    kpi_db.run(day(0), lookback_days=0, forward_days=4)
    assert list(kpi_db.metrics().values()) == [
        m(0, 0, 0, 0, 0, 3, 3, 8, "0.3750", 0, 0),
        m(1, 0, 0, 0, 0, 3, 3, 8, "0.3750", 1, 0),
        m(2, 0, 0, 0, 0, 3, 3, 8, "0.3750", 1, 0),
        m(3, 0, 2, 2, 0, 3, 3, 8, "0.3750", 1, 0),
        m(4, 0, 0, 1, -1, 3, 2, 8, "0.2500", 1, 0),
    ]


def test_fact_moveins_count_rooms_in_the_movein_statuses(kpi_db):
    """Fact move-ins: status in {4, 5, 6, 7, 9} with move_in_date = D, one per room; status 10 does not count.
    Fact move-outs use the raw moveout_plans_date, not the silver moveout_date, one per room."""
    kpi_db.load(
        Silver(
            snapshots=[
                snap(0, 1, 1, 7, move_in=0),
                snap(0, 2, 1, 9, move_in=0, primary=1),  # same room: still one move-in
                snap(0, 3, 2, 4, move_in=0),
                snap(0, 4, 3, 10, move_in=0, primary=1),
                snap(0, 5, 4, 6, move_in=0),
                snap(0, 6, 5, 14, move_in=-9, moveout=0, plans=1, primary=1),
                snap(0, 7, 6, 15, move_in=-9, moveout=1, plans=0, primary=1),
                snap(0, 8, 7, 15, move_in=-9, moveout=0, plans=0, primary=1),
                snap(0, 9, 7, 14, move_in=-5, moveout=0, plans=0),  # same room: still one move-out
            ],
            history=[period(t, 9, 0) for t in range(1, 10)],
            room_counts=counts([0], total=32),
        )
    )
    kpi_db.run(day(0), lookback_days=0, forward_days=1)
    assert list(kpi_db.metrics().values()) == [
        m(0, 0, 3, 2, 1, 4, 5, 32, "0.1563", 0, 0),
        m(1, 0, 0, 1, -1, 5, 4, 32, "0.1250", 1, 0),
    ]


def test_missing_or_zero_room_count_gives_no_rate(kpi_db):
    """No room_count_daily row for day 1: total_rooms and the rate are NULL; 0 rooms on day 2: the rate is NULL.
    Projections take as_of's count (0): NULL rate too. 1 room of 32 on day 0 rounds half up to 0.0313."""
    kpi_db.load(
        Silver(
            snapshots=[snap(n, 1, 1, 9, move_in=-20, primary=1) for n in (0, 1, 2)],
            history=[period(1, 9, 0)],
            room_counts={day(0): 32, day(2): 0},
        )
    )
    kpi_db.run(day(2), lookback_days=2, forward_days=1)
    assert list(kpi_db.metrics().values()) == [
        m(0, 0, 0, 0, 0, 1, 1, 32, "0.0313", 0, 2),
        m(1, 0, 0, 0, 0, 1, 1, None, None, 0, 2),
        m(2, 0, 0, 0, 0, 1, 1, 0, None, 0, 2),
        m(3, 0, 0, 0, 0, 1, 1, 0, None, 1, 2),
    ]


def test_batch_date_more_than_lookback_after_the_latest_snapshot(kpi_db):
    """Silver's latest snapshot is day 0 but the batch date is day 5 (lookback 2): the window is days 3..7. The
    projection still chains from S(0) (tenant 2 moves in on day 2, outside the window), and only days 3..7 are
    written; the rows the day-0 run wrote for days 0..2 stay."""
    kpi_db.load(
        Silver(
            [snap(0, 1, 1, 9, move_in=-20, primary=1), snap(0, 2, 2, 4, move_in=2), snap(0, 3, 3, 5, move_in=4)],
            [period(1, 9, 0), period(2, 4, 0), period(3, 5, 0)],
            counts([0]),
        )
    )
    kpi_db.run(day(0), lookback_days=0, forward_days=2, computed_at=dt.datetime(2026, 3, 1))
    kpi_db.run(day(5), lookback_days=2, forward_days=7)
    assert list(kpi_db.metrics().values()) == [
        m(0, 0, 0, 0, 0, 1, 1, 4, "0.2500", 0, 0),
        m(1, 0, 0, 0, 0, 1, 1, 4, "0.2500", 1, 0),
        m(2, 0, 1, 0, 1, 1, 2, 4, "0.5000", 1, 0),
        m(3, 0, 0, 0, 0, 2, 2, 4, "0.5000", 1, 0),
        m(4, 0, 1, 0, 1, 2, 3, 4, "0.7500", 1, 0),
        m(5, 0, 0, 0, 0, 3, 3, 4, "0.7500", 1, 0),
        m(6, 0, 0, 0, 0, 3, 3, 4, "0.7500", 1, 0),
        m(7, 0, 0, 0, 0, 3, 3, 4, "0.7500", 1, 0),
    ]
    assert {r[-1] for r in kpi_db.full_rows() if r[0] < day(3)} == {dt.datetime(2026, 3, 1)}
