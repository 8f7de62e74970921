"""search index, ticket counts, filter indexes

Search: on PostgreSQL, pg_trgm GIN indexes over each source's text (the ticket's own fields,
message bodies, the contact's name and email), so `ILIKE '%term%'` reads the index; on SQLite,
FTS5 tables with the trigram tokenizer, kept by triggers. Counts: `ticket_count`, kept by
triggers on `ticket` in the same transaction as the write. The objects that no model describes
are listed in app/db/derived/search_index.py (left out of the model comparison).

Revision ID: 0017
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0017"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What a ticket's own fields say, as one text (search matches the full name "first last" too).
# The same function is called by the search statement, so the index expression matches it.
_PG_FUNCTIONS = """
CREATE FUNCTION ticket_search_text(
    title text, subject text, summary text, first_name text, last_name text,
    public_id text, email text
) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(title, '') || E'\\n' || coalesce(subject, '') || E'\\n'
        || coalesce(summary, '') || E'\\n' || coalesce(first_name, '') || ' '
        || coalesce(last_name, '') || E'\\n' || coalesce(public_id, '') || E'\\n'
        || coalesce(email, '')
$$;
CREATE FUNCTION contact_search_text(name text, email text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(name, '') || E'\\n' || coalesce(email, '')
$$;
"""

_PG_INDEXES = """
CREATE INDEX ix_ticket_search ON ticket USING gin (
    ticket_search_text(title, subject, summary, first_name, last_name, public_id, email)
    gin_trgm_ops);
CREATE INDEX ix_message_body_search ON message USING gin (body gin_trgm_ops);
CREATE INDEX ix_contact_search ON contact USING gin (contact_search_text(name, email) gin_trgm_ops);
"""

# Counts: inserts are counted per statement (COPY and multi-row INSERTs of bench data and
# bulk import add one row per group, not per ticket); updates and deletes per row, and only
# when a counted column changes. Groups are touched in key order so two writers lock the same
# counter rows in the same order.
_PG_COUNTS = """
CREATE FUNCTION ticket_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ticket_count AS c
        (workspace_id, kind, status, state, origin_system, removed, tickets)
    SELECT workspace_id, kind, status, state, origin_system,
           spam OR trashed_at IS NOT NULL, count(*)
    FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (workspace_id, kind, status, state, origin_system, removed)
    DO UPDATE SET tickets = c.tickets + EXCLUDED.tickets;
    RETURN NULL;
END $$;
CREATE FUNCTION ticket_count_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE ticket_count SET tickets = tickets - 1
        WHERE workspace_id = OLD.workspace_id AND kind = OLD.kind AND status = OLD.status
          AND state = OLD.state AND origin_system = OLD.origin_system
          AND removed = (OLD.spam OR OLD.trashed_at IS NOT NULL);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO ticket_count AS c
            (workspace_id, kind, status, state, origin_system, removed, tickets)
        VALUES (NEW.workspace_id, NEW.kind, NEW.status, NEW.state, NEW.origin_system,
                NEW.spam OR NEW.trashed_at IS NOT NULL, 1)
        ON CONFLICT (workspace_id, kind, status, state, origin_system, removed)
        DO UPDATE SET tickets = c.tickets + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER ticket_count_insert AFTER INSERT ON ticket
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ticket_count_inserted();
CREATE TRIGGER ticket_count_update
    AFTER UPDATE OF workspace_id, kind, status, state, origin_system, spam, trashed_at ON ticket
    FOR EACH ROW WHEN (
        (OLD.workspace_id, OLD.kind, OLD.status, OLD.state, OLD.origin_system,
         OLD.spam OR OLD.trashed_at IS NOT NULL)
        IS DISTINCT FROM
        (NEW.workspace_id, NEW.kind, NEW.status, NEW.state, NEW.origin_system,
         NEW.spam OR NEW.trashed_at IS NOT NULL)
    ) EXECUTE FUNCTION ticket_count_changed();
CREATE TRIGGER ticket_count_delete AFTER DELETE ON ticket
    FOR EACH ROW EXECUTE FUNCTION ticket_count_changed();
"""

_COUNT_BACKFILL = """
INSERT INTO ticket_count (workspace_id, kind, status, state, origin_system, removed, tickets)
SELECT workspace_id, kind, status, state, origin_system,
       spam OR trashed_at IS NOT NULL, count(*)
FROM ticket GROUP BY 1, 2, 3, 4, 5, 6
"""

# SQLite: the same document text as PostgreSQL's ticket_search_text, for NEW or OLD rows.
_SQLITE_TICKET_TEXT = (
    "coalesce({r}.title, '') || char(10) || coalesce({r}.subject, '') || char(10) || "
    "coalesce({r}.summary, '') || char(10) || coalesce({r}.first_name, '') || ' ' || "
    "coalesce({r}.last_name, '') || char(10) || coalesce({r}.public_id, '') || char(10) || "
    "coalesce({r}.email, '')"
)
_SQLITE_CONTACT_TEXT = "coalesce({r}.name, '') || char(10) || coalesce({r}.email, '')"
_SQLITE_REMOVED = "({r}.spam OR {r}.trashed_at IS NOT NULL)"
_SQLITE_COUNT_KEY = (
    "workspace_id = {r}.workspace_id AND kind = {r}.kind AND status = {r}.status "
    "AND state = {r}.state AND origin_system = {r}.origin_system AND removed = " + _SQLITE_REMOVED
)
_SQLITE_COUNT_ADD = (
    "INSERT INTO ticket_count (workspace_id, kind, status, state, origin_system, removed, "
    "tickets) VALUES ({r}.workspace_id, {r}.kind, {r}.status, {r}.state, {r}.origin_system, "
    + _SQLITE_REMOVED
    + ", 1) ON CONFLICT (workspace_id, kind, status, state, origin_system, removed) "
    "DO UPDATE SET tickets = tickets + 1;"
)
_SQLITE_COUNT_SUB = "UPDATE ticket_count SET tickets = tickets - 1 WHERE " + _SQLITE_COUNT_KEY + ";"
_COUNTED = "workspace_id, kind, status, state, origin_system, spam, trashed_at"
_SEARCHED = "title, subject, summary, first_name, last_name, public_id, email"


def _sqlite_statements() -> list[str]:
    ticket_new, ticket_old = (_SQLITE_TICKET_TEXT.format(r=r) for r in ("NEW", "OLD"))
    contact_new = _SQLITE_CONTACT_TEXT.format(r="NEW")
    key_changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _COUNTED.split(", "))
    return [
        "CREATE VIRTUAL TABLE ticket_fts USING fts5(document, tokenize='trigram')",
        "CREATE VIRTUAL TABLE contact_fts USING fts5(document, tokenize='trigram')",
        # External content: the index only; the bodies stay in `message`.
        "CREATE VIRTUAL TABLE message_fts USING fts5(body, content='message', "
        "content_rowid='id', tokenize='trigram')",
        f"""CREATE TRIGGER ticket_fts_insert AFTER INSERT ON ticket BEGIN
            INSERT INTO ticket_fts (rowid, document) VALUES (NEW.id, {ticket_new});
        END""",
        f"""CREATE TRIGGER ticket_fts_update AFTER UPDATE OF {_SEARCHED} ON ticket
        WHEN {ticket_new} IS NOT {ticket_old} BEGIN
            UPDATE ticket_fts SET document = {ticket_new} WHERE rowid = NEW.id;
        END""",
        """CREATE TRIGGER ticket_fts_delete AFTER DELETE ON ticket BEGIN
            DELETE FROM ticket_fts WHERE rowid = OLD.id;
        END""",
        f"""CREATE TRIGGER contact_fts_insert AFTER INSERT ON contact BEGIN
            INSERT INTO contact_fts (rowid, document) VALUES (NEW.id, {contact_new});
        END""",
        f"""CREATE TRIGGER contact_fts_update AFTER UPDATE OF name, email ON contact BEGIN
            UPDATE contact_fts SET document = {contact_new} WHERE rowid = NEW.id;
        END""",
        """CREATE TRIGGER contact_fts_delete AFTER DELETE ON contact BEGIN
            DELETE FROM contact_fts WHERE rowid = OLD.id;
        END""",
        """CREATE TRIGGER message_fts_insert AFTER INSERT ON message BEGIN
            INSERT INTO message_fts (rowid, body) VALUES (NEW.id, NEW.body);
        END""",
        # An external-content index forgets a row by being told its old text.
        """CREATE TRIGGER message_fts_update AFTER UPDATE OF body ON message BEGIN
            INSERT INTO message_fts (message_fts, rowid, body) VALUES ('delete', OLD.id, OLD.body);
            INSERT INTO message_fts (rowid, body) VALUES (NEW.id, NEW.body);
        END""",
        """CREATE TRIGGER message_fts_delete AFTER DELETE ON message BEGIN
            INSERT INTO message_fts (message_fts, rowid, body) VALUES ('delete', OLD.id, OLD.body);
        END""",
        f"INSERT INTO ticket_fts (rowid, document) SELECT id, {ticket_new.replace('NEW.', '')} "
        "FROM ticket",
        f"INSERT INTO contact_fts (rowid, document) SELECT id, "
        f"{contact_new.replace('NEW.', '')} FROM contact",
        "INSERT INTO message_fts (message_fts) VALUES ('rebuild')",
        f"""CREATE TRIGGER ticket_count_insert AFTER INSERT ON ticket BEGIN
            {_SQLITE_COUNT_ADD.format(r="NEW")}
        END""",
        f"""CREATE TRIGGER ticket_count_update AFTER UPDATE OF {_COUNTED} ON ticket
        WHEN {key_changed} BEGIN
            {_SQLITE_COUNT_SUB.format(r="OLD")}
            {_SQLITE_COUNT_ADD.format(r="NEW")}
        END""",
        f"""CREATE TRIGGER ticket_count_delete AFTER DELETE ON ticket BEGIN
            {_SQLITE_COUNT_SUB.format(r="OLD")}
        END""",
    ]


def _statements(block: str) -> list[str]:
    """One block's statements (the driver prepares one at a time): each ends with `;` at the
    end of a line outside a `$$` body."""
    statements, current, quoted = [], [], False
    for line in block.strip().splitlines():
        current.append(line)
        quoted ^= line.count("$$") % 2 == 1
        if line.rstrip().endswith(";") and not quoted:
            statements.append("\n".join(current))
            current = []
    return statements


def _ensure_pg_trgm() -> None:
    """pg_trgm is a trusted extension (PostgreSQL 13+): a role that may CREATE in the
    database can add it. Where it can't, stop with what the operator has to run."""
    bind = op.get_bind()
    if bind.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").first():
        return
    database = bind.exec_driver_sql("SELECT current_database()").scalar()
    how = (
        f"ticketgw's search needs the PostgreSQL extension pg_trgm in database {database!r}. "
        f"Run `CREATE EXTENSION pg_trgm;` in it as a superuser (or as a role with CREATE on "
        f"the database), then run `ticketgw migrate` again."
    )
    if not bind.exec_driver_sql(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'"
    ).first():
        raise RuntimeError(how + " It is not installed on the server: install PostgreSQL's "
                           "contrib package (postgresql-contrib) first.")  # fmt: skip
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION pg_trgm")
    except sa.exc.DBAPIError as error:
        raise RuntimeError(f"{how} (CREATE EXTENSION was refused: {error.orig})") from None


def upgrade() -> None:
    op.create_table(
        "ticket_count",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("origin_system", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("tickets", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint(
            "workspace_id", "kind", "status", "state", "origin_system", "removed"
        ),
    )
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_contact_id"), ["contact_id"], unique=False)
    op.execute(_COUNT_BACKFILL)
    if op.get_bind().dialect.name == "postgresql":
        _ensure_pg_trgm()
        for block in (_PG_FUNCTIONS, _PG_INDEXES, _PG_COUNTS):
            for statement in _statements(block):
                op.execute(statement)
    else:
        for statement in _sqlite_statements():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for trigger in ("ticket_count_insert", "ticket_count_update", "ticket_count_delete"):
            op.execute(f"DROP TRIGGER {trigger} ON ticket")
        for function in ("ticket_count_inserted", "ticket_count_changed"):
            op.execute(f"DROP FUNCTION {function}()")
        for index in ("ix_ticket_search", "ix_message_body_search", "ix_contact_search"):
            op.execute(f"DROP INDEX {index}")
        for function in ("ticket_search_text", "contact_search_text"):
            op.execute(f"DROP FUNCTION {function}")
    else:
        for table in ("ticket", "contact", "message"):
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_fts_{event}")
            op.execute(f"DROP TABLE {table}_fts")
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER ticket_count_{event}")
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_contact_id"))
    op.drop_table("ticket_count")
