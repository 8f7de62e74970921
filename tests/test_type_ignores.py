"""The checked code keeps its `# type: ignore`s few and explained (mypy itself runs in .ci/run).

Each names the error code it silences (mypy's `ignore-without-code` says so too) and, after it on
the same line, why: `# type: ignore[attr-defined]  # SQLModel sets it, undeclared`.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ("app", "schema", "bench")  # [tool.mypy] files in pyproject.toml
MOST = 20

IGNORE = re.compile(r"#\s*type:\s*ignore")
EXPLAINED = re.compile(r"#\s*type:\s*ignore\[[a-z-]+(,\s*[a-z-]+)*\]  # \S")


def _ignores() -> list[tuple[str, str]]:
    found = []
    for package in CHECKED:
        for path in sorted((ROOT / package).rglob("*.py")):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if IGNORE.search(line):
                    found.append((f"{path.relative_to(ROOT)}:{number}", line.strip()))
    return found


def test_each_type_ignore_names_its_code_and_a_reason():
    unexplained = [where for where, line in _ignores() if not EXPLAINED.search(line)]
    assert unexplained == []


def test_at_most_twenty_type_ignores():
    ignores = _ignores()
    assert len(ignores) <= MOST, [where for where, _ in ignores]
