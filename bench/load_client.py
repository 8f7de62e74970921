"""A load process: keep-alive HTTP clients that run request scripts, in their own process.

Driven over stdin/stdout by a benchmark (write_load.py, subscriptions_ws.py):

1. stdin line 1: the plan (JSON, below). The clients connect and warm up; "ready" on stdout.
2. stdin line 2: `go <start_at>`: measure from start_at (epoch seconds) for `duration` s, or
   until `count` requests when given. One JSON result line on stdout, then exit.

Plan: {"port", "duration", "count"?, "rate"?, "record"?, "clients": [{"headers": {...},
"tickets": [...], "steps": [{"name", "path", "body", "capture"?}]}]}. A client runs its steps
in order, again and again; `__TICKET__` in a body is the current ticket: the next of `tickets`
at each first step, or the one a `capture` step's answer names (`data.<field>.ticket.id`).
`rate` (requests/s over all clients) spaces requests on a schedule instead of sending them
back to back; a request never waits for one that is late.

An answer is an error unless it is HTTP 200 with no GraphQL `errors`, top-level or in the
payload. The client is a few lines over asyncio streams, not an HTTP library: at hundreds of
requests a second its CPU is small next to the servers' on the same two cores.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import orjson


class HttpError(Exception):
    pass


class Connection:
    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        lines = {"Host": "127.0.0.1", "Content-Type": "application/json", **headers}
        self.head = "".join(f"{k}: {v}\r\n" for k, v in lines.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        request = f"POST {path} HTTP/1.1\r\n{self.head}Content-Length: {len(body)}\r\n\r\n"
        self.writer.write(request.encode() + body)
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            headers = head.lower()
            if b"transfer-encoding: chunked" in headers:
                return status, await self._chunked()
            length = int(headers.split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
            return status, await self.reader.readexactly(length)
        except (asyncio.IncompleteReadError, IndexError, ValueError) as error:
            self.close()
            raise HttpError(f"bad answer: {error!r}") from None

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        body = b""
        while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
            body += (await self.reader.readexactly(size + 2))[:-2]
        await self.reader.readuntil(b"\r\n")
        return body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def failure(status: int, body: bytes) -> str | None:
    """Why an answer is an error, or None. GraphQL payloads name `errors` at both levels."""
    if status != 200:
        return f"HTTP {status}: {body[:200]!r}"
    if b'"errors"' not in body:
        return None
    answer = orjson.loads(body)
    if answer.get("errors"):
        return f"errors: {str(answer['errors'])[:200]}"
    for payload in (answer.get("data") or {}).values():
        if isinstance(payload, dict) and payload.get("errors"):
            return f"payload errors: {str(payload['errors'])[:200]}"
    return None


def captured_ticket(body: bytes) -> str:
    payload = next(iter(orjson.loads(body)["data"].values()))
    return str(payload["ticket"]["id"])


@dataclass
class Results:
    start: float = float("inf")  # perf_counter at start_at, once told
    end: float = float("inf")
    latencies: dict[str, list[float]] = field(default_factory=dict)  # step -> ms, in window
    errors: int = 0
    samples: list[str] = field(default_factory=list)
    records: list[list[Any]] | None = None  # [step, ticket, sent, done (epoch), ok]
    sent: int = 0  # requests sent since start (count mode stops at `count`)

    def over(self, count: int | None) -> bool:
        return time.perf_counter() >= self.end or bool(count and self.sent >= count)

    def note(
        self,
        step: str,
        ticket: str,
        sent: float,
        sent_epoch: float,
        done: float,
        why: str | None,
        client: int,
    ) -> None:
        """A request sent in the window: timed if it also finished in it; recorded anyway
        (its write happened, whoever waits for its event must know)."""
        self.sent += 1
        if done <= self.end:
            if why is None:
                self.latencies.setdefault(step, []).append((done - sent) * 1000)
            else:
                self.errors += 1
                if len(self.samples) < 5:
                    self.samples.append(f"client {client} {step}: {why}")
        if self.records is not None:
            self.records.append([step, ticket, sent_epoch, time.time(), why is None])


class Schedule:
    """Request slots at a fixed rate from the start; the next free slot for each request."""

    def __init__(self, rate: float | None) -> None:
        self.rate = rate
        self.slots = itertools.count()

    async def wait(self, start: float) -> None:
        if self.rate:
            delay = start + next(self.slots) / self.rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)


async def client(
    plan: dict[str, Any],
    spec: dict[str, Any],
    results: Results,
    go: asyncio.Event,
    schedule: Schedule,
    index: int,
) -> None:
    conn = Connection(plan["port"], spec.get("headers", {}))
    tickets = itertools.cycle(spec.get("tickets") or [""])
    count, steps = plan.get("count"), spec["steps"]
    if not plan.get("warmup", True):
        await go.wait()
    ticket = ""
    while not results.over(count):
        warm = not go.is_set()
        for number, step in enumerate(steps):
            if not warm:
                await schedule.wait(results.start)
                if results.over(count):
                    break
            if number == 0 and not step.get("capture"):
                ticket = next(tickets)
            body = step["body"].replace("__TICKET__", ticket).encode()
            sent, sent_epoch = time.perf_counter(), time.time()
            try:
                status, answer = await conn.post(step["path"], body)
                why = failure(status, answer)
            except (OSError, HttpError) as error:
                conn.close()
                why, answer = f"connection: {error!r}", b""
            done = time.perf_counter()
            if why is None and step.get("capture"):
                ticket = captured_ticket(answer)
            if sent >= results.start:
                results.note(step["name"], ticket, sent, sent_epoch, done, why, index)
            if why is not None:
                break  # the script starts again from its first step
        if warm:
            await asyncio.sleep(0.05)  # a light warm-up: connections open, statements prepared
    conn.close()


async def run(plan: dict[str, Any]) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    results = Results(records=[] if plan.get("record") else None)
    go = asyncio.Event()
    schedule = Schedule(plan.get("rate"))
    tasks = [
        asyncio.create_task(client(plan, spec, results, go, schedule, i))
        for i, spec in enumerate(plan["clients"])
    ]
    await asyncio.sleep(0.3)
    print("ready", flush=True)
    line = await loop.run_in_executor(None, sys.stdin.readline)
    start_at = float(line.split()[1])
    results.start = time.perf_counter() + (start_at - time.time())
    results.end = results.start + plan.get("duration", 1e9)
    await asyncio.sleep(max(0.0, start_at - time.time()))
    go.set()
    await asyncio.gather(*tasks)
    measured = min(time.perf_counter(), results.end) - results.start
    return {
        "seconds": measured,
        "latencies": results.latencies,
        "errors": results.errors,
        "samples": results.samples,
        "records": results.records,
    }


def main() -> None:
    plan = json.loads(sys.stdin.readline())
    run_loop: Callable[[Coroutine[Any, Any, Any]], Any]
    try:
        from uvloop import run as run_loop
    except ImportError:
        run_loop = asyncio.run
    print(json.dumps(run_loop(run(plan))), flush=True)


if __name__ == "__main__":
    main()
