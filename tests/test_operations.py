"""Every client document in schema/operations/ is valid against the schema, and names its
operations uniquely (clients look them up by name)."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import OperationDefinitionNode, parse, validate

from schema import schema

OPERATIONS = Path(__file__).resolve().parent.parent / "schema" / "operations"
DOCUMENTS = sorted(OPERATIONS.glob("*.graphql"))


def test_there_are_documents():
    assert {path.name for path in DOCUMENTS} >= {
        "dashboard.graphql",
        "ticket.graphql",
        "queue.graphql",
        "tickets.graphql",
    }


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_document_validates(path: Path):
    errors = validate(schema._schema, parse(path.read_text()))
    assert [error.message for error in errors] == []


def test_operation_names_are_unique_and_given():
    names = [
        definition.name.value if definition.name else None
        for path in DOCUMENTS
        for definition in parse(path.read_text()).definitions
        if isinstance(definition, OperationDefinitionNode)
    ]
    assert None not in names
    assert len(names) == len(set(names))
    assert {"CallNextTicket", "CreateQueueTicket", "MarkTicketServed", "AddTicketLabel"} <= set(
        names
    )
