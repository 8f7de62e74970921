"""What the browser/node stage needs: node, the npm packages of package-lock.json, Chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
BIN = HERE / "node_modules" / ".bin"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def missing_node_tools() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (HERE / "node_modules" / ".package-lock.json").is_file():
        return "run `npm ci` in tests/browser"
    return None


def missing_browser() -> str | None:
    if missing_node_tools() is not None:
        return missing_node_tools()
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def needs(missing: str | None) -> pytest.MarkDecorator:
    """Skip on a developer's machine without the tools; never in CI, where a missing tool
    must fail the run rather than pass it quietly."""
    return pytest.mark.skipif(missing is not None and not os.environ.get("CI"), reason=str(missing))
