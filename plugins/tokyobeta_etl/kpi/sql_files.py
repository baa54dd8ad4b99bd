"""Find and read the KPI's SQL files (include/sql/kpi). Each holds one statement with DB-API `%(name)s`
placeholders; the driver fills them, nothing else touches the text."""

from __future__ import annotations

import os
from pathlib import Path

SQL_SUBDIR = Path("sql") / "kpi"


def default_sql_dir() -> Path:
    """TOKYOBETA_INCLUDE_DIR/sql/kpi, else include/sql/kpi in this repository (plugins/ beside include/) or in the
    MWAA bundle (dags/include beside plugins/)."""
    if override := os.environ.get("TOKYOBETA_INCLUDE_DIR"):
        return Path(override) / SQL_SUBDIR
    here = Path(__file__).resolve()
    for parent in here.parents:
        for candidate in (parent / "include" / SQL_SUBDIR, parent / "dags" / "include" / SQL_SUBDIR):
            if candidate.is_dir():
                return candidate
    raise FileNotFoundError(f"no include/sql/kpi above {here.parent}; set TOKYOBETA_INCLUDE_DIR")


def load_statement(sql_dir: Path, name: str) -> str:
    """The statement in `name`.sql without its full-line `--` comments (free text there could hold a `%`, which the
    driver's placeholder substitution would misread) and without the closing semicolon."""
    text = (sql_dir / f"{name}.sql").read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--")).strip()
    statement = body.removesuffix(";").strip()
    if not statement or ";" in statement:
        raise ValueError(f"{sql_dir / name}.sql must hold exactly one statement")
    return statement
