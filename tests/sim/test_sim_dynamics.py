"""Two simulated months: volumes stay in range, every kind of event occurs, and the timing rules hold day by day.

Works on the simulator's in-memory tables, dump date by dump date (each state is exactly what that day's dumps hold).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

import pytest
from sim_support import START

from tokyobeta_sim import Simulator

SCALE = 0.1
DAYS = 60


class Day:
    """What one dump date holds, reduced to the fields the rules need."""

    def __init__(self, sim: Simulator) -> None:
        state = sim.state
        self.date = sim.today
        self.truth = sim.truth()
        self.tenants = {t.id: (t.status, t.moving_id) for t in state.tenants}
        self.movings = {
            m.id: (m.tenant_id, m.room_id, m.movein_date, m.moveout_plans_date, m.cancel_flag, m.is_moveout, m.kind)
            for m in state.movings
        }
        self.inquiries = len(state.inquiries)


@pytest.fixture(scope="module")
def run():
    sim = Simulator(START, seed=7, scale=SCALE)
    days = [Day(sim)]
    for _ in range(DAYS - 1):
        sim.advance()
        days.append(Day(sim))
    return sim, days


def test_monthly_volumes_and_occupancy_stay_in_range(run):
    _, days = run
    for first in (0, 30):
        month = days[first : first + 30]
        moveins = sum(d.truth["new_moveins"] for d in month)
        moveouts = sum(d.truth["new_moveouts"] for d in month)
        # production ranges (300-550 in, 400-550 out a month), scaled, with room for small-sample noise
        assert 0.7 * 300 * SCALE <= moveins <= 1.3 * 550 * SCALE, moveins
        assert 0.7 * 400 * SCALE <= moveouts <= 1.3 * 550 * SCALE, moveouts
    for day in days:
        assert 0.66 <= day.truth["occupancy_rate"] <= 0.74, (day.date, day.truth["occupancy_rate"])
    assert all(b.inquiries > a.inquiries for a, b in zip(days, days[1:], strict=False)), "inquiries grow daily"


def test_every_kind_of_event_occurs(run):
    sim, days = run
    totals: dict[str, int] = defaultdict(int)
    for day in days[1:]:
        for name, count in day.truth["events"].items():
            totals[name] += count
    for name in ("moveins", "moveouts", "renewals", "transfers", "turnovers", "cancellations", "notices", "returning"):
        assert totals[name] > 0, name
    # returning tenants: moved out (17) or cancelled (8) one day, applying again (4/5) a later day
    came_back = {
        tid
        for before, after in zip(days, days[1:], strict=False)
        for tid, (status, _) in after.tenants.items()
        if status in (4, 5) and before.tenants.get(tid, (None,))[0] in (8, 17)
    }
    assert came_back
    # same-day turnovers visible in the data: a room's new contract starts on its occupant's move-out day
    last = days[-1]
    leaving = {(m[1], m[3]) for m in last.movings.values() if m[3] and m[4] == 0 and m[6] != "orphan"}
    arriving = {(m[1], m[2]) for m in last.movings.values() if m[4] == 0 and m[6] == "new"}
    assert leaving & arriving


def test_moveins_moveouts_renewals_transfers_follow_the_contract_timing(run):
    _, days = run
    checked = defaultdict(int)
    for index, day in enumerate(days):
        nxt = days[index + 1] if index + 1 < len(days) else None
        prev = days[index - 1] if index else None
        for mid, (tid, _room, movein, plans, cancel, moveout, kind) in day.movings.items():
            status, current = day.tenants.get(tid, (None, None))
            if kind == "new" and movein == day.date and not cancel:
                assert current == mid and status in (6, 7), (day.date, mid, status)
                checked["movein"] += 1
            if kind == "renewal" and movein == day.date:
                assert current == mid and status == 10, (day.date, mid, status)
                checked["renewal"] += 1
            if current == mid and movein == day.date and status in (4, 5, 6, 7, 9) and not cancel and not moveout:
                assert kind == "new", (day.date, mid, kind)  # only real move-ins count as move-ins
            if current == mid and status == 15:
                assert plans is not None and 0 <= (plans - day.date).days <= 7, (day.date, mid, plans)
            if kind == "transfer" and movein == day.date and not cancel:
                assert current == mid and status == 13, (day.date, mid, status)
                if prev is not None:
                    old = prev.tenants[tid][1]
                    assert day.movings[old][3] == day.date and day.movings[old][5] == 0
                    if nxt is not None:
                        assert nxt.movings[old][5] == 1
                    checked["transfer"] += 1
            if plans == day.date and current == mid and not cancel:
                assert moveout == 0 and status in (14, 15), (day.date, mid, status)
                if nxt is not None:
                    assert nxt.movings[mid][5] == 1 and nxt.tenants[tid][0] == 17, (day.date, mid)
                checked["moveout"] += 1
            if current == mid and cancel:
                assert status == 8
        for tid, (status, _) in day.tenants.items():
            if prev is not None and tid not in prev.tenants:
                assert status in (4, 5), (day.date, tid, status)  # a tenant first appears as an application
                checked["application"] += 1
            if status == 10:
                assert day.movings[day.tenants[tid][1]][6] == "renewal"
    for rule in ("movein", "renewal", "transfer", "moveout", "application"):
        assert checked[rule] > 0, rule


def test_a_room_never_has_two_live_contracts_except_on_a_turnover_day(run):
    sim, _ = run
    state = sim.state
    tenant_ids = {t.id for t in state.tenants}
    by_room = defaultdict(list)
    successors = {(m.tenant_id, m.room_id, m.movein_date) for m in state.movings if m.move_renew_flag}
    for m in state.movings:
        if m.cancel_flag or m.kind == "orphan" or m.tenant_id not in tenant_ids:
            continue
        if m.moveout_plans_date is not None:
            end = m.moveout_plans_date
        elif (m.tenant_id, m.room_id, m.expiration_date + timedelta(days=1)) in successors:
            end = m.expiration_date  # superseded by its renewal, which starts the next day
        else:
            end = None
        by_room[m.room_id].append((m.movein_date, end, m.id))
    for room_id, spans in by_room.items():
        spans.sort()
        for (_, end, mid), (start, _, nid) in zip(spans, spans[1:], strict=False):
            assert end is not None and start >= end, (room_id, mid, nid)


def test_timestamps_are_consistent_with_the_dump_time(run):
    sim, _ = run
    cutoff = datetime.combine(sim.today, time(5, 30))
    state = sim.state
    for rows in (state.movings, state.tenants, state.rooms, state.apartments, state.inquiries):
        for row in rows:
            assert row.created_at <= row.updated_at <= cutoff, (type(row).__name__, row.id)
    linked = [q for q in state.inquiries if q.tenant_id is not None and q.updated_at > q.created_at]
    assert linked, "inquiries get their tenant_id (and a new updated_at) when the inquirer becomes a tenant"
