"""The tenant status sets have one owner, tokyobeta_etl.data_contract: dbt reads them as vars the DAG passes
(dbt_project.dbt_vars). The copies YAML cannot avoid (dbt_project.yml's `vars:` defaults, a test's accepted values
or expression) must equal the owner, and no SQL file may spell a set out. Pure Python, no database."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

from tokyobeta_etl import data_contract, dbt_project

PROJECT = Path(__file__).resolve().parents[2] / "include" / "dbt"
OWNER = {
    "snapshot_statuses": sorted(data_contract.SNAPSHOT_STATUSES),
    "present_statuses": sorted(data_contract.PRESENT_STATUSES),
    "primary_status_rank": list(data_contract.PRIMARY_STATUS_RANK),
    "movein_statuses": sorted(data_contract.MOVEIN_STATUSES),
}


def model_entry(name: str) -> dict:
    """The YAML entry of one model, wherever under models/ it is declared."""
    found = [
        model
        for path in sorted((PROJECT / "models").rglob("*.yml"))
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", [])
        if model["name"] == name
    ]
    assert len(found) == 1, f"{name} is declared {len(found)} times"
    return found[0]


def column_tests(model: dict, column: str) -> list:
    return next(c for c in model["columns"] if c["name"] == column).get("tests", [])


def statuses_in(sql_list: str) -> list[int]:
    return [int(code) for code in re.findall(r"\d+", sql_list)]


def test_the_dag_passes_the_owners_sets():
    assert {k: v for k, v in dbt_project.dbt_vars().items() if k in OWNER} == OWNER


@pytest.mark.parametrize("name", sorted(OWNER))
def test_dbt_project_yml_defaults_equal_the_owner(name):
    defaults = yaml.safe_load((PROJECT / "dbt_project.yml").read_text())["vars"]
    assert defaults[name] == OWNER[name], f"dbt_project.yml vars.{name} drifted from data_contract"


def test_the_snapshot_status_accepted_values_equal_the_owner():
    tests = column_tests(model_entry("tenant_room_snapshot_daily"), "management_status_code")
    values = next(t["accepted_values"]["values"] for t in tests if isinstance(t, dict) and "accepted_values" in t)
    assert values == OWNER["snapshot_statuses"]


def test_the_is_present_expression_uses_the_present_statuses():
    model = model_entry("tenant_room_snapshot_daily")
    expression = next(
        t["expression_is_true"]["expression"]
        for t in model["tests"]
        if isinstance(t, dict) and t.get("expression_is_true", {}).get("name", "").endswith("is_present_matches_status")
    )
    listed = re.search(r"management_status_code in \(([^)]*)\)", expression, re.IGNORECASE)
    assert listed, expression
    assert statuses_in(listed.group(1)) == OWNER["present_statuses"]


def test_every_status_of_the_sets_is_a_code_of_the_status_seed():
    with (PROJECT / "seeds" / "code_tenant_status.csv").open(encoding="utf-8") as seed:
        codes = {int(row["code"]) for row in csv.DictReader(seed)}
    for name, statuses in OWNER.items():
        assert set(statuses) <= codes, name


def test_no_dbt_sql_file_spells_a_status_set_out():
    # the sets' distinctive runs of codes, as they would appear in an IN list or a FIELD() rank
    spelled = re.compile(r"\b(?:9,\s*10,\s*11,\s*12,\s*13,\s*14,\s*15|4,\s*5,\s*6,\s*7,\s*9)\b")
    offenders = [
        str(path.relative_to(PROJECT))
        for folder in ("models", "macros", "tests")
        for path in sorted((PROJECT / folder).rglob("*.sql"))
        if spelled.search(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, f"status sets spelled out (use the vars' macros, macros/data_contract.sql): {offenders}"
