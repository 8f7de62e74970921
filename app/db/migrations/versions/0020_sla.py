"""SLA: business calendars, policies, timers; Ticket.sla_due_at and its index

Revision ID: 0020
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import app.db.types

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString
_TIME = app.db.types.UTCDateTime()


def upgrade() -> None:
    op.create_table(
        "sla_calendar",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", _STR(length=200), nullable=False),
        sa.Column("timezone", _STR(length=64), nullable=False),
        sa.Column("weekly_hours", app.db.types.JSONType, nullable=False),
        sa.Column("exceptions", app.db.types.JSONType, nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "name"),
    )
    op.create_table(
        "sla_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", _STR(length=200), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("calendar_id", sa.Integer(), nullable=True),
        sa.Column("first_response_seconds", sa.Integer(), nullable=True),
        sa.Column("resolution_seconds", sa.Integer(), nullable=True),
        sa.Column("max_wait_seconds", sa.Integer(), nullable=True),
        sa.Column("warn_before_seconds", sa.Integer(), nullable=False),
        sa.Column("pause_while_snoozed", sa.Boolean(), nullable=False),
        sa.Column("pause_while_awaiting_customer", sa.Boolean(), nullable=False),
        sa.Column("kinds", app.db.types.JSONType, nullable=False),
        sa.Column("line_ids", app.db.types.JSONType, nullable=False),
        sa.Column("team_ids", app.db.types.JSONType, nullable=False),
        sa.Column("label_names", app.db.types.JSONType, nullable=False),
        sa.Column("channels", app.db.types.JSONType, nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.ForeignKeyConstraint(["calendar_id"], ["sla_calendar.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "name"),
    )
    op.create_table(
        "sla_timer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("calendar_id", sa.Integer(), nullable=True),
        sa.Column("metric", _STR(length=16), nullable=False),
        sa.Column("status", _STR(length=16), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("target_seconds", sa.Integer(), nullable=False),
        sa.Column("warn_before_seconds", sa.Integer(), nullable=False),
        sa.Column("pause_while_snoozed", sa.Boolean(), nullable=False),
        sa.Column("pause_while_awaiting_customer", sa.Boolean(), nullable=False),
        sa.Column("started_at", _TIME, nullable=False),
        sa.Column("elapsed_us", sa.BigInteger(), nullable=False),
        sa.Column("running_since", _TIME, nullable=True),
        sa.Column("due_at", _TIME, nullable=True),
        sa.Column("warn_at", _TIME, nullable=True),
        sa.Column("next_at", _TIME, nullable=True),
        sa.Column("warning_sent", sa.Boolean(), nullable=False),
        sa.Column("breach_sent", sa.Boolean(), nullable=False),
        sa.Column("breached_at", _TIME, nullable=True),
        sa.Column("stopped_at", _TIME, nullable=True),
        sa.ForeignKeyConstraint(["calendar_id"], ["sla_calendar.id"]),
        sa.ForeignKeyConstraint(["policy_id"], ["sla_policy.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_id", "metric"),
    )
    op.create_index("ix_sla_timer_next", "sla_timer", ["next_at"], unique=False)
    op.create_index("ix_sla_timer_ws_status", "sla_timer", ["workspace_id", "status", "ticket_id"])
    # NEVER_DUE (app/db/sla.py) as each dialect stores it: SQLite keeps naive UTC text.
    postgres = op.get_bind().dialect.name == "postgresql"
    never = "'9998-12-31 00:00:00+00'" if postgres else "'9998-12-31 00:00:00.000000'"
    # Plain ALTER TABLE, never batch mode: on SQLite a batch copies the table and would drop
    # the ticket triggers (counts, search) of 0017.
    op.add_column(
        "ticket", sa.Column("sla_due_at", _TIME, nullable=False, server_default=sa.text(never))
    )
    op.create_index("ix_ticket_ws_sla_due", "ticket", ["workspace_id", "sla_due_at", "id"])
    op.add_column(
        "workspace",
        sa.Column("sla_active", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    # ALTER TABLE .. DROP COLUMN on both (SQLite 3.35+), keeping the ticket triggers.
    op.execute("ALTER TABLE workspace DROP COLUMN sla_active")
    op.drop_index("ix_ticket_ws_sla_due", table_name="ticket")
    op.execute("ALTER TABLE ticket DROP COLUMN sla_due_at")
    op.drop_index("ix_sla_timer_ws_status", table_name="sla_timer")
    op.drop_index("ix_sla_timer_next", table_name="sla_timer")
    op.drop_table("sla_timer")
    op.drop_table("sla_policy")
    op.drop_table("sla_calendar")
