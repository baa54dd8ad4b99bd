"""Benchmark: the dump reader's cost per input byte, on simulated dumps and on hostile inputs.

1. Throughput (MB/s, best of N) of `reader_throughput.bench_read` and `bench_split` on the movings and tenants
   dumps of one simulated day at --scale 4 (about 20 MB each).
2. Time and peak memory of `read_dump` over hostile inputs, each in a fresh child process streaming the file from
   disk in 1 MiB chunks: a normal movings dump (baseline), one ~200 MB extended INSERT, 40 MiB of empty `/**/`
   comments between two statements, 40 MiB of `/**/` inside one INSERT's VALUES, and a ~255 KB .sql.gz holding
   only `;` (250 MiB decompressed). A case that raises is a recorded outcome (exception class and message head).

Run with `make bench`; writes bench/results/reader.json. Not a test: numbers, not verdicts. The expectations
printed next to the hostile cases say what the reader is meant to do; nothing here fails when it does otherwise.
Timings are wall clock on a shared machine: noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "plugins"), str(REPO / "tests")]

from bench_staging import vm_hwm_kib  # noqa: E402  (the one peak-RSS reader of the benchmarks)

BATCH = dt.date(2026, 2, 10)
SCALE = 4.0
MIB = 1 << 20
CHUNK = MIB
BIG_INSERT_BYTES = 200 * 10**6
COMMENT_BYTES = 40 * MIB
SEMICOLON_BYTES = 250 * MIB
SMALL_DUMP_ROWS = 1000
CHILD_TIMEOUT_S = 120
CHILD_ADDRESS_SPACE = 4 << 30  # a reader that stops streaming fails with MemoryError here, not the machine
COMMENT = b"/**/"

EXPECTED = {
    "normal_movings": "read",
    "one_200mb_insert": "read, streaming (peak RSS flat against the normal dump)",
    "comments_between_statements": "read, cheaply",
    "comments_inside_values": "ForbiddenStatement at once",
    "gzip_semicolons": "DumpCompressionError (decompression ratio) quickly, once that check lands; else read",
}


# --- child: one case in a fresh process --------------------------------------------------------------------------


def child_read(spec: dict) -> None:
    """Stream spec["path"] through read_dump in 1 MiB chunks; print one JSON line with outcome, time, peak RSS."""
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_ADDRESS_SPACE, CHILD_ADDRESS_SPACE))
    from tokyobeta_etl import dumps

    base = vm_hwm_kib()
    path = Path(spec["path"])
    consumed = 0

    def chunks() -> Iterator[bytes]:
        nonlocal consumed
        with path.open("rb") as f:
            while chunk := f.read(CHUNK):
                consumed += len(chunk)
                yield chunk

    result: dict = {"rss_after_imports_kib": base}
    reader = None
    statements = 0
    started = time.perf_counter()
    try:
        reader = dumps.read_dump(
            chunks(), file_name=spec["file_name"], stem=spec["stem"], target_schema="bench", gzip=spec["gzip"]
        )
        for _ in reader:
            statements += 1
        result["outcome"] = "read"
        summary = reader.summary
        result["rows"] = summary.rows
        result["sql_bytes_read"] = summary.bytes_read
    except Exception as exc:  # noqa: BLE001 - every failure is a recorded outcome
        result["outcome"] = type(exc).__name__
        result["message"] = str(exc)[:150]
    result["seconds"] = time.perf_counter() - started
    result["executed_items"] = statements
    result["input_bytes_consumed"] = consumed
    # Decompressed bytes the splitter had pulled when it stopped (private attribute: best effort, may vanish).
    split = getattr(getattr(reader, "_splitter", None), "bytes_read", None)
    if isinstance(split, int):
        result.setdefault("sql_bytes_read", split)
    result["peak_rss_kib"] = vm_hwm_kib()
    print(json.dumps(result))


def run_child(spec: dict) -> dict:
    cmd = [sys.executable, __file__, "--child", json.dumps(spec)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"outcome": f"timeout after {CHILD_TIMEOUT_S} s (child killed)", "seconds": float(CHILD_TIMEOUT_S)}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or [""])[-1]
        return {"outcome": f"child exited {proc.returncode}", "message": tail[:150]}
    return json.loads(lines[-1])


# --- inputs ------------------------------------------------------------------------------------------------------


def simulate_day(directory: Path) -> dict[str, Path]:
    from tokyobeta_sim import DirectorySink, simulate

    for _ in simulate(BATCH, 1, sink=DirectorySink(directory), seed=0, scale=SCALE):  # a generator: drive it
        pass
    return {stem: directory / f"{stem}_{BATCH:%Y%m%d}.sql" for stem in ("movings", "tenants")}


class DumpParts:
    """A real sim movings dump cut into what precedes its INSERTs, its rows (id first) and what follows them."""

    def __init__(self, path: Path) -> None:
        data = path.read_bytes()
        first = data.index(b"INSERT INTO `movings`")
        end = data.rindex(b"/*!40000 ALTER TABLE `movings` ENABLE KEYS")
        self.prefix, self.suffix = data[:first], data[end:]
        if b"CREATE TABLE `movings`" not in self.prefix:
            raise RuntimeError(f"{path}: no CREATE TABLE `movings` before the first INSERT")
        # One row per line in mariadb-dump's extended-insert layout: "(id,...)," or "(id,...);".
        self.rows_after_id = [
            line[line.index(b",") + 1 : -1] for line in data[first:end].split(b"\n") if line.startswith(b"(")
        ]
        lock = self.prefix.rindex(b"LOCK TABLES `movings` WRITE;")
        self.before_lock, self.from_lock = self.prefix[:lock], self.prefix[lock:]

    def rows(self, start_id: int = 1) -> Iterator[bytes]:
        """The sim rows, repeated for ever, with fresh ids from start_id."""
        new_id = start_id
        while True:
            for rest in self.rows_after_id:
                yield b"(%d,%b" % (new_id, rest)
                new_id += 1


def _write_insert(f, rows: Iterator[bytes], target_bytes: int) -> int:
    """Write one `INSERT INTO movings VALUES ...;` of about target_bytes; return the rows written."""
    f.write(b"INSERT INTO `movings` VALUES ")
    written, count, pending, size = 0, 0, [], 0
    for row in rows:
        if count:
            pending.append(b",")
            size += 1
        pending.append(row)
        size += len(row)
        count += 1
        if size >= MIB:
            f.write(b"".join(pending))
            written += size
            pending, size = [], 0
        if written + size >= target_bytes:
            break
    f.write(b"".join(pending) + b";\n")
    return count


def _write_comments(f, total: int) -> None:
    block = COMMENT * (MIB // len(COMMENT))
    for _ in range(total // len(block)):
        f.write(block)


def build_inputs(parts: DumpParts, sim_movings: Path, directory: Path) -> dict[str, dict]:
    name = f"movings_{BATCH:%Y%m%d}.sql"
    cases: dict[str, dict] = {"normal_movings": {"path": sim_movings, "file_name": name, "sql_bytes": None}}

    path = directory / "big_insert" / name
    path.parent.mkdir()
    with path.open("wb") as f:
        f.write(parts.prefix)
        rows = _write_insert(f, parts.rows(), BIG_INSERT_BYTES)
        f.write(parts.suffix)
    cases["one_200mb_insert"] = {"path": path, "file_name": name, "rows": rows}

    path = directory / "comments_between" / name
    path.parent.mkdir()
    with path.open("wb") as f:
        f.write(parts.before_lock)
        _write_comments(f, COMMENT_BYTES)
        f.write(b"\n" + parts.from_lock)
        _write_insert(f, parts.rows(), len(b"".join(parts.rows_after_id[:SMALL_DUMP_ROWS])))
        f.write(parts.suffix)
    cases["comments_between_statements"] = {"path": path, "file_name": name}

    path = directory / "comments_values" / name
    path.parent.mkdir()
    rows_iter = parts.rows()
    with path.open("wb") as f:
        f.write(parts.prefix + b"INSERT INTO `movings` VALUES " + next(rows_iter) + b",")
        _write_comments(f, COMMENT_BYTES)
        f.write(b",".join(next(rows_iter) for _ in range(SMALL_DUMP_ROWS)) + b";\n")
        f.write(parts.suffix)
    cases["comments_inside_values"] = {"path": path, "file_name": name}

    path = directory / "gzip_semicolons" / (name + ".gz")
    path.parent.mkdir()
    deflate = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b";" * MIB
    with path.open("wb") as f:
        for _ in range(SEMICOLON_BYTES // MIB):
            f.write(deflate.compress(block))
        f.write(deflate.flush())
    cases["gzip_semicolons"] = {"path": path, "file_name": path.name, "gzip": True, "sql_bytes": SEMICOLON_BYTES}
    return cases


# --- parent ------------------------------------------------------------------------------------------------------


def throughput(files: dict[str, Path], repeat: int) -> dict:
    from reader_throughput import bench_read, bench_split

    out = {}
    for stem, path in files.items():
        entry: dict = {"file_bytes": path.stat().st_size, "read_mb_s": [], "split_mb_s": []}
        for _ in range(repeat):
            entry["read_mb_s"].append(round(bench_read(path, stem), 1))
            entry["split_mb_s"].append(round(bench_split(path), 1))
        entry["read_mb_s_best"] = max(entry["read_mb_s"])
        entry["split_mb_s_best"] = max(entry["split_mb_s"])
        out[stem] = entry
        print(
            f"throughput {stem}: {entry['file_bytes'] / 1e6:.1f} MB; bench_read best {entry['read_mb_s_best']} MB/s, "
            f"bench_split best {entry['split_mb_s_best']} MB/s (best of {repeat})",
            flush=True,
        )
    return out


def _mib(kib: int | None) -> float | None:
    return round(kib / 1024, 1) if kib is not None else None


def hostile(cases: dict[str, dict]) -> dict:
    out = {}
    for name, case in cases.items():
        path: Path = case["path"]
        gz = case.get("gzip", False)
        r = run_child({"path": str(path), "file_name": case["file_name"], "stem": "movings", "gzip": gz})
        size = path.stat().st_size
        seconds = r.get("seconds")
        entry = {
            "expected": EXPECTED[name],
            "input_bytes": size,
            "sql_bytes": case.get("sql_bytes") or size,
            "outcome": r["outcome"],
            "message": r.get("message"),
            "seconds": round(seconds, 3) if seconds is not None else None,
            "mb_per_s": round(size / 1e6 / seconds, 1) if seconds else None,
            "input_bytes_consumed": r.get("input_bytes_consumed"),
            "sql_bytes_read": r.get("sql_bytes_read"),
            "peak_rss_mib": _mib(r.get("peak_rss_kib")),
            "rss_after_imports_mib": _mib(r.get("rss_after_imports_kib")),
        }
        if "rows" in case:
            entry["rows_written"] = case["rows"]
        if "rows" in r:
            entry["rows_read"] = r["rows"]
        if gz and seconds and entry["sql_bytes_read"]:
            entry["sql_mb_per_s"] = round(entry["sql_bytes_read"] / 1e6 / seconds, 1)
        out[name] = entry
        outcome = entry["outcome"] + (f" ({entry['message'][:150]})" if entry["message"] else "")
        rate = f"{entry['mb_per_s']} MB/s of input" if entry["mb_per_s"] is not None else "n/a MB/s"
        if "sql_mb_per_s" in entry:
            rate += f", {entry['sql_mb_per_s']} MB/s decompressed"
        if entry["outcome"] != "read" and entry["input_bytes_consumed"] is not None:
            rate += f" (stopped after pulling {entry['input_bytes_consumed'] / 1e6:.1f} MB of input)"
        print(
            f"{name}: {size / 1e6:.1f} MB in; {outcome}; {entry['seconds']} s; {rate}; "
            f"peak RSS {entry['peak_rss_mib']} MiB (after imports {entry['rss_after_imports_mib']} MiB); "
            f"expected: {entry['expected']}",
            flush=True,
        )
    return out


def _code_version() -> str:
    """The commit measured, and whether the reader's sources differed from it (benchmarks run on work in progress)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "plugins/tokyobeta_etl/dumps"],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
    except OSError:
        return "unknown"
    return head.stdout.strip() + (
        " + uncommitted changes in plugins/tokyobeta_etl/dumps" if dirty.stdout.strip() else ""
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", metavar="SPEC", help="internal: JSON case spec, run in a fresh process")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.child:
        child_read(json.loads(args.child))
        return 0
    started = time.monotonic()
    results: dict = {
        "benchmark": "dump reader",
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "code": _code_version(),
        "note": "MB = 10**6 bytes; wall-clock timings on a shared machine are noisy",
    }
    with tempfile.TemporaryDirectory(prefix="tokyobeta-bench-reader-") as tmp:
        work = Path(tmp)
        files = simulate_day(work / "sim")
        results["throughput"] = {"scale": SCALE, "chunk_bytes": CHUNK, **throughput(files, args.repeat)}
        cases = build_inputs(DumpParts(files["movings"]), files["movings"], work)
        results["hostile"] = {"chunk_bytes": CHUNK, "child_address_space_limit_bytes": CHILD_ADDRESS_SPACE}
        results["hostile"].update(hostile(cases))
    results["total_seconds"] = round(time.monotonic() - started, 1)
    out = REPO / "bench" / "results" / "reader.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {out} ({results['total_seconds']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
