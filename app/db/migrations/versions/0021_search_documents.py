"""search documents: one searchable text per ticket, with its workspace and creation time

PostgreSQL only. Migration 0017 indexed each source of a ticket's text on its own (the
ticket's fields, message bodies, the contact), so a search gathered the ids from three indexes
and then read every matching ticket to put them in order: its cost grew with the number of
matches (10,000 tickets for "smith" at a million). `ticket_search` holds the ticket's whole
text in one row (its own fields, its contact's name and email, every message body;
lowercased) next to its workspace and `created_at`, with a pg_trgm GIN index over the text
and a btree in the list's order: a rare term is read from the GIN index, a common one by
walking the newest documents and stopping at a page (app/loaders/tickets/search_page.py). Triggers
keep it in step with every write, per statement for inserts (COPY and multi-row INSERTs of
bulk loads). The three per-source trigram indexes go; their text functions stay (the document
is built from them).

SQLite keeps its FTS5 tables (migration 0017): nothing changes there.

Revision ID: 0021
Revises: 0017
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OWN = (
    "ticket_search_text({r}.title, {r}.subject, {r}.summary, {r}.first_name, {r}.last_name, "
    "{r}.public_id, {r}.email)"
)

# The document, lowercased (a search compares lowercased text; pg_trgm lowercases too): own
# fields, newline, contact, newline, then each message body and a newline.
_TABLE = f"""
CREATE TABLE ticket_search (
    ticket_id integer PRIMARY KEY,
    workspace_id integer NOT NULL,
    created_at timestamptz NOT NULL,
    document text NOT NULL
);
CREATE FUNCTION ticket_search_document(ticket_id integer) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT lower({_OWN.format(r="t")} || E'\\n'
        || coalesce((SELECT contact_search_text(c.name, c.email)
                     FROM contact c WHERE c.id = t.contact_id), '') || E'\\n'
        || coalesce((SELECT string_agg(coalesce(m.body, '') || E'\\n', '' ORDER BY m.id)
                     FROM message m WHERE m.ticket_id = t.id), ''))
    FROM ticket t WHERE t.id = $1
$$;
CREATE FUNCTION ticket_search_refresh(ids integer[]) RETURNS void LANGUAGE sql AS $$
    UPDATE ticket_search s
    SET document = ticket_search_document(t.id), workspace_id = t.workspace_id,
        created_at = t.created_at
    FROM ticket t WHERE t.id = s.ticket_id AND s.ticket_id = ANY(ids)
$$;
"""

_TRIGGERS = f"""
CREATE FUNCTION ticket_search_tickets_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ticket_search (ticket_id, workspace_id, created_at, document)
    SELECT n.id, n.workspace_id, n.created_at,
           lower({_OWN.format(r="n")} || E'\\n'
                 || coalesce(contact_search_text(c.name, c.email), '') || E'\\n')
    FROM new_rows n LEFT JOIN contact c ON c.id = n.contact_id;
    RETURN NULL;
END $$;
CREATE FUNCTION ticket_search_ticket_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ticket_search_refresh(ARRAY[NEW.id]);
    RETURN NULL;
END $$;
CREATE FUNCTION ticket_search_tickets_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM ticket_search WHERE ticket_id IN (SELECT id FROM old_rows);
    RETURN NULL;
END $$;
CREATE FUNCTION ticket_search_messages_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ticket_search s SET document = s.document || added.bodies
    FROM (SELECT ticket_id,
                 lower(string_agg(coalesce(body, '') || E'\\n', '' ORDER BY id)) AS bodies
          FROM new_rows GROUP BY ticket_id) added
    WHERE s.ticket_id = added.ticket_id;
    RETURN NULL;
END $$;
CREATE FUNCTION ticket_search_messages_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ticket_search_refresh(ARRAY(
        SELECT o.ticket_id FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.body IS DISTINCT FROM n.body OR o.ticket_id <> n.ticket_id
        UNION SELECT n.ticket_id FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.body IS DISTINCT FROM n.body OR o.ticket_id <> n.ticket_id));
    RETURN NULL;
END $$;
CREATE FUNCTION ticket_search_messages_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ticket_search_refresh(ARRAY(SELECT DISTINCT ticket_id FROM old_rows));
    RETURN NULL;
END $$;
CREATE FUNCTION ticket_search_contact_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ticket_search_refresh(ARRAY(SELECT id FROM ticket WHERE contact_id = NEW.id));
    RETURN NULL;
END $$;
CREATE TRIGGER ticket_search_insert AFTER INSERT ON ticket
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_search_tickets_inserted();
CREATE TRIGGER ticket_search_update
    AFTER UPDATE OF title, subject, summary, first_name, last_name, public_id, email,
        contact_id, created_at, workspace_id ON ticket
    FOR EACH ROW WHEN (
        (OLD.title, OLD.subject, OLD.summary, OLD.first_name, OLD.last_name, OLD.public_id,
         OLD.email, OLD.contact_id, OLD.created_at, OLD.workspace_id)
        IS DISTINCT FROM
        (NEW.title, NEW.subject, NEW.summary, NEW.first_name, NEW.last_name, NEW.public_id,
         NEW.email, NEW.contact_id, NEW.created_at, NEW.workspace_id)
    ) EXECUTE FUNCTION ticket_search_ticket_changed();
CREATE TRIGGER ticket_search_delete AFTER DELETE ON ticket
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_search_tickets_deleted();
CREATE TRIGGER ticket_search_message_insert AFTER INSERT ON message
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_search_messages_inserted();
CREATE TRIGGER ticket_search_message_update AFTER UPDATE ON message
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_search_messages_updated();
CREATE TRIGGER ticket_search_message_delete AFTER DELETE ON message
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_search_messages_deleted();
CREATE TRIGGER ticket_search_contact_update AFTER UPDATE OF name, email ON contact
    FOR EACH ROW WHEN ((OLD.name, OLD.email) IS DISTINCT FROM (NEW.name, NEW.email))
    EXECUTE FUNCTION ticket_search_contact_changed();
"""

_BACKFILL = f"""
SET LOCAL maintenance_work_mem = '512MB';
INSERT INTO ticket_search (ticket_id, workspace_id, created_at, document)
SELECT t.id, t.workspace_id, t.created_at,
       lower({_OWN.format(r="t")} || E'\\n' || coalesce(contact_search_text(c.name, c.email), '')
             || E'\\n' || coalesce(m.bodies, ''))
FROM ticket t
LEFT JOIN contact c ON c.id = t.contact_id
LEFT JOIN (SELECT ticket_id, string_agg(coalesce(body, '') || E'\\n', '' ORDER BY id) AS bodies
           FROM message GROUP BY ticket_id) m ON m.ticket_id = t.id
ORDER BY t.workspace_id, t.created_at, t.id;
CREATE INDEX ix_ticket_search_order ON ticket_search (workspace_id, created_at, ticket_id);
CREATE INDEX ix_ticket_search_document ON ticket_search USING gin (document gin_trgm_ops);
ANALYZE ticket_search;
"""

_OLD_INDEXES = """
CREATE INDEX ix_ticket_search ON ticket USING gin (
    ticket_search_text(title, subject, summary, first_name, last_name, public_id, email)
    gin_trgm_ops);
CREATE INDEX ix_message_body_search ON message USING gin (body gin_trgm_ops);
CREATE INDEX ix_contact_search ON contact USING gin (contact_search_text(name, email) gin_trgm_ops);
"""

_TRIGGER_NAMES = {
    "ticket": ("ticket_search_insert", "ticket_search_update", "ticket_search_delete"),
    "message": (
        "ticket_search_message_insert",
        "ticket_search_message_update",
        "ticket_search_message_delete",
    ),
    "contact": ("ticket_search_contact_update",),
}
_FUNCTIONS = (
    "ticket_search_tickets_inserted()",
    "ticket_search_ticket_changed()",
    "ticket_search_tickets_deleted()",
    "ticket_search_messages_inserted()",
    "ticket_search_messages_updated()",
    "ticket_search_messages_deleted()",
    "ticket_search_contact_changed()",
    "ticket_search_refresh(integer[])",
    "ticket_search_document(integer)",
)


def _statements(block: str) -> list[str]:
    """One block's statements: each ends with `;` at a line's end outside a `$$` body."""
    statements, current, quoted = [], [], False
    for line in block.strip().splitlines():
        current.append(line)
        quoted ^= line.count("$$") % 2 == 1
        if line.rstrip().endswith(";") and not quoted:
            statements.append("\n".join(current))
            current = []
    return statements


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for block in (_TABLE, _TRIGGERS, _BACKFILL):
        for statement in _statements(block):
            op.execute(statement)
    for index in ("ix_ticket_search", "ix_message_body_search", "ix_contact_search"):
        op.execute(f"DROP INDEX {index}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, triggers in _TRIGGER_NAMES.items():
        for trigger in triggers:
            op.execute(f"DROP TRIGGER {trigger} ON {table}")
    op.execute("DROP TABLE ticket_search")
    for function in _FUNCTIONS:
        op.execute(f"DROP FUNCTION {function}")
    for statement in _statements(_OLD_INDEXES):
        op.execute(statement)
