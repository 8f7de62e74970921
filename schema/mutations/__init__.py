"""The Mutation root's parts, one class per area, mirroring app/tickets modules.

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

The actions on an existing ticket are not written here: schema/mutations/actions.py makes their
mutations and inputs from the declarations in app/tickets (`@ticket_action`). The modules here
hold what is written by hand (creating tickets, calling the next one, setup, keys) and say where
each area's made mutations go.
"""

from __future__ import annotations

from schema.mutations.actions import area_mutations
from schema.mutations.api_keys import ApiKeyMutations
from schema.mutations.helpdesk import HelpdeskMutations
from schema.mutations.queue import QueueMutations
from schema.mutations.queue_desk import QueueDeskMutations
from schema.mutations.setup import SetupMutations
from schema.mutations.sla import SlaMutations
from schema.mutations.webhooks import WebhookMutations

HelpdeskFlagMutations = area_mutations("HelpdeskFlagMutations", ["helpdesk_flags"])
# Actions on both kinds of ticket. Setting what is already set is no change and no event.
TicketCommonMutations = area_mutations(
    "TicketCommonMutations", ["assignment", "labels", "extras", "messages"]
)

MUTATIONS: list[type] = [
    QueueMutations,
    QueueDeskMutations,
    HelpdeskMutations,
    HelpdeskFlagMutations,
    TicketCommonMutations,
    SetupMutations,
    ApiKeyMutations,
    WebhookMutations,
    SlaMutations,
]
