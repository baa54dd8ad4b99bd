"""Streaming gunzip over byte chunks, so a large .sql.gz is never held in memory; and the check that an object is
what its name says (dumps.sniff) before any of it reaches the statement splitter."""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Iterable, Iterator

from .errors import DumpCompressionError, DumpContainerError
from .sniff import GZIP, SNIFF_BYTES, refusal, sniff

# Cap on bytes produced per zlib call: a small, highly compressed chunk must not explode into one huge buffer.
MAX_OUTPUT_PER_CALL = 4 * 1024 * 1024
# Decompression limits. Real gzip dumps compress 5-20x; deflate reaches about 1000x only on degenerate input (a
# file of one repeated byte), which is what a decompression bomb is. Small outputs are exempt from the ratio:
# a short dump of repetitive rows may well compress past it, and costs nothing to read.
MAX_DECOMPRESSED_BYTES = 16 * 1024**3
MAX_DECOMPRESSION_RATIO = 200
RATIO_EXEMPT_BYTES = 64 * 1024**2
_GZIP_WBITS = 16 + zlib.MAX_WBITS


def iter_chunks_decompressed(chunks: Iterable[bytes], gzip: bool, *, file_name: str = "<dump>") -> Iterator[bytes]:
    """Yield the decompressed bytes of `chunks` (or the chunks unchanged when `gzip` is false).

    The object's first bytes must be SQL text, or gzip data when `gzip` (it is named .sql.gz); an archive, other
    compressed data or UTF-16 text raises DumpContainerError whatever the name, as does a gzip stream that
    decompresses to one of those. Concatenated gzip members (what `cat a.gz b.gz` makes) are read as one stream and
    zero padding after the last member is ignored, as gunzip does. A stream that ends before its gzip trailer, an
    empty object, bytes that are not gzip, or output beyond the limits above raise DumpCompressionError naming
    `file_name`.
    """
    head, raw = peek(chunks, SNIFF_BYTES)
    kind = sniff(head)
    if kind is not None and not (kind == GZIP and gzip):
        raise DumpContainerError(refusal(kind, file_name, in_gzip=False), file_name=file_name, content=kind)
    if not gzip:
        yield from raw
        return
    head, out = peek(_gunzip(raw, file_name), SNIFF_BYTES)
    if (kind := sniff(head)) is not None:
        raise DumpContainerError(refusal(kind, file_name, in_gzip=True), file_name=file_name, content=kind)
    yield from out


def peek(chunks: Iterable[bytes], size: int) -> tuple[bytes, Iterator[bytes]]:
    """The first `size` bytes of `chunks` (all of it when shorter), and an iterator over every chunk, unchanged.

    Holds only the chunks those bytes span, however small the chunks are."""
    source = iter(chunks)
    taken: list[bytes] = []
    parts: list[bytes] = []
    got = 0
    while got < size and (chunk := next(source, None)) is not None:
        taken.append(chunk)
        parts.append(bytes(chunk[: size - got]))
        got += len(parts[-1])
    return b"".join(parts), itertools.chain(taken, source)


def inflation_error(produced: int, consumed: int) -> str | None:
    """Why `produced` bytes of output from `consumed` compressed bytes are refused, or None while plausible."""
    if produced > MAX_DECOMPRESSED_BYTES:
        return (
            f"decompressed size exceeds the limit of {MAX_DECOMPRESSED_BYTES} bytes: far larger than any dump "
            "(if real dumps have grown this large, raise MAX_DECOMPRESSED_BYTES in tokyobeta_etl.dumps.decompress)"
        )
    if produced > RATIO_EXEMPT_BYTES and produced > MAX_DECOMPRESSION_RATIO * consumed:
        return (
            f"decompression ratio {produced // max(consumed, 1)}x exceeds the limit of {MAX_DECOMPRESSION_RATIO}x "
            f"({produced} bytes out of {consumed} compressed bytes): refused as a decompression bomb (real dumps "
            "compress 5-20x)"
        )
    return None


def _gunzip(chunks: Iterable[bytes], file_name: str) -> Iterator[bytes]:
    inflater = zlib.decompressobj(_GZIP_WBITS)
    seen_input = False
    consumed = produced = 0
    try:
        for chunk in chunks:
            data = bytes(chunk)
            while data:
                if inflater.eof:
                    if not data.strip(b"\x00"):
                        break  # zero padding after a complete member
                    inflater = zlib.decompressobj(_GZIP_WBITS)  # next concatenated member
                seen_input = True
                out = inflater.decompress(data, MAX_OUTPUT_PER_CALL)
                rest = inflater.unused_data + inflater.unconsumed_tail if inflater.eof else inflater.unconsumed_tail
                consumed += len(data) - len(rest)
                data = rest
                if out:
                    produced += len(out)
                    _check_inflation(produced, consumed, file_name)
                    yield out
        if not inflater.eof:
            tail = inflater.flush()
            if tail:
                produced += len(tail)
                _check_inflation(produced, consumed, file_name)
                yield tail
    except zlib.error as exc:
        raise DumpCompressionError(f"corrupt gzip data ({exc})", file_name=file_name) from exc
    if not seen_input:
        raise DumpCompressionError("empty gzip object", file_name=file_name)
    if not inflater.eof:
        raise DumpCompressionError("truncated gzip data: the stream ends before the gzip trailer", file_name=file_name)


def _check_inflation(produced: int, consumed: int, file_name: str) -> None:
    if (reason := inflation_error(produced, consumed)) is not None:
        raise DumpCompressionError(reason, file_name=file_name)
