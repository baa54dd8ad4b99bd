"""The KPI's tables on the harness server: silver inputs created and filled as the administrator (standing in for
the dbt models), the computation run as the pipeline's least-privilege user, gold rows read back."""

from __future__ import annotations

import datetime as dt

from harness.kpi_rows import Metric, Silver

COMPUTED_AT = dt.datetime(2026, 2, 10, 22, 0, 5)
# MySQL 8.0's default sql_mode: MariaDB runs the SQL under it too, so ONLY_FULL_GROUP_BY slips are caught here.
MYSQL8_SQL_MODE = (
    "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
    "NO_ENGINE_SUBSTITUTION"
)

SILVER_DDL = (
    """CREATE TABLE silver.tenant_room_snapshot_daily (
        snapshot_date DATE NOT NULL,
        tenant_id INT UNSIGNED NOT NULL,
        moving_id INT UNSIGNED NOT NULL,
        apartment_id INT UNSIGNED NOT NULL,
        room_id INT UNSIGNED NOT NULL,
        management_status_code INT NOT NULL,
        tenant_type VARCHAR(16) NULL,
        move_in_date DATE NULL,
        moveout_date DATE NULL,
        moveout_plans_date DATE NULL,
        is_room_primary TINYINT NOT NULL,
        PRIMARY KEY (snapshot_date, tenant_id, apartment_id, room_id),
        KEY ix_snapshot_room (snapshot_date, apartment_id, room_id),
        KEY ix_snapshot_primary (snapshot_date, is_room_primary)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4""",
    """CREATE TABLE silver.room_count_daily (
        snapshot_date DATE NOT NULL PRIMARY KEY,
        total_rooms INT NOT NULL
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4""",
    """CREATE TABLE silver.tenant_status_history (
        tenant_id INT UNSIGNED NOT NULL,
        management_status_code INT NOT NULL,
        legacy_contract_type INT NULL,
        valid_from DATE NOT NULL,
        valid_to DATE NULL,
        is_current TINYINT NOT NULL,
        PRIMARY KEY (tenant_id, valid_from)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4""",
)
METRIC_COLUMNS = ", ".join(Metric._fields)


class KpiDb:
    def __init__(self, server, etl_user) -> None:
        self.server = server
        self.etl_user = etl_user
        server.execute(*SILVER_DDL)

    def load(self, silver: Silver) -> None:
        """Replace the three silver tables' rows."""
        conn = self.server.connect()
        try:
            cur = conn.cursor()
            for table in ("tenant_room_snapshot_daily", "room_count_daily", "tenant_status_history"):
                cur.execute(f"DELETE FROM silver.{table}")
            if silver.snapshots:
                cur.executemany(
                    "INSERT INTO silver.tenant_room_snapshot_daily VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    silver.snapshots,
                )
            if silver.history:
                cur.executemany(
                    "INSERT INTO silver.tenant_status_history VALUES (%s, %s, %s, %s, %s, %s)", silver.history
                )
            if silver.room_counts:
                cur.executemany("INSERT INTO silver.room_count_daily VALUES (%s, %s)", list(silver.room_counts.items()))
        finally:
            conn.close()

    def connect_etl(self, sql_mode: str | None = None, **kwargs):
        conn = self.server.connect(user=self.etl_user.user, password=self.etl_user.password, **kwargs)
        if sql_mode is not None:
            conn.cursor().execute("SET SESSION sql_mode = %s", (sql_mode,))
        return conn

    def run(
        self,
        batch_date: dt.date,
        lookback_days: int = 3,
        forward_days: int = 90,
        computed_at: dt.datetime = COMPUTED_AT,
        sql_mode: str | None = None,
    ) -> dict:
        from tokyobeta_etl.kpi import compute_occupancy_metrics

        conn = self.connect_etl(sql_mode)
        try:
            return compute_occupancy_metrics(conn, batch_date, lookback_days, forward_days, computed_at)
        finally:
            conn.close()

    def metrics(self) -> dict[dt.date, Metric]:
        return {row[0]: Metric(*row) for row in self._select(METRIC_COLUMNS)}

    def full_rows(self) -> list[tuple]:
        """Every column, computed_at included."""
        return self._select(f"{METRIC_COLUMNS}, computed_at")

    def _select(self, columns: str) -> list[tuple]:
        conn = self.server.connect()
        try:
            cur = conn.cursor()
            cur.execute(f"SELECT {columns} FROM gold.occupancy_daily_metrics ORDER BY snapshot_date")
            return [tuple(row) for row in cur.fetchall()]
        finally:
            conn.close()
