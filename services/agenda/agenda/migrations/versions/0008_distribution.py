"""distribution: text revisions, distributed agendas

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa
import kasane_shared.db


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("text_revision", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("text_revision", sa.Integer(), server_default="0", nullable=False)
        )
    op.create_table(
        "meeting_distributions",
        sa.Column("meeting_id", sa.String(length=32), nullable=False),
        sa.Column(
            "first_distributed_at", kasane_shared.db.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("distributed_at", kasane_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("distributed_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"]),
        sa.PrimaryKeyConstraint("meeting_id"),
    )
    op.create_table(
        "distributed_items",
        sa.Column("meeting_id", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("item_revision", sa.Integer(), nullable=False),
        sa.Column("case_revision", sa.Integer(), nullable=False),
        sa.Column("distributed_at", kasane_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "item_id"),
    )
    with op.batch_alter_table("distributed_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_distributed_items_meeting_id"), ["meeting_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("distributed_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_distributed_items_meeting_id"))
    op.drop_table("distributed_items")
    op.drop_table("meeting_distributions")
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_column("text_revision")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("text_revision")
