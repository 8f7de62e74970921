"""API keys of the caller's workspace (admin keys only): the apiKeys list and createApiKey,
rotateApiKey, revokeApiKey (app.access.workspaces). Keys are stored hashed: the key itself is
in the create/rotate payload and never again; listings show its first characters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

import strawberry

from app.access import workspaces
from app.context import Info
from app.db import ApiKey as ApiKeyRow
from app.domain.enums import Role as DomainRole
from schema import docs
from schema.enums import Role
from schema.ids import encode_id, opaque_pk
from schema.mutations.runner import pk, pks, run_command, run_on_row
from schema.permissions import ADMIN
from schema.types.payloads import UserError, payload_errors

API_KEY = "ApiKey"


def key_pk(value: str) -> int:
    """The primary key of an ApiKey id (not a Node: keys are reachable only through apiKeys)."""
    return opaque_pk(value, API_KEY, API_KEY)


@strawberry.type(description="An API key, without the key itself.")
class ApiKey:
    id: strawberry.ID = strawberry.field(description=docs.ID)
    name: str = strawberry.field(
        description='A name to tell keys apart ("board in the lobby"); may be empty.'
    )
    role: Role = strawberry.field(description="What the key may do.")
    prefix: str = strawberry.field(description="The key's first characters, to tell keys apart.")
    user_id: strawberry.ID = strawberry.field(
        description="The user the key acts as (`User.id`): the actor of what it does."
    )
    created_at: datetime = strawberry.field(description=docs.CREATED_AT)
    revoked_at: datetime | None = strawberry.field(
        description="When it was revoked (UTC); null while the key works."
    )
    line_ids: list[strawberry.ID] | None = strawberry.field(
        description="DISPLAY keys: the lines (`Line.id`) their board may show; null otherwise."
    )

    @classmethod
    def from_row(cls, row: ApiKeyRow) -> ApiKey:
        return cls(
            id=strawberry.ID(encode_id(API_KEY, row.id)),
            name=row.name,
            role=Role(row.role),
            prefix=row.prefix,
            user_id=strawberry.ID(encode_id("User", row.user_id)),
            created_at=row.created_at,
            revoked_at=row.revoked_at,
            line_ids=None
            if row.line_ids is None
            else [strawberry.ID(encode_id("Line", int(i))) for i in row.line_ids],
        )


@strawberry.type(description="The API key created, rotated or revoked; null when refused.")
class ApiKeyPayload:
    api_key: ApiKey | None = strawberry.field(
        description="The key's record (without the key itself); null when refused."
    )
    key: str | None = strawberry.field(
        description="The key in clear: shown in this answer only, store it now."
    )
    errors: list[UserError] = payload_errors()


@strawberry.input(description="A new API key for your workspace (admin keys only).")
class CreateApiKeyInput:
    role: Role = strawberry.field(description="What the new key may do.")
    name: str = strawberry.field(
        default="", description="A name to tell keys apart; empty by default."
    )
    user_id: strawberry.ID | None = strawberry.field(
        default=None, description="The key's actor; defaults to the caller's user."
    )
    line_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description=(
            "DISPLAY keys only, and needed for them: the lines (`Line.id`, 1 to 50) whose "
            "board the key may show."
        ),
    )


@strawberry.input(
    description=(
        "Replace a key: it is revoked and a new one with the same name, role and user is made."
    )
)
class RotateApiKeyInput:
    id: strawberry.ID = strawberry.field(
        description="The key to replace: its global ID (`ApiKey.id`)."
    )


@strawberry.input(
    description=(
        "Revoke a key: refused at once in this process, within 2 seconds "
        "everywhere; its open subscriptions are closed."
    )
)
class RevokeApiKeyInput:
    id: strawberry.ID = strawberry.field(
        description="The key to revoke: its global ID (`ApiKey.id`)."
    )


def _key(key_id: str) -> tuple[str, Callable[[], int]]:
    """The key an app.access.workspaces command runs on (see run_on_row)."""
    return "key_id", lambda: key_pk(key_id)


def _payload(result: tuple[ApiKeyRow, str | None] | None, errors: list[UserError]) -> ApiKeyPayload:
    if result is None:
        return ApiKeyPayload(api_key=None, key=None, errors=errors)
    row, key = result
    return ApiKeyPayload(api_key=ApiKey.from_row(row), key=key, errors=errors)


@strawberry.type
class ApiKeyQueries:
    @strawberry.field(permission_classes=ADMIN, description="Every key of your workspace.")
    async def api_keys(self, info: Info) -> list[ApiKey]:
        rows = await workspaces.list_api_keys(info.context.db, info.context.workspace_id)
        return [ApiKey.from_row(row) for row in rows]


@strawberry.type
class ApiKeyMutations:
    @strawberry.mutation(
        permission_classes=ADMIN,
        description="Make an API key (admin keys only); the key is in the answer, once.",
    )
    async def create_api_key(
        self, info: Info, input: Annotated[CreateApiKeyInput, docs.INPUT_ARGUMENT]
    ) -> ApiKeyPayload:
        async def create(env, me):
            user_id = pk(input.user_id, "User", "userId") or me.user_id
            line_ids = None
            if input.line_ids is not None:
                line_ids = pks(input.line_ids, "Line", "lineIds")
            return await workspaces.create_api_key(
                env.db,
                workspace_id=me.workspace_id,
                user_id=user_id,
                role=DomainRole(input.role.value),
                name=input.name,
                line_ids=line_ids,
            )

        return _payload(*await run_command(info, create))

    @strawberry.mutation(
        permission_classes=ADMIN,
        description=(
            "Revoke a key and make its successor (admin keys only); the new "
            "key is in the answer, once."
        ),
    )
    async def rotate_api_key(
        self, info: Info, input: Annotated[RotateApiKeyInput, docs.INPUT_ARGUMENT]
    ) -> ApiKeyPayload:
        return _payload(*await run_on_row(info, workspaces.rotate_api_key, _key(input.id)))

    @strawberry.mutation(
        permission_classes=ADMIN,
        description=(
            "Revoke a key (admin keys only): its requests and subscriptions stop within seconds."
        ),
    )
    async def revoke_api_key(
        self, info: Info, input: Annotated[RevokeApiKeyInput, docs.INPUT_ARGUMENT]
    ) -> ApiKeyPayload:
        row, errors = await run_on_row(info, workspaces.revoke_api_key, _key(input.id))
        return _payload(None if row is None else (row, None), errors)
