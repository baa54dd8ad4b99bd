"""silver.tenant_status_history appended one batch date at a time equals the history rebuilt in full, day after day.

Each day's snapshot is written by the DAG's own include/sql/staging/snapshot_tenants.sql (rendered here as the
MySqlOperator renders it), then one `dbt build` of the model (its tests included) runs for that batch date. After
every build the table must equal periods computed here from every snapshot row, be defined exactly as the first
(full) build defined it, and have been built the way the day calls for: appended for a new latest date, in full for
anything else (a re-run, a past date, a date rewritten since the last build, a table that is not the last build's).
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import jinja2
import pytest

from harness.dbt_runner import REPO, empty_warehouse, query
from tokyobeta_etl.admin import split_sql

SNAPSHOT_SQL = REPO / "include" / "sql" / "staging" / "snapshot_tenants.sql"
MODEL = "silver.tenant_status_history"
COLUMNS = (
    "tenant_id, period_number, management_status_code, legacy_contract_type, previous_management_status_code, "
    "valid_from, valid_to, is_current, last_snapshot_date, snapshot_count"
)
D = dt.date.fromisoformat
APPEND, FULL = "appending", "full rebuild"


def expected_periods(snapshots: dict[dt.date, dict[int, tuple]]) -> list[tuple]:
    """CONTRACT.md section 5's SCD2, straight from the snapshot rows: one period per run of unchanged (status,
    contract_type) in a tenant's snapshots in date order; a gap belongs to the period before it."""
    by_tenant: dict[int, list[tuple[dt.date, tuple]]] = {}
    for day in sorted(snapshots):
        for tenant, value in snapshots[day].items():
            by_tenant.setdefault(tenant, []).append((day, value))
    out = []
    for tenant, seen in sorted(by_tenant.items()):
        runs: list[list] = []
        for day, value in seen:
            if runs and runs[-1][0] == value:
                runs[-1][2], runs[-1][3] = day, runs[-1][3] + 1
            else:
                runs.append([value, day, day, 1])
        for number, (value, first, last, count) in enumerate(runs, start=1):
            following = runs[number][1] if number < len(runs) else None
            out.append((
                tenant, number, value[0], value[1], runs[number - 2][0][0] if number > 1 else None,
                first, following - dt.timedelta(days=1) if following else None, 0 if following else 1, last, count,
            ))  # fmt: skip
    return out


class History:
    """The staging snapshot and the model, driven day by day as the DAG drives them."""

    def __init__(self, server, dbt):
        self.server, self.dbt = server, dbt
        self.snapshots: dict[dt.date, dict[int, tuple]] = {}
        self.definition: str | None = None
        template = jinja2.Template(SNAPSHOT_SQL.read_text(encoding="utf-8"))
        self._render = lambda day: template.render(
            tokyobeta=SimpleNamespace(batch_iso=lambda *_: day.isoformat(), batch_schema=lambda *_: "staging_load"),
            params={},
            data_interval_end=None,
        )

    def snapshot(self, day: dt.date, tenants: dict[int, tuple]) -> None:
        """snapshot_tenants for `day`, reading `tenants` (id -> (status, contract_type)) as that day's load area."""
        self.server.execute(
            "DELETE FROM staging_load.tenants",
            *(
                "INSERT INTO staging_load.tenants (id, status, contract_type, moving_id) VALUES "
                f"({tenant}, {status}, {'NULL' if kind is None else kind}, NULL)"
                for tenant, (status, kind) in tenants.items()
            ),
        )
        conn = self.server.connect()
        try:
            conn.autocommit(False)
            cur = conn.cursor()
            for statement in split_sql(self._render(day)):
                cur.execute(statement)
            conn.commit()
        finally:
            conn.close()
        self.snapshots[day] = dict(tenants)

    def build(self, day: dt.date, way: str) -> None:
        result = self.dbt.run("build", "--select", "tenant_status_history", vars={"batch_date": day.isoformat()})
        assert result.failed() == {}, result.tail()
        said = re.findall(r"tenant_status_history: (appending|full rebuild)", result.stdout)
        assert said == [way], f"{day}: expected {way}, dbt said {said}\n{result.tail()}"
        got = query(self.server, f"SELECT {COLUMNS} FROM {MODEL} ORDER BY tenant_id, valid_from")
        assert got == expected_periods(self.snapshots), day
        (row,) = query(self.server, f"SHOW CREATE TABLE {MODEL}")
        definition = re.sub(r" COMMENT='[^']*'", "", row[1]).splitlines()
        if self.definition is None:
            self.definition = definition
        assert definition == self.definition, "\n".join(
            [f"{day}: the {way} defined the table differently:"]
            + [f"{a}  <>  {b}" for a, b in zip(definition, self.definition, strict=False) if a != b]
        )


@pytest.fixture(scope="module")
def history(mysql_server, etl_user, dbt):
    empty_warehouse(mysql_server)
    mysql_server.execute(
        "CREATE TABLE staging_load.tenants (id INT UNSIGNED PRIMARY KEY, status INT UNSIGNED NOT NULL, "
        "contract_type INT UNSIGNED NULL, moving_id INT UNSIGNED NULL)"
    )
    dbt.run("seed", "--select", "code_tenant_status")
    yield History(mysql_server, dbt)
    empty_warehouse(mysql_server)


def test_new_latest_dates_append_and_everything_else_rebuilds_in_full(history):
    h = history
    h.snapshot(D("2026-03-01"), {1: (4, 0), 2: (9, None), 3: (9, 1)})
    h.build(D("2026-03-01"), FULL)  # first build
    h.snapshot(D("2026-03-02"), {1: (5, 0), 2: (9, None), 3: (9, 1)})  # a change; a NULL contract type continues
    h.build(D("2026-03-02"), APPEND)
    h.snapshot(D("2026-03-03"), {1: (5, 0), 2: (9, 2), 4: (4, 0)})  # NULL -> 2; tenant 3 missing; tenant 4 new
    h.build(D("2026-03-03"), APPEND)
    h.snapshot(D("2026-03-04"), {1: (4, 0), 2: (9, 2), 3: (9, 1), 4: (5, 0)})  # back to 4; tenant 3 back, unchanged
    h.build(D("2026-03-04"), APPEND)
    # 2026-03-05 never ran: the gap belongs to the periods before it
    h.snapshot(D("2026-03-06"), {1: (4, 0), 2: (14, 2), 3: (9, 1), 4: (5, 0)})
    h.build(D("2026-03-06"), APPEND)

    h.build(D("2026-03-06"), FULL)  # the model's task cleared and re-run: already holds its date
    h.snapshot(D("2026-03-06"), h.snapshots[D("2026-03-06")])  # the whole day re-run
    h.build(D("2026-03-06"), FULL)
    h.snapshot(D("2026-03-03"), {1: (9, 0), 2: (9, 2), 4: (4, 0)})  # a past date re-run, with other statuses
    h.build(D("2026-03-03"), FULL)
    h.snapshot(D("2026-03-07"), {1: (9, 0), 2: (14, 2), 3: (10, 1), 4: (5, 0)})
    h.build(D("2026-03-07"), APPEND)

    # a past date's snapshot rewritten by a run that failed before the history: the next day picks it up
    h.snapshot(D("2026-03-02"), {1: (4, 0), 2: (9, None), 3: (9, 1)})
    h.snapshot(D("2026-03-08"), {1: (9, 0), 2: (14, 2), 3: (10, 1), 4: (9, 0)})
    h.build(D("2026-03-08"), FULL)
    h.snapshot(D("2026-03-09"), {1: (9, 0), 2: (14, 2), 3: (10, 1), 4: (9, 0), 5: (4, None)})
    h.build(D("2026-03-09"), APPEND)


def test_a_table_that_is_not_the_last_build_is_rebuilt_in_full(history, mysql_server):
    h = history
    h.snapshot(D("2026-04-01"), {1: (9, 0), 2: (14, 2)})
    h.build(D("2026-04-01"), APPEND)  # a new latest date after the first test's days
    mysql_server.execute(f"CREATE TABLE staging_load.saved_history AS SELECT * FROM {MODEL}")
    h.snapshot(D("2026-04-02"), {1: (9, 0), 2: (9, 2)})
    h.build(D("2026-04-02"), APPEND)
    # restored from the copy taken before 2026-04-02 (as an on-call restore would): it holds 2026-04-01 only
    mysql_server.execute(f"DELETE FROM {MODEL}", f"INSERT INTO {MODEL} SELECT * FROM staging_load.saved_history")
    h.snapshot(D("2026-04-03"), {1: (10, 0), 2: (9, 2)})
    h.build(D("2026-04-03"), FULL)
    # the build died after the new table was in place, before it marked the snapshots read: the re-run is in full
    h.snapshot(D("2026-04-04"), {1: (10, 0), 2: (9, 2), 3: (4, 0)})
    h.build(D("2026-04-04"), APPEND)
    mysql_server.execute("UPDATE staging.tenant_snapshot_dates SET status_history_read_at = NULL")
    h.build(D("2026-04-04"), FULL)
