"""Streaming gunzip over byte chunks, so a large .sql.gz is never held in memory."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

from .errors import DumpCompressionError

# Cap on bytes produced per zlib call: a small, highly compressed chunk must not explode into one huge buffer.
MAX_OUTPUT_PER_CALL = 4 * 1024 * 1024
_GZIP_WBITS = 16 + zlib.MAX_WBITS


def iter_chunks_decompressed(chunks: Iterable[bytes], gzip: bool, *, file_name: str = "<dump>") -> Iterator[bytes]:
    """Yield the decompressed bytes of `chunks` (or the chunks unchanged when `gzip` is false).

    Concatenated gzip members (what `cat a.gz b.gz` makes) are read as one stream and zero padding after the
    last member is ignored, as gunzip does. A stream that ends before its gzip trailer, an empty object, or
    bytes that are not gzip raise DumpCompressionError naming `file_name`.
    """
    if not gzip:
        yield from chunks
        return
    inflater = zlib.decompressobj(_GZIP_WBITS)
    seen_input = False
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
                if out:
                    yield out
                data = inflater.unused_data + inflater.unconsumed_tail if inflater.eof else inflater.unconsumed_tail
        if not inflater.eof:
            tail = inflater.flush()
            if tail:
                yield tail
    except zlib.error as exc:
        raise DumpCompressionError(f"corrupt gzip data ({exc})", file_name=file_name) from exc
    if not seen_input:
        raise DumpCompressionError("empty gzip object", file_name=file_name)
    if not inflater.eof:
        raise DumpCompressionError("truncated gzip data: the stream ends before the gzip trailer", file_name=file_name)
