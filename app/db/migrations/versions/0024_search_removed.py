"""search documents know whether their ticket is removed (spam or trashed)

PostgreSQL only. A search's `totalCount` read each matching document's ticket by its key only
to drop spam and trashed tickets: up to 1,001 ticket lookups at a million tickets, about a
quarter of the count. `ticket_search.removed` carries that flag beside the document, written
wherever the document's ticket columns are (the insert trigger, the refresh, a bulk import's
per-batch documents) and refreshed when spam or trashed_at change, so a count of a plain search
reads the documents alone (app/loaders/tickets/count.py).

Revision ID: 0024
Revises: 0023
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OWN = (
    "ticket_search_text({r}.title, {r}.subject, {r}.summary, {r}.first_name, {r}.last_name, "
    "{r}.public_id, {r}.email)"
)
_DEFERRED = "current_setting('ticketgw.search_deferred', true) = 'on'"
_WATCHED = (
    "title, subject, summary, first_name, last_name, public_id, email, contact_id, created_at, "
    "workspace_id"
)


def _functions(removed: bool) -> list[str]:
    """The three functions that write a document's ticket columns (0023's, with or without
    `removed`): the refresh, the insert trigger's, and a bulk import's per-batch documents."""
    column = ", removed" if removed else ""

    def flag(r: str) -> str:
        return f", ({r}.spam OR {r}.trashed_at IS NOT NULL)" if removed else ""

    set_flag = f", removed = {flag('t')[2:]}" if removed else ""
    excluded = ", removed = excluded.removed" if removed else ""
    return [
        f"""CREATE OR REPLACE FUNCTION ticket_search_refresh(ids integer[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE ticket_search s
    SET document = ticket_search_document(t.id), workspace_id = t.workspace_id,
        created_at = t.created_at{set_flag}
    FROM ticket t WHERE t.id = s.ticket_id AND s.ticket_id = ANY(ids)
$$""",
        f"""CREATE OR REPLACE FUNCTION ticket_search_tickets_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF {_DEFERRED} THEN RETURN NULL; END IF;
    INSERT INTO ticket_search (ticket_id, workspace_id, created_at, document{column})
    SELECT n.id, n.workspace_id, n.created_at,
           lower({_OWN.format(r="n")} || E'\\n'
                 || coalesce(contact_search_text(c.name, c.email), '') || E'\\n'){flag("n")}
    FROM new_rows n LEFT JOIN contact c ON c.id = n.contact_id;
    RETURN NULL;
END $$""",
        f"""CREATE OR REPLACE FUNCTION ticket_search_add_documents(ids integer[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ticket_search (ticket_id, workspace_id, created_at, document{column})
    SELECT t.id, t.workspace_id, t.created_at,
           lower({_OWN.format(r="t")} || E'\\n'
                 || coalesce(contact_search_text(c.name, c.email), '') || E'\\n'
                 || coalesce(m.bodies, '')){flag("t")}
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
            created_at = excluded.created_at{excluded};
    PERFORM set_config('ticketgw.search_deferred', 'off', true);
END $$""",
    ]


def _update_trigger(columns: str) -> list[str]:
    """The ticket update trigger, fired when one of `columns` changes."""
    names = [c.strip() for c in columns.split(",")]
    old = ", ".join(f"OLD.{c}" for c in names)
    new = ", ".join(f"NEW.{c}" for c in names)
    return [
        "DROP TRIGGER ticket_search_update ON ticket",
        f"""CREATE TRIGGER ticket_search_update AFTER UPDATE OF {columns} ON ticket
    FOR EACH ROW WHEN (({old}) IS DISTINCT FROM ({new}))
    EXECUTE FUNCTION ticket_search_ticket_changed()""",
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # A constant default: PostgreSQL adds the column without rewriting the table.
    op.execute("ALTER TABLE ticket_search ADD COLUMN removed boolean NOT NULL DEFAULT false")
    op.execute(
        "UPDATE ticket_search s SET removed = true FROM ticket t "
        "WHERE t.id = s.ticket_id AND (t.spam OR t.trashed_at IS NOT NULL)"
    )
    for statement in [*_functions(removed=True), *_update_trigger(f"{_WATCHED}, spam, trashed_at")]:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in [*_functions(removed=False), *_update_trigger(_WATCHED)]:
        op.execute(statement)
    op.execute("ALTER TABLE ticket_search DROP COLUMN removed")
