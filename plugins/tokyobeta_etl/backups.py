"""Previous generations of the full-rebuild silver and gold tables, and restoring one (on-call `restore-backup`).

dbt keeps them (include/dbt/macros/backups.sql): before a full-rebuild model replaces its table, the table is
copied to ops.bak__<schema>__<table>__g1 and older copies move to g2, g3 (Variable tokyobeta_backup_generations).
A restore swaps the live table and the chosen generation in one RENAME, so it is atomic and can be undone by
restoring the same generation again. The next daily run rebuilds the table from staging as usual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tokyobeta_etl import config

_NAME = re.compile(r"^bak__(?P<schema>[a-z_]+?)__(?P<table>[a-z0-9_]+)__g(?P<generation>\d+)$")


@dataclass(frozen=True)
class Backup:
    schema: str
    table: str
    generation: int
    rows: int | None
    created: object

    @property
    def name(self) -> str:
        return backup_name(self.schema, self.table, self.generation)


def backup_name(schema: str, table: str, generation: int) -> str:
    return f"bak__{schema}__{table}__g{generation}"


def parse_backup_name(name: str) -> tuple[str, str, int] | None:
    m = _NAME.match(name)
    return (m["schema"], m["table"], int(m["generation"])) if m else None


def list_backups(cur) -> list[Backup]:
    cur.execute(
        "SELECT table_name, table_rows, create_time FROM information_schema.tables "
        "WHERE table_schema = %s AND table_name LIKE 'bak\\\\_\\\\_%%' ORDER BY table_name",
        (config.OPS,),
    )
    out = []
    for name, rows, created in cur.fetchall():
        if parsed := parse_backup_name(name):
            out.append(Backup(*parsed, rows, created))
    return sorted(out, key=lambda b: (b.schema, b.table, b.generation))


def restore_statement(schema: str, table: str, generation: int) -> str:
    """Swap the live table and the generation in one atomic RENAME (a third name holds one of them meanwhile)."""
    live, kept = f"`{schema}`.`{table}`", f"`{config.OPS}`.`{backup_name(schema, table, generation)}`"
    parked = f"`{config.OPS}`.`{backup_name(schema, table, generation)}_swap`"
    return f"RENAME TABLE {live} TO {parked}, {kept} TO {live}, {parked} TO {kept}"


class RestoreRefused(RuntimeError):
    pass


def restore(conn, qualified_table: str, generation: int) -> str:
    schema, _, table = qualified_table.partition(".")
    if schema not in (config.SILVER, config.GOLD) or not table:
        raise RestoreRefused(f"name a silver or gold table as schema.table, got {qualified_table!r}")
    cur = conn.cursor()
    try:
        available = {b.generation for b in list_backups(cur) if (b.schema, b.table) == (schema, table)}
        if generation not in available:
            have = ", ".join(f"g{g}" for g in sorted(available)) or "none"
            raise RestoreRefused(f"no generation g{generation} of {qualified_table} in {config.OPS} (kept: {have})")
        statement = restore_statement(schema, table, generation)
        cur.execute(statement)
    finally:
        cur.close()
    return statement
