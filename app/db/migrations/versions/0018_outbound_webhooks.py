"""outbound webhooks: endpoints and their delivery attempts

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import app.db.types

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")
UTC = app.db.types.UTCDateTime(timezone=True)


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "webhook_endpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("url", _text(2000), nullable=False),
        sa.Column("description", _text(500), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("status", _text(16), nullable=False),
        sa.Column("filter", JSON, nullable=True),
        sa.Column("secret", _text(200), nullable=False),
        sa.Column("previous_secret", _text(200), nullable=True),
        sa.Column("previous_secret_until", UTC, nullable=True),
        sa.Column("last_delivered_seq", sa.Integer(), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC, nullable=False),
        sa.Column("lease_owner", _text(64), nullable=True),
        sa.Column("lease_until", UTC, nullable=True),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_webhook_endpoint_workspace_id", "webhook_endpoint", ["workspace_id"], unique=False
    )
    op.create_index(
        "ix_webhook_endpoint_due", "webhook_endpoint", ["status", "next_attempt_at"], unique=False
    )
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("event_type", _text(32), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("error", _text(500), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("next_attempt_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["endpoint_id"], ["webhook_endpoint.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_webhook_delivery_endpoint", "webhook_delivery", ["endpoint_id", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_delivery_endpoint", table_name="webhook_delivery")
    op.drop_table("webhook_delivery")
    op.drop_index("ix_webhook_endpoint_due", table_name="webhook_endpoint")
    op.drop_index("ix_webhook_endpoint_workspace_id", table_name="webhook_endpoint")
    op.drop_table("webhook_endpoint")
