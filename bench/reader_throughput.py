"""MB/s of SQL text through the dump reader, for bench_reader.py: the splitter alone and the whole reader."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from tokyobeta_etl.dumps.decompress import iter_chunks_decompressed
from tokyobeta_etl.dumps.reader import DumpReader
from tokyobeta_etl.dumps.splitter import StatementSplitter

CHUNK_SIZE = 1024 * 1024


def _file_chunks(path: Path, chunk_size: int) -> Iterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(chunk_size):
            yield chunk


def bench_split(path: str | Path, *, chunk_size: int = CHUNK_SIZE) -> float:
    """MB/s (1 MB = 10**6 bytes of decompressed SQL) of gunzip (for .gz) + statement splitting alone."""
    path = Path(path)
    chunks = iter_chunks_decompressed(_file_chunks(path, chunk_size), path.suffix == ".gz", file_name=path.name)
    splitter = StatementSplitter(chunks, file_name=path.name)
    start = time.perf_counter()
    for _ in splitter:
        pass
    elapsed = time.perf_counter() - start
    return splitter.bytes_read / 1e6 / elapsed


def bench_read(
    path: str | Path, stem: str, *, target_schema: str = "bench", chunk_size: int = CHUNK_SIZE, **options
) -> float:
    """MB/s of the whole reader (split, classify, rewrite, structure checks) over one dump file."""
    path = Path(path)
    reader = DumpReader(
        _file_chunks(path, chunk_size),
        file_name=path.name,
        stem=stem,
        target_schema=target_schema,
        gzip=path.suffix == ".gz",
        **options,
    )
    start = time.perf_counter()
    for _ in reader:
        pass
    elapsed = time.perf_counter() - start
    return reader.summary.bytes_read / 1e6 / elapsed
