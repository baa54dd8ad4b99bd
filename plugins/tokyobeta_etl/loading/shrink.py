"""The shrink rule: how much of a table a new dump lost against an earlier one, and when that is too much.

One rule for the load (against the published generation) and the on-call row counts (against the previous dump).
Pure.
"""

from __future__ import annotations


def shrink_share(before: int | None, after: int) -> float | None:
    """The share of `before`'s rows that `after` no longer has (negative when it grew); None when there was nothing
    before to shrink from (no earlier count, or an empty table)."""
    if not before:
        return None
    # (before - after) / before, not 1 - after / before: one rounding, so a shrink of exactly the limit is allowed.
    return (before - after) / before


def excessive_shrink(before: int | None, after: int, max_share: float) -> float | None:
    """The shrink share when it is beyond `max_share` (a table may shrink by at most that share), else None."""
    share = shrink_share(before, after)
    return share if share is not None and share > max_share else None
