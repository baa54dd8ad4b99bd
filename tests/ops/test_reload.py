"""The emergency reload: --check-only changes nothing; a reload of two dumps for the published date publishes them
in one RENAME with the previous tables kept; unsafe requests are refused before anything is loaded."""

from __future__ import annotations

import datetime as dt

import pytest

from harness import warehouse as wh
from harness.dbt_runner import query
from harness.mutate import redump
from harness.runs import daily_dag, run_batch, simulate_to_s3, task_states
from tokyobeta_etl import oncall
from tokyobeta_etl.loading.reload import ReloadRefused, check_reload, publish_statements

DAY = dt.date(2026, 2, 10)


def test_check_reload_refuses_mixed_or_past_generations():
    assert check_reload(DAY, ["movings", "rooms"], DAY) == ["movings", "apartments", "rooms"]
    assert check_reload(DAY, ["movings", "tenants", "rooms", "inquiries"], DAY - dt.timedelta(days=1)) == [
        "movings", "tenants", "apartments", "rooms", "inquiries",
    ]  # fmt: skip
    with pytest.raises(ReloadRefused, match="beside tables of 2026-02-09"):
        check_reload(DAY, ["movings"], DAY - dt.timedelta(days=1))
    with pytest.raises(ReloadRefused, match="older than the published batch"):
        check_reload(DAY - dt.timedelta(days=1), ["movings"], DAY)
    with pytest.raises(ReloadRefused, match="unknown dump"):
        check_reload(DAY, ["payments"], DAY)


def test_publish_is_one_rename_of_exactly_the_reloaded_tables():
    drop, rename = publish_statements(["movings", "tenants"])
    assert drop == "DROP TABLE IF EXISTS `staging_prev`.`movings`, `staging_prev`.`tenants`"
    assert rename == (
        "RENAME TABLE `staging`.`movings` TO `staging_prev`.`movings`, "
        "`staging_load`.`movings` TO `staging`.`movings`, "
        "`staging`.`tenants` TO `staging_prev`.`tenants`, "
        "`staging_load`.`tenants` TO `staging`.`tenants`"
    )


@pytest.fixture
def published_day(airflow_env, warehouse, dump_bucket, s3_client):
    (day,) = simulate_to_s3(s3_client, dump_bucket, DAY, 1)
    run = run_batch(daily_dag(), DAY)
    assert run.state == "success", task_states(run)
    return day


def _replace_dump(server, s3, bucket, stem: str, *mutations: str) -> None:
    key = f"dumps/{stem}_{DAY:%Y%m%d}.sql"
    data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    s3.put_object(Bucket=bucket, Key=key, Body=redump(server, data, stem, *mutations))


def test_check_only_changes_nothing(published_day, warehouse, dump_bucket, s3_client, capsys):
    _replace_dump(warehouse, s3_client, dump_bucket, "movings", "UPDATE movings SET rent = rent + 1")
    before = wh.fingerprint(warehouse, ("staging", "staging_prev", "ops"))
    assert oncall.main(["reload", "--date", "20260210", "--tables", "movings", "--check-only"]) == 0
    assert "CHECK ONLY" in capsys.readouterr().out
    assert wh.fingerprint(warehouse, ("staging", "staging_prev", "ops")) == before


def test_two_dumps_reloaded_for_the_published_date_are_published_together(
    published_day, warehouse, dump_bucket, s3_client, capsys
):
    _replace_dump(warehouse, s3_client, dump_bucket, "movings", "UPDATE movings SET rent = rent + 1")
    _replace_dump(warehouse, s3_client, dump_bucket, "tenants", "UPDATE tenants SET updated_at = '2026-02-10 05:00:00'")
    before = wh.fingerprint(warehouse, ("staging",))
    rent_before = query(warehouse, "SELECT SUM(rent) FROM staging.movings")[0][0]
    assert oncall.main(["reload", "--date", "20260210", "--tables", "movings", "tenants"]) == 0
    out = capsys.readouterr().out
    assert "PUBLISHED into staging in one RENAME: movings, tenants" in out
    after = wh.fingerprint(warehouse, ("staging",))
    changed = {t for t in after if after[t] != before[t]}
    assert changed == {"staging.movings", "staging.tenants"}
    movings = published_day.truth["row_counts"]["movings"]
    assert query(warehouse, "SELECT SUM(rent) FROM staging.movings")[0][0] == rent_before + movings
    # the replaced generation is kept; the reloaded tables carry the date's batch tag like every other table
    assert query(warehouse, "SELECT SUM(rent) FROM staging_prev.movings")[0][0] == rent_before
    comments = dict(
        query(
            warehouse,
            "SELECT table_name, table_comment FROM information_schema.tables WHERE table_schema = 'staging'",
        )
    )
    assert comments["movings"] == comments["rooms"] == "tokyobeta batch=2026-02-10"


def test_a_subset_for_another_date_is_refused_and_loads_nothing(published_day, warehouse, capsys):
    before = wh.fingerprint(warehouse, ("staging", "staging_load", "ops"))
    assert oncall.main(["reload", "--date", "20260211", "--tables", "movings"]) == 2
    assert "REFUSED: reloading only movings for 2026-02-11" in capsys.readouterr().out
    assert wh.fingerprint(warehouse, ("staging", "staging_load", "ops")) == before
