"""Statements per mutation, and where a write's time goes while it holds the workspace lock.

Untimed: a gateway (and the floor) run behind bench/pgcount.py's proxy, which counts and
traces every statement. Each mutation type runs `repeat` times one after the other on fresh
tickets (a queue ticket's life: create, label, assign, call, message, serve; then a message on
a helpdesk ticket, the timed benchmark's write). For one request of the median count the trace
is printed: each statement, its time in the database (sent to ReadyForQuery, through the
proxy) and the client's time before it. The lock summary splits the time from the statement
that takes the workspace row to the end of COMMIT into database time and time in between
(the gateway's Python and the proxy's hops): no other write of the workspace runs meanwhile.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from dataclasses import dataclass
from typing import Any

import httpx

from bench.pgcount import Statement, StatementCount
from bench.write_ops import CREATE_HELPDESK, floor_client, lifecycle_steps
from bench.write_setup import Slot


@dataclass
class Request:
    name: str
    count: int
    statements: list[Statement]
    seconds: float


def short(sql: str, width: int = 118) -> str:
    """The statement's text on one line, long column lists folded."""
    text = " ".join(sql.split())
    text = re.sub(
        r"SELECT ((?:(?! FROM ).){60,}?) FROM",
        lambda m: f"SELECT <{m.group(1).count(',') + 1} columns> FROM",
        text,
    )
    text = re.sub(
        r"\((\w+(?:, \w+){5,})\) VALUES \(([^)]*)\)",
        lambda m: f"(<{m.group(1).count(',') + 1} columns>) VALUES (...)",
        text,
    )
    return text if len(text) <= width else text[: width - 3] + "..."


def is_lock(s: Statement) -> bool:
    text = " ".join(s.text.split()).lower()
    return (
        "workspace" in text
        and ("for update" in text or "update workspace" in text)
        and ("from workspace" in text or "update workspace" in text)
    )


def commits(s: Statement) -> bool:
    """A message that ends its transaction itself ("...; COMMIT; BEGIN")."""
    return "; COMMIT;" in " ".join(s.text.split()).upper()


@dataclass
class LockSpan:
    wait: float  # the locking statement's own time: waiting for the row, then running
    held: float  # from its answer to the end of COMMIT
    in_db: float  # of `held`, statements in the database (COMMIT included)
    statements: int  # statements while held (COMMIT included)


def lock_spans(statements: list[Statement]) -> list[LockSpan]:
    """Each transaction that took the workspace row: per connection, lock to COMMIT."""
    spans: list[LockSpan] = []
    by_conn: dict[int, list[Statement]] = {}
    for s in sorted(statements, key=lambda s: s.sent):
        by_conn.setdefault(s.conn, []).append(s)
    for run in by_conn.values():
        lock: Statement | None = None
        inside: list[Statement] = []
        for s in run:
            if lock is None and is_lock(s) and commits(s):
                # Numbered and committed in one message (app.live.commit_append): released
                # by the server at the end of the statement, with no client time after it.
                assert s.done is not None
                spans.append(LockSpan(s.done - s.sent, 0.0, 0.0, 0))
            elif lock is None and is_lock(s):
                lock, inside = s, []
            elif lock is not None:
                inside.append(s)
                if s.text.lstrip().upper().startswith(("COMMIT", "ROLLBACK")):
                    assert lock.done is not None and s.done is not None
                    in_db = sum(x.done - x.sent for x in inside if x.done is not None)
                    spans.append(
                        LockSpan(lock.done - lock.sent, s.done - lock.done, in_db, len(inside))
                    )
                    lock = None
    return spans


def print_request(request: Request) -> None:
    print(
        f"\n{request.name}: {request.count} statements, {request.seconds * 1000:.1f} ms "
        "(one request of the median count; ms in the database, ms before it in the client)"
    )
    previous: float | None = None
    for s in sorted(request.statements, key=lambda s: s.sent):
        gap = "" if previous is None else f"{(s.sent - previous) * 1000:5.2f}"
        db = (s.done or s.sent) - s.sent
        mark = " " if s.counted else "-"
        print(f"  {mark} c{s.conn:<3} {db * 1000:5.2f} {gap:>5}  {short(s.text)}")
        previous = s.done
    for span in lock_spans(request.statements):
        print(
            f"  workspace row held {span.held * 1000:.2f} ms after the locking statement: "
            f"{span.in_db * 1000:.2f} ms in {span.statements} statements (COMMIT included), "
            f"{(span.held - span.in_db) * 1000:.2f} ms between them"
        )


async def _post(http: httpx.AsyncClient, step: dict[str, Any], ticket: str, key: str) -> bytes:
    answer = await http.post(
        "/graphql",
        content=step["body"].replace("__TICKET__", ticket),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    body = answer.json()
    payload = next(iter((body.get("data") or {}).values()), None)
    assert answer.status_code == 200 and not body.get("errors") and payload, body
    assert not payload["errors"], payload
    return answer.content


async def measure_mutations(
    http: httpx.AsyncClient, count: StatementCount, slot: Slot, repeat: int
) -> dict[str, list[Request]]:
    """Each mutation type `repeat` times (after one warm-up life), one at a time, through
    `http` (a client of a gateway whose database connections go through the proxy)."""
    assert count.trace is not None
    found: dict[str, list[Request]] = {}
    helpdesk = {"name": "createHelpdeskTicket", "body": json.dumps({"query": CREATE_HELPDESK})}
    message_on_helpdesk = {**lifecycle_steps(slot)[4], "name": "addTicketMessage"}
    for life in range(repeat + 1):
        ticket = ""
        for step in [*lifecycle_steps(slot), helpdesk, message_on_helpdesk]:
            if step is message_on_helpdesk:
                ticket = slot.tickets[life % len(slot.tickets)]
            before, start = count.statements, time.perf_counter()
            answer = await _post(http, step, ticket, slot.key)
            end = time.perf_counter()
            if step.get("capture"):
                ticket = json.loads(answer)["data"]["createQueueTicket"]["ticket"]["id"]
            if life == 0:
                continue  # warm-up: connections opened, statements prepared
            mine = [s for s in count.trace if start <= s.sent <= end]
            request = Request(step["name"], count.statements - before, mine, end - start)
            found.setdefault(step["name"], []).append(request)
    return found


async def measure_floor(
    http: httpx.AsyncClient, count: StatementCount, slot: Slot, repeat: int
) -> list[Request]:
    """The floor's message, the same way."""
    assert count.trace is not None
    spec = floor_client(slot)
    step, found = spec["steps"][0], []
    for i in range(repeat + 1):
        body = step["body"].replace("__TICKET__", spec["tickets"][i % len(spec["tickets"])])
        before, start = count.statements, time.perf_counter()
        answer = await http.post(step["path"], content=body)
        end = time.perf_counter()
        assert answer.status_code == 200, answer.text
        if i:
            mine = [s for s in count.trace if start <= s.sent <= end]
            found.append(Request("floor message", count.statements - before, mine, end - start))
    return found


def median_request(requests: list[Request]) -> Request:
    """Of the requests with the median count, the one of median duration."""
    middle = statistics.median_low(r.count for r in requests)
    typical = sorted((r for r in requests if r.count == middle), key=lambda r: r.seconds)
    return typical[(len(typical) - 1) // 2]


def held_summary(requests: list[Request]) -> dict[str, float]:
    """Median ms the workspace row was held after its locking statement, and of it in the
    database, over the requests (uncontended: one request at a time)."""
    spans = [span for r in requests for span in lock_spans(r.statements)]
    if not spans:
        return {}
    return {
        "held": statistics.median(s.held for s in spans) * 1000,
        "in_db": statistics.median(s.in_db for s in spans) * 1000,
        "request": statistics.median(r.seconds for r in requests) * 1000,
    }
