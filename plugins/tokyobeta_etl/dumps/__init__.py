"""Pure-Python reader for the daily MySQL dumps: bytes in, validated and rewritten statements out.

    reader = read_dump(chunks, file_name="movings_20260210.sql", stem="movings", target_schema="load_x")
    for stmt in reader:          # DROP TABLE / CREATE TABLE / INSERT, rewritten to `load_x`.`movings`
        cursor.execute(stmt.sql)  # no parameters: the payload contains '%' freely
    reader.summary               # tables, columns, primary keys, settings, ...

Layers, each usable alone: iter_chunks_decompressed (what the object is, dumps.sniff; gzip) -> iter_statements /
StatementSplitter (split) -> Classifier / classify_statement (validate, rewrite) -> DumpReader / read_dump (file-level
structure).
"""

from .classify import EXECUTED_KINDS, ClassifiedStatement, Classifier, StatementKind, classify_statement
from .decompress import iter_chunks_decompressed
from .errors import (
    DumpCompressionError,
    DumpContainerError,
    DumpError,
    DumpStructureError,
    DumpSyntaxError,
    ForbiddenStatement,
)
from .reader import DumpReader, DumpSummary, read_dump
from .splitter import DEFAULT_MAX_STATEMENT_BYTES, Statement, StatementSplitter, iter_statements

__all__ = [
    "DEFAULT_MAX_STATEMENT_BYTES",
    "EXECUTED_KINDS",
    "ClassifiedStatement",
    "Classifier",
    "DumpCompressionError",
    "DumpContainerError",
    "DumpError",
    "DumpReader",
    "DumpStructureError",
    "DumpSummary",
    "DumpSyntaxError",
    "ForbiddenStatement",
    "Statement",
    "StatementKind",
    "StatementSplitter",
    "classify_statement",
    "iter_chunks_decompressed",
    "iter_statements",
    "read_dump",
]
