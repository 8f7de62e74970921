"""Descriptions that many fields and inputs share, written once so they say the same thing.

Every type, field, argument, input field and enum value of the schema has a description
(tests/browser checks it with graphql-schema-linter): what a client needs to know, units,
what null means, defaults. These are the ones that recur.
"""

import strawberry

ID = "Global ID: opaque and stable; `node(id:)` fetches the object again."
CREATED_AT = "When it was created (UTC)."
EXTERNAL_ID = "The vendor's own id for it when it came from a vendor; null when created here."
PICTURE = "URL of an avatar image; null when there is none."

# Mutation inputs
INPUT = "Everything the mutation needs, as one object (Relay style)."
# The `input` argument of every mutation: `input: Annotated[CreateLineInput, INPUT_ARGUMENT]`.
INPUT_ARGUMENT = strawberry.argument(description=INPUT)
TICKET_ID = "The ticket to change: its global ID (`Ticket.id`)."
EXPECTED_VERSION = (
    "The ticket's `version` as you last read it: the mutation is refused with CONFLICT when "
    "someone changed the ticket since. Null (the default) skips the check."
)
ACTING_USER = (
    "The user this is done as, recorded as the event's actor; null (the default) means the "
    "API key's user."
)
DESK = "The desk number the visitor goes to (shown on queue boards); null when not told."
LINE_ID = "The line: a global ID from `Line.id`."

# Pagination
EDGES = "The page's items, each with its cursor."
NODES = "The page's items without their cursors: the same list as `edges { node }`."
PAGE_INFO = "Where this page sits: whether more follow, and the cursors to continue from."
EDGE_CURSOR = "Pass it as `after` (or `before`) to continue from this item."
AFTER = "A cursor from this list (`edges.cursor`, `pageInfo.endCursor`): start after it."


def first(default: int) -> str:
    return f"How many items from the start (or after `after`), 1..100; {default} when null."


# Payloads
PAYLOAD_ERRORS = (
    "Why the mutation was refused; empty on success. A refused mutation changes nothing."
)
