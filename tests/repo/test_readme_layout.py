"""README's Layout section names every module and package of the deployed package, and only those that exist."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "plugins" / "tokyobeta_etl"


def _layout_section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]


def _package_entries() -> set[str]:
    modules = {p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    packages = {f"{p.name}/" for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    return modules | packages


def test_the_layout_names_every_module_of_the_package():
    table = _layout_section()
    assert not sorted(entry for entry in _package_entries() if f"`{entry}`" not in table)


def test_the_layout_names_no_module_the_package_does_not_have():
    table_rows = [line for line in _layout_section().splitlines() if line.startswith("| `")]
    named = {name for row in table_rows for name in re.findall(r"`([\w/]+(?:\.py|/))`", row.split("|")[1])}
    assert named and named <= _package_entries()
