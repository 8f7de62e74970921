"""webhookEndpoints { deliveries }: every endpoint's page of attempts in one statement (it was
one per endpoint), each page its own endpoint's newest first, paged with `after`."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.db import WebhookDelivery
from app.db.engine import StatementCounter, statement_counter
from app.db.types import utcnow
from app.domain.cursors import encode_event_cursor
from app.domain.event_filter import EventFilter
from app.webhooks import endpoints
from tests.webhooks.conftest import LOCAL

pytestmark = pytest.mark.anyio

LIST = """
query Endpoints($first: Int!, $after: String) {
  webhookEndpoints {
    url
    deliveries(first: $first, after: $after) {
      edges { cursor node { eventCursor attempt succeeded } }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""


def _attempt(endpoint_id: int, seq: int, at) -> WebhookDelivery:
    return WebhookDelivery(
        endpoint_id=endpoint_id, event_seq=seq, event_type="CREATED", attempt=1,
        succeeded=True, response_status=204, duration_ms=1, at=at,
    )  # fmt: skip


async def _endpoints_with_attempts(db, workspace, count: int, attempts: int) -> None:
    now = utcnow()
    for e in range(count):
        endpoint, _secret = await endpoints.create_endpoint(
            db, LOCAL, workspace_id=workspace.workspace.id,
            url=f"http://127.0.0.1:9/{workspace.workspace.slug}/e{e}", event_filter=EventFilter(),
        )  # fmt: skip
        rows = [_attempt(endpoint.id, 100 * e + n, now + timedelta(milliseconds=n))
                for n in range(attempts)]  # fmt: skip
        async with db.transaction() as session:
            session.add_all(rows)


async def _count(gql, key: str, **variables) -> tuple[int, dict]:
    counter = StatementCounter()
    token = statement_counter.set(counter)
    try:
        result = await gql(LIST, variables, key=key)
    finally:
        statement_counter.reset(token)
    assert "errors" not in result, result["errors"]
    return counter.count, result["data"]["webhookEndpoints"]


async def test_deliveries_of_every_endpoint_in_one_statement(gql, db, make_workspace):
    # given: a workspace with one endpoint, another with three; 5 attempts each
    one, three = await make_workspace("one"), await make_workspace("three")
    await _endpoints_with_attempts(db, one, 1, 5)
    await _endpoints_with_attempts(db, three, 3, 5)
    await gql(LIST, {"first": 1}, key=one.api_key)  # the keys are looked up, then remembered
    await gql(LIST, {"first": 1}, key=three.api_key)

    # when
    one_count, _ = await _count(gql, one.api_key, first=3)
    three_count, listed = await _count(gql, three.api_key, first=3)

    # then: the endpoints, then their deliveries in one statement, however many endpoints
    assert three_count == one_count, (one_count, three_count)
    assert len(listed) == 3
    for e, endpoint in enumerate(listed):
        cursors = [edge["node"]["eventCursor"] for edge in endpoint["deliveries"]["edges"]]
        assert cursors == [encode_event_cursor(100 * e + n) for n in (4, 3, 2)]
        assert endpoint["deliveries"]["pageInfo"]["hasNextPage"] is True


async def test_the_next_page_follows_the_cursor(gql, db, workspace):
    await _endpoints_with_attempts(db, workspace, 2, 5)
    _, first = await _count(gql, workspace.api_key, first=3)
    after = first[1]["deliveries"]["pageInfo"]["endCursor"]

    _, rest = await _count(gql, workspace.api_key, first=3, after=after)

    # `after` names an attempt of the second endpoint; the first's were all made before it
    second = rest[1]["deliveries"]
    assert [e["node"]["eventCursor"] for e in second["edges"]] == [
        encode_event_cursor(100 + n) for n in (1, 0)
    ]
    assert second["pageInfo"]["hasNextPage"] is False
    assert [e["node"]["eventCursor"] for e in rest[0]["deliveries"]["edges"]] == [
        encode_event_cursor(n) for n in (4, 3, 2)
    ]
