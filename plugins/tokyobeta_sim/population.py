"""The source as it stands on the warm-up's first dump date: properties, residents, and the history since migration.

Room by room, occupancy is drawn as a renewal process run backwards from the anchor date: a current resident (or a
vacancy), before that a move-out, before that a stay, and so on back to the migration date. Contracts that ended
before the migration were never carried over; the ones active then were migrated as one row each, often with zero
dates where the old system had no value. Nothing is in flight yet (no notices, applications or renewal windows):
the warm-up in engine.py starts those.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from . import factory, names
from .model import ZERO_DATE, ZERO_DATETIME, Inquiry, Moving, Room, Tenant, new_row
from .params import MOVEOUT_REASONS, Params
from .properties import open_property, room_counts
from .state import DAY, State, poisson, stamp

ORPHAN_TENANT_BASE = 9_000_000  # ids no tenant has
ORPHAN_ROOM_BASE = 900_000
ORPHAN_APARTMENT_ID = 99_999


def build(params: Params, rng: random.Random, anchor: date) -> State:
    state = State(params=params, rng=rng, today=anchor)
    migration = anchor - timedelta(days=params.history_days)
    for size in room_counts(rng, params.n_apartments, params.n_rooms):
        opened = datetime.combine(migration - timedelta(days=rng.randint(60, 3000)), time(10, 0))
        open_property(state, rng, size, opened, bad_coordinates=rng.random() < 0.01)
    # Guarantee the geocoding error the contract names, even at small scale.
    open_property(state, rng, 3, datetime.combine(migration - timedelta(days=90), time(10, 0)), bad_coordinates=True)
    _History(state, rng, anchor, migration).build()
    return state


class _History:
    def __init__(self, state: State, rng: random.Random, anchor: date, migration: date) -> None:
        self.state, self.rng, self.anchor, self.migration = state, rng, anchor, migration
        self.migrated_at = datetime.combine(migration, time(2, 0))
        # (created_at, tie-break, row, tenant-or-None) before ids exist; ids follow creation time as in the source.
        self.tenant_rows: list[tuple[datetime, tuple, Tenant]] = []
        self.moving_rows: list[tuple[datetime, tuple, Moving, Tenant | None]] = []
        self.current: list[tuple[Tenant, Moving, Room]] = []

    def build(self) -> None:
        stays = self._stays()
        for seq, (room_id, movein, moveout) in enumerate(stays):
            self._stay(seq, self.state.room(room_id), movein, moveout)
        self._cancelled_applications()
        self._prospects()
        self._orphans()
        self._assign_ids()
        self._inquiries()
        self._guarantee_dirty_values()
        self._pools()

    # -- occupancy timelines -------------------------------------------------------------------------------------
    def _stays(self) -> list[tuple[int, date, date | None]]:
        p, rng = self.state.params, self.rng
        stay_mean, vacancy_mean = p.mean_stay_days, p.mean_vacancy_days
        stays: list[tuple[int, date, date | None]] = []
        for room in self.state.rooms:
            later = self.anchor  # the next stay's move-in (the anchor itself for a vacant room)
            occupied = rng.random() < p.occupancy
            if occupied:
                later = self.anchor - timedelta(days=1 + int(rng.expovariate(1 / stay_mean)))
                stays.append((room.id, later, None))
            first = True
            while True:
                # gap 0: the previous occupant left on the day this one moved in (a turnover)
                turnover = occupied and rng.random() < p.turnover_share
                gap = 0 if turnover else 1 + int(rng.expovariate(1 / vacancy_mean))
                moveout = later - timedelta(days=gap)
                if first and not occupied:
                    room.free_from = moveout
                first, occupied = False, True
                if moveout < self.migration:
                    break
                later = moveout - timedelta(days=30 + int(rng.expovariate(1 / (stay_mean - 30))))
                stays.append((room.id, later, moveout))
        stays.sort(key=lambda s: (s[1], s[0]))
        return stays

    def _stay(self, seq: int, room: Room, movein: date, moveout: date | None) -> None:
        rng = self.rng
        agreement = factory.agreement_type(rng)
        starts = [movein]
        while True:
            nxt = factory.term_end(starts[-1], agreement)
            if nxt >= (self.anchor if moveout is None else moveout):
                break
            starts.append(nxt)
        kept = [k for k in range(len(starts)) if k == len(starts) - 1 or starts[k + 1] - DAY >= self.migration]
        migrated = movein < self.migration  # the contract (or an earlier period of it) predates the migration
        if migrated:
            created = self.migrated_at
        else:
            created = stamp(rng, movein - timedelta(days=4 + min(int(rng.expovariate(1 / 16)), 56)))
        status = 9 if moveout is None else (1 if rng.random() < 0.03 else 17)
        tenant = factory.make_tenant(rng, created=created, status=status, room_gender=room.gender_type, old=migrated)
        self.tenant_rows.append((created, (movein, room.id), tenant))
        moving = None
        for k in kept:
            start = starts[k]
            if k == kept[0] and migrated:
                signed = stamp(rng, start - timedelta(days=rng.randint(5, 30)))
                decided = ZERO_DATETIME if rng.random() < 0.5 else signed
                moving = factory.make_moving(
                    rng, tenant_id=0, room=room, agreement=agreement, start=start, first_movein=movein,
                    kind="renewal" if k else "new", created=created, decided=decided,
                )  # fmt: skip
                moving.kind = "migrated"
                if rng.random() < 0.35:
                    moving.original_movein_date = ZERO_DATE
                if rng.random() < 0.3:
                    moving.rent_start_date = ZERO_DATE
            elif k == 0:
                moving = factory.make_moving(
                    rng, tenant_id=0, room=room, agreement=agreement, start=start, first_movein=movein,
                    kind="new", created=created, decided=stamp(rng, max(created.date(), start - timedelta(days=3))),
                )  # fmt: skip
            else:
                made = max(self.migrated_at, stamp(rng, start - timedelta(days=rng.randint(0, 7))))
                moving = factory.make_moving(
                    rng, tenant_id=0, room=room, agreement=agreement, start=start, first_movein=movein,
                    kind="renewal", created=made, decided=made,
                )  # fmt: skip
            self.moving_rows.append((moving.created_at, (seq, k), moving, tenant))
        assert moving is not None  # kept always holds the last period
        if moveout is None:
            self.current.append((tenant, moving, room))
            tenant.updated_at = max(tenant.updated_at, moving.created_at)
            room.free_from, room.status = date.max, 1
        else:
            receipt = max(moving.movein_date, moveout - timedelta(days=rng.randint(14, 60)))
            final, integrated = factory.notice_dates(rng, moveout)
            moving.moveout_receipt_date, moving.moveout_plans_date = receipt, moveout
            moving.moveout_date, moving.moveout_date_integrated, moving.is_moveout = final, integrated, 1
            moving.updated_at = tenant.updated_at = max(created, stamp(rng, moveout))
            tenant.reason_moveout = rng.choice(MOVEOUT_REASONS)
        tenant.moving_id = moving  # replaced by the id in _assign_ids
        room.holder = moving  # likewise

    def _cancelled_applications(self) -> None:
        p, rng = self.state.params, self.rng
        per_day = p.moveouts_per_month / 30.0 * p.scale * p.cancel_share / (1 - p.cancel_share)
        for seq in range(poisson(rng, per_day * p.history_days)):
            room = self.state.rooms[rng.randrange(len(self.state.rooms))]
            planned = self.migration + timedelta(days=rng.randrange(p.history_days))
            applied = planned - timedelta(days=4 + min(int(rng.expovariate(1 / 16)), 56))
            if applied < self.migration:
                continue
            created = stamp(rng, applied)
            cancelled = stamp(rng, applied + timedelta(days=rng.randint(1, (planned - applied).days)))
            tenant = factory.make_tenant(rng, created=created, status=8, room_gender=room.gender_type)
            moving = factory.make_moving(
                rng, tenant_id=0, room=room, agreement=factory.agreement_type(rng), start=planned,
                first_movein=planned, kind="new", created=created, decided=created,
            )  # fmt: skip
            moving.cancel_flag = 1
            moving.updated_at = tenant.updated_at = cancelled
            tenant.moving_id = moving
            self.tenant_rows.append((created, (planned, room.id), tenant))
            self.moving_rows.append((created, (-1, seq), moving, tenant))

    def _prospects(self) -> None:
        """Legacy rows of people who inquired and viewed but never applied (status 0/2/3, no contract)."""
        rng = self.rng
        for _ in range(max(1, round(len(self.tenant_rows) * 0.01))):
            created = stamp(rng, self.migration + timedelta(days=rng.randrange(self.state.params.history_days)))
            tenant = factory.make_tenant(rng, created=created, status=rng.choice((0, 2, 3)), room_gender=None)
            self.tenant_rows.append((created, (created.date(), 0), tenant))

    def _orphans(self) -> None:
        p, rng = self.state.params, self.rng
        for _ in range(max(2, round(p.orphan_movings * p.scale))):
            day = self.migration + timedelta(days=rng.randrange(p.history_days))
            moving = orphan_moving(self.state, rng, day)
            self.moving_rows.append((moving.created_at, (-2, self.state.orphan_seq), moving, None))

    def _assign_ids(self) -> None:
        state = self.state
        self.tenant_rows.sort(key=lambda r: (r[0], r[1]))
        for tenant_id, (_, _, tenant) in enumerate(self.tenant_rows, start=1):
            tenant.id = tenant_id
            state.tenants.append(tenant)
        self.moving_rows.sort(key=lambda r: (r[0], r[1]))
        for moving_id, (_, _, moving, tenant) in enumerate(self.moving_rows, start=1):
            moving.id = moving_id
            if tenant is not None:
                moving.tenant_id = tenant.id
            state.movings.append(moving)
        for tenant in state.tenants:
            if tenant.moving_id is not None:
                tenant.moving_id = tenant.moving_id.id
        for room in state.rooms:
            if room.holder:
                room.holder = room.holder.id
                room.moving_id = room.holder  # legacy column, loosely the last contract

    # -- inquiries -----------------------------------------------------------------------------------------------
    def _inquiries(self) -> None:
        state, rng, p = self.state, self.rng, self.state.params
        by_day: dict[date, list[int]] = {}
        day = self.migration
        while day < self.anchor:
            times = sorted(stamp(rng, day, 0, 23) for _ in range(poisson(rng, p.inquiries_per_day * p.scale)))
            for created in times:
                inquiry_id = len(state.inquiries) + 1
                state.inquiries.append(
                    new_row(
                        Inquiry,
                        id=inquiry_id,
                        tenant_id=None,
                        channel=rng.choice(names.INQUIRY_CHANNELS),
                        created_at=created,
                        updated_at=created,
                    )
                )
                by_day.setdefault(day, []).append(inquiry_id)
            day += DAY
        for tenant in state.tenants:
            if tenant.created_at == self.migrated_at:
                continue  # migrated tenants predate the inquiry log
            for _ in range(3):
                ids = by_day.get(tenant.created_at.date() - timedelta(days=rng.randint(1, 40)))
                if ids:
                    inquiry = state.inquiries[ids.pop(rng.randrange(len(ids))) - 1]
                    inquiry.tenant_id, inquiry.updated_at = tenant.id, tenant.created_at
                    tenant.inquiry_id = inquiry.id
                    break
        shelf_start = self.anchor - timedelta(days=p.inquiry_shelf_days)
        for inquiry in state.inquiries:
            if inquiry.tenant_id is None and inquiry.created_at.date() >= shelf_start:
                state.open_inquiries.add(inquiry.id)
                state.inquiry_queue.append((inquiry.created_at.date(), inquiry.id))

    # -- the dirty values the contract names, present at any scale -----------------------------------------------
    def _guarantee_dirty_values(self) -> None:
        tenants, rng = self.state.tenants, self.rng
        picked = iter(rng.sample(range(len(tenants)), 2 * len(names.DIRTY_TEXT) + 1))
        for text in names.DIRTY_TEXT:
            tenants[next(picked)].full_name = text
            tenants[next(picked)].affiliation = text
        tenants[next(picked)].nationality = names.UNKNOWN_NATIONALITY

    def _pools(self) -> None:
        state = self.state
        for tenant, moving, _room in self.current:
            state.idle.add(tenant.id)
            state.expiring.setdefault(factory.term_end(moving.movein_date, moving.moving_agreement_type), []).append(
                tenant.id
            )
        state.occupied = len(self.current)
        for tenant in state.tenants:
            if tenant.status in (8, 17):
                state.returners.add(tenant.id)
        for room in state.rooms:
            if room.free_from < self.anchor:
                state.vacant.add(room.id)
        state.renewal_cursor = self.anchor - DAY


def orphan_moving(state: State, rng: random.Random, day: date) -> Moving:
    """A noise row whose tenant, room or apartment does not exist; no tenant ever points to it."""
    state.orphan_seq += 1
    seq = state.orphan_seq
    room = state.rooms[rng.randrange(len(state.rooms))]
    created = stamp(rng, day)
    moving = factory.make_moving(
        rng, tenant_id=ORPHAN_TENANT_BASE + seq, room=room, agreement=factory.agreement_type(rng),
        start=day + timedelta(days=rng.randint(0, 30)), first_movein=day, kind="new", created=created, decided=None,
    )  # fmt: skip
    moving.kind = "orphan"
    variant = seq % 3
    if variant == 1:
        moving.tenant_id = 0
        moving.room_id = ORPHAN_ROOM_BASE + seq
    elif variant == 2:
        moving.apartment_id = ORPHAN_APARTMENT_ID
    return moving
