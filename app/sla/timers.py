"""What happens to one SLA timer: start, pause, resume, stop, restart, and the warnings and
breaches that come due. Pure functions over the timer row and a calendar; no I/O.

A timer's used business time is `elapsed_us` plus, while running, the open time of its
calendar since `running_since`. Its due time is when the used time reaches the target; the
warning comes `warn_before_seconds` of business time earlier. Paused and stopped timers have
no due time. `next_at` is the earliest of the warning and the breach still to be announced,
what the due-timer scan looks for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.db import SlaTimer
from app.domain.enums import EventType, SlaMetric, SlaStatus
from app.sla.calendar import Calendar, add_business_time, business_time, business_time_until

STOPPED = frozenset({SlaStatus.MET, SlaStatus.BREACHED, SlaStatus.CANCELLED})


@dataclass(frozen=True)
class Announcement:
    """An SLA event to record: its type and what it says (as the timer was at that moment)."""

    type: EventType
    ticket_id: int
    metric: str
    policy_id: int
    cycle: int
    due_at: datetime | None

    @classmethod
    def of(cls, type_: EventType, timer: SlaTimer) -> Announcement:
        return cls(type_, timer.ticket_id, timer.metric, timer.policy_id, timer.cycle, timer.due_at)

    def changes(self) -> dict[str, object]:
        due_at = self.due_at.isoformat() if self.due_at else None
        return {
            "sla": {
                "metric": self.metric,
                "policyId": self.policy_id,
                "cycle": self.cycle,
                "dueAt": due_at,
            }
        }


def is_stopped(timer: SlaTimer) -> bool:
    return timer.stopped_at is not None


def used(timer: SlaTimer, calendar: Calendar | None, now: datetime) -> timedelta:
    """Business time used so far."""
    total = timedelta(microseconds=timer.elapsed_us)
    if timer.running_since is not None:
        total += business_time(calendar, timer.running_since, now)
    return total


def remaining_seconds(timer: SlaTimer, calendar: Calendar | None, now: datetime) -> int:
    """Business seconds left (negative once past due), whole seconds toward zero."""
    due = timer.due_at
    if due is not None and timer.running_since is not None:
        # Measured from the due time: a short span while it runs, unlike the time used so far.
        left = business_time_until(calendar, now, due)
    else:
        left = timedelta(seconds=timer.target_seconds) - used(timer, calendar, now)
    return int(left.total_seconds())


def _schedule(timer: SlaTimer, calendar: Calendar | None) -> None:
    """Recompute due_at, warn_at and next_at from the used time and running_since."""
    if timer.running_since is None:
        timer.due_at = timer.warn_at = timer.next_at = None
        return
    spent = timedelta(microseconds=timer.elapsed_us)
    target = timedelta(seconds=timer.target_seconds)
    timer.due_at = add_business_time(calendar, timer.running_since, target - spent)
    timer.warn_at = None
    if timer.warn_before_seconds > 0:
        warn_after = target - timedelta(seconds=timer.warn_before_seconds) - spent
        timer.warn_at = add_business_time(calendar, timer.running_since, warn_after)
    _set_next(timer)


def _set_next(timer: SlaTimer) -> None:
    pending = []
    if not timer.warning_sent and timer.warn_at is not None:
        pending.append(timer.warn_at)
    if not timer.breach_sent and timer.due_at is not None:
        pending.append(timer.due_at)
    timer.next_at = min(pending) if pending else None


def _running_status(timer: SlaTimer) -> str:
    return SlaStatus.BREACHED if timer.breach_sent else SlaStatus.RUNNING


def start(
    *,
    workspace_id: int,
    ticket_id: int,
    policy_id: int,
    calendar_id: int | None,
    calendar: Calendar | None,
    metric: SlaMetric,
    target_seconds: int,
    warn_before_seconds: int,
    at: datetime,
    pause_while_snoozed: bool = True,
    pause_while_awaiting_customer: bool = False,
) -> SlaTimer:
    timer = SlaTimer(
        workspace_id=workspace_id,
        ticket_id=ticket_id,
        policy_id=policy_id,
        calendar_id=calendar_id,
        metric=metric.value,
        status=SlaStatus.RUNNING.value,
        target_seconds=target_seconds,
        warn_before_seconds=min(warn_before_seconds, target_seconds),
        pause_while_snoozed=pause_while_snoozed,
        pause_while_awaiting_customer=pause_while_awaiting_customer,
        started_at=at,
        elapsed_us=0,
        running_since=at,
        warning_sent=False,
        breach_sent=False,
    )
    _schedule(timer, calendar)
    return timer


def due(timer: SlaTimer, now: datetime) -> list[Announcement]:
    """Mark the warning and breach that are due by `now` and not yet announced; returns them,
    warning first. A breach makes the status BREACHED (running or not)."""
    found: list[Announcement] = []
    if timer.running_since is None:
        return found
    if not timer.warning_sent and timer.warn_at is not None and timer.warn_at <= now:
        timer.warning_sent = True
        found.append(Announcement.of(EventType.SLA_WARNING, timer))
    if not timer.breach_sent and timer.due_at is not None and timer.due_at <= now:
        timer.breach_sent = True
        timer.breached_at = timer.due_at
        timer.status = SlaStatus.BREACHED.value
        found.append(Announcement.of(EventType.SLA_BREACHED, timer))
    _set_next(timer)
    return found


def pause(timer: SlaTimer, calendar: Calendar | None, at: datetime) -> list[Announcement]:
    """Stop the clock (a snooze): what came due before `at` is announced first."""
    if timer.running_since is None or is_stopped(timer):
        return []
    found = due(timer, at)
    at = max(at, timer.running_since)
    timer.elapsed_us = _us(used(timer, calendar, at))
    timer.running_since = None
    timer.status = SlaStatus.BREACHED.value if timer.breach_sent else SlaStatus.PAUSED.value
    _schedule(timer, calendar)
    return found


def resume(timer: SlaTimer, calendar: Calendar | None, at: datetime) -> None:
    if timer.running_since is not None or is_stopped(timer):
        return
    timer.running_since = at
    timer.status = _running_status(timer)
    _schedule(timer, calendar)


def stop(
    timer: SlaTimer, calendar: Calendar | None, at: datetime, *, cancelled: bool = False
) -> list[Announcement]:
    """The goal was reached at `at` (MET, or BREACHED when past due) or the ticket ended
    without it (CANCELLED). What came due before `at` is announced first."""
    if is_stopped(timer):
        return []
    found: list[Announcement] = []
    if timer.running_since is not None:
        at = max(at, timer.running_since)
        found = due(timer, at)
        timer.elapsed_us = _us(used(timer, calendar, at))
        timer.running_since = None
    timer.stopped_at = at
    if cancelled:
        timer.status = SlaStatus.CANCELLED.value
    elif timer.breach_sent or timer.elapsed_us > timer.target_seconds * 1_000_000:
        timer.status = SlaStatus.BREACHED.value
    else:
        timer.status = SlaStatus.MET.value
    _schedule(timer, calendar)
    return found


def restart(timer: SlaTimer, calendar: Calendar | None, at: datetime) -> None:
    """A new cycle from zero (a resolved ticket reopened)."""
    timer.cycle += 1
    timer.started_at = at
    timer.elapsed_us = 0
    timer.running_since = at
    timer.stopped_at = timer.breached_at = None
    timer.warning_sent = timer.breach_sent = False
    timer.status = SlaStatus.RUNNING.value
    _schedule(timer, calendar)


def _us(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
