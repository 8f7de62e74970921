"""Two real gateway processes (`ticketgw serve`) on one PostgreSQL database, both scanning for
due SLA timers: 200 timers coming due at once get exactly one SLA_WARNING and one SLA_BREACHED
each, within 2 s of their time, and a subscriber on one gateway sees them, warning before breach.
Then, with no gateway running, more timers come due; the first gateway to start announces
each once."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db import SlaTimer, TicketEvent
from app.db.engine import Database
from app.domain.enums import Role
from app.domain.principal import Principal
from app.live.service_env import ServiceEnv
from app.sla.setup import PolicyInput, create_policy
from tests.ops.served import Served
from tests.services.feed_helpers import create_tickets
from tests.subscriptions.client import WsClient

pytestmark = pytest.mark.anyio

TIMERS = 200
SUBSCRIPTION = """subscription ($types: [TicketEventType!]) {
  ticketEvents(filter: {types: $types}) { cursor type ticket { id } changes }
}"""
GATEWAY_ENV = {"TICKETGW_SLA_SCAN_INTERVAL": "0.2", "TICKETGW_POLL_INTERVAL": "0.2"}


@pytest.fixture
def postgres_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (the PostgreSQL run checks it)")
    return database_url


async def _sla_events(db: Database, workspace_id: int) -> list[TicketEvent]:
    async with db.read_session() as session:
        stmt = (
            select(TicketEvent)
            .where(TicketEvent.workspace_id == workspace_id, TicketEvent.type.like("SLA_%"))  # type: ignore[attr-defined]
            .order_by(TicketEvent.seq)  # type: ignore[arg-type]
        )
        return list((await session.execute(stmt)).scalars())


async def _due_times(db: Database, workspace_id: int) -> dict[int, tuple]:
    async with db.read_session() as session:
        stmt = select(SlaTimer).where(SlaTimer.workspace_id == workspace_id)
        return {t.ticket_id: (t.warn_at, t.due_at) for t in (await session.execute(stmt)).scalars()}


async def _wait_for(
    db: Database, workspace_id: int, count: int, seconds: float
) -> list[TicketEvent]:
    async with asyncio.timeout(seconds):
        while len(await _sla_events(db, workspace_id)) < count:
            await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)  # anything more (a duplicate) would come now
    return await _sla_events(db, workspace_id)


def _check_once_each(events: list[TicketEvent], tickets: list[int]) -> None:
    per_ticket = defaultdict(list)
    for event in events:
        per_ticket[event.ticket_id].append(event.type)
    assert set(per_ticket) == set(tickets)
    assert Counter(tuple(types) for types in per_ticket.values()) == {
        ("SLA_WARNING", "SLA_BREACHED"): len(tickets)
    }


async def test_two_gateways_announce_each_due_timer_once(
    postgres_url, make_workspace, tmp_path: Path
):
    new = await make_workspace()
    ws = new.workspace.id
    db = Database(postgres_url)
    env = ServiceEnv(db)
    admin = Principal(ws, new.admin.id, Role.ADMIN, 0)  # type: ignore[arg-type]
    await create_policy(
        env, admin, PolicyInput("tight", resolution_seconds=6, warn_before_seconds=2)
    )
    gateways = [Served(postgres_url, tmp_path / f"gw{i}.log", **GATEWAY_ENV) for i in range(2)]
    try:
        await asyncio.gather(*(gw.start() for gw in gateways))
        ws_url = gateways[0].url.replace("http://", "ws://") + "/graphql"
        subscriber = await WsClient.connect(ws_url, new.api_key)
        await subscriber.subscribe(SUBSCRIPTION, types=["SLA_WARNING", "SLA_BREACHED"])
        await asyncio.sleep(0.5)  # the subscription is live

        # when: 200 timers start in one commit, due in 6 s, warned at 4 s
        tickets = await create_tickets(env, ws, TIMERS)
        events = await _wait_for(db, ws, 2 * TIMERS, seconds=30)

        # then: one warning and one breach per timer, each within 2 s of its time
        _check_once_each(events, tickets)
        due = await _due_times(db, ws)
        for event in events:
            warn_at, due_at = due[event.ticket_id]
            expected = warn_at if event.type == "SLA_WARNING" else due_at
            assert timedelta(0) <= event.at - expected < timedelta(seconds=2), (
                event.type,
                event.at,
                expected,
            )

        # and the subscriber on one gateway saw them all, in log order, warning first
        seen = [(await subscriber.next_payload(timeout=10))["data"]["ticketEvents"] for _ in events]
        assert [e["cursor"] for e in seen] == sorted(
            {e["cursor"] for e in seen},
            key=lambda c: seen.index(next(s for s in seen if s["cursor"] == c)),
        )
        got = defaultdict(list)
        for payload in seen:
            got[payload["ticket"]["id"]].append(payload["type"])
        assert all(types == ["SLA_WARNING", "SLA_BREACHED"] for types in got.values())
        assert len(got) == TIMERS
        await subscriber.close()

        # after a restart: timers that came due while no gateway ran are announced once
        await asyncio.gather(*(gw.stop() for gw in gateways))
        later = await create_tickets(env, ws, 50)
        await asyncio.sleep(7)  # past warning and due time, nobody scanning
        assert len(await _sla_events(db, ws)) == 2 * TIMERS
        await asyncio.gather(*(gw.start() for gw in gateways))
        events = await _wait_for(db, ws, 2 * TIMERS + 100, seconds=20)
        _check_once_each(events[2 * TIMERS :], later)
    finally:
        await asyncio.gather(*(gw.stop() for gw in gateways))
        await db.dispose()
