"""The dbt project itself: it parses with no database, lands in `silver` and `gold`, documents itself, keeps
previous generations of its full-rebuild tables, and refuses a run without its batch date."""

from __future__ import annotations

import json

import pytest

from harness.dbt_runner import DbtRunner
from harness.ports import free_port

SILVER_MODELS = {
    "stg_movings": "table",
    "stg_tenants": "table",
    "stg_apartments": "table",
    "stg_rooms": "table",
    "stg_inquiries": "table",
    "int_contracts": "table",
    "int_batch_tenants": "ephemeral",
    "int_batch_movings": "ephemeral",
    "int_batch_rooms": "ephemeral",
    "int_room_transfers": "ephemeral",
    "tenant_status_history": "table",
    "tenant_room_snapshot_daily": "incremental",
    "room_count_daily": "incremental",
    "room_count_by_apartment_daily": "incremental",
}
GOLD_MODELS = {
    "new_contracts": "table",
    "moveouts": "table",
    "moveout_notices": "table",
    "moveout_analysis": "table",
    "moveout_summary": "table",
    "tenant_status_transitions": "table",
    "property_daily_metrics": "incremental",
}
SEEDS = {
    "code_tenant_status",
    "code_contract_type",
    "code_gender",
    "code_moveout_reason",
    "code_personal_identity",
    "code_affiliation_type",
}


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    """dbt pointed at a port where nothing listens: anything that needs a connection would fail."""
    runner = DbtRunner("127.0.0.1", free_port(), "nobody", "wrong", workdir=tmp_path_factory.mktemp("offline"))
    yield runner
    runner.cleanup()


@pytest.fixture(scope="module")
def manifest(offline) -> dict:
    result = offline.run("parse")
    assert "Performance info" in result.stdout
    return json.loads((offline.target_dir / "manifest.json").read_text())


def nodes(manifest: dict, kind: str) -> dict[str, dict]:
    return {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == kind}


def test_parse_writes_a_manifest_without_a_database(manifest):
    assert set(nodes(manifest, "model")) == set(SILVER_MODELS) | set(GOLD_MODELS)
    assert set(nodes(manifest, "seed")) == SEEDS


def test_every_model_and_seed_lands_in_its_layer_with_its_tag_and_a_description(manifest):
    for name, node in {**nodes(manifest, "model"), **nodes(manifest, "seed")}.items():
        layer = "gold" if name in GOLD_MODELS else "silver"
        assert node["schema"] == layer, name
        assert layer in node["tags"] and {"silver", "gold"} - {layer} - set(node["tags"]), name
        assert node["description"].strip(), name
    for name, node in nodes(manifest, "model").items():
        assert node["config"]["materialized"] == {**SILVER_MODELS, **GOLD_MODELS}[name], name
        assert all(c["description"].strip() for c in node["columns"].values()), name


def test_every_full_rebuild_table_keeps_its_previous_generations(manifest):
    # and gold's windowed rewrite, backed up per batch like gold.occupancy_daily_metrics (dbt README)
    for name, node in nodes(manifest, "model").items():
        keeps = any("keep_generations" in h["sql"] for h in node["config"]["pre-hook"])
        assert keeps == (node["config"]["materialized"] == "table" or name == "property_daily_metrics"), name
    pre = [h["sql"] for h in nodes(manifest, "model")["property_daily_metrics"]["config"]["pre-hook"]]
    assert [i for i, h in enumerate(pre) if "keep_generations" in h] < [
        i for i, h in enumerate(pre) if "delete_window_rows" in h
    ]


def test_history_models_are_delete_insert_on_the_batch_date_and_never_fully_refreshed(manifest):
    models = nodes(manifest, "model")
    for name in ("tenant_room_snapshot_daily", "room_count_daily", "room_count_by_apartment_daily"):
        config = models[name]["config"]
        assert config["unique_key"] == "snapshot_date", name
        assert config["incremental_strategy"] == "delete+insert", name
        assert config["full_refresh"] is False, name
        assert any("delete_batch_date_rows" in h["sql"] for h in config["pre-hook"]), name
    indexes = " ".join(h["sql"] for h in models["tenant_room_snapshot_daily"]["config"]["post-hook"])
    assert "['snapshot_date', 'apartment_id', 'room_id']" in indexes
    assert "['snapshot_date', 'is_room_primary']" in indexes


def test_current_models_read_published_staging_and_history_models_read_the_batch_schema(manifest):
    models = nodes(manifest, "model")
    for table in ("movings", "tenants", "apartments", "rooms", "inquiries"):
        assert models[f"stg_{table}"]["depends_on"]["nodes"][0] == f"source.tokyobeta.staging.{table}"
    for table in ("movings", "tenants", "rooms"):
        assert f"source.tokyobeta.staging_batch.{table}" in models[f"int_batch_{table}"]["depends_on"]["nodes"]
    assert set(models["tenant_room_snapshot_daily"]["depends_on"]["nodes"]) >= {
        "model.tokyobeta.int_batch_tenants",
        "model.tokyobeta.int_batch_movings",
    }
    assert "model.tokyobeta.int_batch_rooms" in models["room_count_daily"]["depends_on"]["nodes"]
    assert "source.tokyobeta.staging.tenant_daily_snapshots" in models["tenant_status_history"]["depends_on"]["nodes"]


def test_sources_are_described_and_declare_no_freshness_nothing_evaluates(manifest):
    # the freshness DAG grades staging from its batch tags; a dbt freshness block would be a second, unread rule
    sources = {s["name"]: s for s in manifest["sources"].values() if s["source_name"] == "staging"}
    for table in ("movings", "tenants", "apartments", "rooms", "inquiries", "tenant_daily_snapshots"):
        assert sources[table]["description"].strip()
        assert sources[table]["loaded_at_field"] is None
        thresholds = sources[table]["freshness"] or {}
        assert not any((thresholds.get(key) or {}).get("count") for key in ("warn_after", "error_after"))


def test_a_batch_schema_other_than_staging_or_the_load_area_is_refused(offline):
    result = offline.run("parse", vars={"batch_schema": "gold"}, check=False)
    assert not result.ok
    assert "`batch_schema` must be 'staging' or 'staging_load', got 'gold'" in result.stdout


def test_a_run_without_batch_date_fails_compilation_with_a_clear_message(dbt):
    result = dbt.run("compile", "--select", "tenant_room_snapshot_daily", "room_count_daily", check=False)
    assert not result.ok
    assert "the dbt var `batch_date` is required" in result.stdout, result.tail()
