"""The admin API of outbound webhooks through the real app, its worker running: create (the
secret once), list with deliveries, update, rotate, resume, redeliver, delete; admin keys
only; bad input as UserErrors; private URLs refused."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from standardwebhooks.webhooks import Webhook
from starlette.applications import Starlette

from app.config import Settings
from app.main import create_app
from tests.app_fixtures import GraphQLClient

pytestmark = pytest.mark.anyio

CREATE = """
mutation Create($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    endpoint { id url description enabled status consecutiveFailures
               filter { kinds types states lineIds } }
    secret
    errors { code field message }
  }
}"""
LIST = """
query Endpoints {
  webhookEndpoints {
    id status lastDeliveredCursor consecutiveFailures
    deliveries(first: 10) {
      edges { node { eventCursor eventType attempt succeeded responseStatus error nextAttemptAt } }
      pageInfo { hasNextPage }
    }
  }
}"""
UPDATE = """
mutation Update($input: UpdateWebhookEndpointInput!) {
  updateWebhookEndpoint(input: $input) {
    endpoint { url enabled description filter { types } } errors { code field }
  }
}"""
ROTATE = """
mutation Rotate($id: ID!) {
  rotateWebhookSecret(input: {id: $id}) { endpoint { id } secret errors { code field } }
}"""
RESUME = """
mutation Resume($id: ID!) {
  resumeWebhookEndpoint(input: {id: $id}) { endpoint { status } errors { code field } }
}"""
REDELIVER = """
mutation Redeliver($id: ID!, $after: String) {
  redeliverWebhooks(input: {endpointId: $id, after: $after}) {
    endpoint { lastDeliveredCursor } errors { code field }
  }
}"""
DELETE = """
mutation Delete($id: ID!) {
  deleteWebhookEndpoint(input: {id: $id}) { endpoint { id } errors { code field } }
}"""
LINE = 'mutation NewLine { createLine(input: {name: "Desk"}) { line { id } } }'
ARRIVE = "mutation Arrive($l: ID!) { createQueueTicket(input: {lineId: $l}) { ticket { id } } }"


@pytest.fixture
async def app(database_url: str) -> AsyncIterator[Starlette]:
    settings = Settings(
        database_url=database_url, webhook_allow_private=True, poll_interval=0.05,
        webhook_retry_base=0.05, webhook_timeout=2.0,
    )  # fmt: skip
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


async def _create(gql: GraphQLClient, key: str, **input_: object) -> dict:
    result = await gql(CREATE, {"input": input_}, key=key)
    return result["data"]["createWebhookEndpoint"]


async def test_create_deliver_list(gql, key, receiver):
    created = await _create(
        gql, key, url=receiver.url(), description="CRM", filter={"kinds": ["QUEUE"]}
    )
    endpoint, secret = created["endpoint"], created["secret"]
    assert created["errors"] == []
    assert secret.startswith("whsec_")
    assert endpoint == {
        "id": endpoint["id"], "url": receiver.url(), "description": "CRM", "enabled": True,
        "status": "ACTIVE", "consecutiveFailures": 0,
        "filter": {"kinds": ["QUEUE"], "types": [], "states": [], "lineIds": []},
    }  # fmt: skip
    line = (await gql(LINE, key=key))["data"]["createLine"]["line"]["id"]
    ticket = (await gql(ARRIVE, {"l": line}, key=key))["data"]["createQueueTicket"]["ticket"]
    await receiver.wait_for(lambda: len(receiver.received) >= 1)
    [delivery] = receiver.received
    body = Webhook(secret).verify(delivery.body, delivery.headers)
    assert (body["type"], body["ticket"]["id"]) == ("CREATED", ticket["id"])
    for _ in range(100):  # the worker records the attempt right after the answer
        listed = (await gql(LIST, key=key))["data"]["webhookEndpoints"]
        if listed[0]["lastDeliveredCursor"] == delivery.headers["webhook-id"]:
            break
        await asyncio.sleep(0.05)
    assert listed == [
        {
            "id": endpoint["id"], "status": "ACTIVE",
            "lastDeliveredCursor": delivery.headers["webhook-id"], "consecutiveFailures": 0,
            "deliveries": {
                "edges": [{"node": {
                    "eventCursor": delivery.headers["webhook-id"], "eventType": "CREATED",
                    "attempt": 1, "succeeded": True, "responseStatus": 204, "error": None,
                    "nextAttemptAt": None,
                }}],
                "pageInfo": {"hasNextPage": False},
            },
        }
    ]  # fmt: skip


async def test_update_rotate_resume_redeliver_delete(gql, key, receiver):
    endpoint = (await _create(gql, key, url=receiver.url()))["endpoint"]
    eid = endpoint["id"]
    updated = (
        await gql(
            UPDATE,
            {
                "input": {
                    "id": eid,
                    "enabled": False,
                    "description": "x",
                    "filter": {"types": ["SERVED"]},
                }
            },
            key=key,
        )
    )["data"]["updateWebhookEndpoint"]
    assert updated == {
        "endpoint": {"url": receiver.url(), "enabled": False, "description": "x",
                     "filter": {"types": ["SERVED"]}},
        "errors": [],
    }  # fmt: skip
    rotated = (await gql(ROTATE, {"id": eid}, key=key))["data"]["rotateWebhookSecret"]
    assert rotated["secret"].startswith("whsec_") and rotated["errors"] == []
    resumed = (await gql(RESUME, {"id": eid}, key=key))["data"]["resumeWebhookEndpoint"]
    assert resumed == {"endpoint": {"status": "ACTIVE"}, "errors": []}
    replay = (await gql(REDELIVER, {"id": eid, "after": None}, key=key))["data"]
    assert replay["redeliverWebhooks"]["errors"] == []
    bad = (await gql(REDELIVER, {"id": eid, "after": "nope"}, key=key))["data"]
    assert bad["redeliverWebhooks"] == {
        "endpoint": None,
        "errors": [{"code": "VALIDATION", "field": "after"}],
    }
    deleted = (await gql(DELETE, {"id": eid}, key=key))["data"]["deleteWebhookEndpoint"]
    assert deleted == {"endpoint": {"id": eid}, "errors": []}
    again = (await gql(DELETE, {"id": eid}, key=key))["data"]["deleteWebhookEndpoint"]
    assert again == {"endpoint": None, "errors": [{"code": "NOT_FOUND", "field": "id"}]}
    assert (await gql(LIST, key=key))["data"]["webhookEndpoints"] == []


async def test_bad_input_is_a_user_error(gql, key):
    for url, field in (("ftp://example.com/x", "url"), ("http://u:p@example.com/", "url"),
                       ("not a url", "url")):  # fmt: skip
        created = await _create(gql, key, url=url)
        assert created["endpoint"] is None and created["secret"] is None
        assert [(e["code"], e["field"]) for e in created["errors"]] == [("VALIDATION", field)]
    malformed = (await gql(RESUME, {"id": "!!"}, key=key))["data"]["resumeWebhookEndpoint"]
    assert malformed == {"endpoint": None, "errors": [{"code": "VALIDATION", "field": "id"}]}
    other_type = (await gql(RESUME, {"id": "VXNlcjox"}, key=key))["data"]  # "User:1"
    assert other_type["resumeWebhookEndpoint"]["errors"] == [{"code": "NOT_FOUND", "field": "id"}]


async def test_another_workspace_cannot_touch_it(gql, key, make_workspace, receiver):
    eid = (await _create(gql, key, url=receiver.url()))["endpoint"]["id"]
    other = await make_workspace("Other")
    assert (await gql(LIST, key=other.api_key))["data"]["webhookEndpoints"] == []
    refused = (await gql(DELETE, {"id": eid}, key=other.api_key))["data"]
    assert refused["deleteWebhookEndpoint"]["errors"] == [{"code": "NOT_FOUND", "field": "id"}]


async def test_admin_keys_only(gql, read_key):
    result = await gql(LIST, key=read_key)
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    created = await gql(CREATE, {"input": {"url": "https://example.com/"}}, key=read_key)
    assert created["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook", "http://localhost/hook", "http://10.1.2.3/", "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data", "http://[::1]/", "http://0.0.0.0/",
        "http://[::]/", "http://[::ffff:127.0.0.1]/", "http://172.16.0.1/", "http://[fe80::1]/",
    ],
)  # fmt: skip
async def test_private_urls_are_refused(database_url, key, url):
    strict = create_app(Settings(database_url=database_url, webhooks=False))
    async with strict.router.lifespan_context(strict):
        transport = httpx.ASGITransport(app=strict)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            created = await _create(GraphQLClient(http), key, url=url)
    assert created["endpoint"] is None
    [error] = created["errors"]
    assert (error["code"], error["field"]) == ("VALIDATION", "url")
    assert "loopback, private, link-local or unspecified" in error["message"]


async def test_metrics_show_deliveries_failures_and_backlog(client, gql, key):
    from tests.webhooks.receiver import Receiver

    server = await Receiver(script=lambda _p, _n: 500).start()
    try:
        await _create(gql, key, url=server.url())
        line = (await gql(LINE, key=key))["data"]["createLine"]["line"]["id"]
        await gql(ARRIVE, {"l": line}, key=key)
        await server.wait_for(lambda: len(server.received) >= 2)
    finally:
        await server.stop()
    text = (await client.get("/metrics")).text
    samples = dict(
        line.rsplit(" ", 1) for line in text.splitlines() if line.startswith("ticketgw_webhook")
    )
    assert float(samples['ticketgw_webhook_deliveries_total{outcome="failed"}']) >= 2
    assert float(samples["ticketgw_webhook_backlog_events"]) >= 1  # the event still undelivered
    assert float(samples['ticketgw_webhook_endpoints{status="ACTIVE"}']) >= 1
