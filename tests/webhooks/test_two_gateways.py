"""Two `ticketgw serve` processes on one PostgreSQL database deliver the same endpoint. The one
that sent a delivery is killed with SIGKILL while the receiver holds the request; the other
sends that event again once the lease expires, then the rest: every event at least once, in
order, no gap."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from app.access.workspaces import create_workspace
from app.db.engine import Database
from app.domain.cursors import decode_event_cursor
from tests.ops.served import Served
from tests.ops.test_two_replicas import fresh_postgres  # noqa: F401  (a fixture)
from tests.webhooks.receiver import HANG, Receiver

pytestmark = [pytest.mark.anyio, pytest.mark.postgres]

EVENTS = 6
CREATE_LINE = 'mutation Desk { createLine(input: {name: "Desk"}) { line { id } } }'
ARRIVE = "mutation Arrive($l: ID!) { createQueueTicket(input: {lineId: $l}) { ticket { id } } }"
LIST = """query Hooks {
  webhookEndpoints { lastDeliveredCursor deliveries { edges { node { eventCursor succeeded } } } }
}"""
CREATE_HOOK = """mutation Hook($url: String!) {
  createWebhookEndpoint(input: {url: $url}) { endpoint { id } secret errors { code } }
}"""


def _socket_inodes(port: int) -> set[str]:
    """Inodes of the TCP sockets bound locally to `port` (the client side of a connection)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(fields[9])
    return inodes


def _owner_of(port: int, pids: list[int]) -> int:
    """Which of `pids` holds the client socket on local `port`."""
    wanted = {f"socket:[{inode}]" for inode in _socket_inodes(port)}
    for pid in pids:
        fd_dir = Path(f"/proc/{pid}/fd")
        for fd in fd_dir.iterdir():
            try:
                if os.readlink(fd) in wanted:
                    return pid
            except OSError:
                continue
    raise AssertionError(f"no gateway holds the socket on port {port}")


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    server = await Receiver(script=lambda _path, n: HANG if n == 0 else 200).start()
    yield server
    await server.stop()


@pytest.fixture
async def gateways(fresh_postgres: str, tmp_path) -> AsyncIterator[list[Served]]:  # noqa: F811
    env = {
        "TICKETGW_WEBHOOK_ALLOW_PRIVATE": "1",
        "TICKETGW_WEBHOOK_TIMEOUT": "3",
        "TICKETGW_WEBHOOK_LEASE": "3",  # held 8 s (timeout + 5) after a claim or a delivery
        "TICKETGW_POLL_INTERVAL": "0.2",
    }
    servers = [Served(fresh_postgres, tmp_path / f"gateway-{i}.log", **env) for i in (1, 2)]
    try:
        for server in servers:
            await server.start()
        yield servers
    finally:
        for server in servers:
            await server.stop()


async def test_a_delivery_cut_by_sigkill_is_sent_again_by_the_other(
    fresh_postgres,  # noqa: F811
    gateways,
    receiver,
):
    db = Database(fresh_postgres)
    try:
        ws = await create_workspace(db, name="Hooks", slug=f"hooks-{uuid.uuid4().hex[:8]}")
    finally:
        await db.dispose()
    headers = {"Authorization": f"Bearer {ws.api_key}"}
    a, b = gateways
    async with httpx.AsyncClient(headers=headers, timeout=10) as http:
        hook = await http.post(
            a.url + "/graphql", json={"query": CREATE_HOOK, "variables": {"url": receiver.url()}}
        )
        secret = hook.json()["data"]["createWebhookEndpoint"]["secret"]
        line = await http.post(b.url + "/graphql", json={"query": CREATE_LINE})
        line_id = line.json()["data"]["createLine"]["line"]["id"]
        for i in range(EVENTS):
            gateway = (a, b)[i % 2]
            await http.post(
                gateway.url + "/graphql", json={"query": ARRIVE, "variables": {"l": line_id}}
            )

    await receiver.wait_for(lambda: len(receiver.received) >= 1)
    hung = receiver.received[0]
    assert decode_event_cursor(hung.headers["webhook-id"]) == 1
    pids = [a.proc.pid, b.proc.pid]  # type: ignore[union-attr]
    sender = _owner_of(hung.peer_port, pids)
    os.kill(sender, signal.SIGKILL)
    survivor = next(g for g in gateways if g.proc.pid != sender)  # type: ignore[union-attr]

    await receiver.wait_for(lambda: len(receiver.received) >= EVENTS + 1, timeout=30)
    seqs = [decode_event_cursor(r.headers["webhook-id"]) for r in receiver.received]
    assert seqs == [1, *range(1, EVENTS + 1)]  # the cut delivery again, then the rest in order
    verifier = Webhook(secret)
    for delivery in receiver.received:
        verifier.verify(delivery.body, delivery.headers)
    # The survivor's record: the cut attempt left no row (its process died before writing
    # one); each event acknowledged once, the cursor at the last one.
    async with httpx.AsyncClient(headers=headers, timeout=10) as http:
        for _ in range(50):
            listed = await http.post(survivor.url + "/graphql", json={"query": LIST})
            [endpoint] = listed.json()["data"]["webhookEndpoints"]
            if endpoint["lastDeliveredCursor"] == receiver.received[-1].headers["webhook-id"]:
                break
            await asyncio.sleep(0.1)
    attempts = [e["node"] for e in endpoint["deliveries"]["edges"]]
    assert [(d["eventCursor"], d["succeeded"]) for d in reversed(attempts)] == [
        (r.headers["webhook-id"], True) for r in receiver.received[1:]
    ]
