"""A schemathesis run against /graphql: 1,000+ operations generated from the schema, every query
and mutation, valid and invalid ones, with NUL bytes allowed in strings. No answer is a 5xx and
none carries INTERNAL_SERVER_ERROR, on SQLite and on PostgreSQL (the suite runs on both).

Bounded: a fixed seed (derandomized) and a fixed number of examples per operation and mode, so
a run is the same on every machine. IDs are drawn from real rows of the workspace and from ids
no row can have (past 2^31, past 2^63), DateTimes from the whole datetime range: the paths that
reach the database get exercised, not only the validation that stops malformed documents.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode
from schemathesis.specs.graphql import nodes
from schemathesis.specs.graphql.scalars import CUSTOM_SCALARS

from schema import schema_sdl
from schema.ids import encode_id
from tests.factories import Factory

pytestmark = pytest.mark.anyio

EXAMPLES = 16  # per operation and mode (44 operations x 2 modes; a few have fewer to give)
MINIMUM_CASES = 1000
DATETIMES = [
    "2026-01-20T09:37:43Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "2024-02-30T00:00:00Z",
]


async def _ids(factory: Factory) -> list[str]:
    line = await factory.line()
    user = await factory.user()
    team = await factory.team()
    label = await factory.label("vip")
    queue = await factory.queue_ticket(line)
    helpdesk = await factory.helpdesk_ticket(team_id=team.id, assignee_id=user.id)
    real = [
        encode_id("Line", line.id),  # type: ignore[arg-type]
        encode_id("User", user.id),  # type: ignore[arg-type]
        encode_id("Team", team.id),  # type: ignore[arg-type]
        encode_id("Label", label.id),  # type: ignore[arg-type]
        encode_id("Ticket", queue.id),  # type: ignore[arg-type]
        encode_id("Ticket", helpdesk.id),  # type: ignore[arg-type]
    ]
    impossible = [encode_id("Ticket", 2**31), encode_id("Line", 2**63), "VGlja2V0OjE=\x00", "x"]
    return real + impossible


def generated_bodies(ids: list[str]) -> list[dict[str, Any]]:
    """Request bodies schemathesis makes for every operation, in both modes."""
    scalars = {
        "ID": st.sampled_from(ids).map(nodes.String),
        "DateTime": st.sampled_from(DATETIMES).map(nodes.String),
    }
    loaded = schemathesis.graphql.from_file(schema_sdl())
    loaded.config.generation.update(allow_x00=True)  # the default; said here, as it matters
    bodies: list[dict[str, Any]] = []
    previous = dict(CUSTOM_SCALARS)
    CUSTOM_SCALARS.update(scalars)  # schemathesis reads its scalar strategies from here
    try:
        for result in loaded.get_all_operations():
            operation = result.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

                @settings(
                    max_examples=EXAMPLES,
                    derandomize=True,
                    database=None,
                    deadline=None,
                    suppress_health_check=list(HealthCheck),
                )
                @given(operation.as_strategy(generation_mode=mode))
                def collect(case: Any) -> None:
                    bodies.append(case.as_transport_kwargs()["json"])

                collect()
    finally:
        CUSTOM_SCALARS.clear()
        CUSTOM_SCALARS.update(previous)
    return bodies


def problems(status: int, text: str) -> list[str]:
    found = []
    if status >= 500:
        found.append(f"HTTP {status}")
    if "INTERNAL_SERVER_ERROR" in text or "Traceback" in text:
        found.append("internal error")
    return found


async def test_schemathesis_finds_no_server_error(make_client, factory, key):
    bodies = generated_bodies(await _ids(factory))
    assert len(bodies) >= MINIMUM_CASES
    assert any("\\u0000" in body["query"] for body in bodies)  # NUL bytes were sent
    failures = []
    # No rate limit: every case runs, however much it costs.
    async with make_client(rate_limit=0) as http:
        for body in bodies:
            response = await http.post(
                "/graphql",
                content=json.dumps(body),
                headers={
                    "Authorization": f"Bearer {key}",
                    "Content-Type": "application/json",
                    "Accept": "application/graphql-response+json",
                },
            )
            if found := problems(response.status_code, response.text):
                failures.append((body["query"][:300], found, response.text[:300]))
    assert failures == []
