"""Write README's on-call table from the runbook (tokyobeta_etl.runbook): `python tools/runbook_table.py`.

The table sits between two marker comments in README.md; tests/ops/test_runbook.py fails when it differs from what
this script writes. `--check` exits 1 instead of writing when it is out of date."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

from tokyobeta_etl import runbook  # noqa: E402  (plugins/ is not installed: the path above)

sys.path.insert(0, str(ROOT / "tools"))
import readme_tables  # noqa: E402  (tools/ is not a package: the path above)

BEGIN = "<!-- on-call table: written by tools/runbook_table.py from tokyobeta_etl/runbook.py; edit it there -->"
END = "<!-- end of the on-call table -->"


def with_table(text: str) -> str:
    """README's text with the section between the markers replaced by the runbook's table."""
    return readme_tables.between(text, (BEGIN, END), runbook.readme_table())


def main(argv: list[str] | None = None) -> int:
    return readme_tables.main(argv, with_table, what="on-call table", tool="tools/runbook_table.py")


if __name__ == "__main__":
    sys.exit(main())
