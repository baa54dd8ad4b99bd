"""Ground truth for one dump date, from the simulator's own state (never from the dumps, sharing no SQL).

Definitions follow CONTRACT.md sections 4-6 for a fact day: the tenant-room snapshot is every tenant in the snapshot
status set joined to its current moving (tenants.moving_id) with cancel_flag = 0 and is_moveout = 0. Section 8's marts:
the contract starts per month of their contract date, and the room transfers the simulator made (the events as it
decided them, not found again by the marts' 7-day rule).
"""

from __future__ import annotations

from array import array
from collections import Counter
from datetime import date, datetime

from tokyobeta_etl.data_contract import APPLICATION_STATUSES, MOVEIN_STATUSES, PRESENT_STATUSES, SNAPSHOT_STATUSES

from .model import Moving
from .state import State

EVENT_NAMES = (
    # dated D: what happens on the dump's own date (planned, not yet completed at 05:30)
    "moveins", "moveouts", "renewals", "transfers", "turnovers",
    # made on D-1: first visible in dump D
    "applications", "returning", "cancellations", "notices",
)  # fmt: skip


def statuses(state: State) -> array:
    """Every tenant's status, indexed by tenant id - 1 (kept to find the next day's applications)."""
    return array("B", (t.status for t in state.tenants))


def contract_date(moving: Moving) -> date:
    """COALESCE(DATE(movein_decided_date), movein_date): a zero or missing signing date falls back to the move-in."""
    decided = moving.movein_decided_date
    return decided.date() if isinstance(decided, datetime) else moving.movein_date


def new_contracts_by_month(state: State) -> dict[str, int]:
    """ "YYYY-MM" -> contract starts (cancel_flag = 0, move_renew_flag = 0) by contract date, over every moving the
    source holds (orphan rows included, as the dump has them); months in order."""
    months = Counter(
        f"{contract_date(m):%Y-%m}" for m in state.movings if m.cancel_flag == 0 and m.move_renew_flag == 0
    )
    return dict(sorted(months.items()))


def completed_transfers(state: State) -> list[dict]:
    """The room transfers made so far whose old contract this dump shows moved out (is_moveout = 1 from the dump
    after the transfer day), oldest first."""
    done = sorted((t for t in state.transfers if t.day < state.today), key=lambda t: (t.day, t.moveout_moving_id))
    return [
        {
            "tenant_id": t.tenant_id,
            "moveout_moving_id": t.moveout_moving_id,
            "new_moving_id": t.new_moving_id,
            "from": list(t.from_room),
            "to": list(t.to_room),
            "moveout_date": t.day.isoformat(),
        }
        for t in done
    ]


def day_truth(state: State, previous: array | None) -> dict:
    """The KPIs of dump `state.today`; `previous` = statuses() of the previous dump, None on the first day."""
    day = state.today
    movings = state.movings
    snapshot_rows = 0
    occupied: set[tuple[int, int]] = set()
    moveins: set[tuple[int, int]] = set()
    moveouts: set[tuple[int, int]] = set()
    applications = 0
    for tenant in state.tenants:
        status = tenant.status
        if previous is not None and status in APPLICATION_STATUSES:
            index = tenant.id - 1
            if index >= len(previous) or previous[index] not in APPLICATION_STATUSES:
                applications += 1
        if status not in SNAPSHOT_STATUSES or tenant.moving_id is None:
            continue
        moving = movings[tenant.moving_id - 1]
        if moving.cancel_flag or moving.is_moveout:
            continue
        snapshot_rows += 1
        room = (moving.apartment_id, moving.room_id)
        if status in PRESENT_STATUSES:
            occupied.add(room)
        if status in MOVEIN_STATUSES and moving.movein_date == day:
            moveins.add(room)
        if moving.moveout_plans_date == day:
            moveouts.add(room)
    counts = state.events.get(day, {})
    transfers = completed_transfers(state)
    return {
        "date": day.isoformat(),
        "occupied_rooms": len(occupied),
        "snapshot_rows": snapshot_rows,
        "new_moveins": len(moveins),
        "new_moveouts": len(moveouts),
        "applications": applications,
        "total_rooms": len(state.rooms),
        "occupancy_rate": round(len(occupied) / len(state.rooms), 4),
        "row_counts": {
            "movings": len(state.movings),
            "tenants": len(state.tenants),
            "apartments": len(state.apartments),
            "rooms": len(state.rooms),
            "inquiries": len(state.inquiries),
        },
        "events": {name: counts.get(name, 0) for name in EVENT_NAMES},
        "new_contracts_by_month": new_contracts_by_month(state),
        "room_transfers": transfers,
        "transfers_completed": len(transfers),
    }
