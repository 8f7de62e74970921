"""schema/operations/ is what clients copy and what generators (graphql-codegen, Relay) read:
every operation named, every name unique across all files, and every document valid."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse, validate

from schema import schema

OPERATIONS = Path(__file__).resolve().parents[1] / "schema" / "operations"
DOCUMENTS = sorted(OPERATIONS.rglob("*.graphql"))


def _definitions() -> list[tuple[Path, object]]:
    return [(path, d) for path in DOCUMENTS for d in parse(path.read_text()).definitions]


def test_every_operation_has_a_name_unique_across_the_documents():
    definitions = _definitions()
    anonymous = [
        str(path.relative_to(OPERATIONS))
        for path, d in definitions
        if isinstance(d, OperationDefinitionNode) and d.name is None
    ]
    names = Counter(
        (type(d).__name__, d.name.value)  # type: ignore[attr-defined]
        for _, d in definitions
        if isinstance(d, OperationDefinitionNode | FragmentDefinitionNode) and d.name
    )
    assert anonymous == []
    assert [name for name, count in names.items() if count > 1] == []
    assert len(DOCUMENTS) >= 8


def test_every_document_is_valid_against_the_schema():
    for path in DOCUMENTS:
        errors = validate(schema._schema, parse(path.read_text()))
        assert errors == [], f"{path.name}: {errors}"
