"""verify-row-counts: dump vs staging vs silver per table for the published batch, unexpected drops flagged."""

from __future__ import annotations

import datetime as dt

from harness.runs import daily_dag, run_batch, simulate_to_s3, task_states
from tokyobeta_etl import oncall, row_counts

DAY = dt.date(2026, 2, 10)


def test_assess_flags_each_kind_of_drop():
    assert row_counts.assess(100, 100, 100, 100, 0.2) == ()
    assert row_counts.assess(100, 100, 99, 99, 0.2) == ("staging has -1 rows against its dump",)
    assert row_counts.assess(100, 100, 100, 90, 0.2) == ("silver has -10 rows against staging",)
    assert row_counts.assess(70, 100, 70, 70, 0.2) == ("dump shrank 30% since the previous batch (limit 20%)",)
    assert row_counts.assess(None, None, 5, None, 0.2) == (
        "no loaded dump recorded for the published batch",
        "silver model missing",
    )


def test_the_command_on_a_published_day(airflow_env, warehouse, dump_bucket, s3_client, dbt, capsys):
    (day,) = simulate_to_s3(s3_client, dump_bucket, DAY, 1)
    run = run_batch(daily_dag(), DAY)
    assert run.state == "success", task_states(run)
    dbt.build_silver(DAY)

    assert oncall.main(["verify-row-counts"]) == 0
    out = capsys.readouterr().out
    assert "Row counts of the published batch 2026-02-10:" in out and "OK: no unexpected drop" in out
    tenants = day.truth["row_counts"]["tenants"]
    assert f"tenants     dump {tenants:>8,}  staging {tenants:>8,}  silver {tenants:>8,}" in out

    # silver losing rows, and a previous batch twice as large as this one: both flagged
    warehouse.execute(
        "DELETE FROM silver.stg_rooms ORDER BY room_id LIMIT 3",
        "INSERT INTO ops.load_audit (batch_date, table_name, dump_key, rows_loaded, started_at, outcome) "
        f"VALUES ('2026-02-09', 'movings', 'dumps/movings_20260209.sql', {2 * day.truth['row_counts']['movings']}, "
        "'2026-02-09 07:00:00', 'loaded')",
    )
    assert oncall.main(["verify-row-counts"]) == 1
    out = capsys.readouterr().out
    assert "silver has -3 rows against staging" in out
    assert "dump shrank 50% since the previous batch (limit 20%)" in out
    assert out.rstrip().endswith("FLAGGED: movings, rooms")
