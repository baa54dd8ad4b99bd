"""Byte compatibility with the real `mariadb-dump`: load a simulated day, re-dump it, compare.

Only the header's client/host/server-version comment lines and the trailer date line may differ.
"""

from __future__ import annotations

import gzip

import pytest
from sim_support import SEED, SMALL_SCALE, START, redump_and_compare

from tokyobeta_etl.data_contract import DUMP_FILES
from tokyobeta_sim import DirectorySink, DumpOptions, Simulator, simulate
from tokyobeta_sim.dumpformat import completed_stamp
from tokyobeta_sim.model import ZERO_DATE, decimal_text, sql_literal

MODES = {
    "default": DumpOptions(),
    "compact": DumpOptions(compact=True),
    "skip-extended-insert": DumpOptions(extended_insert=False),
    "complete-insert": DumpOptions(complete_insert=True),
    "complete-insert+skip-extended-insert": DumpOptions(complete_insert=True, extended_insert=False),
    "compact+complete-insert": DumpOptions(compact=True, complete_insert=True),
    "databases": DumpOptions(databases=True),
    "databases+compact": DumpOptions(databases=True, compact=True),
    # a small buffer exercises the extended-INSERT split on every table at test scale
    "net-buffer-length=16384": DumpOptions(net_buffer_length=16384),
}


@pytest.fixture(scope="module")
def sim():
    simulator = Simulator(START, seed=SEED, scale=SMALL_SCALE)
    simulator.advance()  # a day with changes on top of the initial population
    return simulator


@pytest.mark.parametrize("mode", list(MODES))
def test_dump_is_byte_identical_to_mariadb_dump(sim, scratch, mode):
    for stem in DUMP_FILES:
        redump_and_compare(scratch, sim, stem, MODES[mode])


def test_trailer_carries_the_fixed_0530_dump_time(sim):
    data = sim.dump("rooms")
    assert data.endswith(f"\n-- Dump completed on {sim.today:%Y-%m-%d}  5:30:00\n".encode())
    assert completed_stamp(sim.state.apartments[0].created_at.replace(hour=14, minute=3, second=9)).endswith(
        " 14:03:09"
    )
    assert sim.dump("rooms", DumpOptions(compact=True)).startswith(b"/*M!999999\\- enable the sandbox mode */ \n")
    assert b"-- Dump completed" not in sim.dump("rooms", DumpOptions(compact=True))


def test_gzip_mode_writes_loadable_sql_gz(tmp_path, scratch):
    plain, zipped = tmp_path / "plain", tmp_path / "zipped"
    list(simulate(START, 1, sink=DirectorySink(plain), seed=SEED, scale=0.02))
    list(simulate(START, 1, sink=DirectorySink(zipped), seed=SEED, scale=0.02, options=DumpOptions(gzip=True)))
    names = sorted(p.name for p in zipped.glob("*.sql.gz"))
    assert names == sorted(f"{stem}_{START:%Y%m%d}.sql.gz" for stem in DUMP_FILES)
    db = scratch.create()
    for name in names:
        packed = (zipped / name).read_bytes()
        assert gzip.decompress(packed) == (plain / name.removesuffix(".gz")).read_bytes()
        scratch.load(db, zipped / name)
    assert scratch.query(db, "SELECT COUNT(*) FROM tenants")[0][0] > 0


def test_values_are_escaped_like_mysql_real_escape_string():
    raw = 'O\'Neil \\ "x"\n\r\0\x1a\tゲストハウス'
    assert sql_literal(raw) == "'O\\'Neil \\\\ \\\"x\\\"\\n\\r\\0\\Z\tゲストハウス'"  # tab and kana as they are
    assert sql_literal(None) == "NULL" and sql_literal("") == "''" and sql_literal(45000) == "45000"
    assert sql_literal(ZERO_DATE) == "'0000-00-00'"
    assert sql_literal(START) == "'2026-02-01'"
    assert sql_literal(decimal_text(-0.0000001, 6)) == "0.000000"
    assert sql_literal(decimal_text(139.5, 6)) == "139.500000"
    with pytest.raises(TypeError):
        sql_literal(1.5)  # floats never reach a dump: decimals are rendered text
