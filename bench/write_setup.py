"""The write benchmark's data: a fresh database, one busy workspace and sixteen small ones.

Workspace "one" gets one agent (a user with an AGENT key) per client slot, each with its own
helpdesk tickets; the sixteen "spread" workspaces share the same number of slots between them
(slot i in workspace i % 16). Lines and labels are made for the mix. Workspaces and their admin
keys are made in-process (there is no API for that); everything else through GraphQL on the
running gateway, as a client would.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx

from app.access.workspaces import create_workspace
from app.config import normalize_database_url
from app.db.engine import Database
from app.db.schema_setup import migrate
from schema.ids import decode_id

SPREAD = 16
LINES = 4


@dataclass
class Slot:
    """One client's identity: its workspace, its agent and key, its tickets."""

    workspace_id: int
    key: str
    user_id: int
    user_gid: str
    line_gid: str
    tickets: list[str] = field(default_factory=list)  # global ids

    @property
    def ticket_pks(self) -> list[int]:
        return [decode_id(gid)[1] for gid in self.tickets]


@dataclass
class Fixture:
    one: list[Slot]
    spread: list[Slot]
    admin_keys: dict[int, str]  # workspace id -> admin key


def database_urls(server_url: str, name: str) -> tuple[str, str]:
    """(plain postgresql:// URL, SQLAlchemy URL) of database `name` on the server's URL."""
    base = server_url.replace("postgresql+asyncpg://", "postgresql://").rsplit("/", 1)[0]
    plain = f"{base}/{name}"
    return plain, normalize_database_url(plain)


async def recreate_database(server_url: str, name: str) -> None:
    conn = await asyncpg.connect(server_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def make_workspaces(url: str) -> dict[str, tuple[int, str]]:
    """name -> (workspace id, admin key), for "one" and "spread-0".."spread-15"."""
    await asyncio.to_thread(migrate, url)
    db = Database(url)
    made = {}
    try:
        for name in ["one", *(f"spread-{i}" for i in range(SPREAD))]:
            new = await create_workspace(db, name=name, slug=f"{name}-{uuid.uuid4().hex[:6]}")
            made[name] = (int(new.workspace.id), new.api_key)
    finally:
        await db.dispose()
    return made


CREATE_LINE = (
    "mutation ($n: String!) { createLine(input: {name: $n}) { line { id } errors { code } } }"
)
CREATE_USER = (
    "mutation ($n: String!) { createUser(input: {name: $n}) { user { id } errors { code } } }"
)
CREATE_KEY = """mutation ($u: ID!) { createApiKey(input: {role: AGENT, name: "bench", userId: $u}) {
  key errors { code } } }"""
CREATE_HELPDESK = """mutation ($s: String!) { createHelpdeskTicket(input: {subject: $s,
  firstName: "Bench"}) { ticket { id } errors { code message } } }"""


async def gql(http: httpx.AsyncClient, key: str, query: str, **variables: Any) -> dict[str, Any]:
    answer = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {key}"},
    )
    body = answer.json()
    assert answer.status_code == 200 and not body.get("errors"), body
    payload = next(iter(body["data"].values()))
    assert not payload.get("errors"), payload
    return payload


async def seed_workspace(
    http: httpx.AsyncClient, ws: int, admin: str, slots: int, tickets_each: int
) -> list[Slot]:
    lines = [
        (await gql(http, admin, CREATE_LINE, n=f"Line {i}"))["line"]["id"] for i in range(LINES)
    ]
    made = []
    for i in range(slots):
        user = (await gql(http, admin, CREATE_USER, n=f"Agent {i}"))["user"]["id"]
        key = (await gql(http, admin, CREATE_KEY, u=user))["key"]
        slot = Slot(ws, key, decode_id(user)[1], user, lines[i % LINES])
        for t in range(tickets_each):
            ticket = await gql(http, key, CREATE_HELPDESK, s=f"Bench {i}.{t}")
            slot.tickets.append(ticket["ticket"]["id"])
        made.append(slot)
    return made


async def seed(
    gateway_url: str, workspaces: dict[str, tuple[int, str]], slots: int, tickets_each: int
) -> Fixture:
    """Agents, keys, lines and tickets through GraphQL; the workspaces in parallel."""
    async with httpx.AsyncClient(base_url=gateway_url, timeout=60) as http:
        one_ws, one_key = workspaces["one"]
        spread = [workspaces[f"spread-{i}"] for i in range(SPREAD)]
        per_spread = [len(range(i, slots, SPREAD)) for i in range(SPREAD)]
        jobs = [seed_workspace(http, one_ws, one_key, slots, tickets_each)]
        jobs += [
            seed_workspace(http, ws, key, n, tickets_each)
            for (ws, key), n in zip(spread, per_spread, strict=True)
        ]
        one, *groups = await asyncio.gather(*jobs)
    # slot i of the spread set lives in workspace i % 16
    spread_slots = [groups[i % SPREAD][i // SPREAD] for i in range(slots)]
    admin_keys = {ws: key for ws, key in workspaces.values()}
    return Fixture(one, spread_slots, admin_keys)
