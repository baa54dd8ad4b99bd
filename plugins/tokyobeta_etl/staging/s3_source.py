"""Find a batch's dump object in S3 (`.sql`, else `.sql.gz`) and stream it in chunks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from tokyobeta_etl.contract import dump_key

CHUNK_BYTES = 1 << 20


class DumpMissingError(FileNotFoundError):
    """Neither the `.sql` nor the `.sql.gz` object of a dump exists."""


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


def locate_dump(s3, bucket: str, prefix: str, stem: str, batch: dt.date) -> DumpObject:
    ymd = batch.strftime("%Y%m%d")
    candidates = [(dump_key(prefix, stem, ymd), False), (dump_key(prefix, stem, ymd, gz=True), True)]
    for key, gz in candidates:
        try:
            head = s3.head_object(Bucket=bucket, Key=key)
        except s3.exceptions.ClientError as err:
            if err.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                continue
            raise
        return DumpObject(bucket=bucket, key=key, gzip=gz, size=int(head["ContentLength"]))
    tried = " or ".join(f"s3://{bucket}/{key}" for key, _ in candidates)
    raise DumpMissingError(f"dump {stem} for batch {batch} not found: no {tried}")


def iter_object_chunks(s3, obj: DumpObject, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The object's raw bytes, streamed; never the whole object in memory."""
    body = s3.get_object(Bucket=obj.bucket, Key=obj.key)["Body"]
    try:
        yield from body.iter_chunks(chunk_bytes)
    finally:
        body.close()
