"""The DAGs' on-call notes (doc_md, shown in the Airflow UI) are the runbook's entries (tokyobeta_etl.runbook)."""

from pathlib import Path

import pytest

from tokyobeta_etl import config, runbook

DAGS = Path(__file__).resolve().parents[2] / "dags"


@pytest.fixture(scope="module")
def dagbag():
    from airflow.models import DagBag

    return DagBag(dag_folder=str(DAGS), include_examples=False)


def test_the_daily_dag_lists_its_on_call_entries(dagbag):
    doc = dagbag.dags[config.DAILY_DAG_ID].doc_md
    on_call = doc.split("**On-call**", 1)[1]
    assert runbook.daily_doc_list() in on_call
    bullets = [line for line in on_call.splitlines() if line.startswith("- ")]
    assert len(bullets) == sum(entry.in_daily_doc for entry in runbook.ENTRIES)  # no hand-written bullet beside them


@pytest.mark.parametrize(
    ("dag_id", "entry"),
    [(config.FRESHNESS_DAG_ID, runbook.FRESHNESS), (config.RUN_DURATION_DAG_ID, runbook.RUNNING_LONG)],
)
def test_the_monitoring_dags_give_their_runbook_entry(dagbag, dag_id, entry):
    assert entry.todo in dagbag.dags[dag_id].doc_md
