"""The Mutation root's parts, one class per area, mirroring app/services modules.

Conventions (every mutation):
- One `input:` argument of a type named after the mutation; ids are the read side's global ids.
- Answers a payload `{ <object>, errors: [UserError!]! }`. A refused command (unknown, wrong-type
  or other-workspace id -> NOT_FOUND; malformed id or bad value -> VALIDATION; illegal transition
  -> INVALID_TRANSITION; stale expectedVersion or taken name -> CONFLICT) comes back in `errors`
  with `field` = the camelCase input field, the object null, and nothing written.
- Access is not data: no key is a top-level GraphQL error with extensions.code UNAUTHENTICATED;
  a READ key on any mutation, or a non-ADMIN key on setup, is a top-level error with code
  FORBIDDEN (schema.permissions AGENT / ADMIN). These are checked before the resolver runs.
- The acting user is the key's user, unless the input has `userId` and names another.

Areas, not one module per mutation: each mutation is an input type and a ~12-line resolver
calling one service, so grouping them like the services they call keeps the mapping visible.
"""

from __future__ import annotations

from schema.mutations.api_keys import ApiKeyMutations
from schema.mutations.helpdesk import HelpdeskMutations
from schema.mutations.helpdesk_flags import HelpdeskFlagMutations
from schema.mutations.queue import QueueMutations
from schema.mutations.queue_desk import QueueDeskMutations
from schema.mutations.setup import SetupMutations
from schema.mutations.sla import SlaMutations
from schema.mutations.ticket_common import TicketCommonMutations

MUTATIONS: list[type] = [
    QueueMutations,
    QueueDeskMutations,
    HelpdeskMutations,
    HelpdeskFlagMutations,
    TicketCommonMutations,
    SetupMutations,
    ApiKeyMutations,
    SlaMutations,
]
