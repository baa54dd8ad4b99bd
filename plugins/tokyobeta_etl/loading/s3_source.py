"""Find a batch's dump object in S3 (`.sql` or `.sql.gz`, never both) and stream it in chunks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from tokyobeta_etl.data_contract import dump_key

CHUNK_BYTES = 1 << 20


class DumpMissingError(FileNotFoundError):
    """Neither the `.sql` nor the `.sql.gz` object of a dump exists."""


class DumpAmbiguousError(ValueError):
    """Both the `.sql` and the `.sql.gz` object of a dump exist: bad input, never retried (`urls`: both objects)."""

    def __init__(self, message: str, urls: tuple[str, str]) -> None:
        super().__init__(message)
        self.urls = urls

    def __reduce__(self):
        return (type(self), (str(self), self.urls))


AMBIGUITY_ADVICE = "delete the one that is not the dump (the pipeline will not guess)"


def ambiguity(plain_url: str, gz_url: str) -> str:
    """What the load task, the dump sensor and the freshness check say when a dump exists in both forms."""
    return f"both {plain_url} and {gz_url} exist; {AMBIGUITY_ADVICE}"


@dataclass(frozen=True)
class DumpObject:
    bucket: str
    key: str
    gzip: bool
    size: int

    @property
    def file_name(self) -> str:
        return self.key.rsplit("/", 1)[-1]

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def dump_objects(s3, bucket: str, prefix: str, stem: str, batch: dt.date) -> list[DumpObject]:
    """Those of the batch's two candidate objects for `stem` that exist: `.sql`, then `.sql.gz`."""
    ymd = batch.strftime("%Y%m%d")
    found = []
    for gz in (False, True):
        key = dump_key(prefix, stem, ymd, gz=gz)
        try:
            head = s3.head_object(Bucket=bucket, Key=key)
        except s3.exceptions.ClientError as err:
            if err.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                continue
            raise
        found.append(DumpObject(bucket=bucket, key=key, gzip=gz, size=int(head["ContentLength"])))
    return found


def locate_dump(s3, bucket: str, prefix: str, stem: str, batch: dt.date) -> DumpObject:
    """The batch's one dump object for `stem`; DumpMissingError when there is none, DumpAmbiguousError when the
    `.sql` and the `.sql.gz` both exist (either could be a stale or half-made copy)."""
    found = dump_objects(s3, bucket, prefix, stem, batch)
    if len(found) == 2:
        urls = (found[0].url, found[1].url)
        raise DumpAmbiguousError(f"dump {stem} for batch {batch} is ambiguous: {ambiguity(*urls)}", urls)
    if not found:
        ymd = batch.strftime("%Y%m%d")
        tried = " or ".join(f"s3://{bucket}/{dump_key(prefix, stem, ymd, gz=gz)}" for gz in (False, True))
        raise DumpMissingError(f"dump {stem} for batch {batch} not found: no {tried}")
    return found[0]


def iter_object_chunks(s3, obj: DumpObject, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The object's raw bytes, streamed; never the whole object in memory."""
    body = s3.get_object(Bucket=obj.bucket, Key=obj.key)["Body"]
    try:
        yield from body.iter_chunks(chunk_bytes)
    finally:
        body.close()
