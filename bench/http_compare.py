"""Over HTTP, interleaved: ticketgw (1 and 2 workers), PostGraphile v5 and the raw asyncpg floor.

Starts the four servers on the bench database (bench/datagen.py), checks each answers the
dashboard with 50 tickets, then runs wrk (its own process) against each in turn, round after
round, for the dashboard and the single ticket (with --sla: the dashboard plain and with
`sla { ... }` on each ticket, issue 21, the open tickets given timers first). Prints
requests/s, p50/p99, the ratios ticketgw/PostGraphile and ticketgw/floor (or sla/plain)
measured in the same round, peak RSS per process, and SQL statements per request (counted by a
wire-protocol proxy in a separate, untimed phase).
Figures, not a test.

    .venv/bin/python bench/datagen.py --out /tmp/bench_pg.json
    .venv/bin/python bench/http_compare.py --state /tmp/bench_pg.json [--duration 10] [--rounds 2]
    .venv/bin/python bench/http_compare.py --state /tmp/bench_pg.json --sla --only ticketgw-1w
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# After the sys.path line: this runs as a script (python bench/http_compare.py).
from bench.pgcount import start_proxy  # noqa: E402
from bench.queries import DASHBOARD, PGL_SINGLE, SINGLE, pgl_dashboard  # noqa: E402
from bench.servers import cluster_pids  # noqa: E402
from bench.sla_dashboard import WITH_SLA, give_timers_at  # noqa: E402
from schema.ids import TICKET, encode_id  # noqa: E402

PROXY_PORT = 6544


@dataclass
class Target:
    name: str
    port: int
    command: list[str]
    env: dict[str, str]
    # query name -> (path, JSON body)
    requests: dict[str, tuple[str, dict[str, Any]]]
    headers: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None

    def start(self, port: int | None = None, env: dict[str, str] | None = None) -> None:
        port = port or self.port
        command = [str(port) if part == "{port}" else part for part in self.command]
        self.proc = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **self.env, **(env or {}), "PORT": str(port)},
            stdout=subprocess.DEVNULL,
            # Open as long as the server runs (the child holds its own copy of the handle).
            stderr=open(f"/tmp/bench_{self.name}_{port}.log", "wb"),  # noqa: SIM115
        )  # fmt: skip

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def pids(self) -> list[int]:
        assert self.proc is not None
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)],
                             capture_output=True, text=True).stdout  # fmt: skip
        # uvicorn's multiprocess supervisor spawns a resource tracker as well: skip non-workers
        return [self.proc.pid, *(int(p) for p in out.split())]

    def post(self, query: str, port: int | None = None) -> dict[str, Any]:
        path, body = self.requests[query]
        req = urllib.request.Request(
            f"http://127.0.0.1:{port or self.port}{path}", data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", **self.headers}, method="POST",
        )  # fmt: skip
        with urllib.request.urlopen(req, timeout=30) as response:
            return json.loads(response.read())


_TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def cpu_ms(pids: list[int]) -> dict[int, float]:
    """CPU time (user + system) so far of each process, in ms; gone ones are left out."""
    times = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            times[pid] = (int(fields[11]) + int(fields[12])) * _TICK_MS
    return times


def postgres_pids(port: int) -> list[int]:
    """The bench database's cluster: on a shared machine the other clusters' CPU is not ours.
    One started without `-p` (the system's, on 5432) is not told apart: then all of them."""
    found = cluster_pids(port)
    if found:
        return found
    out = subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def peak_rss_mb(pid: int) -> tuple[str, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    name = re.search(r"Name:\s+(\S+)", status)
    hwm = re.search(r"VmHWM:\s+(\d+) kB", status)
    return (name.group(1) if name else "?"), (int(hwm.group(1)) / 1024 if hwm else 0.0)


def wait_ready(target: Target, port: int | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            target.post("dashboard", port)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def nodes_of(result: dict[str, Any]) -> int:
    data = result.get("data") or {}
    assert not result.get("errors"), result.get("errors")
    conn = next(iter(data.values()))
    return len(conn.get("edges") or conn.get("nodes") or [])


_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(target: Target, query: str, duration: float, connections: int) -> dict[str, float]:
    path, body = target.requests[query]
    lua = 'wrk.method = "POST"\nwrk.body = [==[' + json.dumps(body) + "]==]\n"
    for key, value in {"Content-Type": "application/json", **target.headers}.items():
        lua += f'wrk.headers["{key}"] = "{value}"\n'
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{int(duration)}s", "--latency", "-s", script.name,
         f"http://127.0.0.1:{target.port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    os.unlink(script.name)
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if found is None:
        raise RuntimeError(f"wrk printed no Requests/sec:\n{out}")
    rps = float(found.group(1))
    lat = {
        p: float(v) * _UNIT[u] for p, v, u in re.findall(r"\s(50|99)%\s+([\d.]+)(us|ms|s)\b", out)
    }
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": lat["50"], "p99": lat["99"],
            "non2xx": int(bad.group(1)) if bad else 0, "socket_errors": bool(errors)}  # fmt: skip


async def count_statements(targets: list[Target], pg_url: str, proxy_url: str) -> dict[str, float]:
    """Statements per request, each server started once more behind the counting proxy."""
    # the cluster of the bench database, which may be a private one on another port
    pg_port = urllib.parse.urlsplit(pg_url).port or 5432
    server, count = await start_proxy(PROXY_PORT, ("127.0.0.1", pg_port))
    result: dict[str, float] = {}
    try:
        for target in targets:
            if target.name == "ticketgw-2w":
                continue  # same code as 1 worker
            env = {k: v.replace(pg_url, proxy_url) for k, v in target.env.items()}
            port = target.port + 20
            target.start(port, env)
            await asyncio.to_thread(wait_ready, target, port)
            for query in target.requests:
                await asyncio.to_thread(target.post, query, port)  # warm: connect, prepare
                before = count.statements
                for _ in range(10):
                    await asyncio.to_thread(target.post, query, port)
                result[f"{target.name}/{query}"] = (count.statements - before) / 10
            await asyncio.to_thread(target.stop)
    finally:
        server.close()
    return result


def make_targets(state: dict[str, Any], ticket_id: int) -> list[Target]:
    pg = state["url"].replace("postgresql+asyncpg://", "postgresql://")
    ws, key = state["workspace_id"], state["api_key"]
    gid = encode_id(TICKET, ticket_id)
    gw_requests: dict[str, tuple[str, dict[str, Any]]] = {
        "dashboard": ("/graphql", {"query": DASHBOARD}),
        "single": ("/graphql", {"query": SINGLE, "variables": {"id": gid}}),
        "dashboard_sla": ("/graphql", {"query": WITH_SLA}),
    }
    # No rate limit: at these rates one key spends its 1,000,000 points a minute in seconds, and
    # the refusals would be counted as answers. The GraphQL response media type turns any
    # refusal into a non-2xx status, which wrk counts and this script reports.
    gw_env = {
        "TICKETGW_DATABASE_URL": pg,
        "TICKETGW_LOG_LEVEL": "warning",
        "TICKETGW_RATE_LIMIT": "0",
    }
    auth = {"Authorization": f"Bearer {key}", "Accept": "application/graphql-response+json"}
    # `python -m` from ROOT: the servers run this checkout's code
    ticketgw = [sys.executable, "-m", "app.cli.main", "serve", "--port", "{port}", "--workers"]
    return [
        Target("ticketgw-1w", 8401, [*ticketgw, "1"], gw_env, gw_requests, auth),
        Target("ticketgw-2w", 8402, [*ticketgw, "2"], gw_env, gw_requests, auth),
        Target(
            "postgraphile",
            8400,
            [
                str(ROOT / "bench/postgraphile/node_modules/.bin/node"),
                "bench/postgraphile/server.mjs",
            ],
            {"DATABASE_URL": pg},
            {
                "dashboard": ("/graphql", {"query": pgl_dashboard(ws)}),
                "single": ("/graphql", {"query": PGL_SINGLE, "variables": {"id": ticket_id}}),
            },
        ),
        Target(
            "raw-floor",
            8403,
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.raw_floor:app",
                "--port",
                "{port}",
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            {"TICKETGW_BENCH_PG": pg, "TICKETGW_BENCH_WORKSPACE": str(ws)},
            {"dashboard": ("/dashboard", {}), "single": (f"/ticket/{ticket_id}", {})},
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", default="/tmp/bench_pg.json", help="bench/datagen.py --out")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--only", help="comma-separated target names")
    parser.add_argument("--sla", action="store_true", help="dashboard with/without sla")
    parser.add_argument("--json-out")
    args = parser.parse_args()
    state = json.loads(Path(args.state).read_text())
    targets = make_targets(state, state["ticket_id"])
    if args.only:
        targets = [t for t in targets if t.name in args.only.split(",")]
    queries = ("dashboard", "dashboard_sla") if args.sla else ("dashboard", "single")
    for target in targets:  # those without dashboard_sla (PostGraphile, the floor) run the rest
        target.requests = {q: r for q, r in target.requests.items() if q in queries}
    if args.sla:
        asyncio.run(give_timers_at(state["url"], state["workspace_id"]))
    pg_port = urllib.parse.urlsplit(state["url"]).port or 5432
    print(f"load before: {os.getloadavg()}", flush=True)
    for target in targets:  # a server left over on a port would be measured instead
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", target.port)) == 0:
                raise SystemExit(f"port {target.port} is taken: stop what listens there first")
    runs: list[dict[str, Any]] = []
    # VmHWM per process, read right after each of its measurements (while it surely runs)
    rss: dict[str, dict[int, tuple[str, float]]] = {t.name: {} for t in targets}
    try:
        for target in targets:
            target.start()
        for target in targets:
            wait_ready(target)
            for query in target.requests:
                result = target.post(query)
                n = nodes_of(result)
                assert n == (50 if query.startswith("dashboard") else 1) or query == "single", (
                    target.name,
                    n,
                )
                if query == "dashboard_sla":  # timers that are there, not an empty list each
                    edges = result["data"]["tickets"]["edges"]
                    timers = sum(len(e["node"]["sla"]) for e in edges)
                    print(f"{target.name}: {timers} timers on the 50-ticket page", flush=True)
                    assert timers > 0
            for query in target.requests:  # warm up: JIT, pools, caches
                run_wrk(target, query, 3, args.connections)
        for rnd in range(args.rounds):
            order = targets if rnd % 2 == 0 else targets[::-1]
            # plain first, then sla first: drift in the machine's load falls on both
            for query in queries if rnd % 2 == 0 else queries[::-1]:
                for target in [t for t in order if query in t.requests]:
                    # CPU per request: the server's processes (each worker apart: are they
                    # sharing the load?) and all of PostgreSQL's, over the measurement.
                    servers, backends = cpu_ms(target.pids()), cpu_ms(postgres_pids(pg_port))
                    figures = run_wrk(target, query, args.duration, args.connections)
                    requests = figures["rps"] * args.duration
                    per_process = {
                        pid: (ms - servers.get(pid, 0.0)) / requests
                        for pid, ms in cpu_ms(list(servers)).items()
                    }
                    # Backends come and go (pools that close idle connections, autovacuum):
                    # those started meanwhile count whole, those gone are lost.
                    after = cpu_ms(postgres_pids(pg_port))
                    pg_ms = sum(ms - backends.get(pid, 0.0) for pid, ms in after.items())
                    figures["server_cpu_ms"] = sum(per_process.values())
                    figures["pg_cpu_ms"] = pg_ms / requests
                    busy = [f"{ms:.2f}" for ms in per_process.values() if ms >= 0.01]
                    runs.append({"round": rnd, "query": query, "target": target.name, **figures})
                    for pid in target.pids():
                        with contextlib.suppress(OSError):
                            name, mb = peak_rss_mb(pid)
                            old = rss[target.name].get(pid, (name, 0.0))[1]
                            rss[target.name][pid] = (name, max(old, mb))
                    print(f"round {rnd} {query:13} {target.name:13} {figures['rps']:8.1f} req/s "
                          f"p50 {figures['p50']:7.2f} ms p99 {figures['p99']:7.2f} ms"
                          f" CPU ms/req: server {' + '.join(busy)},"
                          f" PostgreSQL {figures['pg_cpu_ms']:.2f}"
                          + (f" NON-2XX {figures['non2xx']}" if figures["non2xx"] else ""),
                          flush=True)  # fmt: skip
    finally:
        for target in targets:
            target.stop()
    print(f"load after: {os.getloadavg()}")
    pg = state["url"].replace("postgresql+asyncpg://", "postgresql://")
    proxy = f"postgresql://postgres@127.0.0.1:{PROXY_PORT}/" + pg.rsplit("/", 1)[1]
    statements = asyncio.run(count_statements(targets, pg, proxy))
    report(runs, {name: list(procs.values()) for name, procs in rss.items()}, statements, queries)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"runs": runs, "rss": rss, "sql": statements}))


def report(
    runs: list[dict[str, Any]],
    rss: dict[str, Any],
    statements: dict[str, float],
    queries: tuple[str, ...],
) -> None:
    names = list(dict.fromkeys(r["target"] for r in runs))
    for r in runs:  # refused or failed requests answer fast: such a run measures nothing
        if r["non2xx"] or r["socket_errors"]:
            print(f"\n**NOT VALID**: round {r['round']} {r['query']} {r['target']}: "
                  f"{r['non2xx']} non-2xx responses, "
                  f"socket errors: {r['socket_errors']}")  # fmt: skip
    for query in queries:
        print(f"\n### {query}\n")
        print("| server | req/s (median of rounds) | p50 ms | p99 ms | SQL statements/request"
              " | server CPU ms/request | PostgreSQL CPU ms/request |")  # fmt: skip
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name in names:
            mine = [r for r in runs if r["target"] == name and r["query"] == query]
            if not mine:
                continue
            keys = ("rps", "p50", "p99", "server_cpu_ms", "pg_cpu_ms")
            med = {k: statistics.median(r[k] for r in mine) for k in keys}
            sql = statements.get(f"{name}/{query}", statements.get(f"ticketgw-1w/{query}"))
            print(f"| {name} | {med['rps']:.1f} | {med['p50']:.1f} | {med['p99']:.1f} | {sql} "
                  f"| {med['server_cpu_ms']:.2f} | {med['pg_cpu_ms']:.2f} |")  # fmt: skip
        for gw in [n for n in names if n.startswith("ticketgw")]:
            for other in ("postgraphile", "raw-floor"):
                ratios = []
                for rnd in sorted({r["round"] for r in runs}):
                    a = [
                        r["rps"]
                        for r in runs
                        if (r["round"], r["query"], r["target"]) == (rnd, query, gw)
                    ]
                    b = [
                        r["rps"]
                        for r in runs
                        if (r["round"], r["query"], r["target"]) == (rnd, query, other)
                    ]
                    if a and b:
                        ratios.append(a[0] / b[0])
                if ratios:
                    each = ", ".join(f"{x:.2f}" for x in ratios)
                    print(f"- {gw} / {other} req/s, per round: {each}")
    if "dashboard_sla" in queries:
        sla_ratios(runs, names)
    print("\n### peak RSS (VmHWM) per process, MB\n")
    for name, procs in rss.items():
        print(f"- {name}: " + ", ".join(f"{p} {mb:.0f}" for p, mb in procs))


def sla_ratios(runs: list[dict[str, Any]], names: list[str]) -> None:
    """Issue 21: what `sla` costs the dashboard, per round (each pair measured back to back)."""
    print("\n### dashboard with sla / without, per round\n")
    print("| server | round | req/s plain → sla | time per request x | p50 x | p99 x"
          " | server CPU ms/request plain → sla (x) |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in names:
        for rnd in sorted({r["round"] for r in runs}):
            pair = {r["query"]: r for r in runs if (r["round"], r["target"]) == (rnd, name)}
            if "dashboard" not in pair or "dashboard_sla" not in pair:
                continue
            a, b = pair["dashboard"], pair["dashboard_sla"]
            print(f"| {name} | {rnd} | {a['rps']:.1f} → {b['rps']:.1f} | x{a['rps'] / b['rps']:.3f}"
                  f" | x{b['p50'] / a['p50']:.3f} | x{b['p99'] / a['p99']:.3f}"
                  f" | {a['server_cpu_ms']:.2f} → {b['server_cpu_ms']:.2f}"
                  f" (x{b['server_cpu_ms'] / a['server_cpu_ms']:.3f}) |")  # fmt: skip


if __name__ == "__main__":
    main()
