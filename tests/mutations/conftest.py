"""Mutations through the real ASGI app: the API fixtures, plus an agent key and id helpers."""

from __future__ import annotations

import pytest

from app.access.workspaces import NewWorkspace, create_api_key
from app.domain.enums import Role
from schema.ids import encode_id
from tests.api.conftest import app, client, factory, gql, key, read_key

__all__ = ["app", "client", "factory", "gid", "gql", "key", "read_key"]


def gid(type_name: str, row: object) -> str:
    """The global id of a row (a ticket's type name is "Ticket")."""
    return encode_id(type_name, row.id)  # type: ignore[attr-defined]


@pytest.fixture
async def agent_key(db, workspace: NewWorkspace) -> str:
    _row, value = await create_api_key(
        db, workspace_id=workspace.workspace.id, user_id=workspace.admin.id, role=Role.AGENT
    )
    return value
