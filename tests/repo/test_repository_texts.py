"""The repository speaks for itself: every path its texts name is in it, and no text points at a numbered work item."""

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TOP_LEVEL = ("dags", "plugins", "include", "tests", "tools", "bench", "docs", "constraints", "docker", "deploy")
# a repository path as texts write it: a top-level folder, then path characters; placeholders (<x>, *, {x}, …) mark a
# pattern, not a file
PATH = re.compile(rf"(?<![\w./-])((?:{'|'.join(TOP_LEVEL)})/[\w./*<>{{}}…-]*[\w/*>}}])")
PATTERN_MARKS = ("*", "<", "{", "…")
WORK_ITEM = re.compile(r"\bissues?\s*#?\d+\b", re.IGNORECASE)
TEXT_SUFFIXES = {".py", ".md", ".sql", ".yml", ".yaml", ".toml", ".sh", ".txt", ".cfg", ".ini", ".json", ""}
# generated or third-party text (the MWAA constraints file, the benchmarks' recorded output), and this file's own
# examples of what is refused
SKIPPED = ("constraints/", "bench/results/", "tests/repo/test_repository_texts.py")


def _tracked_texts() -> list[Path]:
    names = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    files = []
    for name in names:
        path = REPO / name
        ignore_file = path.name.endswith("ignore")  # .gitignore and the like name what is not in the repository
        if name.startswith(SKIPPED) or ignore_file or path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        files.append(path)
    return files


def _named_paths(text: str) -> set[str]:
    found = set()
    for match in PATH.finditer(text):
        name = match.group(1).rstrip("./")
        if any(mark in name for mark in PATTERN_MARKS):
            continue
        found.add(name)
    return found


BUILT = {"target", "dist", "logs", "dbt_packages"}  # build outputs, named by texts that say how they are built


def _exists(name: str) -> bool:
    path = Path(name)
    if path.parts[:2] == ("dags", "include"):  # the bundle's layout on MWAA: include/ ships inside dags/
        path = Path(*path.parts[1:])
    if (REPO / path).exists() or BUILT & set(path.parts):
        return True
    # a decision record named by its number (docs/decisions/0004)
    return path.parent.as_posix() == "docs/decisions" and any((REPO / path.parent).glob(f"{path.name}-*.md"))


def test_the_path_pattern_finds_paths_and_skips_patterns():
    text = "see docs/decisions/0004-cosmos-execution.md, tests/dag/*.py and plugins/tokyobeta_etl/<module>.py."
    assert _named_paths(text) == {"docs/decisions/0004-cosmos-execution.md"}
    assert _exists("docs/decisions/0004") and not _exists("docs/decisions/0099")
    assert not _exists("tests/dag/test_no_such_module.py")
    assert WORK_ITEM.search("(issue 4)") and WORK_ITEM.search("Issues #12") and not WORK_ITEM.search("an issue")


def test_every_path_a_text_names_is_in_the_repository():
    missing = {}
    for path in _tracked_texts():
        names = sorted(name for name in _named_paths(path.read_text(encoding="utf-8")) if not _exists(name))
        if names:
            missing[path.relative_to(REPO).as_posix()] = names
    assert not missing


def test_no_text_points_at_a_numbered_work_item():
    found = {}
    for path in _tracked_texts():
        items = WORK_ITEM.findall(path.read_text(encoding="utf-8"))
        if items:
            found[path.relative_to(REPO).as_posix()] = items
    assert not found
