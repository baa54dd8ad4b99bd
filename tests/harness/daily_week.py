"""A run of simulated days, what the warehouse held after each, and the checks of silver and gold against the
simulator's ground truth. Used by tests/dag/test_daily_week.py (the days through a real Airflow)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from tokyobeta_etl.data_contract import DEFAULT_BUCKET, DUMP_FILES, MOVEIN_STATUSES

from . import warehouse as wh
from .dbt_runner import query
from .kpi_rows import Metric, Period, Silver, Snap

DAY1 = dt.date(2026, 2, 9)
# Whole-DAG days cost ~85 s each here: a week through the real Airflow; many more days of the same rules run through
# cheaper paths (tests/kpi: the KPI against its oracle over generated multi-week histories; tests/sim).
DAYS = 7
SEED, SCALE = 7, 0.05
HISTORY = ("silver.tenant_room_snapshot_daily", "silver.room_count_daily")
LAYERS = ("silver", "gold")


@dataclass
class Week:
    days: list[dt.date]
    truths: list[dict]
    statuses: list[dict[int, tuple[int, int]]]  # per day: tenant id -> (status, contract_type), from the simulator
    fingerprints: list[dict[str, str]] = field(default_factory=list)  # silver and gold after each day
    history_rows: list[dict[str, str]] = field(default_factory=list)  # per day: history table -> digest of that date
    silver: list[Silver] = field(default_factory=list)  # the KPI's silver inputs after each day
    metrics: list[dict[dt.date, Metric] | None] = field(default_factory=list)  # the KPI table after each day
    run_ids: list[str] = field(default_factory=list)  # each day's DAG run
    facts: dict = field(default_factory=dict)  # what a test module noted on the way (alerts, states, API answers)
    marts: list[Marts | None] = field(default_factory=list)  # the section 8 marts after each day (None: not observed)


@dataclass
class Marts:
    """What the gold marts of CONTRACT.md section 8 held after a day's run (read_marts)."""

    new_contracts_by_month: dict[str, int]  # "YYYY-MM" of contract_date -> rows of gold.new_contracts
    transfer_moveouts: list[int]  # gold.moveouts.moving_id with is_transfer = 1, ascending
    transfer_notices: list[int]  # gold.moveout_notices.moving_id with is_transfer = 1
    transfer_arrivals: list[int]  # gold.new_contracts.moving_id with is_transfer = 1 (the new rooms' movings)
    property_sums: dict[dt.date, tuple]  # snapshot_date -> property_daily_metrics' (occupied_rooms, total_rooms,
    # new_moveins, new_moveouts), each summed over apartments


def simulate_week(s3, day1: dt.date = DAY1, days: int = DAYS) -> Week:
    """The week's dumps into S3 (as harness.runs.simulate_to_s3 writes them), its truth, and every tenant's
    (status, contract_type) on each dump date straight from the simulator's state."""
    from tokyobeta_sim import DumpOptions, S3Sink, Simulator
    from tokyobeta_sim.engine import file_name

    sink, options = S3Sink(DEFAULT_BUCKET, "dumps/", client=s3), DumpOptions()
    sim = Simulator(day1, seed=SEED, scale=SCALE)
    week = Week([], [], [])
    for index in range(days):
        if index:
            sim.advance()
        for stem in DUMP_FILES:
            sink.put(file_name(stem, sim.today, options), sim.dump(stem, options))
        week.days.append(sim.today)
        week.truths.append(sim.truth())
        week.statuses.append({t.id: (t.status, t.contract_type) for t in sim.state.tenants})
    return week


def date_digest(server, table: str, day: dt.date) -> str:
    h = hashlib.sha256()
    for row in query(server, f"SELECT * FROM {table} WHERE snapshot_date = %s ORDER BY 1, 2", (day,)):
        h.update(repr(row).encode())
    return h.hexdigest()


def record_day(server, week: Week, day: dt.date) -> None:
    week.fingerprints.append(wh.fingerprint(server, LAYERS))
    week.history_rows.append({t: date_digest(server, t, day) for t in HISTORY})
    week.silver.append(read_silver(server))
    week.metrics.append(read_metrics(server))
    week.marts.append(read_marts(server))


def record_backfilled_days(server, week: Week, count: int) -> None:
    """After one backfill of the first `count` days: the last of them as record_day does it; the days before it as far
    as they can be known afterwards. Their history rows were written by their own run only (incremental on the date);
    the KPI's silver inputs as they stood after each: snapshot rows and room counts up to the day, and the SCD2
    history cut at the day (a period still open then was the current one). What the KPI table and the whole layers
    held between the runs was not observed (None)."""
    final = read_silver(server)
    for day in week.days[: count - 1]:
        week.fingerprints.append(None)
        week.history_rows.append({t: date_digest(server, t, day) for t in HISTORY})
        history = [
            p if p.valid_to is not None and p.valid_to < day else p._replace(valid_to=None, is_current=1)
            for p in final.history
            if p.valid_from <= day
        ]
        snaps = [r for r in final.snapshots if r.snapshot_date <= day]
        week.silver.append(Silver(snaps, history, {d: n for d, n in final.room_counts.items() if d <= day}))
        week.metrics.append(None)
        week.marts.append(None)
    record_day(server, week, week.days[count - 1])


def read_silver(server) -> Silver:
    """The three silver tables the KPI reads, as the oracle takes them."""
    snaps = query(
        server,
        "SELECT snapshot_date, tenant_id, moving_id, apartment_id, room_id, management_status_code, tenant_type, "
        "move_in_date, moveout_date, moveout_plans_date, is_room_primary FROM silver.tenant_room_snapshot_daily",
    )
    periods = query(
        server,
        "SELECT tenant_id, management_status_code, legacy_contract_type, valid_from, valid_to, is_current "
        "FROM silver.tenant_status_history",
    )
    counts = query(server, "SELECT snapshot_date, total_rooms FROM silver.room_count_daily")
    return Silver([Snap(*r) for r in snaps], [Period(*r) for r in periods], dict(counts))


def read_metrics(server) -> dict[dt.date, Metric]:
    rows = query(server, f"SELECT {', '.join(Metric._fields)} FROM gold.occupancy_daily_metrics")
    return {r[0]: Metric(*r) for r in rows}


def read_marts(server) -> Marts:
    def ids(table: str) -> list[int]:
        return [m for (m,) in query(server, f"SELECT moving_id FROM gold.{table} WHERE is_transfer = 1 ORDER BY 1")]

    months = query(
        server, "SELECT YEAR(contract_date), MONTH(contract_date), COUNT(*) FROM gold.new_contracts GROUP BY 1, 2"
    )
    sums = query(
        server,
        "SELECT snapshot_date, SUM(occupied_rooms), SUM(total_rooms), SUM(new_moveins), SUM(new_moveouts) "
        "FROM gold.property_daily_metrics GROUP BY snapshot_date",
    )
    return Marts(month_counts(months), ids("moveouts"), ids("moveout_notices"), ids("new_contracts"), as_ints(sums))


def month_counts(rows) -> dict[str, int]:
    """(year, month, count) rows -> {"YYYY-MM": count}, months in order."""
    return {f"{year:04d}-{month:02d}": int(n) for year, month, n in sorted(rows)}


def as_ints(rows) -> dict[dt.date, tuple]:
    """(date, SUM(...), ...) rows -> {date: (int, ...)}: MySQL's SUM gives DECIMAL (NULL stays None)."""
    return {r[0]: tuple(None if v is None else int(v) for v in r[1:]) for r in rows}


def truth_contracts_by_month(truth: dict) -> dict[str, int]:
    """The truth's contract starts per month, restricted as gold.new_contracts is: contract_date >= 2018-01-01."""
    return {month: n for month, n in truth["new_contracts_by_month"].items() if month >= "2018-01"}


def kpi_sums(metrics: dict[dt.date, Metric]) -> dict[dt.date, tuple]:
    """The occupancy KPIs' fact days as property_sums has them: (period_end_rooms, total_rooms, new_moveins,
    new_moveouts) per snapshot_date, projections left out."""
    return {
        day: (m.period_end_rooms, m.total_rooms, m.new_moveins, m.new_moveouts)
        for day, m in metrics.items()
        if not m.is_projection
    }


def assert_matches_truth(server, week: Week) -> None:
    """Every day's snapshot rows, occupied rooms, move-ins/outs and room count; the current models hold the last day."""
    movein = ", ".join(str(s) for s in sorted(MOVEIN_STATUSES))
    for day, truth in zip(week.days, week.truths, strict=True):
        rows, primary, moveins, moveouts = query(
            server,
            "SELECT COUNT(*), SUM(is_room_primary), "
            f"COUNT(DISTINCT CASE WHEN management_status_code IN ({movein}) AND move_in_date = snapshot_date "
            "THEN CONCAT(apartment_id, '/', room_id) END), "
            "COUNT(DISTINCT CASE WHEN moveout_plans_date = snapshot_date THEN CONCAT(apartment_id, '/', room_id) END) "
            "FROM silver.tenant_room_snapshot_daily WHERE snapshot_date = %s",
            (day,),
        )[0]
        assert (rows, primary) == (truth["snapshot_rows"], truth["occupied_rooms"]), day
        assert (moveins, moveouts) == (truth["new_moveins"], truth["new_moveouts"]), day
        total = query(server, "SELECT total_rooms FROM silver.room_count_daily WHERE snapshot_date = %s", (day,))
        assert total == [(truth["total_rooms"],)], day
    latest = week.truths[-1]["row_counts"]
    for table in ("movings", "tenants", "apartments", "rooms", "inquiries"):
        assert wh.count(server, f"silver.stg_{table}") == latest[table], table
    assert query(server, "SELECT MIN(snapshot_date), MAX(snapshot_date) FROM silver.room_count_daily") == [
        (week.days[0], week.days[-1])
    ]


def assert_history_reproduces_status_changes(server, week: Week) -> None:
    """SCD2: one period per run of identical (status, contract type) days of each tenant, the last one current."""
    expected: dict[int, list[tuple]] = {}
    for day, statuses in zip(week.days, week.statuses, strict=True):
        for tenant, pair in statuses.items():
            periods = expected.setdefault(tenant, [])
            if not periods or periods[-1][1:] != pair:
                periods.append((day, *pair))
    got: dict[int, list[tuple]] = {}
    for tenant, valid_from, status, contract_type in query(
        server,
        "SELECT tenant_id, valid_from, management_status_code, legacy_contract_type "
        "FROM silver.tenant_status_history ORDER BY tenant_id, valid_from",
    ):
        got.setdefault(tenant, []).append((valid_from, status, contract_type))
    assert got == expected
    changed = sum(1 for periods in expected.values() if len(periods) > 1)
    assert changed >= 10, "the week should hold status changes to compare"
    current = query(server, "SELECT COUNT(*) FROM silver.tenant_status_history WHERE valid_to IS NULL")
    assert current == [(len(expected),)]
