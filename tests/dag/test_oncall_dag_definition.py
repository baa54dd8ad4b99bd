"""The on-call DAGs' definitions: one per on-call command, manual only, forms whose defaults change nothing, and the
writing ones guarded against running beside a daily run."""

import copy
from pathlib import Path

import pytest

from tokyobeta_etl import alert_messages, alerts, config
from tokyobeta_etl.data_contract import DUMP_FILES

DAGS = Path(__file__).resolve().parents[2] / "dags"
COMMANDS = {
    "check_freshness": {"date": None},
    "verify_row_counts": {},
    "reload": {"batch_date": None, "tables": list(DUMP_FILES), "check_only": True, "allow_shrink": False},
    "restore_backup": {"table": None, "batch_date": None},
    "show_locks": {},
}


@pytest.fixture(scope="module")
def dagbag():
    from airflow.models import DagBag

    bag = DagBag(dag_folder=str(DAGS), include_examples=False)
    assert bag.import_errors == {}
    return bag


def test_one_manual_dag_per_oncall_command(dagbag):
    oncall = {d for d in dagbag.dag_ids if d.startswith(config.ONCALL_DAG_PREFIX)}
    assert oncall == {f"{config.ONCALL_DAG_PREFIX}{c}" for c in COMMANDS}
    for dag_id in oncall:
        dag = dagbag.dags[dag_id]
        assert dag.schedule_interval is None and dag.max_active_runs == 1, dag_id
        assert "oncall" in dag.tags and dag.doc_md and "Logs" in dag.doc_md, dag_id
        for task in dag.tasks:
            assert task.owner == "data-platform" and task.retries == 0, (dag_id, task.task_id)
            assert task.on_failure_callback is alerts.on_task_failure, (dag_id, task.task_id)
            assert task.task_id in alert_messages.ONCALL_FINDINGS or task.task_id == "check_no_other_writer"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_form_defaults_change_nothing(dagbag, command):
    dag = dagbag.dags[f"{config.ONCALL_DAG_PREFIX}{command}"]
    assert dag.params.validate() == COMMANDS[command]
    for name in COMMANDS[command]:
        assert dag.params.get_param(name).description, (command, name)


def test_writing_dags_first_refuse_to_run_beside_another_writer(dagbag):
    assert set(config.ONCALL_WRITING_DAG_IDS) == {
        f"{config.ONCALL_DAG_PREFIX}{c}" for c in ("reload", "restore_backup")
    }
    for dag_id in config.ONCALL_WRITING_DAG_IDS:
        dag = dagbag.dags[dag_id]
        assert [t.task_id for t in dag.roots] == ["check_no_other_writer"], dag_id
    daily = dagbag.dags[config.DAILY_DAG_ID]
    assert [t.task_id for t in daily.roots] == ["check_run"]


def test_a_bad_form_value_is_refused_by_the_trigger(dagbag):
    from airflow.exceptions import ParamValidationError

    reload = copy.deepcopy(dagbag.dags[f"{config.ONCALL_DAG_PREFIX}reload"].params)
    with pytest.raises(ParamValidationError, match="param tables: 'payments' is not one of"):
        reload.update({"tables": ["movings", "payments"]})
    restore = copy.deepcopy(dagbag.dags[f"{config.ONCALL_DAG_PREFIX}restore_backup"].params)
    with pytest.raises(ParamValidationError, match="param table: 'staging.movings' does not match"):
        restore.update({"table": "staging.movings"})
