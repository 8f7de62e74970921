"""App fixtures for every test: the real ASGI app over httpx, with its lifespan running, on
the session's database; a GraphQL client; keys of each role; a row factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from app.access.workspaces import NewWorkspace, create_api_key
from app.config import Settings
from app.domain.enums import Role
from app.main import create_app
from tests.factories import Factory


@pytest.fixture
async def app(database_url: str) -> AsyncIterator[Starlette]:
    application = create_app(Settings(database_url=database_url))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


def graphql_result(response: httpx.Response) -> dict[str, Any]:
    """The response body without `extensions.requestId`, after checking it is the X-Request-Id
    header (tests/ops tests the id itself); callers compare the rest as a whole."""
    body: dict[str, Any] = response.json()
    extensions = body.get("extensions") or {}
    assert extensions.pop("requestId", None) == response.headers["x-request-id"]
    if not extensions:
        body.pop("extensions", None)
    return body


@dataclass
class GraphQLClient:
    http: httpx.AsyncClient

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, *, key: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        return graphql_result(response)


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)


@pytest.fixture
def factory(db, workspace: NewWorkspace) -> Factory:
    return Factory(db, workspace.workspace.id)  # type: ignore[arg-type]


@pytest.fixture
def key(workspace: NewWorkspace) -> str:
    return workspace.api_key


@pytest.fixture
async def read_key(db, workspace: NewWorkspace) -> str:
    _row, value = await create_api_key(
        db, workspace_id=workspace.workspace.id, user_id=workspace.admin.id, role=Role.READ
    )
    return value
