"""`ticketgw serve` as a real subprocess (uvicorn, JSON logs, signals), for the ops tests."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.subscriptions.helpers import free_port


class Served:
    def __init__(self, database_url: str, log_path: Path, **env: str) -> None:
        self.port = free_port()
        self.log_path = log_path
        self.env = dict(os.environ, TICKETGW_DATABASE_URL=database_url, **env)
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, *args: str) -> Served:
        command = [sys.executable, "-m", "app.cli.main", "serve", "--port", str(self.port), *args]
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(command, env=self.env, stderr=log)
        async with httpx.AsyncClient(base_url=self.url) as http:
            for _ in range(300):
                if self.proc.poll() is not None:
                    raise RuntimeError(f"serve exited: {self.log_path.read_text()[-2000:]}")
                try:
                    if (await http.get("/readyz")).status_code == 200:
                        return self
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
        raise RuntimeError("serve did not become ready")

    def terminate(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)

    async def wait(self, timeout: float) -> int:
        assert self.proc is not None
        async with asyncio.timeout(timeout):
            while self.proc.poll() is None:
                await asyncio.sleep(0.05)
        return self.proc.returncode

    async def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.terminate()
            try:
                await self.wait(15)
            except TimeoutError:
                self.proc.kill()
                self.proc.wait()

    def log_lines(self) -> list[dict[str, Any]]:
        """Every stderr line, parsed: each must be JSON."""
        text = self.log_path.read_text()
        return [json.loads(line) for line in text.splitlines() if line.strip()]
