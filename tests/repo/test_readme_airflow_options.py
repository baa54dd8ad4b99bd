"""The README's MWAA section names every Airflow configuration option the deployments set, with its value."""

from __future__ import annotations

from pathlib import Path

from tokyobeta_etl import config

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_names_each_airflow_option_and_its_value():
    text = README.read_text(encoding="utf-8")
    for option, value in config.AIRFLOW_CONFIGURATION_OPTIONS.items():
        assert f"`{option}` = `{value}`" in text, option


def test_the_environment_form_is_airflows_section_and_key():
    assert config.airflow_config_env() == {"AIRFLOW__SCHEDULER__SCHEDULE_AFTER_TASK_EXECUTION": "False"}
