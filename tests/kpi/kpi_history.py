"""A small seeded share-house whose daily dumps become the KPI's silver inputs.

Tenants apply (status 4/5) for a room, move in (6/7 then 9), give notice (14/15) and move out (17); some cancel (8),
some come back, a few share a room, contract types change, rooms are added, and some days have no dump at all.
Same-day turnovers (one tenant's move-out date is the next one's move-in date) are frequent on purpose.
Only what the contract's silver tables hold comes out: snapshot rows (with is_room_primary ranked as CONTRACT.md
section 5 says), SCD2 status history and room counts, each for the dump dates up to a given day.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from harness.kpi_rows import Silver, Snap, scd2

DAY = dt.timedelta(days=1)
IN_SCOPE = {4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15}
PRESENT_RANK = (9, 10, 11, 12, 13, 14, 15, 7)  # best first


@dataclass
class Moving:
    id: int
    apartment_id: int
    room_id: int
    move_in: dt.date
    tenant_type: str
    plans: dt.date | None = None  # moveout_plans_date (raw)
    integrated: dt.date | None = None  # moveout_date_integrated
    raw_moveout: dt.date | None = None  # movings.moveout_date
    cancelled: bool = False
    moved_out: bool = False  # is_moveout

    @property
    def moveout_date(self) -> dt.date | None:  # silver meaning
        return self.integrated or self.plans or self.raw_moveout


@dataclass
class Tenant:
    id: int
    status: int
    contract_type: int
    moving: Moving | None = None


@dataclass
class House:
    rng: random.Random
    today: dt.date
    rooms: list[tuple[int, int]] = field(default_factory=list)
    tenants: dict[int, Tenant] = field(default_factory=dict)
    next_moving: int = 1000

    def add_rooms(self, apartment_id: int, count: int) -> None:
        base = len(self.rooms)
        self.rooms += [(apartment_id, 100 + base + i) for i in range(count)]

    def new_moving(self, room: tuple[int, int], move_in: dt.date) -> Moving:
        self.next_moving += 1
        kind = self.rng.choice(["individual", "individual", "corporate"])
        return Moving(self.next_moving, room[0], room[1], move_in, kind)

    def live(self) -> list[Tenant]:
        return [t for t in self.tenants.values() if t.moving and not t.moving.cancelled and not t.moving.moved_out]

    def room_free_from(self, room: tuple[int, int]) -> dt.date | None:
        """The day a new tenant could move in (the holder's move-out date: same-day turnover), None if taken."""
        holders = [t for t in self.live() if (t.moving.apartment_id, t.moving.room_id) == room]
        if not holders:
            return self.today
        if any(t.status in (4, 5, 6) for t in holders):
            return None
        plans = [t.moving.plans for t in holders]
        return max(plans) if all(plans) else None

    def apply(self, tenant: Tenant) -> None:
        """A (new or returning) tenant applies for a room that is or becomes free."""
        rng = self.rng
        room = rng.choice(self.rooms)
        free = self.room_free_from(room)
        if free is None and rng.random() < 0.1:  # room sharing: a second resident
            free = self.today
        if free is None:
            return
        move_in = max(free, self.today) + DAY * rng.choice([0, 0, 1, 2, 5, 9])
        tenant.status = 5 if rng.random() < 0.2 else 4
        tenant.moving = self.new_moving(room, move_in)
        self.tenants[tenant.id] = tenant

    def step(self) -> None:
        """Advance to the next day's dump: the state as it is written on the new `today`."""
        rng, self.today = self.rng, self.today + DAY
        d = self.today
        for t in list(self.tenants.values()):
            m = t.moving
            if rng.random() < 0.02:
                t.contract_type = rng.choice([1, 2, 3])
            if m is None or m.cancelled or m.moved_out:
                if t.status in (8, 17) and rng.random() < 0.03:
                    self.apply(t)  # comes back
                continue
            if m.plans is not None and d > m.plans:
                t.status, m.moved_out = 17, True
            elif t.status in (4, 5, 6) and rng.random() < 0.04:
                t.status, m.cancelled = 8, True
            elif t.status in (4, 5, 6) and d >= m.move_in:
                # usually moved in on the day; sometimes the status still lags on the move-in day
                t.status = rng.choice([7, 7, 7, 9, 6, 5, 4]) if d == m.move_in else 9
            elif t.status == 4 and rng.random() < 0.3:
                t.status = 5
            elif t.status == 5 and m.move_in - d <= 2 * DAY:
                t.status = 6
            elif t.status == 7:
                t.status = 9
            elif t.status == 9 and rng.random() < 0.05:
                t.status = 14
                m.plans = d + DAY * rng.randint(0, 12)
                if rng.random() < 0.3:
                    m.integrated = m.plans + DAY * rng.choice([-2, -1, 1, 3])
                if rng.random() < 0.5:
                    m.raw_moveout = m.plans
            elif t.status == 9 and rng.random() < 0.04:
                t.status = rng.choice([10, 11, 12, 13])
            elif t.status in (10, 11, 12, 13) and rng.random() < 0.3:
                t.status = 9
            elif t.status == 14 and m.plans - d <= 3 * DAY:
                t.status = 15
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            tenant_id = max(self.tenants, default=0) + 1
            self.apply(Tenant(tenant_id, 4, rng.choice([1, 2, 3])))
        if rng.random() < 0.05:
            self.add_rooms(apartment_id=len(self.rooms) // 4 + 1, count=rng.randint(1, 3))

    def snapshot(self) -> list[Snap]:
        rows = [
            Snap(
                self.today,
                t.id,
                t.moving.id,
                t.moving.apartment_id,
                t.moving.room_id,
                t.status,
                t.moving.tenant_type,
                t.moving.move_in,
                t.moving.moveout_date,
                t.moving.plans,
                0,
            )
            for t in sorted(self.live(), key=lambda t: t.id)
            if t.status in IN_SCOPE
        ]
        return _rank_primary(rows)


def _rank_primary(rows: list[Snap]) -> list[Snap]:
    """is_room_primary = 1 for the best present tenant of each room: status rank, latest move-in, highest id."""
    best: dict[tuple[int, int], Snap] = {}
    for r in rows:
        if r.management_status_code not in PRESENT_RANK:
            continue
        key = (r.apartment_id, r.room_id)
        if key not in best or _primary_key(r) < _primary_key(best[key]):
            best[key] = r
    chosen = set(best.values())
    return [r._replace(is_room_primary=int(r in chosen)) for r in rows]


def _primary_key(r: Snap) -> tuple:
    move_in = r.move_in_date.toordinal() if r.move_in_date else 0
    return (PRESENT_RANK.index(r.management_status_code), -move_in, -r.tenant_id)


@dataclass
class DailyHistory:
    dump_dates: list[dt.date]
    snapshots: dict[dt.date, list[Snap]]
    statuses: dict[dt.date, dict[int, tuple[int, int]]]
    room_counts: dict[dt.date, int]

    def longest_gap(self) -> int:
        """The most consecutive calendar days without a dump."""
        return max((b - a).days - 1 for a, b in zip(self.dump_dates, self.dump_dates[1:], strict=False))

    def silver_upto(self, day: dt.date) -> Silver:
        """What the silver tables hold after the daily run of `day` (dump dates up to it)."""
        dates = [d for d in self.dump_dates if d <= day]
        return Silver(
            snapshots=[r for d in dates for r in self.snapshots[d]],
            history=scd2({d: self.statuses[d] for d in dates}),
            room_counts={d: self.room_counts[d] for d in dates if d in self.room_counts},
        )


def generate(seed: int, first_dump: dt.date, days: int, warmup_days: int = 40, gap_rate: float = 0.125) -> DailyHistory:
    """`days` calendar days from `first_dump` (a dump day, as is the last); a share `gap_rate` of the days between
    has no dump and one dump in twenty has no room count. The house runs `warmup_days` before the first dump so that
    it starts full."""
    rng = random.Random(seed)
    house = House(rng, first_dump - DAY * (warmup_days + 1))
    for apartment in (1, 2, 3):
        house.add_rooms(apartment, 5)
    legacy = [Tenant(i, rng.choice([0, 1, 2, 3]), 1) for i in range(1, 4)]  # history only, never in a snapshot
    house.tenants.update({t.id: t for t in legacy})
    history = DailyHistory([], {}, {}, {})
    for index in range(warmup_days + 1 + days):
        house.step()
        day_number = index - warmup_days
        if day_number < 0:
            continue
        if 0 < day_number < days - 1 and rng.random() < gap_rate:
            continue  # no dump that day
        history.dump_dates.append(house.today)
        history.snapshots[house.today] = house.snapshot()
        history.statuses[house.today] = {t.id: (t.status, t.contract_type) for t in house.tenants.values()}
        if day_number == 0 or rng.random() >= 0.05:
            history.room_counts[house.today] = len(house.rooms)
    return history
