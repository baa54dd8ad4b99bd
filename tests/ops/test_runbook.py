"""The runbook (tokyobeta_etl.runbook) is the one owner of the on-call prose: README's table, the daily DAG's on-call
notes and the alerts' "What to do" are all read from it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tokyobeta_etl import alert_messages, runbook

ROOT = Path(__file__).resolve().parents[2]


def _tool():
    spec = importlib.util.spec_from_file_location("runbook_table", ROOT / "tools" / "runbook_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_on_call_table_is_the_runbook():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert _tool().with_table(text) == text, "README's on-call table drifted: run python tools/runbook_table.py"
    for entry in runbook.ENTRIES:
        assert entry.todo in text, entry.situation


def test_the_tool_rewrites_a_drifted_table():
    tool = _tool()
    drifted = f"intro\n{tool.BEGIN}\n| situation | in the UI | from a shell |\n| old | text | |\n{tool.END}\noutro\n"
    assert tool.with_table(drifted) == f"intro\n{tool.BEGIN}\n{runbook.readme_table()}\n{tool.END}\noutro\n"
    with pytest.raises(ValueError, match="markers"):
        tool.with_table("no markers here")


@pytest.mark.parametrize(
    ("task_id", "entry"),
    [
        ("wait_for_dumps", runbook.WAIT_FOR_DUMPS),
        ("load_rooms", runbook.LOAD_FAILED),
        ("silver.stg_tenants_model_build", runbook.DBT_FAILED),
        ("gold.moveout_summary_model_build", runbook.DBT_FAILED),
        ("occupancy_kpis", runbook.KPIS_FAILED),
        ("refresh_quicksight", runbook.QUICKSIGHT_FAILED),
        ("check_run", runbook.RUN_REFUSED),
        ("check_no_other_writer", runbook.WRITER_ACTIVE),
        ("reload", runbook.ONCALL_FINDINGS[2]),
        ("snapshot_tenants", runbook.ANY_TASK),
    ],
)
def test_each_failed_task_alert_says_its_runbook_entry(task_id, entry):
    step = alert_messages.next_step(task_id, "some error")
    assert step.startswith(runbook.plain(entry.todo))
    assert "`" not in step and "**" not in step  # an alert is plain text


def test_the_error_kind_comes_before_the_task():
    lock = alert_messages.next_step("load_rooms", "(1205, 'Lock wait timeout exceeded; try restarting transaction')")
    assert lock == runbook.plain(runbook.LOCK_WAIT.todo)


def test_the_daily_dag_doc_lists_the_entries_marked_for_it():
    from tokyobeta_etl import config

    listed = runbook.daily_doc_list()
    for entry in runbook.ENTRIES:
        assert (f"- {entry.situation}: {entry.todo}" in listed) == entry.in_daily_doc, entry.situation
    assert config.DAILY_DAG_ID in listed


def test_on_call_findings_are_keyed_by_their_command_task():
    assert set(alert_messages.ONCALL_FINDINGS) == {
        "check_freshness", "verify_row_counts", "reload", "restore_backup", "show_locks",
    }  # fmt: skip
