"""Previous generations of the full-rebuild silver and gold tables, and restoring one through the on-call command."""

from __future__ import annotations

from contextlib import closing

import pytest

from harness import warehouse as wh
from harness.dbt_runner import query
from harness.handmade_rows import BATCH, load
from tokyobeta_etl import backups, oncall


def _build(dbt, **extra_vars):
    result = dbt.run("build", "--select", "tag:silver", "tag:gold", vars={"batch_date": BATCH, **extra_vars})
    assert result.failed() == {}, result.tail()


def _rent_up(server, amount: int) -> None:
    server.execute(f"UPDATE staging.movings SET rent = rent + {amount}")


@pytest.fixture
def three_builds(airflow_env, mysql_server, etl_user, dbt):
    """Three builds over staging that changes between them; the gold.moveouts each build left."""
    load(mysql_server)
    states = []
    for step in range(3):
        if step:
            _rent_up(mysql_server, 1000)
        _build(dbt)
        states.append(wh.fingerprint(mysql_server, ("gold",))["gold.moveouts"])
    assert len(set(states)) == 3
    return states


def test_each_build_keeps_the_previous_generations(three_builds, mysql_server):
    with closing(mysql_server.connect()) as conn:
        kept = {(b.schema, b.table, b.generation) for b in backups.list_backups(conn.cursor())}
    assert {("gold", "moveouts", 1), ("gold", "moveouts", 2)} <= kept
    assert ("gold", "moveouts", 3) not in kept  # only two builds replaced a table
    tables = {t for s, t, g in kept}
    assert {"stg_movings", "int_contracts", "tenant_status_history", "new_contracts", "moveout_summary"} <= tables
    assert "tenant_room_snapshot_daily" not in tables  # incremental models keep their own history
    rents = query(mysql_server, "SELECT SUM(contract_rent) FROM ops.bak__gold__moveouts__g1")[0][0]
    assert rents == query(mysql_server, "SELECT SUM(contract_rent) FROM gold.moveouts")[0][0] - 2 * 1000


def test_restore_brings_back_a_generation_and_undoes_itself(three_builds, mysql_server, capsys):
    assert oncall.main(["restore-backup", "--table", "gold.moveouts", "--generation", "2"]) == 0
    assert "RESTORED gold.moveouts from generation g2" in capsys.readouterr().out
    assert wh.fingerprint(mysql_server, ("gold",))["gold.moveouts"] == three_builds[0]
    assert oncall.main(["restore-backup", "--table", "gold.moveouts", "--generation", "2"]) == 0
    assert wh.fingerprint(mysql_server, ("gold",))["gold.moveouts"] == three_builds[2]


def test_retention_is_a_setting_and_zero_keeps_none(airflow_env, mysql_server, etl_user, dbt):
    load(mysql_server)
    # load() emptied every project schema, ops included: nothing is kept yet
    for _ in range(3):
        _build(dbt, backup_generations=1)
    with closing(mysql_server.connect()) as conn:
        kept = {(b.table, b.generation) for b in backups.list_backups(conn.cursor()) if b.schema == "gold"}
    assert ("moveouts", 1) in kept and ("moveouts", 2) not in kept
    mysql_server.execute("DROP TABLE ops.bak__gold__moveouts__g1")
    _build(dbt, backup_generations=0)
    assert query(mysql_server, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = "
                               "'bak__gold__moveouts__g1'") == [(0,)]  # fmt: skip


def test_restore_refuses_what_is_not_kept(airflow_env, mysql_server, capsys):
    assert oncall.main(["restore-backup", "--table", "gold.moveouts", "--generation", "9"]) == 2
    assert "REFUSED: no generation g9 of gold.moveouts" in capsys.readouterr().out
    assert oncall.main(["restore-backup", "--table", "staging.movings"]) == 2
    assert "name a silver or gold table" in capsys.readouterr().out


def test_backup_names_round_trip():
    name = backups.backup_name("gold", "moveout_summary", 2)
    assert backups.parse_backup_name(name) == ("gold", "moveout_summary", 2)
    assert backups.parse_backup_name("load_audit") is None
