"""README's IAM and alarm tables are what tools/stack_tables.py writes from the platform template, and the heartbeat's
metric the README names is the one the freshness check sends."""

from __future__ import annotations

import sys
from pathlib import Path

from tokyobeta_etl import heartbeat

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))  # tools/ is no package
import stack_tables  # noqa: E402

README = ROOT / "README.md"


def test_the_readme_tables_are_written_from_the_template():
    text = README.read_text(encoding="utf-8")
    assert stack_tables.with_tables(text) == text, "README's tables drifted: run python tools/stack_tables.py"


def test_a_changed_template_changes_the_tables():
    text = README.read_text(encoding="utf-8")
    template = stack_tables.cfn_template.load(stack_tables.cfn_template.PLATFORM)
    template["Resources"]["FreshnessHeartbeatAlarm"]["Properties"]["Threshold"] = 7
    assert "Minimum > 7 in" in stack_tables.with_tables(text, template) != text


def test_the_readme_names_the_heartbeat_metric():
    text = " ".join(README.read_text(encoding="utf-8").split())
    assert f"`{heartbeat.NAMESPACE}` / `{heartbeat.METRIC_NAME}` (dimension `{heartbeat.DIMENSION}`" in text
