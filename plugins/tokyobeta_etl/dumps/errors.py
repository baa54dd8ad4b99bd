"""The reader's exception family: every failure names the file, line, table and statement it is about."""

from __future__ import annotations

import re

EXCERPT_CHARS = 120
_WS = re.compile(r"\s+")


def excerpt(sql: bytes | str | None, limit: int = EXCERPT_CHARS) -> str | None:
    """A one-line, length-capped rendering of a statement for error messages (never the whole 1 MB INSERT)."""
    if sql is None:
        return None
    if isinstance(sql, bytes):
        # Decode only the head: the excerpt is for humans, and a cut multi-byte character is fine replaced.
        sql = sql[: limit * 4].decode("utf-8", errors="replace")
    text = _WS.sub(" ", sql).strip()
    return text if len(text) <= limit else text[: limit - 3] + "..."


class DumpError(Exception):
    """Base of every error the dump reader raises. Attributes may be None when not applicable."""

    def __init__(
        self,
        message: str,
        *,
        file_name: str | None = None,
        line: int | None = None,
        table: str | None = None,
        statement: bytes | str | None = None,
        kind: str | None = None,
    ) -> None:
        self.message = message
        self.file_name = file_name
        self.line = line
        self.table = table
        self.kind = kind
        self.excerpt = excerpt(statement)
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.file_name or "<dump>"
        if self.line is not None:
            where += f", line {self.line}"
        parts = [f"{where}: {self.message}"]
        if self.kind is not None:
            parts.append(f"statement kind: {self.kind}")
        if self.table is not None:
            parts.append(f"table: {self.table}")
        if self.excerpt is not None:
            parts.append(f"statement: {self.excerpt!r}")
        return "; ".join(parts)

    def __reduce__(self):
        # Keep the attributes across pickling (Airflow / multiprocessing hand exceptions between processes).
        return (_rebuild, (type(self), dict(self.__dict__)))


def _rebuild(cls: type[DumpError], state: dict) -> DumpError:
    err = cls.__new__(cls)
    err.__dict__.update(state)
    Exception.__init__(err, err._render())
    return err


class DumpSyntaxError(DumpError):
    """The byte stream is not well-formed dump SQL: cut mid-statement or mid-literal, too large, undecodable."""


class ForbiddenStatement(DumpError):
    """A well-formed statement the contract does not allow in this file (GRANT, a trigger, another table, ...)."""


class DumpStructureError(DumpError):
    """Statements are individually fine but the file as a whole is not: missing table, truncated, unbalanced."""


class DumpCompressionError(DumpError):
    """A .gz object that is truncated, corrupt or inflates implausibly; or an object that is not SQL text at all."""


class DumpContainerError(DumpCompressionError):
    """The object is an archive, other compressed data or UTF-16 text (`content`: a kind from dumps.sniff).

    Its message follows the object's name: "movings_20260210.sql is a zip archive: ..."."""

    def __init__(self, message: str, *, file_name: str | None = None, content: str) -> None:
        self.content = content
        super().__init__(message, file_name=file_name)

    def _render(self) -> str:
        return f"{self.file_name or '<dump>'} {self.message}"


class Refused(Exception):
    """Internal: a statement parser's refusal, turned into a ForbiddenStatement with file context by the caller."""

    def __init__(self, message: str, kind: str, table: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.table = table
