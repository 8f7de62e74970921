"""Retry delays: exponential, capped, with jitter (so receivers that come back are not
hit by every endpoint's retry at the same instant)."""

from __future__ import annotations

import random


def retry_delay(
    failures: int, *, base: float, cap: float, rng: random.Random | None = None
) -> float:
    """Seconds before the next attempt after `failures` consecutive failures (>= 1): uniform in
    [ceiling / 2, ceiling], ceiling = min(cap, base * 2^(failures-1)). Half the ceiling is kept
    so a retry is never immediate."""
    ceiling = min(cap, base * 2 ** min(failures - 1, 62))
    return (rng or random).uniform(ceiling / 2, ceiling)
