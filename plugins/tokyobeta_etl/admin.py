"""Administrator helpers: render the least-privilege grants for the pipeline's database user.

python -m tokyobeta_etl.admin grants --user tokyobeta_etl --host % > grants.sql   (password from $ETL_DB_PASSWORD)
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

_SAFE = re.compile(r"^[A-Za-z0-9_.%-]+$")


def render_grants(template: str, user: str, host: str, password: str) -> str:
    for name, value in (("user", user), ("host", host)):
        if not _SAFE.match(value):
            raise ValueError(f"etl {name} {value!r} may only hold letters, digits and _ . % -")
    escaped = password.replace("\\", "\\\\").replace("'", "\\'")
    return (
        template.replace("{{ etl_user }}", user).replace("{{ etl_host }}", host).replace("{{ etl_password }}", escaped)
    )


def split_sql(text: str) -> list[str]:
    """Statements of a plain SQL file with `--` comment lines and `;` at line ends (no literals with `;`)."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in body.split(";\n") if s.strip().rstrip(";").strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tokyobeta_etl.admin", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grants", help="print the CREATE USER / GRANT statements for the ETL user")
    g.add_argument("--user", default="tokyobeta_etl")
    g.add_argument("--host", default="%")
    g.add_argument("--template", type=Path, required=True, help="include/sql/admin/grants.sql")
    args = parser.parse_args(argv)
    password = os.environ.get("ETL_DB_PASSWORD")
    if not password:
        parser.error("set ETL_DB_PASSWORD (never pass a password on the command line)")
    sys.stdout.write(render_grants(args.template.read_text(encoding="utf-8"), args.user, args.host, password))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
