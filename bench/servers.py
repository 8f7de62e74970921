"""Processes a benchmark starts and must stop again: gateways, the asyncpg floor, redis-server.

Each runs in its own session (process group), so stopping it also stops its workers, even
when the supervisor has already gone. Ports are found free by binding port 0; a server that
does not answer in time is stopped and its log printed, never left behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def uptime() -> str:
    """`uptime` as printed: the load average goes with every figure (the machine is shared)."""
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


@dataclass
class Server:
    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    ready_path: str | None = "/healthz"  # None: wait for the port to accept
    proc: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return Path(f"/tmp/bench_{self.name}_{self.port}.log")

    def start(self, timeout: float = 60) -> Server:
        command = [str(self.port) if part == "{port}" else part for part in self.command]
        self.proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdout=subprocess.DEVNULL,
            stderr=self.log_path.open("wb"),
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = self.log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{self.name} did not start on port {self.port}:\n{tail}")
            time.sleep(0.2)
        return self

    def _answers(self) -> bool:
        try:
            if self.ready_path is None:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return True
            url = f"http://127.0.0.1:{self.port}{self.ready_path}"
            with urllib.request.urlopen(url, timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):  # workers the supervisor left behind
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        self.proc = None

    def pids(self) -> list[int]:
        """The server's processes: the supervisor and its children (workers)."""
        assert self.proc is not None
        out = subprocess.run(
            ["ps", "-o", "pid=", "-g", str(self.proc.pid)], capture_output=True, text=True
        ).stdout
        return [int(p) for p in out.split()]

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def gateway(name: str, database_url: str, broker_url: str, workers: int, **env: str) -> Server:
    """`ticketgw serve` from this checkout, no rate limit (refusals would count as answers)."""
    return Server(
        name,
        [
            sys.executable,
            "-m",
            "app.cli.main",
            "serve",
            "--port",
            "{port}",
            "--workers",
            str(workers),
        ],
        {
            "TICKETGW_DATABASE_URL": database_url,
            "TICKETGW_BROKER_URL": broker_url,
            "TICKETGW_LOG_LEVEL": "warning",
            "TICKETGW_RATE_LIMIT": "0",
            **env,
        },
    )


def redis_server() -> Server:
    """A private redis-server: the shared one carries other developers' wake-ups (one channel
    for every workspace id of every database), which would wake our feeds for nothing."""
    return Server(
        "redis",
        [
            "redis-server",
            "--port",
            "{port}",
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        ready_path=None,
    )


def cluster_pids(port: int) -> list[int]:
    """The postmaster listening on `port` (its `-p` argument) and its children."""
    out = subprocess.run(["ps", "-eo", "pid=,ppid=,args="], capture_output=True, text=True).stdout
    rows = [line.split(None, 2) for line in out.splitlines() if len(line.split(None, 2)) == 3]
    masters = {
        int(pid) for pid, _ppid, args in rows if "postgres" in args and f"-p {port} " in args + " "
    }
    return [int(pid) for pid, ppid, _args in rows if int(pid) in masters or int(ppid) in masters]


def cpu_ms(pids: list[int]) -> dict[int, float]:
    """CPU time (user + system) so far of each process, in ms; gone ones are left out."""
    times = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            times[pid] = (int(fields[11]) + int(fields[12])) * _TICK_MS
    return times
