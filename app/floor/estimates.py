"""When a waiting visitor will be called: a small queueing model, pure arithmetic.

The line's `desks` desks each free up once per `busy_mean` seconds on average, so together one
every busy_mean / desks seconds (a "gap"). The visitor at position p is called at the p-th
free-up. The desks are part-way through their visitors when we look, so the first free-up comes
after a fraction of a gap: (1 + cv^2) / 2 of one, cv = busy_sd / busy_mean (renewal theory's
forward recurrence time; a half for regular desk times, more when they vary, because a long
visit is likelier to be the one under way):

    wait(p) = (p - 1 + (1 + cv^2) / 2) * busy_mean / desks

The range is an 80% interval of that sum of p desk times: the spread of a sum of p times grows
with sqrt(p), so wait(p) +/- 1.28 * sqrt(p) * busy_sd / desks; the earliest end is kept from
ever moving earlier for a later position (see `earliest`), and never before now.

Monotone by construction: for one line's rate, a ticket further back never gets an earlier
estimate, an earlier range start or an earlier range end than one in front of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.floor.service_rate import ServiceRate

Z_80 = 1.2816  # the normal quantile for a two-sided 80% interval


@dataclass(frozen=True)
class Estimate:
    call_at: datetime
    earliest: datetime
    latest: datetime
    wait_seconds: float


def first_gap(rate: ServiceRate) -> float:
    """The expected wait for the first free-up, in desk gaps: (1 + cv^2) / 2 (the forward
    recurrence time of a renewal process: longer visits are likelier to be under way)."""
    cv = rate.busy_sd / rate.busy_mean if rate.busy_mean > 0 else 0.0
    return (1.0 + cv * cv) / 2.0


def wait_seconds(rate: ServiceRate, position: int) -> float:
    gaps = max(position, 1) - 1 + first_gap(rate)
    return gaps * rate.busy_mean / rate.desks


def _spread(rate: ServiceRate, position: int) -> float:
    return Z_80 * math.sqrt(max(position, 1)) * rate.busy_sd / rate.desks


def earliest_seconds(rate: ServiceRate, position: int) -> float:
    """max(0, f(1), f(p)) with f(q) = wait(q) - spread(q): f is convex in q, so its largest
    value over 1..p is at an end, and this is the running maximum, non-decreasing in p."""

    def lower(q: int) -> float:
        return wait_seconds(rate, q) - _spread(rate, q)

    return max(0.0, lower(1), lower(max(position, 1)))


def estimate(rate: ServiceRate, position: int) -> Estimate:
    """For a ticket at 1-based `position` in its line."""
    wait = wait_seconds(rate, position)
    at = rate.at
    return Estimate(
        call_at=at + timedelta(seconds=wait),
        earliest=at + timedelta(seconds=earliest_seconds(rate, position)),
        latest=at + timedelta(seconds=wait + _spread(rate, position)),
        wait_seconds=wait,
    )
