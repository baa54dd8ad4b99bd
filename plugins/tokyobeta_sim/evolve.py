"""One day of the source system: the dump for date D shows everything done up to the end of day D-1.

`advance` moves the state from dump D-1 to dump D. First it applies the changes planned earlier that become visible
in dump D, then it makes the day's new decisions (renewals, notices, transfers, applications, inquiries), whose
first changes are visible at once and whose later steps are planned as operations on later dump dates.

Timing rules the pipeline's KPIs rely on (CONTRACT.md sections 4-6), with M = move-in date, O = move-out date:
- application: status 4 (or 5) from the dump after applying, 5 a few days later, 6 shortly before M;
  dump M shows 6 or 7 with movein_date = M; then 9 (7, 11 or 12 for a day or so first).
- cancellation: moving.cancel_flag = 1 and status 8, at the latest in dump M.
- notice: status 14 with moveout_receipt_date/moveout_plans_date/moveout_date set, 15 in the last week; dump O
  still shows the contract (is_moveout = 0); from dump O+1 is_moveout = 1 and status 17.
- renewal: a new moving (move_renew_flag = 1, movein_date = R) becomes the tenant's contract with status 10, and 10
  lasts from on or before dump R until after it, so a renewal never looks like a move-in.
- transfer to a new room on X: dump X shows the new moving and status 13; the old moving gets
  moveout_plans_date = X in dump X and is_moveout = 1 from dump X+1.
- turnover: an application may take a room on its occupant's move-out day (new M = old O).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from . import factory
from .model import Inquiry, Moving, Room, Tenant, new_row
from .names import INQUIRY_CHANNELS
from .params import MOVEOUT_REASONS
from .population import orphan_moving
from .properties import open_property
from .state import DAY, Op, State, Transfer, poisson, stamp

OCCUPANCY_RESPONSE_DAYS = 60.0  # how fast applications steer occupancy back to its target
RETURN_AFTER_DAYS = 30  # a former tenant applies again only after a while (so status 17 / 8 is seen first)


def advance(state: State) -> None:
    """Move from dump D-1 to dump D: the work of day D-1 and whatever was planned to show from D."""
    state.events.pop(state.today, None)
    state.today += DAY
    work = state.today - DAY
    for op in state.schedule.pop(state.today, ()):
        op[0](state, *op[1:])
    for room_id in (*state.freeing.pop(work, ()), *state.reopening.pop(work, ())):
        if state.room(room_id).free_from == work:
            state.vacant.add(room_id)
    _renewals(state, work)
    _notices(state, work)
    _transfers(state, work)
    _applications(state, work)
    _inquiries(state, work)
    _noise(state, work)


def _at(state: State, visible: date, op: Op) -> None:
    """Apply `op` now if it shows in the dump being built, else plan it for dump `visible`."""
    if visible <= state.today:
        op[0](state, *op[1:])
    else:
        state.schedule.setdefault(visible, []).append(op)


def _office(state: State, visible: date) -> datetime:
    """Staff work visible in dump `visible` was done during office hours the day before."""
    return stamp(state.rng, visible - DAY)


def _night(state: State, visible: date) -> datetime:
    """Nightly batch changes land before the 05:30 dump."""
    return stamp(state.rng, visible, 1, 4)


# -- operations (handler, timestamp, *args) ------------------------------------------------------------------------
def _status(state: State, ts: datetime, tenant_id: int, status: int) -> None:
    tenant = state.tenant(tenant_id)
    tenant.status = status
    tenant.touch(ts)


def _movein(state: State, ts: datetime, tenant_id: int, moving_id: int, status: int) -> None:
    _status(state, ts, tenant_id, status)
    state.pending_in -= 1
    state.occupied += 1
    _room_state(state.room(state.moving(moving_id).room_id), ts, 1, moving_id)


def _idle(state: State, ts: datetime, tenant_id: int) -> None:
    """Back to plain residence (9); the contract's renewal date is queued."""
    _status(state, ts, tenant_id, 9)
    state.idle.add(tenant_id)
    moving = state.moving(state.tenant(tenant_id).moving_id)
    renew_on = factory.term_end(moving.movein_date, moving.moving_agreement_type)
    if renew_on > state.renewal_cursor:
        state.expiring.setdefault(renew_on, []).append(tenant_id)


def _cancel(state: State, ts: datetime, tenant_id: int, moving_id: int) -> None:
    moving = state.moving(moving_id)
    moving.cancel_flag = 1
    moving.touch(ts)
    _status(state, ts, tenant_id, 8)
    state.pending_in -= 1
    state.returners.add(tenant_id)
    room = state.room(moving.room_id)
    room.holder, room.free_from = 0, moving.prev_free
    _room_state(room, ts, 0, room.moving_id)
    state.make_available(room, state.today - DAY)
    state.count(state.today, "cancellations")
    state.count(moving.movein_date, "moveins", -1)
    if moving.turnover:
        state.count(moving.movein_date, "turnovers", -1)


def _moveout(state: State, ts: datetime, tenant_id: int, moving_id: int) -> None:
    _close(state, ts, moving_id)
    _status(state, ts, tenant_id, 17)
    state.occupied -= 1
    state.pending_out -= 1
    state.returners.add(tenant_id)


def _close(state: State, ts: datetime, moving_id: int) -> None:
    moving = state.moving(moving_id)
    moving.is_moveout = 1
    moving.touch(ts)
    room = state.room(moving.room_id)
    if room.holder == moving_id:
        _room_state(room, ts, 0, moving_id)


def _switch(state: State, ts: datetime, tenant_id: int, new_id: int, old_id: int, decided: date) -> None:
    """Transfer day X: the tenant's contract becomes the new room's; the old one ends on X."""
    tenant = state.tenant(tenant_id)
    tenant.moving_id, tenant.status = new_id, 13
    tenant.touch(ts)
    old, new = state.moving(old_id), state.moving(new_id)
    day = new.movein_date
    old.moveout_receipt_date, old.moveout_plans_date, old.moveout_date = decided, day, day
    old.moveout_date_integrated = day if state.rng.random() < 0.7 else None
    old.touch(ts)
    _room_state(state.room(new.room_id), ts, 1, new_id)


def _renew(state: State, ts: datetime, tenant_id: int, start: date) -> None:
    tenant = state.tenant(tenant_id)
    old = state.moving(tenant.moving_id)
    room = state.room(old.room_id)
    rng = state.rng
    new = factory.make_moving(
        rng, tenant_id=tenant_id, room=room, agreement=old.moving_agreement_type, start=start,
        first_movein=old.first_movein, kind="renewal", created=ts, decided=ts,
        rent=old.rent + rng.choice((0, 0, 0, 1000, 2000)),
    )  # fmt: skip
    _append_moving(state, new)
    tenant.moving_id, tenant.status = new.id, 10
    tenant.touch(ts)
    room.holder = new.id
    _room_state(room, ts, 1, new.id)


def _room_state(room: Room, ts: datetime, status: int, moving_id: int | None) -> None:
    """rooms.status / rooms.moving_id are legacy and only loosely maintained, like the source's."""
    room.status, room.moving_id = status, moving_id
    room.touch(ts)


def _append_moving(state: State, moving: Moving) -> None:
    moving.id = len(state.movings) + 1
    state.movings.append(moving)


# -- the day's decisions -------------------------------------------------------------------------------------------
def _renewals(state: State, work: date) -> None:
    horizon = work + timedelta(days=state.params.renewal_lead_days)
    while state.renewal_cursor < horizon:
        state.renewal_cursor += DAY
        for tenant_id in state.expiring.pop(state.renewal_cursor, ()):
            _plan_renewal(state, tenant_id, state.renewal_cursor)


def _plan_renewal(state: State, tenant_id: int, start: date) -> None:
    if tenant_id not in state.idle:
        return  # moving out or otherwise busy: the contract is not renewed
    tenant = state.tenant(tenant_id)
    current = state.moving(tenant.moving_id)
    if factory.term_end(current.movein_date, current.moving_agreement_type) != start:
        return  # queued for a contract that has since been replaced
    rng = state.rng
    state.idle.discard(tenant_id)
    begin = max(start - timedelta(days=rng.randint(0, 7)), state.today)
    settle = start + timedelta(days=rng.randint(1, 14))
    state.count(start, "renewals")
    _at(state, begin, (_renew, _office(state, begin), tenant_id, start))
    _at(state, settle, (_idle, _office(state, settle), tenant_id))


def _notices(state: State, work: date) -> None:
    rng = state.rng
    for _ in range(poisson(rng, state.params.notice_hazard * state.occupied)):
        if not state.idle:
            return
        tenant_id = state.idle.pick(rng)
        state.idle.discard(tenant_id)
        _give_notice(state, work, state.tenant(tenant_id))


def _give_notice(state: State, work: date, tenant: Tenant) -> None:
    rng = state.rng
    moving = state.moving(tenant.moving_id)
    room = state.room(moving.room_id)
    leave = work + timedelta(days=rng.randint(14, 60))
    final, integrated = factory.notice_dates(rng, leave)
    ts = stamp(rng, work)
    moving.moveout_receipt_date, moving.moveout_plans_date = work, leave
    moving.moveout_date, moving.moveout_date_integrated = final, integrated
    moving.touch(ts)
    tenant.status, tenant.reason_moveout = 14, rng.choice(MOVEOUT_REASONS)
    tenant.touch(ts)
    state.pending_out += 1
    room.free_from = leave
    state.freeing.setdefault(leave, []).append(room.id)
    state.count(state.today, "notices")
    state.count(leave, "moveouts")
    if rng.random() < 0.85:
        last_week = leave - timedelta(days=rng.randint(1, 7))
        _at(state, last_week, (_status, _night(state, last_week), tenant.id, 15))
    _at(state, leave + DAY, (_moveout, stamp(rng, leave), tenant.id, moving.id))


def _transfers(state: State, work: date) -> None:
    rng = state.rng
    for _ in range(poisson(rng, state.params.transfer_hazard * state.occupied)):
        if not state.idle or not state.vacant:
            return
        tenant_id = state.idle.pick(rng)
        state.idle.discard(tenant_id)
        _transfer(state, work, state.tenant(tenant_id))


def _transfer(state: State, work: date, tenant: Tenant) -> None:
    rng = state.rng
    old = state.moving(tenant.moving_id)
    day = work + timedelta(days=rng.randint(5, 30))
    room = _take_vacant(state, tenant.gender_type)
    ts = stamp(rng, work)
    new = factory.make_moving(
        rng, tenant_id=tenant.id, room=room, agreement=old.moving_agreement_type, start=day, first_movein=day,
        kind="transfer", created=ts, decided=ts,
    )  # fmt: skip
    _append_moving(state, new)
    _reserve(room, new, ts)
    old_room = state.room(old.room_id)
    old_room.free_from = day
    state.reopening.setdefault(day, []).append(old_room.id)
    state.count(day, "transfers")
    state.transfers.append(
        Transfer(tenant.id, old.id, new.id, (old.apartment_id, old.room_id), (room.apartment_id, room.id), day)
    )
    if rng.random() < 0.3:
        early = day - timedelta(days=rng.randint(1, 2))
        _at(state, early, (_status, _office(state, early), tenant.id, 13))
    _at(state, day, (_switch, _office(state, day), tenant.id, new.id, old.id, work))
    _at(state, day + DAY, (_close, _night(state, day + DAY), old.id))
    settle = day + timedelta(days=rng.randint(1, 3))
    _at(state, settle, (_idle, _office(state, settle), tenant.id))


def _take_vacant(state: State, gender: int | None) -> Room:
    """A random vacant room, preferring one whose gender restriction admits the tenant."""
    rng = state.rng
    for _ in range(5):
        room = state.room(state.vacant.pick(rng))
        if room.gender_type in (None, gender):
            break
    state.vacant.discard(room.id)
    return room


def _reserve(room: Room, moving: Moving, ts: datetime) -> None:
    moving.prev_free = room.free_from
    room.holder, room.free_from = moving.id, date.max
    _room_state(room, ts, 2, moving.id)


def _applications(state: State, work: date) -> None:
    p = state.params
    target = p.occupancy * len(state.rooms)
    expected_moveouts = p.notice_hazard * state.occupied
    rate = (expected_moveouts + (target - state.occupied) / OCCUPANCY_RESPONSE_DAYS) / (1 - p.cancel_share)
    for _ in range(poisson(state.rng, rate)):
        _apply(state, work)


def _apply(state: State, work: date) -> None:
    p, rng, today = state.params, state.rng, state.today
    movein = work + timedelta(days=4 + min(int(rng.expovariate(1 / 16)), 56))
    room, turnover = None, False
    if rng.random() < p.turnover_share:
        leaving = state.freeing.get(movein)
        if leaving:
            room, turnover = state.room(leaving.pop(rng.randrange(len(leaving)))), True
    if room is None:
        if not state.vacant:
            return
        room = state.room(state.vacant.pick(rng))
        state.vacant.discard(room.id)
    ts = stamp(rng, work)
    first_status = 5 if rng.random() < 0.12 else 4
    former = state.returners.pick(rng) if state.returners and rng.random() < p.returning_share else None
    if former is not None and state.tenant(former).updated_at.date() < work - timedelta(days=RETURN_AFTER_DAYS):
        first_status = 4  # a former tenant's status goes back to 4
        tenant = state.tenant(former)
        state.returners.discard(tenant.id)
        state.count(today, "returning")
    else:
        tenant = factory.make_tenant(rng, created=ts, status=first_status, room_gender=room.gender_type)
        tenant.id = len(state.tenants) + 1
        state.tenants.append(tenant)
        if state.open_inquiries and rng.random() < 0.8:
            inquiry = state.inquiries[state.open_inquiries.pick(rng) - 1]
            state.open_inquiries.discard(inquiry.id)
            inquiry.tenant_id, tenant.inquiry_id = tenant.id, inquiry.id
            inquiry.touch(ts)
    moving = factory.make_moving(
        rng, tenant_id=tenant.id, room=room, agreement=factory.agreement_type(rng), start=movein,
        first_movein=movein, kind="new", created=ts, decided=ts,
    )  # fmt: skip
    moving.turnover = turnover
    _append_moving(state, moving)
    _reserve(room, moving, ts)
    tenant.status, tenant.moving_id = first_status, moving.id
    tenant.touch(ts)
    state.pending_in += 1
    state.count(today, "applications")
    state.count(movein, "moveins")
    if turnover:
        state.count(movein, "turnovers")

    plan: list[tuple[date, Op]] = []
    last = today
    if first_status == 4:
        deposit = today + timedelta(days=rng.randint(1, 6))
        if deposit < movein:
            plan.append((deposit, (_status, _office(state, deposit), tenant.id, 5)))
            last = deposit
    briefing = movein - timedelta(days=rng.randint(0, 3))
    if last < briefing < movein:
        plan.append((briefing, (_status, _office(state, briefing), tenant.id, 6)))
    plan.append((movein, (_movein, _office(state, movein), tenant.id, moving.id, 7 if rng.random() < 0.55 else 6)))
    after = movein + DAY
    roll = rng.random()
    settle = after
    if roll < 0.4:
        interim = 11 if roll < 0.1 else (12 if roll < 0.2 else 7)
        plan.append((after, (_status, _office(state, after), tenant.id, interim)))
        settle = after + timedelta(days=rng.randint(1, 3) if interim == 12 else 1)
    plan.append((settle, (_idle, _office(state, settle), tenant.id)))
    if rng.random() < p.cancel_share:
        cancel_on = today + timedelta(days=rng.randint(1, (movein - today).days))
        plan = [step for step in plan if step[0] < cancel_on]
        plan.append((cancel_on, (_cancel, _office(state, cancel_on), tenant.id, moving.id)))
    for visible, op in plan:
        _at(state, visible, op)


def _inquiries(state: State, work: date) -> None:
    p, rng = state.params, state.rng
    oldest = work - timedelta(days=p.inquiry_shelf_days)
    queue = state.inquiry_queue
    while queue and queue[0][0] < oldest:
        state.open_inquiries.discard(queue.popleft()[1])
    arrivals = max(1, poisson(rng, p.inquiries_per_day * p.scale))  # some inquiry arrives every day
    for created in sorted(stamp(rng, work, 0, 23) for _ in range(arrivals)):
        inquiry = new_row(
            Inquiry, id=len(state.inquiries) + 1, tenant_id=None, channel=rng.choice(INQUIRY_CHANNELS),
            created_at=created, updated_at=created,
        )  # fmt: skip
        state.inquiries.append(inquiry)
        state.open_inquiries.add(inquiry.id)
        queue.append((work, inquiry.id))


def _noise(state: State, work: date) -> None:
    p, rng = state.params, state.rng
    if rng.random() < p.orphan_chance_per_day:
        _append_moving(state, orphan_moving(state, rng, work))
    if rng.random() < 1 / p.new_property_every_days:
        first_room = len(state.rooms)
        open_property(state, rng, max(2, round(rng.randint(12, 35) * p.scale)), stamp(rng, work, 9, 12), False, 0)
        for room in state.rooms[first_room:]:
            state.make_available(room, work)
