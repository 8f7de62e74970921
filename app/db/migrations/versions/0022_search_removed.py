"""search documents know whether their ticket is removed (spam or trashed)

PostgreSQL only. A search's `totalCount` read each matching document's ticket by its key only
to drop spam and trashed tickets: up to 1,001 ticket lookups at a million tickets, about a
quarter of the count. `ticket_search.removed` carries that flag beside the document, kept by
the same triggers, so a count of a plain search reads the documents alone
(app/loaders/tickets/count.py).

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OWN = (
    "ticket_search_text({r}.title, {r}.subject, {r}.summary, {r}.first_name, {r}.last_name, "
    "{r}.public_id, {r}.email)"
)
_REMOVED = "({r}.spam OR {r}.trashed_at IS NOT NULL)"
_TEXT_COLUMNS = "title, subject, summary, first_name, last_name, public_id, email"
_WATCHED = f"{_TEXT_COLUMNS}, contact_id, created_at, workspace_id"


def _functions(removed: bool) -> list[str]:
    """The two functions that write a document's ticket columns, with or without `removed`."""
    set_removed = f", removed = {_REMOVED.format(r='t')}" if removed else ""
    column = ", removed" if removed else ""
    value = f", {_REMOVED.format(r='n')}" if removed else ""
    return [
        f"""CREATE OR REPLACE FUNCTION ticket_search_refresh(ids integer[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE ticket_search s
    SET document = ticket_search_document(t.id), workspace_id = t.workspace_id,
        created_at = t.created_at{set_removed}
    FROM ticket t WHERE t.id = s.ticket_id AND s.ticket_id = ANY(ids)
$$""",
        f"""CREATE OR REPLACE FUNCTION ticket_search_tickets_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ticket_search (ticket_id, workspace_id, created_at, document{column})
    SELECT n.id, n.workspace_id, n.created_at,
           lower({_OWN.format(r="n")} || E'\\n'
                 || coalesce(contact_search_text(c.name, c.email), '') || E'\\n'){value}
    FROM new_rows n LEFT JOIN contact c ON c.id = n.contact_id;
    RETURN NULL;
END $$""",
    ]


def _update_trigger(columns: str) -> list[str]:
    """The ticket update trigger, fired when one of `columns` changes."""
    old = ", ".join(f"OLD.{c.strip()}" for c in columns.split(","))
    new = ", ".join(f"NEW.{c.strip()}" for c in columns.split(","))
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
