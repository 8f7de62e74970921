"""Garbage collection tuned for serving: the long-lived heap frozen, young collections rarer.

A dashboard page allocates ~500k short-lived objects (rows, GraphQL results, futures); with the
default thresholds CPython ran ~15 collections per page, several of them full ones walking the
whole heap (schema, SQLAlchemy metadata, modules): ~28 of ~94 ms CPU per page. Frozen and with a
higher first threshold it spends ~4 ms (bench/inprocess.py, BENCHMARKS.md). The app's lifespan
calls it when TICKETGW_TUNE_GC is on (`ticketgw serve` turns it on); test processes keep the
defaults, where many short-lived apps come and go and a late collection would only delay
finalizers.
"""

from __future__ import annotations

import gc

_tuned = False


def tune_gc_once() -> None:
    global _tuned
    if _tuned:
        return
    _tuned = True
    gc.collect()
    gc.freeze()  # everything alive now lives as long as the process: never scan it again
    gc.set_threshold(50_000, 20, 20)
