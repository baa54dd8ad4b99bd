"""The QuickSight refresh after the KPIs: one ingestion per configured dataset at moto, none (skipped) without any,
and a cleared task starts a new ingestion under a new id."""

from __future__ import annotations

import pendulum
import pytest

from harness.runs import daily_dag
from tokyobeta_etl.quicksight import parse_dataset_ids, parse_flag

RUN_AT = pendulum.datetime(2026, 2, 10, 7, tz="Asia/Tokyo")


@pytest.fixture
def refresh_dag(airflow_env, monkeypatch):
    # moto starts ingestions but cannot describe them: only start them here (production waits, the default)
    monkeypatch.setenv("AIRFLOW_VAR_TOKYOBETA_QUICKSIGHT_WAIT", "false")
    return daily_dag().partial_subset(
        task_ids_or_regex="^(quicksight_datasets|refresh_quicksight)$", include_upstream=False
    )


def ingestions(run) -> dict[int, dict]:
    return {ti.map_index: ti.xcom_pull(task_ids="refresh_quicksight", map_indexes=ti.map_index)
            for ti in run.get_task_instances() if ti.task_id == "refresh_quicksight"}  # fmt: skip


def test_each_configured_dataset_gets_an_ingestion_at_moto(refresh_dag, monkeypatch):
    monkeypatch.setenv("AIRFLOW_VAR_TOKYOBETA_QUICKSIGHT_DATASET_IDS", "occupancy-daily, moveouts ,occupancy-daily")
    run = refresh_dag.test(execution_date=RUN_AT)
    states = {(ti.task_id, ti.map_index): ti.state for ti in run.get_task_instances()}
    assert states == {
        ("quicksight_datasets", -1): "success",
        ("refresh_quicksight", 0): "success",
        ("refresh_quicksight", 1): "success",
    }
    got = ingestions(run)
    # moto's own answers: the ARN names the dataset and the ingestion id the task sent
    assert "data-set/occupancy-daily/ingestions/tokyobeta-" in got[0]["Arn"]
    assert "data-set/moveouts/ingestions/tokyobeta-" in got[1]["Arn"]
    assert got[0]["IngestionId"].endswith("-0-try1") and got[1]["IngestionId"].endswith("-1-try1")


def test_no_dataset_configured_skips_the_refresh_visibly(refresh_dag, monkeypatch, caplog):
    monkeypatch.delenv("AIRFLOW_VAR_TOKYOBETA_QUICKSIGHT_DATASET_IDS", raising=False)
    run = refresh_dag.test(execution_date=RUN_AT)
    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert states == {"quicksight_datasets": "success", "refresh_quicksight": "skipped"}
    assert "No QuickSight dataset to refresh" in caplog.text


def test_a_cleared_refresh_runs_again_under_a_new_ingestion_id(refresh_dag, monkeypatch):
    from airflow.models.taskinstance import clear_task_instances
    from airflow.utils.session import create_session

    monkeypatch.setenv("AIRFLOW_VAR_TOKYOBETA_QUICKSIGHT_DATASET_IDS", "occupancy-daily")
    run = refresh_dag.test(execution_date=RUN_AT)
    first = ingestions(run)[0]["IngestionId"]
    with create_session() as session:
        tis = [ti for ti in run.get_task_instances(session=session) if ti.task_id == "refresh_quicksight"]
        clear_task_instances(tis, session, dag=refresh_dag)
    with create_session() as session:
        (ti,) = (ti for ti in run.get_task_instances(session=session) if ti.task_id == "refresh_quicksight")
        ti.task = refresh_dag.get_task("refresh_quicksight")
        run.schedule_tis([ti], session=session)  # what the scheduler does with a cleared task: the next try
    with create_session() as session:
        (ti,) = (ti for ti in run.get_task_instances(session=session) if ti.task_id == "refresh_quicksight")
        ti.task = refresh_dag.get_task("refresh_quicksight")
        ti.run(ignore_all_deps=True, session=session)
        assert (ti.state, ti.try_number) == ("success", 2)
    again = ingestions(run)[0]["IngestionId"]
    assert first.endswith("-0-try1") and again.endswith("-0-try2")


def test_parsing_the_settings():
    assert parse_dataset_ids(None) == [] and parse_dataset_ids(" , ") == []
    assert parse_dataset_ids("a,b, a") == ["a", "b"]
    assert parse_flag("TRUE") is True and parse_flag("false") is False
    with pytest.raises(ValueError, match="must be true or false"):
        parse_flag("sometimes")
