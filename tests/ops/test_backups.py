"""Backups of the full-rebuild silver and gold tables and of gold.occupancy_daily_metrics, one per batch date, and
restoring one through the on-call command (tokyobeta_etl.backups, include/dbt/macros/backups.sql)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from contextlib import closing

import MySQLdb
import pytest

from harness import warehouse as wh
from harness.dbt_runner import PROJECT_DIR, query
from harness.handmade_rows import load
from tokyobeta_etl import backups, oncall
from tokyobeta_etl.data_contract import STAGING_TABLES
from tokyobeta_etl.kpi import compute_occupancy_metrics
from tokyobeta_etl.kpi.sql_files import default_sql_dir
from tokyobeta_etl.loading.generations import batch_tag, parse_tag

D1, D2, D3, D4 = (dt.date(2026, 3, day) for day in (1, 2, 3, 4))
MOVEOUTS = "gold.moveouts"
KPI = "gold.occupancy_daily_metrics"
AT = dt.datetime(2026, 3, 5, 22, 0, 0)


def _backed_up_models() -> dict[str, dict]:
    """The models whose pre-hook keeps backups: the full-rebuild ones and gold's windowed property table."""
    manifest = json.loads((PROJECT_DIR / "target" / "manifest.json").read_text())
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    return {
        f"{n['schema']}.{n['name']}": n
        for n in models
        if any("keep_generations" in hook["sql"] for hook in n["config"]["pre-hook"])
    }


def _publish(server, batch: dt.date) -> None:
    """Tag the published staging tables as the publish step does (the rows stay)."""
    server.execute(*(f"ALTER TABLE staging.{t} COMMENT = '{batch_tag(batch)}'" for t in STAGING_TABLES))


def _stage_past_batch(server, batch: dt.date) -> None:
    """A complete older batch in the load area, as a past-date run finds it (CONTRACT invariant 2)."""
    for t in ("movings", "tenants", "rooms"):
        server.execute(
            f"DROP TABLE IF EXISTS staging_load.{t}",
            f"CREATE TABLE staging_load.{t} LIKE staging.{t}",
            f"INSERT INTO staging_load.{t} SELECT * FROM staging.{t}",
            f"ALTER TABLE staging_load.{t} COMMENT = '{batch_tag(batch)}'",
        )


def _build(dbt, batch: dt.date, *select: str, **extra_vars):
    select = select or ("tag:silver", "tag:gold")
    result = dbt.run("build", "--select", *select, vars={"batch_date": str(batch), **extra_vars})
    assert result.failed() == {}, result.tail()


def _rent_up(server, amount: int) -> None:
    server.execute(f"UPDATE staging.movings SET rent = rent + {amount}")


def _kept(server, qualified: str) -> list[dt.date]:
    schema, table = qualified.split(".")
    with closing(server.connect()) as conn:
        return [b.batch for b in backups.backups_of(conn.cursor(), schema, table)]


def _tag(server, qualified: str) -> dt.date | None:
    schema, table = qualified.split(".")
    with closing(server.connect()) as conn:
        return parse_tag(backups.table_comment(conn.cursor(), schema, table))


def _state(server, qualified: str) -> str:
    schema = qualified.split(".")[0]
    return wh.fingerprint(server, (schema,))[qualified]


def _rents(server, table: str) -> int:
    return query(server, f"SELECT SUM(contract_rent) FROM {table}")[0][0]


@pytest.fixture(scope="module")
def bad_batch(airflow_env, mysql_server, etl_user, dbt):
    """Batch D1 built (good), then batch D2 with other rents (bad) built and cleared three times, then a past-date
    run of D1. What each step left, for the tests to read."""
    load(mysql_server)
    facts = {}
    _publish(mysql_server, D1)
    _build(dbt, D1)
    facts["first"] = {t: (_tag(mysql_server, t), _kept(mysql_server, t)) for t in _backed_up_models()}
    facts["good"] = _state(mysql_server, MOVEOUTS)
    facts["good_rents"] = _rents(mysql_server, MOVEOUTS)
    _rent_up(mysql_server, 1000)
    _publish(mysql_server, D2)
    for _ in range(4):  # the run and three clears
        _build(dbt, D2)
    facts["after_clears"] = {t: (_tag(mysql_server, t), _kept(mysql_server, t)) for t in _backed_up_models()}
    facts["bad"] = _state(mysql_server, MOVEOUTS)
    _stage_past_batch(mysql_server, D1)
    _build(dbt, D1, batch_schema="staging_load")
    facts["after_past"] = {t: (_tag(mysql_server, t), _kept(mysql_server, t)) for t in _backed_up_models()}
    return facts


def test_the_first_build_tags_its_tables_and_keeps_nothing(bad_batch):
    assert len(bad_batch["first"]) == 14  # stg_* (5), int_contracts, tenant_status_history, the gold marts (7)
    for table, (tag, kept) in bad_batch["first"].items():
        assert (tag, kept) == (D1, []), table


def test_clearing_a_bad_batch_three_times_keeps_the_previous_batch(bad_batch, mysql_server):
    for table, (tag, kept) in bad_batch["after_clears"].items():
        assert (tag, kept) == (D2, [D2, D1]), table  # D2's own backup is replaced on every clear, D1's stays
    assert _rents(mysql_server, "ops.bak__gold__moveouts__20260301") == bad_batch["good_rents"]
    assert _rents(mysql_server, "ops.bak__gold__moveouts__20260302") == _rents(mysql_server, MOVEOUTS)
    tables = {t for t, in query(mysql_server, "SELECT table_name FROM information_schema.tables "
                                              "WHERE table_schema = 'ops' AND table_name LIKE 'bak%'")}  # fmt: skip
    assert not {t for t in tables if "snapshot_daily" in t or "room_count" in t}  # incremental: their own history


def test_a_past_date_run_keeps_the_latest_batch_as_the_tables_batch(bad_batch, mysql_server):
    # the full-rebuild models still reflect the published D2 (invariant 2): tagged D2, and D1's backup is untouched
    for table, (tag, kept) in bad_batch["after_past"].items():
        assert (tag, kept) == (D2, [D2, D1]), table
    assert _rents(mysql_server, "ops.bak__gold__moveouts__20260301") == bad_batch["good_rents"]


def test_dbt_and_python_name_and_tag_backups_alike(bad_batch, mysql_server):
    names = [n for n, in query(mysql_server, "SELECT table_name FROM information_schema.tables "
                                             "WHERE table_schema = 'ops' AND table_name LIKE 'bak%'")]  # fmt: skip
    parsed = [backups.parse_backup_name(n) for n in names]
    assert None not in parsed, names  # no scratch copy left behind either
    assert [backups.backup_name(*p) for p in parsed] == names
    assert {f"{s}.{t}" for s, t, _ in parsed} == set(_backed_up_models())
    for schema, table, batch in parsed:  # each backup carries its batch's tag (LIKE copies the comment)
        assert _tag(mysql_server, f"ops.{backups.backup_name(schema, table, batch)}") == batch


def test_every_backed_up_model_is_tagged_and_every_name_fits_mysql():
    models = _backed_up_models()
    for name, node in models.items():
        assert any("keep_generations" in h["sql"] for h in node["config"]["pre-hook"]), name
        assert any("tag_batch" in h["sql"] for h in node["config"]["post-hook"]), name
    longest = max([*models, KPI], key=len)
    schema, table = longest.split(".")
    assert len(backups.backup_name(schema, table, dt.date(2026, 12, 31))) <= backups.MAX_IDENTIFIER
    with pytest.raises(ValueError, match="longer than MySQL's 64"):
        backups.backup_name("gold", "x" * 44, D1)


def test_the_listing_shows_batch_dates_and_the_live_batch(bad_batch, capsys):
    assert oncall.main(["restore-backup"]) == 0
    out = capsys.readouterr().out
    assert "Backups by batch date, newest first" in out
    assert "  gold.moveouts [live: 2026-03-02]\n    2026-03-02  ~" in out
    assert "\n    2026-03-01  ~" in out


def test_restore_by_batch_date_and_undo(bad_batch, mysql_server, capsys):
    assert oncall.main(["restore-backup", "--table", MOVEOUTS, "--batch", "2026-03-01"]) == 0
    out = capsys.readouterr().out
    assert "RESTORED gold.moveouts to batch 2026-03-01: DROP TABLE `ops`.`bak__gold__moveouts__20260302`" in out
    assert "now ops.bak__gold__moveouts__20260302: restore batch 2026-03-02 of gold.moveouts to undo" in out
    assert _state(mysql_server, MOVEOUTS) == bad_batch["good"]  # definition, tag and rows as D1 left them
    assert (_tag(mysql_server, MOVEOUTS), _kept(mysql_server, MOVEOUTS)) == (D1, [D2])  # the bad one, by its batch
    assert oncall.main(["restore-backup", "--table", MOVEOUTS, "--batch", "2026-03-02"]) == 0
    assert "RESTORED gold.moveouts to batch 2026-03-02: RENAME TABLE" in capsys.readouterr().out
    assert _state(mysql_server, MOVEOUTS) == bad_batch["bad"]
    assert (_tag(mysql_server, MOVEOUTS), _kept(mysql_server, MOVEOUTS)) == (D2, [D1])
    # two builds of one batch trade places; the newest kept is the default
    mysql_server.execute("CREATE TABLE ops.bak__gold__moveouts__20260302 LIKE gold.moveouts")
    assert oncall.main(["restore-backup", "--table", MOVEOUTS]) == 0
    assert "RESTORED gold.moveouts to batch 2026-03-02" in capsys.readouterr().out
    assert wh.count(mysql_server, MOVEOUTS) == 0 and _kept(mysql_server, MOVEOUTS) == [D2, D1]
    assert oncall.main(["restore-backup", "--table", MOVEOUTS, "--batch", "2026-03-02"]) == 0
    assert _state(mysql_server, MOVEOUTS) == bad_batch["bad"]


def test_restore_refuses_what_it_cannot_do_honestly(bad_batch, mysql_server, capsys):
    assert oncall.main(["restore-backup", "--table", MOVEOUTS, "--batch", "2026-02-01"]) == 2
    refused = "REFUSED: no backup of gold.moveouts for batch 2026-02-01 in ops (kept: 2026-03-02, 2026-03-01)"
    assert refused in capsys.readouterr().out
    assert oncall.main(["restore-backup", "--table", "staging.movings"]) == 2
    assert "name a silver or gold table" in capsys.readouterr().out
    before = _state(mysql_server, MOVEOUTS)
    mysql_server.execute("ALTER TABLE gold.moveouts COMMENT = ''")
    try:
        assert oncall.main(["restore-backup", "--table", MOVEOUTS]) == 2
        assert "gold.moveouts carries no batch tag" in capsys.readouterr().out
    finally:
        mysql_server.execute(f"ALTER TABLE gold.moveouts COMMENT = '{batch_tag(D2)}'")
    assert _state(mysql_server, MOVEOUTS) == before


def test_a_new_batch_adds_a_backup_and_the_oldest_beyond_n_goes(airflow_env, mysql_server, etl_user, dbt):
    load(mysql_server)  # empties ops too
    for batch in (D1, D2, D3, D4):
        _publish(mysql_server, batch)
        _build(dbt, batch, backup_generations=2)
    assert _kept(mysql_server, MOVEOUTS) == [D3, D2] and _tag(mysql_server, MOVEOUTS) == D4
    _build(dbt, D4, backup_generations=0)
    assert _kept(mysql_server, MOVEOUTS) == [] and _tag(mysql_server, MOVEOUTS) == D4
    assert query(mysql_server, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'ops' "
                               "AND table_name LIKE 'bak%'") == [(0,)]  # fmt: skip
    result = dbt.run("build", "--select", "moveouts", vars={"batch_date": str(D4), "backup_generations": "three"},
                     check=False)  # fmt: skip
    assert "backup_generations (Variable tokyobeta_backup_generations) must be a whole number" in result.stdout


def _kpi(mysql_server, etl_user, batch: dt.date, **kwargs) -> dict:
    with closing(mysql_server.connect(user=etl_user.user, password=etl_user.password)) as conn:
        return compute_occupancy_metrics(conn, batch, 3, 90, AT, **kwargs)


def test_the_kpi_table_is_kept_by_batch_and_restored(airflow_env, mysql_server, etl_user, dbt, monkeypatch, capsys):
    load(mysql_server)
    _publish(mysql_server, D1)
    dbt.build_silver(D1)
    for _ in range(3):
        _kpi(mysql_server, etl_user, D1, backup_generations=3)
    assert (_tag(mysql_server, KPI), _kept(mysql_server, KPI)) == (D1, [D1])
    d1_rows = _state(mysql_server, KPI)
    _publish(mysql_server, D2)
    dbt.build_silver(D2)
    for _ in range(4):  # the run and three clears
        _kpi(mysql_server, etl_user, D2, backup_generations=3)
    assert (_tag(mysql_server, KPI), _kept(mysql_server, KPI)) == (D2, [D2, D1])
    d2_rows = _state(mysql_server, KPI)
    # a past date re-run leaves the table as of the latest batch (invariant 2): so says its tag
    _kpi(mysql_server, etl_user, D1, backup_generations=3)
    assert (_tag(mysql_server, KPI), _kept(mysql_server, KPI)) == (D2, [D2, D1])
    assert _state(mysql_server, KPI) == d2_rows
    # restore D1's table whole, and undo
    assert oncall.main(["restore-backup", "--table", KPI, "--batch", "2026-03-01"]) == 0
    assert "RESTORED gold.occupancy_daily_metrics to batch 2026-03-01" in capsys.readouterr().out
    assert _state(mysql_server, KPI) == d1_rows
    assert oncall.main(["restore-backup", "--table", KPI, "--batch", "2026-03-02"]) == 0
    assert _state(mysql_server, KPI) == d2_rows
    # the number kept comes from the Variable
    monkeypatch.setenv("AIRFLOW_VAR_TOKYOBETA_BACKUP_GENERATIONS", "1")
    _kpi(mysql_server, etl_user, D2)
    assert _kept(mysql_server, KPI) == [D2]


def test_a_failed_kpi_run_leaves_its_table_tag_and_backups_as_they_were(airflow_env, mysql_server, etl_user, dbt,
                                                                        tmp_path):  # fmt: skip
    load(mysql_server)
    _publish(mysql_server, D1)
    dbt.build_silver(D1)
    _kpi(mysql_server, etl_user, D1, backup_generations=3)
    before = _state(mysql_server, KPI)
    broken = tmp_path / "kpi"
    shutil.copytree(default_sql_dir(), broken)
    path = broken / "occupancy_insert_projections.sql"
    path.write_text(path.read_text().replace("FROM chained AS c", "FROM silver.no_such_table AS c"))
    with pytest.raises(MySQLdb.ProgrammingError, match="no_such_table"):
        _kpi(mysql_server, etl_user, D1, backup_generations=3, sql_dir=broken)
    assert _state(mysql_server, KPI) == before  # rows and tag
    assert _kept(mysql_server, KPI) == [D1]  # the copy taken before the rewrite holds the same rows


def test_generations_to_keep_refuses_a_bad_variable(airflow_env, monkeypatch):
    monkeypatch.setenv("AIRFLOW_VAR_TOKYOBETA_BACKUP_GENERATIONS", "-1")
    with pytest.raises(ValueError, match="must be a whole number >= 0, got '-1'"):
        backups.generations_to_keep()


def test_backup_names_round_trip_and_nothing_else_parses():
    name = backups.backup_name("gold", "moveout_summary", D2)
    assert name == "bak__gold__moveout_summary__20260302"
    assert backups.parse_backup_name(name) == ("gold", "moveout_summary", D2)
    for other in ("load_audit", "bak__gold__moveouts__g1", "bak__gold__moveouts__new", "bak__gold__moveouts__swap",
                  "bak__gold__moveouts__20260231"):  # fmt: skip
        assert backups.parse_backup_name(other) is None, other


def test_the_swapped_out_table_is_named_by_the_batch_it_holds():
    ops = "`ops`.`bak__gold__moveouts__"
    assert backups.restore_statements("gold", "moveouts", D1, D2, replaced_kept=False) == (
        f"RENAME TABLE `gold`.`moveouts` TO {ops}20260302`, {ops}20260301` TO `gold`.`moveouts`",
    )
    assert backups.restore_statements("gold", "moveouts", D1, D2, replaced_kept=True)[0] == f"DROP TABLE {ops}20260302`"
    assert backups.restore_statements("gold", "moveouts", D2, D2, replaced_kept=True) == (
        f"RENAME TABLE `gold`.`moveouts` TO {ops}swap`, {ops}20260302` TO `gold`.`moveouts`, "
        f"{ops}swap` TO {ops}20260302`",
    )
    assert backups.restore_statements("gold", "moveouts", D1, None, replaced_kept=False) == (
        f"RENAME TABLE {ops}20260301` TO `gold`.`moveouts`",
    )
