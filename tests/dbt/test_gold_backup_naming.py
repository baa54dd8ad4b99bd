"""tokyobeta_etl.backups owns the backup naming and the default generations kept; dbt reads them as vars. The
fallbacks dbt keeps for a run without those vars (macros/backups.sql, dbt_project.yml) must be Python's values."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from tokyobeta_etl import backups, config

DBT = Path(__file__).resolve().parents[2] / "include" / "dbt"
MACROS = DBT / "macros" / "backups.sql"
_VAR_WITH_FALLBACK = re.compile(r"var\('(\w+)',\s*'([^']*)'\)")
_HEADER = re.compile(r"\A\{#-.*?-#\}", re.DOTALL)  # the file's opening note, which may show the pattern
_NAMING_MACRO = re.compile(r"\{% macro _backup_naming\(\).*?\{%- endmacro %\}", re.DOTALL)


def _macro_code() -> str:
    return _HEADER.sub("", MACROS.read_text(encoding="utf-8"), count=1)


def test_the_macro_fallbacks_are_the_python_naming():
    assert dict(_VAR_WITH_FALLBACK.findall(_macro_code())) == backups.dbt_vars()


def test_only_the_fallbacks_spell_a_piece_of_the_naming():
    code = _macro_code()
    fallbacks = _NAMING_MACRO.search(code)
    assert fallbacks, "macro _backup_naming() not found"
    rest = code[: fallbacks.start()] + code[fallbacks.end() :]
    for literal in ("bak", "'ops'", "`ops`", "ops.", "'new'", "'__'"):
        assert literal not in rest, literal
    assert f"> {backups.MAX_IDENTIFIER} " in rest and f"MySQL's {backups.MAX_IDENTIFIER} characters" in rest


def test_the_default_generations_are_the_variables_default():
    project = yaml.safe_load((DBT / "dbt_project.yml").read_text(encoding="utf-8"))
    assert project["vars"]["backup_generations"] == backups.DEFAULT_GENERATIONS
    assert str(backups.DEFAULT_GENERATIONS) == config.VARIABLE_DEFAULTS[backups.GENERATIONS_VARIABLE]
    assert "var('backup_generations')" in _macro_code()  # no second default in the macro


def test_the_python_pieces_make_the_documented_pattern():
    assert backups.dbt_vars() == {
        "backup_schema": "ops",
        "backup_name_prefix": "bak",
        "backup_name_separator": "__",
        "backup_filling_suffix": "new",
    }
    assert backups.backup_name("gold", "moveouts", dt.date(2026, 3, 1)) == "bak__gold__moveouts__20260301"


def test_dbt_names_a_backup_from_the_vars(dbt):
    inline = "{{ backup_name(ref('moveouts'), '2026-03-01') }}"
    expected = backups.backup_name("gold", "moveouts", dt.date(2026, 3, 1))
    assert expected in dbt.run("compile", "--inline", inline, vars=backups.dbt_vars()).stdout
    assert expected in dbt.run("compile", "--inline", inline).stdout  # the fallbacks
    renamed = dbt.run("compile", "--inline", inline, vars={"backup_name_prefix": "old", "backup_name_separator": "_"})
    assert "old_gold_moveouts_20260301" in renamed.stdout
