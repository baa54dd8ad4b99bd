"""Which QuickSight datasets the daily run refreshes, and whether it waits for them: the Variables
`tokyobeta_quicksight_dataset_ids` (comma-separated) and `tokyobeta_quicksight_wait` (true or false)."""

from __future__ import annotations

import logging

from tokyobeta_etl import config

log = logging.getLogger(__name__)


def parse_dataset_ids(raw: str | None) -> list[str]:
    """'a, b,,c' -> ['a', 'b', 'c'] (order kept, duplicates dropped)."""
    out: list[str] = []
    for part in (raw or "").split(","):
        if part.strip() and part.strip() not in out:
            out.append(part.strip())
    return out


def dataset_ids_task() -> list[str]:
    """The quicksight_datasets task: the dataset ids to refresh (none: the refresh is skipped)."""
    ids = parse_dataset_ids(config.setting("tokyobeta_quicksight_dataset_ids"))
    if ids:
        log.info("QuickSight datasets to refresh: %s", ", ".join(ids))
    else:
        log.warning(
            "No QuickSight dataset to refresh: the tokyobeta_quicksight_dataset_ids Variable is not set. "
            "refresh_quicksight is skipped."
        )
    return ids


def parse_flag(raw: str | None) -> bool:
    value = (raw or "").strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise ValueError(f"tokyobeta_quicksight_wait must be true or false, got {raw!r}")


def wait_for_refresh() -> bool:
    """Whether the refresh waits for its ingestion to finish (read when the task runs)."""
    return parse_flag(config.setting("tokyobeta_quicksight_wait"))
