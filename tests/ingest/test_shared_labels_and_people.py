"""What vendors share in a workspace: one label per name (the vendor that made it keeps its
colour, #RRGGBB), and users whose email no mailbox address overwrites."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db import Label, User
from app.ingest import ingest
from app.ingest.connectors import CONNECTORS
from app.live.service_env import ServiceEnv
from tests.ingest.helpers import by_external, fixture

pytestmark = pytest.mark.anyio


async def _colour(db, ws: int, name: str) -> str | None:
    async with db.read_session() as s:
        stmt = select(Label.color).where(Label.workspace_id == ws, Label.name == name)
        return (await s.execute(stmt)).scalar_one()


def _qminder_vip(color: str, ticket_id: str = "1") -> dict:
    return {
        "id": ticket_id,
        "status": "NEW",
        "line": 1,
        "labels": [{"value": "VIP", "color": color}],
    }


async def test_the_vendor_that_made_a_label_keeps_its_colour(db, workspace):
    ws, env = workspace.workspace.id, ServiceEnv(db)
    qminder, gorgias = CONNECTORS["qminder"], CONNECTORS["gorgias"]
    await ingest(env, ws, qminder.read(_qminder_vip("ff4136")))
    assert await _colour(db, ws, "VIP") == "#FF4136"  # normalised: #RRGGBB
    tagged = fixture("gorgias_message_routing")  # tag VIP, colour 2ECC40
    await ingest(env, ws, gorgias.read(tagged))
    assert await _colour(db, ws, "VIP") == "#FF4136"  # another vendor doesn't repaint it
    await ingest(env, ws, qminder.read(_qminder_vip("#0074d9", "2")))
    assert await _colour(db, ws, "VIP") == "#0074D9"  # its maker may


async def test_a_label_without_a_colour_takes_the_first_one_sent(db, workspace):
    ws, env = workspace.workspace.id, ServiceEnv(db)
    await ingest(env, ws, CONNECTORS["qminder"].read(_qminder_vip("not a colour")))
    assert await _colour(db, ws, "VIP") is None
    await ingest(env, ws, CONNECTORS["gorgias"].read(fixture("gorgias_message_routing")))
    assert await _colour(db, ws, "VIP") == "#2ECC40"


async def test_a_mailbox_address_never_becomes_a_users_email(db, workspace):
    ws, env = workspace.workspace.id, ServiceEnv(db)
    payload = fixture("gorgias_message_routing")
    payload["assignee_user"] = None  # only the reply's routing names an address for user 7
    await ingest(env, ws, CONNECTORS["gorgias"].read(payload))
    agent = await by_external(db, User, ws, "7")
    assert agent.email is None and agent.name == "Gorgias user 7"
    payload["assignee_user"] = {"id": 7, "name": "Ana Agent", "email": "ana@acme.example"}
    payload["updated_datetime"] = "2024-03-01T11:00:00"
    await ingest(env, ws, CONNECTORS["gorgias"].read(payload))
    agent = await by_external(db, User, ws, "7")
    assert (agent.name, agent.email) == ("Ana Agent", "ana@acme.example")
