"""Each DAG's schedule, zone and run-param bounds are read from the rule's one owner, never restated."""

import datetime as dt
from pathlib import Path

import pytest

from tokyobeta_etl import config

DAGS = Path(__file__).resolve().parents[2] / "dags"


@pytest.fixture(scope="module")
def dagbag():
    from airflow.models import DagBag

    return DagBag(dag_folder=str(DAGS), include_examples=False)


def test_fire_times_are_built_from_config():
    assert config.hhmm(config.DAILY_FIRE_JST) == "07:00"
    assert config.DAILY_SCHEDULE == "0 7 * * *"
    assert config.FRESHNESS_SCHEDULE == "0 9 * * *"
    assert config.RUN_DURATION_SCHEDULE == "*/10 * * * *"
    assert config.daily_cron((23, 5)) == "5 23 * * *"


@pytest.mark.parametrize(
    ("dag_id", "schedule"),
    [
        (config.DAILY_DAG_ID, config.DAILY_SCHEDULE),
        (config.FRESHNESS_DAG_ID, config.FRESHNESS_SCHEDULE),
        (config.RUN_DURATION_DAG_ID, config.RUN_DURATION_SCHEDULE),
    ],
)
def test_scheduled_dags_fire_at_the_owners_times_in_its_zone(dagbag, dag_id, schedule):
    dag = dagbag.dags[dag_id]
    assert dag.schedule_interval == schedule
    assert dag.timezone.name == config.TIMEZONE
    assert dag.start_date == config.dag_start_date()


def test_hhmm_settings_parse_through_one_function(monkeypatch):
    assert config.parse_hhmm("10:30", "some_setting") == (10, 30)
    for bad in ("10", "10:30:00", "ten:00", ""):
        with pytest.raises(ValueError, match=rf"^some_setting must be HH:MM, got {bad!r}$"):
            config.parse_hhmm(bad, "some_setting")
    monkeypatch.setenv("TOKYOBETA_SLA_DEADLINE_JST", "7.30")
    with pytest.raises(ValueError, match=r"^TOKYOBETA_SLA_DEADLINE_JST must be HH:MM, got '7.30'$"):
        config.daily_sla()
    monkeypatch.setenv("TOKYOBETA_SLA_DEADLINE_JST", "06:59")
    with pytest.raises(ValueError, match=r"^TOKYOBETA_SLA_DEADLINE_JST 06:59 must be after the 07:00 JST fire time$"):
        config.daily_sla()


def test_the_dump_deadline_parses_like_every_hhmm_setting():
    from tokyobeta_etl.sensors import deadline_for

    assert deadline_for(dt.date(2026, 2, 10), "10:00").isoformat() == "2026-02-10T10:00:00+09:00"
    with pytest.raises(ValueError, match=r"^tokyobeta_dump_deadline_jst must be HH:MM, got '10h'$"):
        deadline_for(dt.date(2026, 2, 10), "10h")


def test_the_kpi_run_params_are_built_from_the_window_module(dagbag):
    from tokyobeta_etl.kpi import window

    params = dagbag.dags[config.DAILY_DAG_ID].params
    assert [p.name for p in window.RUN_PARAMS] == ["lookback_days", "forward_days"]
    for run_param in window.RUN_PARAMS:
        param = params.get_param(run_param.name)
        assert param.value == run_param.default
        assert param.schema == {"type": "integer", "minimum": 0, "maximum": run_param.maximum}
        assert param.description == f"{run_param.meaning}: an integer from 0 to {run_param.maximum}."
    assert (params["lookback_days"], params["forward_days"]) == (3, 90)
    assert (window.MAX_LOOKBACK_DAYS, window.MAX_FORWARD_DAYS) == (365, 730)
