"""README's generated tables: each sits between two marker comments and is rewritten by the tool that owns it
(tools/runbook_table.py, tools/stack_tables.py), whose test fails when README differs from what it writes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def between(text: str, markers: tuple[str, str], table: str) -> str:
    """`text` with what lies between the two markers replaced by `table`."""
    begin, end = markers
    head, found_begin, rest = text.partition(begin)
    _, found_end, tail = rest.partition(end)
    if not found_begin or not found_end:
        raise ValueError(f"README.md lacks the markers {begin!r} ... {end!r}")
    return f"{head}{begin}\n{table}\n{end}{tail}"


def main(argv: list[str] | None, with_tables: Callable[[str], str], *, what: str, tool: str) -> int:
    """A table tool's command line: write README.md with its tables (0), or with `--check` exit 1 when out of date."""
    parser = argparse.ArgumentParser(description=f"Write README's {what} ({tool}).")
    parser.add_argument("--check", action="store_true", help=f"exit 1 when out of date ({what}); write nothing")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    wanted = with_tables(text)
    if wanted == text:
        return 0
    if args.check:
        print(f"README.md is out of date ({what}): run python {tool}", file=sys.stderr)
        return 1
    README.write_text(wanted, encoding="utf-8")
    print(f"README.md's {what} rewritten")
    return 0
