"""The simulator's in-memory source system: the five tables plus the bookkeeping that drives the next events."""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from .model import Apartment, Inquiry, Moving, Room, Tenant
from .params import Params

DAY = timedelta(days=1)


class Pool:
    """Distinct ints with O(1) add, discard and random pick; its order depends only on the calls (never on hashing)."""

    __slots__ = ("items", "pos")

    def __init__(self) -> None:
        self.items: list[int] = []
        self.pos: dict[int, int] = {}

    def add(self, item: int) -> None:
        if item not in self.pos:
            self.pos[item] = len(self.items)
            self.items.append(item)

    def discard(self, item: int) -> None:
        index = self.pos.pop(item, None)
        if index is None:
            return
        last = self.items.pop()
        if index < len(self.items):
            self.items[index] = last
            self.pos[last] = index

    def pick(self, rng: random.Random) -> int:
        return self.items[rng.randrange(len(self.items))]

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, item: int) -> bool:
        return item in self.pos


# An operation due on a dump date: (handler, timestamp, *args); see evolve.py.
Op = tuple


class Transfer(NamedTuple):
    """A room transfer the simulator decided: the old contract ends and the new room's moving starts on `day`."""

    tenant_id: int
    moveout_moving_id: int  # the old room's moving: moveout_plans_date = day, is_moveout = 1 from dump day + 1
    new_moving_id: int  # the new room's moving (kind 'transfer'): movein_date = day
    from_room: tuple[int, int]  # (apartment_id, room_id)
    to_room: tuple[int, int]
    day: date


@dataclass
class State:
    params: Params
    rng: random.Random
    today: date  # the dump date the tables currently describe (05:30 JST on that day)
    apartments: list[Apartment] = field(default_factory=list)  # id = index + 1, likewise below
    rooms: list[Room] = field(default_factory=list)
    movings: list[Moving] = field(default_factory=list)
    tenants: list[Tenant] = field(default_factory=list)
    inquiries: list[Inquiry] = field(default_factory=list)
    schedule: dict[date, list[Op]] = field(default_factory=dict)  # dump date from which a change is visible
    vacant: Pool = field(default_factory=Pool)  # rooms free now and not reserved
    freeing: dict[date, list[int]] = field(default_factory=dict)  # rooms whose occupant leaves that day
    # Rooms a transfer empties on that day. Never offered for a same-day turnover: the old contract's end only shows
    # from that day on, so an earlier reservation would look like two overlapping contracts.
    reopening: dict[date, list[int]] = field(default_factory=dict)
    idle: Pool = field(default_factory=Pool)  # residents (status 9) with nothing in progress
    returners: Pool = field(default_factory=Pool)  # former tenants (17) and cancelled applicants (8)
    open_inquiries: Pool = field(default_factory=Pool)
    inquiry_queue: deque = field(default_factory=deque)  # (created day, inquiry id), oldest first
    expiring: dict[date, list[int]] = field(default_factory=dict)  # renewal start date -> tenant ids
    renewal_cursor: date = date.min  # renewal start dates up to here have been decided
    occupied: int = 0  # rooms with a moved-in resident (drives the application rate)
    pending_in: int = 0  # applications not yet moved in or cancelled
    pending_out: int = 0  # notices not yet moved out
    events: dict[date, dict[str, int]] = field(default_factory=dict)  # event date -> counts
    transfers: list[Transfer] = field(default_factory=list)  # every room transfer made, in decision order
    orphan_seq: int = 0
    property_names: set[str] = field(default_factory=set)  # membership only (never iterated)

    def room(self, room_id: int) -> Room:
        return self.rooms[room_id - 1]

    def tenant(self, tenant_id: int) -> Tenant:
        return self.tenants[tenant_id - 1]

    def moving(self, moving_id: int) -> Moving:
        return self.movings[moving_id - 1]

    def count(self, day: date, event: str, delta: int = 1) -> None:
        counts = self.events.setdefault(day, {})
        counts[event] = counts.get(event, 0) + delta

    def make_available(self, room: Room, working_day: date) -> None:
        """Offer a room again from room.free_from: now if that day has come, else on that day."""
        if room.free_from <= working_day:
            self.vacant.add(room.id)
        else:
            self.freeing.setdefault(room.free_from, []).append(room.id)


def stamp(rng: random.Random, day: date, first_hour: int = 9, last_hour: int = 20) -> datetime:
    """A JST wall-clock time on `day` between first_hour:00:00 and last_hour:59:59 (office hours by default)."""
    seconds = int(rng.random() * (last_hour - first_hour + 1) * 3600)  # one draw: stamps are the hottest call
    return datetime.combine(day, time(first_hour)) + timedelta(seconds=seconds)


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 40:  # normal approximation; exact enough for daily volumes
        return max(0, round(rng.gauss(lam, lam**0.5)))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def add_months(day: date, months: int) -> date:
    """Same day-of-month `months` later, clamped to the month's end (contract terms)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, _month_days(year, month)))


def month_end(day: date) -> date:
    return date(day.year, day.month, _month_days(day.year, day.month))


def _month_days(year: int, month: int) -> int:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - DAY).day
