"""`ticketgw serve --workers 2`: each worker listens on a socket of its own, so connections
spread over the workers, and a worker that dies is replaced without losing the connections
that arrive meanwhile."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ops.served import Served

pytestmark = pytest.mark.anyio

CONNECTIONS = 16  # all on one worker of two by chance: 2 in 65,536


async def open_served_connections(port: int) -> list[asyncio.StreamWriter]:
    """Keep-alive connections, each answered once (so some worker has accepted it)."""
    writers = []
    for _ in range(CONNECTIONS):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        await writer.drain()
        status = await asyncio.wait_for(reader.readline(), timeout=20)
        assert status.startswith(b"HTTP/1.1 200"), status
        writers.append(writer)
    return writers


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def connections_by_process(pids: list[int], port: int) -> dict[int, int]:
    """How many established connections to `port` each process holds (from /proc)."""
    established = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        if local_port == port and fields[3] == "01":  # 01: ESTABLISHED
            established.add(fields[9])  # the socket's inode
    counts = {}
    for pid in pids:
        inodes = set()
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            target = os.readlink(fd) if fd.is_symlink() else ""
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
        counts[pid] = len(inodes & established)
    return counts


async def close_all(writers: list[asyncio.StreamWriter]) -> None:
    for writer in writers:
        writer.close()


async def test_connections_spread_over_workers_and_survive_a_worker_dying(
    database_url: str, tmp_path
):
    served = await Served(database_url, tmp_path / "serve.log").start("--workers", "2")
    try:
        assert served.proc is not None
        writers = await open_served_connections(served.port)
        counts = connections_by_process(children(served.proc.pid), served.port)
        busy = [pid for pid, count in counts.items() if count]
        assert len(busy) == 2, counts  # uvicorn's shared socket: all 16 on one worker
        assert sum(counts.values()) == CONNECTIONS
        await close_all(writers)

        # A worker dies: connections arriving before its successor starts wait on its socket.
        os.kill(busy[0], signal.SIGKILL)
        writers = await open_served_connections(served.port)
        await close_all(writers)
        assert busy[0] not in children(served.proc.pid)
    finally:
        await served.stop()
    assert served.proc.returncode == 0


async def test_a_second_server_on_the_same_port_is_refused(database_url, tmp_path):
    served = await Served(database_url, tmp_path / "serve.log").start("--workers", "2")
    try:
        second = subprocess.run(
            [sys.executable, "-m", "app.cli.main", "serve", "--port", str(served.port),
             "--workers", "2"],
            env=served.env, capture_output=True, timeout=60,
        )  # fmt: skip
        assert second.returncode != 0
        assert b"Cannot listen on" in second.stderr
        await close_all(await open_served_connections(served.port))  # the first still serves
    finally:
        await served.stop()


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper counts as gone: it holds no socket)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


async def test_workers_exit_when_the_supervisor_is_killed(database_url, tmp_path):
    served = await Served(database_url, tmp_path / "serve.log").start("--workers", "2")
    assert served.proc is not None
    workers = [
        pid for pid in children(served.proc.pid)
        if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]  # fmt: skip
    assert len(workers) == 2  # (the other child is multiprocessing's resource tracker)
    try:
        os.kill(served.proc.pid, signal.SIGKILL)  # no chance to pass anything on
        served.proc.wait(5)
        async with asyncio.timeout(10):
            while any(_alive(pid) for pid in workers) or not _port_free(served.port):
                await asyncio.sleep(0.1)
    finally:
        for pid in workers:  # never leave one behind, whatever happened
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
