"""Setting up a workspace: lines, users, teams. Names are unique within a workspace (users by
email); the workspace lock of unit_of_work makes the uniqueness check race-free."""

from __future__ import annotations

from typing import TypedDict, Unpack

from sqlalchemy import func, select

from app.db import Line, Team, User
from app.domain.errors import DomainError, ErrorCode
from app.domain.principal import Principal
from app.domain.ticket_input import check_email, check_prefix, optional_text, required_text
from app.live.service_env import ServiceEnv
from app.tickets.unit_of_work import UnitOfWork, unit_of_work


async def _taken(uow: UnitOfWork, column, value: str) -> bool:
    model = column.class_
    stmt = select(model.id).where(
        model.workspace_id == uow.workspace_id, func.lower(column) == value.lower()
    )
    return (await uow.session.execute(stmt.limit(1))).first() is not None


def _conflict(what: str, field: str) -> DomainError:
    return DomainError(ErrorCode.CONFLICT, f"A {what} with this {field} exists.", field)


def _default_prefix(name: str) -> str:
    first = name[0].upper()
    return first if first.isascii() and first.isalnum() else "A"


async def apply_create_line(uow: UnitOfWork, *, name: str, prefix: str | None = None) -> Line:
    name = required_text(name, "name")
    prefix = check_prefix(prefix if prefix is not None else _default_prefix(name))
    if await _taken(uow, Line.name, name):
        raise _conflict("line", "name")
    return await uow.insert(Line(workspace_id=uow.workspace_id, name=name, prefix=prefix))


class UserFields(TypedDict, total=False):
    """What a new user may say besides a name (all optional, None for none). The command and
    its apply step take the same."""

    email: str | None
    first_name: str | None
    last_name: str | None
    picture: str | None


async def apply_create_user(uow: UnitOfWork, *, name: str, **fields: Unpack[UserFields]) -> User:
    name = required_text(name, "name")
    email = check_email(fields.get("email"))
    if email is not None and await _taken(uow, User.email, email):
        raise _conflict("user", "email")
    user = User(
        workspace_id=uow.workspace_id,
        name=name,
        email=email,
        first_name=optional_text(fields.get("first_name"), "firstName"),
        last_name=optional_text(fields.get("last_name"), "lastName"),
        picture=optional_text(fields.get("picture"), "picture", max_length=1000),
    )
    return await uow.insert(user)


async def apply_create_team(uow: UnitOfWork, *, name: str) -> Team:
    name = required_text(name, "name")
    if await _taken(uow, Team.name, name):
        raise _conflict("team", "name")
    return await uow.insert(Team(workspace_id=uow.workspace_id, name=name))


async def create_line(
    env: ServiceEnv, principal: Principal, *, name: str, prefix: str | None = None
) -> Line:
    """`prefix` defaults to the first letter of the name, upper-cased."""
    async with unit_of_work(env, principal.workspace_id, principal.user_id) as uow:
        return await apply_create_line(uow, name=name, prefix=prefix)


async def create_user(
    env: ServiceEnv, principal: Principal, *, name: str, **fields: Unpack[UserFields]
) -> User:
    async with unit_of_work(env, principal.workspace_id, principal.user_id) as uow:
        return await apply_create_user(uow, name=name, **fields)


async def create_team(env: ServiceEnv, principal: Principal, *, name: str) -> Team:
    async with unit_of_work(env, principal.workspace_id, principal.user_id) as uow:
        return await apply_create_team(uow, name=name)
