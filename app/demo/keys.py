"""`ticketgw demo` on a database that has the demo already: the demo workspaces again, each
with a fresh admin key (keys are stored hashed, so earlier ones can't be shown; they keep
working) and its webhook secrets."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from app.access.workspaces import create_api_key, webhook_secrets, workspace_by_slug
from app.db import User
from app.demo.cast import WORKSPACES
from app.demo.seed import DemoWorkspace
from app.domain.enums import Role
from app.tickets.unit_of_work import ServiceEnv

KEY_NAME = "demo"


async def existing_demo(env: ServiceEnv) -> list[DemoWorkspace] | None:
    """The demo workspaces with new keys, or None when the demo is not loaded."""
    found = []
    for spec in WORKSPACES:
        workspace = await workspace_by_slug(env.db, spec.slug)
        if workspace is None:
            return None
        found.append(workspace)
    demo = []
    for workspace in found:
        assert workspace.id is not None
        async with env.db.read_session() as session:
            first_user = select(col(User.id)).where(col(User.workspace_id) == workspace.id)
            admin_id = (
                await session.execute(first_user.order_by(col(User.id)).limit(1))
            ).scalar_one()
        _, key = await create_api_key(
            env.db, workspace_id=workspace.id, user_id=admin_id, role=Role.ADMIN, name=KEY_NAME
        )
        secrets = await webhook_secrets(env.db, workspace.id)
        demo.append(DemoWorkspace(workspace.slug, workspace.name, workspace.id, key, secrets))
    return demo
