"""drafts: a long form's typed text kept sealed to its writer across a time-out

Revision ID: 0009_drafts
Revises: 0008_trust_row_macs
Create Date: 2026-11-30 21:00:00
"""

from alembic import op
import sqlalchemy as sa

import kasane_shared.db

revision = "0009_drafts"
down_revision = "0008_trust_row_macs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("member_id", sa.String(length=32), nullable=False),
        sa.Column("form", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.Column("wrapped_key", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("kept_at", kasane_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", kasane_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("member_id", "form"),
    )
    op.create_index("ix_drafts_member_id", "drafts", ["member_id"])
    op.create_index("ix_drafts_expires_at", "drafts", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_drafts_expires_at", "drafts")
    op.drop_index("ix_drafts_member_id", "drafts")
    op.drop_table("drafts")
