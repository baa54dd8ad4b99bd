"""New tenant and moving rows with realistic (and realistically dirty) contents."""

from __future__ import annotations

import itertools
import random
from datetime import date, datetime, timedelta

from . import names
from .model import ZERO_DATE, Lit, Moving, Room, Tenant, new_row
from .params import AGREEMENT_WEIGHTS, LEGACY_CONTRACT_TYPES, TERM_MONTHS
from .state import DAY, add_months, month_end

_AGREEMENTS = tuple(AGREEMENT_WEIGHTS)
_AGREEMENT_CUM = tuple(itertools.accumulate(AGREEMENT_WEIGHTS.values()))
_JAPANESE_IDS = ("1", "1", "2", "5", "6", "6", "7")
_FOREIGN_IDS = ("8", "8", "8", "3", "4")


def agreement_type(rng: random.Random) -> int:
    return rng.choices(_AGREEMENTS, cum_weights=_AGREEMENT_CUM)[0]


def term_end(start: date, agreement: int) -> date:
    """The next renewal start of a contract period beginning on `start`."""
    return add_months(start, TERM_MONTHS[agreement])


def make_tenant(
    rng: random.Random, *, created: datetime, status: int, room_gender: int | None, old: bool = False
) -> Tenant:
    """A tenant row (id and moving_id filled in by the caller). `old` rows may carry zero dates."""
    person = names.person(rng, room_gender if room_gender in (1, 2) else None)
    full, last, first = person.full_name, person.last_name, person.first_name
    if rng.random() < 0.02:
        full = rng.choice(names.DIRTY_TEXT)
        last = first = None if rng.random() < 0.5 else full
    years = max(18, min(64, round(rng.gauss(29, 7))))
    birth = created.date() - timedelta(days=365 * years + rng.randrange(365))
    birth_value: date | Lit | None = birth
    age: int | None = years
    if old and rng.random() < 0.25:
        birth_value, age = ZERO_DATE, None
    elif rng.random() < 0.02:
        birth_value = age = None
    nationality = person.nationality
    roll = rng.random()
    if roll < 0.02:
        nationality = names.UNKNOWN_NATIONALITY
    elif roll < 0.03:
        nationality = None
    affiliation, affiliation_type = names.affiliation(rng)
    if rng.random() < 0.04:
        affiliation, affiliation_type = rng.choice(names.DIRTY_TEXT), None
    return new_row(
        Tenant,
        id=0,
        status=status,
        moving_id=None,
        contract_type=rng.choice(LEGACY_CONTRACT_TYPES),
        full_name=full,
        last_name=last,
        first_name=first,
        gender_type=person.gender_type,
        birth_date=birth_value,
        age=age,
        nationality=nationality,
        personal_identity=rng.choice(_JAPANESE_IDS if person.nationality == "日本" else _FOREIGN_IDS),
        affiliation=affiliation,
        affiliation_type=affiliation_type,
        media_id=rng.randint(1, 24),
        reason_moveout=None,
        inquiry_id=None,
        email=None if rng.random() < 0.1 else names.email(person.romaji, rng.randint(10, 9999)),
        created_at=created,
        updated_at=created,
    )


def make_moving(
    rng: random.Random,
    *,
    tenant_id: int,
    room: Room,
    agreement: int,
    start: date,
    first_movein: date,
    kind: str,
    created: datetime,
    decided: datetime | Lit | None,
    rent: int | None = None,
) -> Moving:
    """A contract period starting `start` in `room` (id filled in by the caller)."""
    return new_row(
        Moving,
        id=0,
        tenant_id=tenant_id,
        apartment_id=room.apartment_id,
        room_id=room.id,
        moving_agreement_type=agreement,
        movein_decided_date=decided,
        movein_date=start,
        original_movein_date=first_movein,
        rent_start_date=start,
        expiration_date=term_end(start, agreement) - DAY,
        moveout_receipt_date=None,
        moveout_date=None,
        moveout_plans_date=None,
        moveout_date_integrated=None,
        move_renew_flag=1 if kind == "renewal" else 0,
        cancel_flag=0,
        is_moveout=0,
        rent=rent if rent is not None else room.rent - rng.choice((0, 0, 0, 1000, 2000, 3000)),
        memo=rng.choice(names.MEMOS) if rng.random() < 0.05 else None,
        created_at=created,
        updated_at=created,
        kind=kind,
        first_movein=first_movein,
        prev_free=None,
        turnover=False,
    )


def notice_dates(rng: random.Random, plans: date) -> tuple[date, date | None]:
    """(moveout_date = final rent day, moveout_date_integrated) for a move-out on `plans`."""
    final = plans if rng.random() < 0.65 else month_end(plans)  # rent is sometimes charged to the month's end
    roll = rng.random()
    integrated = None if roll < 0.3 else (plans if roll < 0.8 else final)
    return final, integrated
