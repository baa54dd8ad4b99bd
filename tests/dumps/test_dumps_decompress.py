"""Streaming gunzip: whole, chunked, multi-member, truncated, corrupt; the size and ratio limits (a gzip bomb)."""

from __future__ import annotations

import gzip
import random
import re
import zlib

import pytest

from tokyobeta_etl.dumps import DumpCompressionError, DumpError, decompress, iter_chunks_decompressed, read_dump
from tokyobeta_etl.dumps.decompress import (
    MAX_DECOMPRESSED_BYTES,
    MAX_DECOMPRESSION_RATIO,
    MAX_OUTPUT_PER_CALL,
    RATIO_EXEMPT_BYTES,
)

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


# --- decompression limits -----------------------------------------------------------------------------------------

NAME = "movings_20260210.sql.gz"
RATIO_REFUSAL = re.compile(
    rf"{re.escape(NAME)}: decompression ratio (\d+)x exceeds the limit of {MAX_DECOMPRESSION_RATIO}x \((\d+) bytes "
    r"out of (\d+) compressed bytes\): refused as a decompression bomb \(real dumps compress 5-20x\)"
)


def semicolons_gz(size: int) -> bytes:
    """gzip of `size` bytes of ';', compressed a MiB at a time (never the whole output in memory)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b";" * (1 << 20)
    parts = [packer.compress(block[: min(len(block), size - done)]) for done in range(0, size, len(block))]
    return b"".join(parts) + packer.flush()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """256 MiB of ';' in about 250 KB: deflate's best case, about 1000x."""
    return semicolons_gz(256 << 20)


def drain(pieces) -> int:
    """Bytes passed on before the stream ended or failed (recorded in the error's notes)."""
    passed = 0
    try:
        for piece in pieces:
            passed += len(piece)
    except DumpCompressionError as err:
        err.add_note(str(passed))
        raise
    return passed


@pytest.mark.parametrize("size", [None, 1 << 20, 1], ids=["whole", "S3 chunks", "1-byte chunks"])
def test_a_gzip_bomb_fails_naming_the_object_the_ratio_and_the_limit(bomb, size):
    assert len(bomb) < 300_000
    chunks = [bomb] if size is None else chunked(bomb, size)
    with pytest.raises(DumpCompressionError) as err:
        drain(iter_chunks_decompressed(chunks, True, file_name=NAME))
    assert err.value.file_name == NAME
    match = RATIO_REFUSAL.fullmatch(str(err.value))
    assert match, str(err.value)
    ratio, produced, consumed = map(int, match.groups())
    assert ratio == produced // consumed and ratio > MAX_DECOMPRESSION_RATIO and consumed <= len(bomb)
    # it stops on the first output past the exempt size: the work done is bounded, not the bomb's 256 MiB
    assert RATIO_EXEMPT_BYTES < produced <= RATIO_EXEMPT_BYTES + MAX_OUTPUT_PER_CALL
    assert int(err.value.__notes__[0]) < produced  # the output that crossed the limit is not passed on


def test_the_reader_fails_on_a_gzip_bomb_with_the_same_message(bomb):
    reader = read_dump(chunked(bomb, 1 << 20), file_name=NAME, stem="movings", target_schema="load", gzip=True)
    with pytest.raises(DumpCompressionError) as err:
        list(reader)
    assert RATIO_REFUSAL.fullmatch(str(err.value)), str(err.value)


def test_a_bomb_after_an_honest_member_still_fails(bomb, sample_dump):
    honest = gzip.compress(sample_dump("mysql8_rooms.sql"))
    with pytest.raises(DumpCompressionError) as err:
        drain(iter_chunks_decompressed(chunked(honest + bomb, 1 << 20), True, file_name=NAME))
    assert RATIO_REFUSAL.fullmatch(str(err.value)), str(err.value)


def test_no_ratio_is_judged_within_the_exempt_size():
    packed = semicolons_gz(RATIO_EXEMPT_BYTES)  # about 1000x, and exactly the exempt size
    assert drain(iter_chunks_decompressed([packed], True, file_name=NAME)) == RATIO_EXEMPT_BYTES


@pytest.mark.parametrize("name", ["mariadb_tenants.sql", "mysql8_rooms.sql", "percona8_inquiries_B_complete.sql"])
def test_real_dumps_stay_far_below_the_ratio_even_judged_from_their_first_byte(sample_dump, monkeypatch, name):
    data = sample_dump(name)
    packed = gzip.compress(data)
    monkeypatch.setattr(decompress, "RATIO_EXEMPT_BYTES", 0)
    assert b"".join(iter_chunks_decompressed(chunked(packed, 100), True, file_name=NAME)) == data
    assert len(data) / len(packed) < MAX_DECOMPRESSION_RATIO / 10
    monkeypatch.setattr(decompress, "MAX_DECOMPRESSION_RATIO", 1)  # the limit is read when decompressing
    with pytest.raises(DumpCompressionError, match="exceeds the limit of 1x"):
        drain(iter_chunks_decompressed([packed], True, file_name=NAME))


def test_output_beyond_the_absolute_limit_fails_naming_the_object_and_the_limit(monkeypatch):
    limit = 1 << 20
    monkeypatch.setattr(decompress, "MAX_DECOMPRESSED_BYTES", limit)
    packed = gzip.compress(random.Random(7).randbytes(3 * limit))  # incompressible: no ratio to speak of
    with pytest.raises(DumpCompressionError) as err:
        drain(iter_chunks_decompressed(chunked(packed, 4096), True, file_name=NAME))
    assert str(err.value) == (
        f"{NAME}: decompressed size exceeds the limit of {limit} bytes: far larger than any dump (if real dumps "
        "have grown this large, raise MAX_DECOMPRESSED_BYTES in tokyobeta_etl.dumps.decompress)"
    )
    assert int(err.value.__notes__[0]) <= limit


def test_inflation_limits_at_their_boundaries():
    assert decompress.inflation_error(RATIO_EXEMPT_BYTES, 1) is None  # exempt, however high the ratio
    assert "decompression ratio" in decompress.inflation_error(RATIO_EXEMPT_BYTES + 1, 1)
    consumed = RATIO_EXEMPT_BYTES // MAX_DECOMPRESSION_RATIO + 1
    assert decompress.inflation_error(MAX_DECOMPRESSION_RATIO * consumed, consumed) is None  # at the limit
    assert f"{MAX_DECOMPRESSION_RATIO}x" in decompress.inflation_error(MAX_DECOMPRESSION_RATIO * consumed + 1, consumed)
    assert decompress.inflation_error(MAX_DECOMPRESSED_BYTES, MAX_DECOMPRESSED_BYTES) is None
    assert "decompressed size" in decompress.inflation_error(MAX_DECOMPRESSED_BYTES + 1, MAX_DECOMPRESSED_BYTES)
