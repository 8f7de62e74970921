"""The schema root: area query classes merged into Query; mutations and subscriptions plug in.

To add a mutation: write `schema/mutations/<name>.py` with a `@strawberry.type` class holding
the one field, and list that class in `MUTATIONS` in `schema/mutations/__init__.py`. Same for
subscriptions with `SUBSCRIPTIONS` in `schema/subscriptions/__init__.py`. The roots appear as
soon as their list is non-empty.
"""

from __future__ import annotations

import importlib
from typing import Any

import strawberry
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules
from strawberry.tools import merge_types

from schema.queries.directory import DirectoryQueries
from schema.queries.events import EventQueries
from schema.queries.node import NodeQueries
from schema.queries.tickets import TicketQueries
from schema.types.events import TicketEvent
from schema.types.helpdesk_ticket import HelpdeskTicket
from schema.types.messages import Message
from schema.types.people import Contact, Team, User
from schema.types.places import Label, Line
from schema.types.queue_ticket import QueueTicket
from schema.types.workspace import Workspace

QUERIES: list[type] = [TicketQueries, NodeQueries, DirectoryQueries, EventQueries]

# Implementations of Node/Ticket reachable only through an interface must be listed.
TYPES: list[Any] = [
    QueueTicket, HelpdeskTicket, User, Team, Line, Contact, Label, Message, TicketEvent, Workspace,
]  # fmt: skip


def _plugged(package: str, name: str) -> list[type]:
    """The root parts another package lists (schema.mutations.MUTATIONS, ...), if it exists."""
    try:
        module = importlib.import_module(package)
    except ModuleNotFoundError as error:
        if error.name != package:
            raise
        return []
    return list(getattr(module, name, []))


def build_schema(*, introspection: bool = True) -> strawberry.Schema:
    query = merge_types("Query", tuple(QUERIES))
    mutations = _plugged("schema.mutations", "MUTATIONS")
    subscriptions = _plugged("schema.subscriptions", "SUBSCRIPTIONS")
    extensions = [] if introspection else [AddValidationRules([NoSchemaIntrospectionCustomRule])]
    return strawberry.Schema(
        query=query,
        mutation=merge_types("Mutation", tuple(mutations)) if mutations else None,
        subscription=merge_types("Subscription", tuple(subscriptions)) if subscriptions else None,
        types=TYPES,
        extensions=extensions,
    )


schema = build_schema()


def schema_sdl() -> str:
    """The printed schema, as stored in schema/schema.graphql."""
    return str(schema).rstrip("\n") + "\n"
