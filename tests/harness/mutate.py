"""Turn a good dump into a specific bad one, either by editing its text or by re-dumping a changed copy of it."""

from __future__ import annotations

import re
import subprocess
import uuid

from harness.dumpmaker import real_dump


def redump(server, data: bytes, stem: str, *mutations: str) -> bytes:
    """Load `data` into a scratch database with the plain client, apply SQL `mutations`, dump it again."""
    db = f"mut_{uuid.uuid4().hex[:8]}"
    server.execute(f"CREATE DATABASE `{db}` CHARACTER SET utf8mb4")
    try:
        subprocess.run(server.client_cmd(db), input=data, check=True, capture_output=True)
        server.execute("SET SESSION sql_mode = ''", *mutations, database=db)
        return real_dump(server, db, stem)
    finally:
        server.execute(f"DROP DATABASE `{db}`")


def insert_before_trailer(data: bytes, statement: bytes) -> bytes:
    """Put `statement` where a dump tool would: after the data, before the closing SETs and trailer."""
    marker = data.rindex(b"UNLOCK TABLES;\n") + len(b"UNLOCK TABLES;\n")
    return data[:marker] + statement + b"\n" + data[marker:]


def duplicate_first_row(data: bytes, table: str) -> bytes:
    head = f"INSERT INTO `{table}` VALUES\n".encode()
    start = data.index(head) + len(head)
    end = data.index(b"),\n", start) + 1
    return data[:start] + data[start:end] + b",\n" + data[start:]


def cut_mid_insert(data: bytes, table: str) -> bytes:
    head = f"INSERT INTO `{table}` VALUES".encode()
    start = data.index(head)
    return data[: start + (data.index(b";\n", start) - start) // 2]


def cut_after_first_insert(data: bytes) -> bytes:
    """Truncated at a statement boundary: everything after the first INSERT is gone."""
    start = data.index(b"INSERT INTO")
    return data[: data.index(b";\n", start) + 2]


def corrupt_utf8(data: bytes) -> bytes:
    """Replace the first multi-byte character inside the data with bytes that are not UTF-8."""
    start = data.index(b"INSERT INTO")
    m = re.compile(rb"[\xe3-\xe9][\x80-\xbf]{2}").search(data, start)
    return data[: m.start()] + b"\xff\xfe\xfd" + data[m.end() :]
