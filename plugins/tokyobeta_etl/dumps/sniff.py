"""What an object really holds, judged from its first bytes: a compressor's or an archive's magic, or UTF-16 text.

Pure: bytes in, a kind (or None for anything else: SQL text, or bytes the reader will name) and the sentence that
says what to do out. decompress.py applies it to an object's first bytes and, for gzip, to its first decompressed
bytes, so a misnamed or wrapped dump is refused as what it is, not as invalid UTF-8 or a forbidden statement.
"""

from __future__ import annotations

import re

GZIP, ZIP, TAR, BZIP2, XZ, ZSTD, UTF16 = "gzip", "zip", "tar", "bzip2", "xz", "zstd", "utf-16"
KINDS = (GZIP, ZIP, TAR, BZIP2, XZ, ZSTD, UTF16)

_TAR_MAGIC_AT = 257  # "ustar" (POSIX "ustar\0", GNU "ustar ") after the member's name, mode, owner, size, ...
SNIFF_BYTES = 512  # one tar header: enough for every kind; the most ever buffered before the first byte is passed on

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", GZIP),
    (b"PK\x03\x04", ZIP),  # the first local file header
    (b"PK\x05\x06", ZIP),  # an empty archive: only the end-of-central-directory record
    (b"\xfd7zXZ\x00", XZ),
    (b"\x28\xb5\x2f\xfd", ZSTD),
    (b"\xff\xfe", UTF16),  # byte order marks (UTF-32 LE starts the same and is refused the same way)
    (b"\xfe\xff", UTF16),
)
_BZIP2 = re.compile(rb"BZh[1-9]")  # "BZh" and the block size digit: no SQL text starts so
_UTF16_PROBE = 64  # bytes checked for a NUL in every other byte (UTF-16 of ASCII text, no byte order mark)

_WHAT = {
    GZIP: "gzip-compressed data",
    ZIP: "a zip archive",
    TAR: "a tar archive",
    BZIP2: "bzip2-compressed data",
    XZ: "xz-compressed data",
    ZSTD: "zstd-compressed data",
    UTF16: "UTF-16 text",
}
_ONE_FILE = "dumps must be a single .sql or .sql.gz file"
_UTF8 = "dumps must be UTF-8 (mysqldump --default-character-set=utf8mb4)"


def sniff(head: bytes) -> str | None:
    """The kind of data `head` (an object's first SNIFF_BYTES bytes, or all of a shorter one) starts, else None."""
    # tar first: its header starts with the member's name, which could pass for anything below (even UTF-16)
    if head[_TAR_MAGIC_AT : _TAR_MAGIC_AT + 5] == b"ustar":
        return TAR
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if _BZIP2.match(head):
        return BZIP2
    if _looks_utf16(head[:_UTF16_PROBE]):
        return UTF16
    return None


def _looks_utf16(probe: bytes) -> bool:
    """NUL in every other byte, and only there: ASCII text in UTF-16 LE (odd bytes NUL) or BE (even bytes NUL)."""
    probe = probe[: len(probe) // 2 * 2]
    if len(probe) < 4:
        return False
    even, odd = probe[0::2], probe[1::2]
    return (not odd.strip(b"\x00") and even.count(0) == 0) or (not even.strip(b"\x00") and odd.count(0) == 0)


def refusal(kind: str, file_name: str, *, in_gzip: bool) -> str:
    """What the object `file_name` is and what to do, to follow its name ("<file_name> is ...").

    in_gzip: `kind` is what the object's gzip stream decompresses to, not its own first bytes."""
    plain = file_name.removesuffix(".gz")
    packed = f"{plain}.gz"
    if kind == GZIP:
        if in_gzip:
            return f"is gzip-compressed twice: gunzip it once and upload the result as {packed}"
        return f"is gzip-compressed data, not SQL text: name it {packed}, or upload it uncompressed"
    what = _WHAT[kind] + (" inside gzip" if in_gzip else "")
    if kind in (ZIP, TAR):
        remedy = _ONE_FILE
    elif kind == UTF16:
        remedy = _UTF8
    else:
        remedy = f"dumps must be gzip-compressed ({packed}) or uncompressed ({plain})"
    return f"is {what}: {remedy}"
