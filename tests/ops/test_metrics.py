"""/metrics after a few requests: counts by operation and outcome, latency and SQL statement
histograms, events published, and the gauges read at scrape time."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.observability.metrics import operation_label

pytestmark = pytest.mark.anyio

CREATE_LINE = (
    'mutation OpsLine { createLine(input: {name: "Ops"}) { line { id } errors { code } } }'
)


async def scrape(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_requests_by_operation_and_outcome(client, key):
    before = await scrape(client)
    headers = {"Authorization": f"Bearer {key}"}
    for _ in range(2):
        await client.post(
            "/graphql", json={"query": "query OpsViewer { viewer { role } }"}, headers=headers
        )
    await client.post("/graphql", json={"query": "query OpsBroken { nope }"}, headers=headers)
    await client.post("/graphql", json={"query": CREATE_LINE}, headers=headers)
    await client.post(
        "/graphql", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    after = await scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert {
        "viewer ok": delta("ticketgw_graphql_requests_total", operation="OpsViewer", outcome="ok"),
        "broken error": delta(
            "ticketgw_graphql_requests_total", operation="OpsBroken", outcome="error"
        ),
        "mutation ok": delta("ticketgw_graphql_requests_total", operation="OpsLine", outcome="ok"),
        "bad json rejected": delta(
            "ticketgw_graphql_requests_total", operation="anonymous", outcome="rejected"
        ),
        "viewer timed": delta(
            "ticketgw_graphql_request_duration_seconds_count", operation="OpsViewer"
        ),
        "events published": delta("ticketgw_events_published_total"),
    } == {
        "viewer ok": 2,
        "broken error": 1,
        "mutation ok": 1,
        "bad json rejected": 1,
        "viewer timed": 2,
        "events published": 0,  # creating a line writes no ticket event
    }
    # The viewer's reads: at least two statements each (the first also looks its key up).
    assert delta("ticketgw_graphql_sql_statements_sum", operation="OpsViewer") >= 4
    assert delta("ticketgw_graphql_sql_statements_bucket", operation="OpsViewer", le="1.0") == 0
    for gauge in ("ticketgw_websockets_open", "ticketgw_subscriptions_active"):
        assert (gauge, ()) in after


async def test_ticket_events_count_as_published(client, key):
    headers = {"Authorization": f"Bearer {key}"}
    line = await client.post("/graphql", json={"query": CREATE_LINE}, headers=headers)
    line_id = line.json()["data"]["createLine"]["line"]["id"]
    before = await scrape(client)
    create = "mutation ($l: ID!) { createQueueTicket(input: {lineId: $l}) { errors { code } } }"
    await client.post(
        "/graphql", json={"query": create, "variables": {"l": line_id}}, headers=headers
    )
    after = await scrape(client)
    published = "ticketgw_events_published_total"
    assert value(after, published) - value(before, published) == 1


def test_operation_labels_are_bounded():
    assert operation_label(None) == "anonymous"
    assert operation_label("Dashboard") == "Dashboard"
    assert operation_label("x" * 65) == "other"
    # Past the budget, new names share one label; names seen before keep theirs.
    names = [f"Flood{i}" for i in range(300)]
    labels = {operation_label(name) for name in names}
    assert "other" in labels and len(labels) <= 201
    assert operation_label("Dashboard") == "Dashboard"
