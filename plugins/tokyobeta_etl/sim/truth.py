"""Ground truth for one dump date, from the simulator's own state (never from the dumps, sharing no SQL).

Definitions follow CONTRACT.md sections 4-6 for a fact day: the tenant-room snapshot is every tenant in the snapshot
status set joined to its current moving (tenants.moving_id) with cancel_flag = 0 and is_moveout = 0.
"""

from __future__ import annotations

from array import array

from tokyobeta_etl.contract import APPLICATION_STATUSES, MOVEIN_STATUSES, PRESENT_STATUSES, SNAPSHOT_STATUSES

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
    }
