"""The DAGs' task ids and the daily DAG's edges, pinned: a refactor of the package or of the dbt project that renders
another graph (a model renamed, a test's id changed, a dependency lost) fails here, before any run."""

from pathlib import Path

import pytest

from tokyobeta_etl import config

DAGS = Path(__file__).resolve().parents[2] / "dags"

# task id -> its upstream task ids
DAILY_TASKS = {
    "check_run": [],
    "create_schemas": ["check_run"],
    "gold.moveout_analysis_model_build": ["gold.moveouts_model_build"],
    "gold.moveout_notices_model_build": [
        "silver.int_room_transfers_model_build",
        "silver.relationships_stg_movings_moving_agreement_type__code__ref_code_contract_type__test",
        "silver.relationships_stg_rooms_apartment_id__apartment_id__ref_stg_apartments__test",
        "silver.relationships_stg_tenants_affiliation_type__code__ref_code_affiliation_type__test",
        "silver.relationships_stg_tenants_gender_type__code__ref_code_gender__test",
        "silver.relationships_stg_tenants_management_status_code__code__ref_code_tenant_status__test",
        "silver.relationships_stg_tenants_reason_moveout__code__ref_code_moveout_reason__test",
        "silver.room_count_by_apartment_daily_model_build",
        "silver.room_count_daily_model_build",
        "silver.stg_inquiries_model_build",
        "silver.tenant_room_snapshot_daily_model_build",
        "silver.tenant_status_history_model_build",
    ],
    "gold.moveout_summary_adds_up_moveout_summary_ref_moveout_analysis__test": [
        "gold.moveout_analysis_model_build",
        "gold.moveout_summary_model_build",
    ],
    "gold.moveout_summary_model_build": ["gold.moveout_analysis_model_build"],
    "gold.moveouts_model_build": [
        "silver.int_room_transfers_model_build",
        "silver.relationships_stg_movings_moving_agreement_type__code__ref_code_contract_type__test",
        "silver.relationships_stg_rooms_apartment_id__apartment_id__ref_stg_apartments__test",
        "silver.relationships_stg_tenants_affiliation_type__code__ref_code_affiliation_type__test",
        "silver.relationships_stg_tenants_gender_type__code__ref_code_gender__test",
        "silver.relationships_stg_tenants_management_status_code__code__ref_code_tenant_status__test",
        "silver.relationships_stg_tenants_reason_moveout__code__ref_code_moveout_reason__test",
        "silver.room_count_by_apartment_daily_model_build",
        "silver.room_count_daily_model_build",
        "silver.stg_inquiries_model_build",
        "silver.tenant_room_snapshot_daily_model_build",
        "silver.tenant_status_history_model_build",
    ],
    "gold.new_contracts_model_build": [
        "silver.int_room_transfers_model_build",
        "silver.relationships_stg_movings_moving_agreement_type__code__ref_code_contract_type__test",
        "silver.relationships_stg_rooms_apartment_id__apartment_id__ref_stg_apartments__test",
        "silver.relationships_stg_tenants_affiliation_type__code__ref_code_affiliation_type__test",
        "silver.relationships_stg_tenants_gender_type__code__ref_code_gender__test",
        "silver.relationships_stg_tenants_management_status_code__code__ref_code_tenant_status__test",
        "silver.relationships_stg_tenants_reason_moveout__code__ref_code_moveout_reason__test",
        "silver.room_count_by_apartment_daily_model_build",
        "silver.room_count_daily_model_build",
        "silver.stg_inquiries_model_build",
        "silver.tenant_room_snapshot_daily_model_build",
        "silver.tenant_status_history_model_build",
    ],
    "gold.property_daily_metrics_model_build": [
        "silver.int_room_transfers_model_build",
        "silver.relationships_stg_movings_moving_agreement_type__code__ref_code_contract_type__test",
        "silver.relationships_stg_rooms_apartment_id__apartment_id__ref_stg_apartments__test",
        "silver.relationships_stg_tenants_affiliation_type__code__ref_code_affiliation_type__test",
        "silver.relationships_stg_tenants_gender_type__code__ref_code_gender__test",
        "silver.relationships_stg_tenants_management_status_code__code__ref_code_tenant_status__test",
        "silver.relationships_stg_tenants_reason_moveout__code__ref_code_moveout_reason__test",
        "silver.room_count_by_apartment_daily_model_build",
        "silver.room_count_daily_model_build",
        "silver.stg_inquiries_model_build",
        "silver.tenant_room_snapshot_daily_model_build",
        "silver.tenant_status_history_model_build",
    ],
    "gold.relationships_moveout_analysis_moving_id__moving_id__ref_moveouts__test": [
        "gold.moveout_analysis_model_build",
        "gold.moveouts_model_build",
    ],
    "gold.tenant_status_transitions_model_build": [
        "silver.int_room_transfers_model_build",
        "silver.relationships_stg_movings_moving_agreement_type__code__ref_code_contract_type__test",
        "silver.relationships_stg_rooms_apartment_id__apartment_id__ref_stg_apartments__test",
        "silver.relationships_stg_tenants_affiliation_type__code__ref_code_affiliation_type__test",
        "silver.relationships_stg_tenants_gender_type__code__ref_code_gender__test",
        "silver.relationships_stg_tenants_management_status_code__code__ref_code_tenant_status__test",
        "silver.relationships_stg_tenants_reason_moveout__code__ref_code_moveout_reason__test",
        "silver.room_count_by_apartment_daily_model_build",
        "silver.room_count_daily_model_build",
        "silver.stg_inquiries_model_build",
        "silver.tenant_room_snapshot_daily_model_build",
        "silver.tenant_status_history_model_build",
    ],
    "load_inquiries": ["create_schemas", "wait_for_dumps"],
    "load_movings": ["create_schemas", "wait_for_dumps"],
    "load_rooms": ["create_schemas", "wait_for_dumps"],
    "load_tenants": ["create_schemas", "wait_for_dumps"],
    "occupancy_kpis": [
        "gold.moveout_notices_model_build",
        "gold.moveout_summary_adds_up_moveout_summary_ref_moveout_analysis__test",
        "gold.new_contracts_model_build",
        "gold.property_daily_metrics_model_build",
        "gold.relationships_moveout_analysis_moving_id__moving_id__ref_moveouts__test",
        "gold.tenant_status_transitions_model_build",
    ],
    "publish_staging": ["snapshot_tenants"],
    "quicksight_datasets": ["occupancy_kpis"],
    "refresh_quicksight": ["quicksight_datasets"],
    "silver.code_affiliation_type_seed_build": ["publish_staging"],
    "silver.code_contract_type_seed_build": ["publish_staging"],
    "silver.code_gender_seed_build": ["publish_staging"],
    "silver.code_moveout_reason_seed_build": ["publish_staging"],
    "silver.code_personal_identity_seed_build": ["publish_staging"],
    "silver.code_tenant_status_seed_build": ["publish_staging"],
    "silver.int_batch_movings_model_build": ["silver.code_contract_type_seed_build"],
    "silver.int_batch_rooms_model_build": ["silver.code_gender_seed_build"],
    "silver.int_batch_tenants_model_build": [
        "silver.code_affiliation_type_seed_build",
        "silver.code_gender_seed_build",
        "silver.code_moveout_reason_seed_build",
        "silver.code_personal_identity_seed_build",
        "silver.code_tenant_status_seed_build",
    ],
    "silver.int_contracts_model_build": [
        "silver.stg_apartments_model_build",
        "silver.stg_movings_model_build",
        "silver.stg_rooms_model_build",
        "silver.stg_tenants_model_build",
    ],
    "silver.int_room_transfers_model_build": ["silver.int_contracts_model_build", "silver.stg_movings_model_build"],
    "silver.relationships_stg_movings_moving_agreement_type__code__ref_code_contract_type__test": [
        "silver.code_contract_type_seed_build",
        "silver.stg_movings_model_build",
    ],
    "silver.relationships_stg_rooms_apartment_id__apartment_id__ref_stg_apartments__test": [
        "silver.stg_apartments_model_build",
        "silver.stg_rooms_model_build",
    ],
    "silver.relationships_stg_tenants_affiliation_type__code__ref_code_affiliation_type__test": [
        "silver.code_affiliation_type_seed_build",
        "silver.stg_tenants_model_build",
    ],
    "silver.relationships_stg_tenants_gender_type__code__ref_code_gender__test": [
        "silver.code_gender_seed_build",
        "silver.stg_tenants_model_build",
    ],
    "silver.relationships_stg_tenants_management_status_code__code__ref_code_tenant_status__test": [
        "silver.code_tenant_status_seed_build",
        "silver.stg_tenants_model_build",
    ],
    "silver.relationships_stg_tenants_reason_moveout__code__ref_code_moveout_reason__test": [
        "silver.code_moveout_reason_seed_build",
        "silver.stg_tenants_model_build",
    ],
    "silver.room_count_by_apartment_daily_model_build": ["silver.int_batch_rooms_model_build"],
    "silver.room_count_daily_model_build": ["silver.int_batch_rooms_model_build"],
    "silver.stg_apartments_model_build": ["publish_staging"],
    "silver.stg_inquiries_model_build": ["publish_staging"],
    "silver.stg_movings_model_build": ["silver.code_contract_type_seed_build"],
    "silver.stg_rooms_model_build": ["silver.code_gender_seed_build"],
    "silver.stg_tenants_model_build": [
        "silver.code_affiliation_type_seed_build",
        "silver.code_gender_seed_build",
        "silver.code_moveout_reason_seed_build",
        "silver.code_personal_identity_seed_build",
        "silver.code_tenant_status_seed_build",
    ],
    "silver.tenant_room_snapshot_daily_model_build": [
        "silver.int_batch_movings_model_build",
        "silver.int_batch_tenants_model_build",
    ],
    "silver.tenant_status_history_model_build": ["silver.code_tenant_status_seed_build"],
    "snapshot_tenants": ["load_inquiries", "load_movings", "load_rooms", "load_tenants"],
    "wait_for_dumps": ["check_run"],
}
OTHER_DAGS = {
    "tokyobeta_freshness_check": ["check_freshness"],
    "tokyobeta_oncall_check_freshness": ["check_freshness"],
    "tokyobeta_oncall_reload": ["check_no_other_writer", "reload"],
    "tokyobeta_oncall_restore_backup": ["check_no_other_writer", "restore_backup"],
    "tokyobeta_oncall_show_locks": ["show_locks"],
    "tokyobeta_oncall_verify_row_counts": ["verify_row_counts"],
    "tokyobeta_run_duration_check": ["check_run_duration"],
}


@pytest.fixture(scope="module")
def dagbag():
    from airflow.models import DagBag

    return DagBag(dag_folder=str(DAGS), include_examples=False)


def test_the_daily_dag_renders_the_pinned_tasks_and_edges(dagbag):
    dag = dagbag.dags[config.DAILY_DAG_ID]
    assert {task_id: sorted(dag.get_task(task_id).upstream_task_ids) for task_id in dag.task_ids} == DAILY_TASKS


def test_the_other_dags_render_the_pinned_tasks(dagbag):
    assert not dagbag.import_errors
    assert {dag_id: sorted(dag.task_ids) for dag_id, dag in dagbag.dags.items() if dag_id != config.DAILY_DAG_ID} == (
        OTHER_DAGS
    )
