"""Backups of the full-rebuild silver and gold tables and of gold.occupancy_daily_metrics, one per batch date, and
restoring one (on-call `restore-backup`). docs/decisions/0008-backups-per-batch.md.

A backup is named by the batch its content holds: ops.bak__<schema>__<table>__<yyyymmdd>. The tables carry that
batch as their comment (`tokyobeta batch=YYYY-MM-DD`, the staging tables' tag), written only once the content it
names is in place, so an untagged table (content of unknown batch) is never copied under a batch's name. Before a
table is rewritten it is copied to the name of its tag, replacing that batch's earlier copy (a re-run of the same
batch), and the newest N batch dates are kept (Variable tokyobeta_backup_generations; 0 keeps none). dbt does this
for its models (include/dbt/macros/backups.sql), the KPI for its table through keep_generation(). This module owns
the naming: dbt reads its pieces as vars (dbt_vars()); the fallbacks the macro and dbt_project.yml keep for a run
without them are checked against it (tests/dbt/test_gold_backup_naming.py), and tests/ops/test_backups.py checks
that both name the same tables.

A restore swaps the live table and the chosen batch's backup in one RENAME. The comment moves with each table, so
the live table then carries the restored batch and the one it replaced becomes the backup of its own batch:
restoring that batch undoes it. The next daily run rebuilds the table from staging as usual.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass

from tokyobeta_etl import config
from tokyobeta_etl.loading.generations import parse_tag

MAX_IDENTIFIER = 64  # MySQL's (and MariaDB's) limit on a table name
# <BACKUP_SCHEMA>.<PREFIX><SEPARATOR><schema><SEPARATOR><table><SEPARATOR><batch as BATCH_FORMAT>
BACKUP_SCHEMA = config.OPS
PREFIX = "bak"
SEPARATOR = "__"
BATCH_FORMAT = "%Y%m%d"  # eight digits: the 'YYYY-MM-DD' batch without its dashes
FILLING = "new"  # suffix of a copy being filled: never a batch, never listed
PARKED = "swap"  # suffix of the third name a same-batch swap needs for an instant
GENERATIONS_VARIABLE = "tokyobeta_backup_generations"
DEFAULT_GENERATIONS = int(config.VARIABLE_DEFAULTS[GENERATIONS_VARIABLE])
_NAME = re.compile(
    rf"^{PREFIX}{SEPARATOR}(?P<schema>[a-z]+){SEPARATOR}(?P<table>[a-z0-9_]+){SEPARATOR}(?P<batch>\d{{8}})$"
)
# LIKE pattern of every backup's name: `_` is a LIKE wildcard, escaped (the regex above then keeps real names)
_LIKE_ANY = (PREFIX + SEPARATOR).replace("_", "\\_") + "%"


@dataclass(frozen=True)
class Backup:
    schema: str
    table: str
    batch: dt.date
    rows: int | None  # information_schema's estimate
    created: object

    @property
    def name(self) -> str:
        return backup_name(self.schema, self.table, self.batch)


def dbt_vars() -> dict[str, str]:
    """The naming pieces include/dbt/macros/backups.sql reads as vars, so that dbt names backups as this module
    does. The generations to keep travel apart (var backup_generations, the Airflow Variable)."""
    return {
        "backup_schema": BACKUP_SCHEMA,
        "backup_name_prefix": PREFIX,
        "backup_name_separator": SEPARATOR,
        "backup_filling_suffix": FILLING,
    }


def backup_name(schema: str, table: str, batch: dt.date) -> str:
    return _name(schema, table, batch.strftime(BATCH_FORMAT))


def _name(schema: str, table: str, suffix: str) -> str:
    name = SEPARATOR.join((PREFIX, schema, table, suffix))
    if len(name) > MAX_IDENTIFIER:
        raise ValueError(f"backup name {name} is longer than MySQL's {MAX_IDENTIFIER} characters")
    return name


def parse_backup_name(name: str) -> tuple[str, str, dt.date] | None:
    m = _NAME.match(name)
    if not m:
        return None
    try:
        batch = dt.datetime.strptime(m["batch"], "%Y%m%d").date()
    except ValueError:  # eight digits that are no calendar date: not a name this module made
        return None
    return m["schema"], m["table"], batch


def generations_to_keep() -> int:
    raw = config.setting(GENERATIONS_VARIABLE)
    if not (raw or "").isdigit():
        raise ValueError(f"Variable {GENERATIONS_VARIABLE} must be a whole number >= 0, got {raw!r}")
    return int(raw)


def list_backups(cur) -> list[Backup]:
    """Every backup in ops, by table, newest batch first."""
    cur.execute(
        "SELECT table_name, table_rows, create_time FROM information_schema.tables "
        "WHERE table_schema = %s AND table_name LIKE %s",
        (BACKUP_SCHEMA, _LIKE_ANY),
    )
    rows = [(parse_backup_name(name), estimate, created) for name, estimate, created in cur.fetchall()]
    out = [Backup(*parsed, estimate, created) for parsed, estimate, created in rows if parsed]
    return sorted(out, key=lambda b: (b.schema, b.table, -b.batch.toordinal()))


def backups_of(cur, schema: str, table: str) -> list[Backup]:
    return [b for b in list_backups(cur) if (b.schema, b.table) == (schema, table)]


def table_comment(cur, schema: str, table: str) -> str | None:
    """The table's comment ('' when it has none); None when there is no such table."""
    cur.execute(
        "SELECT table_comment FROM information_schema.tables WHERE table_schema = %s AND table_name = %s",
        (schema, table),
    )
    row = cur.fetchone()
    return None if row is None else row[0] or ""


def set_comment(cur, schema: str, table: str, comment: str) -> None:
    cur.execute(f"ALTER TABLE `{schema}`.`{table}` COMMENT = %s", (comment,))


def keep_generation(cur, schema: str, table: str, keep: int) -> dt.date | None:
    """Before `schema.table` is rewritten: copy it to the backup of the batch its tag names (replacing that batch's
    earlier copy), then drop all but the newest `keep` batch dates. Returns the batch copied (None: untagged or
    missing, nothing copied). DDL: it commits, so call it outside the rewrite's transaction."""
    if keep < 0:
        raise ValueError(f"keep must be >= 0, got {keep}")
    held = parse_tag(table_comment(cur, schema, table)) if keep else None
    if held:
        _copy(cur, schema, table, backup_name(schema, table, held))
    for old in backups_of(cur, schema, table)[keep:]:
        cur.execute(f"DROP TABLE IF EXISTS `{BACKUP_SCHEMA}`.`{old.name}`")
    return held


def _copy(cur, schema: str, table: str, name: str) -> None:
    """Fill a scratch copy, then rename it: a backup's name never shows a half-copied table. LIKE copies the
    definition and the comment (the tag) too."""
    live, target = f"`{schema}`.`{table}`", f"`{BACKUP_SCHEMA}`.`{name}`"
    filling = f"`{BACKUP_SCHEMA}`.`{_name(schema, table, FILLING)}`"
    for statement in (
        f"DROP TABLE IF EXISTS {filling}",
        f"CREATE TABLE {filling} LIKE {live}",
        f"INSERT INTO {filling} SELECT * FROM {live}",
        f"DROP TABLE IF EXISTS {target}",
        f"RENAME TABLE {filling} TO {target}",
    ):
        cur.execute(statement)


def live_batches(cur) -> dict[tuple[str, str], dt.date | None]:
    """(schema, table) -> the batch each silver and gold table holds (None: untagged)."""
    cur.execute(
        "SELECT table_schema, table_name, table_comment FROM information_schema.tables WHERE table_schema IN (%s, %s)",
        (config.SILVER, config.GOLD),
    )
    return {(schema, table): parse_tag(comment) for schema, table, comment in cur.fetchall()}


def listing(cur) -> str:
    kept = list_backups(cur)
    if not kept:
        return f"No backups kept in {BACKUP_SCHEMA}."
    live = live_batches(cur)
    lines = ["Backups by batch date, newest first (the live table's batch in brackets):"]
    for (schema, table), group in itertools.groupby(kept, key=lambda b: (b.schema, b.table)):
        lines.append(f"  {schema}.{table} [live: {_describe_live(live, schema, table)}]")
        lines += [f"    {b.batch}  ~{b.rows or 0:,} rows  taken {b.created}" for b in group]
    return "\n".join(lines)


def _describe_live(live: dict, schema: str, table: str) -> str:
    if (schema, table) not in live:
        return "missing"
    return str(live[(schema, table)] or "no batch tag")


class RestoreRefused(RuntimeError):
    pass


@dataclass(frozen=True)
class Restored:
    table: str
    batch: dt.date  # the batch the live table holds now
    replaced: dt.date | None  # the batch the swapped-out table holds (now its backup); None: there was no live table
    statements: tuple[str, ...]

    @property
    def replaced_name(self) -> str | None:
        schema, _, table = self.table.partition(".")
        return None if self.replaced is None else backup_name(schema, table, self.replaced)


def restore(conn, qualified_table: str, batch: dt.date | None = None) -> Restored:
    """Swap the backup of `batch` (None: the newest kept) in for the live table."""
    schema, _, table = qualified_table.partition(".")
    if schema not in (config.SILVER, config.GOLD) or not table:
        raise RestoreRefused(f"name a silver or gold table as schema.table, got {qualified_table!r}")
    cur = conn.cursor()
    try:
        kept = {b.batch for b in backups_of(cur, schema, table)}
        chosen = _choose(qualified_table, kept, batch)
        comment = table_comment(cur, schema, table)
        replaced = parse_tag(comment)
        if comment is not None and replaced is None:
            raise RestoreRefused(
                f"{qualified_table} carries no batch tag (its last build did not finish, or it predates per-batch "
                "backups), so the table it would replace could not be named by its batch: rebuild it first (clear "
                "its task in the latest daily run)"
            )
        statements = restore_statements(schema, table, chosen, replaced, replaced_kept=replaced in kept)
        for statement in statements:
            cur.execute(statement)
    finally:
        cur.close()
    return Restored(qualified_table, chosen, replaced, statements)


def _choose(qualified_table: str, kept: set[dt.date], batch: dt.date | None) -> dt.date:
    if not kept:
        raise RestoreRefused(f"no backup of {qualified_table} in {BACKUP_SCHEMA}")
    if batch is None:
        return max(kept)
    if batch not in kept:
        have = ", ".join(str(b) for b in sorted(kept, reverse=True))
        raise RestoreRefused(f"no backup of {qualified_table} for batch {batch} in {BACKUP_SCHEMA} (kept: {have})")
    return batch


def restore_statements(
    schema: str, table: str, batch: dt.date, replaced: dt.date | None, *, replaced_kept: bool
) -> tuple[str, ...]:
    """The swap as one atomic RENAME; the swapped-out table is named by the batch it holds."""
    live, chosen = f"`{schema}`.`{table}`", f"`{BACKUP_SCHEMA}`.`{backup_name(schema, table, batch)}`"
    if replaced is None:  # no live table: nothing to swap out
        return (f"RENAME TABLE {chosen} TO {live}",)
    if replaced == batch:  # two builds of one batch: they trade places (restoring it again swaps them back)
        parked = f"`{BACKUP_SCHEMA}`.`{_name(schema, table, PARKED)}`"
        return (f"RENAME TABLE {live} TO {parked}, {chosen} TO {live}, {parked} TO {chosen}",)
    out = f"`{BACKUP_SCHEMA}`.`{backup_name(schema, table, replaced)}`"
    swap = f"RENAME TABLE {live} TO {out}, {chosen} TO {live}"
    # an older copy of the live table's batch gives way to the live one, as a re-run's copy would
    return (f"DROP TABLE {out}", swap) if replaced_kept else (swap,)
