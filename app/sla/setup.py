"""The admin commands: create a business calendar, create an SLA policy.

Both are one unit of work (the workspace lock makes name uniqueness race-free). Creating the
first policy turns SLA bookkeeping on for the workspace (Workspace.sla_active).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlmodel import col

from app.db import Line, SlaCalendar, SlaPolicy, Team, Workspace
from app.domain.enums import TicketKind
from app.domain.errors import DomainError, ErrorCode, not_found, validation
from app.domain.principal import Principal
from app.domain.ticket_input import required_text
from app.sla.calendar_input import ExceptionInput, HoursInput, build_calendar, to_json
from app.tickets.unit_of_work import ServiceEnv, UnitOfWork, unit_of_work

# A target longer than a year of business time is a typo, and would reach past the horizon.
MAX_TARGET_SECONDS = 366 * 86_400
MAX_CONDITION_ITEMS = 100


async def _taken(uow: UnitOfWork, model: type[SlaCalendar] | type[SlaPolicy], name: str) -> bool:
    stmt = select(col(model.id)).where(
        col(model.workspace_id) == uow.workspace_id, func.lower(col(model.name)) == name.lower()
    )
    return (await uow.session.execute(stmt.limit(1))).first() is not None


async def create_calendar(
    env: ServiceEnv,
    principal: Principal,
    *,
    name: str,
    timezone: str,
    weekly_hours: Sequence[HoursInput],
    exceptions: Sequence[ExceptionInput] = (),
) -> SlaCalendar:
    name = required_text(name, "name", max_length=200)
    build_calendar(timezone, weekly_hours, exceptions)  # refuses what can't be a calendar
    hours, special = to_json(weekly_hours, exceptions)
    async with unit_of_work(env, principal.workspace_id, principal.user_id) as uow:
        if await _taken(uow, SlaCalendar, name):
            raise DomainError(ErrorCode.CONFLICT, "A calendar with this name exists.", "name")
        row = SlaCalendar(
            workspace_id=uow.workspace_id,
            name=name,
            timezone=timezone,
            weekly_hours=hours,
            exceptions=special,
        )
        return await uow.insert(row)


@dataclass(frozen=True)
class PolicyInput:
    name: str
    calendar_id: int | None = None
    priority: int = 0
    first_response_seconds: int | None = None
    resolution_seconds: int | None = None
    max_wait_seconds: int | None = None
    warn_before_seconds: int = 0
    pause_while_snoozed: bool = True
    pause_while_awaiting_customer: bool = False
    kinds: Sequence[TicketKind] = ()
    line_ids: Sequence[int] = ()
    team_ids: Sequence[int] = ()
    label_names: Sequence[str] = ()
    channels: Sequence[str] = field(default_factory=tuple)


def _check_seconds(value: int | None, name: str, *, positive: bool = True) -> None:
    if value is None:
        return
    low = 1 if positive else 0
    if not low <= value <= MAX_TARGET_SECONDS:
        raise validation(f"Must be {low} to {MAX_TARGET_SECONDS} seconds.", name)


def _check_policy(policy: PolicyInput) -> None:
    targets = (
        ("firstResponseSeconds", policy.first_response_seconds),
        ("resolutionSeconds", policy.resolution_seconds),
        ("maxWaitSeconds", policy.max_wait_seconds),
    )
    for name, value in targets:
        _check_seconds(value, name)
    if all(value is None for _, value in targets):
        raise validation("Give at least one target.", "firstResponseSeconds")
    _check_seconds(policy.warn_before_seconds, "warnBeforeSeconds", positive=False)
    if not -1_000_000 <= policy.priority <= 1_000_000:
        raise validation("Must be -1000000 to 1000000.", "priority")
    lists = {
        "kinds": policy.kinds,
        "lineIds": policy.line_ids,
        "teamIds": policy.team_ids,
        "labelNames": policy.label_names,
        "channels": policy.channels,
    }
    for name, values in lists.items():
        if len(values) > MAX_CONDITION_ITEMS:
            raise validation(f"At most {MAX_CONDITION_ITEMS} items.", name)
    for name, texts in (("labelNames", policy.label_names), ("channels", policy.channels)):
        for text in texts:
            required_text(text, name, max_length=200)


async def _check_rows(
    uow: UnitOfWork, model: type[Line] | type[Team], ids: Sequence[int], field: str
) -> None:
    if not ids:
        return
    stmt = select(func.count()).where(
        col(model.workspace_id) == uow.workspace_id, col(model.id).in_(set(ids))
    )
    if (await uow.session.execute(stmt)).scalar_one() != len(set(ids)):
        raise not_found(model.__name__, field)


async def create_policy(env: ServiceEnv, principal: Principal, policy: PolicyInput) -> SlaPolicy:
    name = required_text(policy.name, "name", max_length=200)
    _check_policy(policy)
    async with unit_of_work(env, principal.workspace_id, principal.user_id) as uow:
        if await _taken(uow, SlaPolicy, name):
            raise DomainError(ErrorCode.CONFLICT, "A policy with this name exists.", "name")
        if policy.calendar_id is not None:
            calendar = await uow.session.get(SlaCalendar, policy.calendar_id)
            if calendar is None or calendar.workspace_id != uow.workspace_id:
                raise not_found("BusinessCalendar", "calendarId")
        await _check_rows(uow, Line, policy.line_ids, "lineIds")
        await _check_rows(uow, Team, policy.team_ids, "teamIds")
        row = SlaPolicy(
            workspace_id=uow.workspace_id,
            name=name,
            priority=policy.priority,
            calendar_id=policy.calendar_id,
            first_response_seconds=policy.first_response_seconds,
            resolution_seconds=policy.resolution_seconds,
            max_wait_seconds=policy.max_wait_seconds,
            warn_before_seconds=policy.warn_before_seconds,
            pause_while_snoozed=policy.pause_while_snoozed,
            pause_while_awaiting_customer=policy.pause_while_awaiting_customer,
            kinds=[k.value for k in policy.kinds],
            line_ids=sorted(set(policy.line_ids)),
            team_ids=sorted(set(policy.team_ids)),
            label_names=list(dict.fromkeys(policy.label_names)),
            channels=list(dict.fromkeys(policy.channels)),
        )
        uow.session.add(row)
        await uow.session.execute(
            update(Workspace).where(col(Workspace.id) == uow.workspace_id).values(sla_active=True)
        )
        await uow.session.flush()
        return row
