"""Outbound webhooks: deliveries per second of one worker process to a fast local receiver,
and event-to-delivery latency at a steady 50 mutations per second.

The receiver is its own process (a minimal HTTP/1.1 server answering 204), so it does not
take the worker's event loop; it writes one line per request (arrival time, webhook-id, the
event's time) that this script reads back. The worker runs in this process as in a gateway,
with the in-process broker (mutations wake it at once).

    .venv/bin/python bench/webhooks_out.py                       # SQLite in a temp folder
    .venv/bin/python bench/webhooks_out.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.access.workspaces import create_workspace
from app.db.engine import Database
from app.db.schema_setup import migrate
from app.domain.event_filter import EventFilter
from app.live.broker import create_broker
from app.webhooks import endpoints
from app.webhooks.endpoints import EndpointRules
from app.webhooks.worker import WebhookWorker, WorkerRules
from tests.subscriptions.helpers import Desk, free_port

# --- the receiver (run as `webhooks_out.py --receiver PORT LOG`) ----------------------------


async def _serve_receiver(port: int, log_path: str) -> None:
    log = open(log_path, "w", buffering=1)  # noqa: SIM115  (open for the process's life)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                headers = {}
                for line in head.decode("latin-1").split("\r\n")[1:]:
                    if ":" in line:
                        name, value = line.split(":", 1)
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                arrived = time.time()
                writer.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
                at = json.loads(body)["at"]
                log.write(f"{arrived} {headers['webhook-id']} {at}\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


# --- the benchmark --------------------------------------------------------------------------


async def _start_receiver(port: int, log_path: Path) -> subprocess.Popen[bytes]:
    """The receiver process, once it accepts connections (a refused first delivery would be
    retried seconds later and spoil the figures)."""
    process = subprocess.Popen([sys.executable, __file__, "--receiver", str(port), str(log_path)])
    for _ in range(200):
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return process
        except OSError:
            await asyncio.sleep(0.05)
    raise RuntimeError("the receiver did not start")


async def _http_floor(
    port: int, endpoints_count: int, per_endpoint: int, client_name: str = "worker"
) -> tuple[float, float]:
    """The same number of POSTs, each endpoint's one after the other, with the worker's HTTP
    client and headers but no database: what the delivery bookkeeping is measured against.
    `client_name` "httpx": the same POSTs with httpx instead (the client the worker had before
    aiohttp), for the comparison in BENCHMARKS.md."""
    import httpx

    from app.webhooks.sender import new_client, send
    from app.webhooks.signing import generate_secret, secret_key, signature_header

    key = secret_key(generate_secret())
    body = b'{"type": "CREATED", "at": "2026-01-01T00:00:00+00:00"}'
    worker_client = new_client(allow_private=True, max_connections=128)
    httpx_client = httpx.AsyncClient(trust_env=False, follow_redirects=False)

    async def post(url: str, headers: dict[str, str]) -> None:
        if client_name == "httpx":
            response = await httpx_client.post(url, headers=headers, content=body)
            assert response.status_code == 204, response
            return
        outcome = await send(worker_client, url, headers, body, timeout=10, allow_private=True)
        assert outcome.ok, outcome

    async def one_endpoint(i: int) -> None:
        for n in range(per_endpoint):
            stamp = int(time.time())
            headers = {
                "Content-Type": "application/json",
                "webhook-id": f"floor-{i}-{n}",
                "webhook-timestamp": str(stamp),
                "webhook-signature": signature_header([key], f"f{n}", stamp, body),
            }
            await post(f"http://127.0.0.1:{port}/floor{i}", headers)

    try:
        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(one_endpoint(i) for i in range(endpoints_count)))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        await worker_client.close()
        await httpx_client.aclose()
    total = endpoints_count * per_endpoint
    return total / elapsed, cpu / total * 1000


async def floor_only(endpoints_count: int, per_endpoint: int, rounds: int) -> None:
    """`--floor-only`: the POSTs alone, the worker's client and httpx alternated."""
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="bench_webhooks_"))
    receiver = await _start_receiver(port, folder / "floor.log")
    try:
        for _ in range(rounds):
            for name in ("worker", "httpx"):
                rate, cpu = await _http_floor(port, endpoints_count, per_endpoint, name)
                label = "aiohttp (worker)" if name == "worker" else "httpx"
                print(f"floor {label}: {rate:.0f} POSTs/s, {cpu:.3f} ms CPU each")
    finally:
        receiver.terminate()
        receiver.wait()


def _received(log_path: Path) -> list[tuple[float, str, datetime]]:
    rows = []
    for line in log_path.read_text().splitlines():
        arrived, msg_id, at = line.split(" ", 2)
        rows.append((float(arrived), msg_id, datetime.fromisoformat(at)))
    return rows


async def _wait_for(log_path: Path, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log_path.exists() and log_path.read_text().count("\n") >= count:
            return
        await asyncio.sleep(0.02)
    raise TimeoutError(f"fewer than {count} deliveries after {timeout} s")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(
    url: str, endpoints_count: int, backlog: int, rate: float, seconds: float, profile: bool
) -> None:
    await asyncio.to_thread(migrate, url)
    db = Database(url)
    broker = create_broker("memory://")
    await broker.connect()
    from app.live.service_env import ServiceEnv

    env = ServiceEnv(db, broker)
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="bench_webhooks_"))
    rules = WorkerRules.defaults(allow_private=True)
    receiver = await _start_receiver(port, folder / "throughput.log")
    try:
        # 1. Throughput: `backlog` events already in the log, `endpoints_count` endpoints.
        ws = await create_workspace(db, name="Bench", slug=f"bench-{uuid.uuid4().hex[:8]}")
        for i in range(endpoints_count):
            await endpoints.create_endpoint(
                db, EndpointRules(allow_private=True), workspace_id=ws.workspace.id,
                url=f"http://127.0.0.1:{port}/e{i}", event_filter=EventFilter(),
            )  # fmt: skip
        desk = await Desk.open(env, ws)
        await desk.status_changes(backlog)
        total = backlog * endpoints_count
        floor_rate, floor_cpu = await _http_floor(port, endpoints_count, backlog)
        await _wait_for(folder / "throughput.log", total, timeout=600)
        worker = WebhookWorker(db, broker, rules)
        profiler = cProfile.Profile() if profile else None
        started, cpu = time.perf_counter(), time.process_time()
        if profiler is not None:
            profiler.enable()
        await worker.start()
        await _wait_for(folder / "throughput.log", 2 * total, timeout=600)
        if profiler is not None:
            profiler.disable()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        await worker.stop()
        if profiler is not None:  # the throughput phase only (its figures are then slower)
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(30)
        delivered_rate = total / elapsed
        print(
            f"throughput: {total} deliveries ({endpoints_count} endpoints x {backlog} events) "
            f"in {elapsed:.2f} s = {delivered_rate:.0f} deliveries/s, "
            f"{cpu / total * 1000:.2f} ms CPU each (one process, {db.dialect}); "
            "the same POSTs without the worker (signed bodies, no database): "
            f"{floor_rate:.0f}/s, {floor_cpu:.2f} ms CPU each; "
            f"ratio {delivered_rate / floor_rate:.2f}"
        )
    finally:
        receiver.terminate()
        receiver.wait()

    # 2. Latency at a steady rate of mutations, one endpoint.
    receiver = await _start_receiver(port, folder / "latency.log")
    try:
        ws = await create_workspace(db, name="Bench", slug=f"bench-{uuid.uuid4().hex[:8]}")
        await endpoints.create_endpoint(
            db, EndpointRules(allow_private=True), workspace_id=ws.workspace.id,
            url=f"http://127.0.0.1:{port}/latency", event_filter=EventFilter(),
        )  # fmt: skip
        desk = await Desk.open(env, ws)
        worker = WebhookWorker(db, broker, rules)
        await worker.start()
        count = int(rate * seconds)
        begin = time.perf_counter()
        ticket = 0
        for i in range(count):
            if i % 3 == 0:
                ticket = await desk.create()
            elif i % 3 == 1:
                await desk.call(ticket)
            else:
                await desk.serve(ticket)
            pause = begin + (i + 1) / rate - time.perf_counter()
            if pause > 0:
                await asyncio.sleep(pause)
        achieved = count / (time.perf_counter() - begin)
        await _wait_for(folder / "latency.log", count, timeout=60)
        await worker.stop()
        rows = _received(folder / "latency.log")
        lags = [(arrived - at.timestamp()) * 1000 for arrived, _id, at in rows]
        if os.environ.get("BENCH_DEBUG"):
            print([round(x) for x in lags])
        print(
            f"latency at {achieved:.0f} mutations/s ({count} events, {db.dialect}): "
            f"event-to-delivery p50 {statistics.median(lags):.1f} ms, "
            f"p99 {_percentile(lags, 0.99):.1f} ms, max {max(lags):.1f} ms"
        )
    finally:
        receiver.terminate()
        receiver.wait()
        await broker.disconnect()
        await db.dispose()


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--receiver":
        asyncio.run(_serve_receiver(int(sys.argv[2]), sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL server URL (a fresh database is made)")
    parser.add_argument("--endpoints", type=int, default=8)
    parser.add_argument("--events", type=int, default=500, help="events in the log (throughput)")
    parser.add_argument("--rate", type=float, default=50.0, help="mutations per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the latency run")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the throughput phase (to stderr)"
    )
    parser.add_argument(
        "--floor-only", type=int, metavar="ROUNDS", help="only the POSTs: aiohttp vs httpx"
    )
    args = parser.parse_args()
    if args.floor_only:
        asyncio.run(floor_only(args.endpoints, args.events, args.floor_only))
        return
    if args.database_url:
        from tests.conftest import _create_postgres_database, _drop_postgres_database

        url = _create_postgres_database(args.database_url, f"bench_webhooks_{os.getpid()}")
    else:
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    try:
        asyncio.run(run(url, args.endpoints, args.events, args.rate, args.seconds, args.profile))
    finally:
        if args.database_url:
            _drop_postgres_database(url)


if __name__ == "__main__":
    main()
