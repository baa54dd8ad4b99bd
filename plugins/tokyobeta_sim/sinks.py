"""Where dumps go: a local directory or an S3 bucket (boto3 imported only when S3 is used)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class Sink(Protocol):
    def put(self, name: str, data: bytes) -> str:
        """Store `data` under file name `name`; return where it went."""


class DirectorySink:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def put(self, name: str, data: bytes) -> str:
        path = self.directory / name
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)  # a reader never sees a half-written dump
        return str(path)


class S3Sink:
    def __init__(self, bucket: str, prefix: str = "dumps/", endpoint_url: str | None = None, client=None) -> None:
        if client is None:
            import boto3

            client = boto3.client("s3", endpoint_url=endpoint_url)
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def put(self, name: str, data: bytes) -> str:
        key = f"{self.prefix}{name}"
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data)
        return f"s3://{self.bucket}/{key}"
