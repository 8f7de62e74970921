"""vendor fields as sent: locations, message routing, raw source, payload digests

Revision ID: 0015
Revises: 0001
Create Date: 2026-12-04 18:39:21.375370
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import app.db.types

revision: str = "0015"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")
TEXT = sqlmodel.sql.sqltypes.AutoString()


def upgrade() -> None:
    op.create_table(
        "location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("external_system", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("created_at", app.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "external_system", "external_id"),
    )
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_location_workspace_id"), ["workspace_id"], unique=False
        )
    with op.batch_alter_table("line", schema=None) as batch_op:
        batch_op.add_column(sa.Column("location_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_line_location_id_location", "location", ["location_id"], ["id"]
        )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("identifier", TEXT, nullable=True))
    with op.batch_alter_table("label", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("external_system", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_reference", TEXT, nullable=True))
        batch_op.add_column(sa.Column("routing", JSON, nullable=True))
        batch_op.add_column(
            sa.Column("sent_at", app.db.types.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vendor_digests", JSON, nullable=True))
        batch_op.add_column(sa.Column("raw_source", TEXT, nullable=True))
        batch_op.add_column(sa.Column("channel_name", TEXT, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_column("channel_name")
        batch_op.drop_column("raw_source")
        batch_op.drop_column("vendor_digests")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_column("sent_at")
        batch_op.drop_column("routing")
        batch_op.drop_column("external_reference")
    with op.batch_alter_table("label", schema=None) as batch_op:
        batch_op.drop_column("external_system")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_column("identifier")
    with op.batch_alter_table("line", schema=None) as batch_op:
        batch_op.drop_constraint("fk_line_location_id_location", type_="foreignkey")
        batch_op.drop_column("location_id")
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_location_workspace_id"))
    op.drop_table("location")
