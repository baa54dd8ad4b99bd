"""Find a batch's dump object in S3 (`.sql` or `.sql.gz`, never both) and stream it in chunks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from botocore import exceptions as boto_errors

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


# S3 not reachable or cut mid-response (after botocore's own retries): a network fault that a later look or a retry
# heals, never a verdict on the dump itself.
S3_UNREACHABLE = (boto_errors.ConnectionError, boto_errors.HTTPClientError, boto_errors.IncompleteReadError)


class DumpReadError(OSError):
    """S3 could not be reached, or the connection broke, while finding or reading a dump: retried."""


AMBIGUITY_ADVICE = "delete the one that is not the dump (the pipeline will not guess)"
FORMS_TEXT = ".sql or .sql.gz"  # how the messages name a dump's two forms
MISSING, FOUND, AMBIGUOUS = "missing", "found", "ambiguous"


def candidate_keys(sql_key: str) -> tuple[str, str]:
    """A dump's two possible keys, in the order they are looked for: the `.sql` key, then its `.sql.gz`."""
    return sql_key, sql_key + ".gz"


def verdict(found: Sequence[object]) -> str:
    """The rule for the forms of one dump that exist (from candidate_keys): none is MISSING, one is FOUND, both is
    AMBIGUOUS (either could be a stale or half-made copy: the pipeline never picks one). The load task, the dump
    sensor and the freshness check all judge by it."""
    if not found:
        return MISSING
    return AMBIGUOUS if len(found) > 1 else FOUND


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
    found = []
    for gz, key in zip((False, True), candidate_keys(dump_key(prefix, stem, batch.strftime("%Y%m%d"))), strict=True):
        try:
            head = s3.head_object(Bucket=bucket, Key=key)
        except s3.exceptions.ClientError as err:
            if err.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                continue
            raise
        except S3_UNREACHABLE as err:
            raise DumpReadError(f"S3 unreachable while looking for s3://{bucket}/{key}: {err}") from err
        found.append(DumpObject(bucket=bucket, key=key, gzip=gz, size=int(head["ContentLength"])))
    return found


def locate_dump(s3, bucket: str, prefix: str, stem: str, batch: dt.date) -> DumpObject:
    """The batch's one dump object for `stem`; DumpMissingError when there is none, DumpAmbiguousError when the
    `.sql` and the `.sql.gz` both exist (`verdict`)."""
    found = dump_objects(s3, bucket, prefix, stem, batch)
    judged = verdict(found)
    if judged == AMBIGUOUS:
        urls = (found[0].url, found[1].url)
        raise DumpAmbiguousError(f"dump {stem} for batch {batch} is ambiguous: {ambiguity(*urls)}", urls)
    if judged == MISSING:
        keys = candidate_keys(dump_key(prefix, stem, batch.strftime("%Y%m%d")))
        tried = " or ".join(f"s3://{bucket}/{key}" for key in keys)
        raise DumpMissingError(f"dump {stem} for batch {batch} not found: no {tried}")
    return found[0]


def iter_object_chunks(s3, obj: DumpObject, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The object's raw bytes, streamed; never the whole object in memory. A broken connection raises
    DumpReadError naming the object and how far the read got."""
    read = 0
    try:
        body = s3.get_object(Bucket=obj.bucket, Key=obj.key)["Body"]
    except S3_UNREACHABLE as err:
        raise DumpReadError(f"S3 unreachable while opening {obj.url}: {err}") from err
    try:
        for chunk in body.iter_chunks(chunk_bytes):
            read += len(chunk)
            yield chunk
    except S3_UNREACHABLE as err:
        raise DumpReadError(f"reading {obj.url} broke after {read} of {obj.size} bytes: {err}") from err
    finally:
        body.close()
