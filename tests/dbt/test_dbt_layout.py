"""The silver dbt models' files, as the dbt README lays them out: one YAML per model beside its SQL, and the one
batch-date filter the date-keyed models' tests share spelled the same in every file. Pure Python, no database."""

from __future__ import annotations

from pathlib import Path

import yaml

SILVER = Path(__file__).resolve().parents[2] / "include" / "dbt" / "models" / "silver"


def test_every_silver_model_has_its_own_yaml_beside_its_sql():
    for sql in sorted(SILVER.rglob("*.sql")):
        declared = yaml.safe_load(sql.with_suffix(".yml").read_text())
        assert [model["name"] for model in declared["models"]] == [sql.stem], sql.name
    assert sorted(p.stem for p in SILVER.rglob("*.yml")) == sorted(p.stem for p in SILVER.rglob("*.sql"))


def _where_filters(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["where"]] if isinstance(node.get("where"), str) else []
        return found + [w for value in node.values() for w in _where_filters(value)]
    if isinstance(node, list):
        return [w for value in node for w in _where_filters(value)]
    return []


def test_the_date_keyed_tests_share_one_batch_date_filter():
    filters = {
        path.name: set(_where_filters(yaml.safe_load(path.read_text()))) for path in sorted(SILVER.rglob("*.yml"))
    }
    used = {name: where for name, where in filters.items() if where}
    assert set(used) == {
        "tenant_room_snapshot_daily.yml",
        "room_count_daily.yml",
        "room_count_by_apartment_daily.yml",
    }
    assert len(set.union(*used.values())) == 1, used
