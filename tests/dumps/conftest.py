"""Fixtures for the dump reader's tests: the hand-written sample dumps in data/."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def sample_dump():
    """sample_dump(name) -> the bytes of tests/dumps/data/<name>."""

    def load(name: str) -> bytes:
        return (DATA / name).read_bytes()

    return load
