"""search documents per batch: a bulk import writes each new ticket's document once

PostgreSQL only. Migration 0021's insert triggers build a new ticket's document in two steps:
the ticket's own text when the ticket is inserted, then an UPDATE appending the bodies when its
messages are inserted: two index entries per document in the GIN index and a dead row each,
60-100 µs of the server's ~250 µs per imported ticket. A bulk import now turns those two
triggers off for its own statements (`ticketgw.search_deferred`, a setting local to its
transaction) while it copies a batch's new tickets and their messages, then writes the
batch's documents whole in one statement: `ticket_search_add_documents(ids)`, which also turns
the setting off again. Every other write keeps the triggers; so does a bulk import's batch
that fails (its transaction rolls back, the setting with it) and is redone row by row.

Revision ID: 0023
Revises: 0022
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OWN = (
    "ticket_search_text({r}.title, {r}.subject, {r}.summary, {r}.first_name, {r}.last_name, "
    "{r}.public_id, {r}.email)"
)
_DEFERRED = "current_setting('ticketgw.search_deferred', true) = 'on'"

# The same documents as ticket_search_document(id): own fields, newline, contact, newline,
# then each message body and a newline, lowercased.
_ADD_DOCUMENTS = f"""
CREATE FUNCTION ticket_search_add_documents(ids integer[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ticket_search (ticket_id, workspace_id, created_at, document)
    SELECT t.id, t.workspace_id, t.created_at,
           lower({_OWN.format(r="t")} || E'\\n'
                 || coalesce(contact_search_text(c.name, c.email), '') || E'\\n'
                 || coalesce(m.bodies, ''))
    FROM ticket t
    LEFT JOIN contact c ON c.id = t.contact_id
    LEFT JOIN (SELECT ticket_id,
                      string_agg(coalesce(body, '') || E'\\n', '' ORDER BY id) AS bodies
               FROM message WHERE ticket_id = ANY(ids) GROUP BY ticket_id) m
        ON m.ticket_id = t.id
    WHERE t.id = ANY(ids)
    ORDER BY t.id
    ON CONFLICT (ticket_id) DO UPDATE
        SET document = excluded.document, workspace_id = excluded.workspace_id,
            created_at = excluded.created_at;
    PERFORM set_config('ticketgw.search_deferred', 'off', true);
END $$;
"""


# Migration 0021's two insert trigger functions, as they were (their bodies).
_TICKETS_INSERTED = f"""
    INSERT INTO ticket_search (ticket_id, workspace_id, created_at, document)
    SELECT n.id, n.workspace_id, n.created_at,
           lower({_OWN.format(r="n")} || E'\\n'
                 || coalesce(contact_search_text(c.name, c.email), '') || E'\\n')
    FROM new_rows n LEFT JOIN contact c ON c.id = n.contact_id;"""
_MESSAGES_INSERTED = """
    UPDATE ticket_search s SET document = s.document || added.bodies
    FROM (SELECT ticket_id,
                 lower(string_agg(coalesce(body, '') || E'\\n', '' ORDER BY id)) AS bodies
          FROM new_rows GROUP BY ticket_id) added
    WHERE s.ticket_id = added.ticket_id;"""
_SKIP = f"IF {_DEFERRED} THEN RETURN NULL; END IF;"


def _trigger_function(name: str, body: str, *, skip: bool) -> str:
    """The trigger function `name` with `body`; with `skip`, doing nothing while deferred."""
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    {_SKIP if skip else ""}{body}
    RETURN NULL;
END $$;
"""


def _insert_triggers(*, skip: bool) -> list[str]:
    return [
        _trigger_function("ticket_search_tickets_inserted", _TICKETS_INSERTED, skip=skip),
        _trigger_function("ticket_search_messages_inserted", _MESSAGES_INSERTED, skip=skip),
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in (*_insert_triggers(skip=True), _ADD_DOCUMENTS):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION ticket_search_add_documents(integer[])")
    for statement in _insert_triggers(skip=False):
        op.execute(statement)
