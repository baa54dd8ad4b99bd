"""Where a test session's time goes: seconds per test folder and per module (setup, call and teardown of its tests;
a shared fixture's start-up counts where it is first used), printed at the end of `make test` so that a CI log
alone says which modules to make faster."""

from __future__ import annotations

from collections import defaultdict

MODULE_FLOOR_SECONDS = 30.0  # modules quicker than this are summed, not listed


def time_lines(seconds_by_module: dict[str, float]) -> list[str]:
    """The summary's lines: each folder's total, then each module of at least MODULE_FLOOR_SECONDS, slowest first."""
    by_folder: dict[str, float] = defaultdict(float)
    for module, seconds in seconds_by_module.items():
        by_folder[module.rsplit("/", 1)[0] if "/" in module else "."] += seconds
    lines = [f"{_minutes(s)}  {folder}/" for folder, s in sorted(by_folder.items(), key=lambda kv: -kv[1])]
    slow = sorted(((s, m) for m, s in seconds_by_module.items() if s >= MODULE_FLOOR_SECONDS), reverse=True)
    lines += [f"{_minutes(s)}  {module}" for s, module in slow]
    rest = [s for s in seconds_by_module.values() if s < MODULE_FLOOR_SECONDS]
    if rest:
        lines.append(f"{_minutes(sum(rest))}  the other {len(rest)} modules (under {MODULE_FLOOR_SECONDS:.0f} s each)")
    return lines


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 60):3d}:{int(seconds % 60):02d}"
