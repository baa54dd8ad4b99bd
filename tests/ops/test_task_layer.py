"""The task layer's one pattern: `tokyobeta_etl.operators` builds operators for the DAG files, the work they call lives
in the domain modules. Read from the source (nothing runs)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OPERATORS = ROOT / "plugins" / "tokyobeta_etl" / "operators"


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_only_the_dag_files_import_the_task_builders():
    """bench/dags builds bench DAGs from the dbt layer builder, as the daily DAG does."""
    sources = [*(ROOT / "plugins").rglob("*.py"), *(ROOT / "tools").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]
    offenders = {}
    for path in sources:
        if OPERATORS in path.parents:
            continue
        used = {m for m in _imports(path) if m.startswith("tokyobeta_etl.operators")}
        if path.parent == ROOT / "bench" / "dags":
            used = {m for m in used if not m.startswith("tokyobeta_etl.operators.dbt_layers")}
        if used:
            offenders[str(path.relative_to(ROOT))] = sorted(used)
    assert offenders == {}


def test_the_task_builders_define_no_task_callable():
    """A python_callable of an operator built in tokyobeta_etl.operators comes from a domain module, never from a
    function defined beside the builder."""
    own = {}
    for path in sorted(OPERATORS.glob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
        for node in ast.walk(tree):
            callable_ = node.value if isinstance(node, ast.keyword) and node.arg == "python_callable" else None
            if isinstance(callable_, ast.Name) and callable_.id in defined:
                own.setdefault(path.name, []).append(callable_.id)
    assert own == {}
    assert any("python_callable" in p.read_text() for p in OPERATORS.glob("*.py"))  # the check has something to read
