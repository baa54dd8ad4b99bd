"""The manifest Cosmos renders from must match the dbt project: a stale one would run yesterday's models."""

import json
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROJECT = REPO / "include" / "dbt"
DBT = REPO / ".dbt-venv" / "bin" / "dbt"


def node_checksums(manifest: dict) -> dict[str, str]:
    return {uid: node["checksum"]["checksum"] for uid, node in manifest["nodes"].items()}


def test_built_manifest_matches_the_project(tmp_path):
    built = json.loads((PROJECT / "target" / "manifest.json").read_text())
    env = {**os.environ, "DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    subprocess.run(
        [
            str(DBT),
            "--quiet",
            "parse",
            "--profiles-dir",
            ".",
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
            "--no-partial-parse",
        ],
        cwd=PROJECT,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = json.loads((tmp_path / "target" / "manifest.json").read_text())
    stale = {
        uid
        for uid in node_checksums(fresh).keys() | node_checksums(built).keys()
        if node_checksums(fresh).get(uid) != node_checksums(built).get(uid)
    }
    assert not stale, f"include/dbt/target/manifest.json is stale for {sorted(stale)}: run `make manifest`"
    own = lambda m: {uid: x["macro_sql"] for uid, x in m["macros"].items() if x["package_name"] == "tokyobeta"}  # noqa: E731
    assert own(fresh) == own(built), "the project's macros changed: run `make manifest`"
