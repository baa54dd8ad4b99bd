"""The freshness thresholds are freshness.py's; the texts that state the grades are built from them."""

import datetime as dt
from pathlib import Path

from tokyobeta_etl import freshness

TODAY = dt.date(2026, 3, 10)


def test_grades_text_states_the_thresholds():
    assert freshness.grades_text() == "up to 1 day old fresh, 2 days a warning, 3 or more, empty or missing critical"


def test_grade_switches_level_right_after_each_threshold():
    def level(age: int) -> str:
        return freshness.grade("t", TODAY - dt.timedelta(days=age), TODAY).level

    assert [level(a) for a in range(freshness.WARNING_AFTER_DAYS + 1)] == [freshness.OK] * 2
    assert level(freshness.WARNING_AFTER_DAYS + 1) == freshness.WARNING
    assert level(freshness.CRITICAL_AFTER_DAYS) == freshness.WARNING
    assert level(freshness.CRITICAL_AFTER_DAYS + 1) == freshness.CRITICAL


def test_grades_text_follows_wider_thresholds(monkeypatch):
    monkeypatch.setattr(freshness, "WARNING_AFTER_DAYS", 2)
    monkeypatch.setattr(freshness, "CRITICAL_AFTER_DAYS", 4)
    assert freshness.grades_text() == (
        "up to 2 days old fresh, 3 to 4 days a warning, 5 or more, empty or missing critical"
    )


def test_the_readme_alert_table_states_the_thresholds_it_reads_from_freshness():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    critical = next(line for line in readme.splitlines() if line.startswith("| `[tokyobeta] STALE DATA <date>"))
    warning = next(line for line in readme.splitlines() if line.startswith("| `[tokyobeta] STALE DATA WARN"))
    assert f"silver or gold more than {freshness.days_text(freshness.CRITICAL_AFTER_DAYS)} old" in critical
    assert f"silver or gold more than {freshness.days_text(freshness.WARNING_AFTER_DAYS)} old" in warning
