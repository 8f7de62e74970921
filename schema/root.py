"""The schema root: area query classes merged into Query; mutations and subscriptions plug in.

To add a mutation: write a `@strawberry.type` class in `schema/mutations/` and list it in
`MUTATIONS` in `schema/mutations/__init__.py`. Same for subscriptions with `SUBSCRIPTIONS` in
`schema/subscriptions/__init__.py`.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.tools import merge_types
from strawberry.types.base import get_object_definition

from app.observability.graphql_extension import ObserveOperation
from schema.executor.execution import FastLeavesExecutionContext, install_direct_resolvers
from schema.input_guard import InputGuard
from schema.limits import QueryLimits
from schema.masking import GatewaySchema, MaskUnexpectedErrors
from schema.mutations import MUTATIONS
from schema.mutations.api_keys import ApiKeyQueries
from schema.mutations.sla import SlaQueries
from schema.mutations.webhooks import WebhookQueries
from schema.queries.board import BoardQueries
from schema.queries.directory import DirectoryQueries
from schema.queries.events import EventQueries
from schema.queries.node import NodeQueries
from schema.queries.tickets import TicketQueries
from schema.subscriptions import SUBSCRIPTIONS
from schema.subscriptions.event_retry import RetriesSpoiledEvents
from schema.trusted_documents import TrustedDocumentsGuard
from schema.types.events import TicketEvent
from schema.types.helpdesk_ticket import HelpdeskTicket
from schema.types.messages import Message
from schema.types.people import Contact, Team, User
from schema.types.places import Label, Line, Location
from schema.types.queue_ticket import QueueTicket
from schema.types.sla import BusinessCalendar, SlaPolicy
from schema.types.workspace import Workspace

QUERIES: list[type] = [
    TicketQueries, NodeQueries, DirectoryQueries, EventQueries, ApiKeyQueries, WebhookQueries,
    BoardQueries, SlaQueries,
]  # fmt: skip

# Implementations of Node/Ticket reachable only through an interface must be listed.
TYPES: list[Any] = [
    QueueTicket, HelpdeskTicket, User, Team, Line, Location, Contact, Label, Message, TicketEvent,
    Workspace, BusinessCalendar, SlaPolicy,
]  # fmt: skip


QUERY_DESCRIPTION = (
    "Reads. Every field needs an API key (`Authorization: Bearer <key>`) and sees only the "
    "key's workspace."
)
MUTATION_DESCRIPTION = (
    "Changes. Each takes one `input` and answers a payload: the changed object, and `errors` "
    "(UserError) when refused, in which case nothing changed. Each change writes one event."
)
SUBSCRIPTION_DESCRIPTION = (
    "Live events over WebSocket (graphql-transport-ws, graphql-ws) or Server-Sent Events "
    "(graphql-sse: `Accept: text/event-stream` on /graphql, each event's `id` is its cursor, "
    "reconnect with `Last-Event-ID`). Resume with the last cursor you saw: nothing is lost."
)


class GatewayExecution(RetriesSpoiledEvents, FastLeavesExecutionContext):
    """The executor: fast leaves, and subscription events resolved again after an outage."""


class StandardExecution(RetriesSpoiledEvents, StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, with the same retries (`fast_paths=False`)."""


def build_schema(*, introspection: bool = True, fast_paths: bool = True) -> strawberry.Schema:
    """`fast_paths=False` leaves out schema/executor/execution.py (the standard executor and
    Strawberry's resolver chain, to compare against)."""
    query = merge_types("Query", tuple(QUERIES))
    # ObserveOperation first: it hands the operation to the request log and metrics.
    # MaskUnexpectedErrors right after ObserveOperation: it leaves last and sees every error.
    # InputGuard before QueryLimits: a refused value spends no rate-limit points.
    extensions: list[Any] = [
        ObserveOperation, MaskUnexpectedErrors, TrustedDocumentsGuard, InputGuard, QueryLimits,
    ]  # fmt: skip
    if not introspection:
        extensions.append(AddValidationRules([NoSchemaIntrospectionCustomRule]))
    mutation = merge_types("Mutation", tuple(MUTATIONS))
    subscription = merge_types("Subscription", tuple(SUBSCRIPTIONS))
    for root, description in (
        (query, QUERY_DESCRIPTION),
        (mutation, MUTATION_DESCRIPTION),
        (subscription, SUBSCRIPTION_DESCRIPTION),
    ):
        # merge_types takes no description; its result is a Strawberry type like any other.
        get_object_definition(root, strict=True).description = description
    built = GatewaySchema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        types=TYPES,
        extensions=extensions,
        execution_context_class=GatewayExecution if fast_paths else StandardExecution,
    )
    if fast_paths:
        install_direct_resolvers(built)
    return built


schema = build_schema()


def schema_sdl() -> str:
    """The printed schema, as stored in schema/schema.graphql."""
    return str(schema).rstrip("\n") + "\n"
