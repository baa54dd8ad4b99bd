"""Write README's on-call table from the runbook (tokyobeta_etl.runbook): `python tools/runbook_table.py`.

The table sits between two marker comments in README.md; tests/ops/test_runbook.py fails when it differs from what
this script writes. `--check` exits 1 instead of writing when it is out of date."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

from tokyobeta_etl import runbook  # noqa: E402  (plugins/ is not installed: the path above)

README = ROOT / "README.md"
BEGIN = "<!-- on-call table: written by tools/runbook_table.py from tokyobeta_etl/runbook.py; edit it there -->"
END = "<!-- end of the on-call table -->"


def with_table(text: str) -> str:
    """README's text with the section between the markers replaced by the runbook's table."""
    head, begin, rest = text.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"README.md lacks the on-call table's markers {BEGIN!r} ... {END!r}")
    return f"{head}{BEGIN}\n{runbook.readme_table()}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if README's table is out of date; write nothing")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    wanted = with_table(text)
    if wanted == text:
        return 0
    if args.check:
        print("README.md's on-call table is out of date: run python tools/runbook_table.py", file=sys.stderr)
        return 1
    README.write_text(wanted, encoding="utf-8")
    print("README.md's on-call table rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
