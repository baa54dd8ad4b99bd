"""Which batch each staging generation holds, and what a run may do with it.

Every loaded table carries its batch date in its table comment (`tokyobeta batch=YYYY-MM-DD`). A comment travels
with the table through RENAME TABLE, atomically, so the tags can never disagree with the tables they describe:
no separate bookkeeping to get out of step after a killed task.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tokyobeta_etl.config import STAGING, STAGING_LOAD
from tokyobeta_etl.data_contract import STAGING_TABLES

TAG_PREFIX = "tokyobeta batch="
_TAG = re.compile(rf"^{re.escape(TAG_PREFIX)}(\d{{4}}-\d{{2}}-\d{{2}})$")


class StagingStateError(RuntimeError):
    """The staging tables are not where this run needs them; the message says what to do."""


def batch_tag(batch: dt.date) -> str:
    return f"{TAG_PREFIX}{batch.isoformat()}"


def parse_tag(comment: str | None) -> dt.date | None:
    m = _TAG.match(comment or "")
    return dt.date.fromisoformat(m.group(1)) if m else None


Generation = dict[str, "dt.date | None"]  # table -> batch date it holds (None: absent, placeholder or untagged)


@dataclass(frozen=True)
class PublishPlan:
    batch: dt.date
    decision: str  # "publish" | "keep_published" | "already_published"
    reason: str


def published_batch(published: Generation) -> dt.date | None:
    """The batch the published tables hold; None before the first publish. Mixed batches would mean a broken
    publish, which the atomic RENAME rules out: say so loudly if it ever happens."""
    batches = set(published.values())
    if len(batches) > 1:
        detail = ", ".join(f"{t}={b}" for t, b in sorted(published.items(), key=lambda kv: kv[0]))
        raise StagingStateError(
            f"published staging tables hold different batches ({detail}); restore from "
            f"staging_prev or reload the latest date"
        )
    return batches.pop() if batches else None


def plan_publish(batch: dt.date, published: Generation, loaded: Generation) -> PublishPlan:
    current = published_batch(published)
    if all(loaded.get(t) == batch for t in STAGING_TABLES):
        if current is not None and current > batch:
            return PublishPlan(
                batch,
                "keep_published",
                f"batch {batch} is older than the published batch {current}: staging keeps {current} "
                f"(contract invariant 2); only date-keyed outputs are rewritten for {batch}",
            )
        return PublishPlan(batch, "publish", f"load area holds the complete, validated batch {batch}")
    if current == batch:
        return PublishPlan(batch, "already_published", f"batch {batch} is already the published generation")
    missing = [t for t in STAGING_TABLES if loaded.get(t) != batch]
    raise StagingStateError(
        f"the load area does not hold a complete batch {batch} (missing or other batch: {', '.join(missing)}); "
        f"clear this run's load_* tasks (with downstream) to reload it from S3"
    )


def batch_schema(batch: dt.date, published: Generation, loaded: Generation, tables=STAGING_TABLES) -> str:
    """The schema that holds `batch` for all `tables` now: published staging first, else the load area."""
    if all(published.get(t) == batch for t in tables):
        return STAGING
    if all(loaded.get(t) == batch for t in tables):
        return STAGING_LOAD
    raise StagingStateError(
        f"batch {batch} is neither published nor complete in the load area for {', '.join(tables)}; "
        f"clear this run's load_* tasks (with downstream) to reload it from S3"
    )


def read_generations(cursor) -> tuple[Generation, Generation]:
    """(published, loaded) tags of the staging tables, from information_schema."""
    cursor.execute(
        "SELECT table_schema, table_name, table_comment FROM information_schema.tables "
        "WHERE table_schema IN (%s, %s)",
        (STAGING, STAGING_LOAD),
    )
    found: dict[str, Generation] = {STAGING: {}, STAGING_LOAD: {}}
    for schema, table, comment in cursor.fetchall():
        if table in STAGING_TABLES:
            found[schema][table] = parse_tag(comment)
    return found[STAGING], found[STAGING_LOAD]
