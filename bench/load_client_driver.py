"""Runs bench/load_client.py processes and merges what they measured."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from bench.servers import ROOT


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def start_clients(plan: dict[str, Any], procs: int) -> list[asyncio.subprocess.Process]:
    """Load processes, the clients dealt round-robin; returns once every one is ready."""
    started = []
    for i in range(procs):
        mine = {**plan, "clients": plan["clients"][i::procs]}
        if not mine["clients"]:
            continue
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.load_client",
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=1 << 30,
        )
        assert proc.stdin is not None
        proc.stdin.write(json.dumps(mine).encode() + b"\n")
        await proc.stdin.drain()
        started.append(proc)
    for proc in started:
        assert proc.stdout is not None
        line = await proc.stdout.readline()
        if line.strip() != b"ready":
            for other in started:
                other.kill()
            raise RuntimeError(f"a load process did not start: {line!r}")
    return started


async def go(procs: list[asyncio.subprocess.Process], delay: float) -> float:
    """Tell every load process to measure from `delay` seconds from now (epoch returned)."""
    start_at = time.time() + delay
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write(f"go {start_at}\n".encode())
        await proc.stdin.drain()
    return start_at


async def results(procs: list[asyncio.subprocess.Process]) -> list[dict[str, Any]]:
    out = []
    for proc in procs:
        assert proc.stdout is not None
        line = await proc.stdout.readline()
        await proc.wait()
        if not line:
            raise RuntimeError(f"a load process ended without a result (exit {proc.returncode})")
        out.append(json.loads(line))
    return out


def merge(parts: list[dict[str, Any]], duration: float) -> dict[str, Any]:
    latencies: dict[str, list[float]] = {}
    for part in parts:
        for step, values in part["latencies"].items():
            latencies.setdefault(step, []).extend(values)
    every = [v for values in latencies.values() for v in values]
    return {
        "ok": len(every),
        "rate": len(every) / duration,
        "p50": percentile(every, 0.50),
        "p99": percentile(every, 0.99),
        "errors": sum(p["errors"] for p in parts),
        "samples": [s for p in parts for s in p["samples"]][:5],
        "steps": {
            s: {"n": len(v), "p50": percentile(v, 0.5), "p99": percentile(v, 0.99)}
            for s, v in latencies.items()
        },
    }


async def run_load(
    port: int, clients: list[dict[str, Any]], duration: float, warmup: float, procs: int
) -> dict[str, Any]:
    """The clients against `port`: warm up `warmup` s, then measure `duration` s."""
    plan = {"port": port, "duration": duration, "clients": clients}
    started = await start_clients(plan, procs)
    await go(started, warmup)
    return merge(await results(started), duration)
