"""The benchmark operations: ticketgw's GraphQL, PostGraphile's equivalent, and what they fetch.

PostGraphile (Amber preset + connection-filter) names things after the tables: `allTickets`,
`appUserByAssigneeId`, `ticketLabelsByTicketId`... Both ask for the same rows: 50 open,
in-progress or pending tickets of the workspace, newest first, not spam or trashed, each with its
assignee, labels, first 5 live messages (with author) and interactions (with user).
"""

from __future__ import annotations

TICKET_FIELDS = """
  id state createdAt title
  assignee { id name email }
  labels { name color }
  messages(first: 5) { nodes { body direction createdAt author { name } } }
  interactions { start end user { name } }
"""

DASHBOARD = (
    "{ tickets(first: 50, filter: {states: [OPEN, IN_PROGRESS, PENDING]},"
    " orderBy: {field: CREATED_AT, direction: DESC}) { edges { node {" + TICKET_FIELDS + "} } } }"
)

SINGLE = "query ($id: ID!) { ticket(id: $id) {" + TICKET_FIELDS + "} }"

PGL_TICKET_FIELDS = """
  id state createdAt title
  appUserByAssigneeId { id name email }
  ticketLabelsByTicketId { nodes { labelByLabelId { name color } } }
  messagesByTicketId(
    first: 5, condition: {deletedAt: null}, orderBy: [CREATED_AT_ASC, PRIMARY_KEY_ASC]
  ) {
    nodes { body direction createdAt appUserByAuthorId { name } } }
  interactionsByTicketId(orderBy: [START_ASC, PRIMARY_KEY_ASC]) {
    nodes { start end appUserByUserId { name } } }
"""


def pgl_dashboard(workspace_id: int) -> str:
    return (
        f"{{ allTickets(first: 50, condition: {{workspaceId: {workspace_id}}},"
        ' filter: {state: {in: ["OPEN", "IN_PROGRESS", "PENDING"]}, spam: {equalTo: false},'
        " trashedAt: {isNull: true}}, orderBy: [CREATED_AT_DESC, PRIMARY_KEY_DESC])"
        " { edges { node {" + PGL_TICKET_FIELDS + "} } } }"
    )


PGL_SINGLE = "query ($id: Int!) { ticketByRowId(rowId: $id) {" + PGL_TICKET_FIELDS + "} }"
