"""The command line: files, S3 upload (moto), options, and byte-identical output across processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tokyobeta_sim.cli import main

REPO = Path(__file__).resolve().parents[2]


def _cli(*args: str, hash_seed: str = "0") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO / "plugins"), "PYTHONHASHSEED": hash_seed}
    return subprocess.run(
        [sys.executable, "-m", "tokyobeta_sim", *args], capture_output=True, env=env, cwd=REPO, check=False
    )


def test_cli_output_is_byte_identical_across_processes_and_hash_seeds(tmp_path):
    args = ["--start", "2026-03-30", "--end", "2026-04-01", "--scale", "0.02", "--seed", "5"]
    first = _cli(*args, "--out", str(tmp_path / "a"), hash_seed="1")
    second = _cli(*args, "--out", str(tmp_path / "b"), "--quiet", hash_seed="2")
    assert first.returncode == 0, first.stderr.decode()
    assert second.returncode == 0, second.stderr.decode()
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(names) == 15 and "truth_20260401.json" in names and "movings_20260330.sql" in names
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert b"wrote 15 files" in first.stderr
    assert second.stderr == b""  # --quiet, and no progress bar when stderr is not a terminal


def test_cli_uploads_dumps_and_truth_to_s3(s3_client, s3_endpoint):
    bucket = f"sim-{uuid.uuid4().hex[:8]}"
    s3_client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    args = ["--start", "2026-02-10", "--days", "2", "--scale", "0.02", "--bucket", bucket]
    assert main([*args, "--endpoint-url", s3_endpoint, "--gzip", "-B", "--compact", "-q"]) == 0
    keys = sorted(o["Key"] for o in s3_client.list_objects_v2(Bucket=bucket, Prefix="dumps/")["Contents"])
    assert len(keys) == 10
    assert "dumps/rooms_20260211.sql.gz" in keys and "dumps/truth_20260211.json" in keys
    truth = json.loads(s3_client.get_object(Bucket=bucket, Key="dumps/truth_20260211.json")["Body"].read())
    assert truth["date"] == "2026-02-11" and truth["total_rooms"] > 0


@pytest.mark.parametrize(
    "argv",
    [
        ["--start", "2026-02-01"],  # no output
        ["--start", "2026-02-01", "--out", "x", "--bucket", "b"],  # two outputs
        ["--start", "2026-02-05", "--end", "2026-02-01", "--out", "x"],  # empty range
        ["--start", "2026-02-01", "--days", "2", "--end", "2026-02-03", "--out", "x"],
        ["--start", "2026-02-01", "--scale", "0", "--out", "x"],
        ["--start", "2026-13-01", "--out", "x"],
    ],
)
def test_cli_refuses_bad_arguments(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
