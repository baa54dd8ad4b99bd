"""`db_session.table_exists`: the one "does this table exist" of the row counts and the freshness check, on the real
server as the pipeline's least-privilege user."""

import datetime as dt
from contextlib import closing

from tokyobeta_etl import db_session, freshness, row_counts


def test_table_exists_as_the_etl_user(warehouse, etl_user):
    warehouse.execute("CREATE TABLE ops.probe_table (id INT PRIMARY KEY)", "INSERT INTO ops.probe_table VALUES (1)")
    with closing(warehouse.connect(user=etl_user.user, password=etl_user.password)) as conn:
        with closing(conn.cursor()) as cur:
            assert db_session.table_exists(cur, "ops", "probe_table") is True
            assert db_session.table_exists(cur, "ops", "no_such_table") is False
            assert db_session.table_exists(cur, "no_such_schema", "probe_table") is False
            # its readers: a missing table is None / a finding, an existing one is counted
            assert row_counts._count(cur, "ops.probe_table") == 1
            assert row_counts._count(cur, "silver.stg_rooms") is None
        checks = {c.name: c for c in freshness.table_checks(conn, dt.date(2026, 3, 10))}
    assert checks["silver.tenant_room_snapshot_daily"].detail == "table does not exist"
