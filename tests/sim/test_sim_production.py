"""One production-scale day: volumes, loading with the plain client, byte compatibility of multi-statement dumps."""

from __future__ import annotations

import time

import pytest
from sim_support import SEED, START, redump_and_compare

from tokyobeta_etl.data_contract import DUMP_FILES
from tokyobeta_sim import DirectorySink, DumpOptions, Simulator, file_name


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    out = tmp_path_factory.mktemp("sim-prod")
    started = time.perf_counter()
    sim = Simulator(START, seed=SEED, scale=1.0)
    sink = DirectorySink(out)
    for stem in DUMP_FILES:
        sink.put(file_name(stem, sim.today, DumpOptions()), sim.dump(stem))
    return sim, out, time.perf_counter() - started


def test_production_day_has_production_volumes(production, scratch):
    sim, out, seconds = production
    assert seconds < 20, f"a production-scale day took {seconds:.1f}s"  # ~3 s on a laptop; generous for CI
    db = scratch.create()
    for stem in DUMP_FILES:
        scratch.load(db, out / file_name(stem, sim.today, DumpOptions()))

    def count(sql: str) -> int:
        return scratch.query(db, sql)[0][0]

    assert 650 <= count("SELECT COUNT(*) FROM apartments") <= 750
    assert 15_500 <= count("SELECT COUNT(*) FROM rooms") <= 16_700
    assert 23_000 <= count("SELECT COUNT(*) FROM movings") <= 27_000
    assert 11_000 <= count("SELECT COUNT(*) FROM tenants WHERE status BETWEEN 4 AND 15") <= 13_000
    occupied = count(
        "SELECT COUNT(DISTINCT m.apartment_id, m.room_id) FROM tenants t JOIN movings m ON m.id = t.moving_id "
        "WHERE t.status IN (7, 9, 10, 11, 12, 13, 14, 15) AND m.cancel_flag = 0 AND m.is_moveout = 0"
    )
    assert occupied == sim.truth()["occupied_rooms"]
    assert 10_500 <= occupied <= 12_000
    assert count("SELECT COUNT(*) FROM inquiries") > 20_000
    for stem in DUMP_FILES:
        assert (out / file_name(stem, sim.today, DumpOptions())).read_bytes().count(b"\nINSERT INTO ") >= 2, stem


def test_production_dumps_split_inserts_exactly_like_mariadb_dump(production, scratch):
    sim, _, _ = production
    for stem in ("movings", "rooms"):
        redump_and_compare(scratch, sim, stem, DumpOptions())
