"""Fuzzing /graphql with schema-generated operations (hypothesis-graphql, the engine of
schemathesis's GraphQL support), bounded: derandomized (a fixed seed), a fixed number of
examples, positive and negative modes. No answer is a 5xx, and no error is unmasked (every
error either carries a code or is graphql-core's own request error, never a traceback)."""

from __future__ import annotations

import json

import pytest
from hypothesis import strategies as st
from hypothesis_graphql import Mode, nodes

from tests.generated_queries import generated_operations

pytestmark = pytest.mark.anyio

EXAMPLES = 150
SCALARS = {
    "DateTime": st.just("2026-01-20T09:37:43Z").map(nodes.String),
    "JSON": st.just("{}").map(nodes.String),
    "ID": st.sampled_from(["VGlja2V0OjE=", "TGluZTox", "bad"]).map(nodes.String),
}


def generate(mode: Mode) -> list[str]:
    return generated_operations(mode=mode, examples=EXAMPLES, scalars=SCALARS)


def unmasked(body: dict) -> list[dict]:
    bad = []
    for error in body.get("errors") or []:
        text = json.dumps(error)
        leaked = "Traceback" in text or "sqlalchemy" in text.lower() or "SELECT " in text
        if leaked or (error.get("extensions") or {}).get("code") == "INTERNAL_SERVER_ERROR":
            bad.append(error)
    return bad


@pytest.mark.parametrize("mode", [Mode.POSITIVE, Mode.NEGATIVE], ids=["positive", "negative"])
async def test_fuzzed_operations_never_fail_the_server(client, key, mode):
    failures = []
    for query in generate(mode):
        response = await client.post(
            "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {key}"}
        )
        if response.status_code >= 500:
            failures.append((query, response.status_code, response.text[:300]))
            continue
        if problems := unmasked(response.json()):
            failures.append((query, response.status_code, problems))
    assert failures == []
