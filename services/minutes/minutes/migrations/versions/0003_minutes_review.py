"""minutes review: who submitted, attendees' confirmations, sealed correction reasons

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 15:00:00
"""

from alembic import op
import sqlalchemy as sa
import kasane_shared.db


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("minutes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_by", sa.String(length=64), nullable=True))
    op.create_table(
        "confirmations",
        sa.Column("minutes_id", sa.String(length=32), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("confirmed_at", kasane_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["minutes_id"], ["minutes.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("minutes_id", "member_id"),
    )
    with op.batch_alter_table("confirmations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_confirmations_minutes_id"), ["minutes_id"], unique=False
        )
    op.create_table(
        "correction_reasons",
        sa.Column("minutes_id", sa.String(length=32), nullable=False),
        sa.Column("author_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", kasane_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("seal_version", sa.Integer(), nullable=False),
        sa.Column("sealed_fields", sa.JSON(), nullable=False),
        sa.Column("escrow_wraps", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["minutes_id"], ["minutes.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("correction_reasons", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_correction_reasons_minutes_id"), ["minutes_id"], unique=True
        )


def downgrade() -> None:
    op.drop_table("correction_reasons")
    op.drop_table("confirmations")
    with op.batch_alter_table("minutes", schema=None) as batch_op:
        batch_op.drop_column("submitted_by")
