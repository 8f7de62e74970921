"""Depth, alias, token and cost limits refuse an operation before it runs (nothing written),
with a code naming the limit; the dashboard documents pass; the cost is reported on request."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db import Ticket
from tests.security.conftest import post

pytestmark = pytest.mark.anyio

OPERATIONS = Path(__file__).resolve().parents[2] / "schema" / "operations"

MILLION = """{ tickets(first: 100) { nodes { history(first: 100) { nodes {
  ticket { messages(first: 100) { nodes { body } } } } } } } }"""


def deep_query(levels: int) -> str:
    inner = "id"
    for _ in range(levels // 2):
        inner = f"history(first: 1) {{ nodes {{ ticket {{ {inner} }} }} }}"
    return f"{{ tickets(first: 1) {{ nodes {{ {inner} }} }} }}"


def refusal(body: dict) -> str:
    assert "data" not in body or body["data"] is None
    [error] = body["errors"]
    return error["extensions"]["code"]


async def test_two_hundred_aliases_are_refused(gql, key):
    query = "{ " + " ".join(f"a{i}: __typename" for i in range(200)) + " }"
    body = await gql(query, key=key)
    assert refusal(body) == "ALIAS_LIMIT_EXCEEDED"
    assert body["errors"][0]["extensions"]["limit"] == 30


async def test_a_forty_deep_query_is_refused(gql, key):
    body = await gql(deep_query(40), key=key)
    assert refusal(body) == "DEPTH_LIMIT_EXCEEDED"
    assert "depth" in body["errors"][0]["message"]


async def test_a_query_that_could_return_a_million_nodes_is_refused(gql, key):
    body = await gql(MILLION, key=key)
    assert refusal(body) == "QUERY_TOO_COMPLEX"
    assert body["errors"][0]["extensions"]["value"] > 1_000_000


async def test_too_many_tokens_are_refused(gql, key):
    query = "{ " + "__typename " * 10_001 + "}"
    assert refusal(await gql(query, key=key)) == "TOKEN_LIMIT_EXCEEDED"


async def test_limits_come_from_settings(make_client, key):
    async with make_client(max_depth=3, max_cost=0, max_aliases=0) as http:
        body = (await post(http, "{ tickets(first: 1) { nodes { team { id } } } }", key)).json()
    assert refusal(body) == "DEPTH_LIMIT_EXCEEDED"


async def test_a_refused_mutation_writes_nothing(gql, db, key, factory):
    line = await factory.line()
    from schema.ids import encode_id

    line_id = encode_id("Line", line.id)
    create = (
        f'createQueueTicket(input: {{lineId: "{line_id}", firstName: "X"}}) {{ ticket {{ id }} }}'
    )
    fields = " ".join(f"c{i}: {create}" for i in range(31))
    body = await gql(f"mutation {{ {fields} }}", key=key)
    assert refusal(body) == "ALIAS_LIMIT_EXCEEDED"
    async with db.read_session() as session:
        count = (
            await session.execute(select(func.count()).where(Ticket.line_id == line.id))
        ).scalar_one()
    assert count == 0


@pytest.mark.parametrize("path", sorted(OPERATIONS.rglob("*.graphql")), ids=lambda p: p.name)
async def test_client_documents_are_within_limits(path, gql, key):
    from graphql import OperationDefinitionNode, parse

    from schema import schema
    from schema.limits import measure

    document = parse(path.read_text())
    for operation in document.definitions:
        if isinstance(operation, OperationDefinitionNode):
            name = operation.name.value if operation.name else None
            shape = measure(schema._schema, document, name, {})
            assert shape is not None
            assert shape.depth <= 15 and shape.aliases <= 30 and shape.cost <= 100_000


async def test_the_cost_is_reported_when_asked(client, key):
    query = "{ tickets(first: 10) { nodes { id assignee { name } } } }"
    response = await post(client, query, key, extensions={"cost": True})
    cost = response.json()["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 1 + 10 + 10  # the connection, 10 nodes, 10 assignees
    assert cost["maximumAvailable"] == 100_000
    assert cost["throttleStatus"]["maximumAvailable"] == 1_000_000
    assert response.headers["x-query-cost"] == "21"


def test_a_measured_shape_is_reused_only_for_the_same_page_sizes():
    from graphql import parse

    from schema import schema
    from schema.limits import measure

    document = parse(
        "query Page($n: Int, $term: String) { tickets(first: $n, filter: {search: $term}) {"
        " nodes { assignee { name } } } }"
    )

    def shape(variables):  # type: ignore[no-untyped-def]
        return measure(schema._schema, document, "Page", variables)

    search = 30  # a term of up to 10 characters (see test_search_cost_grows_with_the_term)
    ten = shape({"n": 10, "term": "ada"})
    assert ten is not None and ten.cost == 1 + search + 10 + 10
    assert shape({"n": 20, "term": "ada"}).cost == 1 + search + 20 + 20  # a page size read
    assert shape({"term": "ada"}).cost == 1 + search + 100 + 100  # absent: the default page
    assert shape({"n": 10, "term": "ada"}) is ten  # the same variables: the same shape
    assert shape({"n": 10.0, "term": "ada"}).cost != ten.cost  # not an Int: no page size
