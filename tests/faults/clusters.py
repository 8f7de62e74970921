"""Dependencies of our own for fault tests: a PostgreSQL cluster and a redis-server that a test
may stop, kill and start again (the shared servers on 5432 and 6379 are never touched).

`PostgresCluster` is `initdb` + `pg_ctl` in a temporary directory on a free port, run as the
`postgres` user through `runuser` when the tests run as root (initdb refuses root).
`RedisServer` is the one of tests.helpers_redis, re-exported so fault tests import one module.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers_redis import RedisServer, _free_port

__all__ = ["PostgresCluster", "RedisServer", "own_postgres", "own_redis"]

PG_BIN = Path(os.environ.get("TICKETGW_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
# For speed, without fsync: the operating system keeps what a killed server wrote (a test
# never crashes the machine). Commits stay synchronous: an acknowledged commit must survive a
# kill (`stop("immediate")`), as on any real server.
_SERVER_OPTIONS = "-c fsync=off -c full_page_writes=off"


class PostgresCluster:
    """A throw-away PostgreSQL cluster. `stop()` and `start()` again for an outage."""

    def __init__(self, *, max_connections: int = 200) -> None:
        if not (PG_BIN / "initdb").exists():
            pytest.skip(f"PostgreSQL server binaries not found in {PG_BIN}")
        # Not under pytest's tmp_path: its directories are private to root, and the server
        # runs as postgres.
        self.root = Path(tempfile.mkdtemp(prefix="ticketgw-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.max_connections = max_connections
        self._as_postgres = os.geteuid() == 0

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        if self._as_postgres:
            command = ("runuser", "-u", "postgres", "--", *command)
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if done.returncode != 0:
            raise RuntimeError(f"{command[-1]} failed: {done.stderr.decode()[-2000:]}")

    def init(self) -> PostgresCluster:
        if self._as_postgres:
            shutil.chown(self.root, "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            f"-c max_connections={self.max_connections} {_SERVER_OPTIONS}"
        )
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
            "-o", options, "-w", "-t", "30", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends every session (clients see their connection closed), `immediate` is a
        crash as far as the clients can tell."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def _postmaster(self) -> int | None:
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, 0)
        except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
            return None
        return pid

    def crash(self) -> None:
        """What `stop("immediate")` does, without the time pg_ctl takes to start: SIGQUIT to
        the postmaster, whose processes all quit at once, mid-statement."""
        pid = self._postmaster()
        if pid is None:
            raise RuntimeError("postgres is not running")
        os.kill(pid, signal.SIGQUIT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.02)
        raise RuntimeError("postgres did not quit")

    async def outage(self, seconds: float, mode: str = "fast") -> None:
        """Down for `seconds`: stopped with pg_ctl's `mode`, or "crash" (see crash())."""
        if mode == "crash":
            await asyncio.to_thread(self.crash)
        else:
            await asyncio.to_thread(self.stop, mode)
        await asyncio.sleep(seconds)
        await asyncio.to_thread(self.start)

    def running(self) -> bool:
        return self._postmaster() is not None

    def remove(self) -> None:
        """Stop the server if it runs, and delete its files."""
        if self.running():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[PostgresCluster]:
    """A cluster of the module's own, started; removed at the end whatever state it is in."""
    cluster = PostgresCluster().init()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.kill()
