"""The source rows the simulator keeps in memory, each able to render itself as one SQL VALUES tuple.

A row caches its rendered bytes and drops the cache whenever it changes (`touch`), so a daily dump only re-renders the
few hundred rows that changed that day.
"""

from __future__ import annotations

from datetime import date, datetime


class Lit(str):
    """SQL text written verbatim: decimal literals and the source's zero dates."""


ZERO_DATE = Lit("'0000-00-00'")
ZERO_DATETIME = Lit("'0000-00-00 00:00:00'")

# mysql_real_escape_string for utf8mb4 (no NO_BACKSLASH_ESCAPES): exactly these seven characters are escaped.
_ESCAPES = str.maketrans({"\0": "\\0", "\n": "\\n", "\r": "\\r", "\\": "\\\\", "'": "\\'", '"': '\\"', "\x1a": "\\Z"})


def _quoted(value: str) -> str:
    return "'" + value.translate(_ESCAPES) + "'"


def _null(_value: None) -> str:
    return "NULL"


# One renderer per Python type (a dict lookup per value keeps a full production dump to well under a second).
_RENDER = {
    int: int.__repr__,
    str: _quoted,
    Lit: str.__str__,
    type(None): _null,
    datetime: lambda value: "'" + value.isoformat(" ") + "'",
    date: lambda value: "'" + value.isoformat() + "'",
}


def sql_literal(value: object) -> str:
    """One column value as mariadb-dump writes it."""
    render = _RENDER.get(type(value))
    if render is None:
        raise TypeError(f"no SQL literal for {type(value).__name__}: {value!r}")
    return render(value)


def decimal_text(value: float, scale: int) -> Lit:
    """A DECIMAL(p, scale) value as the server prints it (fixed number of fraction digits, never '-0.0...')."""
    rounded = round(value, scale) or 0.0
    return Lit(f"{rounded:.{scale}f}")


class Row:
    """Base of all source rows: subclasses list their dumped columns in `values()` (schema order)."""

    __slots__ = ("_sql", "updated_at")

    def values(self) -> tuple:
        raise NotImplementedError

    def sql(self) -> bytes:
        """`(v1,v2,...)` as UTF-8, cached until the row changes."""
        cached = self._sql
        if cached is None:
            render = _RENDER
            cached = self._sql = ("(" + ",".join([render[type(v)](v) for v in self.values()]) + ")").encode()
        return cached

    def touch(self, ts: datetime) -> None:
        """Mark the row changed at `ts` (updated_at never moves backwards)."""
        if ts > self.updated_at:
            self.updated_at = ts
        self._sql = None


class Apartment(Row):
    __slots__ = (
        "id", "unique_number", "apartment_name", "apartment_name_en", "prefecture", "municipality", "address",
        "zip_code", "latitude", "longitude", "room_count", "created_at",
    )  # fmt: skip

    def values(self) -> tuple:
        return (
            self.id, self.unique_number, self.apartment_name, self.apartment_name_en, self.prefecture,
            self.municipality, self.address, self.zip_code, self.latitude, self.longitude, self.room_count,
            self.created_at, self.updated_at,
        )  # fmt: skip


class Room(Row):
    # free_from: first day a new contract may start (the last contract's move-out day; date.max while held open-ended).
    # holder: id of the moving that last reserved or occupied the room.
    __slots__ = (
        "id", "apartment_id", "room_number", "rent", "room_floor", "capacity", "gender_type", "status", "moving_id",
        "created_at", "free_from", "holder",
    )  # fmt: skip

    def values(self) -> tuple:
        return (
            self.id, self.apartment_id, self.room_number, self.rent, self.room_floor, self.capacity,
            self.gender_type, self.status, self.moving_id, self.created_at, self.updated_at,
        )  # fmt: skip


class Moving(Row):
    # Simulator-only fields: kind ('new', 'renewal', 'transfer', 'migrated', 'orphan'), first_movein (the real first
    # move-in even where the dumped column holds a zero date), prev_free (room.free_from before this contract
    # reserved it, restored on cancellation), turnover (moves in on the day the previous occupant leaves).
    __slots__ = (
        "id", "tenant_id", "apartment_id", "room_id", "moving_agreement_type", "movein_decided_date", "movein_date",
        "original_movein_date", "rent_start_date", "expiration_date", "moveout_receipt_date", "moveout_date",
        "moveout_plans_date", "moveout_date_integrated", "move_renew_flag", "cancel_flag", "is_moveout", "rent",
        "memo", "created_at", "kind", "first_movein", "prev_free", "turnover",
    )  # fmt: skip

    def values(self) -> tuple:
        return (
            self.id, self.tenant_id, self.apartment_id, self.room_id, self.moving_agreement_type,
            self.movein_decided_date, self.movein_date, self.original_movein_date, self.rent_start_date,
            self.expiration_date, self.moveout_receipt_date, self.moveout_date, self.moveout_plans_date,
            self.moveout_date_integrated, self.move_renew_flag, self.cancel_flag, self.is_moveout, self.rent,
            self.memo, self.created_at, self.updated_at,
        )  # fmt: skip


class Tenant(Row):
    __slots__ = (
        "id", "status", "moving_id", "contract_type", "full_name", "last_name", "first_name", "gender_type",
        "birth_date", "age", "nationality", "personal_identity", "affiliation", "affiliation_type", "media_id",
        "reason_moveout", "inquiry_id", "email", "created_at",
    )  # fmt: skip

    def values(self) -> tuple:
        return (
            self.id, self.status, self.moving_id, self.contract_type, self.full_name, self.last_name,
            self.first_name, self.gender_type, self.birth_date, self.age, self.nationality, self.personal_identity,
            self.affiliation, self.affiliation_type, self.media_id, self.reason_moveout, self.inquiry_id, self.email,
            self.created_at, self.updated_at,
        )  # fmt: skip


class Inquiry(Row):
    __slots__ = ("id", "tenant_id", "channel", "created_at")

    def values(self) -> tuple:
        return (self.id, self.tenant_id, self.channel, self.created_at, self.updated_at)


def new_row(cls: type[Row], **fields: object) -> Row:
    """Build a row from keyword fields (every slot must be given)."""
    row = cls.__new__(cls)
    row._sql = None
    for name, value in fields.items():
        setattr(row, name, value)
    return row
