"""queue floor: DISPLAY keys' lines, indexes for line statistics

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-06 22:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.add_column(sa.Column("line_ids", JSON, nullable=True))
    op.create_index(
        "ix_ticket_event_floor", "ticket_event", ["workspace_id", "type", "at", "ticket_id"]
    )
    op.create_index(
        "ix_interaction_line_start", "interaction", ["workspace_id", "line_id", "start"]
    )


def downgrade() -> None:
    op.drop_index("ix_interaction_line_start", table_name="interaction")
    op.drop_index("ix_ticket_event_floor", table_name="ticket_event")
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_column("line_ids")
