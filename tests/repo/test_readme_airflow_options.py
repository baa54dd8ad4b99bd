"""The README's MWAA section names every Airflow configuration option the deployments set, with its value."""

from __future__ import annotations

from pathlib import Path

from tokyobeta_etl import config

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_names_each_airflow_option_and_its_value():
    text = " ".join(README.read_text(encoding="utf-8").split())  # as it reads, whatever the line breaks
    options = config.mwaa_configuration_options("<the environment's name>", config.DEFAULT_SLA_DEADLINE_JST)
    assert set(config.AIRFLOW_CONFIGURATION_OPTIONS.items()) <= set(options.items())
    options.pop(config.ENVIRONMENT_NAME_OPTION)  # the stack's own name
    for option, value in options.items():
        assert f"`{option}` = `{value}`" in text, option
    assert f"`{config.ENVIRONMENT_NAME_OPTION}` = the environment's name" in text


def test_the_environment_form_is_airflows_section_and_key():
    assert config.airflow_config_env() == {"AIRFLOW__SCHEDULER__SCHEDULE_AFTER_TASK_EXECUTION": "False"}
    assert config.option_env_var(config.SLA_DEADLINE_OPTION) == "AIRFLOW__TOKYOBETA__SLA_DEADLINE_JST"
