"""meeting changes: status, iCalendar sequence, cancellation, sealed notes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 14:00:00.000000
"""

from alembic import op
import sqlalchemy as sa
import kasane_shared.db


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), server_default="scheduled", nullable=False)
        )
        batch_op.add_column(sa.Column("sequence", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("cancelled_at", kasane_shared.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("cancelled_by", sa.String(length=64), nullable=True))
    op.create_table(
        "meeting_notes",
        sa.Column("meeting_id", sa.String(length=32), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", kasane_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("seal_version", sa.Integer(), nullable=False),
        sa.Column("sealed_fields", sa.JSON(), nullable=False),
        sa.Column("escrow_wraps", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("meeting_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_notes_meeting_id"), ["meeting_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_notes_meeting_id"))
    op.drop_table("meeting_notes")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("cancelled_by")
        batch_op.drop_column("cancelled_at")
        batch_op.drop_column("sequence")
        batch_op.drop_column("status")
