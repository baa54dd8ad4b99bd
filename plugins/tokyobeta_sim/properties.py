"""Apartments and their rooms."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from . import names
from .model import Apartment, Room, decimal_text, new_row
from .state import State


def room_counts(rng: random.Random, n_apartments: int, n_rooms: int) -> list[int]:
    """Rooms per property (share houses of ~5-60 rooms) summing exactly to n_rooms."""
    sizes = [max(4, round(rng.lognormvariate(math.log(20), 0.45))) for _ in range(n_apartments)]
    factor = n_rooms / sum(sizes)
    sizes = [max(2, round(s * factor)) for s in sizes]
    diff = n_rooms - sum(sizes)
    while diff:
        i = rng.randrange(n_apartments)
        if diff > 0:
            sizes[i] += 1
            diff -= 1
        elif sizes[i] > 2:
            sizes[i] -= 1
            diff += 1
    return sizes


def open_property(
    state: State, rng: random.Random, n_rooms: int, created: datetime, bad_coordinates: bool, edited_days: int = 30
) -> None:
    """Append one apartment with `n_rooms` vacant rooms, free a week after it is registered.

    The apartment row was last edited up to `edited_days` after `created` (0 for one registered today).
    """
    prop = names.share_house(rng, state.property_names)
    apartment_id = len(state.apartments) + 1
    lat, lon = (rng.choice(names.BAD_COORDINATES)) if bad_coordinates else (prop.latitude, prop.longitude)
    room_count: int | None = n_rooms
    if rng.random() < 0.04:
        room_count = None if rng.random() < 0.5 else n_rooms - 1  # the source's cached count is sometimes stale
    coords_missing = rng.random() < 0.02
    state.apartments.append(
        new_row(
            Apartment,
            id=apartment_id,
            unique_number=None if rng.random() < 0.04 else f"GG-{apartment_id:05d}",
            apartment_name=prop.name,
            apartment_name_en=None if rng.random() < 0.05 else prop.name_en,
            prefecture=prop.prefecture,
            municipality=prop.municipality,
            address=prop.address,
            zip_code=prop.zip_code,
            latitude=None if coords_missing else decimal_text(lat, 6),
            longitude=None if coords_missing else decimal_text(lon, 6),
            room_count=room_count,
            created_at=created,
            updated_at=created + timedelta(days=rng.randint(0, edited_days), minutes=rng.randint(0, 30 * edited_days)),
        )
    )
    female_only = rng.random() < 0.2
    per_floor = rng.randint(4, 9)
    lettered = rng.random() < 0.15
    for k in range(n_rooms):
        floor = 1 + k // per_floor
        number = f"{chr(65 + k // per_floor)}-{k % per_floor + 1}" if lettered else f"{floor}{k % per_floor + 1:02d}"
        gender = 2 if female_only or rng.random() < 0.08 else (1 if rng.random() < 0.05 else None)
        room_created = created + timedelta(minutes=k)
        state.rooms.append(
            new_row(
                Room,
                id=len(state.rooms) + 1,
                apartment_id=apartment_id,
                room_number=number,
                rent=prop.base_rent + 1000 * rng.randint(-8, 14) + 1000 * (floor - 1),
                room_floor=floor,
                capacity=2 if rng.random() < 0.06 else 1,
                gender_type=gender,
                status=0,
                moving_id=None,
                created_at=room_created,
                updated_at=room_created,
                free_from=created.date() + timedelta(days=7),
                holder=0,
            )
        )
