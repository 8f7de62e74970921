"""GraphQL over HTTP: media types, status codes of request errors, JSON protocol errors,
body size, CSRF header, CORS."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio

GRAPHQL_RESPONSE = "application/graphql-response+json"


async def test_graphql_response_json_gets_400_without_data_for_request_errors(client):
    headers = {"Accept": GRAPHQL_RESPONSE}
    for query in ["{", "{ nope }", "query($n: Int!) { __typename }"]:
        response = await client.post("/graphql", json={"query": query}, headers=headers)
        assert response.status_code == 400, query
        assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
        assert "data" not in response.json() and response.json()["errors"]


async def test_plain_json_clients_keep_200(client):
    response = await client.post(
        "/graphql", json={"query": "{"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json()["data"] is None


async def test_protocol_errors_are_json_never_text(client):
    unknown = await client.post(
        "/graphql", json={"query": "query A { __typename }", "operationName": "B"}
    )
    text_body = await client.post(
        "/graphql", content=b"{ __typename }", headers={"Content-Type": "text/plain"}
    )
    mutation_by_get = await client.get("/graphql", params={"query": "mutation { __typename }"})
    for response in (unknown, text_body, mutation_by_get):
        assert response.headers["content-type"].startswith("application/json"), response.text
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        assert 400 <= response.status_code < 500


async def test_a_body_over_the_limit_is_413(make_client):
    async with make_client(max_body_bytes=100) as http:
        response = await http.post("/graphql", json={"query": "{ __typename }" + " " * 200})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_csrf_header_is_required_on_get_when_enabled(make_client):
    async with make_client(csrf_require_header=True) as http:
        refused = await http.get("/graphql", params={"query": "{ __typename }"})
        allowed = await http.get(
            "/graphql", params={"query": "{ __typename }"}, headers={"X-Requested-With": "x"}
        )
        posted = await http.post("/graphql", json={"query": "{ __typename }"})
    assert refused.status_code == 400
    assert allowed.json()["data"] == {"__typename": "Query"}
    assert posted.json()["data"] == {"__typename": "Query"}


async def test_cors_allows_only_listed_origins(make_client):
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization",
    }
    async with make_client(cors_origins="https://console.example") as http:
        good = await http.options(
            "/graphql", headers={"Origin": "https://console.example", **preflight}
        )
        bad = await http.options(
            "/graphql", headers={"Origin": "https://evil.example", **preflight}
        )
    assert good.headers["access-control-allow-origin"] == "https://console.example"
    assert "access-control-allow-origin" not in bad.headers
