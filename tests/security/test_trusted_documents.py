"""TICKETGW_TRUSTED_DOCUMENTS=1: only schema/operations documents run, by text or by id
(Apollo persistedQuery, documentId, id; POST and GET, HTTP and WebSocket); GraphiQL is off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import websockets

from app.config import Settings
from app.trusted_documents import document_hash
from tests.security.conftest import post
from tests.subscriptions.helpers import Gateway

pytestmark = pytest.mark.anyio

OPERATIONS = Path(__file__).resolve().parents[2] / "schema" / "operations"
CURL = (OPERATIONS / "readme" / "curl_query.graphql").read_text()
BOARD = (OPERATIONS / "readme" / "board_subscription.graphql").read_text()
AUTH_HEADERS = lambda key: {"Authorization": f"Bearer {key}"}  # noqa: E731


def code(body: dict) -> str:
    return body["errors"][0]["extensions"]["code"]


async def test_only_listed_documents_run(make_client, key):
    async with make_client(trusted_documents=True) as http:
        listed = (await post(http, CURL, key)).json()
        stripped = (await post(http, CURL.strip(), key)).json()
        other = (await post(http, "{ viewer { role } }", key)).json()
    assert "errors" not in listed and listed["data"]["viewer"]["role"] == "ADMIN"
    assert "errors" not in stripped
    assert code(other) == "TRUSTED_DOCUMENT_REQUIRED" and other.get("data") is None


@pytest.mark.parametrize("how", ["persistedQuery", "documentId", "id", "GET"])
async def test_documents_run_by_id(make_client, key, how):
    digest = document_hash(CURL)
    async with make_client(trusted_documents=True) as http:
        if how == "persistedQuery":
            ext = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
            response = await http.post(
                "/graphql", json={"extensions": ext}, headers=AUTH_HEADERS(key)
            )
        elif how == "GET":
            response = await http.get(
                "/graphql", params={"documentId": digest}, headers=AUTH_HEADERS(key)
            )
        else:
            response = await http.post("/graphql", json={how: digest}, headers=AUTH_HEADERS(key))
    body = response.json()
    assert "errors" not in body, body
    assert body["data"]["viewer"]["role"] == "ADMIN"


async def test_an_unknown_id_is_refused(make_client, key):
    ext = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
    async with make_client(trusted_documents=True) as http:
        body = (
            await http.post("/graphql", json={"extensions": ext}, headers=AUTH_HEADERS(key))
        ).json()
    assert code(body) == "PERSISTED_QUERY_NOT_FOUND"


async def test_graphiql_is_off_in_trusted_mode(make_client):
    async with make_client(trusted_documents=True) as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
    assert "graphiql" not in page.text.lower()


async def test_trusted_mode_applies_to_websockets(database_url, workspace):
    gateway = Gateway(Settings(database_url=database_url, trusted_documents=True))
    await gateway.start()
    try:
        async with websockets.connect(gateway.url, subprotocols=["graphql-transport-ws"]) as ws:
            auth = {"Authorization": f"Bearer {workspace.api_key}"}
            await ws.send(json.dumps({"type": "connection_init", "payload": auth}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            untrusted = "subscription { ticketEvents { id } }"
            await ws.send(
                json.dumps({"id": "1", "type": "subscribe", "payload": {"query": untrusted}})
            )
            refused = json.loads(await ws.recv())
            unknown = {"extensions": {"persistedQuery": {"sha256Hash": "0" * 64}}}
            await ws.send(json.dumps({"id": "2", "type": "subscribe", "payload": unknown}))
            not_found = json.loads(await ws.recv())
            by_id = {"documentId": document_hash(BOARD)}
            await ws.send(json.dumps({"id": "3", "type": "subscribe", "payload": by_id}))
            await ws.send(json.dumps({"type": "ping"}))
            after = json.loads(await ws.recv())
    finally:
        await gateway.stop()
    assert refused["type"] == "error" and refused["id"] == "1"
    assert refused["payload"][0]["extensions"]["code"] == "TRUSTED_DOCUMENT_REQUIRED"
    assert not_found["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert after == {"type": "pong"}  # the trusted subscription was accepted: no error for "3"
