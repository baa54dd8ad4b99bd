"""A simulated week: the files, their loading with the plain client, determinism, dirty values, and the truth."""

from __future__ import annotations

import json
from datetime import timedelta

from sim_support import SEED, SMALL_SCALE, START

from tokyobeta_etl.data_contract import DUMP_FILES
from tokyobeta_sim import DirectorySink, simulate

STEMS = tuple(DUMP_FILES)


def _days(results):
    return [r.date for r in results]


def test_seven_days_write_28_dumps_and_7_truth_files(small_week):
    out, results = small_week
    assert _days(results) == [START + timedelta(days=i) for i in range(7)]
    dumps = sorted(p.name for p in out.glob("*.sql"))
    assert len(dumps) == 28
    assert dumps == sorted(f"{stem}_{d:%Y%m%d}.sql" for stem in STEMS for d in _days(results))
    assert len(list(out.glob("truth_*.json"))) == 7
    for result in results:
        assert len(result.files) == 5
        on_disk = json.loads((out / f"truth_{result.date:%Y%m%d}.json").read_text())
        assert on_disk == result.truth


def test_every_dump_loads_into_an_empty_database_with_the_plain_client(small_week, scratch):
    out, results = small_week
    for result in results:
        db = scratch.create()
        for stem in STEMS:
            scratch.load(db, out / f"{stem}_{result.date:%Y%m%d}.sql")
        for table, expected in result.truth["row_counts"].items():
            assert scratch.query(db, f"SELECT COUNT(*) FROM {table}")[0][0] == expected, (result.date, table)


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(small_week, tmp_path):
    out, _ = small_week
    again, other = tmp_path / "again", tmp_path / "other"
    list(simulate(START, 2, sink=DirectorySink(again), seed=SEED, scale=SMALL_SCALE))
    list(simulate(START, 2, sink=DirectorySink(other), seed=SEED + 1, scale=SMALL_SCALE))
    for path in sorted(again.iterdir()):
        assert path.read_bytes() == (out / path.name).read_bytes(), path.name
    for stem in STEMS:
        name = f"{stem}_{START:%Y%m%d}.sql"
        assert (other / name).read_bytes() != (out / name).read_bytes(), name


# The test's own oracle for CONTRACT.md sections 5-6, written independently of the simulator's truth code.
SNAPSHOT = """
    SELECT t.id, t.status, m.apartment_id, m.room_id, m.movein_date, m.moveout_plans_date
    FROM tenants t JOIN movings m ON m.id = t.moving_id
    WHERE t.status IN (4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15) AND m.cancel_flag = 0 AND m.is_moveout = 0
"""


def _oracle(scratch, db, day):
    rows = scratch.query(db, SNAPSHOT)
    present = {7, 9, 10, 11, 12, 13, 14, 15}
    return {
        "snapshot_rows": len(rows),
        "occupied_rooms": len({(r[2], r[3]) for r in rows if r[1] in present}),
        "new_moveins": len({(r[2], r[3]) for r in rows if r[1] in {4, 5, 6, 7, 9} and r[4] == day}),
        "new_moveouts": len({(r[2], r[3]) for r in rows if r[5] == day}),
        "total_rooms": scratch.query(db, "SELECT COUNT(*) FROM rooms")[0][0],
    }


def test_truth_agrees_with_sql_over_the_loaded_dumps(small_week, scratch):
    out, results = small_week
    previous_db = None
    busy_days = 0
    for result in results:
        db = scratch.create()
        for stem in STEMS:
            scratch.load(db, out / f"{stem}_{result.date:%Y%m%d}.sql")
        expected = _oracle(scratch, db, result.date)
        assert {k: result.truth[k] for k in expected} == expected, result.date
        if previous_db is None:
            assert result.truth["applications"] == 0  # nothing to compare with on the first day
        else:
            (applications,) = scratch.query(
                db,
                f"SELECT COUNT(*) FROM tenants t LEFT JOIN `{previous_db}`.tenants p ON p.id = t.id "
                "WHERE t.status IN (4, 5) AND (p.id IS NULL OR p.status NOT IN (4, 5))",
            )[0]
            assert result.truth["applications"] == applications == result.truth["events"]["applications"]
        assert result.truth["new_moveins"] == result.truth["events"]["moveins"]
        assert result.truth["new_moveouts"] == result.truth["events"]["moveouts"]
        busy_days += result.truth["new_moveins"] + result.truth["new_moveouts"] > 0
        previous_db = db
    assert busy_days >= 3  # the comparison is not vacuous


def test_dirty_values_and_extra_columns_are_present(small_week, scratch):
    out, results = small_week
    db = scratch.create()
    for stem in STEMS:
        scratch.load(db, out / f"{stem}_{results[-1].date:%Y%m%d}.sql")

    def count(sql: str) -> int:
        return scratch.query(db, sql)[0][0]

    for text in ("NULL", "null", "--", ""):
        assert count(f"SELECT COUNT(*) FROM tenants WHERE BINARY full_name = '{text}'") > 0, text
        assert count(f"SELECT COUNT(*) FROM tenants WHERE BINARY affiliation = '{text}'") > 0, text
    assert count("SELECT COUNT(*) FROM tenants WHERE nationality = 'レソト'") > 0
    assert count("SELECT COUNT(*) FROM movings WHERE movein_decided_date = '0000-00-00 00:00:00'") > 0
    assert count("SELECT COUNT(*) FROM movings WHERE original_movein_date = '0000-00-00'") > 0
    assert count("SELECT COUNT(*) FROM movings WHERE rent_start_date = '0000-00-00'") > 0
    assert count("SELECT COUNT(*) FROM tenants WHERE birth_date = '0000-00-00'") > 0
    assert (
        count(
            "SELECT COUNT(*) FROM apartments WHERE latitude NOT BETWEEN 35.0 AND 36.0 "
            "OR longitude NOT BETWEEN 139.0 AND 140.5"
        )
        > 0
    )
    orphans = (
        "SELECT m.id FROM movings m LEFT JOIN tenants t ON t.id = m.tenant_id LEFT JOIN rooms r ON r.id = m.room_id "
        "LEFT JOIN apartments a ON a.id = m.apartment_id WHERE t.id IS NULL OR r.id IS NULL OR a.id IS NULL"
    )
    assert count(f"SELECT COUNT(*) FROM ({orphans}) o") >= 2
    assert count(f"SELECT COUNT(*) FROM tenants WHERE moving_id IN ({orphans})") == 0  # noise never changes truth
    assert count("SELECT COUNT(*) FROM tenants WHERE full_name LIKE '%\u3000%'") > 0  # kanji names, full-width space
    assert count("SELECT COUNT(*) FROM apartments WHERE apartment_name LIKE 'ゲストハウス%'") > 0
    assert count("SELECT COUNT(DISTINCT prefecture) FROM apartments") >= 2
    # columns the source has beyond the contract
    assert count("SELECT COUNT(*) FROM movings WHERE memo IS NOT NULL") > 0
    assert count("SELECT COUNT(*) FROM tenants WHERE email LIKE '%@example.jp'") > 0
    # both tenant types through moving_agreement_type (code_contract_type.tenant_type)
    assert count("SELECT COUNT(*) FROM movings WHERE moving_agreement_type IN (2, 3)") > 0
    assert count("SELECT COUNT(*) FROM movings WHERE moving_agreement_type IN (1, 6, 7, 9)") > 0


def test_truth_contracts_and_transfers_agree_with_the_loaded_dumps(small_week, scratch):
    """The section 8 truth on the last day's dumps: contract starts per month (a zero or missing signing date falls
    back to the move-in date), and each completed transfer's two movings as the dumps show them."""
    out, results = small_week
    last = results[-1]
    db = scratch.create()
    for stem in STEMS:
        scratch.load(db, out / f"{stem}_{last.date:%Y%m%d}.sql")
    months = scratch.query(
        db,
        "SELECT DATE_FORMAT(CASE WHEN movein_decided_date IS NULL OR CAST(movein_decided_date AS CHAR) LIKE '0000%' "
        "THEN movein_date ELSE DATE(movein_decided_date) END, '%Y-%m') AS month, COUNT(*) FROM movings "
        "WHERE cancel_flag = 0 AND move_renew_flag = 0 GROUP BY month ORDER BY month",
    )
    assert last.truth["new_contracts_by_month"] == {m: n for m, n in months}
    (renewals,) = scratch.query(db, "SELECT COUNT(*) FROM movings WHERE move_renew_flag = 1 AND cancel_flag = 0")[0]
    assert renewals > 0, "renewals should be there to leave out"
    transfers = last.truth["room_transfers"]
    assert last.truth["transfers_completed"] == len(transfers) >= 1
    for t in transfers:
        old = scratch.query(
            db,
            "SELECT tenant_id, apartment_id, room_id, DATE_FORMAT(moveout_plans_date, '%Y-%m-%d'), is_moveout, "
            f"cancel_flag FROM movings WHERE id = {t['moveout_moving_id']}",
        )
        new = scratch.query(
            db,
            "SELECT tenant_id, apartment_id, room_id, DATE_FORMAT(movein_date, '%Y-%m-%d'), move_renew_flag, "
            f"cancel_flag FROM movings WHERE id = {t['new_moving_id']}",
        )
        assert old == [(t["tenant_id"], *t["from"], t["moveout_date"], 1, 0)], t
        assert new == [(t["tenant_id"], *t["to"], t["moveout_date"], 0, 0)], t
        assert t["from"] != t["to"] and t["moveout_date"] < last.truth["date"]
