"""docs/ARCHITECTURE.md, the packages' docstrings and the tree agree (the import contracts
themselves are `lint-imports`, in .ci/run)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "ARCHITECTURE.md").read_text()
MAX_MODULES = 15


def _packages() -> list[Path]:
    return sorted(
        init.parent.relative_to(ROOT)
        for top in ("app", "schema")
        for init in (ROOT / top).rglob("__init__.py")
        if "node_modules" not in init.parts
    )


PACKAGES = _packages()


def test_every_path_the_doc_names_exists() -> None:
    named = set(re.findall(r"`((?:app|schema)(?:/[a-z_0-9]+)*(?:/|\.py))`", DOC))
    assert len(named) > 40  # the doc does name the tree
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert missing == []


@pytest.mark.parametrize("package", PACKAGES, ids=str)
def test_the_doc_names_every_package(package: Path) -> None:
    assert f"`{package}/`" in DOC


@pytest.mark.parametrize("package", PACKAGES, ids=str)
def test_no_package_holds_more_than_15_modules(package: Path) -> None:
    modules = sorted(p.name for p in (ROOT / package).glob("*.py"))
    assert len(modules) <= MAX_MODULES, modules


def _docstring(package: Path) -> str:
    return ast.get_docstring(ast.parse((ROOT / package / "__init__.py").read_text())) or ""


@pytest.mark.parametrize("package", PACKAGES, ids=str)
def test_every_package_says_what_it_holds(package: Path) -> None:
    assert len(_docstring(package)) > 40


GRAPH = grimp.build_graph("app", "schema", exclude_type_checking_imports=True)
SUBSYSTEMS = ["app.access", "app.demo", "app.ingest", "app.live", "app.loaders", "app.tickets"]


def _subpackage(module: str) -> str:
    return ".".join(module.split(".")[:2])


@pytest.mark.parametrize("package", SUBSYSTEMS)
def test_a_subsystem_imports_only_what_its_docstring_allows(package: str) -> None:
    doc = _docstring(Path(*package.split(".")))
    allowed_text = re.split(r"\.(?:\s|$)", doc.split("May import:", 1)[1])[0]  # one sentence
    allowed = set(re.findall(r"app\.[a-z_]+", allowed_text))
    imported = {
        _subpackage(target)
        for module in GRAPH.find_descendants(package) | {package}
        for target in GRAPH.find_modules_directly_imported_by(module)
        if target.startswith("app.") and _subpackage(target) != package
    }
    # The root utility modules are for everyone (app/__init__.py's docstring names them).
    utilities = {"app.config", "app.background", "app.outages", "app.observability"}
    assert imported - utilities <= allowed, sorted(imported - utilities - allowed)
