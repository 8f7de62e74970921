"""The client documents of schema/operations/ run end to end: a visitor arrives, is called,
is served, and the dashboard shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app_fixtures import graphql_result
from tests.mutations.conftest import gid

pytestmark = pytest.mark.anyio

OPERATIONS = Path(__file__).resolve().parents[2] / "schema" / "operations"
QUEUE = (OPERATIONS / "queue.graphql").read_text()
DASHBOARD = (OPERATIONS / "dashboard.graphql").read_text()


async def _run(gql, document: str, name: str, variables: dict, key: str) -> dict:
    response = await gql.http.post(
        "/graphql",
        json={"query": document, "operationName": name, "variables": variables},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200, response.text
    return graphql_result(response)


async def test_queue_documents_end_to_end(gql, factory, key):
    line = await factory.line("Front", prefix="F")
    line_id = gid("Line", line)

    created = await _run(
        gql, QUEUE, "CreateQueueTicket", {"input": {"lineId": line_id, "firstName": "Ann"}}, key
    )
    called = await _run(
        gql, QUEUE, "CallNextTicket", {"input": {"lineIds": [line_id], "desk": 2}}, key
    )
    ticket_id = called["data"]["callNextTicket"]["ticket"]["id"]
    served = await _run(gql, QUEUE, "MarkTicketServed", {"input": {"id": ticket_id}}, key)
    empty = await _run(gql, QUEUE, "CallNextTicket", {"input": {"lineIds": [line_id]}}, key)
    board = await _run(gql, DASHBOARD, "Dashboard", {"filter": {"states": ["RESOLVED"]}}, key)

    assert created["data"]["createQueueTicket"]["ticket"]["id"] == ticket_id
    assert served == {
        "data": {
            "markTicketServed": {
                "ticket": {
                    "id": ticket_id,
                    "state": "RESOLVED",
                    "version": 3,
                    "status": "SERVED",
                    "publicId": "F-1",
                    "desk": 2,
                    "position": None,
                    "line": {"id": line_id, "name": "Front"},
                    "calledBy": {"name": "Admin"},
                },
                "errors": [],
            }
        }
    }
    assert empty == {"data": {"callNextTicket": {"ticket": None, "errors": []}}}
    nodes = board["data"]["tickets"]["nodes"]
    assert [(n["id"], n["queueStatus"], n["title"]) for n in nodes] == [
        (ticket_id, "SERVED", "Ann")
    ]
