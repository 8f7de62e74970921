"""Authentication per field, GraphiQL, health routes, JSON charset."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio

ROOT_FIELDS = {
    "tickets": "{ tickets { totalCount } }",
    "ticket": '{ ticket(id: "VGlja2V0OjE=") { id } }',
    "node": '{ node(id: "VGlja2V0OjE=") { id } }',
    "nodes": '{ nodes(ids: ["VGlja2V0OjE="]) { id } }',
    "lines": "{ lines { id } }",
    "users": "{ users { id } }",
    "teams": "{ teams { id } }",
    "labels": "{ labels { id } }",
    "viewer": "{ viewer { role } }",
    "ticketEvents": "{ ticketEvents { edges { cursor } } }",
}


@pytest.mark.parametrize("field", sorted(ROOT_FIELDS))
async def test_every_root_field_needs_a_key(gql, field):
    result = await gql(ROOT_FIELDS[field])
    assert [(e["path"], e["extensions"]) for e in result["errors"]] == [
        ([field], {"code": "UNAUTHENTICATED"})
    ]
    assert result["errors"][0]["message"] == (
        "An API key is required: send 'Authorization: Bearer <key>'."
    )


async def test_typename_and_introspection_need_no_key(gql):
    assert await gql("{ __typename }") == {"data": {"__typename": "Query"}}
    result = await gql('{ __type(name: "Ticket") { kind } }')
    assert result == {"data": {"__type": {"kind": "INTERFACE"}}}


async def test_read_key_reads_and_viewer_says_who(gql, read_key, workspace):
    result = await gql("{ viewer { role user { name } workspace { slug name } } }", key=read_key)
    assert result == {
        "data": {
            "viewer": {
                "role": "READ",
                "user": {"name": "Admin"},
                "workspace": {"slug": workspace.workspace.slug, "name": "Test"},
            }
        }
    }


async def test_json_says_utf8_and_graphiql_serves_a_browser(client):
    response = await client.post("/graphql", json={"query": "{ __typename }"})
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


async def test_health_routes(client):
    for path in ("/healthz", "/readyz"):
        response = await client.get(path)
        assert (response.status_code, response.json()) == (200, {"status": "ok"})
        assert response.headers["content-type"] == "application/json; charset=utf-8"
