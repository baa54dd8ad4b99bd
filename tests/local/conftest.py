"""The local docker compose set-up: its files, and tools/local_init.py (its airflow-init step) run outside Docker."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def local_init():
    """tools/local_init.py as a module (tools/ is no package)."""
    path = REPO / "tools" / "local_init.py"
    spec = importlib.util.spec_from_file_location("tokyobeta_local_init", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module
