"""What an object really is: archives, other compressors and UTF-16 refused by name, under either dump name, whole
or fed a byte at a time; gzip read only as .sql.gz, and a .sql.gz wrapping one of those refused the same way."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile

import pytest

from tokyobeta_etl.dumps import (
    DumpCompressionError,
    DumpContainerError,
    DumpError,
    DumpSyntaxError,
    iter_chunks_decompressed,
    read_dump,
)
from tokyobeta_etl.dumps.decompress import peek
from tokyobeta_etl.dumps.sniff import KINDS, SNIFF_BYTES, sniff

PLAIN, PACKED = "movings_20260210.sql", "movings_20260210.sql.gz"
SQL = b"-- MySQL dump 10.13  Distrib 8.0.36\nDROP TABLE IF EXISTS `movings`;\n"


def tar_of(data: bytes, fmt: int = tarfile.PAX_FORMAT, name: str = PLAIN) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as tar:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def zip_of(data: bytes | None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        if data is not None:
            z.writestr(PLAIN, data)
    return out.getvalue()


def zstd_frame(data: bytes) -> bytes:
    """A valid zstd frame holding `data` in one raw block (the standard library has no zstd)."""
    assert len(data) < 256
    block_header = ((len(data) << 3) | 1).to_bytes(3, "little")  # last block, raw, its size
    return b"\x28\xb5\x2f\xfd" + b"\x20" + bytes([len(data)]) + block_header + data  # single segment, 1-byte size


TEXT = SQL.decode()
SAMPLES = {  # what real tools write
    "gzip": ("gzip", gzip.compress(SQL)),
    "zip": ("zip", zip_of(SQL)),
    "empty zip": ("zip", zip_of(None)),
    "tar (pax)": ("tar", tar_of(SQL)),
    "tar (gnu)": ("tar", tar_of(SQL, tarfile.GNU_FORMAT)),
    "tar (ustar), one-letter member": ("tar", tar_of(SQL, tarfile.USTAR_FORMAT, "a")),
    "bzip2": ("bzip2", bz2.compress(SQL)),
    "xz": ("xz", lzma.compress(SQL)),
    "zstd": ("zstd", zstd_frame(SQL)),
    "utf-16 (bom, le)": ("utf-16", TEXT.encode("utf-16")),
    "utf-16 be with bom": ("utf-16", b"\xfe\xff" + TEXT.encode("utf-16-be")),
    "utf-16 le, no bom": ("utf-16", TEXT.encode("utf-16-le")),
    "utf-16 be, no bom": ("utf-16", TEXT.encode("utf-16-be")),
}


def one_byte_chunks(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


@pytest.mark.parametrize("sample", list(SAMPLES))
def test_sniff_names_what_real_tools_write(sample):
    kind, data = SAMPLES[sample]
    assert sniff(data[:SNIFF_BYTES]) == kind


def test_every_kind_has_a_sample():
    assert {kind for kind, _ in SAMPLES.values()} == set(KINDS)


@pytest.mark.parametrize(
    "head",
    [b"", b";", b"B", b"BZ", b"BZhello", b"\xef\xbb\xbf" + SQL, SQL, b"\x00" * SNIFF_BYTES, b"P", b"PK", b"\x1f"],
    ids=["empty", "semicolon", "B", "BZ", "BZhello", "utf-8 bom", "sql", "all nul", "P", "PK", "half gzip magic"],
)
def test_sql_text_and_short_or_odd_heads_are_no_container(head):
    assert sniff(head) is None


@pytest.mark.parametrize("name", ["mariadb_tenants.sql", "mysql8_rooms.sql", "percona8_inquiries_B_complete.sql"])
def test_the_sample_dumps_are_no_container(sample_dump, name):
    assert sniff(sample_dump(name)[:SNIFF_BYTES]) is None


# The exact refusal for each kind: as the object's own bytes under each name, and inside a .sql.gz's gzip stream.
ONE_FILE = "dumps must be a single .sql or .sql.gz file"
UTF8 = "dumps must be UTF-8 (mysqldump --default-character-set=utf8mb4)"
RECOMPRESS = f"dumps must be gzip-compressed ({PACKED}) or uncompressed ({PLAIN})"
AS_OBJECT = {
    "gzip": f"is gzip-compressed data, not SQL text: name it {PACKED}, or upload it uncompressed",
    "zip": f"is a zip archive: {ONE_FILE}",
    "tar": f"is a tar archive: {ONE_FILE}",
    "bzip2": f"is bzip2-compressed data: {RECOMPRESS}",
    "xz": f"is xz-compressed data: {RECOMPRESS}",
    "zstd": f"is zstd-compressed data: {RECOMPRESS}",
    "utf-16": f"is UTF-16 text: {UTF8}",
}
INSIDE_GZIP = {
    "gzip": f"is gzip-compressed twice: gunzip it once and upload the result as {PACKED}",
    "zip": f"is a zip archive inside gzip: {ONE_FILE}",
    "tar": f"is a tar archive inside gzip: {ONE_FILE}",
    "bzip2": f"is bzip2-compressed data inside gzip: {RECOMPRESS}",
    "xz": f"is xz-compressed data inside gzip: {RECOMPRESS}",
    "zstd": f"is zstd-compressed data inside gzip: {RECOMPRESS}",
    "utf-16": f"is UTF-16 text inside gzip: {UTF8}",
}


def refused(data: bytes, name: str, gz: bool, chunking) -> DumpContainerError:
    with pytest.raises(DumpContainerError) as err:
        b"".join(iter_chunks_decompressed(chunking(data), gz, file_name=name))
    assert isinstance(err.value, DumpCompressionError) and isinstance(err.value, DumpError)
    assert err.value.file_name == name
    return err.value


CHUNKINGS = {"whole": lambda data: [data], "1-byte chunks": one_byte_chunks}


@pytest.mark.parametrize("chunking", list(CHUNKINGS))
@pytest.mark.parametrize("sample", list(SAMPLES))
def test_named_sql_every_kind_is_refused_as_what_it_is(sample, chunking):
    kind, data = SAMPLES[sample]
    err = refused(data, PLAIN, False, CHUNKINGS[chunking])
    assert str(err) == f"{PLAIN} {AS_OBJECT[kind]}"
    assert err.content == kind


@pytest.mark.parametrize("chunking", list(CHUNKINGS))
@pytest.mark.parametrize("sample", [s for s, (kind, _) in SAMPLES.items() if kind != "gzip"])
def test_named_sql_gz_every_other_kind_is_refused_as_what_it_is(sample, chunking):
    kind, data = SAMPLES[sample]
    err = refused(data, PACKED, True, CHUNKINGS[chunking])
    assert str(err) == f"{PACKED} {AS_OBJECT[kind]}"
    assert err.content == kind


@pytest.mark.parametrize("chunking", list(CHUNKINGS))
@pytest.mark.parametrize("sample", list(SAMPLES))
def test_a_sql_gz_wrapping_any_kind_is_refused_naming_the_object(sample, chunking):
    kind, data = SAMPLES[sample]
    err = refused(gzip.compress(data), PACKED, True, CHUNKINGS[chunking])
    assert str(err) == f"{PACKED} {INSIDE_GZIP[kind]}"
    assert err.content == kind


def test_the_refusal_survives_pickling():
    import pickle

    err = refused(zip_of(SQL), PLAIN, False, CHUNKINGS["whole"])
    again = pickle.loads(pickle.dumps(err))
    assert (type(again), str(again), again.content, again.file_name) == (type(err), str(err), "zip", PLAIN)


# --- through the reader: the answers the hostile run got before -------------------------------------------------


def read_movings(data: bytes, name: str, gz: bool):
    return list(read_dump(one_byte_chunks(data), file_name=name, stem="movings", target_schema="load", gzip=gz))


def test_reader_names_gzip_bytes_in_a_dot_sql_instead_of_invalid_utf8(sample_dump):
    data = gzip.compress(sample_dump("mysql8_rooms.sql"))
    with pytest.raises(DumpContainerError) as err:
        read_movings(data, PLAIN, False)
    assert not isinstance(err.value, DumpSyntaxError)
    assert str(err.value) == f"{PLAIN} {AS_OBJECT['gzip']}"


def test_reader_names_a_tar_gz_instead_of_a_forbidden_statement():
    tar_gz = gzip.compress(tar_of(SQL, name="MOVINGS_20260210"))
    with pytest.raises(DumpContainerError) as err:
        read_movings(tar_gz, PACKED, True)
    assert str(err.value) == f"{PACKED} {INSIDE_GZIP['tar']}"


@pytest.mark.parametrize("gz", [False, True], ids=["sql", "sql.gz"])
def test_a_utf8_bom_is_no_container(sample_dump, gz):
    data = b"\xef\xbb\xbf" + sample_dump("mysql8_rooms.sql")
    raw = gzip.compress(data) if gz else data
    name = "rooms_20260210.sql" + (".gz" if gz else "")
    reader = read_dump(one_byte_chunks(raw), file_name=name, stem="rooms", target_schema="load", gzip=gz)
    assert [s.table for s in reader] == ["apartments"] * 3 + ["rooms"] * 3


# --- buffering ----------------------------------------------------------------------------------------------------


def counted(chunks: list[bytes], pulled: list[int]):
    for chunk in chunks:
        pulled[0] += 1
        yield chunk


@pytest.mark.parametrize(("chunks", "expect_pulled"), [([b"x"] * 2000, SNIFF_BYTES), ([b"x" * 10**6, b"y"], 1)])
def test_peek_pulls_only_the_chunks_its_bytes_span_and_passes_all_on_unchanged(chunks, expect_pulled):
    pulled = [0]
    head, everything = peek(counted(chunks, pulled), SNIFF_BYTES)
    assert head == b"".join(chunks)[:SNIFF_BYTES]
    assert pulled[0] == expect_pulled
    assert list(everything) == chunks


@pytest.mark.parametrize("data", [b"", b"x", SQL, SQL * 100], ids=["empty", "one byte", "short", "long"])
def test_plain_sql_passes_through_unchanged_in_one_byte_chunks(data):
    chunks = one_byte_chunks(data)
    assert list(iter_chunks_decompressed(chunks, False, file_name=PLAIN)) == chunks


def test_a_short_gzip_dump_is_sniffed_on_all_it_holds():
    assert b"".join(iter_chunks_decompressed(one_byte_chunks(gzip.compress(b";")), True, file_name=PACKED)) == b";"
