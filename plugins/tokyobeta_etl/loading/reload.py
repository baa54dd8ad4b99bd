"""The emergency reload of one or more dumps of a date from S3 (on-call `reload`), through the DAG's load code.

Each dump goes through `load_dump_to_load_area` (the same streaming, validation and batch tag as the DAG's load
tasks) into staging_load. `--check-only` stops there: staging, silver and gold are untouched (the load area is
scratch space the next run rebuilds). Otherwise the reloaded tables are swapped into staging with one RENAME, as the
DAG's publish does, the previous ones kept in staging_prev.

A subset of the dumps may be reloaded only for the published batch date (replacing a bad dump of the day): tables
of two different dates must never be published side by side. A newer date needs all four dumps: that is a normal
run of the DAG.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import closing

from tokyobeta_etl import config, db_session
from tokyobeta_etl.data_contract import DUMP_FILES
from tokyobeta_etl.loading import generations
from tokyobeta_etl.loading.load_task import load_dump_to_load_area

log = logging.getLogger(__name__)


class ReloadRefused(RuntimeError):
    """The reload would publish an inconsistent staging; nothing was loaded."""


def check_reload(batch: dt.date, stems: list[str], published: dt.date | None) -> list[str]:
    """The staging tables the reload publishes, or ReloadRefused saying why not."""
    unknown = [s for s in stems if s not in DUMP_FILES]
    if unknown or not stems:
        raise ReloadRefused(f"unknown dump(s) {unknown or stems}: choose from {', '.join(DUMP_FILES)}")
    if published is not None and batch < published:
        raise ReloadRefused(
            f"{batch} is older than the published batch {published}: a past date never replaces staging "
            f"(re-run the DAG for that date instead; it rewrites only its own date-keyed rows)"
        )
    if set(stems) != set(DUMP_FILES) and batch != published:
        raise ReloadRefused(
            f"reloading only {', '.join(stems)} for {batch} would publish them beside tables of {published}: "
            f"reload all four dumps, or reload a subset for the published batch {published} only"
        )
    return [t for s in DUMP_FILES if s in stems for t in DUMP_FILES[s]]


def publish_statements(tables: list[str]) -> list[str]:
    """Drop the kept generation of these tables, then one atomic RENAME (readers see all old or all new)."""
    prev, staging, load = config.STAGING_PREV, config.STAGING, config.STAGING_LOAD
    drop = "DROP TABLE IF EXISTS " + ", ".join(f"`{prev}`.`{t}`" for t in tables)
    pairs = []
    for t in tables:
        pairs += [f"`{staging}`.`{t}` TO `{prev}`.`{t}`", f"`{load}`.`{t}` TO `{staging}`.`{t}`"]
    return [drop, "RENAME TABLE " + ", ".join(pairs)]


def reload(batch: dt.date, stems: list[str], *, check_only: bool, allow_shrink: bool = False) -> dict:
    hook = db_session.hook()
    with closing(hook.get_conn()) as conn, closing(conn.cursor()) as cur:
        published = generations.published_batch(generations.read_generations(cur)[0])
    tables = check_reload(batch, stems, published)
    loaded = {
        stem: load_dump_to_load_area(
            stem, batch=batch, allow_shrink=allow_shrink, run_id="oncall-reload", record_audit=not check_only
        )
        for stem in stems
    }
    if check_only:
        return {"batch": batch.isoformat(), "checked": loaded, "published": []}
    with closing(hook.get_conn()) as conn, closing(conn.cursor()) as cur:
        for statement in publish_statements(tables):
            log.info("%s", statement)
            cur.execute(statement)
    return {"batch": batch.isoformat(), "checked": loaded, "published": tables}
