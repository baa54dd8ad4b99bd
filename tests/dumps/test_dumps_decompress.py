"""Streaming gunzip: whole, chunked, multi-member, truncated, corrupt."""

from __future__ import annotations

import gzip
import zlib

import pytest

from tokyobeta_etl.dumps import DumpCompressionError, DumpError, iter_chunks_decompressed
from tokyobeta_etl.dumps.decompress import MAX_OUTPUT_PER_CALL

TEXT = ("INSERT INTO `movings` VALUES (1,'日本語');\n" * 2000).encode()


def chunked(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def test_plain_chunks_pass_through_unchanged():
    chunks = chunked(TEXT, 1000)
    assert list(iter_chunks_decompressed(chunks, False)) == chunks


@pytest.mark.parametrize("size", [1, 7, 4096, 10**7])
def test_gzip_any_chunk_size(size):
    out = iter_chunks_decompressed(chunked(gzip.compress(TEXT), size), True)
    assert b"".join(out) == TEXT


def test_concatenated_gzip_members_and_zero_padding_read_as_one_stream():
    data = gzip.compress(TEXT[:1000]) + gzip.compress(TEXT[1000:]) + b"\x00" * 16
    assert b"".join(iter_chunks_decompressed(chunked(data, 333), True)) == TEXT


def test_output_per_step_is_bounded_for_highly_compressed_input():
    bomb = gzip.compress(b"0" * (3 * MAX_OUTPUT_PER_CALL + 5))
    pieces = list(iter_chunks_decompressed([bomb], True))
    assert max(len(p) for p in pieces) <= MAX_OUTPUT_PER_CALL
    assert sum(len(p) for p in pieces) == 3 * MAX_OUTPUT_PER_CALL + 5


@pytest.mark.parametrize("cut", [10, 100, -8, -1])
def test_truncated_gzip_names_the_file(cut):
    data = gzip.compress(TEXT)[:cut]
    with pytest.raises(DumpCompressionError, match="truncated") as err:
        b"".join(iter_chunks_decompressed(chunked(data, 50), True, file_name="movings_20260210.sql.gz"))
    assert err.value.file_name == "movings_20260210.sql.gz"
    assert "movings_20260210.sql.gz" in str(err.value)
    assert isinstance(err.value, DumpError)


def test_checksum_mismatch_is_a_dump_error():
    data = bytearray(gzip.compress(TEXT))
    data[-8] ^= 0xFF  # the CRC32 in the gzip trailer
    with pytest.raises(DumpCompressionError, match="corrupt gzip") as err:
        b"".join(iter_chunks_decompressed([bytes(data)], True, file_name="x.sql.gz"))
    assert isinstance(err.value.__cause__, zlib.error)


@pytest.mark.parametrize("where", [0.2, 0.5, 0.8])
def test_flipped_byte_in_the_deflate_stream_is_a_dump_error(where):
    data = bytearray(gzip.compress(TEXT))
    data[int(len(data) * where)] ^= 0x55
    with pytest.raises(DumpCompressionError):
        b"".join(iter_chunks_decompressed(chunked(bytes(data), 64), True, file_name="x.sql.gz"))


def test_not_gzip_at_all():
    with pytest.raises(DumpCompressionError, match="corrupt gzip"):
        list(iter_chunks_decompressed([TEXT], True, file_name="x.sql.gz"))


def test_empty_gzip_object():
    with pytest.raises(DumpCompressionError, match="empty"):
        list(iter_chunks_decompressed([b""], True, file_name="x.sql.gz"))


def test_garbage_after_a_complete_member_is_refused():
    with pytest.raises(DumpCompressionError):
        list(iter_chunks_decompressed([gzip.compress(TEXT) + b"garbage!"], True, file_name="x.sql.gz"))
