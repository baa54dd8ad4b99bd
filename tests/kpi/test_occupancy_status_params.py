"""The KPI SQL names the tenant status sets; tokyobeta_etl.data_contract alone holds their numbers."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tokyobeta_etl import data_contract
from tokyobeta_etl.kpi import occupancy_window
from tokyobeta_etl.kpi.occupancy import statement_params
from tokyobeta_etl.kpi.sql_files import default_sql_dir, load_statement
from tokyobeta_etl.kpi.status_params import status_params

_NUMBER_LIST = re.compile(r"\bin\s*\(\s*\d", re.IGNORECASE)
_STATUS_PLACEHOLDER = re.compile(r"%\((\w+_statuses)\)s")


def _statements() -> dict[str, str]:
    sql_dir = default_sql_dir()
    return {p.stem: load_statement(sql_dir, p.stem) for p in sorted(sql_dir.glob("*.sql"))}


def test_the_sql_files_hold_no_status_number():
    for name, statement in _statements().items():
        assert not _NUMBER_LIST.search(statement), name


def test_the_sql_files_name_exactly_the_status_params():
    named = {m for statement in _statements().values() for m in _STATUS_PLACEHOLDER.findall(statement)}
    assert named == set(status_params()) == {"application_statuses", "movein_statuses"}


def test_the_params_are_the_contract_sets_read_at_call_time(monkeypatch):
    assert status_params() == {"application_statuses": (4, 5), "movein_statuses": (4, 5, 6, 7, 9)}
    monkeypatch.setattr(data_contract, "APPLICATION_STATUSES", frozenset({8, 4}))
    assert status_params()["application_statuses"] == (4, 8)


def test_an_empty_set_is_refused(monkeypatch):
    monkeypatch.setattr(data_contract, "MOVEIN_STATUSES", frozenset())
    with pytest.raises(ValueError, match="movein_statuses is empty"):
        status_params()


def test_the_driver_writes_the_python_set_into_the_statement(kpi_db, monkeypatch):
    window = occupancy_window(dt.date(2026, 2, 10), dt.date(2026, 2, 10), 3, 90)
    statement = _statements()["occupancy_insert_projections"]
    conn = kpi_db.connect_etl()
    try:
        cur = conn.cursor()
        before = cur.mogrify(statement, statement_params(window, dt.datetime(2026, 2, 10, 22, 0)))
        monkeypatch.setattr(data_contract, "APPLICATION_STATUSES", frozenset({4, 5, 6}))
        after = cur.mogrify(statement, statement_params(window, dt.datetime(2026, 2, 10, 22, 0)))
    finally:
        conn.close()
    assert "b.management_status_code IN (4,5) AND" in before
    assert "b.management_status_code IN (4,5,6) AND" in after
