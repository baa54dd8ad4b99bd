"""Headless Chromium (Debian's `chromium` package) for the web UI tests: a page's DOM after its scripts ran, and a
screenshot of it."""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

WINDOW = (1600, 1000)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise FileNotFoundError("chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)")
    return found


def _run(url: str, *mode: str, budget_ms: int) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="tokyobeta-chromium-") as profile:
        done = subprocess.run(
            [
                chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--hide-scrollbars", "--no-first-run", f"--user-data-dir={profile}",
                f"--window-size={WINDOW[0]},{WINDOW[1]}",
                # virtual time runs only while the page is idle: the page's API calls finish before the budget ends
                f"--virtual-time-budget={budget_ms}", *mode, url,
            ],
            capture_output=True, text=True, timeout=180,
        )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"chromium exited {done.returncode} on {url}:\n{done.stderr[-3000:]}")
    return done


def rendered_dom(url: str, budget_ms: int = 15000) -> str:
    return _run(url, "--dump-dom", budget_ms=budget_ms).stdout


def screenshot(url: str, out: Path, budget_ms: int = 15000) -> Path:
    _run(url, f"--screenshot={out}", budget_ms=budget_ms)
    if not out.is_file():
        raise RuntimeError(f"chromium wrote no screenshot of {url}")
    return out


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    return struct.unpack(">II", head[16:24])
