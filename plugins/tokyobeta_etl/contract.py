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

# The columns the pipeline relies on (docs/contract/source_schema.sql). Dumps may carry more.
CONTRACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "movings": (
        "id",
        "tenant_id",
        "apartment_id",
        "room_id",
        "moving_agreement_type",
        "movein_decided_date",
        "movein_date",
        "original_movein_date",
        "rent_start_date",
        "expiration_date",
        "moveout_receipt_date",
        "moveout_date",
        "moveout_plans_date",
        "moveout_date_integrated",
        "move_renew_flag",
        "cancel_flag",
        "is_moveout",
        "rent",
        "created_at",
        "updated_at",
    ),
    "tenants": (
        "id",
        "status",
        "moving_id",
        "contract_type",
        "full_name",
        "last_name",
        "first_name",
        "gender_type",
        "birth_date",
        "age",
        "nationality",
        "personal_identity",
        "affiliation",
        "affiliation_type",
        "media_id",
        "reason_moveout",
        "inquiry_id",
        "created_at",
        "updated_at",
    ),
    "apartments": (
        "id",
        "unique_number",
        "apartment_name",
        "apartment_name_en",
        "prefecture",
        "municipality",
        "address",
        "zip_code",
        "latitude",
        "longitude",
        "room_count",
        "created_at",
        "updated_at",
    ),
    "rooms": (
        "id",
        "apartment_id",
        "room_number",
        "rent",
        "room_floor",
        "capacity",
        "gender_type",
        "status",
        "moving_id",
        "created_at",
        "updated_at",
    ),
    "inquiries": ("id", "tenant_id", "channel", "created_at", "updated_at"),
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
