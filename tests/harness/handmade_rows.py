"""Hand-made staging rows for the layer-rule tests (tests/dbt): a few properties, rooms, tenants and contracts, each
row there to exercise one cleaning or business rule (the comments say which), plus a short snapshot history.

`load(server)` empties the warehouse and writes them straight into the published staging tables (the contract's
placeholder DDL, as create_schemas makes them) with zero dates allowed, as old source rows carry them.
"""

from __future__ import annotations

import datetime as dt

from .dbt_runner import empty_warehouse

BATCH = "2026-03-01"
D = dt.date.fromisoformat

APARTMENTS = [
    # id, unique_number, name, name_en, prefecture, municipality, address, zip, lat, lon, room_count
    (1, "A-001", "テストハウス高円寺", "Test House", "東京都", "杉並区", "高円寺南1-1", "166-0003", 35.705, 139.649, 4),
    (2, "NULL", "ハウス2", "--", "東京都", "", "null", "", 34.5, 139.7, 2),  # latitude outside the box
    (3, " -- ", "ハウス3", None, "東京都", None, None, None, 35.7, 141.0, 1),  # longitude outside
    (4, "A-004", "ハウス4", "Nullarbor House", "東京都", None, None, None, None, 139.7, 1),  # latitude missing
    (5, "A-005", "ハウス5", "House 5", "東京都", None, None, None, 35.0, 140.5, 1),  # on the box's corner: inside
]
ROOMS = [
    # id, apartment_id, room_number, created_at
    (11, 1, "101", "2020-01-01 00:00:00"),
    (12, 1, "102", "2020-01-01 00:00:00"),
    (13, 1, "103", "2020-01-01 00:00:00"),
    (14, 1, "104", "0000-00-00 00:00:00"),  # zero datetime
    (21, 2, "201", "2020-01-01 00:00:00"),
    (22, 2, "202", "2020-01-01 00:00:00"),
    (31, 3, "NULL", "2020-01-01 00:00:00"),
    (41, 4, "401", "2020-01-01 00:00:00"),
    (51, 5, "501", "2020-01-01 00:00:00"),
]
# id, status, moving_id, legacy contract_type, full_name, birth_date, nationality, personal_identity, affiliation
TENANTS = [
    (101, 9, 1001, 2, "NULL", "0000-00-00", "レソト", "8", "null"),
    (102, 7, 1002, 0, "--", "1990-05-01", "日本", " 3 ", ""),
    (103, 14, 1003, 0, "", "1991-01-01", "れそと", "abc", "  "),
    (104, 9, 1004, 1, "山田 太郎", "1992-02-02", None, "1", "Nullsoft"),
    (105, 10, 1005, 1, "null ", "1993-03-03", "ベトナム", "2", "--"),
    (106, 10, 1006, 1, "佐藤 花子", "1994-04-04", "日本", "2", "東京大学"),
    (107, 11, 1007, 1, "T107", "1995-05-05", "日本", "6", None),
    (108, 11, 1008, 1, "T108", "1995-05-05", "日本", "6", None),
    (109, 4, 1009, 1, "T109", None, "日本", "1", None),
    (110, 5, 1010, 1, "T110", None, "日本", "1", None),
    (111, 6, 1011, 1, "T111", None, "日本", "1", None),
    (112, 9, 1012, 1, "T112", None, "日本", "1", None),  # contract cancelled
    (113, 15, 1013, 1, "T113", None, "日本", "1", None),  # contract moved out
    (114, 8, 1014, 1, "T114", None, "日本", "1", None),  # status 8: not in the snapshot set
    (115, 12, 1015, 1, "T115", None, "日本", "1", None),  # move-in date is a zero date
    (116, 12, 1016, 1, "T116", None, "日本", "1", None),
    (117, 13, 1017, 2, "T117", None, "日本", "1", None),  # agreement type NULL
    (118, 9, None, 1, "T118", None, "日本", "1", None),  # no current contract
    (119, 9, 9999, 1, "T119", None, "日本", "1", None),  # current contract missing from movings
    (120, 17, 1018, 1, "T120", None, "日本", "1", None),  # agreement type not in the code table
]
# id, tenant_id, apartment_id, room_id, agreement, decided, movein, moveout_date (final rent), plans, integrated,
# cancel_flag, is_moveout
MOVINGS = [
    (1001, 101, 1, 11, 1, "2024-12-01 10:00:00", "2025-01-01", "2026-03-31", "2026-03-15", "2026-03-20", 0, 0),
    (1002, 102, 1, 11, 2, "2026-01-10 10:00:00", "2026-02-01", "2026-04-30", "2026-04-10", None, 0, 0),
    (1003, 103, 1, 12, 3, "2025-04-01 10:00:00", "2025-05-01", "2026-05-31", None, "0000-00-00", 0, 0),
    (1004, 104, 1, 12, 7, "0000-00-00 00:00:00", "2024-01-01", None, None, None, 0, 0),
    (990, 104, 1, 12, 7, None, "2022-01-01", None, None, None, 0, 0),  # an older version of 104's contract
    (991, 104, 1, 12, 7, None, "2024-01-01", None, None, None, 0, 0),  # same movein_date as 1004: higher id wins
    (1005, 105, 1, 13, 4, None, "2025-03-01", None, None, None, 0, 0),
    (1006, 106, 1, 13, 6, None, "2025-06-01", None, None, None, 0, 0),
    (1007, 107, 1, 14, 9, None, "2025-04-01", None, None, None, 0, 0),
    (1008, 108, 1, 14, 1, None, "2025-04-01", None, None, None, 0, 0),
    (1009, 109, 2, 21, 1, None, "2026-03-10", None, None, None, 0, 0),
    (1010, 110, 2, 21, 1, None, "2026-03-11", None, None, None, 0, 0),
    (1011, 111, 2, 21, 1, None, "2026-03-01", None, None, None, 0, 0),
    (1012, 112, 2, 22, 1, None, "2026-02-01", None, None, None, 1, 0),
    (1013, 113, 2, 22, 1, None, "2025-02-01", "2026-02-28", "2026-02-28", None, 0, 1),
    (1014, 114, 2, 22, 1, None, "2026-02-15", None, None, None, 0, 0),
    (1015, 115, 3, 31, 1, None, "0000-00-00", None, None, None, 0, 0),
    (1016, 116, 3, 31, 1, None, "2025-01-01", None, None, None, 0, 0),
    (1017, 117, 4, 41, None, None, "2025-01-01", None, None, None, 0, 0),
    (1018, 120, 5, 51, 99, None, "2020-01-01", "2021-01-31", "2021-01-31", "2021-01-31", 0, 1),
    (2001, 0, 1, 9999, 1, None, "2026-01-01", None, None, None, 0, 0),  # orphan: no tenant, no room
    (2002, 999, 77, 11, 2, None, "2026-01-01", None, None, None, 0, 0),  # orphan: no tenant, no apartment
]
# tenant_id, snapshot_date, status, contract_type
SNAPSHOTS = [
    (101, "2026-02-01", 4, 0),
    (101, "2026-02-02", 4, 0),
    (101, "2026-02-03", 5, 0),
    (101, "2026-02-05", 5, 0),  # no snapshot on 02-04: the period just goes on
    (101, "2026-02-06", 9, 0),
    (101, "2026-02-07", 9, 1),  # contract_type alone changes: a new period
    (102, "2026-02-01", 9, 0),
    (102, "2026-02-02", 14, 0),
    (102, "2026-02-03", 9, 0),  # back to an earlier status: a new period, not a merge
    (103, "2026-02-01", 9, None),
    (103, "2026-02-02", 9, None),  # NULL contract_type compares equal to NULL
    (104, "2026-02-05", 7, 1),  # first seen later than the others
]


def load(server) -> None:
    empty_warehouse(server)
    stmts = ["SET SESSION sql_mode = ''"]
    stmts += [
        "INSERT INTO staging.apartments (id, unique_number, apartment_name, apartment_name_en, prefecture, "
        "municipality, address, zip_code, latitude, longitude, room_count, created_at, updated_at) VALUES "
        + ", ".join(_values(a + ("2020-01-01 00:00:00", "2026-02-28 10:00:00")) for a in APARTMENTS)
    ]
    stmts += [
        "INSERT INTO staging.rooms (id, apartment_id, room_number, rent, capacity, gender_type, created_at, "
        "updated_at) VALUES "
        + ", ".join(_values((r[0], r[1], r[2], 60000, 1, 2, r[3], "2026-02-28 10:00:00")) for r in ROOMS)
    ]
    stmts += [
        "INSERT INTO staging.tenants (id, status, moving_id, contract_type, full_name, birth_date, nationality, "
        "personal_identity, affiliation, gender_type, created_at, updated_at) VALUES "
        + ", ".join(_values(t + (1, "2020-01-01 00:00:00", "2026-02-28 10:00:00")) for t in TENANTS)
    ]
    stmts += [
        "INSERT INTO staging.movings (id, tenant_id, apartment_id, room_id, moving_agreement_type, "
        "movein_decided_date, movein_date, moveout_date, moveout_plans_date, moveout_date_integrated, cancel_flag, "
        "is_moveout, rent, created_at, updated_at) VALUES "
        + ", ".join(_values(m + (55000, "2020-01-01 00:00:00", "2026-02-28 10:00:00")) for m in MOVINGS)
    ]
    stmts += [
        "INSERT INTO staging.inquiries (id, tenant_id, channel, created_at, updated_at) VALUES "
        "(1, 101, 'NULL', '2026-01-01 10:00:00', '2026-01-01 10:00:00'), "
        "(2, NULL, 'web', '2026-01-02 10:00:00', '0000-00-00 00:00:00')"
    ]
    stmts += [
        "INSERT INTO staging.tenant_daily_snapshots (tenant_id, snapshot_date, status, contract_type, moving_id) "
        "VALUES " + ", ".join(_values(s + (None,)) for s in SNAPSHOTS)
    ]
    server.execute(*stmts)


def _values(row: tuple) -> str:
    def lit(v):
        if v is None:
            return "NULL"
        if isinstance(v, int | float):
            return repr(v)
        return "'" + str(v).replace("\\", "\\\\").replace("'", "''") + "'"

    return "(" + ", ".join(lit(v) for v in row) + ")"
