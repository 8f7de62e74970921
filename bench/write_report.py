"""The write benchmark's printed figures: each run as it ends, then the summary tables."""

from __future__ import annotations

import statistics
from typing import Any

from bench.load_client_driver import percentile
from bench.write_ops import LIFECYCLE
from bench.write_statements import LockSpan


def span_summary(spans: list[LockSpan]) -> dict[str, float]:
    if not spans:
        return {"n": 0}

    def pick(name: str) -> list[float]:
        return [getattr(s, name) * 1000 for s in spans]

    return {
        "n": len(spans),
        "wait_p50": percentile(pick("wait"), 0.5),
        "wait_p99": percentile(pick("wait"), 0.99),
        "held_p50": percentile(pick("held"), 0.5),
        "held_in_db_p50": percentile(pick("in_db"), 0.5),
        "statements": statistics.median(s.statements for s in spans),
    }


def print_spans(loaded: dict[str, dict[str, float]]) -> None:
    print(
        "| writer | transactions | waiting for the row p50 / p99 ms | held after it p50 ms "
        "| of which in the database p50 ms | statements while held |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, s in loaded.items():
        if not s["n"]:
            print(f"| {name} | 0 | | | | |")
            continue
        print(
            f"| {name} | {s['n']:.0f} | {s['wait_p50']:.2f} / {s['wait_p99']:.2f} "
            f"| {s['held_p50']:.2f} | {s['held_in_db_p50']:.2f} | {s['statements']:.0f} |"
        )
    print(
        "(through the proxy, which adds its own hop to every statement: compare the rows, "
        "not these with the timed runs)"
    )


def print_run(run: dict[str, Any]) -> None:
    a = run["activity"]
    print(
        f"round {run['round']} clients {run['clients']:>3} {run['config']:32} "
        f"{run['rate']:8.1f} mutations/s  p50 {run['p50']:7.1f} ms  p99 {run['p99']:7.1f} ms  "
        f"errors {run['errors']}  CPU ms/mutation: server {run['server_cpu_ms']:.2f}, "
        f"PostgreSQL {run['pg_cpu_ms']:.2f}  backends: lock wait {a['lock_wait']:.1f}, "
        f"running {a['running']:.1f}, idle in transaction {a['idle_in_transaction']:.1f}",
        flush=True,
    )
    for sample in run["samples"]:
        print(f"    error: {sample}")


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in runs))


def print_summary(report: dict[str, Any]) -> None:
    runs = report["runs"]
    if counts := report.get("counts"):
        print("\n### Statements per mutation (each request of the counting phase)\n")
        print(
            "| mutation | statements (median) | each request | request ms | workspace row "
            "held ms, of which in the database (medians, one request at a time) |"
        )
        print("| --- | ---: | --- | ---: | --- |")
        for name, each in counts.items():
            held = report.get("held", {}).get(name) or {}
            span = f"{held['held']:.2f}, {held['in_db']:.2f}" if "held" in held else "-"
            request = f"{held['request']:.1f}" if held else "-"
            print(
                f"| {name} | {statistics.median_low(each)} | {', '.join(map(str, each))} "
                f"| {request} | {span} |"
            )
    if not runs:
        return
    print("\n### Throughput and latency (median of rounds)\n")
    print(
        "| clients | configuration | mutations/s | p50 ms | p99 ms | errors (all rounds) "
        "| server CPU ms/mutation | PostgreSQL CPU ms/mutation "
        "| backends waiting for a lock / running / idle in transaction |"
    )
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    configs = list(dict.fromkeys(r["config"] for r in runs))
    for clients in sorted({r["clients"] for r in runs}):
        for config in configs:
            mine = [r for r in runs if (r["clients"], r["config"]) == (clients, config)]
            if not mine:
                continue
            act = {
                k: statistics.median(r["activity"][k] for r in mine)
                for k in ("lock_wait", "running", "idle_in_transaction")
            }
            print(
                f"| {clients} | {config} | {_median(mine, 'rate'):.1f} "
                f"| {_median(mine, 'p50'):.1f} | {_median(mine, 'p99'):.1f} "
                f"| {sum(r['errors'] for r in mine)} | {_median(mine, 'server_cpu_ms'):.2f} "
                f"| {_median(mine, 'pg_cpu_ms'):.2f} | {act['lock_wait']:.1f} / "
                f"{act['running']:.1f} / {act['idle_in_transaction']:.1f} |"
            )
    print_ratios(runs, configs)
    print_steps(runs)


def print_ratios(runs: list[dict[str, Any]], configs: list[str]) -> None:
    """Ratios of mutations/s within a round (the runs of a round ran back to back)."""
    pairs = [
        (a, b)
        for a in configs
        for b in configs
        if a != b and a.endswith("1 workspace") and b == a.replace("1 workspace", "16 workspaces")
    ]
    pairs += [
        (a, b) for a in configs for b in configs if b == a.replace("gateway", "before", 1) != a
    ]
    pairs += [
        (a, b)
        for a in configs
        for b in configs
        if a.startswith(("gateway message", "before message"))
        and b.startswith("floor")
        and a.split(", ")[1] == b.split(", ")[1]
    ]
    if not pairs:
        return
    print("\n### Ratios of mutations/s, per round\n")
    for a, b in pairs:
        for clients in sorted({r["clients"] for r in runs}):
            each = []
            for rnd in sorted({r["round"] for r in runs}):
                x = [
                    r["rate"]
                    for r in runs
                    if (r["round"], r["clients"], r["config"]) == (rnd, clients, a)
                ]
                y = [
                    r["rate"]
                    for r in runs
                    if (r["round"], r["clients"], r["config"]) == (rnd, clients, b)
                ]
                if x and y and y[0]:
                    each.append(f"{x[0] / y[0]:.2f}")
            if each:
                print(f"- {clients} clients: {a} / {b}: {', '.join(each)}")


def print_steps(runs: list[dict[str, Any]]) -> None:
    """Per mutation type, where a run had several (the mix), in the order of a ticket's life."""
    mixed = [r for r in runs if len(r["steps"]) > 1]
    if not mixed:
        return
    steps = [s for s in LIFECYCLE if any(s in r["steps"] for r in mixed)]
    print("\n### The mix, p50 / p99 ms per mutation type (median of rounds)\n")
    print("| clients | configuration | " + " | ".join(steps) + " |")
    print("| ---: | --- |" + " ---: |" * len(steps))
    for clients in sorted({r["clients"] for r in mixed}):
        for config in dict.fromkeys(r["config"] for r in mixed):
            mine = [r for r in mixed if (r["clients"], r["config"]) == (clients, config)]
            if not mine:
                continue
            cells = []
            for step in steps:
                of = [r["steps"][step] for r in mine if step in r["steps"]]
                p50 = statistics.median(s["p50"] for s in of) if of else float("nan")
                p99 = statistics.median(s["p99"] for s in of) if of else float("nan")
                cells.append(f"{p50:.0f} / {p99:.0f}")
            print(f"| {clients} | {config} | " + " | ".join(cells) + " |")
