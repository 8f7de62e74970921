"""Clients of a gateway fleet under faults, behaving as real ones would.

`Subscriber`: one `ticketEvents` subscription over a real WebSocket; when the socket closes or
can't be opened it waits (backoff with jitter), reconnects, to the other gateway when its own
doesn't answer, and resumes after the last cursor it saw. It keeps everything it received and
every payload that was not a whole event.

`Writer`: queue-ticket mutations over HTTP (create, call, serve, ...), spread over the run,
each tried again (on either gateway) until some gateway answers it; once, after `burst_at`
mutations, `burst` tickets created at once (`burst_started` is set then): a fault timed to
hit it finds events committed a moment ago that subscribers are still resolving, and more in
flight.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import Any

import httpx
import websockets

from tests.subscriptions.client import Closed, WsClient

SUBSCRIPTION = """
subscription ($after: String) {
  ticketEvents(after: $after) { id cursor type toStatus ticket { id state } actor { name } }
}
"""

CREATE_LINE = 'mutation { createLine(input: {name: "Faults"}) { line { id } errors { code } } }'
CREATE = """mutation ($line: ID!) {
  createQueueTicket(input: {lineId: $line}) { ticket { id } errors { code } } }"""
CALL = "mutation ($id: ID!) { callTicket(input: {id: $id}) { errors { code } } }"
SERVE = "mutation ($id: ID!) { markTicketServed(input: {id: $id}) { errors { code } } }"

EVENTS_PAGE = """query ($after: String) {
  ticketEvents(after: $after, first: 100) {
    edges { node { id cursor type } } pageInfo { hasNextPage endCursor } } }"""


def _backoff(attempt: int) -> float:
    return min(2.0, 0.1 * 2**attempt) * random.uniform(0.5, 1.0)


@dataclass
class Subscriber:
    urls: list[str]  # ws:// URLs of the gateways, its own first
    key: str
    protocol: str
    after: str
    received: list[tuple[str, str, str]] = field(default_factory=list)  # (cursor, id, type)
    spoiled: list[dict[str, Any]] = field(default_factory=list)  # payloads not a whole event
    closes: list[int | None] = field(default_factory=list)  # why each connection ended
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        attempt, gateway = 0, 0
        while not self.stop.is_set():
            try:
                client = await WsClient.connect(self.urls[gateway], self.key, self.protocol)
            except Closed as closed:  # refused at connection_init (1013 in an outage)
                self.closes.append(closed.code)
                await asyncio.sleep(_backoff(attempt))
                attempt += 1
                continue
            except Exception:  # nobody answers there (killed, restarting): try the other
                gateway = (gateway + 1) % len(self.urls)
                await asyncio.sleep(_backoff(attempt))
                attempt += 1
                continue
            try:
                await client.subscribe(SUBSCRIPTION, after=self.after)
                await self._read(client)
            except Closed as closed:
                self.closes.append(closed.code)
            except websockets.ConnectionClosed as closed:
                self.closes.append(closed.rcvd.code if closed.rcvd else None)
            finally:
                await client.ws.close()
            attempt = 0
            await asyncio.sleep(_backoff(attempt))

    async def _read(self, client: WsClient) -> None:
        while not self.stop.is_set():
            try:
                payload = await client.next_payload(timeout=1.0)
            except TimeoutError:
                continue
            event = (payload.get("data") or {}).get("ticketEvents")
            if payload.get("errors") or not event or not event["ticket"]:
                self.spoiled.append(payload)
                continue
            self.received.append((event["cursor"], event["id"], event["type"]))
            self.after = event["cursor"]


@dataclass
class Writer:
    urls: list[str]  # http:// base URLs of the gateways
    key: str
    mutations: int
    interval: float
    burst_at: int = -1
    burst: int = 0
    burst_started: asyncio.Event = field(default_factory=asyncio.Event)
    done: int = 0
    attempts: int = 0

    async def run(self) -> None:
        async with httpx.AsyncClient(timeout=10) as http:
            self.http = http
            line = await self._mutate(CREATE_LINE)
            line_id = line["createLine"]["line"]["id"]
            ticket_id, step = "", 0
            while self.done < self.mutations:
                if self.done == self.burst_at:
                    self.burst_started.set()
                    await asyncio.gather(*(self._burst_one(line_id) for _ in range(self.burst)))
                if step == 0:
                    created = await self._mutate(CREATE, line=line_id)
                    ticket_id = created["createQueueTicket"]["ticket"]["id"]
                else:
                    await self._mutate(CALL if step == 1 else SERVE, id=ticket_id)
                self.done, step = self.done + 1, (step + 1) % 3
                await asyncio.sleep(self.interval)

    async def _burst_one(self, line_id: str) -> None:
        await self._mutate(CREATE, line=line_id)
        self.done += 1

    async def _mutate(self, query: str, **variables: str) -> dict[str, Any]:
        """The data of the first answer any gateway gives, trying again after each failure.
        A retry after a lost answer may find the change made already (an INVALID_TRANSITION
        in the payload): that is an answer too."""
        headers = {"Authorization": f"Bearer {self.key}"}
        attempt = 0
        while True:
            url = self.urls[(self.attempts + attempt) % len(self.urls)]
            self.attempts += 1
            try:
                response = await self.http.post(
                    f"{url}/graphql",
                    json={"query": query, "variables": variables},
                    headers=headers,
                )
                body = response.json()
                if response.status_code == 200 and not body.get("errors"):
                    return body["data"]  # type: ignore[no-any-return]
            except (httpx.TransportError, ValueError):
                pass
            await asyncio.sleep(_backoff(attempt))
            attempt += 1


async def committed_events(url: str, key: str) -> list[tuple[str, str, str]]:
    """Every event in the log, from Query.ticketEvents, page by page."""
    events: list[tuple[str, str, str]] = []
    after = None
    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        while True:
            response = await http.post(
                "/graphql",
                json={"query": EVENTS_PAGE, "variables": {"after": after}},
                headers={"Authorization": f"Bearer {key}"},
            )
            page = response.json()["data"]["ticketEvents"]
            events += [(e["node"]["cursor"], e["node"]["id"], e["node"]["type"]) for e in
                       page["edges"]]  # fmt: skip
            if not page["pageInfo"]["hasNextPage"]:
                return events
            after = page["pageInfo"]["endCursor"]
