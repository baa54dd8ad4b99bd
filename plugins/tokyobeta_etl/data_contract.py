"""The fixed names of the pipeline's contract (docs/contract/CONTRACT.md): input files, tables, columns, status sets."""

from __future__ import annotations

# Dump stem -> the tables that file must carry, in the order the source writes them.
DUMP_FILES: dict[str, tuple[str, ...]] = {
    "movings": ("movings",),
    "tenants": ("tenants",),
    "rooms": ("apartments", "rooms"),
    "inquiries": ("inquiries",),
}

STAGING_TABLES: tuple[str, ...] = tuple(t for tables in DUMP_FILES.values() for t in tables)

# The columns the pipeline relies on and their types as docs/contract/source_schema.sql declares them, in contract
# order (tests/dumps/test_column_types.py keeps the two identical). Dumps may carry more columns, and wider types.
CONTRACT_TYPES: dict[str, tuple[tuple[str, str], ...]] = {
    "movings": (
        ("id", "int unsigned"),
        ("tenant_id", "int unsigned"),
        ("apartment_id", "int unsigned"),
        ("room_id", "int unsigned"),
        ("moving_agreement_type", "tinyint unsigned"),
        ("movein_decided_date", "datetime"),
        ("movein_date", "date"),
        ("original_movein_date", "date"),
        ("rent_start_date", "date"),
        ("expiration_date", "date"),
        ("moveout_receipt_date", "date"),
        ("moveout_date", "date"),
        ("moveout_plans_date", "date"),
        ("moveout_date_integrated", "date"),
        ("move_renew_flag", "tinyint"),
        ("cancel_flag", "tinyint"),
        ("is_moveout", "tinyint"),
        ("rent", "decimal(10,0)"),
        ("created_at", "datetime"),
        ("updated_at", "datetime"),
    ),
    "tenants": (
        ("id", "int unsigned"),
        ("status", "int unsigned"),
        ("moving_id", "int unsigned"),
        ("contract_type", "int unsigned"),
        ("full_name", "varchar(191)"),
        ("last_name", "varchar(128)"),
        ("first_name", "varchar(128)"),
        ("gender_type", "tinyint unsigned"),
        ("birth_date", "date"),
        ("age", "int"),
        ("nationality", "varchar(64)"),
        ("personal_identity", "varchar(16)"),
        ("affiliation", "varchar(255)"),
        ("affiliation_type", "tinyint unsigned"),
        ("media_id", "int unsigned"),
        ("reason_moveout", "tinyint unsigned"),
        ("inquiry_id", "int unsigned"),
        ("created_at", "datetime"),
        ("updated_at", "datetime"),
    ),
    "apartments": (
        ("id", "int unsigned"),
        ("unique_number", "varchar(32)"),
        ("apartment_name", "varchar(255)"),
        ("apartment_name_en", "varchar(255)"),
        ("prefecture", "varchar(16)"),
        ("municipality", "varchar(64)"),
        ("address", "varchar(255)"),
        ("zip_code", "varchar(8)"),
        ("latitude", "decimal(8,6)"),
        ("longitude", "decimal(9,6)"),
        ("room_count", "int unsigned"),
        ("created_at", "datetime"),
        ("updated_at", "datetime"),
    ),
    "rooms": (
        ("id", "int unsigned"),
        ("apartment_id", "int unsigned"),
        ("room_number", "varchar(32)"),
        ("rent", "decimal(10,0)"),
        ("room_floor", "int"),
        ("capacity", "tinyint unsigned"),
        ("gender_type", "tinyint unsigned"),
        ("status", "tinyint unsigned"),
        ("moving_id", "int unsigned"),
        ("created_at", "datetime"),
        ("updated_at", "datetime"),
    ),
    "inquiries": (
        ("id", "int unsigned"),
        ("tenant_id", "int unsigned"),
        ("channel", "varchar(32)"),
        ("created_at", "datetime"),
        ("updated_at", "datetime"),
    ),
}

# Column names only, derived so that the types above stay the one owner.
CONTRACT_COLUMNS: dict[str, tuple[str, ...]] = {
    table: tuple(name for name, _ in columns) for table, columns in CONTRACT_TYPES.items()
}

# Management status (tenants.status) sets, CONTRACT.md section 4.
SNAPSHOT_STATUSES: frozenset[int] = frozenset({4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15})
PRESENT_STATUSES: frozenset[int] = frozenset({7, 9, 10, 11, 12, 13, 14, 15})
APPLICATION_STATUSES: frozenset[int] = frozenset({4, 5})
# is_room_primary rank, best first (CONTRACT.md section 5).
PRIMARY_STATUS_RANK: tuple[int, ...] = (9, 10, 11, 12, 13, 14, 15, 7)
# Statuses counted as a new move-in on a fact day (CONTRACT.md section 6).
MOVEIN_STATUSES: frozenset[int] = frozenset({4, 5, 6, 7, 9})

DEFAULT_BUCKET = "jram-gghouse"
DEFAULT_PREFIX = "dumps/"


def dump_key(prefix: str, stem: str, batch_yyyymmdd: str, gz: bool = False) -> str:
    """S3 key of one dump: `{prefix}{stem}_YYYYMMDD.sql[.gz]`."""
    return f"{prefix}{stem}_{batch_yyyymmdd}.sql" + (".gz" if gz else "")
