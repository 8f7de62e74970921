"""Outbound webhooks (admin keys only): Query.webhookEndpoints and the mutations that manage
endpoints (app.webhooks.endpoints). An endpoint's secret is in the create and rotate payloads
and never again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry

from app.context import Info
from app.db import WebhookEndpoint as EndpointRow
from app.domain.event_filter import EventFilter
from app.webhooks import endpoints
from app.webhooks.endpoints import EndpointRules
from schema import docs
from schema.mutations.runner import run_command, run_on_row
from schema.permissions import ADMIN
from schema.queries.events import TicketEventFilter
from schema.types.payloads import UserError, payload_errors
from schema.types.webhooks import WebhookEndpoint, endpoint_pk

ENDPOINT_ID = "The endpoint: its ID (`WebhookEndpoint.id`)."


def _rules(info: Info) -> EndpointRules:
    settings = info.context.settings
    return EndpointRules(
        allow_private=settings.webhook_allow_private,
        rotation_grace=settings.webhook_rotation_grace,
    )


def _filter(value: TicketEventFilter | None) -> EventFilter:
    return EventFilter() if value is None else value.to_event_filter()


@strawberry.type(description="The endpoint created or with a new secret; null when refused.")
class WebhookEndpointSecretPayload:
    endpoint: WebhookEndpoint | None = strawberry.field(
        description="The endpoint; null when refused."
    )
    secret: str | None = strawberry.field(
        description=(
            "The signing secret (`whsec_<base64>`), for the receiver's Standard Webhooks "
            "verifier: shown in this answer only, store it now."
        )
    )
    errors: list[UserError] = payload_errors()


@strawberry.type(description="The endpoint as it is after the mutation; null when refused.")
class WebhookEndpointPayload:
    endpoint: WebhookEndpoint | None = strawberry.field(
        description="The endpoint after the change (as it was, for a deletion); null if refused."
    )
    errors: list[UserError] = payload_errors()


@strawberry.input(description="A new webhook endpoint: a URL that receives ticket events.")
class CreateWebhookEndpointInput:
    url: str = strawberry.field(
        description=(
            "An http(s) URL; refused when its host is or resolves to a loopback, private, "
            "link-local or unspecified address."
        )
    )
    filter: TicketEventFilter | None = strawberry.field(
        default=None,
        description="Which events it receives, as the subscriptions take it; null: every event.",
    )
    description: str | None = strawberry.field(
        default=None, description="What it is for (at most 500 characters); empty by default."
    )


@strawberry.input(description="Change an endpoint; null fields stay as they are.")
class UpdateWebhookEndpointInput:
    id: strawberry.ID = strawberry.field(description=ENDPOINT_ID)
    url: str | None = strawberry.field(
        default=None, description="A new URL (checked as on create)."
    )
    filter: TicketEventFilter | None = strawberry.field(
        default=None, description="A new filter: it applies to the events not delivered yet."
    )
    enabled: bool | None = strawberry.field(
        default=None,
        description=(
            "False stops deliveries (nothing is skipped: they continue from the cursor when "
            "set true again)."
        ),
    )
    description: str | None = strawberry.field(default=None, description="A new description.")


@strawberry.input(description="Delete an endpoint and its delivery history.")
class DeleteWebhookEndpointInput:
    id: strawberry.ID = strawberry.field(description=ENDPOINT_ID)


@strawberry.input(
    description=(
        "Give an endpoint a new secret. Until TICKETGW_WEBHOOK_ROTATION_GRACE seconds have "
        "passed (a day by default), deliveries carry signatures by both, new and old."
    )
)
class RotateWebhookSecretInput:
    id: strawberry.ID = strawberry.field(description=ENDPOINT_ID)


@strawberry.input(
    description="Deliver again to a PAUSED or DISABLED endpoint, after its last acknowledged event."
)
class ResumeWebhookEndpointInput:
    id: strawberry.ID = strawberry.field(description=ENDPOINT_ID)


@strawberry.input(description="Send again every matching event after a cursor.")
class RedeliverWebhooksInput:
    endpoint_id: strawberry.ID = strawberry.field(description=ENDPOINT_ID)
    after: str | None = strawberry.field(
        default=None,
        description=(
            "An event cursor (`TicketEvent.cursor`, a `webhook-id` header): the events after "
            "it go out again, in order; null: every event the log still keeps."
        ),
    )


def _secret_payload(
    result: tuple[EndpointRow, str] | None, errors: list[UserError]
) -> WebhookEndpointSecretPayload:
    if result is None:
        return WebhookEndpointSecretPayload(endpoint=None, secret=None, errors=errors)
    row, secret = result
    return WebhookEndpointSecretPayload(
        endpoint=WebhookEndpoint(row=row), secret=secret, errors=errors
    )


def _payload(row: EndpointRow | None, errors: list[UserError]) -> WebhookEndpointPayload:
    return WebhookEndpointPayload(
        endpoint=None if row is None else WebhookEndpoint(row=row), errors=errors
    )


def _endpoint(endpoint_id: str, field: str = "id") -> tuple[str, Callable[[], int]]:
    """The endpoint an app.webhooks.endpoints command runs on (see run_on_row)."""
    return "endpoint_id", lambda: endpoint_pk(endpoint_id, field)


def _by_id(
    service: Callable[..., Awaitable[EndpointRow | None]], input_type: type, description: str
) -> Any:
    """A mutation that runs `service` on the endpoint `input.id` alone and answers the endpoint
    as it is after."""

    async def resolve(self: Any, info: Info, input: Any) -> WebhookEndpointPayload:
        return _payload(*await run_on_row(info, service, _endpoint(input.id)))

    resolve.__annotations__["input"] = Annotated[input_type, docs.INPUT_ARGUMENT]
    return strawberry.mutation(resolve, permission_classes=ADMIN, description=description)


@strawberry.type
class WebhookQueries:
    @strawberry.field(
        permission_classes=ADMIN,
        description="Your workspace's webhook endpoints, oldest first (admin keys only).",
    )
    async def webhook_endpoints(self, info: Info) -> list[WebhookEndpoint]:
        rows = await endpoints.list_endpoints(info.context.db, info.context.workspace_id)
        return [WebhookEndpoint(row=row) for row in rows]


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        permission_classes=ADMIN,
        description=(
            "Add a webhook endpoint (admin keys only): it receives the events committed from "
            "now on. The signing secret is in the answer, once."
        ),
    )
    async def create_webhook_endpoint(
        self, info: Info, input: Annotated[CreateWebhookEndpointInput, docs.INPUT_ARGUMENT]
    ) -> WebhookEndpointSecretPayload:
        event_filter = _filter(input.filter)

        async def create(env, me):
            return await endpoints.create_endpoint(
                env.db,
                _rules(info),
                workspace_id=me.workspace_id,
                url=input.url,
                event_filter=event_filter,
                description=input.description,
            )

        return _secret_payload(*await run_command(info, create))

    @strawberry.mutation(
        permission_classes=ADMIN, description="Change a webhook endpoint (admin keys only)."
    )
    async def update_webhook_endpoint(
        self, info: Info, input: Annotated[UpdateWebhookEndpointInput, docs.INPUT_ARGUMENT]
    ) -> WebhookEndpointPayload:
        event_filter = None if input.filter is None else input.filter.to_event_filter()
        changed = await run_on_row(
            info,
            endpoints.update_endpoint,
            _endpoint(input.id),
            _rules(info),
            url=input.url,
            event_filter=event_filter,
            enabled=input.enabled,
            description=input.description,
        )
        return _payload(*changed)

    delete_webhook_endpoint = _by_id(
        endpoints.delete_endpoint,
        DeleteWebhookEndpointInput,
        "Delete a webhook endpoint and its delivery history (admin keys only).",
    )

    @strawberry.mutation(
        permission_classes=ADMIN,
        description=(
            "Give an endpoint a new signing secret (admin keys only); it is in the answer, "
            "once. The old one keeps signing during a grace period."
        ),
    )
    async def rotate_webhook_secret(
        self, info: Info, input: Annotated[RotateWebhookSecretInput, docs.INPUT_ARGUMENT]
    ) -> WebhookEndpointSecretPayload:
        rotated = await run_on_row(info, endpoints.rotate_secret, _endpoint(input.id), _rules(info))
        return _secret_payload(*rotated)

    resume_webhook_endpoint = _by_id(
        endpoints.resume_endpoint,
        ResumeWebhookEndpointInput,
        "Deliver again to a paused or disabled endpoint (admin keys only), from its last "
        "acknowledged event: nothing is skipped.",
    )

    @strawberry.mutation(
        permission_classes=ADMIN,
        description=(
            "Send again every matching event after a cursor to an endpoint (admin keys only): "
            "its cursor moves back there (a paused or disabled one sends them once resumed)."
        ),
    )
    async def redeliver_webhooks(
        self, info: Info, input: Annotated[RedeliverWebhooksInput, docs.INPUT_ARGUMENT]
    ) -> WebhookEndpointPayload:
        replayed = await run_on_row(
            info, endpoints.redeliver, _endpoint(input.endpoint_id, "endpointId"), after=input.after
        )
        return _payload(*replayed)
