"""The gold marts' contract rules (CONTRACT.md section 8) on hand-made cases, added to harness.handmade_rows:
renewals, a return to a room, a cancelled application, a room transfer and a move-out that is not one, and
gold.property_daily_metrics over two fact dates with a room added between them, checked against the occupancy KPIs.

Silver is built for 2026-02-27, room 15 is then added to property 1, and silver and gold are built for 2026-03-01
(lookback_days 3: both dates are in the window), then the occupancy KPI task runs for the same window.
"""

from __future__ import annotations

import datetime as dt

import pytest

from harness.dbt_runner import query
from harness.handmade_rows import BATCH, D, _values, load

FIRST = "2026-02-27"
FIELDS = (
    "id, tenant_id, apartment_id, room_id, moving_agreement_type, movein_decided_date, movein_date, moveout_date, "
    "moveout_plans_date, moveout_date_integrated, moveout_receipt_date, cancel_flag, is_moveout, move_renew_flag, rent"
)
# id, tenant, room, decided, movein, moveout (all three move-out dates), notice, cancel_flag, is_moveout, renew, rent
CASES = [
    (3001, 301, 61, "2023-01-10 10:00:00", "2023-02-01", None, None, 0, 0, 0, 50000),  # a renewal ...
    (3002, 301, 61, "2025-01-10 10:00:00", "2025-02-01", None, None, 0, 0, 1, 52000),  # ... of 3001
    (3003, 302, 62, None, "2022-04-01", None, None, 0, 0, 0, 50000),  # two renewals
    (3004, 302, 62, None, "2023-04-01", None, None, 0, 0, 1, 53000),
    (3005, 302, 62, None, "2024-04-01", None, None, 0, 0, 1, 54000),
    (3006, 303, 63, None, "2021-01-01", "2022-01-31", None, 0, 1, 0, 48000),  # moved out ...
    (3007, 303, 63, None, "2024-06-01", None, None, 0, 0, 0, 51000),  # ... and came back: a new contract
    (3008, 304, 64, None, "2026-02-01", None, None, 1, 0, 0, 50000),  # cancelled application
    (3009, 305, 65, None, "2024-01-01", "2026-02-15", "2026-01-20", 0, 1, 0, 50000),  # moved out of 65 ...
    (3010, 305, 66, None, "2026-02-17", None, None, 0, 0, 0, 56000),  # ... into 66 two days later: a transfer
    (3011, 306, 67, None, "2024-01-01", "2026-01-31", "2026-01-05", 0, 1, 0, 50000),  # moved out of 67 ...
    (3012, 306, 68, None, "2026-03-02", None, None, 0, 0, 0, 57000),  # ... and signed 68 30 days later: no transfer
]
# id, status, moving_id, reason_moveout
CASE_TENANTS = [(301, 9, 3002, None), (302, 9, 3005, None), (303, 9, 3007, None), (304, 5, 3008, None),
                (305, 9, 3010, 1), (306, 6, 3012, 2)]  # fmt: skip


def _add_cases(server) -> None:
    rooms = ", ".join(_values((r, 6, str(r), 60000, 1, 2, "2020-01-01 00:00:00", "2026-02-28")) for r in range(61, 69))
    server.execute(
        "SET SESSION sql_mode = ''",
        "INSERT INTO staging.apartments (id, unique_number, apartment_name, apartment_name_en, prefecture, "
        "municipality, room_count, created_at, updated_at) VALUES "
        "(6, 'A-006', 'ハウス6', 'House 6', '東京都', '中野区', 8, '2020-01-01', '2026-02-28')",
        "INSERT INTO staging.rooms (id, apartment_id, room_number, rent, capacity, gender_type, created_at, "
        "updated_at) VALUES " + rooms,
        "INSERT INTO staging.tenants (id, status, moving_id, contract_type, full_name, reason_moveout, gender_type, "
        "created_at, updated_at) VALUES "
        + ", ".join(_values((t, s, m, 1, f"T{t}", r, 1, "2020-01-01", "2026-02-28")) for t, s, m, r in CASE_TENANTS),
        f"INSERT INTO staging.movings ({FIELDS}, created_at, updated_at) VALUES "
        + ", ".join(
            _values((c[0], c[1], 6, c[2], 1, c[3], c[4], c[5], c[5], c[5], c[6], *c[7:], "2020-01-01", "2026-02-28"))
            for c in CASES
        ),
    )


@pytest.fixture(scope="module")
def gold(mysql_server, etl_user, dbt):
    load(mysql_server)
    _add_cases(mysql_server)
    mysql_server.execute("UPDATE staging.movings SET moveout_receipt_date = '2026-02-20' WHERE id = 1001")
    first = dbt.build_silver(FIRST)
    assert first.failed() == {}, first.tail()
    mysql_server.execute(
        "INSERT INTO staging.rooms (id, apartment_id, room_number, rent, capacity, gender_type, created_at, "
        "updated_at) VALUES (15, 1, '105', 60000, 1, 2, '2026-02-28 00:00:00', '2026-02-28 00:00:00')"
    )
    result = dbt.run("build", "--select", "tag:silver", "tag:gold", vars={"batch_date": BATCH, "lookback_days": 3})
    assert result.failed() == {}, result.tail()
    from tokyobeta_etl.kpi import compute_occupancy_metrics

    conn = mysql_server.connect(user=etl_user.user, password=etl_user.password)
    try:
        compute_occupancy_metrics(conn, D(BATCH), 3, 0, dt.datetime(2026, 3, 1, 6, 0), backup_generations=0)
    finally:
        conn.close()
    yield mysql_server


def rows(server, sql):
    return query(server, sql)


def test_a_renewal_is_not_a_new_contract_and_counts_on_its_start(gold):
    got = rows(
        gold,
        "SELECT moving_id, contract_date, movein_date, renewal_count, contract_rent, latest_rent, is_transfer "
        "FROM gold.new_contracts WHERE apartment_id = 6 ORDER BY moving_id",
    )
    assert got == [
        (3001, D("2023-01-10"), D("2023-02-01"), 1, 50000, 52000, 0),  # one renewal, at the original signing
        (3003, D("2022-04-01"), D("2022-04-01"), 2, 50000, 54000, 0),  # two renewals
        (3006, D("2021-01-01"), D("2021-01-01"), 0, 48000, 48000, 0),  # a return to the room: two contracts
        (3007, D("2024-06-01"), D("2024-06-01"), 0, 51000, 51000, 0),
        (3009, D("2024-01-01"), D("2024-01-01"), 0, 50000, 50000, 0),  # the transfer's old room
        (3010, D("2026-02-17"), D("2026-02-17"), 0, 56000, 56000, 1),  # the transfer's new room
        (3011, D("2024-01-01"), D("2024-01-01"), 0, 50000, 50000, 0),
        (3012, D("2026-03-02"), D("2026-03-02"), 0, 57000, 57000, 0),  # 30 days after a move-out: not a transfer
    ]  # 3008 is cancelled, 3002/3004/3005 are renewals: no rows


def test_a_room_transfer_is_flagged_on_both_sides_and_is_not_churn(gold):
    moveouts = rows(gold, "SELECT moving_id, is_transfer FROM gold.moveouts WHERE apartment_id = 6 ORDER BY 1")
    assert moveouts == [(3009, 1), (3011, 0)]
    notices = rows(gold, "SELECT moving_id, notice_status, is_transfer FROM gold.moveout_notices ORDER BY 1")
    assert [n for n in notices if n[0] > 3000] == [(3009, "completed", 1), (3011, "completed", 0)]
    analysis = rows(gold, "SELECT moving_id FROM gold.moveout_analysis ORDER BY 1")
    assert [m for (m,) in analysis] == [1013, 1018, 3011]


def test_moveout_summary_breaks_down_by_reason_and_adds_up_per_bucket_type(gold):
    totals = rows(gold, "SELECT bucket_type, SUM(moveouts) FROM gold.moveout_summary GROUP BY 1 ORDER BY 1")
    assert [(k, int(n)) for k, n in totals] == [("age", 3), ("reason", 3), ("rent", 3), ("tenure", 3)]
    reasons = rows(
        gold,
        "SELECT moveout_month, bucket, bucket_label_ja, bucket_label_en, moveouts FROM gold.moveout_summary "
        "WHERE bucket_type = 'reason' ORDER BY moveout_month",
    )
    assert reasons == [
        (dt.date(2021, 1, 1), "0_unknown", "不明", "Unknown", 1),
        (dt.date(2026, 1, 1), "r002", "帰国", "Returning Home", 1),  # 3011; 3009 (reason 1) is a transfer
        (dt.date(2026, 2, 1), "0_unknown", "不明", "Unknown", 1),
    ]


def test_property_metrics_per_date_and_property(gold):
    got = {
        (r[0], r[1]): r[2:]
        for r in rows(
            gold,
            "SELECT snapshot_date, apartment_id, total_rooms, occupied_rooms, occupancy_rate, new_moveins, "
            "new_moveouts, pending_moveout_notices, apartment_name_en FROM gold.property_daily_metrics",
        )
    }
    assert {d for d, _ in got} == {D(FIRST), D(BATCH)}
    assert got[(D(FIRST), 1)][0] == 4 and got[(D(BATCH), 1)][0] == 5  # room 15 added between the two dates
    # property 5: its one room is empty (1018 moved out long ago)
    assert got[(D(BATCH), 5)][:3] == (1, 0, 0)
    assert got[(D(BATCH), 6)][:2] == (8, 4)  # 61, 62, 63, 66 are occupied; 68 is only contracted
    assert got[(D(BATCH), 6)][6] == "House 6"
    assert got[(D(BATCH), 2)][3] == 1  # 1011 moves in on 03-01
    assert got[(D(BATCH), 1)][5] == 1  # 1001: notice received, moving out 03-20


def test_property_metrics_add_up_to_the_occupancy_kpis(gold):
    sums = rows(
        gold,
        "SELECT snapshot_date, SUM(occupied_rooms), SUM(total_rooms), SUM(new_moveins), SUM(new_moveouts) "
        "FROM gold.property_daily_metrics GROUP BY snapshot_date ORDER BY snapshot_date",
    )
    kpis = rows(
        gold,
        "SELECT snapshot_date, period_end_rooms, total_rooms, new_moveins, new_moveouts "
        "FROM gold.occupancy_daily_metrics WHERE is_projection = 0 ORDER BY snapshot_date",
    )
    assert [tuple(int(v) if not isinstance(v, dt.date) else v for v in r) for r in sums] == [tuple(r) for r in kpis]
    assert len(kpis) == 2


def test_property_metrics_rerun_rewrites_the_window_only(gold, dbt):
    before = rows(gold, "SELECT * FROM gold.property_daily_metrics ORDER BY snapshot_date, apartment_id")
    result = dbt.run("run", "--select", "property_daily_metrics", vars={"batch_date": BATCH, "lookback_days": 1})
    assert result.failed() == {}, result.tail()
    after = rows(gold, "SELECT * FROM gold.property_daily_metrics ORDER BY snapshot_date, apartment_id")
    assert after == before  # 02-27 kept (before the window), 03-01 rebuilt the same


def test_the_week_tests_mart_queries_read_these_marts(gold):
    """harness.daily_week.read_marts (what the whole-DAG week test records after each day) on the hand-made cases."""
    from harness import daily_week

    marts = daily_week.read_marts(gold)
    assert 3009 in marts.transfer_moveouts and 3011 not in marts.transfer_moveouts
    assert 3009 in marts.transfer_notices and 3010 in marts.transfer_arrivals
    (total,) = rows(gold, "SELECT COUNT(*) FROM gold.new_contracts")[0]
    assert sum(marts.new_contracts_by_month.values()) == total
    by_month = rows(
        gold, "SELECT COUNT(*) FROM gold.new_contracts WHERE contract_date BETWEEN '2023-01-01' AND '2023-01-31'"
    )
    assert marts.new_contracts_by_month["2023-01"] == by_month[0][0]  # 3001, signed 2023-01-10
    assert marts.property_sums == daily_week.kpi_sums(daily_week.read_metrics(gold))
    assert set(marts.property_sums) == {D(FIRST), D(BATCH)}
