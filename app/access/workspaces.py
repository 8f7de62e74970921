"""Workspaces, their users and API keys: setup commands used by the CLI, demo and tests."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlmodel import col

from app.access.live_keys import forget_everywhere
from app.db import ApiKey, Line, User, WebhookSecret, Workspace
from app.db.engine import Database
from app.db.types import utcnow
from app.domain.enums import Role
from app.domain.errors import DomainError, ErrorCode, validation
from app.domain.principal import (
    Principal,
    generate_api_key,
    generate_webhook_secret,
    hash_api_key,
)
from app.loaders.statements import LoaderStatement

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
VENDORS = ("qminder", "gorgias", "zaia")


@dataclass(frozen=True)
class NewWorkspace:
    workspace: Workspace
    admin: User
    api_key: str


async def create_workspace(
    db: Database, *, name: str, slug: str, timezone: str = "UTC", admin_name: str = "Admin"
) -> NewWorkspace:
    if not _SLUG.match(slug):
        raise validation("A slug is 1-63 lower-case letters, digits or dashes.", "slug")
    if not name.strip():
        raise validation("A workspace needs a name.", "name")
    async with db.transaction() as session:
        if (
            await session.execute(select(col(Workspace.id)).where(col(Workspace.slug) == slug))
        ).first():
            raise DomainError(ErrorCode.CONFLICT, "A workspace with this slug exists.", "slug")
        workspace = Workspace(name=name.strip(), slug=slug, timezone=timezone)
        session.add(workspace)
        await session.flush()
        admin = User(workspace_id=workspace.id, name=admin_name)
        session.add(admin)
        await session.flush()
        key = generate_api_key()
        session.add(_key_row(workspace.id, admin.id, Role.ADMIN, key, "admin"))
    return NewWorkspace(workspace, admin, key)


MAX_DISPLAY_LINES = 50


def _key_row(
    workspace_id: int,
    user_id: int,
    role: Role,
    key: str,
    name: str,
    line_ids: list[int] | None = None,
) -> ApiKey:
    return ApiKey(
        workspace_id=workspace_id,
        user_id=user_id,
        role=role.value,
        name=name,
        prefix=key[:12],
        key_hash=hash_api_key(key),
        line_ids=line_ids,
    )


def _check_display_lines(role: Role, line_ids: list[int] | None) -> list[int] | None:
    """A DISPLAY key names 1..50 lines; no other role takes any (it sees every line)."""
    if role is not Role.DISPLAY:
        if line_ids:
            raise validation("Only DISPLAY keys are limited to lines.", "lineIds")
        return None
    unique = sorted(set(line_ids or ()))
    if not unique:
        raise validation("A DISPLAY key needs the lines its board shows.", "lineIds")
    if len(unique) > MAX_DISPLAY_LINES:
        raise validation(f"A DISPLAY key shows at most {MAX_DISPLAY_LINES} lines.", "lineIds")
    return unique


async def create_api_key(
    db: Database,
    *,
    workspace_id: int,
    user_id: int,
    role: Role,
    name: str = "",
    line_ids: list[int] | None = None,
) -> tuple[ApiKey, str]:
    """Returns the row and the key in clear: the only time the key is ever seen."""
    lines = _check_display_lines(role, line_ids)
    async with db.transaction() as session:
        user = await session.get(User, user_id)
        if user is None or user.workspace_id != workspace_id:
            raise DomainError(ErrorCode.NOT_FOUND, "User not found.", "userId")
        if lines is not None:
            stmt = select(col(Line.id)).where(
                col(Line.workspace_id) == workspace_id,
                col(Line.id).in_(lines),
            )
            if len(set((await session.execute(stmt)).scalars())) != len(lines):
                raise DomainError(ErrorCode.NOT_FOUND, "Line not found.", "lineIds")
        key = generate_api_key()
        row = _key_row(workspace_id, user_id, role, key, name, lines)
        session.add(row)
    return row, key


async def list_api_keys(db: Database, workspace_id: int) -> list[ApiKey]:
    async with db.read_session() as session:
        stmt = (
            select(ApiKey).where(col(ApiKey.workspace_id) == workspace_id).order_by(col(ApiKey.id))
        )
        return list((await session.execute(stmt)).scalars())


async def revoke_api_key(db: Database, *, workspace_id: int, key_id: int) -> ApiKey:
    async with db.transaction() as session:
        row = await session.get(ApiKey, key_id)
        if row is None or row.workspace_id != workspace_id:
            raise DomainError(ErrorCode.NOT_FOUND, "API key not found.", "id")
        if row.revoked_at is None:
            row.revoked_at = utcnow()
    forget_everywhere(key_id)
    return row


async def rotate_api_key(db: Database, *, workspace_id: int, key_id: int) -> tuple[ApiKey, str]:
    """Revoke a live key and issue its successor (same user, role and name) in one transaction;
    returns the new row and the new key in clear (shown once)."""
    async with db.transaction() as session:
        old = await session.get(ApiKey, key_id)
        if old is None or old.workspace_id != workspace_id:
            raise DomainError(ErrorCode.NOT_FOUND, "API key not found.", "id")
        if old.revoked_at is not None:
            raise DomainError(ErrorCode.CONFLICT, "This API key is revoked already.", "id")
        old.revoked_at = utcnow()
        key = generate_api_key()
        row = _key_row(workspace_id, old.user_id, Role(old.role), key, old.name, old.line_ids)
        session.add(row)
    forget_everywhere(key_id)
    return row, key


# Built once and run as the loaders run theirs (compiled once, on the driver connection): the
# lookup runs on every request that carries a key.
_LIVE_KEY = LoaderStatement(
    select(
        col(ApiKey.id),
        col(ApiKey.workspace_id),
        col(ApiKey.user_id),
        col(ApiKey.role),
        col(ApiKey.line_ids),
    ).where(
        col(ApiKey.key_hash) == bindparam("key_hash"),
        col(ApiKey.revoked_at).is_(None),
    )
)


async def authenticate(db: Database, key: str) -> Principal | None:
    """The principal of a live key, or None for an unknown or revoked one (one lookup; the
    gateway asks through app.access.live_keys)."""
    return await principal_of_key_hash(db, hash_api_key(key))


async def principal_of_key_hash(db: Database, key_hash: str) -> Principal | None:
    rows = await _LIVE_KEY.rows(db, {"key_hash": key_hash})
    if not rows:
        return None
    row = rows[0]
    role = Role(row.role)
    line_ids = tuple(int(i) for i in row.line_ids or ()) if role is Role.DISPLAY else None
    return Principal(
        workspace_id=row.workspace_id,
        user_id=row.user_id,
        role=role,
        key_id=row.id,
        line_ids=line_ids,
    )


async def workspace_by_slug(db: Database, slug: str) -> Workspace | None:
    async with db.read_session() as session:
        return (
            await session.execute(select(Workspace).where(col(Workspace.slug) == slug))
        ).scalar_one_or_none()


async def set_webhook_secret(
    db: Database, *, workspace_id: int, vendor: str, secret: str | None = None
) -> str:
    """Set (or rotate to a random) webhook secret for one vendor; returns it."""
    if vendor not in VENDORS:
        raise validation("Unknown vendor.", "vendor")
    value = secret or generate_webhook_secret()
    async with db.transaction() as session:
        stmt = select(WebhookSecret).where(
            col(WebhookSecret.workspace_id) == workspace_id, col(WebhookSecret.vendor) == vendor
        )
        row = (await session.execute(stmt)).scalar_one_or_none()
        if row is None:
            session.add(WebhookSecret(workspace_id=workspace_id, vendor=vendor, secret=value))
        else:
            row.secret = value
    return value


async def webhook_secrets(db: Database, workspace_id: int) -> dict[str, str]:
    async with db.read_session() as session:
        stmt = select(col(WebhookSecret.vendor), col(WebhookSecret.secret)).where(
            col(WebhookSecret.workspace_id) == workspace_id
        )
        return {vendor: secret for vendor, secret in (await session.execute(stmt)).all()}
