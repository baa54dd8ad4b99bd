"""The source tables as MariaDB 10.11 prints them in SHOW CREATE TABLE.

Every contract column (docs/contract/source_schema.sql) is here in contract order; like the real source, some tables
carry extra columns the pipeline must ignore (movings.memo, tenants.email) and a secondary key. The column order here
is the order of each row class's `values()` in model.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from tokyobeta_etl.data_contract import CONTRACT_COLUMNS, DUMP_FILES

TABLE_OPTIONS = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"
DATABASE_OPTIONS = "DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"


@dataclass(frozen=True)
class TableDef:
    name: str
    columns: tuple[tuple[str, str], ...]  # (column name, definition as SHOW CREATE TABLE prints it)
    keys: tuple[str, ...] = ()  # secondary key lines, e.g. "KEY `idx` (`col`)"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    def create_statement(self) -> str:
        """SHOW CREATE TABLE text, without the trailing semicolon."""
        lines = [f"  `{name}` {definition}" for name, definition in self.columns]
        lines.append("  PRIMARY KEY (`id`)")
        lines.extend(f"  {key}" for key in self.keys)
        return f"CREATE TABLE `{self.name}` (\n" + ",\n".join(lines) + f"\n) {TABLE_OPTIONS}"


_UINT = "int(10) unsigned"
_TS = (("created_at", "datetime NOT NULL"), ("updated_at", "datetime NOT NULL"))

TABLES: dict[str, TableDef] = {
    "movings": TableDef(
        "movings",
        (
            ("id", f"{_UINT} NOT NULL"),
            ("tenant_id", f"{_UINT} NOT NULL"),
            ("apartment_id", f"{_UINT} NOT NULL"),
            ("room_id", f"{_UINT} NOT NULL"),
            ("moving_agreement_type", "tinyint(3) unsigned DEFAULT NULL"),
            ("movein_decided_date", "datetime DEFAULT NULL"),
            ("movein_date", "date DEFAULT NULL"),
            ("original_movein_date", "date DEFAULT NULL"),
            ("rent_start_date", "date DEFAULT NULL"),
            ("expiration_date", "date DEFAULT NULL"),
            ("moveout_receipt_date", "date DEFAULT NULL"),
            ("moveout_date", "date DEFAULT NULL"),
            ("moveout_plans_date", "date DEFAULT NULL"),
            ("moveout_date_integrated", "date DEFAULT NULL"),
            ("move_renew_flag", "tinyint(4) NOT NULL DEFAULT 0"),
            ("cancel_flag", "tinyint(4) NOT NULL DEFAULT 0"),
            ("is_moveout", "tinyint(4) NOT NULL DEFAULT 0"),
            ("rent", "decimal(10,0) DEFAULT NULL"),
            ("memo", "text DEFAULT NULL"),  # extra source column
            *_TS,
        ),
        ("KEY `idx_movings_tenant_id` (`tenant_id`)",),
    ),
    "tenants": TableDef(
        "tenants",
        (
            ("id", f"{_UINT} NOT NULL"),
            ("status", f"{_UINT} NOT NULL"),
            ("moving_id", f"{_UINT} DEFAULT NULL"),
            ("contract_type", f"{_UINT} NOT NULL DEFAULT 0"),
            ("full_name", "varchar(191) DEFAULT NULL"),
            ("last_name", "varchar(128) DEFAULT NULL"),
            ("first_name", "varchar(128) DEFAULT NULL"),
            ("gender_type", "tinyint(3) unsigned DEFAULT NULL"),
            ("birth_date", "date DEFAULT NULL"),
            ("age", "int(11) DEFAULT NULL"),
            ("nationality", "varchar(64) DEFAULT NULL"),
            ("personal_identity", "varchar(16) DEFAULT NULL"),
            ("affiliation", "varchar(255) DEFAULT NULL"),
            ("affiliation_type", "tinyint(3) unsigned DEFAULT NULL"),
            ("media_id", f"{_UINT} DEFAULT NULL"),
            ("reason_moveout", "tinyint(3) unsigned DEFAULT NULL"),
            ("inquiry_id", f"{_UINT} DEFAULT NULL"),
            ("email", "varchar(255) DEFAULT NULL"),  # extra source column
            *_TS,
        ),
    ),
    "apartments": TableDef(
        "apartments",
        (
            ("id", f"{_UINT} NOT NULL"),
            ("unique_number", "varchar(32) DEFAULT NULL"),
            ("apartment_name", "varchar(255) NOT NULL"),
            ("apartment_name_en", "varchar(255) DEFAULT NULL"),
            ("prefecture", "varchar(16) NOT NULL"),
            ("municipality", "varchar(64) DEFAULT NULL"),
            ("address", "varchar(255) DEFAULT NULL"),
            ("zip_code", "varchar(8) DEFAULT NULL"),
            ("latitude", "decimal(8,6) DEFAULT NULL"),
            ("longitude", "decimal(9,6) DEFAULT NULL"),
            ("room_count", f"{_UINT} DEFAULT NULL"),
            *_TS,
        ),
    ),
    "rooms": TableDef(
        "rooms",
        (
            ("id", f"{_UINT} NOT NULL"),
            ("apartment_id", f"{_UINT} NOT NULL"),
            ("room_number", "varchar(32) NOT NULL"),
            ("rent", "decimal(10,0) DEFAULT NULL"),
            ("room_floor", "int(11) DEFAULT NULL"),
            ("capacity", "tinyint(3) unsigned NOT NULL DEFAULT 1"),
            ("gender_type", "tinyint(3) unsigned DEFAULT NULL"),
            ("status", "tinyint(3) unsigned DEFAULT NULL"),
            ("moving_id", f"{_UINT} DEFAULT NULL"),
            *_TS,
        ),
    ),
    "inquiries": TableDef(
        "inquiries",
        (
            ("id", f"{_UINT} NOT NULL"),
            ("tenant_id", f"{_UINT} DEFAULT NULL"),
            ("channel", "varchar(32) DEFAULT NULL"),
            *_TS,
        ),
    ),
}


def _check() -> None:
    """Fail at import if a contract column is missing or out of order: the pipeline relies on every one."""
    if set(TABLES) != {t for tables in DUMP_FILES.values() for t in tables}:
        raise RuntimeError("simulator tables differ from the contract's dump files")
    for name, table in TABLES.items():
        names = table.column_names
        contract = CONTRACT_COLUMNS[name]
        if [c for c in names if c in contract] != list(contract):
            raise RuntimeError(f"{name}: simulator columns do not carry the contract columns in order")


_check()
